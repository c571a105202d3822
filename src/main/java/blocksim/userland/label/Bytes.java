package blocksim.userland.label;

import java.util.Locale;
import java.util.UUID;

/** Little-endian field access and GUID encoding shared by the label classes. */
final class Bytes {

    private Bytes() {
    }

    static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    static int le16(byte[] b, int off) {
        return u8(b, off) | u8(b, off + 1) << 8;
    }

    static long le32(byte[] b, int off) {
        return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16
                | (b[off + 3] & 0xffL) << 24;
    }

    static long le64(byte[] b, int off) {
        return le32(b, off) | le32(b, off + 4) << 32;
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    static void put32(byte[] b, int off, long v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static void put64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /**
     * The on-disk (EFI, "mixed-endian") form of a GUID string: the first three groups
     * little-endian, the last two as written.
     */
    static byte[] guidBytes(String guid) {
        UUID u = UUID.fromString(guid);
        long msb = u.getMostSignificantBits();
        long lsb = u.getLeastSignificantBits();
        byte[] b = new byte[16];
        put32(b, 0, msb >>> 32);
        put16(b, 4, (int) (msb >>> 16));
        put16(b, 6, (int) msb);
        for (int i = 0; i < 8; i++) {
            b[8 + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        return b;
    }

    /** The lower-case canonical string of the on-disk GUID at {@code off}. */
    static String guidString(byte[] b, int off) {
        long msb = le32(b, off) << 32 | (long) le16(b, off + 4) << 16 | le16(b, off + 6);
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            lsb = lsb << 8 | u8(b, off + 8 + i);
        }
        return new UUID(msb, lsb).toString().toLowerCase(Locale.ROOT);
    }

    static boolean allZero(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return true;
    }
}
