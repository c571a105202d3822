package blocksim.uapi;

import java.util.Map;
import java.util.TreeMap;

/**
 * ioctl request numbers of the block and filesystem ABI, x86_64 encoding
 * ({@code include/uapi/linux/fs.h}). The names are the kernel's.
 */
public final class Ioctl {

    private Ioctl() {
    }

    private static final int IOC_NONE = 0;
    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;

    /** {@code _IOC(dir, type, nr, size)}. */
    public static long ioc(int dir, int type, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | ((long) type << 8) | nr;
    }

    public static long io(int type, int nr) {
        return ioc(IOC_NONE, type, nr, 0);
    }

    public static long ior(int type, int nr, int size) {
        return ioc(IOC_READ, type, nr, size);
    }

    public static long iow(int type, int nr, int size) {
        return ioc(IOC_WRITE, type, nr, size);
    }

    public static long iowr(int type, int nr, int size) {
        return ioc(IOC_READ | IOC_WRITE, type, nr, size);
    }

    /** Set device read-only (0 = read-write); reads an int. */
    public static final long BLKROSET = io(0x12, 93);
    /** Get read-only status; writes an int. */
    public static final long BLKROGET = io(0x12, 94);
    /** Re-read the partition table. */
    public static final long BLKRRPART = io(0x12, 95);
    /** Size in 512-byte sectors; writes an unsigned long. */
    public static final long BLKGETSIZE = io(0x12, 96);
    /** Flush buffer cache. */
    public static final long BLKFLSBUF = io(0x12, 97);
    /** Logical block size; writes an int. */
    public static final long BLKSSZGET = io(0x12, 104);
    /** Partition operations; reads a {@code struct blkpg_ioctl_arg}. */
    public static final long BLKPG = io(0x12, 105);
    /** Soft block size; writes an int (the size argument says size_t, the kernel writes int). */
    public static final long BLKBSZGET = ior(0x12, 112, 8);
    /** Set the soft block size; reads an int. */
    public static final long BLKBSZSET = iow(0x12, 113, 8);
    /** Size in bytes; writes a u64. */
    public static final long BLKGETSIZE64 = ior(0x12, 114, 8);
    /** Physical block size; writes an unsigned int. */
    public static final long BLKPBSZGET = io(0x12, 123);
    /** Set read-ahead (in 512-byte sectors); reads an unsigned long by value. */
    public static final long BLKRASET = io(0x12, 98);
    /** Read-ahead in 512-byte sectors; writes a long. */
    public static final long BLKRAGET = io(0x12, 99);
    /** Set filesystem read-ahead. */
    public static final long BLKFRASET = io(0x12, 100);
    /** Filesystem read-ahead; writes a long. */
    public static final long BLKFRAGET = io(0x12, 101);
    /** Maximum sectors per request; writes an unsigned short. */
    public static final long BLKSECTGET = io(0x12, 103);
    /** Minimum I/O size; writes an unsigned int. */
    public static final long BLKIOMIN = io(0x12, 120);
    /** Optimal I/O size; writes an unsigned int. */
    public static final long BLKIOOPT = io(0x12, 121);
    /** Alignment offset; writes an int. */
    public static final long BLKALIGNOFF = io(0x12, 122);
    /** Whether discarded blocks read back as zeros; writes an unsigned int. */
    public static final long BLKDISCARDZEROES = io(0x12, 124);
    /** The disk sequence number (5.15 and later); writes a u64. */
    public static final long BLKGETDISKSEQ = ior(0x12, 128, 8);
    /** Freeze the filesystem containing the fd. */
    public static final long FIFREEZE = iowr('X', 119, 4);
    /** Thaw it. */
    public static final long FITHAW = iowr('X', 120, 4);

    /** How a request uses its third argument. */
    public enum ArgKind {
        /** Ignored: the kernel never reads it (BLKRRPART, BLKFLSBUF). */
        NONE,
        /** A number in the pointer's place ({@code unsigned long arg}), never dereferenced (BLKRASET). */
        VALUE,
        /** A pointer to {@code size} bytes the kernel reads ({@code get_user}, {@code copy_from_user}). */
        IN,
        /** A pointer to {@code size} bytes the kernel writes ({@code put_user}). */
        OUT,
        /** A pointer to {@code struct blkpg_ioctl_arg}, itself pointing at {@code struct blkpg_partition}. */
        BLKPG,
        /** A pointer to a structure of {@code size} bytes the kernel reads whole ({@code copy_from_user}): the loop driver's. */
        STRUCT_IN,
        /** A pointer to a structure of {@code size} bytes the kernel fills ({@code copy_to_user}). */
        STRUCT_OUT
    }

    /**
     * What a request does with its argument, from the kernel's handler rather than the number's
     * {@code _IOC_SIZE} (most block requests are {@code _IO}, size 0, though they read or write
     * memory): BLKBSZGET says {@code size_t} and writes an int, BLKSECTGET writes an unsigned short.
     */
    public record Abi(long request, String name, ArgKind kind, int size) {
    }

    private static final Map<Long, Abi> ABI = new TreeMap<>();

