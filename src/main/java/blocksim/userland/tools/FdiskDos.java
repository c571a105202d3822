package blocksim.userland.tools;

import blocksim.api.Errno;

/**
 * libfdisk's DOS (MBR) label driver (2.38.1 {@code libfdisk/src/dos.c}), ported for what sfdisk
 * does with it: probing the MBR and the chain of EBRs, creating a label, adding primary, extended
 * and logical partitions with libfdisk's placement and alignment rules, and writing the changed
 * sectors back. The in-memory layout follows libfdisk: up to 60 "ptes", the first four sharing
 * the first sector, each logical one with its own EBR sector, a data entry and a link entry.
 */
final class FdiskDos extends FdiskLabel {

    static final int MAXIMUM_PARTS = 60;
    private static final int ACTIVE_FLAG = 0x80;
    private static final int MBR_PT_OFFSET = 0x1be;

    /** A 16-byte partition entry inside a sector buffer (a {@code struct dos_partition *}). */
    static final class Entry {
        final byte[] buf;
        final int off;

        Entry(byte[] buf, int index) {
            this.buf = buf;
            this.off = MBR_PT_OFFSET + 16 * index;
        }

        private Entry(byte[] buf, long off) {
            this.buf = buf;
            this.off = (int) off;
        }

        Entry next() {
            return new Entry(buf, (long) off + 16);
        }

        boolean same(Entry o) {
            return o != null && o.buf == buf && o.off == off;
        }

        int u8(int i) {
            return buf[off + i] & 0xff;
        }

        void set8(int i, int v) {
            buf[off + i] = (byte) v;
        }

        int boot() {
            return u8(0);
        }

        int sys() {
            return u8(4);
        }

        long start() {
            return le32(8);
        }

        long size() {
            return le32(12);
        }

        void setStart(long v) {
            put32(8, v);
        }

        void setSize(long v) {
            put32(12, v);
        }

        private long le32(int i) {
            return (u8(i) | u8(i + 1) << 8 | u8(i + 2) << 16 | (long) u8(i + 3) << 24) & 0xffffffffL;
        }

        private void put32(int i, long v) {
            for (int k = 0; k < 4; k++) {
                set8(i + k, (int) (v >>> (8 * k)));
            }
        }

        boolean cleared() {
            for (int i = 0; i < 16; i++) {
                if (buf[off + i] != 0) {
                    return false;
                }
            }
            return true;
        }

        void clear() {
            for (int i = 0; i < 16; i++) {
                buf[off + i] = 0;
            }
        }

        void copyFrom(Entry q) {
            System.arraycopy(q.buf, q.off, buf, off, 16);
        }

        /** dos_partition_sync_chs(). */
        void syncChs(long partOffset, int geomSectors, int geomHeads) {
            long start = partOffset + start();
            long stop = start + size() - 1;
            long spc = (long) geomHeads * geomSectors;
            if (start / spc > 1023) {
                start = spc * 1024 - 1;
            }
            if (stop / spc > 1023) {
                stop = spc * 1024 - 1;
            }
            set8(3, (int) ((start / spc) & 0xff));
            set8(1, (int) ((start / geomSectors) % geomHeads));
            set8(2, (int) (((start % geomSectors + 1) & 0x3f) | (((start / spc) >> 2) & 0xc0)));
            set8(7, (int) ((stop / spc) & 0xff));
            set8(5, (int) ((stop / geomSectors) % geomHeads));
            set8(6, (int) (((stop % geomSectors + 1) & 0x3f) | (((stop / spc) >> 2) & 0xc0)));
        }
    }

    /** Per-partition data ({@code struct pte}). */
    static final class Pte {
        Entry pt;
        Entry ex;
        long offset;
        byte[] sector;
        boolean changed;
        boolean priv;
    }

    private final Pte[] ptes = new Pte[MAXIMUM_PARTS];
    private long extOffset;
    private int extIndex;
    private boolean nonPtChanged;
    private int nPartsMax = 4;

    FdiskDos(FdiskContext cxt) {
        super(cxt);
        for (int i = 0; i < MAXIMUM_PARTS; i++) {
            ptes[i] = new Pte();
        }
    }

    @Override
    String name() {
        return "dos";
    }

    @Override
    int nPartsMax() {
        return nPartsMax;
    }

    private static boolean isExtended(int sys) {
        return sys == 0x05 || sys == 0x0f || sys == 0x85;
    }

