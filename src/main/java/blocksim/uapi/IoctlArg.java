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
public sealed interface IoctlArg permits IoctlArg.Null, IoctlArg.BadAddress, IoctlArg.Value, IntCell, LongCell,
        BlkpgIoctlArg, AbuseInfo, AbuseXfrHdr, LoopInfo64, LoopInfo, LoopConfig {

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

    /**
     * An integer passed in the pointer's place, as {@code ioctl(fd, BLKRASET, 256)}: the kernel
     * reads the {@code unsigned long arg} itself and never dereferences it. A C caller passing an
     * {@code int} there hands the kernel its 32 bits zero-extended on x86_64 (see {@link #ofInt}).
     */
    record Value(long value) implements IoctlArg {
        /**
         * What an {@code int} passed through ioctl's variadic argument arrives as on x86_64:
         * {@code blockdev --setra -8} reads back as 4294967288 on the live kernel.
         */
        public static Value ofInt(int value) {
            return new Value(Integer.toUnsignedLong(value));
        }

        @Override
        public String toString() {
            return Long.toUnsignedString(value);
        }
    }
}
