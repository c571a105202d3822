package blocksim.block.partitions;

import blocksim.api.Profile;

import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The EFI GUID partition table (GPT) as the kernel reads it: entry {@code i} of the table becomes
 * partition {@code i + 1}.
 *
 * <p>Sources: 6.18 {@code block/partitions/efi.c}, 2.6.32 {@code fs/partitions/efi.c}. The model
 * is of a kernel booted without the {@code gpt} command-line option ({@code force_gpt} off), so a
 * protective MBR is required and the alternate header is looked at only when the primary one is
 * good, at the LBA the primary names.
 *
 * <p>Era differences, all in the header checks and the reads:
 * <ul>
 *   <li>6.18 rejects a header_size below 92 ({@code sizeof(gpt_header)}); 2.6.32 only the upper
 *       bound (the logical block size).</li>
 *   <li>6.18 rejects last_usable_lba &lt; first_usable_lba; 2.6.32 does not check it.</li>
 *   <li>6.18 computes the entry-array size in 64 bits and rejects it above
 *       {@code KMALLOC_MAX_SIZE} (4 MiB on x86_64). 2.6.32 multiplies two u32s, so the size wraps
 *       modulo 2^32, and a size above 4 MiB fails only because {@code kzalloc} cannot satisfy it
 *       (same 4 MiB bound: SLUB hands such requests to the page allocator, MAX_ORDER 11).</li>
 *   <li>6.18's {@code read_part_sector} fails past the end of the disk (noting
 *       {@code access_beyond_eod}), which makes an entry array that runs off the disk a short
 *       read and the header invalid; 2.6.32's {@code read_dev_sector} reads zeros there, so the
 *       same array is read zero-padded and judged by its CRC.</li>
 * </ul>
 */
final class Efi implements PartitionParser {

    /** "EFI PART" read as a little-endian u64. */
    private static final long GPT_HEADER_SIGNATURE = 0x5452415020494645L;
    /** {@code sizeof(gpt_header)}: the fields up to and including the entry-array CRC. */
    private static final int GPT_HEADER_STRUCT_SIZE = 92;
    /** {@code sizeof(gpt_entry)}. */
    private static final int GPT_ENTRY_SIZE = 128;
    private static final long GPT_PRIMARY_PARTITION_TABLE_LBA = 1;
    /** x86_64: {@code 1 << (MAX_PAGE_ORDER + PAGE_SHIFT)} in 6.18, the order-10 page limit in 2.6.32. */
    private static final long KMALLOC_MAX_SIZE = 1L << 22;
    private static final int EFI_PMBR_OSTYPE_EFI_GPT = 0xee;

    /** PARTITION_LINUX_RAID_GUID a19d880f-05fc-4d3b-a006-743f0f84911e as stored on disk. */
    private static final byte[] LINUX_RAID_GUID = {
        (byte) 0x0f, (byte) 0x88, (byte) 0x9d, (byte) 0xa1, (byte) 0xfc, (byte) 0x05, (byte) 0x3b, (byte) 0x4d,
        (byte) 0xa0, (byte) 0x06, (byte) 0x74, (byte) 0x3f, (byte) 0x0f, (byte) 0x84, (byte) 0x91, (byte) 0x1e,
    };

    // gpt_header field offsets
    private static final int H_SIGNATURE = 0;
    private static final int H_HEADER_SIZE = 12;
    private static final int H_HEADER_CRC32 = 16;
    private static final int H_MY_LBA = 24;
    private static final int H_ALTERNATE_LBA = 32;
    private static final int H_FIRST_USABLE_LBA = 40;
    private static final int H_LAST_USABLE_LBA = 48;
    private static final int H_DISK_GUID = 56;
    private static final int H_PARTITION_ENTRY_LBA = 72;
    private static final int H_NUM_PARTITION_ENTRIES = 80;
    private static final int H_SIZEOF_PARTITION_ENTRY = 84;
    private static final int H_PARTITION_ENTRY_ARRAY_CRC32 = 88;

    // gpt_entry field offsets
    private static final int E_TYPE_GUID = 0;
    private static final int E_STARTING_LBA = 32;
    private static final int E_ENDING_LBA = 40;

    private final ParserRules rules;

    Efi(Profile profile) {
        this.rules = ParserRules.of(profile);
    }

    @Override
    public String name() {
        return "efi";
    }

    /** A header that passed {@link #isGptValid} and its entry array. */
    private record Gpt(byte[] header, byte[] ptes) {
        long numEntries() {
            return le32(header, H_NUM_PARTITION_ENTRIES);
        }
    }

