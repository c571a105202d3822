package blocksim.userland.tools;

import blocksim.api.Errno;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * libfdisk's GPT label driver (2.38.1 {@code libfdisk/src/gpt.c}), ported for what sfdisk does
 * with it: probing (protective MBR, primary and backup headers with their checks and
 * recoveries), creating a label (first usable LBA from the 1 MiB alignment, 128 entries),
 * adding partitions with gdisk's free-space search and libfdisk's alignment, and writing backup
 * entries, backup header, primary entries, primary header and protective MBR in that order.
 */
final class FdiskGpt extends FdiskLabel {

    static final int NPARTITIONS = 128;
    static final int ENTRY_SIZE = 128;
    private static final long SIGNATURE = 0x5452415020494645L;
    private static final int REVISION_1_0 = 0x00010000;
    private static final int HEADER_SIZE = 92;
    private static final int MBR_PROTECTIVE = 1;
    private static final int MBR_HYBRID = 2;

    private byte[] pheader;
    private byte[] bheader;
    private byte[] ents;

    FdiskGpt(FdiskContext cxt) {
        super(cxt);
    }

    @Override
    String name() {
        return "gpt";
    }

    // ---- little-endian fields ---------------------------------------------------------------

    static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    static long le32(byte[] b, int off) {
        return le64n(b, off, 4);
    }

    private static long le64n(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    static void put64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static void put32(byte[] b, int off, long v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    // ---- GUIDs ------------------------------------------------------------------------------

    /** The upper-case string of the on-disk (mixed-endian) GUID at {@code off}. */
    static String guidToString(byte[] b, int off) {
        StringBuilder s = new StringBuilder();
        int[] order = {3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15};
        for (int i : order) {
            if (i < 0) {
                s.append('-');
            } else {
                s.append(String.format("%02X", b[off + i] & 0xff));
            }
        }
        return s.toString();
    }

    /** uuid_parse() then the swap to the on-disk layout; null when the string is not a UUID. */
    static byte[] stringToGuid(String in) {
        if (in == null || in.length() != 36) {
            return null;
        }
        byte[] be = new byte[16];
        int k = 0;
        for (int i = 0; i < 36; i++) {
            char c = in.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return null;
                }
                continue;
            }
            if (Character.digit(c, 16) < 0 || Character.digit(in.charAt(i + 1), 16) < 0) {
                return null;
            }
            be[k++] = (byte) Integer.parseInt(in.substring(i, i + 2), 16);
            i++;
        }
        byte[] le = be.clone();
        le[0] = be[3];
        le[1] = be[2];
        le[2] = be[1];
        le[3] = be[0];
        le[4] = be[5];
        le[5] = be[4];
        le[6] = be[7];
        le[7] = be[6];
        return le;
    }

    /** uuid_generate_random() written straight into an on-disk GUID field. */
    private byte[] randomGuid() {
        byte[] b = new byte[16];
        cxt.random().nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        return b;
    }

    private static boolean allZero(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return true;
    }

    // ---- header helpers ---------------------------------------------------------------------

    private static long crc32(byte[] b, int off, int len, int exOff, int exLen) {
        CRC32 c = new CRC32();
        for (int i = 0; i < len; i++) {
            if (i >= exOff && i < exOff + exLen) {
                c.update(0);
            } else {
                c.update(b[off + i]);
            }
        }
        return c.getValue();
    }

    private static long headerCrc(byte[] h) {
        long size = le32(h, 12);
        return crc32(h, 0, (int) Math.min(size, h.length), 16, 4);
    }

    private static long entriesCrc(byte[] h, byte[] ents) {
        long sz = le32(h, 80) * le32(h, 84);
        return crc32(ents, 0, (int) Math.min(sz, ents.length), 0, 0);
    }

    private static void recomputeCrc(byte[] h, byte[] ents) {
        if (h == null) {
            return;
        }
        put32(h, 88, entriesCrc(h, ents));
        put32(h, 16, headerCrc(h));
    }

    private int nentries() {
        return (int) le32(pheader, 80);
    }

    private int entrySize() {
        return (int) le32(pheader, 84);
    }

    private int entry(int i) {
        return entrySize() * i;
    }

    private boolean entryUsed(int i) {
        return !allZero(ents, entry(i), 16);
    }

    private long pstart(int i) {
        return le64(ents, entry(i) + 32);
    }

