package blocksim.block;

import blocksim.uapi.IoctlArg;

/**
 * A block driver's operations: {@code struct block_device_operations}. Every method has the
 * kernel's default for a driver that does not provide it.
 */
public interface BlockDriver {

    /** The driver's name as {@code /proc/devices} shows it ({@code sd}, {@code loop}, {@code virtblk}). */
    String name();

    /** {@code ->open}: 0 or a negative errno (a loop device being torn down answers ENXIO). */
    default int open(Gendisk disk, boolean write) {
        return 0;
    }

    /** {@code ->release}. */
    default void release(Gendisk disk) {
    }

    /**
     * {@code ->ioctl} for commands the block layer does not handle. Returns a negative errno
     * or a result. Drivers without an {@code ->ioctl} leave the default, and the block layer
     * answers ENOTTY.
     */
    default int ioctl(BlockDevice bdev, boolean write, long cmd, IoctlArg arg) {
        return -blocksim.api.Errno.ENOTTY.number();
    }

    /**
     * {@code ->ioctl} with the open mode ({@link Bdev#MODE_WRITE}, {@link Bdev#MODE_EXCL}) and the
     * calling task, for drivers whose ioctls take descriptors or check capabilities (the loop
     * driver). The default is {@link #ioctl(BlockDevice, boolean, long, IoctlArg)}.
     */
    default int ioctl(BlockDevice bdev, int mode, long cmd, IoctlArg arg, blocksim.api.Task task) {
        return ioctl(bdev, (mode & Bdev.MODE_WRITE) != 0, cmd, arg);
    }

    /**
     * The driver's request handling ({@code ->submit_bio}, or the request queue behind it): the bio
     * has been checked, remapped to the whole disk ({@code bio.bdev()} is the disk's part0 and
     * {@code bio.sector()} the disk's sector) and split to the queue's limits. The driver carries it
     * out now or later and ends it with {@link Bio#endio}. The default is a disk whose medium is in
     * memory: it moves the data at once.
     */
    default void submitBio(Gendisk disk, Bio bio) {
        bio.endio(BlkCore.transfer(bio));
    }

    /**
     * The driver's attribute groups under {@code /sys/block/DISK/} (the loop driver's {@code loop/}
     * while bound): group name to attribute name to its content, in the order shown. Empty for
     * most drivers.
     */
    default java.util.Map<String, java.util.Map<String, java.util.function.Supplier<String>>> sysfsGroups(Gendisk disk) {
        return java.util.Map.of();
    }

    /** Whether the driver has an {@code ->ioctl} at all. */
    default boolean hasIoctl() {
        return false;
    }
}
