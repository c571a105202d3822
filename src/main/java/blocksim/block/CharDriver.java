package blocksim.block;

import blocksim.api.Task;
import blocksim.kernel.WaitQueue;
import blocksim.uapi.IoctlArg;

/**
 * A character driver's file operations ({@code struct file_operations} of a cdev, {@code
 * fs/char_dev.c}): what opening a node of its major does, its ioctls and its poll. Results are 0,
 * positive, or {@code -errno}.
 */
public interface CharDriver {

    /** {@code ->open}: may set {@link CharFile#data} ({@code filp->private_data}); 0 or {@code -errno}. */
    default int open(CharFile f, Task task) {
        return 0;
    }

    /** {@code ->release}. */
    default int release(CharFile f, Task task) {
        return 0;
    }

    /** {@code ->unlocked_ioctl} ({@code ->ioctl} in 2.6.32): files without one answer ENOTTY. */
    default int ioctl(CharFile f, long cmd, IoctlArg arg, Task task) {
        return -blocksim.api.Errno.ENOTTY.number();
    }

    /** {@code ->poll}: the ready mask now ({@code DEFAULT_POLLMASK} for a driver without one). */
    default int poll(CharFile f, Task task) {
        return 0x145;
    }

    /** The wait queue {@code poll_wait} registers on, or null when nothing ever wakes a poller. */
    default WaitQueue pollQueue(CharFile f) {
        return null;
    }

    /** An open file of a character device: its minor and the driver's private data. */
    final class CharFile {
        public final int minor;
        public Object data;

        public CharFile(int minor) {
            this.minor = minor;
        }
    }
}
