package blocksim.block;

import blocksim.block.partitions.CheckPartition;
import blocksim.block.partitions.ParsedPartitions;
import blocksim.block.partitions.SectorSource;
import blocksim.kernel.DevT;
import blocksim.api.Errno;
import blocksim.kernel.Printk;
import blocksim.api.Task;

/**
 * The in-memory partition table: adding, dropping and resizing partitions, and rescanning a disk.
 * 6.18 {@code block/partitions/core.c} plus {@code block/genhd.c:disk_scan_partitions}; 2.6.32
 * {@code fs/partitions/check.c}.
 */
public final class PartitionsCore {

    private final Genhd genhd;
    private final CheckPartition checker;

    PartitionsCore(Genhd genhd) {
        this.genhd = genhd;
        this.checker = new CheckPartition(genhd.profile, genhd.config);
    }

    /**
     * {@code add_partition} (both eras), with the disk's lock held. Returns 0 or a negative errno.
     *
     * <p>6.18: pno >= 256 is EINVAL, a used number EBUSY, then the dev_t: inside the disk's
     * minors, or an extended minor on 259. 2.6.32: {@code disk_expand_part_tbl} refuses
     * {@code pno + 1 > disk_max_parts()} with EINVAL, a used number is EBUSY, then
     * {@code blk_alloc_devt}. The partition starts read-only if the disk is (2.6.32 copies
     * {@code get_disk_ro} into {@code policy}; 6.18 reads the disk's flag live).
     */
    int addPartition(Gendisk disk, int partno, long start, long len) {
        (genhd.rules.openMutexClaimFirst() ? disk.openMutex : disk.part0.bdMutex).assertHeld();
        if (genhd.rules.slots256()) {
            if (partno >= Genhd.DISK_MAX_PARTS) {
                return -Errno.EINVAL.number();
            }
        } else {
            int max = disk.maxParts();
            if (max != 0 && partno + 1 > max) {
                return -Errno.EINVAL.number();
            }
        }
        if (disk.partTbl.containsKey(partno)) {
            return -Errno.EBUSY.number();
        }
        DevT dev;
        if (partno < disk.minors) {
            dev = DevT.mkdev(disk.major, disk.firstMinor + partno);
        } else {
            int minor = genhd.allocExtMinor();
            if (minor < 0) {
                return minor;
            }
            dev = DevT.mkdev(DevT.BLOCK_EXT_MAJOR, minor);
        }
        BlockDevice part = new BlockDevice(disk, partno, dev, start, len);
        if (!genhd.rules.readOnlyFollowsDisk()) {
            part.readOnly = disk.getDiskRo();
        }
        disk.partTbl.put(partno, part);
        genhd.index(part);
        return 0;
    }

    /**
     * Removes a partition from the table and frees its extended minor: 6.18
     * {@code drop_partition} (after {@code bdev_unhash}), 2.6.32 {@code delete_partition}. Files
     * still open on it keep a dead block device.
     */
    void dropPartition(BlockDevice part) {
        Gendisk disk = part.bdDisk;
        disk.partTbl.remove(part.bdPartno);
        genhd.unindex(part);
        part.hashed = false;
        if (part.bdDev.major() == DevT.BLOCK_EXT_MAJOR) {
            genhd.freeExtMinor(disk, part.bdDev.minor());
        }
    }