    private static void abi(long request, String name, ArgKind kind, int size) {
        ABI.put(request, new Abi(request, name, kind, size));
    }

    static {
        // 6.18 block/ioctl.c: blkdev_ioctl, blkdev_common_ioctl; fs/ioctl.c: ioctl_fsfreeze/ioctl_fsthaw
        abi(BLKROSET, "BLKROSET", ArgKind.IN, 4);
        abi(BLKROGET, "BLKROGET", ArgKind.OUT, 4);
        abi(BLKRRPART, "BLKRRPART", ArgKind.NONE, 0);
        abi(BLKGETSIZE, "BLKGETSIZE", ArgKind.OUT, 8);
        abi(BLKFLSBUF, "BLKFLSBUF", ArgKind.NONE, 0);
        abi(BLKSSZGET, "BLKSSZGET", ArgKind.OUT, 4);
        abi(BLKPG, "BLKPG", ArgKind.BLKPG, BlkpgIoctlArg.SIZE);
        abi(BLKBSZGET, "BLKBSZGET", ArgKind.OUT, 4);
        abi(BLKBSZSET, "BLKBSZSET", ArgKind.IN, 4);
        abi(BLKGETSIZE64, "BLKGETSIZE64", ArgKind.OUT, 8);
        abi(BLKPBSZGET, "BLKPBSZGET", ArgKind.OUT, 4);
        abi(BLKRASET, "BLKRASET", ArgKind.VALUE, 0);
        abi(BLKRAGET, "BLKRAGET", ArgKind.OUT, 8);
        abi(BLKFRASET, "BLKFRASET", ArgKind.VALUE, 0);
        abi(BLKFRAGET, "BLKFRAGET", ArgKind.OUT, 8);
        abi(BLKSECTGET, "BLKSECTGET", ArgKind.OUT, 2);
        abi(BLKIOMIN, "BLKIOMIN", ArgKind.OUT, 4);
        abi(BLKIOOPT, "BLKIOOPT", ArgKind.OUT, 4);
        abi(BLKALIGNOFF, "BLKALIGNOFF", ArgKind.OUT, 4);
        abi(BLKDISCARDZEROES, "BLKDISCARDZEROES", ArgKind.OUT, 4);
        abi(BLKGETDISKSEQ, "BLKGETDISKSEQ", ArgKind.OUT, 8);
        abi(FIFREEZE, "FIFREEZE", ArgKind.NONE, 0);
        abi(FITHAW, "FITHAW", ArgKind.NONE, 0);
        // 6.18 drivers/block/loop.c:lo_ioctl and loop_control_ioctl (2.6.32 has the first eight)
        abi(Loop.LOOP_SET_FD, "LOOP_SET_FD", ArgKind.VALUE, 0);
        abi(Loop.LOOP_CLR_FD, "LOOP_CLR_FD", ArgKind.NONE, 0);
        abi(Loop.LOOP_SET_STATUS, "LOOP_SET_STATUS", ArgKind.STRUCT_IN, LoopInfo.SIZE);
        abi(Loop.LOOP_GET_STATUS, "LOOP_GET_STATUS", ArgKind.STRUCT_OUT, LoopInfo.SIZE);
        abi(Loop.LOOP_SET_STATUS64, "LOOP_SET_STATUS64", ArgKind.STRUCT_IN, LoopInfo64.SIZE);
        abi(Loop.LOOP_GET_STATUS64, "LOOP_GET_STATUS64", ArgKind.STRUCT_OUT, LoopInfo64.SIZE);
        abi(Loop.LOOP_CHANGE_FD, "LOOP_CHANGE_FD", ArgKind.VALUE, 0);
        abi(Loop.LOOP_SET_CAPACITY, "LOOP_SET_CAPACITY", ArgKind.NONE, 0);
        abi(Loop.LOOP_SET_DIRECT_IO, "LOOP_SET_DIRECT_IO", ArgKind.VALUE, 0);
        abi(Loop.LOOP_SET_BLOCK_SIZE, "LOOP_SET_BLOCK_SIZE", ArgKind.VALUE, 0);
        abi(Loop.LOOP_CONFIGURE, "LOOP_CONFIGURE", ArgKind.STRUCT_IN, LoopConfig.SIZE);
        abi(Loop.LOOP_CTL_ADD, "LOOP_CTL_ADD", ArgKind.VALUE, 0);
        abi(Loop.LOOP_CTL_REMOVE, "LOOP_CTL_REMOVE", ArgKind.VALUE, 0);
        abi(Loop.LOOP_CTL_GET_FREE, "LOOP_CTL_GET_FREE", ArgKind.VALUE, 0);
    }

    /** What the uapi knows of a request, or empty for one it does not describe. */
    public static java.util.Optional<Abi> abi(long request) {
        return java.util.Optional.ofNullable(ABI.get(request));
    }

    /** The request's name as strace prints it, or its number in hex. */
    public static String name(long request) {
        Abi a = ABI.get(request);
        return a != null ? a.name() : String.format("_IOC(0x%x)", request);
    }
}
