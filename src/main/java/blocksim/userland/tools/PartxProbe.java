package blocksim.userland.tools;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The partition-table probing of libblkid (2.38.1) that partx relies on, for the dos, gpt and
 * PMBR probers, in libblkid's order. Starts and sizes are reported in 512-byte sectors whatever
 * the device's sector size, as libblkid reports them; dos partitions get the UUID
 * {@code <disk id>-<NN>}, primaries are numbered by slot (empty slots keep their number),
 * logicals from 5, GPT entries by index + 1. Also tells where each table's magic lies, which is
 * what a wipe erases.
 */
final class PartxProbe {

    private PartxProbe() {
    }

    /** Reads {@code len} bytes at a byte offset of the device; null when that fails. */
    @FunctionalInterface
    interface Reader {
        byte[] read(long offset, int len);
    }

    /** A partition as libblkid lists it. */
    record Part(int partno, long start, long size, int type, String typeString, String name, String uuid,
                long flags, boolean extended) {
    }

    /** A partition table: its type ("dos", "gpt", "PMBR"), id, magic and partitions. */
    record Table(String type, String id, long magicOffset, int magicLength, List<Part> parts) {
    }

    /** What a prober returns when it fails with an error: the probe ends there, with nothing found. */
    private static final Table FAILED = new Table("error", "", 0, 0, List.of());

    /** The first table libblkid finds, or null (none found, or a prober failed). */
    static Table probe(Reader r, int sectorSize, long sizeBytes) {
        Table t = dos(r, sectorSize, sizeBytes);
        if (t == FAILED) {
            return null;
        }
        if (t != null) {
            return t;
        }
        t = gpt(r, sectorSize, sizeBytes);
        if (t != null) {
            return t;
        }
        return pmbr(r, sectorSize, sizeBytes);
    }

    private static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    private static long le32(byte[] b, int off) {
        return (u8(b, off) | u8(b, off + 1) << 8 | u8(b, off + 2) << 16 | (long) u8(b, off + 3) << 24) & 0xffffffffL;
    }

    private static long le64(byte[] b, int off) {
        return le32(b, off) | le32(b, off + 4) << 32;
    }

    private static boolean magic(byte[] s) {
        return s != null && s.length >= 512 && u8(s, 510) == 0x55 && u8(s, 511) == 0xaa;
    }

    private static boolean isExtended(int type) {
        return type == 0x05 || type == 0x0f || type == 0x85;
    }

    // ---- dos -------------------------------------------------------------------------------

    /**
     * The partition types {@code probe_dos_pt} probes inside for a nested table ({@code
     * dos_nested[]}): BSD (a5, a6, a9), Solaris x86 (82), minix (81), UnixWare (63).
     */
    private static boolean hasNestedProber(int type) {
        return type == 0xa5 || type == 0xa6 || type == 0xa9 || type == 0x82 || type == 0x81 || type == 0x63;
    }

