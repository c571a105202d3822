package blocksim.block;

import blocksim.api.Errno;
import blocksim.api.Task;

/**
 * Opening, closing and claiming block devices: 6.18 {@code block/bdev.c} ({@code bdev_open},
 * {@code blkdev_get_whole}, {@code blkdev_get_part}, {@code bd_may_claim}, ...) and 2.6.32
 * {@code fs/block_dev.c} ({@code __blkdev_get}, {@code __blkdev_put}, {@code bd_claim},
 * {@code bd_release}).
 *
 * <p>The counters differ by era. 6.18: every open of a partition also opens the whole disk
 * (its {@code bd_openers} counts those too), and {@code disk->open_partitions} counts partitions
 * with openers. 2.6.32: a partition's first opener opens the whole disk once, and the whole
 * disk's {@code bd_part_count} counts open partitions.
 */
public final class Bdev {

    /** {@code BLK_OPEN_READ} / {@code FMODE_READ}. */
    public static final int MODE_READ = 1;
    /** {@code BLK_OPEN_WRITE} / {@code FMODE_WRITE}. */
    public static final int MODE_WRITE = 2;
    /** {@code BLK_OPEN_EXCL} / {@code FMODE_EXCL}: the file was opened with O_EXCL. */
    public static final int MODE_EXCL = 4;
    /** {@code BLK_OPEN_STRICT_SCAN} (6.18): return partition-scan errors from the open. */
    public static final int MODE_STRICT_SCAN = 0x80;

    /**
     * The marker a whole disk holds while one of its partitions is claimed: 6.18's
     * {@code bd_may_claim}, 2.6.32's {@code bd_claim} (the address of the function).
     */
    static final Object CLAIM_MARKER = new Object() {
        @Override
        public String toString() {
            return "bd_may_claim";
        }
    };

    private final Genhd genhd;

    Bdev(Genhd genhd) {
        this.genhd = genhd;
    }

    /**
     * Opens {@code bdev} as {@code blkdev_open} does for a file; with a {@code holder} (the file,
     * for O_EXCL) the device is also claimed. Returns 0 or a negative errno.
     *
     * <p>6.18 {@code block/bdev.c:bdev_open}: the claim is prepared first (EBUSY), then
     * {@code !disk_live} gives ENXIO, then the whole disk or partition is opened. 2.6.32
     * {@code fs/block_dev.c:blkdev_open}: the open comes first (so ENXIO wins), then
     * {@code bd_claim} (EBUSY, undoing the open).
     */
    public int blkdevGet(BlockDevice bdev, int mode, Object holder, Task task) {
        if (holder != null) {
            mode |= MODE_EXCL;
        }
        if (genhd.rules.openMutexClaimFirst()) {
            if (holder != null && !bdMayClaim(bdev, holder)) {
                return -Errno.EBUSY.number();
            }
            Gendisk disk = bdev.bdDisk;
            disk.openMutex.lock(task);
            try {
                if (!disk.live() || !bdev.hashed) {
                    return -Errno.ENXIO.number();
                }
                int ret = bdev.isPartition() ? blkdevGetPart(bdev, mode, task) : blkdevGetWhole(bdev, mode, task);
                if (ret != 0) {
                    return ret;
                }
                if (holder != null) {
                    bdFinishClaiming(bdev, holder);
                }
                return 0;
            } finally {
                disk.openMutex.unlock(task);
            }
        }
        int ret = blkdevGetOld(bdev, mode, false, task);
        if (ret != 0 || holder == null) {
            return ret;
        }
        if (!bdMayClaim(bdev, holder)) {
            blkdevPutOld(bdev, false, task);
            return -Errno.EBUSY.number();
        }
        bdFinishClaiming(bdev, holder);
        return 0;
    }

    /**
     * Closes what {@link #blkdevGet} opened: 6.18 {@code bdev_release} (end the claim, then
     * {@code blkdev_put_part}/{@code blkdev_put_whole}); 2.6.32 {@code blkdev_close}
     * ({@code bd_release} if this file holds the device, then {@code __blkdev_put}).
     */
    public void blkdevPut(BlockDevice bdev, int mode, Object holder, Task task) {
        if (holder != null && bdev.bdHolder == holder) {
            bdEndClaim(bdev);
        }
        if (genhd.rules.openMutexClaimFirst()) {
            Gendisk disk = bdev.bdDisk;
            disk.openMutex.lock(task);
            try {
                if (bdev.isPartition()) {
                    blkdevPutPart(bdev);
                } else {
                    blkdevPutWhole(bdev);
                }
            } finally {
                disk.openMutex.unlock(task);
            }
            return;
        }
        blkdevPutOld(bdev, false, task);
    }

