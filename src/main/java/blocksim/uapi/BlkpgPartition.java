package blocksim.uapi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct blkpg_partition} ({@code include/uapi/linux/blkpg.h}): a partition described in
 * <em>bytes</em>. The kernel never reads {@code devname} or {@code volname}.
 *
 * <p>x86_64 layout, 152 bytes: start at 0, length at 8, pno at 16, devname[64] at 20,
 * volname[64] at 84, 4 bytes of tail padding.
 */
public record BlkpgPartition(long start, long length, int pno, String devname, String volname) {

    public static final int SIZE = 152;
    public static final int DEVNAME_OFFSET = 20;
    public static final int VOLNAME_OFFSET = 84;
    public static final int NAME_LEN = 64;

    public BlkpgPartition(long start, long length, int pno) {
        this(start, length, pno, "", "");
    }

    public BlkpgPartition {
        devname = devname == null ? "" : devname;
        volname = volname == null ? "" : volname;
    }

    /** The struct as it lies in memory (names NUL-padded and cut to 63 bytes). */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, start).putLong(8, length).putInt(16, pno);
        putName(b, DEVNAME_OFFSET, devname);
        putName(b, VOLNAME_OFFSET, volname);
        return b.array();
    }

    private static void putName(ByteBuffer b, int offset, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, NAME_LEN - 1);
        b.put(offset, bytes, 0, n);
    }

    /** Reads the struct back from memory. */
    public static BlkpgPartition fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new BlkpgPartition(b.getLong(0), b.getLong(8), b.getInt(16),
                name(bytes, DEVNAME_OFFSET), name(bytes, VOLNAME_OFFSET));
    }

    private static String name(byte[] bytes, int offset) {
        int end = offset;
        while (end < offset + NAME_LEN && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }
}