    private static Table dos(Reader r, int ss, long sizeBytes) {
        byte[] s = r.read(0, ss);
        if (!magic(s)) {
            return null;
        }
        if (u8(s, 0) == 0xc9 && u8(s, 1) == 0xc2 && u8(s, 2) == 0xd4 && u8(s, 3) == 0xc1) {
            return null;
        }
        for (int i = 0; i < 4; i++) {
            int boot = u8(s, 0x1be + 16 * i);
            if (boot != 0 && boot != 0x80) {
                return null;
            }
        }
        for (int i = 0; i < 4; i++) {
            if (u8(s, 0x1be + 16 * i + 4) == 0xee) {
                return null;
            }
        }
        long id = le32(s, 440);
        String idstr = id != 0 ? String.format("%08x", id) : "";
        int ssf = ss / 512;
        List<Part> parts = new ArrayList<>();
        int partno = 1;
        for (int i = 0; i < 4; i++) {
            int e = 0x1be + 16 * i;
            long start = (le32(s, e + 8) * ssf) & 0xffffffffL;
            long size = (le32(s, e + 12) * ssf) & 0xffffffffL;
            if (size == 0) {
                partno++;
                continue;
            }
            int type = u8(s, e + 4);
            parts.add(dosPart(partno++, start, size, type, u8(s, e), idstr));
        }
        int[] next = {5};
        for (int i = 0; i < 4; i++) {
            int e = 0x1be + 16 * i;
            long start = le32(s, e + 8) * ssf;
            long size = le32(s, e + 12) * ssf;
            if (size != 0 && isExtended(u8(s, e + 4))) {
                extended(r, ss, start & 0xffffffffL, size & 0xffffffffL, ssf, idstr, parts, next);
            }
        }
        // the nested tables are not modelled, but blkid_partitions_do_subprobe's first check is:
        // a primary of a nested type that runs past the device fails the whole probe (ENOSPC)
        if (sizeBytes > 1440L * 1024) {
            for (Part par : parts) {
                if (par.partno() <= 4 && hasNestedProber(par.type()) && (par.start() + par.size()) * 512 > sizeBytes) {
                    return FAILED;
                }
            }
        }
        return new Table("dos", idstr, 510, 2, parts);
    }

    private static Part dosPart(int partno, long start, long size, int type, int boot, String idstr) {
        String uuid = idstr.isEmpty() ? null : String.format("%.33s-%02x", idstr, partno);
        return new Part(partno, start, size, type, null, null, uuid, boot, isExtended(type));
    }

    private static void extended(Reader r, int ss, long exStart, long exSize, int ssf, String idstr,
                                 List<Part> parts, int[] next) {
        long curStart = exStart;
        long curSize = exSize;
        int nodata = 0;
        if (exStart == 0) {
            return;
        }
        while (true) {
            if (++nodata > 100) {
                return;
            }
            byte[] d = r.read(curStart * 512, 512);
            if (!magic(d)) {
                return;
            }
            for (int i = 0; i < 4; i++) {
                int e = 0x1be + 16 * i;
                long start = (le32(d, e + 8) * ssf) & 0xffffffffL;
                long size = (le32(d, e + 12) * ssf) & 0xffffffffL;
                long abs = (curStart + start) & 0xffffffffL;
                int type = u8(d, e + 4);
                if (size == 0 || isExtended(type)) {
                    continue;
                }
                if (i >= 2) {
                    if (start + size > curSize || abs < exStart || abs + size > exStart + exSize) {
                        continue;
                    }
                }
                boolean dup = false;
                for (Part p : parts) {
                    dup |= p.start() == abs;
                }
                if (dup) {
                    continue;
                }
                parts.add(dosPart(next[0]++, abs, size, type, u8(d, e), idstr));
                nodata = 0;
            }
            int link = -1;
            long lstart = 0;
            long lsize = 0;
            for (int i = 0; i < 4; i++) {
                int e = 0x1be + 16 * i;
                long start = (le32(d, e + 8) * ssf) & 0xffffffffL;
                long size = (le32(d, e + 12) * ssf) & 0xffffffffL;
                if (size != 0 && isExtended(u8(d, e + 4)) && start != 0) {
                    link = i;
                    lstart = start;
                    lsize = size;
                    break;
                }
            }
            if (link < 0) {
                return;
            }
            curStart = (exStart + lstart) & 0xffffffffL;
            curSize = lsize;
        }
    }

    // ---- gpt -------------------------------------------------------------------------------