    /**
     * 6.18 {@code block/bdev.c:blkdev_get_whole}: the driver's {@code ->open}, the initial block
     * size on the first open, then the partition scan if {@code GD_NEED_PART_SCAN} is set; its
     * error is returned only with {@link #MODE_STRICT_SCAN}.
     */
    private int blkdevGetWhole(BlockDevice bdev, int mode, Task task) {
        Gendisk disk = bdev.bdDisk;
        int ret = disk.fops.open(disk, (mode & MODE_WRITE) != 0);
        if (ret != 0) {
            return ret;
        }
        if (bdev.bdOpeners == 0) {
            setInitBlocksize(bdev, bdev.nrSects << 9);
        }
        bdev.bdOpeners++;
        if (disk.hasState(Gendisk.State.NEED_PART_SCAN)) {
            ret = genhd.partitions.bdevDiskChanged(disk, false, task);
            if (ret != 0 && (mode & MODE_STRICT_SCAN) != 0) {
                blkdevPutWhole(bdev);
                return ret;
            }
        }
        return 0;
    }

    /** 6.18 {@code blkdev_put_whole}. */
    private void blkdevPutWhole(BlockDevice bdev) {
        if (--bdev.bdOpeners < 0) {
            throw new IllegalStateException("bd_openers of " + bdev + " below zero");
        }
        bdev.bdDisk.fops.release(bdev.bdDisk);
    }

    /**
     * 6.18 {@code block/bdev.c:blkdev_get_part}: opens the whole disk, then ENXIO for a partition
     * of 0 sectors; the first opener counts in {@code open_partitions}.
     */
    private int blkdevGetPart(BlockDevice part, int mode, Task task) {
        Gendisk disk = part.bdDisk;
        int ret = blkdevGetWhole(disk.part0, mode, task);
        if (ret != 0) {
            return ret;
        }
        if (part.nrSects == 0) {
            blkdevPutWhole(disk.part0);
            return -Errno.ENXIO.number();
        }
        if (part.bdOpeners == 0) {
            disk.openPartitions++;
            setInitBlocksize(part, part.nrSects << 9);
        }
        part.bdOpeners++;
        return 0;
    }

    /** 6.18 {@code blkdev_put_part}. */
    private void blkdevPutPart(BlockDevice part) {
        if (--part.bdOpeners == 0) {
            part.bdDisk.openPartitions--;
        }
        if (part.bdOpeners < 0) {
            throw new IllegalStateException("bd_openers of " + part + " below zero");
        }
        blkdevPutWhole(part.bdDisk.part0);
    }

    /**
     * 2.6.32 {@code fs/block_dev.c:__blkdev_get}. The whole disk: driver {@code ->open}, size and
     * block size on the first open, rescan when invalidated (errors ignored). A partition: its
     * first open opens the whole disk with {@code for_part} (raising {@code bd_part_count}), then
     * ENXIO if the disk is gone or the partition has no sectors.
     */
    private int blkdevGetOld(BlockDevice bdev, int mode, boolean forPart, Task task) {
        Gendisk disk = bdev.bdDisk;
        if (!disk.live() || !bdev.hashed) {
            return -Errno.ENXIO.number();
        }
        bdev.bdMutex.lock(task);
        try {
            if (!bdev.isPartition()) {
                int ret = disk.fops.open(disk, (mode & MODE_WRITE) != 0);
                if (ret != 0) {
                    return ret;
                }
                if (bdev.bdOpeners == 0) {
                    bdSetSize(bdev, disk.capacity() << 9);
                }
                if (disk.hasState(Gendisk.State.NEED_PART_SCAN)) {
                    genhd.partitions.rescanPartitions(disk, bdev, task);
                }
            } else if (bdev.bdOpeners == 0) {
                int ret = blkdevGetOld(disk.part0, mode, true, task);
                if (ret != 0) {
                    return ret;
                }
                if (bdev.nrSects == 0) {
                    blkdevPutOld(disk.part0, true, task);
                    return -Errno.ENXIO.number();
                }
                bdSetSize(bdev, bdev.nrSects << 9);
            }
            bdev.bdOpeners++;
            if (forPart) {
                bdev.bdPartCount++;
            }
            return 0;
        } finally {
            bdev.bdMutex.unlock(task);
        }
    }