    private long pend(int i) {
        return le64(ents, entry(i) + 40);
    }

    private long firstUsable() {
        return le64(pheader, 40);
    }

    private long lastUsable() {
        return le64(pheader, 48);
    }

    /** Sectors an array of {@code nents} entries of 128 bytes takes. */
    private long entrySectors(long nents, long esz) {
        return (nents * esz + cxt.sectorSize - 1) / cxt.sectorSize;
    }

    private long lastLbaOfDevice() {
        return cxt.totalSectors - 1;
    }

    // ---- probing ----------------------------------------------------------------------------

    private int validPmbr() {
        byte[] s = cxt.firstSector;
        if (s == null || (s[510] & 0xff) != 0x55 || (s[511] & 0xff) != 0xaa) {
            return 0;
        }
        int part = -1;
        for (int i = 0; i < 4; i++) {
            if ((s[0x1be + 16 * i + 4] & 0xff) == 0xee) {
                part = i;
                break;
            }
        }
        if (part < 0) {
            return 0;
        }
        for (int i = 0; i < 4; i++) {
            int t = s[0x1be + 16 * i + 4] & 0xff;
            if (t != 0xee && t != 0) {
                return MBR_HYBRID;
            }
        }
        int e = 0x1be + 16 * part;
        if (le32(s, e + 8) != 1) {
            return 0;
        }
        long sz = le32(s, e + 12);
        if (sz != cxt.totalSectors - 1 && sz != 0xffffffffL) {
            cxt.warnx("GPT PMBR size mismatch (" + sz + " != " + (cxt.totalSectors - 1) + ") will be corrected by write.");
            put32(s, e + 12, Math.min(cxt.totalSectors - 1, 0xffffffffL));
        }
        return MBR_PROTECTIVE;
    }

    /** gpt_read_header(): {header, entries} at {@code lba} if every check passes, else null. */
    private byte[][] readHeader(long lba) {
        byte[] h = cxt.readSector(lba);
        if (h == null || le64(h, 0) != SIGNATURE) {
            return null;
        }
        long hsz = le32(h, 12);
        if (hsz < HEADER_SIZE || hsz > cxt.sectorSize) {
            return null;
        }
        if (headerCrc(h) != le32(h, 16)) {
            return null;
        }
        long nents = le32(h, 80);
        long esz = le32(h, 84);
        if (nents == 0 || esz == 0 || nents * esz > (64L << 20)) {
            return null;
        }
        byte[] e = new byte[(int) (nents * esz)];
        if (!cxt.readBytes(le64(h, 72) * cxt.sectorSize, e)) {
            return null;
        }
        if (entriesCrc(h, e) != le32(h, 88)) {
            return null;
        }
        long fu = le64(h, 40);
        long lu = le64(h, 48);
        long last = lastLbaOfDevice();
        if (Long.compareUnsigned(lu, fu) < 0 || Long.compareUnsigned(fu, last) > 0 || Long.compareUnsigned(lu, last) > 0) {
            return null;
        }
        if (Long.compareUnsigned(fu, 1) < 0 && Long.compareUnsigned(1, lu) < 0) {
            return null;
        }
        if (le64(h, 24) != lba) {
            return null;
        }
        return new byte[][] {h, e};
    }

    private byte[] copyHeader(byte[] src) {
        byte[] res = new byte[cxt.sectorSize];
        put64(res, 24, le64(src, 32));
        put64(res, 32, le64(src, 24));
        System.arraycopy(src, 0, res, 0, 16);
        put32(res, 16, 0);
        System.arraycopy(src, 40, res, 40, 32);
        System.arraycopy(src, 80, res, 80, 8);
        if (le64(res, 24) == 1) {
            put64(res, 72, 2);
        } else {
            long esects = entrySectors(le32(src, 80), ENTRY_SIZE);
            put64(res, 72, cxt.totalSectors - 1 - esects);
        }
        return res;
    }

    private void fixAlternativeLba() {
        long nents = le32(pheader, 80);
        put64(pheader, 32, cxt.totalSectors - 1);
        put64(bheader, 32, le64(pheader, 24));
        put64(bheader, 24, le64(pheader, 32));
        long esects = entrySectors(nents, ENTRY_SIZE);
        put64(bheader, 72, cxt.totalSectors - 1 - esects);
        long lastUsable = cxt.totalSectors - 2 - esects;
        put64(pheader, 48, lastUsable);
        put64(bheader, 48, lastUsable);
    }

