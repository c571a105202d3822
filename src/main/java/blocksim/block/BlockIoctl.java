package blocksim.block;

import blocksim.api.Errno;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.BlkpgPartition;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;

/**
 * The block ioctls: 6.18 {@code block/ioctl.c:blkdev_ioctl} and {@code blkdev_common_ioctl};
 * 2.6.32 {@code block/ioctl.c:blkdev_ioctl}. Each case calls one helper; each helper picks its
 * errno in the era's check order, because the first failing check decides what userspace sees.
 * Results are 0 or positive; failures are negative errnos.
 */
public final class BlockIoctl {

    private static final long LLONG_MAX = Long.MAX_VALUE;

    private final Genhd genhd;

    BlockIoctl(Genhd genhd) {
        this.genhd = genhd;
    }

    /**
     * Dispatches {@code cmd} on an open block device. {@code mode} is the file's open mode
     * ({@link Bdev#MODE_READ}, {@link Bdev#MODE_WRITE}, {@link Bdev#MODE_EXCL}).
     */
    public int blkdevIoctl(BlockDevice bdev, int mode, long cmd, IoctlArg arg, Task task) {
        return genhd.rules.commonIoctlOrder() ? ioctlModern(bdev, mode, cmd, arg, task) : ioctlOld(bdev, mode, cmd, arg, task);
    }

    /**
     * An ioctl issued from inside the kernel on a device the caller holds ({@code ioctl_by_bdev} in
     * 2.6.32, as the loop driver uses for BLKRRPART): no argument, open mode 0.
     */
    public int kernelIoctl(BlockDevice bdev, long cmd, Task task) {
        return blkdevIoctl(bdev, 0, cmd, IoctlArg.NULL, task);
    }

    private int ioctlModern(BlockDevice bdev, int mode, long cmd, IoctlArg arg, Task task) {
        if (cmd == Ioctl.BLKPG) {
            return blkpgIoctl(bdev, arg, task);
        } else if (cmd == Ioctl.BLKGETSIZE) {
            return putLong(arg, bdev.nrSects);
        } else if (cmd == Ioctl.BLKBSZGET) {
            return putInt(arg, bdev.blockSize);
        } else if (cmd == Ioctl.BLKBSZSET) {
            return blkdevBszset(bdev, mode, arg, task);
        } else if (cmd == Ioctl.BLKGETSIZE64) {
            return putLong(arg, bdev.nrSects << 9);
        } else if (cmd == Ioctl.BLKFLSBUF) {
            return task.capSysAdmin() ? 0 : -Errno.EACCES.number();
        } else if (cmd == Ioctl.BLKROSET) {
            return blkdevRoset(bdev, arg, task);
        } else if (cmd == Ioctl.BLKROGET) {
            return putInt(arg, bdev.readOnly() ? 1 : 0);
        } else if (cmd == Ioctl.BLKSSZGET) {
            return putInt(arg, bdev.bdDisk.logicalBlockSize);
        } else if (cmd == Ioctl.BLKPBSZGET) {
            return putInt(arg, bdev.bdDisk.physicalBlockSize);
        } else if (cmd == Ioctl.BLKRRPART) {
            return blkdevRereadPart(bdev, mode, task);
        } else if (cmd == Ioctl.BLKDISCARDZEROES) {
            return putInt(arg, 0);
        } else if (cmd == Ioctl.BLKGETDISKSEQ) {
            return putLong(arg, bdev.bdDisk.diskseq);
        }
        int common = queueLimits(bdev, cmd, arg, task);
        return common != NOT_MINE ? common : driverIoctl(bdev, mode, cmd, arg, task);
    }

    private static final int NOT_MINE = Integer.MIN_VALUE;

    /**
     * The queue-limit ioctls both eras answer alike ({@code blkdev_ioctl} / {@code
     * blkdev_common_ioctl}): BLKRAGET/BLKFRAGET (EINVAL for a NULL pointer), BLKRASET/BLKFRASET
     * (EACCES without CAP_SYS_ADMIN), BLKSECTGET, BLKIOMIN, BLKIOOPT, BLKALIGNOFF.
     */
    private static int queueLimits(BlockDevice bdev, long cmd, IoctlArg arg, Task task) {
        Gendisk disk = bdev.bdDisk;
        if (cmd == Ioctl.BLKRAGET || cmd == Ioctl.BLKFRAGET) {
            // put_long(argp, (ra_pages * PAGE_SIZE) / 512), unsigned long arithmetic
            return arg instanceof IoctlArg.Null ? -Errno.EINVAL.number()
                    : putLong(arg, Long.divideUnsigned(disk.raPages * DiskStore.PAGE, 512));
        } else if (cmd == Ioctl.BLKRASET || cmd == Ioctl.BLKFRASET) {
            if (!task.capSysAdmin()) {
                return -Errno.EACCES.number();
            }
            // ra_pages = (arg * 512) / PAGE_SIZE: the argument is the number itself, not a pointer
            disk.raPages = Long.divideUnsigned(byValue(arg) * 512, DiskStore.PAGE);
            return 0;
        } else if (cmd == Ioctl.BLKSECTGET) {
            // put_ushort: two bytes, whatever the cell
            return putShort(arg, Math.min(0xffff, disk.maxSectors));
        } else if (cmd == Ioctl.BLKIOMIN) {
            return putInt(arg, disk.ioMin());
        } else if (cmd == Ioctl.BLKIOOPT) {
            return putInt(arg, disk.ioOpt());
        } else if (cmd == Ioctl.BLKALIGNOFF) {
            return putInt(arg, disk.alignmentOffset(bdev));
        }
        return NOT_MINE;
    }

