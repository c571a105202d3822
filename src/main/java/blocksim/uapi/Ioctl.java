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

    private static final Map<Long, String> NAMES = new TreeMap<>();

    static {
        NAMES.put(BLKROSET, "BLKROSET");
        NAMES.put(BLKROGET, "BLKROGET");
        NAMES.put(BLKRRPART, "BLKRRPART");
        NAMES.put(BLKGETSIZE, "BLKGETSIZE");
        NAMES.put(BLKFLSBUF, "BLKFLSBUF");
        NAMES.put(BLKSSZGET, "BLKSSZGET");
        NAMES.put(BLKPG, "BLKPG");
        NAMES.put(BLKBSZGET, "BLKBSZGET");
        NAMES.put(BLKBSZSET, "BLKBSZSET");
        NAMES.put(BLKGETSIZE64, "BLKGETSIZE64");
        NAMES.put(BLKPBSZGET, "BLKPBSZGET");
        NAMES.put(BLKRASET, "BLKRASET");
        NAMES.put(BLKRAGET, "BLKRAGET");
        NAMES.put(BLKFRASET, "BLKFRASET");
        NAMES.put(BLKFRAGET, "BLKFRAGET");
        NAMES.put(BLKSECTGET, "BLKSECTGET");
        NAMES.put(BLKIOMIN, "BLKIOMIN");
        NAMES.put(BLKIOOPT, "BLKIOOPT");
        NAMES.put(BLKALIGNOFF, "BLKALIGNOFF");
        NAMES.put(BLKDISCARDZEROES, "BLKDISCARDZEROES");
        NAMES.put(BLKGETDISKSEQ, "BLKGETDISKSEQ");
        NAMES.put(FIFREEZE, "FIFREEZE");
        NAMES.put(FITHAW, "FITHAW");
    }

    /** The request's name as strace prints it, or its number in hex. */
    public static String name(long request) {
        String n = NAMES.get(request);
        return n != null ? n : String.format("_IOC(0x%x)", request);
    }
}