    @Override
    boolean probe() {
        int mbrType = validPmbr();
        if (mbrType == 0) {
            return false;
        }
        byte[][] prim = readHeader(1);
        byte[][] back;
        if (prim != null) {
            back = readHeader(le64(prim[0], 32));
            ents = prim[1];
        } else {
            back = readHeader(lastLbaOfDevice());
            if (back != null) {
                ents = back[1];
            }
        }
        if (prim == null && back == null) {
            ents = null;
            return false;
        }
        pheader = prim != null ? prim[0] : null;
        bheader = back != null ? back[0] : null;
        if (pheader != null && bheader == null) {
            cxt.warnx("The backup GPT table is corrupt, but the primary appears OK, so that will be used.");
            bheader = copyHeader(pheader);
            recomputeCrc(bheader, ents);
        } else if (pheader == null) {
            cxt.warnx("The primary GPT table is corrupt, but the backup appears OK, so that will be used.");
            pheader = copyHeader(bheader);
            recomputeCrc(pheader, ents);
        }
        long alt = le64(pheader, 32);
        if (Long.compareUnsigned(alt, cxt.totalSectors) > 0 || Long.compareUnsigned(alt, cxt.totalSectors - 1) < 0) {
            if (cxt.readonly) {
                cxt.warnx("The backup GPT table is not on the end of the device.");
            } else {
                cxt.warnx("The backup GPT table is not on the end of the device. This problem will be corrected by write.");
                fixAlternativeLba();
                recomputeCrc(bheader, ents);
                recomputeCrc(pheader, ents);
            }
        }
        return true;
    }

    // ---- creating ---------------------------------------------------------------------------

    private void mknewPmbr() {
        cxt.initFirstSector(true);
        byte[] s = cxt.firstSector;
        writePmbrRecord(s);
    }

    private void writePmbrRecord(byte[] s) {
        for (int i = 0x1be; i < 0x1fe; i++) {
            s[i] = 0;
        }
        s[510] = 0x55;
        s[511] = (byte) 0xaa;
        int e = 0x1be;
        s[e + 2] = 2;
        s[e + 4] = (byte) 0xee;
        s[e + 5] = (byte) 0xff;
        s[e + 6] = (byte) 0xff;
        s[e + 7] = (byte) 0xff;
        put32(s, e + 8, 1);
        put32(s, e + 12, Math.min(cxt.totalSectors - 1, 0xffffffffL));
    }

    /** A script header as a sector count ({@code get_script_u64}); null when absent or bad. */
    private Long scriptU64(String name) {
        if (cxt.script == null) {
            return null;
        }
        String str = cxt.script.header(name);
        if (str == null) {
            return null;
        }
        Sizes.Parsed ps = Sizes.parse(str);
        if (ps == null) {
            return -1L;
        }
        return ps.power() != 0 ? ps.value() / cxt.sectorSize : ps.value();
    }

    /** count_first_last_lba(): {first, last, nents}, or null after a warning. */
    private long[] countFirstLastLba() {
        long nents = NPARTITIONS;
        Long tl = scriptU64("table-length");
        if (tl != null && tl >= 0) {
            nents = tl;
        }
        long flba = 0;
        long llba = 0;
        boolean ok = false;
        for (; nents > 0; nents--) {
            long esects = entrySectors(nents, ENTRY_SIZE);
            if (cxt.totalSectors < 2 + esects) {
                continue;
            }
            llba = cxt.totalSectors - 2 - esects;
            flba = esects + 2;
            if (llba >= flba) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            return null;
        }
        long first = 0;
        long last = 0;
        Long f = scriptU64("first-lba");
        if (f != null && f > 0) {
            if (f < flba || f > llba) {
                cxt.warnx("First LBA specified by script is out of range.");
                return null;
            }
            first = f;
        }
        Long l = scriptU64("last-lba");
        if (l != null && l > 0) {
            if (l > llba || l < flba) {
                cxt.warnx("Last LBA specified by script is out of range.");
                return null;
            }
            last = l;
        }
        if (last == 0) {
            last = llba;
        }
        if (first == 0) {
            first = flba < cxt.firstLba && cxt.firstLba < last ? cxt.firstLba : flba;
        }
        return new long[] {first, last, nents};
    }