    private int ioctlOld(BlockDevice bdev, int mode, long cmd, IoctlArg arg, Task task) {
        if (cmd == Ioctl.BLKFLSBUF) {
            if (!task.capSysAdmin()) {
                return -Errno.EACCES.number();
            }
            int ret = driverIoctl(bdev, mode, cmd, arg, task);
            return driverDeclined(ret) ? 0 : ret;
        } else if (cmd == Ioctl.BLKROSET) {
            int ret = driverIoctl(bdev, mode, cmd, arg, task);
            return driverDeclined(ret) ? blkdevRoset(bdev, arg, task) : ret;
        } else if (cmd == Ioctl.BLKROGET) {
            return putInt(arg, bdev.readOnly() ? 1 : 0);
        } else if (cmd == Ioctl.BLKBSZGET) {
            return putInt(arg, bdev.blockSize);
        } else if (cmd == Ioctl.BLKSSZGET) {
            return putInt(arg, bdev.bdDisk.logicalBlockSize);
        } else if (cmd == Ioctl.BLKPBSZGET) {
            return putInt(arg, bdev.bdDisk.physicalBlockSize);
        } else if (cmd == Ioctl.BLKBSZSET) {
            return blkdevBszset(bdev, mode, arg, task);
        } else if (cmd == Ioctl.BLKPG) {
            return blkpgIoctlOld(bdev, arg, task);
        } else if (cmd == Ioctl.BLKRRPART) {
            return blkdevRereadPartOld(bdev, task);
        } else if (cmd == Ioctl.BLKGETSIZE) {
            return putLong(arg, bdev.iSize >>> 9);
        } else if (cmd == Ioctl.BLKGETSIZE64) {
            return putLong(arg, bdev.iSize);
        }
        int common = queueLimits(bdev, cmd, arg, task);
        return common != NOT_MINE ? common : driverIoctl(bdev, mode, cmd, arg, task);
    }

    /** 2.6.32: a driver answer of EINVAL or ENOTTY means "not mine, carry on". */
    private static boolean driverDeclined(int ret) {
        return ret == -Errno.EINVAL.number() || ret == -Errno.ENOTTY.number();
    }

    /**
     * {@code __blkdev_driver_ioctl} (2.6.32) / the tail of {@code blkdev_ioctl} (6.18): the driver's
     * {@code ->ioctl}, or ENOTTY when it has none.
     */
    private static int driverIoctl(BlockDevice bdev, int mode, long cmd, IoctlArg arg, Task task) {
        BlockDriver fops = bdev.bdDisk.fops;
        if (!fops.hasIoctl()) {
            return -Errno.ENOTTY.number();
        }
        return fops.ioctl(bdev, mode, cmd, arg, task);
    }

    /**
     * 6.18 {@code block/ioctl.c:blkdev_common_ioctl} case BLKRRPART: EACCES first, EINVAL on a
     * partition, then {@code disk_scan_partitions} with the file's mode plus
     * {@code BLK_OPEN_STRICT_SCAN}, so that a failed scan is returned.
     */
    private int blkdevRereadPart(BlockDevice bdev, int mode, Task task) {
        if (!task.capSysAdmin()) {
            return -Errno.EACCES.number();
        }
        if (bdev.isPartition()) {
            return -Errno.EINVAL.number();
        }
        return genhd.partitions.diskScanPartitions(bdev.bdDisk, mode | Bdev.MODE_STRICT_SCAN, task);
    }