    /** 2.6.32 {@code fs/block_dev.c:__blkdev_put}: the last close of a partition closes the whole. */
    private void blkdevPutOld(BlockDevice bdev, boolean forPart, Task task) {
        if (forPart) {
            bdev.bdPartCount--;
        }
        if (--bdev.bdOpeners < 0) {
            throw new IllegalStateException("bd_openers of " + bdev + " below zero");
        }
        if (!bdev.isPartition()) {
            bdev.bdDisk.fops.release(bdev.bdDisk);
        } else if (bdev.bdOpeners == 0) {
            blkdevPutOld(bdev.bdDisk.part0, true, task);
        }
    }

    /**
     * 2.6.32 {@code fs/block_dev.c:bd_set_size}: the inode size, and the soft block size: the
     * logical block size doubled while it divides the size, up to the page size.
     */
    /** {@code bd_set_size}, for drivers that size their device themselves. */
    public void setSize(BlockDevice bdev, long sizeBytes) {
        bdSetSize(bdev, sizeBytes);
    }

    /**
     * {@code set_blocksize}: EINVAL unless a power of two from 512 to a page, and not below the
     * logical block size; else the device's soft block size.
     */
    public int setBlocksize(BlockDevice bdev, int size) {
        if (size < 512 || size > 4096 || Integer.bitCount(size) != 1 || size < bdev.bdDisk.logicalBlockSize) {
            return -Errno.EINVAL.number();
        }
        bdev.blockSize = size;
        return 0;
    }

    private static void bdSetSize(BlockDevice bdev, long sizeBytes) {
        bdev.iSize = sizeBytes;
        setInitBlocksize(bdev, sizeBytes);
    }

    /** 6.18 {@code block/bdev.c:set_init_blocksize}, the same rule as 2.6.32's {@code bd_set_size}. */
    private static void setInitBlocksize(BlockDevice bdev, long sizeBytes) {
        int bsize = bdev.bdDisk.logicalBlockSize;
        while (bsize < DiskStore.PAGE) {
            if ((sizeBytes & bsize) != 0) {
                break;
            }
            bsize <<= 1;
        }
        bdev.blockSize = bsize;
    }

    /**
     * {@code bd_may_claim} (6.18 {@code block/bdev.c}; 2.6.32 inline in {@code bd_claim}): the same
     * holder may always claim again; a held device refuses others; a partition is refused while
     * its whole disk has a real holder (not the partition marker).
     */
    /**
     * {@code bd_prepare_to_claim} then {@code bd_abort_claiming}, for a driver that only needs to
     * know that nobody else holds the device (6.18 {@code loop_configure}, {@code
     * loop_set_block_size}): 0, or EBUSY when the device or, for a partition, its whole disk has
     * another holder, or when the device is a whole disk one of whose partitions is claimed.
     */
    public int prepareToClaim(BlockDevice bdev, Object holder) {
        return bdMayClaim(bdev, holder) ? 0 : -Errno.EBUSY.number();
    }

    boolean bdMayClaim(BlockDevice bdev, Object holder) {
        if (bdev.bdHolder != null) {
            return bdev.bdHolder == holder;
        }
        BlockDevice whole = bdev.whole();
        return whole == bdev || whole.bdHolder == null || whole.bdHolder == CLAIM_MARKER;
    }

    /**
     * {@code bd_finish_claiming} (6.18) / the "impose change" half of {@code bd_claim} (2.6.32):
     * the whole disk gets the marker and one more holder, then the device gets its holder (so a
     * claimed whole disk counts two holders).
     */
    void bdFinishClaiming(BlockDevice bdev, Object holder) {
        if (!bdMayClaim(bdev, holder)) {
            throw new IllegalStateException("claim of " + bdev + " finished without bd_may_claim");
        }
        BlockDevice whole = bdev.whole();
        whole.bdHolders++;
        whole.bdHolder = CLAIM_MARKER;
        bdev.bdHolders++;
        bdev.bdHolder = holder;
    }

    /** {@code bd_end_claim} (6.18) / {@code bd_release} (2.6.32). */
    void bdEndClaim(BlockDevice bdev) {
        BlockDevice whole = bdev.whole();
        if (--bdev.bdHolders == 0) {
            bdev.bdHolder = null;
        }
        if (--whole.bdHolders == 0) {
            whole.bdHolder = null;
        }
        if (bdev.bdHolders < 0 || whole.bdHolders < 0) {
            throw new IllegalStateException("bd_holders below zero on " + bdev);
        }
    }
}