    @Override
    int create() {
        mknewPmbr();
        long[] fl = countFirstLastLba();
        if (fl == null) {
            return -Errno.ERANGE.number();
        }
        pheader = new byte[cxt.sectorSize];
        put64(pheader, 0, SIGNATURE);
        put32(pheader, 8, REVISION_1_0);
        put32(pheader, 12, HEADER_SIZE);
        put32(pheader, 80, fl[2]);
        put32(pheader, 84, ENTRY_SIZE);
        put64(pheader, 40, fl[0]);
        put64(pheader, 48, fl[1]);
        put64(pheader, 24, 1);
        put64(pheader, 32, cxt.totalSectors - 1);
        put64(pheader, 72, 2);
        byte[] guid = null;
        if (cxt.script != null) {
            guid = stringToGuid(cxt.script.header("label-id"));
        }
        if (guid == null) {
            guid = randomGuid();
        }
        System.arraycopy(guid, 0, pheader, 56, 16);

        bheader = new byte[cxt.sectorSize];
        System.arraycopy(pheader, 0, bheader, 0, 16);
        put32(bheader, 16, 0);
        System.arraycopy(pheader, 80, bheader, 80, 8);
        System.arraycopy(pheader, 40, bheader, 40, 16);
        System.arraycopy(pheader, 56, bheader, 56, 16);
        put64(bheader, 24, lastLbaOfDevice());
        put64(bheader, 72, cxt.totalSectors - 1 - entrySectors(fl[2], ENTRY_SIZE));
        put64(bheader, 32, 1);

        ents = new byte[(int) (fl[2] * ENTRY_SIZE)];
        recomputeCrc(pheader, ents);
        recomputeCrc(bheader, ents);
        cxt.info("Created a new GPT disklabel (GUID: " + guidToString(pheader, 56) + ").");
        if (fl[2] < NPARTITIONS) {
            cxt.info("The maximal number of partitions is " + fl[2] + " (default is " + NPARTITIONS + ").");
        }
        return 0;
    }

    @Override
    void resetAlignment() {
        if (pheader != null) {
            cxt.firstLba = firstUsable();
            cxt.lastLba = lastUsable();
        } else {
            long[] fl = countFirstLastLba();
            if (fl != null) {
                if (cxt.firstLba < fl[0]) {
                    cxt.firstLba = fl[0];
                }
                if (cxt.lastLba > fl[1]) {
                    cxt.lastLba = fl[1];
                }
            }
        }
    }

    @Override
    String diskId() {
        return guidToString(pheader, 56);
    }

    long firstUsableLba() {
        return firstUsable();
    }

    long lastUsableLba() {
        return lastUsable();
    }

    @Override
    int nPartsMax() {
        return pheader == null ? 0 : nentries();
    }

    @Override
    Part partition(int n) {
        if (n < 0 || n >= nPartsMax()) {
            return null;
        }
        int e = entry(n);
        boolean used = entryUsed(n) || pstart(n) != 0;
        if (!used) {
            return null;
        }
        Part pa = new Part();
        pa.partno = n;
        pa.start = pstart(n);
        long end = pend(n);
        pa.size = Long.compareUnsigned(pa.start, end) > 0 ? 0 : end - pa.start + 1;
        pa.type = FdiskTypes.gptType(guidToString(ents, e));
        pa.uuid = guidToString(ents, e + 16);
        pa.attrs = attrsToString(le64(ents, e + 48));
        pa.name = nameOf(ents, e + 56);
        return pa;
    }

    private static String nameOf(byte[] b, int off) {
        int len = 0;
        while (len < 36 && (b[off + 2 * len] != 0 || b[off + 2 * len + 1] != 0)) {
            len++;
        }
        return new String(b, off, 2 * len, StandardCharsets.UTF_16LE);
    }

    private static String attrsToString(long attrs) {
        if (attrs == 0) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        if ((attrs & 1) != 0) {
            s.append("RequiredPartition");
        }
        if ((attrs & 2) != 0) {
            s.append(s.isEmpty() ? "" : " ").append("NoBlockIOProtocol");
        }
        if ((attrs & 4) != 0) {
            s.append(s.isEmpty() ? "" : " ").append("LegacyBIOSBootable");
        }
        int count = 0;
        for (int n = 48; n < 64; n++) {
            if ((attrs & (1L << n)) == 0) {
                continue;
            }
            if (count == 0) {
                s.append(s.isEmpty() ? "" : " ").append("GUID:").append(n);
            } else {
                s.append(',').append(n);
            }
            count++;
        }
        return s.toString();
    }