    /**
     * 2.6.32 {@code block/ioctl.c:blkdev_reread_part}: EINVAL (not partitionable, or a partition)
     * before EACCES, then EBUSY if {@code bd_mutex} is held by another task, then
     * {@code rescan_partitions}.
     */
    private int blkdevRereadPartOld(BlockDevice bdev, Task task) {
        Gendisk disk = bdev.bdDisk;
        if (!disk.hasPartscan() || bdev.isPartition()) {
            return -Errno.EINVAL.number();
        }
        if (!task.capSysAdmin()) {
            return -Errno.EACCES.number();
        }
        if (!bdev.bdMutex.tryLock(task)) {
            return -Errno.EBUSY.number();
        }
        try {
            return genhd.partitions.rescanPartitions(disk, bdev, task);
        } finally {
            bdev.bdMutex.unlock(task);
        }
    }

    /**
     * 6.18 {@code block/ioctl.c:blkpg_ioctl} and {@code blkpg_do_ioctl}: EFAULT reading the
     * argument, EACCES, EFAULT reading the partition, EINVAL on a partition fd and for pno <= 0;
     * DEL goes straight to {@code bdev_del_partition}; then EINVAL for a negative start, a length
     * <= 0, an overflow, misalignment to the logical block size, or an extent outside the disk;
     * then ADD, RESIZE, or EINVAL for any other op.
     */
    private int blkpgIoctl(BlockDevice bdev, IoctlArg arg, Task task) {
        if (!(arg instanceof BlkpgIoctlArg a)) {
            return -Errno.EFAULT.number();
        }
        if (!task.capSysAdmin()) {
            return -Errno.EACCES.number();
        }
        BlkpgPartition p = a.data();
        if (p == null) {
            return -Errno.EFAULT.number();
        }
        if (bdev.isPartition()) {
            return -Errno.EINVAL.number();
        }
        if (p.pno() <= 0) {
            return -Errno.EINVAL.number();
        }
        Gendisk disk = bdev.bdDisk;
        if (a.op() == BlkpgIoctlArg.DEL_PARTITION) {
            return genhd.partitions.bdevDelPartition(disk, p.pno(), task);
        }
        if (p.start() < 0 || p.length() <= 0 || LLONG_MAX - p.length() < p.start()) {
            return -Errno.EINVAL.number();
        }
        if (((p.start() | p.length()) % disk.logicalBlockSize) != 0) {
            return -Errno.EINVAL.number();
        }
        long start = p.start() >>> 9;
        long length = p.length() >>> 9;
        long end = start + length;
        long capacity = disk.capacity();
        if (start >= capacity || end > capacity) {
            return -Errno.EINVAL.number();
        }
        return switch (a.op()) {
            case BlkpgIoctlArg.ADD_PARTITION -> genhd.partitions.bdevAddPartition(disk, p.pno(), start, length, task);
            case BlkpgIoctlArg.RESIZE_PARTITION ->
                    genhd.partitions.bdevResizePartition(disk, p.pno(), start, length, task);
            default -> -Errno.EINVAL.number();
        };
    }

    /**
     * 2.6.32 {@code block/ioctl.c:blkpg_ioctl}: EACCES, EFAULT for the argument and the partition,
     * EINVAL on a partition fd and for pno <= 0, then by op. ADD: no sign, alignment or capacity
     * tests on 64-bit (byte values are shifted to sectors, negative ones become huge unsigned
     * sectors); EBUSY if the extent meets any partition, zero-length ones included; then
     * {@code add_partition}. DEL: ENXIO if missing, EBUSY while open. Anything else (RESIZE
     * included): EINVAL.
     */
    private int blkpgIoctlOld(BlockDevice bdev, IoctlArg arg, Task task) {
        if (!task.capSysAdmin()) {
            return -Errno.EACCES.number();
        }
        if (!(arg instanceof BlkpgIoctlArg a)) {
            return -Errno.EFAULT.number();
        }
        BlkpgPartition p = a.data();
        if (p == null) {
            return -Errno.EFAULT.number();
        }
        Gendisk disk = bdev.bdDisk;
        if (bdev.isPartition()) {
            return -Errno.EINVAL.number();
        }
        int partno = p.pno();
        if (partno <= 0) {
            return -Errno.EINVAL.number();
        }
        switch (a.op()) {
            case BlkpgIoctlArg.ADD_PARTITION -> {
                long start = p.start() >> 9;
                long length = p.length() >> 9;
                bdev.bdMutex.lock(task);
                try {
                    for (BlockDevice part : disk.partTbl.values()) {
                        boolean before = Long.compareUnsigned(start + length, part.bdStartSect) <= 0;
                        boolean after = Long.compareUnsigned(start, part.bdStartSect + part.nrSects) >= 0;
                        if (!(before || after)) {
                            return -Errno.EBUSY.number();
                        }
                    }
                    return genhd.partitions.addPartition(disk, partno, start, length);
                } finally {
                    bdev.bdMutex.unlock(task);
                }
            }
            case BlkpgIoctlArg.DEL_PARTITION -> {
                BlockDevice part = disk.partTbl.get(partno);
                if (part == null) {
                    return -Errno.ENXIO.number();
                }
                if (part.bdOpeners != 0) {
                    return -Errno.EBUSY.number();
                }
                bdev.bdMutex.lock(task);
                try {
                    genhd.partitions.dropPartition(part);
                } finally {
                    bdev.bdMutex.unlock(task);
                }
                return 0;
            }
            default -> {
                return -Errno.EINVAL.number();
            }
        }
    }

