package blocksim.userland.label;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * A GUID partition table as userspace writes and reads it (sgdisk/sfdisk, and libblkid for
 * partx). This is not the kernel's parser; that is {@code blocksim.block.partitions.Efi}.
 *
 * <p>{@link #writeTo} lays out: a protective MBR at LBA 0 (one 0xEE record from LBA 1 covering the
 * disk, capped at 2^32-1), the primary header at LBA 1, the entry array from LBA 2, the backup
 * entry array just before the last LBA and the backup header at the last LBA, all CRCs correct.
 * All positions are logical sectors of {@link #sectorSize()} bytes.
 *
 * <p>GUIDs (the disk's and each partition's unique one) are version-4 GUIDs drawn from the
 * {@link Random} given to the constructor, so a seeded random gives the same bytes every time.
 * Instances are mutable builders and not thread-safe.
 */
public final class GptLabel {

    /** Linux filesystem data, the default type. */
    public static final String LINUX_FILESYSTEM = "0fc63daf-8483-4772-8e79-3d69d8477de4";
    /** Linux RAID: the kernel flags partitions of this type for md autodetection. */
    public static final String LINUX_RAID = "a19d880f-05fc-4d3b-a006-743f0f84911e";
    /** Linux swap. */
    public static final String LINUX_SWAP = "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f";
    /** EFI system partition. */
    public static final String EFI_SYSTEM = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";
    /** The usual number of entries. */
    public static final int DEFAULT_ENTRIES = 128;
    /** Bytes per entry. */
    public static final int ENTRY_SIZE = 128;
    /** Bytes of the header that the header CRC covers. */
    public static final int HEADER_SIZE = 92;

    private static final long SIGNATURE = 0x5452415020494645L; // "EFI PART"
    private static final int REVISION_1_0 = 0x00010000;

    private record Entry(long start, long size, String typeGuid, byte[] uniqueGuid, String name) {
    }

    private final int sectorSize;
    private final long diskSectors;
    private final int numEntries;
    private final Random random;
    private final byte[] diskGuid;
    private final TreeMap<Integer, Entry> entries = new TreeMap<>();

    /** A table with {@link #DEFAULT_ENTRIES} entries. */
    public GptLabel(int sectorSize, long diskSectors, Random random) {
        this(sectorSize, diskSectors, DEFAULT_ENTRIES, random);
    }

    /**
     * An empty table.
     *
     * @param sectorSize  logical sector size: 512 or 4096 (any multiple of 512)
     * @param diskSectors the disk's size in logical sectors
     * @param numEntries  entries in the array (at least 1)
     * @param random      the source of every GUID; never pass an unseeded one where determinism matters
     * @throws IllegalArgumentException when the disk is too small to hold the table twice plus a sector
     */
    public GptLabel(int sectorSize, long diskSectors, int numEntries, Random random) {
        if (sectorSize < 512 || sectorSize % 512 != 0) {
            throw new IllegalArgumentException("sector size " + sectorSize);
        }
        if (numEntries < 1) {
            throw new IllegalArgumentException("entries " + numEntries);
        }
        this.sectorSize = sectorSize;
        this.diskSectors = diskSectors;
        this.numEntries = numEntries;
        this.random = random;
        this.diskGuid = randomGuid(random);
        if (lastUsableLba() < firstUsableLba()) {
            throw new IllegalArgumentException("disk of " + diskSectors + " sectors is too small");
        }
    }

    public int sectorSize() {
        return sectorSize;
    }

    /** The last LBA: where the backup header goes. */
    public long lastLba() {
        return diskSectors - 1;
    }

    /** Sectors one copy of the entry array takes. */
    public long entrySectors() {
        return ((long) numEntries * ENTRY_SIZE + sectorSize - 1) / sectorSize;
    }

    /** The first sector a partition may use: just after the primary entry array. */
    public long firstUsableLba() {
        return 2 + entrySectors();
    }

    /** The last sector a partition may use: just before the backup entry array. */
    public long lastUsableLba() {
        return lastLba() - 1 - entrySectors();
    }

    /** The disk GUID, lower case. */
    public String diskGuid() {
        return Bytes.guidString(diskGuid, 0);
    }

    /** Adds a Linux filesystem partition with no name as the lowest free entry. */
    public GptLabel add(long start, long size) {
        int number = 1;
        while (entries.containsKey(number)) {
            number++;
        }
        return add(number, start, size, LINUX_FILESYSTEM, "");
    }

    /**
     * Puts a partition in entry {@code number - 1}.
     *
     * @param typeGuid the type GUID, any case
     * @param name     at most 36 UTF-16 code units
     * @throws IllegalArgumentException for a used or out-of-range number, a range outside the
     *                                  usable area or overlapping another partition, a nil type or
     *                                  a name too long
     */
    public GptLabel add(int number, long start, long size, String typeGuid, String name) {
        if (number < 1 || number > numEntries || entries.containsKey(number)) {
            throw new IllegalArgumentException("number " + number);
        }
        if (size <= 0 || start < firstUsableLba() || start + size - 1 > lastUsableLba()) {
            throw new IllegalArgumentException(start + "+" + size + " outside the usable area");
        }
        for (Entry e : entries.values()) {
            if (start <= e.start + e.size - 1 && e.start <= start + size - 1) {
                throw new IllegalArgumentException(start + "+" + size + " overlaps " + e.start + "+" + e.size);
            }
        }
        if (Bytes.allZero(Bytes.guidBytes(typeGuid), 0, 16)) {
            throw new IllegalArgumentException("nil type GUID");
        }
        if (name.length() > 36) {
            throw new IllegalArgumentException("name longer than 36: " + name);
        }
        entries.put(number, new Entry(start, size, typeGuid, randomGuid(random), name));
        return this;
    }

    /** The partitions, by number, as {@link #read} would give them. */
    public List<LabelPartition> partitions() {
        List<LabelPartition> out = new ArrayList<>();
        entries.forEach((n, e) -> out.add(LabelPartition.gpt(n, e.start, e.size,
                Bytes.guidString(Bytes.guidBytes(e.typeGuid), 0))));
        return out;
    }

    /** The unique GUID of partition {@code number}, lower case. */
    public String uniqueGuid(int number) {
        Entry e = entries.get(number);
        if (e == null) {
            throw new IllegalArgumentException("no partition " + number);
        }
        return Bytes.guidString(e.uniqueGuid, 0);
    }

    /** LBA 0: a protective MBR, one logical sector. */
    public byte[] protectiveMbr() {
        byte[] s = new byte[sectorSize];
        int e = 0x1be;
        s[e + 1] = 0x00; // CHS of LBA 1: head 0, sector 2, cylinder 0
        s[e + 2] = 0x02;
        s[e + 3] = 0x00;
        s[e + 4] = (byte) 0xee;
        s[e + 5] = (byte) 0xff;
        s[e + 6] = (byte) 0xff;
        s[e + 7] = (byte) 0xff;
        Bytes.put32(s, e + 8, 1);
        Bytes.put32(s, e + 12, Math.min(diskSectors - 1, 0xffffffffL));
        s[510] = 0x55;
        s[511] = (byte) 0xaa;
        return s;
    }

    /** The entry array, padded with zeros to whole sectors. */
    public byte[] entryArray() {
        byte[] a = new byte[(int) (entrySectors() * sectorSize)];
        entries.forEach((n, e) -> {
            int off = (n - 1) * ENTRY_SIZE;
            System.arraycopy(Bytes.guidBytes(e.typeGuid), 0, a, off, 16);
            System.arraycopy(e.uniqueGuid, 0, a, off + 16, 16);
            Bytes.put64(a, off + 32, e.start);
            Bytes.put64(a, off + 40, e.start + e.size - 1);
            byte[] name = e.name.getBytes(StandardCharsets.UTF_16LE);
            System.arraycopy(name, 0, a, off + 56, name.length);
        });
        return a;
    }

    /** LBA 1: the primary header, one logical sector. */
    public byte[] primaryHeader() {
        return header(1, lastLba(), 2);
    }

    /** The last LBA: the backup header, one logical sector. */
    public byte[] backupHeader() {
        return header(lastLba(), 1, lastUsableLba() + 1);
    }

    private byte[] header(long myLba, long alternateLba, long entryLba) {
        byte[] h = new byte[sectorSize];
        Bytes.put64(h, 0, SIGNATURE);
        Bytes.put32(h, 8, REVISION_1_0);
        Bytes.put32(h, 12, HEADER_SIZE);
        Bytes.put64(h, 24, myLba);
        Bytes.put64(h, 32, alternateLba);
        Bytes.put64(h, 40, firstUsableLba());
        Bytes.put64(h, 48, lastUsableLba());
        System.arraycopy(diskGuid, 0, h, 56, 16);
        Bytes.put64(h, 72, entryLba);
        Bytes.put32(h, 80, numEntries);
        Bytes.put32(h, 84, ENTRY_SIZE);
        Bytes.put32(h, 88, crc32(entryArray(), (long) numEntries * ENTRY_SIZE));
        Bytes.put32(h, 16, crc32(h, HEADER_SIZE));
        return h;
    }

    /** Writes the protective MBR, both headers and both entry arrays. */
    public void writeTo(SectorWriter out) {
        byte[] array = entryArray();
        out.write(0, protectiveMbr());
        out.write(1, primaryHeader());
        out.write(2, array);
        out.write(lastUsableLba() + 1, array);
        out.write(lastLba(), backupHeader());
    }

    /**
     * Reads a GPT the way libblkid's gpt prober (used by partx) does: sector 0 must hold a
     * 0x55AA-signed MBR with a 0xEE record (hybrid MBRs too); then the primary header at LBA 1 is
     * checked (signature, header size 92..sector size, header CRC, my_lba, usable range inside the
     * disk and not reversed, 128-byte entries, entry-array CRC) and, unlike the kernel, the backup
     * header at the last LBA is used when the primary is bad. Entries with a nil type are
     * skipped, as are entries reversed or outside the usable range; the others are numbered by
     * their index + 1. Returns an empty list when there is no usable GPT.
     *
     * @param disk        reads logical sectors of {@code sectorSize} bytes
     * @param diskSectors the disk's size in logical sectors
     */
    public static List<LabelPartition> read(SectorReader disk, int sectorSize, long diskSectors) {
        List<LabelPartition> out = new ArrayList<>();
        byte[] mbr = disk.read(0);
        if (mbr == null || mbr.length < 512 || Bytes.u8(mbr, 510) != 0x55 || Bytes.u8(mbr, 511) != 0xaa) {
            return out;
        }
        boolean protective = false;
        for (int i = 0; i < 4; i++) {
            protective |= Bytes.u8(mbr, 0x1be + 16 * i + 4) == 0xee;
        }
        if (!protective || diskSectors < 3) {
            return out;
        }
        long lastLba = diskSectors - 1;
        byte[][] found = readHeader(disk, sectorSize, 1, lastLba);
        if (found == null) {
            found = readHeader(disk, sectorSize, lastLba, lastLba);
        }
        if (found == null) {
            return out;
        }
        byte[] h = found[0];
        byte[] array = found[1];
        long firstUsable = Bytes.le64(h, 40);
        long lastUsable = Bytes.le64(h, 48);
        long n = Bytes.le32(h, 80);
        for (int i = 0; i < n; i++) {
            int off = i * ENTRY_SIZE;
            if (Bytes.allZero(array, off, 16)) {
                continue;
            }
            long start = Bytes.le64(array, off + 32);
            long end = Bytes.le64(array, off + 40);
            if (Long.compareUnsigned(start, end) > 0 || Long.compareUnsigned(start, firstUsable) < 0
                    || Long.compareUnsigned(end, lastUsable) > 0) {
                continue;
            }
            out.add(LabelPartition.gpt(i + 1, start, end - start + 1, Bytes.guidString(array, off)));
        }
        return out;
    }

    /** The header at {@code lba} and its entry array if both check out, else null. */
    private static byte[][] readHeader(SectorReader disk, int sectorSize, long lba, long lastLba) {
        byte[] h = disk.read(lba);
        if (h == null || h.length < HEADER_SIZE || Bytes.le64(h, 0) != SIGNATURE) {
            return null;
        }
        long headerSize = Bytes.le32(h, 12);
        if (headerSize < HEADER_SIZE || headerSize > sectorSize) {
            return null;
        }
        byte[] z = h.clone();
        Bytes.put32(z, 16, 0);
        if (crc32(z, headerSize) != Bytes.le32(h, 16) || Bytes.le64(h, 24) != lba) {
            return null;
        }
        long firstUsable = Bytes.le64(h, 40);
        long lastUsable = Bytes.le64(h, 48);
        if (Long.compareUnsigned(firstUsable, lastUsable) > 0 || Long.compareUnsigned(lastUsable, lastLba) > 0
                || Bytes.le32(h, 84) != ENTRY_SIZE) {
            return null;
        }
        long bytes = Bytes.le32(h, 80) * ENTRY_SIZE;
        if (bytes == 0 || bytes > (1 << 22)) {
            return null;
        }
        long entryLba = Bytes.le64(h, 72);
        long sectors = (bytes + sectorSize - 1) / sectorSize;
        if (Long.compareUnsigned(entryLba, lastLba) > 0 || Long.compareUnsigned(entryLba + sectors - 1, lastLba) > 0) {
            return null;
        }
        byte[] array = new byte[(int) (sectors * sectorSize)];
        for (long k = 0; k < sectors; k++) {
            byte[] s = disk.read(entryLba + k);
            if (s == null) {
                return null;
            }
            System.arraycopy(s, 0, array, (int) (k * sectorSize), sectorSize);
        }
        if (crc32(array, bytes) != Bytes.le32(h, 88)) {
            return null;
        }
        return new byte[][] {h, array};
    }

    private static long crc32(byte[] b, long len) {
        CRC32 c = new CRC32();
        c.update(b, 0, (int) len);
        return c.getValue();
    }

    private static byte[] randomGuid(Random random) {
        long msb = random.nextLong();
        long lsb = random.nextLong();
        msb = (msb & ~0xf000L) | 0x4000L; // version 4
        lsb = (lsb & 0x3fffffffffffffffL) | 0x8000000000000000L; // RFC 4122 variant
        return Bytes.guidBytes(new UUID(msb, lsb).toString());
    }
}