    private static boolean validMagic(byte[] b) {
        return b != null && (b[510] & 0xff) == 0x55 && (b[511] & 0xff) == 0xaa;
    }

    private static void setMagic(byte[] b) {
        b[510] = 0x55;
        b[511] = (byte) 0xaa;
    }

    private static boolean isUsed(Entry p) {
        return p != null && p.size() != 0;
    }

    private long absStart(Pte pe) {
        return pe.offset + pe.pt.start();
    }

    private long absEnd(Pte pe) {
        long size = pe.pt.size();
        return absStart(pe) + size - (size != 0 ? 1 : 0);
    }

    private void setChanged(int i, boolean changed) {
        if (i >= 0 && i < MAXIMUM_PARTS) {
            ptes[i].changed = changed;
        }
    }

    private void init() {
        nPartsMax = 4;
        extIndex = 0;
        extOffset = 0;
        nonPtChanged = false;
        for (int i = 0; i < MAXIMUM_PARTS; i++) {
            ptes[i] = new Pte();
        }
        for (int i = 0; i < 4; i++) {
            Pte pe = ptes[i];
            pe.pt = new Entry(cxt.firstSector, i);
            pe.sector = cxt.firstSector;
        }
        if (cxt.listOnly) {
            return;
        }
        if (cxt.totalSectors > 0xffffffffL) {
            long bytes = cxt.totalSectors * cxt.sectorSize;
            cxt.warnx("The size of this disk is " + Sizes.human(Sizes.SUFFIX_SPACE | Sizes.SUFFIX_3LETTER, bytes)
                    + " (" + bytes + " bytes). DOS partition table format cannot be used on drives for volumes larger than "
                    + (0xffffffffL * cxt.sectorSize) + " bytes for " + cxt.sectorSize
                    + "-byte sectors. Use GUID partition table format (GPT).");
        }
    }

    private void resetPte(int i) {
        ptes[i] = new Pte();
    }

    @Override
    boolean probe() {
        byte[] s = cxt.firstSector;
        if ((s[0] & 0xff) == 0xc9 && (s[1] & 0xff) == 0xc2 && (s[2] & 0xff) == 0xd4 && (s[3] & 0xff) == 0xc1) {
            return false;
        }
        if (!validMagic(s)) {
            return false;
        }
        init();
        int[] hs = partitionTableGeometry();
        if (hs != null) {
            cxt.heads = hs[0];
            cxt.sectors = hs[1];
            cxt.cylinders = cxt.totalSectors / ((long) cxt.heads * cxt.sectors);
        }
        for (int i = 0; i < 4; i++) {
            Pte pe = ptes[i];
            if (isExtended(pe.pt.sys())) {
                if (nPartsMax != 4) {
                    cxt.warnx("Ignoring extra extended partition " + (i + 1));
                } else {
                    readExtended(i);
                }
            }
        }
        for (int i = 3; i < nPartsMax; i++) {
            Pte pe = ptes[i];
            if (!validMagic(pe.sector)) {
                cxt.info(String.format("Invalid flag 0x%02x%02x of EBR (for partition %d) will be corrected by w(rite).",
                        pe.sector[510] & 0xff, pe.sector[511] & 0xff, i + 1));
                setChanged(i, true);
                setChanged(extIndex, true);
            }
        }
        return true;
    }

    private boolean readPte(int pno, long offset) {
        Pte pe = ptes[pno];
        byte[] buf = new byte[cxt.sectorSize];
        pe.offset = offset;
        pe.sector = buf;
        pe.priv = true;
        if (!cxt.readBytes(offset * cxt.sectorSize, buf)) {
            cxt.warn(String.format("Failed to read extended partition table (offset=%d)", offset), Errno.EIO);
            return false;
        }
        pe.changed = false;
        pe.pt = null;
        pe.ex = null;
        return true;
    }

