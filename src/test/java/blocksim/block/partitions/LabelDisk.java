package blocksim.block.partitions;

import blocksim.userland.label.SectorReader;
import blocksim.userland.label.SectorWriter;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * A sparse in-memory disk for the label tests: the kernel parsers see it as a
 * {@link SectorSource}, the userland label code through {@link SectorWriter}/{@link SectorReader}
 * in logical sectors, and tests poke bytes at byte offsets. Unwritten sectors read as zeros;
 * chosen 512-byte sectors can be made to fail.
 */
final class LabelDisk implements SectorSource {

    private final String name;
    private final int logicalBlockSize;
    private final long logicalSectors;
    private final Map<Long, byte[]> sectors = new HashMap<>();
    private final Set<Long> failing = new HashSet<>();

    /** A zeroed disk of {@code logicalSectors} sectors of {@code logicalBlockSize} bytes. */
    LabelDisk(String name, int logicalBlockSize, long logicalSectors) {
        this.name = name;
        this.logicalBlockSize = logicalBlockSize;
        this.logicalSectors = logicalSectors;
    }

    @Override
    public String diskName() {
        return name;
    }

    @Override
    public long capacity() {
        return logicalSectors * (logicalBlockSize / 512);
    }

    @Override
    public int logicalBlockSize() {
        return logicalBlockSize;
    }

    @Override
    public byte[] readSector(long n) {
        if (n < 0 || n >= capacity()) {
            throw new AssertionError("read of sector " + n + " past the end: the caller must check");
        }
        if (failing.contains(n)) {
            return null;
        }
        byte[] s = sectors.get(n);
        return s == null ? new byte[512] : s.clone();
    }

    /** Makes reads of 512-byte sector {@code n} fail. */
    LabelDisk fail(long n) {
        failing.add(n);
        return this;
    }

    long logicalSectors() {
        return logicalSectors;
    }

    long lastLba() {
        return logicalSectors - 1;
    }

    byte get(long off) {
        byte[] s = sectors.get(off >>> 9);
        return s == null ? 0 : s[(int) (off & 511)];
    }

    void set(long off, int v) {
        if (off < 0 || off >= capacity() * 512) {
            return; // past the end: dropped
        }
        sectors.computeIfAbsent(off >>> 9, k -> new byte[512])[(int) (off & 511)] = (byte) v;
    }

    void write(long off, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            set(off + i, data[i]);
        }
    }

    byte[] read(long off, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = get(off + i);
        }
        return out;
    }

    /** Writes at logical sectors; bytes past the end are dropped. */
    SectorWriter writer() {
        return (lba, data) -> write(lba * logicalBlockSize, data);
    }

    /** Reads logical sectors; null past the end. */
    SectorReader reader() {
        return lba -> lba < 0 || lba >= logicalSectors ? null : read(lba * logicalBlockSize, logicalBlockSize);
    }

    /** A fresh scan state, as check_partition makes it. */
    ParsedPartitions state(int limit) {
        return new ParsedPartitions(this, limit);
    }

    // --- little-endian fields at byte offsets ---

    long le32(long off) {
        long v = 0;
        for (int i = 3; i >= 0; i--) {
            v = v << 8 | (get(off + i) & 0xff);
        }
        return v;
    }

    long le64(long off) {
        return le32(off) | le32(off + 4) << 32;
    }

    void put32(long off, long v) {
        for (int i = 0; i < 4; i++) {
            set(off + i, (int) (v >>> (8 * i)));
        }
    }

    void put64(long off, long v) {
        for (int i = 0; i < 8; i++) {
            set(off + i, (int) (v >>> (8 * i)));
        }
    }

    /** Writes MBR/EBR entry {@code index} (0-3) of the table in logical sector {@code lba}. */
    void entry(long lba, int index, int boot, int type, long start, long size) {
        long e = lba * logicalBlockSize + 0x1be + 16L * index;
        set(e, boot);
        set(e + 4, type);
        put32(e + 8, start);
        put32(e + 12, size);
    }

    /** Puts 0x55AA at the end of the first 512 bytes of logical sector {@code lba}. */
    void sign(long lba) {
        set(lba * logicalBlockSize + 510, 0x55);
        set(lba * logicalBlockSize + 511, 0xaa);
    }

    /** Byte offset of GPT header field {@code field} in the header at logical sector {@code lba}. */
    long header(long lba, int field) {
        return lba * logicalBlockSize + field;
    }

    /**
     * Recomputes the entry-array CRC and then the header CRC of the GPT header in logical sector
     * {@code headerLba}, from what the header now says (entry LBA, count, header size), so a test
     * can edit fields and still have a checksum-valid header. The array CRC covers whatever the
     * disk holds there, zeros past the end.
     */
    void fixGpt(long headerLba) {
        long h = headerLba * logicalBlockSize;
        long entryOff = le64(h + 72) * logicalBlockSize;
        long len = le32(h + 80) * le32(h + 84);
        if (len <= (1 << 22)) {
            CRC32 c = new CRC32();
            for (long i = 0; i < len; i++) {
                c.update(get(entryOff + i));
            }
            put32(h + 88, c.getValue());
        }
        fixHeaderCrc(headerLba);
    }

    /** Recomputes only the header CRC (over min(header_size, sector size) bytes). */
    void fixHeaderCrc(long headerLba) {
        long h = headerLba * logicalBlockSize;
        int size = (int) Math.min(le32(h + 12), logicalBlockSize);
        put32(h + 16, 0);
        CRC32 c = new CRC32();
        c.update(read(h, size));
        put32(h + 16, c.getValue());
    }
}
