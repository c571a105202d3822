package blocksim.uapi;

/**
 * The third argument of ioctl(2): a pointer into the caller's memory, typed by what it points at.
 * The model reads and writes these objects as the kernel's {@code get_user}/{@code put_user} would;
 * the native adapter lays them out in native memory and copies results back.
 *
 * <p>{@link #NULL} and {@link BadAddress} stand for pointers the kernel cannot access: every
 * access through them fails with EFAULT, at the point in the check order where the kernel
 * touches user memory.
 */
public sealed interface IoctlArg permits IoctlArg.Null, IoctlArg.BadAddress, IntCell, LongCell, BlkpgIoctlArg {

    /** A NULL pointer (also what a caller passes for ioctls without an argument). */
    Null NULL = new Null();

    /** The NULL pointer. */
    record Null() implements IoctlArg {
        @Override
        public String toString() {
            return "NULL";
        }
    }

    /** A non-NULL pointer to memory the caller does not own. */
    record BadAddress(long address) implements IoctlArg {
        @Override
        public String toString() {
            return String.format("0x%x", address);
        }
    }

    /** True when the kernel can read and write through this pointer. */
    default boolean accessible() {
        return !(this instanceof Null) && !(this instanceof BadAddress);
    }
}