    private void readExtended(int ext) {
        extIndex = ext;
        Pte pex = ptes[ext];
        pex.ex = pex.pt;
        Entry p = pex.pt;
        if (p.start() == 0) {
            cxt.warnx("Bad offset in primary extended partition.");
            return;
        }
        while (isExtended(p.sys())) {
            if (nPartsMax >= MAXIMUM_PARTS) {
                cxt.warnx("Omitting partitions after #" + nPartsMax
                        + ". They will be deleted if you save this partition table.");
                Pte pre = ptes[nPartsMax - 1];
                if (pre.ex != null) {
                    pre.ex.clear();
                }
                setChanged(nPartsMax - 1, true);
                return;
            }
            Pte pe = ptes[nPartsMax];
            if (!readPte(nPartsMax, extOffset + p.start())) {
                return;
            }
            if (extOffset == 0) {
                extOffset = p.start();
            }
            Entry q = new Entry(pe.sector, 0);
            p = q;
            for (int i = 0; i < 4; i++, p = p.next()) {
                if (p.size() == 0) {
                    continue;
                }
                if (isExtended(p.sys())) {
                    if (pe.ex != null) {
                        cxt.warnx("Extra link pointer in partition table " + (nPartsMax + 1) + ".");
                    } else {
                        pe.ex = p;
                    }
                } else if (p.sys() != 0) {
                    if (pe.pt != null) {
                        cxt.warnx("Ignoring extra data in partition table " + (nPartsMax + 1) + ".");
                    } else {
                        pe.pt = p;
                    }
                }
            }
            if (pe.pt == null) {
                pe.pt = q.same(pe.ex) ? q.next() : q;
            }
            if (pe.ex == null) {
                pe.ex = q.same(pe.pt) ? q.next() : q;
            }
            p = pe.ex;
            nPartsMax++;
        }
        Pte last = ptes[nPartsMax - 1];
        if (last.ex != null && last.pt != null && last.ex.cleared() && last.pt.cleared()) {
            resetPte(nPartsMax - 1);
            nPartsMax--;
        }
        boolean again = true;
        while (again) {
            again = false;
            Entry q = ptes[4].pt;
            for (int i = 4; i < nPartsMax; i++) {
                Entry pp = ptes[i].pt;
                if (pp != null && pp.size() == 0 && (nPartsMax > 5 || (q != null && q.sys() != 0))) {
                    cxt.info("omitting empty partition (" + (i + 1) + ")");
                    deletePartition(i);
                    again = true;
                    break;
                }
            }
        }
    }

    private void deletePartition(int partnum) {
        Pte pe = ptes[partnum];
        Entry p = pe.pt;
        Entry q = pe.ex;
        if (partnum < 4) {
            if (isExtended(p.sys()) && partnum == extIndex) {
                for (int i = 4; i < nPartsMax; i++) {
                    resetPte(i);
                }
                nPartsMax = 4;
                ptes[extIndex].ex = null;
                extOffset = 0;
                extIndex = 0;
            }
            setChanged(partnum, true);
            p.clear();
        } else if (q.sys() == 0 && partnum > 4) {
            resetPte(partnum);
            nPartsMax--;
            partnum--;
            if (ptes[partnum].ex != null) {
                ptes[partnum].ex.clear();
            }
            setChanged(partnum, true);
        } else {
            if (partnum > 4) {
                p = ptes[partnum - 1].ex;
                p.copyFrom(q);
                p.syncChs(pe.offset, cxt.sectors, cxt.heads);
                setChanged(partnum - 1, true);
            } else if (nPartsMax > 5) {
                Pte pe5 = ptes[5];
                if (pe5.pt != null) {
                    pe5.pt.setStart(absStart(pe5) - extOffset);
                }
                pe5.offset = extOffset;
                p.syncChs(pe5.offset, cxt.sectors, cxt.heads);
                setChanged(5, true);
            }
            if (nPartsMax > 5) {
                nPartsMax--;
                resetPte(partnum);
                while (partnum < nPartsMax) {
                    ptes[partnum] = ptes[partnum + 1];
                    partnum++;
                }
                ptes[partnum] = new Pte();
            } else {
                if (ptes[partnum].pt != null) {
                    ptes[partnum].pt.clear();
                }
                nPartsMax--;
                if (partnum == 4) {
                    resetPte(partnum);
                    setChanged(extIndex, true);
                }
            }
        }
    }