    /** What {@link #readLba} got: a buffer of the requested size (zero beyond {@code count}). */
    private record Read(byte[] buf, long count) {
    }

    /**
     * 6.18 {@code block/partitions/efi.c:efi_partition}; 2.6.32
     * {@code fs/partitions/efi.c:efi_partition}.
     */
    @Override
    public int parse(ParsedPartitions state) {
        long ssz = state.disk().logicalBlockSize() / 512;
        long lastLba = lastLba(state);
        Gpt gpt = findValidGpt(state, lastLba);
        if (gpt == null) {
            return 0;
        }
        long n = gpt.numEntries();
        for (long i = 0; i < n && i < state.limit - 1; i++) {
            int off = (int) (i * GPT_ENTRY_SIZE);
            if (off + GPT_ENTRY_SIZE > gpt.ptes().length) {
                // Only in 2.6.32 with a wrapped array size: the kernel then reads past its
                // allocation (undefined contents). We take those bytes as zero: no partition.
                continue;
            }
            byte[] ptes = gpt.ptes();
            long start = le64(ptes, off + E_STARTING_LBA);
            long size = le64(ptes, off + E_ENDING_LBA) - start + 1;
            if (!isPteValid(ptes, off, lastLba)) {
                continue;
            }
            int slot = (int) i + 1;
            state.putPartition(slot, start * ssz, size * ssz);
            if (Arrays.equals(ptes, off + E_TYPE_GUID, off + E_TYPE_GUID + 16, LINUX_RAID_GUID, 0, 16)) {
                state.raid[slot] = true;
            }
        }
        state.ppBuf.append('\n');
        return 1;
    }

    /**
     * The number of the disk's last logical block: bytes / logical block size - 1, in u64.
     *
     * <p>6.18 {@code block/partitions/efi.c:last_lba}; 2.6.32 {@code fs/partitions/efi.c:last_lba}.
     */
    private static long lastLba(ParsedPartitions state) {
        long bytes = state.disk().capacity() << 9;
        return Long.divideUnsigned(bytes, state.disk().logicalBlockSize()) - 1;
    }

    /**
     * Checks the protective MBR, then the primary header and entries at LBA 1, then (only if those
     * are good) the alternate at the primary's alternate_lba, warning about disagreements.
     * Returns the primary, or null when there is no usable GPT.
     *
     * <p>6.18 {@code block/partitions/efi.c:find_valid_gpt}; 2.6.32
     * {@code fs/partitions/efi.c:find_valid_gpt}.
     */
    private Gpt findValidGpt(ParsedPartitions state, long lastLba) {
        Read mbr = readLba(state, 0, 512, lastLba);
        if (!isPmbrValid(mbr.buf())) {
            return null;
        }
        Gpt primary = isGptValid(state, GPT_PRIMARY_PARTITION_TABLE_LBA, lastLba);
        if (primary == null) {
            // Without force_gpt the alternate header is not consulted at all.
            return null;
        }
        Gpt alternate = isGptValid(state, le64(primary.header(), H_ALTERNATE_LBA), lastLba);
        if (alternate != null) {
            compareGpts(state, primary.header(), alternate.header(), lastLba);
        } else {
            state.warnings.add("Alternate GPT is invalid, using primary GPT.");
        }
        return primary;
    }