    private static boolean pmbrValid(Reader r, int ss) {
        byte[] s = r.read(0, ss);
        if (!magic(s)) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (u8(s, 0x1be + 16 * i + 4) == 0xee) {
                return true;
            }
        }
        return false;
    }

    /** {header, entries} of a valid GPT header at {@code lba}, or null (get_gpt_header()). */
    static byte[][] gptHeader(Reader r, int ss, long lba, long lastLba) {
        byte[] h = r.read(lba * ss, ss);
        if (h == null || le64(h, 0) != 0x5452415020494645L) {
            return null;
        }
        long hsz = le32(h, 12);
        if (hsz > ss || hsz < 92) {
            return null;
        }
        CRC32 c = new CRC32();
        for (int i = 0; i < hsz; i++) {
            c.update(i >= 16 && i < 20 ? 0 : h[i]);
        }
        if (c.getValue() != le32(h, 16) || le64(h, 24) != lba) {
            return null;
        }
        long fu = le64(h, 40);
        long lu = le64(h, 48);
        if (Long.compareUnsigned(lu, fu) < 0 || Long.compareUnsigned(fu, lastLba) > 0
                || Long.compareUnsigned(lu, lastLba) > 0) {
            return null;
        }
        if (Long.compareUnsigned(fu, lba) < 0 && Long.compareUnsigned(lba, lu) < 0) {
            return null;
        }
        long esz = le32(h, 80) * le32(h, 84);
        if (esz == 0 || esz >= 0xffffffffL || le32(h, 84) != 128 || esz > (64L << 20)) {
            return null;
        }
        byte[] e = r.read(le64(h, 72) * ss, (int) esz);
        if (e == null) {
            return null;
        }
        CRC32 ce = new CRC32();
        ce.update(e, 0, e.length);
        if (ce.getValue() != le32(h, 88)) {
            return null;
        }
        return new byte[][] {h, e};
    }

    private static String guid(byte[] b, int off) {
        return FdiskGpt.guidToString(b, off).toLowerCase(Locale.ROOT);
    }

    private static Table gpt(Reader r, int ss, long sizeBytes) {
        if (sizeBytes < ss) {
            return null;
        }
        long lastLba = sizeBytes / ss - 1;
        if (!pmbrValid(r, ss)) {
            return null;
        }
        long lba = 1;
        byte[][] he = gptHeader(r, ss, lba, lastLba);
        if (he == null) {
            lba = lastLba;
            he = gptHeader(r, ss, lba, lastLba);
        }
        if (he == null) {
            return null;
        }
        byte[] h = he[0];
        byte[] e = he[1];
        int ssf = ss / 512;
        long fu = le64(h, 40);
        long lu = le64(h, 48);
        List<Part> parts = new ArrayList<>();
        long n = le32(h, 80);
        for (int i = 0; i < n; i++) {
            int off = i * 128;
            long start = le64(e, off + 32);
            long size = le64(e, off + 40) - start + 1;
            boolean unused = true;
            for (int k = 0; k < 16; k++) {
                unused &= e[off + k] == 0;
            }
            if (unused) {
                continue;
            }
            if (Long.compareUnsigned(start, fu) < 0 || Long.compareUnsigned(start + size - 1, lu) > 0) {
                continue;
            }
            int len = 0;
            while (len < 36 && (e[off + 56 + 2 * len] != 0 || e[off + 57 + 2 * len] != 0)) {
                len++;
            }
            String name = new String(e, off + 56, 2 * len, StandardCharsets.UTF_16LE);
            parts.add(new Part(i + 1, start * ssf, size * ssf, 0, guid(e, off), name.isEmpty() ? null : name,
                    guid(e, off + 16), le64(e, off + 48), false));
        }
        return new Table("gpt", guid(h, 56), lba * ss, 8, parts);
    }

    private static Table pmbr(Reader r, int ss, long sizeBytes) {
        if (sizeBytes < ss || !pmbrValid(r, ss)) {
            return null;
        }
        long lastLba = sizeBytes / ss - 1;
        if (gptHeader(r, ss, 1, lastLba) != null || gptHeader(r, ss, lastLba, lastLba) != null) {
            return null;
        }
        return new Table("PMBR", "", 510, 2, List.of());
    }
}