    /** get_partition_table_geometry(): heads and sectors from the CHS of the primaries, or null. */
    private int[] partitionTableGeometry() {
        long[][] t = new long[8][];
        byte[] buf = cxt.firstSector;
        for (int i = 0; i < 4; i++) {
            Entry p = new Entry(buf, i);
            if (p.sys() == 0) {
                continue;
            }
            long c = cyl(p.u8(2), p.u8(3));
            long h = p.u8(1);
            long s = p.u8(2) & 0x3f;
            long l = p.start();
            t[2 * i] = chsT(c, h, s, l);
            long sects = p.size();
            if (sects == 0 || l + (sects - 1) > 0xffffffffL) {
                continue;
            }
            c = cyl(p.u8(6), p.u8(7));
            h = p.u8(5);
            s = p.u8(6) & 0x3f;
            l = l + sects - 1;
            t[2 * i + 1] = chsT(c, h, s, l);
        }
        long hh = 0;
        long ss = 0;
        outer:
        for (int dif = 1; dif < 8; dif++) {
            for (int i = 0; i + dif < 8; i++) {
                int j = i + dif;
                if (t[i] == null || t[j] == null || t[i][3] == 0 || t[j][3] == 0) {
                    continue;
                }
                long n1 = u32(t[i][2] * t[j][1]);
                long n2 = u32(t[j][2] * t[i][1]);
                long n3 = u32(t[j][2] * t[i][0]);
                long n4 = u32(t[i][2] * t[j][0]);
                long n5 = u32(t[i][0] * t[j][1]);
                long n6 = u32(t[j][0] * t[i][1]);
                if (hh == 0 && n1 != n2 && n3 != n4) {
                    long h = chsDivMinus(n1, n2, n3, n4);
                    if (h > 0 && h <= 256) {
                        hh = h;
                    }
                }
                if (ss == 0 && n3 != n4 && n5 != n6) {
                    long s = chsDivMinus(n3, n4, n5, n6);
                    if (s > 0 && s <= 63) {
                        ss = s;
                    }
                }
                if (hh != 0 && ss != 0) {
                    break outer;
                }
            }
        }
        return hh != 0 && ss != 0 ? new int[] {(int) hh, (int) ss} : null;
    }

    private static long u32(long v) {
        return v & 0xffffffffL;
    }

    private static long cyl(int s, int c) {
        return c | ((long) (s & 0xc0) << 2);
    }

    /** {c, h, o, valid}. */
    private static long[] chsT(long c, long h, long s, long l) {
        boolean overflowed = c == 1023 && (h == 254 || h == 255) && s == 63;
        boolean valid = !overflowed && s != 0 && s - 1 <= l;
        return new long[] {c, h, u32(l - (s - 1)), valid ? 1 : 0};
    }

    private static long chsDivMinus(long a1, long a2, long b1, long b2) {
        if (a1 > a2 && b1 > b2) {
            a1 = a1 - a2;
            b1 = b1 - b2;
        } else if (a2 > a1 && b2 > b1) {
            a1 = a2 - a1;
            b1 = b2 - b1;
        } else {
            return 0;
        }
        if (a1 % b1 != 0) {
            return 0;
        }
        return a1 / b1;
    }

    @Override
    int create() {
        long id;
        boolean hasId = false;
        id = 0;
        if (cxt.script != null) {
            String s = cxt.script.header("label-id");
            if (s != null) {
                Long v = strtoul16(s);
                if (v != null) {
                    id = v & 0xffffffffL;
                    hasId = true;
                }
            }
        }
        if (!hasId) {
            id = cxt.random().nextInt() & 0xffffffffL;
        }
        cxt.initFirstSector(true);
        init();
        byte[] s = cxt.firstSector;
        for (int k = 0; k < 4; k++) {
            s[440 + k] = (byte) (id >>> (8 * k));
        }
        nonPtChanged = true;
        setMagic(s);
        cxt.info(String.format("Created a new DOS (MBR) disklabel with disk identifier 0x%08x.", id));
        return 0;
    }

    /** strtoul(s, &end, 16) accepting a prefix of hex digits (as libfdisk does for label-id). */
    private static Long strtoul16(String s) {
        String t = s.strip();
        int i = 0;
        if (t.startsWith("0x") || t.startsWith("0X")) {
            i = 2;
        }
        int j = i;
        while (j < t.length() && Character.digit(t.charAt(j), 16) >= 0) {
            j++;
        }
        if (j == i) {
            return t.startsWith("0") ? 0L : null;
        }
        String digits = t.substring(i, j);
        if (digits.length() > 16) {
            return null;
        }
        return Long.parseUnsignedLong(digits, 16);
    }

    @Override
    String diskId() {
        byte[] s = cxt.firstSector;
        long id = (s[440] & 0xffL) | (s[441] & 0xffL) << 8 | (s[442] & 0xffL) << 16 | (s[443] & 0xffL) << 24;
        return String.format("0x%08x", id);
    }