    /** gpt_entry_attrs_from_string(); null after a warning. */
    private Long attrsFromString(String str) {
        long attrs = 0;
        int p = 0;
        while (p < str.length()) {
            while (p < str.length() && (str.charAt(p) == ' ' || str.charAt(p) == '\t')) {
                p++;
            }
            if (p >= str.length()) {
                break;
            }
            int bit = -1;
            String rest = str.substring(p);
            if (rest.startsWith("RequiredPartition")) {
                bit = 0;
                p += "RequiredPartition".length();
            } else if (rest.startsWith("RequiredPartiton")) {
                bit = 0;
                p += "RequiredPartiton".length();
            } else if (rest.startsWith("LegacyBIOSBootable")) {
                bit = 2;
                p += "LegacyBIOSBootable".length();
            } else if (rest.startsWith("NoBlockIOProtocol")) {
                bit = 1;
                p += "NoBlockIOProtocol".length();
            } else if (Character.isDigit(rest.charAt(0))
                    || (rest.startsWith("GUID:") && rest.length() > 5 && Character.isDigit(rest.charAt(5)))) {
                int q = rest.charAt(0) == 'G' ? p + 5 : p;
                int r = q;
                while (r < str.length() && Character.isDigit(str.charAt(r))) {
                    r++;
                }
                int v = Integer.parseInt(str.substring(q, r));
                if (v >= 48 && v < 64) {
                    bit = v;
                    p = r;
                } else {
                    p = q;
                }
            }
            if (bit < 0) {
                cxt.warnx("unsupported GPT attribute bit '" + str.substring(p) + "'");
                return null;
            }
            if (p < str.length() && str.charAt(p) != ',' && str.charAt(p) != ' ' && str.charAt(p) != '\t') {
                cxt.warnx("failed to parse GPT attribute string '" + str + "'");
                return null;
            }
            attrs |= 1L << bit;
            while (p < str.length() && (str.charAt(p) == ' ' || str.charAt(p) == '\t')) {
                p++;
            }
            if (p < str.length() && str.charAt(p) == ',') {
                p++;
            }
        }
        return attrs;
    }

    /** gpt_entry_set_name(): UTF-8 to UTF-16LE, at most 36 code units; false on bad UTF-8. */
    private boolean setName(int e, String name) {
        char[] units = new char[36];
        int i = 0;
        for (int k = 0; k < name.length() && i < 36; k++) {
            char c = name.charAt(k);
            if (Character.isSurrogate(c)) {
                return false;
            }
            units[i++] = c;
        }
        for (int k = 0; k < 36; k++) {
            ents[e + 56 + 2 * k] = (byte) units[k];
            ents[e + 56 + 2 * k + 1] = (byte) (units[k] >> 8);
        }
        return true;
    }

    // ---- free space (from gdisk) --------------------------------------------------------------

    private long findFirstAvailable(long start) {
        long fu = firstUsable();
        long lu = lastUsable();
        long first = Long.compareUnsigned(start, fu) < 0 ? fu : start;
        boolean moved;
        do {
            moved = false;
            for (int i = 0; i < nentries(); i++) {
                if (!entryUsed(i)) {
                    continue;
                }
                if (Long.compareUnsigned(first, pstart(i)) < 0) {
                    continue;
                }
                if (Long.compareUnsigned(first, pend(i)) <= 0) {
                    first = pend(i) + 1;
                    moved = true;
                }
            }
        } while (moved);
        if (Long.compareUnsigned(first, lu) > 0) {
            first = 0;
        }
        return first;
    }

    private long findLastFree(long start) {
        long nearest = lastUsable();
        for (int i = 0; i < nentries(); i++) {
            long ps = pstart(i);
            if (Long.compareUnsigned(nearest, ps) > 0 && Long.compareUnsigned(ps, start) > 0) {
                nearest = ps - 1;
            }
        }
        return nearest;
    }

