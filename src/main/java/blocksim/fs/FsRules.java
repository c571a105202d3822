package blocksim.fs;

import blocksim.api.Profile;

/**
 * The file layer's era rules, chosen once at boot ({@link #of}); see {@code block.BlockRules} for
 * why the code asks a rule, not the profile. docs/profiles.md lists each ("Where the code asks").
 *
 * @param kernfsOrder   6.18 sysfs lists a directory in {@code kernfs_name_hash} order
 *                      ({@code fs/kernfs/dir.c}), as measured on the live 6.18.44; 2.6.32 sysfs keeps
 *                      its children sorted by inode number, which the model shows as name order
 * @param sysfsAttrs618 6.18 {@code block/genhd.c:disk_attrs}: {@code capability} is always 0, and
 *                      {@code hidden}, {@code discard_alignment} and {@code partscan} exist;
 *                      {@code block/partitions/core.c:part_attrs} add {@code ro} and
 *                      {@code discard_alignment}. 2.6.32: {@code capability} is the disk's flags in
 *                      hex, and partitions have no {@code ro}
 * @param seekMax       {@code fs/read_write.c:ksys_lseek}: the highest whence, {@code SEEK_HOLE} (4)
 *                      since 3.1, {@code SEEK_END} (2) in 2.6.32
 * @param liveSize      the size lseek's SEEK_END and the end checks see on a block device: 6.18
 *                      {@code bdev_nr_bytes}, 2.6.32 the inode size set at open
 * @param freezeHolders618 6.18 {@code fs/super.c}: FIFREEZE is {@code freeze_super(USERSPACE)}
 *                      (a second one EBUSY, FITHAW of an unfrozen filesystem EINVAL), writers and
 *                      {@code mnt_want_write} wait on {@code sb_writers}, a mount reuses a live
 *                      superblock ({@code sget_dev}) and claims the device with it as holder, and
 *                      ext4 logs "mounted filesystem UUID r/w ...". 2.6.32: FIFREEZE is
 *                      {@code fs/block_dev.c:freeze_bdev} (nests by {@code bd_fsfreeze_count},
 *                      thaw of nothing returns 0), writes wait on {@code s_wait_unfrozen}, ext3/4
 *                      transactions at {@code SB_FREEZE_TRANS}, and the claim's holder is the
 *                      filesystem type
 * @param ext2Freezes   ext2's {@code ->freeze_fs}: 6.18 {@code fs/ext2/super.c:ext2_freeze}; 2.6.32
 *                      has none (FIFREEZE EOPNOTSUPP)
 * @param sysrqPrefix   how a sysrq action announces itself: 6.18 {@code drivers/tty/sysrq.c}
 *                      {@code pr_fmt} "sysrq:", 2.6.32 {@code drivers/char/sysrq.c} "SysRq :" (a space follows)
 */
public record FsRules(boolean sysfsAttrs618, int seekMax, boolean liveSize, boolean freezeHolders618,
                      boolean ext2Freezes, String sysrqPrefix, boolean kernfsOrder) {

    public static final FsRules LINUX_2_6_32 = new FsRules(false, 2, false, false, false, "SysRq :", false);
    public static final FsRules LINUX_6_18 = new FsRules(true, 4, true, true, true, "sysrq:", true);

    /** The rules of an era. */
    public static FsRules of(Profile profile) {
        return switch (profile) {
            case LINUX_2_6_32 -> LINUX_2_6_32;
            case LINUX_6_18 -> LINUX_6_18;
        };
    }
}