    @Override
    void resetAlignment() {
        // libfdisk changes the alignment only in the deprecated DOS-compatible mode
    }

    @Override
    Part partition(int n) {
        if (n < 0 || n >= nPartsMax) {
            return null;
        }
        Pte pe = ptes[n];
        Entry p = pe.pt;
        if (p == null || p.cleared()) {
            return null;
        }
        Part pa = new Part();
        pa.partno = n;
        pa.type = FdiskTypes.dosType(p.sys());
        pa.boot = p.boot() == ACTIVE_FLAG;
        pa.start = absStart(pe);
        pa.size = p.size();
        pa.container = extOffset != 0 && n == extIndex;
        if (p.boot() != 0) {
            pa.attrs = String.format("%02x", p.boot());
        }
        return pa;
    }

    @Override
    int delete(int n) {
        if (n < 0 || n >= MAXIMUM_PARTS || !isUsed(ptes[n].pt)) {
            return -Errno.EINVAL.number();
        }
        deletePartition(n);
        return 0;
    }

    /** dos_toggle_partition_flag(DOS_FLAG_ACTIVE). */
    int toggleBootable(int i) {
        if (i < 0 || i >= nPartsMax) {
            return -Errno.EINVAL.number();
        }
        Entry p = ptes[i].pt;
        if (isExtended(p.sys()) && p.boot() == 0) {
            cxt.warnx("Partition " + (i + 1) + ": is an extended partition.");
        }
        p.set8(0, p.boot() != 0 ? 0 : ACTIVE_FLAG);
        setChanged(i, true);
        cxt.info("The bootable flag on partition " + (i + 1) + " is " + (p.boot() != 0 ? "enabled" : "disabled")
                + " now.");
        return 0;
    }

    /** A hybrid MBR: a 0xEE entry beside other non-empty ones (fdisk_gpt_is_hybrid()). */
    static boolean isHybrid(byte[] mbr) {
        boolean ee = false;
        boolean other = false;
        for (int i = 0; i < 4; i++) {
            int t = mbr[MBR_PT_OFFSET + 16 * i + 4] & 0xff;
            ee |= t == 0xee;
            other |= t != 0xee && t != 0;
        }
        return ee && other;
    }

    // ---- adding partitions ------------------------------------------------------------------

    private void setPartition(int i, boolean doext, long start, long stop, int sysid, boolean boot) {
        Pte pe = ptes[i];
        Entry p;
        long offset;
        if (doext) {
            p = pe.ex;
            offset = extOffset;
        } else {
            p = pe.pt;
            offset = pe.offset;
        }
        p.set8(0, boot ? ACTIVE_FLAG : 0);
        p.set8(4, sysid);
        p.setStart(start - offset);
        p.setSize(stop - start + 1);
        p.syncChs(offset, cxt.sectors, cxt.heads);
        setChanged(i, true);
    }

    /** Start sector chosen for a template, or a negative errno. */
    private long getStartFromUser(long low, long dflt, long limit, Part pa) {
        if (pa != null && pa.startDefault) {
            return dflt;
        }
        if (pa != null && pa.hasStart()) {
            long start = pa.start;
            if (start < low || start > limit) {
                cxt.warnx("Start sector " + start + " out of range.");
                return -Errno.ERANGE.number();
            }
            return start;
        }
        return -Errno.EINVAL.number();
    }

    private long[] findLastFree(boolean logical, long begin, long stop) {
        long last = stop;
        for (int i = logical ? 4 : 0; i < nPartsMax; i++) {
            Pte pe = ptes[i];
            long pStart = absStart(pe);
            long pEnd = absEnd(pe);
            if (pe.pt.cleared()) {
                continue;
            }
            if (pe.offset != 0) {
                pStart -= cxt.firstLba;
            }
            if ((pStart >= begin && pStart <= last) || (pEnd >= begin && pEnd <= last)) {
                last = pStart - 1;
            }
            if (last < begin) {
                return null;
            }
        }
        if (last == begin) {
            last = stop;
        }
        return new long[] {last};
    }

    private long[] findLastFreeSectorInRange(boolean logical, long begin, long end) {
        long last = end;
        boolean moved;
        do {
            moved = false;
            for (int i = logical ? 4 : 0; i < nPartsMax; i++) {
                Pte pe = ptes[i];
                long pStart = absStart(pe);
                long pEnd = absEnd(pe);
                if (pe.pt.cleared()) {
                    continue;
                }
                if (pe.offset != 0) {
                    pStart -= cxt.firstLba;
                }
                if (last >= pStart && last <= pEnd) {
                    last = pStart - 1;
                    moved = true;
                    if (last < begin) {
                        return null;
                    }
                }
            }
        } while (moved);
        return new long[] {last};
    }