    /**
     * BLKROSET. 6.18 {@code block/ioctl.c:blkdev_roset}: EACCES, EFAULT, then set or clear this
     * device's {@code BD_READ_ONLY} (on the whole disk that makes every partition read-only).
     * 2.6.32 (after the driver declined): EACCES, EFAULT, then {@code set_device_ro}, which sets
     * only this device's {@code policy}.
     */
    private static int blkdevRoset(BlockDevice bdev, IoctlArg arg, Task task) {
        if (!task.capSysAdmin()) {
            return -Errno.EACCES.number();
        }
        Integer n = getInt(arg);
        if (n == null) {
            return -Errno.EFAULT.number();
        }
        bdev.readOnly = n != 0;
        return 0;
    }

    /**
     * BLKBSZSET. 6.18 {@code blkdev_bszset} / 2.6.32 {@code blkdev_ioctl}: EACCES, EINVAL for a
     * NULL argument, EFAULT, EBUSY when the device cannot be claimed (unless the file is O_EXCL),
     * then {@code set_blocksize}: a power of two from 512 to the page size, not below the logical
     * block size.
     */
    private int blkdevBszset(BlockDevice bdev, int mode, IoctlArg arg, Task task) {
        if (!task.capSysAdmin()) {
            return -Errno.EACCES.number();
        }
        if (arg instanceof IoctlArg.Null) {
            return -Errno.EINVAL.number();
        }
        Integer got = getInt(arg);
        if (got == null) {
            return -Errno.EFAULT.number();
        }
        if ((mode & Bdev.MODE_EXCL) == 0 && !genhd.bdev.bdMayClaim(bdev, this)) {
            return -Errno.EBUSY.number();
        }
        int n = got;
        if (n < 512 || n > DiskStore.PAGE || Integer.bitCount(n) != 1 || n < bdev.bdDisk.logicalBlockSize) {
            return -Errno.EINVAL.number();
        }
        bdev.blockSize = n;
        return 0;
    }

    /**
     * The {@code unsigned long arg} of an ioctl that takes a number, not a pointer. A pointer to
     * the caller's memory would be read as its address, which the model does not have.
     */
    private static long byValue(IoctlArg arg) {
        return switch (arg) {
            case IoctlArg.Value v -> v.value();
            case IoctlArg.Null n -> 0;
            case IoctlArg.BadAddress b -> b.address();
            default -> throw new blocksim.api.MisuseException(
                    "this ioctl takes its argument by value (IoctlArg.Value), not a pointer to " + arg);
        };
    }

    /**
     * {@code get_user} of an int: the first four bytes of the cell (the low half of a
     * {@link LongCell}, as x86_64 lays it out), or null (EFAULT) for memory that is not an integer
     * cell: NULL, a bad address, a record of another type.
     */
    private static Integer getInt(IoctlArg arg) {
        return switch (arg) {
            case IntCell c -> c.get();
            case LongCell c -> (int) c.get();
            default -> null;
        };
    }

    /** {@code put_user} of an unsigned short: the low two bytes of the cell. */
    private static int putShort(IoctlArg arg, int value) {
        switch (arg) {
            case IntCell c -> c.set((c.get() & 0xffff_0000) | (value & 0xffff));
            case LongCell c -> c.set((c.get() & ~0xffffL) | (value & 0xffffL));
            default -> {
                return -Errno.EFAULT.number();
            }
        }
        return 0;
    }

    /** {@code put_user} of an int: EFAULT when the pointer is not the caller's. */
    private static int putInt(IoctlArg arg, int value) {
        switch (arg) {
            case IntCell c -> c.set(value);
            case LongCell c -> c.set((c.get() & 0xffff_ffff_0000_0000L) | (value & 0xffff_ffffL));
            default -> {
                return -Errno.EFAULT.number();
            }
        }
        return 0;
    }

    /** {@code put_user} of an unsigned long or u64. A 4-byte cell receives the low half. */
    private static int putLong(IoctlArg arg, long value) {
        switch (arg) {
            case LongCell c -> c.set(value);
            case IntCell c -> c.set((int) value);
            default -> {
                return -Errno.EFAULT.number();
            }
        }
        return 0;
    }
}
