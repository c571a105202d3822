package blocksim.userland.label;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An MBR ("dos") partition table as userspace writes and reads it: what sfdisk puts on a disk and
 * what partx/libblkid find there. This is not the kernel's parser; that is
 * {@code blocksim.block.partitions.Msdos}.
 *
 * <p>All positions and sizes are in logical sectors of {@link #sectorSize()} bytes, as stored in
 * the table. Build a label with {@link #primary}, {@link #extended} and {@link #logical}, then
 * {@link #writeTo} a disk. The layout of logicals is the standard one: logical {@code k} has an
 * extended boot record (EBR) at the start of its link; entry 1 of that EBR gives the data
 * partition relative to the EBR, entry 2 the next link relative to the start of the extended
 * partition. The first EBR sits at the extended partition's first sector.
 *
 * <p>Instances are mutable builders and not thread-safe.
 */
public final class DosLabel {

    /** A primary slot's contents. */
    private record Primary(long start, long size, int type, boolean bootable) {
    }

    /** A logical partition and the sector of its EBR. */
    private record Logical(long ebr, long start, long size, int type) {
    }

    private static final int TABLE = 0x1be;
    private static final int ENTRY = 16;
    private static final long U32 = 0xffffffffL;
    /** How many links in a row without a data partition the reader follows, like libblkid. */
    private static final int MAX_EMPTY_LINKS = 100;
    /** The reader's bound on partition numbers, so a cyclic chain cannot make it run forever. */
    public static final int MAX_PARTITION_NUMBER = 256;

    private final int sectorSize;
    private final long diskSignature;
    private final Primary[] slots = new Primary[4];
    private int extendedSlot = -1;
    private final List<Logical> logicals = new ArrayList<>();

    /**
     * An empty table.
     *
     * @param sectorSize    the disk's logical sector size: 512 or 4096 (any multiple of 512)
     * @param diskSignature the 32-bit disk identifier stored at offset 0x1b8
     */
    public DosLabel(int sectorSize, int diskSignature) {
        if (sectorSize < 512 || sectorSize % 512 != 0) {
            throw new IllegalArgumentException("sector size " + sectorSize);
        }
        this.sectorSize = sectorSize;
        this.diskSignature = Integer.toUnsignedLong(diskSignature);
    }

    public int sectorSize() {
        return sectorSize;
    }

    /** True for the three extended types the kernel follows: 0x05, 0x0f and 0x85. */
    public static boolean isExtendedType(int type) {
        return type == 0x05 || type == 0x0f || type == 0x85;
    }

    /**
     * Fills slot {@code slot} (1-4). An extended {@code type} makes this the extended partition
     * that {@link #logical} partitions go into; there may be only one.
     *
     * @throws IllegalArgumentException for a bad slot, a used slot, a type outside 1-255, a zero
     *                                  size, or a start or size that does not fit 32 bits
     */
    public DosLabel primary(int slot, long start, long size, int type, boolean bootable) {
        if (slot < 1 || slot > 4 || slots[slot - 1] != null) {
            throw new IllegalArgumentException("slot " + slot);
        }
        if (type < 1 || type > 255) {
            throw new IllegalArgumentException("type " + type);
        }
        checkU32(start, "start");
        checkU32(size, "size");
        if (size == 0) {
            throw new IllegalArgumentException("empty partition");
        }
        if (isExtendedType(type)) {
            if (extendedSlot >= 0) {
                throw new IllegalArgumentException("second extended partition");
            }
            extendedSlot = slot - 1;
        }
        slots[slot - 1] = new Primary(start, size, type, bootable);
        return this;
    }

    /** {@link #primary} with type 0x05 (DOS extended), not bootable. */
    public DosLabel extended(int slot, long start, long size) {
        return primary(slot, start, size, 0x05, false);
    }

    /**
     * Appends a logical partition, numbered 5 + the number of logicals before it.
     *
     * @param ebr   the sector of its EBR: the extended partition's first sector for the first
     *              logical, after the previous logical's end for the others
     * @param start its first sector, after {@code ebr}
     * @throws IllegalArgumentException without an extended partition, or when the EBR or the
     *                                  partition is not inside it, or out of order
     */
    public DosLabel logical(long ebr, long start, long size, int type) {
        if (extendedSlot < 0) {
            throw new IllegalArgumentException("no extended partition");
        }
        if (type < 1 || type > 255 || isExtendedType(type)) {
            throw new IllegalArgumentException("type " + type);
        }
        Primary ext = slots[extendedSlot];
        long extEnd = ext.start + ext.size - 1;
        if (logicals.isEmpty() ? ebr != ext.start : ebr <= logicals.getLast().start + logicals.getLast().size - 1) {
            throw new IllegalArgumentException("EBR at " + ebr + " out of order");
        }
        if (size <= 0 || start <= ebr || start + size - 1 > extEnd) {
            throw new IllegalArgumentException("logical " + start + "+" + size + " outside the extended partition");
        }
        logicals.add(new Logical(ebr, start, size, type));
        return this;
    }

    /**
     * What this label holds, numbered as {@link #read} would number it: primaries (including the
     * extended one, with its whole size) by slot, then logicals from 5.
     */
    public List<LabelPartition> partitions() {
        List<LabelPartition> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Primary p = slots[i];
            if (p != null) {
                out.add(LabelPartition.dos(i + 1, p.start, p.size, p.type));
            }
        }
        for (int k = 0; k < logicals.size(); k++) {
            Logical l = logicals.get(k);
            out.add(LabelPartition.dos(5 + k, l.start, l.size, l.type));
        }
        return out;
    }

    /** The MBR: one logical sector with the table, the disk signature and 0x55AA in its first 512 bytes. */
    public byte[] sector0() {
        byte[] s = new byte[sectorSize];
        Bytes.put32(s, 0x1b8, diskSignature);
        for (int i = 0; i < 4; i++) {
            Primary p = slots[i];
            if (p != null) {
                putEntry(s, i, p.bootable, p.type, p.start, p.size, p.start, p.start + p.size - 1);
            }
        }
        s[510] = 0x55;
        s[511] = (byte) 0xaa;
        return s;
    }

    /**
     * Writes the MBR and every EBR. With an extended partition but no logicals, its first sector
     * gets an EBR with the signature and no entries.
     */
    public void writeTo(SectorWriter out) {
        out.write(0, sector0());
        if (extendedSlot < 0) {
            return;
        }
        Primary ext = slots[extendedSlot];
        if (logicals.isEmpty()) {
            out.write(ext.start, emptyEbr());
            return;
        }
        for (int k = 0; k < logicals.size(); k++) {
            Logical l = logicals.get(k);
            byte[] s = emptyEbr();
            putEntry(s, 0, false, l.type, l.start - l.ebr, l.size, l.start, l.start + l.size - 1);
            if (k + 1 < logicals.size()) {
                Logical n = logicals.get(k + 1);
                long linkSize = n.start + n.size - n.ebr;
                putEntry(s, 1, false, 0x05, n.ebr - ext.start, linkSize, n.ebr, n.ebr + linkSize - 1);
            }
            out.write(l.ebr, s);
        }
    }

    private byte[] emptyEbr() {
        byte[] s = new byte[sectorSize];
        s[510] = 0x55;
        s[511] = (byte) 0xaa;
        return s;
    }

    private static void putEntry(byte[] s, int index, boolean bootable, int type, long start, long size,
                                 long absFirst, long absLast) {
        int e = TABLE + index * ENTRY;
        s[e] = (byte) (bootable ? 0x80 : 0);
        putChs(s, e + 1, absFirst);
        s[e + 4] = (byte) type;
        putChs(s, e + 5, absLast);
        Bytes.put32(s, e + 8, start);
        Bytes.put32(s, e + 12, size);
    }

    /** CHS in the usual 255-head, 63-sector geometry, clamped to 1023/254/63 as fdisk does. */
    private static void putChs(byte[] s, int off, long lba) {
        long c = lba / (255 * 63);
        int h = (int) ((lba / 63) % 255);
        int sec = (int) (lba % 63) + 1;
        if (c > 1023) {
            c = 1023;
            h = 254;
            sec = 63;
        }
        s[off] = (byte) h;
        s[off + 1] = (byte) (sec | ((c >> 2) & 0xc0));
        s[off + 2] = (byte) c;
    }

    private static void checkU32(long v, String what) {
        if (v < 0 || v > U32) {
            throw new IllegalArgumentException(what + " " + v + " does not fit 32 bits");
        }
    }

    /**
     * Reads an MBR after the manner of libblkid's dos prober (used by partx); its check for a FAT
     * boot sector posing as an MBR is left out. Returns no partitions when
     * sector 0 is unreadable, lacks 0x55AA, has a boot flag other than 0 or 0x80, or has a 0xEE
     * entry (a GPT's protective MBR). Otherwise: each non-empty slot as partition 1-4 (an
     * extended one with its whole size), then the logicals of each extended slot in slot order,
     * numbered from 5 in chain order. The chain walk has the kernel's rules: entries 3 and 4 of
     * an EBR count only if they lie inside their link and the extended area, only the first link
     * entry is followed, and the walk stops after 100 links in a row without a data partition.
     * Logicals numbered above {@link #MAX_PARTITION_NUMBER} are not reported and end the walk.
     *
     * @param disk       reads logical sectors of {@code sectorSize} bytes
     * @param sectorSize the logical sector size
     */
    public static List<LabelPartition> read(SectorReader disk, int sectorSize) {
        List<LabelPartition> out = new ArrayList<>();
        byte[] s = disk.read(0);
        if (s == null || s.length < 512 || Bytes.u8(s, 510) != 0x55 || Bytes.u8(s, 511) != 0xaa) {
            return out;
        }
        for (int i = 0; i < 4; i++) {
            int e = TABLE + i * ENTRY;
            int boot = Bytes.u8(s, e);
            if ((boot != 0 && boot != 0x80) || Bytes.u8(s, e + 4) == 0xee) {
                return out;
            }
        }
        List<long[]> extendeds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int e = TABLE + i * ENTRY;
            long start = Bytes.le32(s, e + 8);
            long size = Bytes.le32(s, e + 12);
            int type = Bytes.u8(s, e + 4);
            if (size == 0) {
                continue;
            }
            out.add(LabelPartition.dos(i + 1, start, size, type));
            if (isExtendedType(type)) {
                extendeds.add(new long[] {start, size});
            }
        }
        int next = 5;
        for (long[] ext : extendeds) {
            next = readChain(disk, ext[0], ext[1], next, out);
        }
        return out;
    }

    private static int readChain(SectorReader disk, long exStart, long exSize, int next, List<LabelPartition> out) {
        long curStart = exStart;
        long curSize = exSize;
        int emptyLinks = 0;
        while (++emptyLinks <= MAX_EMPTY_LINKS) {
            byte[] s = disk.read(curStart);
            if (s == null || s.length < 512 || Bytes.u8(s, 510) != 0x55 || Bytes.u8(s, 511) != 0xaa) {
                break;
            }
            for (int i = 0; i < 4; i++) {
                int e = TABLE + i * ENTRY;
                long size = Bytes.le32(s, e + 12);
                int type = Bytes.u8(s, e + 4);
                if (size == 0 || isExtendedType(type)) {
                    continue;
                }
                long start = curStart + Bytes.le32(s, e + 8);
                if (i >= 2 && (start + size > curStart + curSize || start < exStart
                        || start + size > exStart + exSize)) {
                    continue;
                }
                if (next > MAX_PARTITION_NUMBER) {
                    return next;
                }
                out.add(LabelPartition.dos(next++, start, size, type));
                emptyLinks = 0;
            }
            int link = -1;
            for (int i = 0; i < 4 && link < 0; i++) {
                int e = TABLE + i * ENTRY;
                if (Bytes.le32(s, e + 12) != 0 && isExtendedType(Bytes.u8(s, e + 4))) {
                    link = e;
                }
            }
            if (link < 0) {
                break;
            }
            curStart = exStart + Bytes.le32(s, link + 8);
            curSize = Bytes.le32(s, link + 12);
        }
        return next;
    }

    @Override
    public String toString() {
        return "DosLabel" + Arrays.toString(partitions().toArray());
    }
}