    private long[] findFirstFreeSectorInRange(boolean logical, long begin, long end) {
        long first = begin;
        boolean moved;
        do {
            moved = false;
            for (int i = logical ? 4 : 0; i < nPartsMax; i++) {
                Pte pe = ptes[i];
                long pStart = absStart(pe);
                long pEnd = absEnd(pe);
                if (pe.pt.cleared()) {
                    continue;
                }
                if (pe.offset != 0) {
                    pStart -= cxt.firstLba;
                }
                if (first < pStart) {
                    continue;
                }
                if (first <= pEnd) {
                    first = pEnd + 1 + (logical ? cxt.firstLba : 0);
                    moved = true;
                    if (first > end) {
                        return null;
                    }
                }
            }
        } while (moved);
        return new long[] {first};
    }

    /** {first, last} of the area for primaries or logicals, or null without an extended one. */
    private long[] diskRanges(boolean logical) {
        if (logical) {
            Pte ext = extOffset != 0 ? ptes[extIndex] : null;
            if (ext == null) {
                return null;
            }
            return new long[] {extOffset + cxt.firstLba, absEnd(ext)};
        }
        long last = cxt.totalSectors - 1;
        if (last > 0xffffffffL) {
            last = 0xffffffffL;
        }
        return new long[] {cxt.firstLba, last};
    }

    private long[] findFirstFreeSector(boolean logical, long start) {
        long[] r = diskRanges(logical);
        if (r == null) {
            return null;
        }
        return findFirstFreeSectorInRange(logical, start, r[1]);
    }

    private static final int ENOSPC = -Errno.ENOSPC.number();

