package blocksim.uapi;

import java.nio.charset.StandardCharsets;

/**
 * {@code struct loop_info64} (232 bytes on x86_64): what LOOP_SET_STATUS64 reads and
 * LOOP_GET_STATUS64 fills, and the {@code info} of {@code struct loop_config}. Names are the C
 * fields'; {@code fileName} and {@code cryptName} are the 64-byte arrays, NUL-padded.
 */
public final class LoopInfo64 implements IoctlArg {
    public static final int SIZE = 232;

    public long device;
    public long inode;
    public long rdevice;
    public long offset;
    public long sizelimit;
    public int number;
    public int encryptType;
    public int encryptKeySize;
    public int flags;
    public final byte[] fileName = new byte[Loop.LO_NAME_SIZE];
    public final byte[] cryptName = new byte[Loop.LO_NAME_SIZE];
    public final byte[] encryptKey = new byte[Loop.LO_KEY_SIZE];
    public final long[] init = new long[2];

    public LoopInfo64() {
    }

    /** Settings as losetup gives them: offset, size limit, flags, and the name to record. */
    public LoopInfo64(long offset, long sizelimit, int flags, String fileName) {
        this.offset = offset;
        this.sizelimit = sizelimit;
        this.flags = flags;
        setFileName(fileName);
    }

    /** Copies {@code name} into {@code lo_file_name} as losetup does: at most 63 bytes and a NUL. */
    public void setFileName(String name) {
        java.util.Arrays.fill(fileName, (byte) 0);
        if (name != null) {
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, fileName, 0, Math.min(b.length, Loop.LO_NAME_SIZE - 1));
        }
    }

    /** {@code lo_file_name} up to its first NUL (all 64 bytes when there is none). */
    public String fileNameString() {
        return cString(fileName);
    }

    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** Copies every field from {@code o}. */
    public void copyFrom(LoopInfo64 o) {
        device = o.device;
        inode = o.inode;
        rdevice = o.rdevice;
        offset = o.offset;
        sizelimit = o.sizelimit;
        number = o.number;
        encryptType = o.encryptType;
        encryptKeySize = o.encryptKeySize;
        flags = o.flags;
        System.arraycopy(o.fileName, 0, fileName, 0, fileName.length);
        System.arraycopy(o.cryptName, 0, cryptName, 0, cryptName.length);
        System.arraycopy(o.encryptKey, 0, encryptKey, 0, encryptKey.length);
        System.arraycopy(o.init, 0, init, 0, init.length);
    }

    @Override
    public String toString() {
        return "{lo_offset=" + Long.toUnsignedString(offset) + ", lo_sizelimit=" + Long.toUnsignedString(sizelimit)
                + ", lo_number=" + number + ", lo_flags=" + flagNames(flags) + ", lo_file_name=" + Strace.quote(fileNameString())
                + ", ...}";
    }

    /** {@code lo_flags} as strace names them. */
    public static String flagNames(int flags) {
        if (flags == 0) {
            return "0";
        }
        StringBuilder b = new StringBuilder();
        String[] names = {"LO_FLAGS_READ_ONLY", "LO_FLAGS_USE_AOPS", "LO_FLAGS_AUTOCLEAR", "LO_FLAGS_PARTSCAN",
            "LO_FLAGS_DIRECT_IO"};
        int rest = flags;
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0) {
                b.append(b.isEmpty() ? "" : "|").append(names[i]);
                rest &= ~(1 << i);
            }
        }
        if (rest != 0) {
            b.append(b.isEmpty() ? "" : "|").append(String.format("0x%x", rest));
        }
        return b.toString();
    }
}
