package blocksim.linux;

import blocksim.api.MisuseException;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.BlkpgPartition;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An ioctl argument in native memory, laid out from the uapi's description of the request
 * ({@link Ioctl#abi}), never from the Java value alone. The only addresses the kernel is given are
 * NULL, {@link Libc#UNMAPPED} and the calling thread's argument area; a number the caller chose
 * ({@link IoctlArg.BadAddress}, {@link IoctlArg.Value}) reaches the kernel as a pointer never.
 *
 * <p>The rules, the same as the model's ({@code block/BlockIoctl}'s get/put helpers):
 * <ul>
 *   <li>{@code IntCell} and {@code LongCell} are 4 and 8 bytes of memory and serve any request
 *       that reads or writes an integer, as in C: the kernel reads the first bytes, and writes
 *       as many as the request writes; the cell keeps what falls inside it (a 4-byte cell given
 *       to BLKGETSIZE64 keeps the low half). The area is as large as the larger of the two, so
 *       nothing the kernel writes lands outside memory the adapter owns.</li>
 *   <li>A record of another type where an integer is read or written, or a cell where
 *       {@code struct blkpg_ioctl_arg} is read, is memory the kernel cannot use as that type:
 *       EFAULT where the kernel first touches it (the adapter passes {@link Libc#UNMAPPED}).</li>
 *   <li>NULL is NULL; a bad address is {@link Libc#UNMAPPED}.</li>
 *   <li>A request that takes a number ({@link Ioctl.ArgKind#VALUE}) gets the number; a memory
 *       cell or record there is a {@link MisuseException} on both kernels.</li>
 * </ul>
 */
final class Abi {

    private Abi() {
    }

    /** Where {@code struct blkpg_partition} goes in the argument area, after the 24-byte header. */
    private static final long BLKPG_DATA = 32;

    /** {@code struct blkpg_ioctl_arg} and its partition in the thread's argument area. */
    static MemorySegment blkpg(Libc.Scratch s, BlkpgIoctlArg b) {
        MemorySegment arg = s.arg;
        arg.set(ValueLayout.JAVA_INT, 0, b.op());
        arg.set(ValueLayout.JAVA_INT, 4, b.flags());
        arg.set(ValueLayout.JAVA_INT, 8, b.datalen());
        arg.set(ValueLayout.JAVA_INT, 12, 0);
        if (b.data() == null) {
            arg.set(ValueLayout.ADDRESS, 16, Libc.UNMAPPED);
        } else {
            byte[] bytes = b.data().toBytes();
            MemorySegment.copy(bytes, 0, arg, ValueLayout.JAVA_BYTE, BLKPG_DATA, BlkpgPartition.SIZE);
            arg.set(ValueLayout.ADDRESS, 16, arg.asSlice(BLKPG_DATA));
        }
        return arg;
    }

    /** The third argument of the ioctl, laid out in {@code s}. */
    static MemorySegment marshal(Libc.Scratch s, Ioctl.Abi abi, IoctlArg arg) {
        return switch (abi.kind()) {
            case NONE -> MemorySegment.NULL;
            case VALUE -> switch (arg) {
                case IoctlArg.Value v -> MemorySegment.ofAddress(v.value());
                case IoctlArg.Null n -> MemorySegment.NULL;
                case IoctlArg.BadAddress b -> MemorySegment.ofAddress(b.address());
                default -> throw new MisuseException(
                        "this ioctl takes its argument by value (IoctlArg.Value), not a pointer to " + arg);
            };
            case IN, OUT -> switch (arg) {
                case IoctlArg.Null n -> MemorySegment.NULL;
                case IntCell c -> {
                    s.arg.set(ValueLayout.JAVA_LONG, 0, 0);
                    s.arg.set(ValueLayout.JAVA_INT, 0, c.get());
                    yield s.arg;
                }
                case LongCell c -> {
                    s.arg.set(ValueLayout.JAVA_LONG, 0, c.get());
                    yield s.arg;
                }
                default -> Libc.UNMAPPED;
            };
            case BLKPG -> switch (arg) {
                case IoctlArg.Null n -> MemorySegment.NULL;
                case BlkpgIoctlArg b -> blkpg(s, b);
                default -> Libc.UNMAPPED;
            };
        };
    }

    /** Copies what the kernel wrote back into the caller's cell. */
    static void copyBack(Ioctl.Abi abi, IoctlArg arg, MemorySegment seg) {
        if (abi.kind() != Ioctl.ArgKind.OUT || seg.address() != Libc.scratch().arg.address()) {
            return;
        }
        switch (arg) {
            case IntCell c -> c.set(seg.get(ValueLayout.JAVA_INT, 0));
            case LongCell c -> c.set(seg.get(ValueLayout.JAVA_LONG, 0));
            default -> { }
        }
    }
}