    private int addPartition(int n, Part pa) {
        int sys = pa != null && pa.type != null ? pa.type.code() : 0x83;
        boolean isLogical = n >= 4;
        Entry p = ptes[n].pt;
        if (p != null && isUsed(p)) {
            cxt.warnx("Partition " + (n + 1) + " is already defined.  Delete it before re-adding it.");
            return -Errno.EINVAL.number();
        }
        long[] rng = diskRanges(isLogical);
        if (rng == null) {
            return -Errno.EINVAL.number();
        }
        long start = rng[0];
        long stop = rng[1];
        long[] lim = findLastFreeSectorInRange(isLogical, start, stop);
        if (lim == null) {
            cxt.warnx("No free sectors available.");
            return ENOSPC;
        }
        long limit = lim[0];
        if (cxt.script != null && pa != null && pa.hasStart()
                && pa.start >= (isLogical ? extOffset : 1) && pa.start < start) {
            cxt.firstLba = 1;
            rng = diskRanges(isLogical);
            start = rng[0];
            stop = rng[1];
        }
        boolean read = false;
        long temp;
        do {
            temp = start;
            long[] ff = findFirstFreeSector(isLogical, start);
            if (ff == null) {
                cxt.warnx("No free sectors available.");
                return ENOSPC;
            }
            long dflt = ff[0];
            start = dflt;
            if (n >= 4 && pa != null && pa.hasStart() && cxt.script != null && cxt.firstLba > 1
                    && temp == start - cxt.firstLba) {
                cxt.firstLba = 1;
                start = pa.start;
            }
            long aligned;
            do {
                aligned = cxt.alignLbaInRange(dflt, dflt, limit);
                long[] f2 = findFirstFreeSector(isLogical, aligned);
                if (f2 != null) {
                    dflt = f2[0];
                }
            } while (dflt != aligned && dflt > aligned && dflt < limit);
            if (dflt >= limit) {
                dflt = start;
            }
            if (start > limit) {
                break;
            }
            if (start >= temp + 1 && read) {
                if (pa == null || !pa.startDefault) {
                    cxt.info("Sector " + temp + " is already allocated.");
                }
                temp = start;
                read = false;
                if (pa != null && pa.hasStart()) {
                    break;
                }
            }
            if (!read && start == temp) {
                long s = getStartFromUser(temp, dflt, limit, pa);
                if (s < 0) {
                    return (int) s;
                }
                start = s;
                read = true;
            }
            if (pa != null && pa.hasSize()) {
                long[] lf = findLastFree(isLogical, start, limit);
                boolean nospc = false;
                if (lf != null && lf[0] - start + 1 < pa.size) {
                    if (pa.hasStart() && pa.start <= lf[0]) {
                        nospc = true;
                    } else {
                        start = lf[0] + 1;
                        continue;
                    }
                }
                if (lf == null || nospc) {
                    cxt.warnx("No free sectors available.");
                    return ENOSPC;
                }
            }
        } while (start != temp || !read);

        if (n == 4) {
            ptes[n].offset = extOffset;
        } else if (n > 4) {
            Pte pe = ptes[n];
            pe.offset = start - cxt.firstLba;
            if (pe.offset == extOffset) {
                pe.offset++;
                if (cxt.firstLba == 1) {
                    start++;
                }
            }
        }
        long[] lf = findLastFree(isLogical, start, limit);
        if (lf == null) {
            cxt.warnx("No free sectors available.");
            return ENOSPC;
        }
        stop = lf[0];
        limit = stop;
        boolean isrel = false;
        if (start == limit) {
            stop = limit;
        } else if (pa != null && pa.endDefault) {
            stop = limit;
        } else if (pa != null && pa.hasSize()) {
            stop = start + pa.size;
            isrel = !pa.sizeExplicit;
            if ((!isrel || !cxt.alignmentRequired()) && stop > start) {
                stop -= 1;
            }
        } else {
            return -Errno.EINVAL.number();
        }
        if (stop > limit) {
            stop = limit;
        }
        if (isrel && stop - start < (cxt.grain / cxt.sectorSize)) {
            isrel = false;
        }
        if (stop < limit && isrel && cxt.alignmentRequired()) {
            stop = cxt.alignLbaInRange(stop, start, limit);
            if (stop > start) {
                stop -= 1;
            }
            if (stop > limit) {
                stop = limit;
            }
        }
        setPartition(n, false, start, stop, sys, pa != null && pa.boot);
        if (n > 4) {
            setPartition(n - 1, true, ptes[n].offset, stop, 0x05, false);
        }
        FdiskTypes.Type t = FdiskTypes.dosByCode(sys);
        cxt.info("Created a new partition " + (n + 1) + " of type '" + (t != null ? t.name() : "Unknown")
                + "' and of size " + Sizes.human(Sizes.SUFFIX_3LETTER | Sizes.SUFFIX_SPACE,
                (stop - start + 1) * cxt.sectorSize) + ".");
        if (isExtended(sys)) {
            extIndex = n;
            extOffset = start;
            ptes[n].ex = p;
        }
        return 0;
    }

    private int addLogical(Part pa, int[] partno) {
        Pte pe = ptes[nPartsMax];
        if (pe.sector == null) {
            pe.sector = new byte[cxt.sectorSize];
            pe.priv = true;
        }
        pe.pt = new Entry(pe.sector, 0);
        pe.ex = pe.pt.next();
        pe.offset = 0;
        setChanged(nPartsMax, true);
        nPartsMax++;
        partno[0] = nPartsMax - 1;
        int rc = addPartition(partno[0], pa);
        if (rc != 0) {
            nPartsMax--;
            pe.pt = null;
            pe.ex = null;
            pe.offset = 0;
            pe.changed = false;
        }
        return rc;
    }

    private int unusedPrimary(Part pa, int[] partno) {
        int org = nPartsMax;
        nPartsMax = 4;
        int n = nextPartno(pa);
        nPartsMax = org;
        if (n == -Errno.ERANGE.number()) {
            cxt.warnx("Primary partition not available.");
            return n;
        }
        if (n < 0) {
            return n;
        }
        partno[0] = n;
        return 0;
    }

