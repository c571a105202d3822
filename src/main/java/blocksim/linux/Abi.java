package blocksim.linux;

import blocksim.api.MisuseException;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.BlkpgPartition;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.Loop;
import blocksim.uapi.LoopConfig;
import blocksim.uapi.LoopInfo;
import blocksim.uapi.LoopInfo64;
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
            case STRUCT_IN, STRUCT_OUT -> {
                if (arg instanceof IoctlArg.Null) {
                    yield MemorySegment.NULL;
                }
                if (!matches(abi, arg)) {
                    yield Libc.UNMAPPED;
                }
                s.arg.asSlice(0, abi.size()).fill((byte) 0);
                if (abi.kind() == Ioctl.ArgKind.STRUCT_IN) {
                    put(s.arg, arg);
                }
                yield s.arg;
            }
        };
    }

    /** Whether the record is the structure the request moves (a loop_info, loop_info64, loop_config). */
    private static boolean matches(Ioctl.Abi abi, IoctlArg arg) {
        return switch (arg) {
            case LoopInfo i -> abi.size() == LoopInfo.SIZE;
            case LoopInfo64 i -> abi.size() == LoopInfo64.SIZE;
            case LoopConfig c -> abi.size() == LoopConfig.SIZE;
            default -> false;
        };
    }

    /** {@code struct loop_info64} at {@code at}: the x86_64 layout. */
    static void putInfo64(MemorySegment m, long at, LoopInfo64 i) {
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, at, i.device);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8, i.inode);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 16, i.rdevice);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 24, i.offset);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 32, i.sizelimit);
        m.set(ValueLayout.JAVA_INT_UNALIGNED, at + 40, i.number);
        m.set(ValueLayout.JAVA_INT_UNALIGNED, at + 44, i.encryptType);
        m.set(ValueLayout.JAVA_INT_UNALIGNED, at + 48, i.encryptKeySize);
        m.set(ValueLayout.JAVA_INT_UNALIGNED, at + 52, i.flags);
        MemorySegment.copy(i.fileName, 0, m, ValueLayout.JAVA_BYTE, at + 56, Loop.LO_NAME_SIZE);
        MemorySegment.copy(i.cryptName, 0, m, ValueLayout.JAVA_BYTE, at + 120, Loop.LO_NAME_SIZE);
        MemorySegment.copy(i.encryptKey, 0, m, ValueLayout.JAVA_BYTE, at + 184, Loop.LO_KEY_SIZE);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 216, i.init[0]);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 224, i.init[1]);
    }

    static void getInfo64(MemorySegment m, long at, LoopInfo64 i) {
        i.device = m.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
        i.inode = m.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 8);
        i.rdevice = m.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 16);
        i.offset = m.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 24);
        i.sizelimit = m.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 32);
        i.number = m.get(ValueLayout.JAVA_INT_UNALIGNED, at + 40);
        i.encryptType = m.get(ValueLayout.JAVA_INT_UNALIGNED, at + 44);
        i.encryptKeySize = m.get(ValueLayout.JAVA_INT_UNALIGNED, at + 48);
        i.flags = m.get(ValueLayout.JAVA_INT_UNALIGNED, at + 52);
        MemorySegment.copy(m, ValueLayout.JAVA_BYTE, at + 56, i.fileName, 0, Loop.LO_NAME_SIZE);
        MemorySegment.copy(m, ValueLayout.JAVA_BYTE, at + 120, i.cryptName, 0, Loop.LO_NAME_SIZE);
        MemorySegment.copy(m, ValueLayout.JAVA_BYTE, at + 184, i.encryptKey, 0, Loop.LO_KEY_SIZE);
        i.init[0] = m.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 216);
        i.init[1] = m.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 224);
    }

    private static void put(MemorySegment m, IoctlArg arg) {
        switch (arg) {
            case LoopInfo64 i -> putInfo64(m, 0, i);
            case LoopConfig c -> {
                m.set(ValueLayout.JAVA_INT, 0, c.fd);
                m.set(ValueLayout.JAVA_INT, 4, c.blockSize);
                putInfo64(m, 8, c.info);
            }
            case LoopInfo i -> {
                m.set(ValueLayout.JAVA_INT, 0, i.number);
                m.set(ValueLayout.JAVA_LONG, 8, i.device);
                m.set(ValueLayout.JAVA_LONG, 16, i.inode);
                m.set(ValueLayout.JAVA_LONG, 24, i.rdevice);
                m.set(ValueLayout.JAVA_INT, 32, i.offset);
                m.set(ValueLayout.JAVA_INT, 36, i.encryptType);
                m.set(ValueLayout.JAVA_INT, 40, i.encryptKeySize);
                m.set(ValueLayout.JAVA_INT, 44, i.flags);
                MemorySegment.copy(i.name, 0, m, ValueLayout.JAVA_BYTE, 48, Loop.LO_NAME_SIZE);
                MemorySegment.copy(i.encryptKey, 0, m, ValueLayout.JAVA_BYTE, 112, Loop.LO_KEY_SIZE);
                m.set(ValueLayout.JAVA_LONG, 144, i.init[0]);
                m.set(ValueLayout.JAVA_LONG, 152, i.init[1]);
            }
            default -> { }
        }
    }

    private static void get(MemorySegment m, IoctlArg arg) {
        switch (arg) {
            case LoopInfo64 i -> getInfo64(m, 0, i);
            case LoopInfo i -> {
                i.number = m.get(ValueLayout.JAVA_INT, 0);
                i.device = m.get(ValueLayout.JAVA_LONG, 8);
                i.inode = m.get(ValueLayout.JAVA_LONG, 16);
                i.rdevice = m.get(ValueLayout.JAVA_LONG, 24);
                i.offset = m.get(ValueLayout.JAVA_INT, 32);
                i.encryptType = m.get(ValueLayout.JAVA_INT, 36);
                i.encryptKeySize = m.get(ValueLayout.JAVA_INT, 40);
                i.flags = m.get(ValueLayout.JAVA_INT, 44);
                MemorySegment.copy(m, ValueLayout.JAVA_BYTE, 48, i.name, 0, Loop.LO_NAME_SIZE);
                MemorySegment.copy(m, ValueLayout.JAVA_BYTE, 112, i.encryptKey, 0, Loop.LO_KEY_SIZE);
                i.init[0] = m.get(ValueLayout.JAVA_LONG, 144);
                i.init[1] = m.get(ValueLayout.JAVA_LONG, 152);
            }
            default -> { }
        }
    }

    /** Copies what the kernel wrote back into the caller's cell. */
    static void copyBack(Ioctl.Abi abi, IoctlArg arg, MemorySegment seg) {
        if (abi.kind() == Ioctl.ArgKind.STRUCT_OUT && seg.address() == Libc.scratch().arg.address()) {
            get(seg, arg);
            return;
        }
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
