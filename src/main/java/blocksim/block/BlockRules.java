package blocksim.block;

import blocksim.api.Profile;

/**
 * The block core's era rules: one named rule for each behaviour the era decides, chosen once at
 * boot ({@link #of}). The code asks the rule, never the profile, so another era is another
 * constant here, not an edit of every file. docs/profiles.md lists each rule ("Where the code
 * asks") and DocsTests keeps that list and this record equal.
 *
 * @param commonIoctlOrder    6.18 {@code block/ioctl.c:blkdev_ioctl} then {@code blkdev_common_ioctl}
 *                            (EACCES before EINVAL in BLKRRPART, BLKPG's argument checks, RESIZE);
 *                            2.6.32 {@code block/ioctl.c:blkdev_ioctl} (the driver first for
 *                            BLKROSET and BLKFLSBUF, EINVAL first in BLKRRPART, no BLKPG checks)
 * @param bioCheckEodOnce     6.18 {@code block/blk-core.c:bio_check_eod}: once before the partition
 *                            remap, one ratelimited record; 2.6.32 {@code handle_bad_sector} before
 *                            and after the remap, every time
 * @param openMutexClaimFirst 6.18 {@code block/bdev.c:bdev_open}: the claim is prepared first
 *                            (EBUSY wins), under the disk's {@code open_mutex}; 2.6.32
 *                            {@code fs/block_dev.c:blkdev_open}: the open under {@code bd_mutex}
 *                            first (ENXIO wins), then {@code bd_claim}
 * @param readOnlyFollowsDisk 6.18 {@code include/linux/blkdev.h:bdev_read_only} ORs the disk's flag
 *                            and {@code set_disk_ro} sets {@code GD_READ_ONLY}; 2.6.32 each device's
 *                            {@code policy}, copied into a partition when it is added
 * @param liveSize            6.18 {@code block/fops.c} reads and writes against
 *                            {@code bdev_nr_bytes} (the live size); 2.6.32 against the inode size
 *                            set at open
 * @param emptyWriteAnywhere  6.18 {@code blkdev_write_iter}: an empty write is 0 anywhere; 2.6.32
 *                            {@code mm/filemap.c:generic_write_checks}: ENOSPC past the end
 * @param slots256            6.18: every partitionable disk has {@code DISK_MAX_PARTS} (256) slots,
 *                            a NO_PART disk 1, and {@code disk_has_partscan} decides scans from the
 *                            NO_PART, HIDDEN and SUPPRESS_PART_SCAN flags; 2.6.32
 *                            {@code disk_max_parts}: the minors, or 256 with EXT_DEVT, and
 *                            {@code disk_partitionable}: more than one slot
 * @param scanInAddDisk       6.18 {@code add_disk} scans through {@code disk_scan_partitions};
 *                            2.6.32 {@code register_disk} opens the disk ({@code blkdev_get}) to scan
 * @param procHidesHidden     {@code /proc/partitions} leaves out: 6.18 hidden disks
 *                            ({@code show_partition}); 2.6.32 removable disks of one minor
 */
public record BlockRules(boolean commonIoctlOrder, boolean bioCheckEodOnce, boolean openMutexClaimFirst,
                         boolean readOnlyFollowsDisk, boolean liveSize, boolean emptyWriteAnywhere, boolean slots256,
                         boolean scanInAddDisk, boolean procHidesHidden) {

    public static final BlockRules LINUX_2_6_32 = new BlockRules(false, false, false, false, false, false, false,
            false, false);
    public static final BlockRules LINUX_6_18 = new BlockRules(true, true, true, true, true, true, true, true, true);

    /** The rules of an era. */
    public static BlockRules of(Profile profile) {
        return switch (profile) {
            case LINUX_2_6_32 -> LINUX_2_6_32;
            case LINUX_6_18 -> LINUX_6_18;
        };
    }
}