    @Override
    int add(Part pa) {
        if (nPartsMax >= MAXIMUM_PARTS) {
            cxt.warnx("The maximum number of partitions has been created.");
            return -Errno.EINVAL.number();
        }
        Pte ext = extOffset != 0 ? ptes[extIndex] : null;
        int[] res = {0};
        int rc;
        if (pa != null && pa.hasStart() && ext != null && pa.start >= extOffset && pa.start <= absEnd(ext)) {
            if (pa.partno >= 0 && pa.partno < 4) {
                return -Errno.EINVAL.number();
            }
            rc = addLogical(pa, res);
        } else if (pa != null && pa.hasStart() && ext != null) {
            if (pa.partno >= 4) {
                return -Errno.EINVAL.number();
            }
            if (pa.type != null && isExtended(pa.type.code())) {
                cxt.warnx("Extended partition already exists.");
                return -Errno.EINVAL.number();
            }
            rc = unusedPrimary(pa, res);
            if (rc == 0) {
                rc = addPartition(res[0], pa);
            }
        } else if (pa != null && (pa.startDefault || pa.hasStart()) && pa.partno >= 0 && pa.partno < 4) {
            if (ext != null && pa.type != null && isExtended(pa.type.code())) {
                cxt.warnx("Extended partition already exists.");
                return -Errno.EINVAL.number();
            }
            rc = unusedPrimary(pa, res);
            if (rc == 0) {
                rc = addPartition(res[0], pa);
            }
        } else if (pa != null && (pa.startDefault || pa.hasStart()) && pa.partno >= 4) {
            if (ext == null) {
                cxt.warnx("Extended partition does not exists. Failed to add logical partition.");
                return -Errno.EINVAL.number();
            }
            if (pa.hasStart() && pa.start < extOffset && pa.start > absEnd(ext)) {
                return -Errno.EINVAL.number();
            }
            rc = addLogical(pa, res);
        } else {
            long grain = cxt.grain > cxt.sectorSize ? cxt.grain / cxt.sectorSize : 1;
            long first = cxt.firstLba;
            boolean freeSectors = false;
            int freePrimary = 0;
            for (int i = 0; i < 4; i++) {
                Entry p = ptes[i].pt;
                if (p != null && isUsed(p)) {
                    long start = p.start();
                    if (first + grain <= start) {
                        freeSectors = true;
                    }
                    first = start + p.size();
                } else {
                    freePrimary++;
                }
            }
            if (first + grain - 1 <= cxt.totalSectors - 1) {
                freeSectors = true;
            }
            if (freePrimary == 0 || !freeSectors) {
                if (extOffset != 0) {
                    if (pa == null || pa.hasStart()) {
                        String msg = freePrimary == 0 ? "All primary partitions are in use."
                                : "All space for primary partitions is in use.";
                        if (pa != null && pa.hasStart()) {
                            cxt.warnx(msg);
                            return -Errno.EINVAL.number();
                        }
                        cxt.info(msg);
                    }
                    rc = addLogical(pa, res);
                } else {
                    if (freePrimary != 0) {
                        cxt.info("All space for primary partitions is in use.");
                    } else {
                        cxt.info("To create more partitions, first replace a primary with an extended partition.");
                    }
                    return -Errno.EINVAL.number();
                }
            } else {
                rc = unusedPrimary(pa, res);
                if (rc == 0) {
                    rc = addPartition(res[0], pa);
                }
            }
        }
        return rc == 0 ? res[0] : rc;
    }

    // ---- writing ----------------------------------------------------------------------------

    private int writeSector(long secno, byte[] buf) {
        byte[] b = buf;
        if (b.length != cxt.sectorSize) {
            b = new byte[cxt.sectorSize];
            System.arraycopy(buf, 0, b, 0, Math.min(buf.length, b.length));
        }
        Errno e = cxt.writeBytes(secno * cxt.sectorSize, b, cxt.sectorSize);
        return e == null ? 0 : -e.number();
    }

    @Override
    int write() {
        boolean mbrChanged = nonPtChanged;
        int rc;
        if (!mbrChanged) {
            for (int i = 0; i < 4; i++) {
                mbrChanged |= ptes[i].changed;
            }
        }
        if (mbrChanged) {
            setMagic(cxt.firstSector);
            rc = writeSector(0, cxt.firstSector);
            if (rc != 0) {
                return rc;
            }
        }
        if (nPartsMax <= 4 && extOffset != 0) {
            Pte pe = ptes[extIndex];
            long off = pe.pt != null ? absStart(pe) : 0;
            if (off != 0 && pe.changed) {
                byte[] empty = new byte[cxt.sectorSize];
                setMagic(empty);
                writeSector(off, empty);
            }
        }
        for (int i = 4; i < nPartsMax; i++) {
            Pte pe = ptes[i];
            if (!pe.changed || pe.offset == 0 || pe.sector == null) {
                continue;
            }
            setMagic(pe.sector);
            rc = writeSector(pe.offset, pe.sector);
            if (rc != 0) {
                return rc;
            }
        }
        return 0;
    }
}