    /**
     * The 0x55AA signature and one record of type 0xEE starting at LBA 1. Other records (a
     * hybrid MBR) and the record's size do not matter. 6.18 tells protective from hybrid apart
     * but accepts both, so the test is the same in both eras.
     *
     * <p>6.18 {@code block/partitions/efi.c:is_pmbr_valid}; 2.6.32
     * {@code fs/partitions/efi.c:is_pmbr_valid}.
     */
    private static boolean isPmbrValid(byte[] mbr) {
        if ((mbr[510] & 0xff) != 0x55 || (mbr[511] & 0xff) != 0xaa) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            int rec = 0x1be + 16 * i;
            if ((mbr[rec + 4] & 0xff) == EFI_PMBR_OSTYPE_EFI_GPT && le32(mbr, rec + 8) == 1) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads {@code count} bytes from logical block {@code lba} on, 512 bytes at a time, stopping
     * at the first failed sector read. Nothing is read when {@code lba} is past the last LBA.
     *
     * <p>6.18 {@code block/partitions/efi.c:read_lba}; 2.6.32 {@code fs/partitions/efi.c:read_lba}.
     */
    private Read readLba(ParsedPartitions state, long lba, long count, long lastLba) {
        byte[] buf = new byte[(int) count];
        if (Long.compareUnsigned(lba, lastLba) > 0) {
            return new Read(buf, 0);
        }
        long n = lba * (state.disk().logicalBlockSize() / 512);
        long done = 0;
        while (done < count) {
            byte[] data = rules.readPartSector() ? state.readPartSector(n++) : state.readDevSector(n++);
            if (data == null) {
                break;
            }
            int copied = (int) Math.min(512, count - done);
            System.arraycopy(data, 0, buf, (int) done, copied);
            done += copied;
        }
        return new Read(buf, done);
    }

    /**
     * Reads and checks the header at {@code lba} and the entry array it points to. Returns them,
     * or null if any check fails.
     *
     * <p>6.18 {@code block/partitions/efi.c:is_gpt_valid} (with {@code alloc_read_gpt_header} and
     * {@code alloc_read_gpt_entries}); 2.6.32 {@code fs/partitions/efi.c:is_gpt_valid} (likewise).
     */
    private Gpt isGptValid(ParsedPartitions state, long lba, long lastLba) {
        int lbs = state.disk().logicalBlockSize();
        boolean checks618 = rules.gptHeaderChecks618();
        Read hr = readLba(state, lba, lbs, lastLba);
        if (hr.count() < lbs) {
            return null;
        }
        byte[] h = hr.buf();
        if (le64(h, H_SIGNATURE) != GPT_HEADER_SIGNATURE) {
            return null;
        }
        long headerSize = le32(h, H_HEADER_SIZE);
        if (headerSize > lbs) {
            return null;
        }
        if (checks618 && headerSize < GPT_HEADER_STRUCT_SIZE) {
            return null;
        }
        long origCrc = le32(h, H_HEADER_CRC32);
        byte[] zeroed = h.clone();
        Arrays.fill(zeroed, H_HEADER_CRC32, H_HEADER_CRC32 + 4, (byte) 0);
        if (crc32(zeroed, (int) headerSize) != origCrc) {
            return null;
        }
        if (le64(h, H_MY_LBA) != lba) {
            return null;
        }
        long firstUsable = le64(h, H_FIRST_USABLE_LBA);
        long lastUsable = le64(h, H_LAST_USABLE_LBA);
        if (Long.compareUnsigned(firstUsable, lastLba) > 0) {
            return null;
        }
        if (Long.compareUnsigned(lastUsable, lastLba) > 0) {
            return null;
        }
        if (checks618 && Long.compareUnsigned(lastUsable, firstUsable) < 0) {
            return null;
        }
        if (le32(h, H_SIZEOF_PARTITION_ENTRY) != GPT_ENTRY_SIZE) {
            return null;
        }
        long num = le32(h, H_NUM_PARTITION_ENTRIES);
        long ptSize;
        if (checks618) {
            ptSize = num * GPT_ENTRY_SIZE;
            if (ptSize > KMALLOC_MAX_SIZE) {
                return null;
            }
        } else {
            ptSize = (num * GPT_ENTRY_SIZE) & 0xffffffffL; // u32 * u32 in 2.6.32
            if (ptSize > KMALLOC_MAX_SIZE) {
                return null; // kzalloc fails
            }
        }
        if (ptSize == 0) {
            return null; // alloc_read_gpt_entries refuses an empty array
        }
        Read er = readLba(state, le64(h, H_PARTITION_ENTRY_LBA), ptSize, lastLba);
        if (er.count() < ptSize) {
            return null;
        }
        if (crc32(er.buf(), (int) ptSize) != le32(h, H_PARTITION_ENTRY_ARRAY_CRC32)) {
            return null;
        }
        return new Gpt(h, er.buf());
    }

    /**
     * An entry names a partition if its type GUID is not all zero and both its first and last
     * LBA are on the disk. A first LBA after the last one is not rejected: the size then wraps.
     *
     * <p>6.18 {@code block/partitions/efi.c:is_pte_valid}; 2.6.32 {@code fs/partitions/efi.c:is_pte_valid}.
     */
    private static boolean isPteValid(byte[] ptes, int off, long lastLba) {
        boolean nullGuid = true;
        for (int k = 0; k < 16; k++) {
            if (ptes[off + E_TYPE_GUID + k] != 0) {
                nullGuid = false;
                break;
            }
        }
        return !nullGuid
                && Long.compareUnsigned(le64(ptes, off + E_STARTING_LBA), lastLba) <= 0
                && Long.compareUnsigned(le64(ptes, off + E_ENDING_LBA), lastLba) <= 0;
    }

    /**
     * Warns, line by line, about each field where the two valid headers disagree, and where
     * either thinks the alternate is not at the end of the disk. The numbers are printed with
     * {@code %lld} (signed) and {@code 0x%x}.
     *
     * <p>6.18 {@code block/partitions/efi.c:compare_gpts}; 2.6.32 {@code fs/partitions/efi.c:compare_gpts}.
     */
    private static void compareGpts(ParsedPartitions state, byte[] p, byte[] a, long lastLba) {
        var w = state.warnings;
        int errors = 0;
        if (le64(p, H_MY_LBA) != le64(a, H_ALTERNATE_LBA)) {
            w.add("GPT:Primary header LBA != Alt. header alternate_lba");
            w.add("GPT:" + le64(p, H_MY_LBA) + " != " + le64(a, H_ALTERNATE_LBA));
            errors++;
        }
        if (le64(p, H_ALTERNATE_LBA) != le64(a, H_MY_LBA)) {
            w.add("GPT:Primary header alternate_lba != Alt. header my_lba");
            w.add("GPT:" + le64(p, H_ALTERNATE_LBA) + " != " + le64(a, H_MY_LBA));
            errors++;
        }
        if (le64(p, H_FIRST_USABLE_LBA) != le64(a, H_FIRST_USABLE_LBA)) {
            w.add("GPT:first_usable_lbas don't match.");
            w.add("GPT:" + le64(p, H_FIRST_USABLE_LBA) + " != " + le64(a, H_FIRST_USABLE_LBA));
            errors++;
        }
        if (le64(p, H_LAST_USABLE_LBA) != le64(a, H_LAST_USABLE_LBA)) {
            w.add("GPT:last_usable_lbas don't match.");
            w.add("GPT:" + le64(p, H_LAST_USABLE_LBA) + " != " + le64(a, H_LAST_USABLE_LBA));
            errors++;
        }
        if (!Arrays.equals(p, H_DISK_GUID, H_DISK_GUID + 16, a, H_DISK_GUID, H_DISK_GUID + 16)) {
            w.add("GPT:disk_guids don't match.");
            errors++;
        }
        if (le32(p, H_NUM_PARTITION_ENTRIES) != le32(a, H_NUM_PARTITION_ENTRIES)) {
            w.add("GPT:num_partition_entries don't match: 0x" + hex(p, H_NUM_PARTITION_ENTRIES)
                    + " != 0x" + hex(a, H_NUM_PARTITION_ENTRIES));
            errors++;
        }
        if (le32(p, H_SIZEOF_PARTITION_ENTRY) != le32(a, H_SIZEOF_PARTITION_ENTRY)) {
            w.add("GPT:sizeof_partition_entry values don't match: 0x" + hex(p, H_SIZEOF_PARTITION_ENTRY)
                    + " != 0x" + hex(a, H_SIZEOF_PARTITION_ENTRY));
            errors++;
        }
        if (le32(p, H_PARTITION_ENTRY_ARRAY_CRC32) != le32(a, H_PARTITION_ENTRY_ARRAY_CRC32)) {
            w.add("GPT:partition_entry_array_crc32 values don't match: 0x"
                    + hex(p, H_PARTITION_ENTRY_ARRAY_CRC32) + " != 0x" + hex(a, H_PARTITION_ENTRY_ARRAY_CRC32));
            errors++;
        }
        if (le64(p, H_ALTERNATE_LBA) != lastLba) {
            w.add("GPT:Primary header thinks Alt. header is not at the end of the disk.");
            w.add("GPT:" + le64(p, H_ALTERNATE_LBA) + " != " + lastLba);
            errors++;
        }
        if (le64(a, H_MY_LBA) != lastLba) {
            w.add("GPT:Alternate GPT header not at the end of the disk.");
            w.add("GPT:" + le64(a, H_MY_LBA) + " != " + lastLba);
            errors++;
        }
        if (errors > 0) {
            w.add("GPT: Use GNU Parted to correct GPT errors.");
        }
    }

    /**
     * The standard CRC-32 (Ethernet polynomial, reflected, seeded and finished with ~0).
     *
     * <p>6.18 {@code block/partitions/efi.c:efi_crc32}; 2.6.32 {@code fs/partitions/efi.c:efi_crc32}.
     */
    private static long crc32(byte[] buf, int len) {
        CRC32 crc = new CRC32();
        crc.update(buf, 0, len);
        return crc.getValue();
    }

    private static String hex(byte[] b, int off) {
        return Long.toHexString(le32(b, off));
    }

    private static long le32(byte[] b, int off) {
        return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24;
    }

    private static long le64(byte[] b, int off) {
        return le32(b, off) | le32(b, off + 4) << 32;
    }
}