    private long findLastFreeSector() {
        long last = lastUsable();
        boolean moved;
        do {
            moved = false;
            for (int i = 0; i < nentries(); i++) {
                if (Long.compareUnsigned(last, pstart(i)) >= 0 && Long.compareUnsigned(last, pend(i)) <= 0) {
                    last = pstart(i) - 1;
                    moved = true;
                }
            }
        } while (moved);
        return last;
    }

    private long findFirstInLargest() {
        long start = 0;
        long selectedSize = 0;
        long selected = 0;
        long first;
        do {
            first = findFirstAvailable(start);
            if (first != 0) {
                long last = findLastFree(first);
                long size = last - first + 1;
                if (size > selectedSize) {
                    selectedSize = size;
                    selected = first;
                }
                start = last + 1;
            }
        } while (first != 0);
        return selected;
    }

    private long freeSectors() {
        if (cxt.totalSectors == 0) {
            return 0;
        }
        long total = 0;
        long start = 0;
        long first;
        do {
            first = findFirstAvailable(start);
            if (first != 0) {
                long last = findLastFree(first);
                total += last - first + 1;
                start = last + 1;
            }
        } while (first != 0);
        return total;
    }

    private int inUse() {
        int n = 0;
        for (int i = 0; i < nentries(); i++) {
            if (entryUsed(i)) {
                n++;
            }
        }
        return n;
    }

    @Override
    int add(Part pa) {
        int partnum = nextPartno(pa);
        if (partnum < 0) {
            return partnum;
        }
        if (entryUsed(partnum)) {
            cxt.warnx("Partition " + (partnum + 1) + " is already defined.  Delete it before re-adding it.");
            return -Errno.ERANGE.number();
        }
        if (nentries() == inUse()) {
            cxt.warnx("All partitions are already in use.");
            return -Errno.ENOSPC.number();
        }
        if (freeSectors() == 0) {
            cxt.warnx("No free sectors available.");
            return -Errno.ENOSPC.number();
        }
        byte[] typeid = stringToGuid(pa != null && pa.type != null && pa.type.typestr() != null
                ? pa.type.typestr() : FdiskTypes.GPT_DEFAULT);
        if (typeid == null) {
            return -Errno.EINVAL.number();
        }
        long grainSects = cxt.grain / cxt.sectorSize;
        long diskF = findFirstAvailable(firstUsable());
        if ((pa == null || !pa.hasStart()) && entryUsed(0) && Long.compareUnsigned(diskF, pstart(0)) < 0) {
            while (true) {
                diskF = findFirstAvailable(diskF);
                if (diskF == 0) {
                    break;
                }
                long x = findLastFree(diskF);
                if (Long.compareUnsigned(x - diskF, grainSects) >= 0) {
                    break;
                }
                diskF = x + 1;
            }
            if (diskF == 0) {
                diskF = findFirstAvailable(firstUsable());
            }
        }
        long dfltF = findFirstInLargest();
        long dfltL = findLastFree(dfltF);
        if ((pa == null || !pa.hasStart()) && Long.compareUnsigned(dfltL - dfltF + 1, grainSects) < 0) {
            cxt.warnx("No enough free sectors available.");
            return -Errno.ENOSPC.number();
        }
        dfltF = cxt.alignLbaInRange(dfltF, dfltF, dfltL);
        long userF;
        if (pa != null && pa.startDefault) {
            userF = dfltF;
        } else if (pa != null && pa.hasStart()) {
            if (pa.start != findFirstAvailable(pa.start)) {
                cxt.warnx("Sector " + pa.start + " already used.");
                return -Errno.ERANGE.number();
            }
            userF = pa.start;
        } else {
            return -Errno.EINVAL.number();
        }
        long maxL = findLastFree(userF);
        dfltL = maxL;
        if (maxL == lastUsable()) {
            dfltL = cxt.alignLbaInRange(maxL, userF, maxL) - 1;
        }
        long userL;
        if (pa != null && pa.endDefault) {
            userL = dfltL;
        } else if (pa != null && pa.hasSize()) {
            userL = userF + pa.size - 1;
            if (userL != dfltL && !pa.sizeExplicit && cxt.alignmentRequired()
                    && Long.compareUnsigned(userL - userF, grainSects) > 0) {
                userL = cxt.alignLbaInRange(userL, userF, dfltL);
                if (Long.compareUnsigned(userL, userF) > 0) {
                    userL -= 1;
                }
            }
        } else {
            return -Errno.EINVAL.number();
        }
        if (Long.compareUnsigned(userF, userL) > 0 || partnum >= nPartsMax()) {
            cxt.warnx("Could not create partition " + (partnum + 1));
            return -Errno.EINVAL.number();
        }
        if (Long.compareUnsigned(userL, lastUsable()) > 0) {
            cxt.warnx("The last usable GPT sector is " + lastUsable() + ", but " + userL + " is requested.");
            return -Errno.EINVAL.number();
        }
        if (Long.compareUnsigned(userF, firstUsable()) < 0) {
            cxt.warnx("The first usable GPT sector is " + firstUsable() + ", but " + userF + " is requested.");
            return -Errno.EINVAL.number();
        }
        int e = entry(partnum);
        put64(ents, e + 40, userL);
        put64(ents, e + 32, userF);
        System.arraycopy(typeid, 0, ents, e, 16);
        if (pa != null && pa.uuid != null) {
            byte[] u = stringToGuid(pa.uuid);
            if (u == null) {
                return -Errno.EINVAL.number();
            }
            System.arraycopy(u, 0, ents, e + 16, 16);
        } else {
            System.arraycopy(randomGuid(), 0, ents, e + 16, 16);
        }
        if (pa != null && pa.name != null && !pa.name.isEmpty()) {
            setName(e, pa.name);
        }
        if (pa != null && pa.attrs != null) {
            Long a = attrsFromString(pa.attrs);
            if (a != null) {
                put64(ents, e + 48, a);
            }
        }
        recomputeCrc(pheader, ents);
        recomputeCrc(bheader, ents);
        FdiskTypes.Type t = FdiskTypes.gptType(guidToString(ents, e));
        cxt.info("Created a new partition " + (partnum + 1) + " of type '" + t.name() + "' and of size "
                + Sizes.human(Sizes.SUFFIX_3LETTER | Sizes.SUFFIX_SPACE, (userL - userF + 1) * cxt.sectorSize) + ".");
        return partnum;
    }