    /**
     * 6.18 {@code block/partitions/core.c:partition_overlaps}: does [start, start+length) meet any
     * partition other than {@code skip}? Zero-length partitions never overlap.
     */
    boolean partitionOverlaps(Gendisk disk, long start, long length, int skip) {
        for (BlockDevice p : disk.partTbl.values()) {
            if (p.bdPartno != skip
                    && Long.compareUnsigned(start, p.bdStartSect + p.nrSects) < 0
                    && Long.compareUnsigned(start + length, p.bdStartSect) > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * 6.18 {@code block/partitions/core.c:bdev_add_partition}: ENXIO for a dead disk, EINVAL for a
     * NO_PART disk, EBUSY for an overlap, then {@link #addPartition}.
     */
    int bdevAddPartition(Gendisk disk, int partno, long start, long length, Task task) {
        disk.openMutex.lock(task);
        try {
            if (!disk.live()) {
                return -Errno.ENXIO.number();
            }
            if (disk.hasFlag(Gendisk.Flag.NO_PART)) {
                return -Errno.EINVAL.number();
            }
            if (partitionOverlaps(disk, start, length, -1)) {
                return -Errno.EBUSY.number();
            }
            return addPartition(disk, partno, start, length);
        } finally {
            disk.openMutex.unlock(task);
        }
    }

    /**
     * 6.18 {@code block/partitions/core.c:bdev_del_partition}: ENXIO when there is no such
     * partition (any number above 255 included), EBUSY while it has openers.
     */
    int bdevDelPartition(Gendisk disk, int partno, Task task) {
        disk.openMutex.lock(task);
        try {
            BlockDevice part = disk.partTbl.get(partno);
            if (part == null) {
                return -Errno.ENXIO.number();
            }
            if (part.bdOpeners != 0) {
                return -Errno.EBUSY.number();
            }
            dropPartition(part);
            return 0;
        } finally {
            disk.openMutex.unlock(task);
        }
    }

    /**
     * 6.18 {@code block/partitions/core.c:bdev_resize_partition}: ENXIO when missing, EINVAL when
     * the start differs, EBUSY when the new extent overlaps another partition. Open or mounted
     * partitions may be resized; only their size changes.
     */
    int bdevResizePartition(Gendisk disk, int partno, long start, long length, Task task) {
        disk.openMutex.lock(task);
        try {
            BlockDevice part = disk.partTbl.get(partno);
            if (part == null) {
                return -Errno.ENXIO.number();
            }
            if (start != part.bdStartSect) {
                return -Errno.EINVAL.number();
            }
            if (partitionOverlaps(disk, start, length, partno)) {
                return -Errno.EBUSY.number();
            }
            part.nrSects = length;
            return 0;
        } finally {
            disk.openMutex.unlock(task);
        }
    }

    /**
     * 6.18 {@code block/genhd.c:disk_scan_partitions}: EINVAL without partscan, EBUSY while a
     * partition is open, EBUSY when someone else holds the disk (the claim is skipped when the
     * caller's file was opened O_EXCL); then an internal open of the whole disk with
     * {@code GD_NEED_PART_SCAN} set and the caller's mode less {@code BLK_OPEN_EXCL}. BLKRRPART
     * passes {@code BLK_OPEN_STRICT_SCAN}, so its scan errors come back; {@code add_disk} does not.
     */
    public int diskScanPartitions(Gendisk disk, int mode, Task task) {
        if (!disk.hasPartscan()) {
            return -Errno.EINVAL.number();
        }
        if (disk.openPartitions != 0) {
            return -Errno.EBUSY.number();
        }
        boolean claim = (mode & Bdev.MODE_EXCL) == 0;
        if (claim && !genhd.bdev.bdMayClaim(disk.part0, this)) {
            return -Errno.EBUSY.number();
        }
        disk.setState(Gendisk.State.NEED_PART_SCAN, true);
        int openMode = mode & ~Bdev.MODE_EXCL;
        int ret = genhd.bdev.blkdevGet(disk.part0, openMode, null, task);
        if (ret == 0) {
            genhd.bdev.blkdevPut(disk.part0, openMode, null, task);
        }
        disk.setState(Gendisk.State.NEED_PART_SCAN, false);
        return ret;
    }

    /**
     * A driver-initiated rescan under the disk's lock, as 6.18's {@code loop_reread_partitions}
     * does: {@code bdev_disk_changed(disk, false)} with {@code open_mutex} held. Returns its result.
     */
    public int rescanLocked(Gendisk disk, Task task) {
        disk.openMutex.lock(task);
        try {
            return bdevDiskChanged(disk, false, task);
        } finally {
            disk.openMutex.unlock(task);
        }
    }

    /**
     * {@code bdev_disk_changed(disk, false)} from a driver's release path, where the block layer
     * already holds {@code open_mutex} (6.18 {@code __loop_clr_fd} called from {@code lo_release}).
     */
    public int rescanFromRelease(Gendisk disk, Task task) {
        return bdevDiskChanged(disk, false, task);
    }

    /**
     * 6.18 {@code block/partitions/core.c:bdev_disk_changed}, with {@code open_mutex} held: ENXIO
     * for a dead disk, EBUSY while a partition is open, then drop every partition and, if the
     * disk has a capacity, add those the parsers find.
     */
    int bdevDiskChanged(Gendisk disk, boolean invalidate, Task task) {
        disk.openMutex.assertHeld();
        if (!disk.live()) {
            return -Errno.ENXIO.number();
        }
        if (disk.openPartitions != 0) {
            return -Errno.EBUSY.number();
        }
        genhd.rescanStart(disk.part0);
        try {
            for (BlockDevice part : disk.partitions()) {
                dropPartition(part);
            }
            disk.setState(Gendisk.State.NEED_PART_SCAN, false);
            if (invalidate) {
                disk.clearMedium();
            }
            if (disk.capacity() != 0) {
                genhd.scanIo(disk);
                return blkAddPartitions(disk, task);
            }
            return 0;
        } finally {
            genhd.rescanDone(disk.part0);
        }
    }

    /**
     * 6.18 {@code block/partitions/core.c:blk_add_partitions}: scan; a read past the end of the
     * disk logs {@code "sda: partition table beyond EOD, truncated"} and fails with EIO like any
     * read error; a table read partly past the end logs {@code "partially beyond EOD"}; then each
     * slot is added by {@link #blkAddPartition}.
     */
    private int blkAddPartitions(Gendisk disk, Task task) {
        if (!disk.hasPartscan()) {
            return 0;
        }
        Printk printk = genhd.printk;
        CheckPartition.Result r = checker.check(sectorSource(disk, task), Genhd.DISK_MAX_PARTS, printk);
        if (r.state() == null) {
            if (r.error() == 0) {
                return 0;
            }
            if (r.error() == -Errno.ENOSPC.number()) {
                printk.printk(Printk.Level.WARNING, disk.diskName + ": partition table beyond EOD, ");
                printk.cont("truncated\n");
            }
            return -Errno.EIO.number();
        }
        ParsedPartitions state = r.state();
        if (state.accessBeyondEod()) {
            printk.printk(Printk.Level.WARNING, disk.diskName + ": partition table partially beyond EOD, ");
            printk.cont("truncated\n");
        }
        for (int p = 1; p < state.limit(); p++) {
            blkAddPartition(disk, state, p);
        }
        return 0;
    }

    /**
     * 6.18 {@code block/partitions/core.c:blk_add_partition}: empty slots are skipped; a start at
     * or past the end is logged and skipped; a partition running past the end is logged and cut to
     * the end (these drivers cannot unlock a native capacity, so the log says "truncated"). The
     * end test is the kernel's {@code from + size > get_capacity(disk)} in sector_t, so a size that
     * wrapped around passes it and the partition keeps that size.
     */
    private void blkAddPartition(Gendisk disk, ParsedPartitions state, int p) {
        long size = state.size(p);
        long from = state.from(p);
        long capacity = disk.capacity();
        if (size == 0) {
            return;
        }
        Printk printk = genhd.printk;
        if (Long.compareUnsigned(from, capacity) >= 0) {
            printk.printk(Printk.Level.WARNING,
                    disk.diskName + ": p" + p + " start " + Long.toUnsignedString(from) + " is beyond EOD, ");
            printk.cont("truncated\n");
            return;
        }
        // from + size is sector_t arithmetic: a size that wrapped (a GPT entry ending before it
        // starts) wraps the sum too and passes, and the partition is made that size, without a word
        if (Long.compareUnsigned(from + size, capacity) > 0) {
            printk.printk(Printk.Level.WARNING,
                    disk.diskName + ": p" + p + " size " + Long.toUnsignedString(size) + " extends beyond EOD, ");
            printk.cont("truncated\n");
            size = capacity - from;
        }
        int err = addPartition(disk, p, from, size);
        if (err < 0 && err != -Errno.ENXIO.number()) {
            printk.printk(Printk.Level.ERR, " " + disk.diskName + ": p" + p + " could not be added: -"
                    + Errno.of(-err).map(Enum::name).orElse(Integer.toString(-err)) + "\n");
        }
    }

    /**
     * 2.6.32 {@code fs/partitions/check.c:rescan_partitions}, with the whole disk's
     * {@code bd_mutex} held: EBUSY while a partition is open; {@code invalidate_partition(disk, 0)}
     * (which answers 1 when a filesystem is mounted on the whole disk, returned as is); delete
     * every partition; scan; a read error is EIO; otherwise add each found partition, skipping
     * those that start past the end and limiting those that run past it.
     */
    int rescanPartitions(Gendisk disk, BlockDevice bdev, Task task) {
        bdev.bdMutex.assertHeld();
        if (bdev.bdPartCount != 0) {
            return -Errno.EBUSY.number();
        }
        genhd.rescanStart(bdev);
        try {
            return rescanListed(disk, bdev, task);
        } finally {
            genhd.rescanDone(bdev);
        }
    }

    /** The body of 2.6.32 rescan_partitions, run while the disk is on the rescan list. */
    private int rescanListed(Gendisk disk, BlockDevice bdev, Task task) {
        int res = invalidatePartition(disk);
        if (res != 0) {
            return res;
        }
        for (BlockDevice part : disk.partitions()) {
            dropPartition(part);
        }
        disk.setState(Gendisk.State.NEED_PART_SCAN, false);
        if (disk.capacity() == 0) {
            return 0;
        }
        genhd.scanIo(disk);
        CheckPartition.Result r = checker.check(sectorSource(disk, task), disk.maxParts(), genhd.printk);
        if (r.state() == null) {
            return r.error() != 0 ? -Errno.EIO.number() : 0;
        }
        ParsedPartitions state = r.state();
        Printk printk = genhd.printk;
        long capacity = disk.capacity();
        for (int p = 1; p < state.limit(); p++) {
            long size = state.size(p);
            long from = state.from(p);
            if (size == 0) {
                continue;
            }
            if (Long.compareUnsigned(from, capacity) >= 0) {
                printk.printk(Printk.Level.WARNING, disk.diskName + ": p" + p + " ignored, start "
                        + Long.toUnsignedString(from) + " is behind the end of the disk\n");
                continue;
            }
            // the same unsigned sum as 6.18: a wrapped size passes (fs/partitions/check.c:rescan_partitions)
            if (Long.compareUnsigned(from + size, capacity) > 0) {
                printk.printk(Printk.Level.WARNING, disk.diskName + ": p" + p + " size "
                        + Long.toUnsignedString(size) + " exceeds device capacity, ");
                printk.cont("limited to end of disk\n");
                size = capacity - from;
            }
            int err = addPartition(disk, p, from, size);
            if (err < 0) {
                printk.printk(Printk.Level.ERR, " " + disk.diskName + ": p" + p + " could not be added: " + (-err) + "\n");
            }
        }
        return 0;
    }

    /**
     * 2.6.32 {@code block/genhd.c:invalidate_partition(disk, 0)}: syncs and invalidates the whole
     * disk; with a filesystem mounted on it, {@code invalidate_inodes} finds busy inodes and the
     * result is 1.
     */
    private static int invalidatePartition(Gendisk disk) {
        return disk.part0.bdSuper != null ? 1 : 0;
    }

    /**
     * The disk as the parsers see it: 512-byte sectors read through the block layer, one bio each
     * ({@code read_part_sector} / 2.6.32 {@code read_dev_sector} through the disk's page cache), so
     * a scan waits for a driver that has not answered yet, and a failed read is an I/O error.
     */
    SectorSource sectorSource(Gendisk disk, Task task) {
        return new SectorSource() {
            @Override
            public String diskName() {
                return disk.diskName;
            }

            @Override
            public long capacity() {
                return disk.capacity();
            }

            @Override
            public int logicalBlockSize() {
                return disk.logicalBlockSize;
            }

            @Override
            public byte[] readSector(long n) {
                byte[] b = new byte[512];
                return genhd.blk.submitBio(new Bio(Bio.Op.READ, disk.part0, n, b, 0, 512), task) == 0 ? b : null;
            }
        };
    }
}
