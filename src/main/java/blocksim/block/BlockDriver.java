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

    /** Whether the driver has an {@code ->ioctl} at all. */
    default boolean hasIoctl() {
        return false;
    }
}