    @Override
    int delete(int n) {
        if (n < 0 || n >= nPartsMax() || !entryUsed(n)) {
            return -Errno.EINVAL.number();
        }
        int e = entry(n);
        for (int i = 0; i < entrySize(); i++) {
            ents[e + i] = 0;
        }
        recomputeCrc(pheader, ents);
        recomputeCrc(bheader, ents);
        return 0;
    }

    // ---- writing ----------------------------------------------------------------------------

    private boolean overlaps() {
        for (int i = 0; i < nentries(); i++) {
            for (int j = 0; j < i; j++) {
                if (!entryUsed(i) || !entryUsed(j)) {
                    continue;
                }
                long s1 = pstart(i);
                long e1 = pend(i);
                long s2 = pstart(j);
                long e2 = pend(j);
                if (s1 != 0 && s2 != 0 && (Long.compareUnsigned(s1, e2) <= 0) != (Long.compareUnsigned(e1, s2) < 0)) {
                    return true;
                }
            }
        }
        return false;
    }

    private int gptWrite(long offset, byte[] buf) {
        Errno e = cxt.writeBytes(offset, buf, buf.length);
        if (e != null) {
            return -e.number();
        }
        cxt.fsync();
        return 0;
    }

    @Override
    int write() {
        int mbrType = validPmbr();
        long alt = le64(pheader, 32);
        if (Long.compareUnsigned(alt, cxt.totalSectors) > 0 || Long.compareUnsigned(alt, cxt.totalSectors - 1) < 0
                || overlaps()) {
            return -Errno.EINVAL.number();
        }
        recomputeCrc(pheader, ents);
        recomputeCrc(bheader, ents);
        int rc = gptWrite(le64(bheader, 72) * cxt.sectorSize, ents);
        if (rc == 0) {
            rc = gptWrite(alt * cxt.sectorSize, bheader);
        }
        if (rc == 0) {
            rc = gptWrite(le64(pheader, 72) * cxt.sectorSize, ents);
        }
        if (rc == 0) {
            rc = gptWrite(cxt.sectorSize, pheader);
        }
        if (rc != 0) {
            return rc;
        }
        if (mbrType == MBR_HYBRID) {
            cxt.warnx("The device contains hybrid MBR -- writing GPT only.");
            return 0;
        }
        writePmbrRecord(cxt.firstSector);
        return gptWrite(0, cxt.firstSector);
    }
}
