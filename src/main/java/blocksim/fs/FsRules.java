package blocksim.fs;

import blocksim.api.Profile;

/**
 * The file layer's era rules, chosen once at boot ({@link #of}); see {@code block.BlockRules} for
 * why the code asks a rule, not the profile. docs/profiles.md lists each ("Where the code asks").
 *
 * @param sysfsAttrs618 6.18 {@code block/genhd.c:disk_attrs}: {@code capability} is always 0, and
 *                      {@code hidden}, {@code discard_alignment} and {@code partscan} exist;
 *                      {@code block/partitions/core.c:part_attrs} add {@code ro} and
 *                      {@code discard_alignment}. 2.6.32: {@code capability} is the disk's flags in
 *                      hex, and partitions have no {@code ro}
 * @param seekMax       {@code fs/read_write.c:ksys_lseek}: the highest whence, {@code SEEK_HOLE} (4)
 *                      since 3.1, {@code SEEK_END} (2) in 2.6.32
 * @param liveSize      the size lseek's SEEK_END and the end checks see on a block device: 6.18
 *                      {@code bdev_nr_bytes}, 2.6.32 the inode size set at open
 */
public record FsRules(boolean sysfsAttrs618, int seekMax, boolean liveSize) {

    public static final FsRules LINUX_2_6_32 = new FsRules(false, 2, false);
    public static final FsRules LINUX_6_18 = new FsRules(true, 4, true);

    /** The rules of an era. */
    public static FsRules of(Profile profile) {
        return switch (profile) {
            case LINUX_2_6_32 -> LINUX_2_6_32;
            case LINUX_6_18 -> LINUX_6_18;
        };
    }
}
