package blocksim.block.partitions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.Profile;
import blocksim.userland.label.GptLabel;
import blocksim.userland.label.LabelPartition;

import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EfiTests {

    // GPT header field offsets
    private static final int HEADER_SIZE = 12;
    private static final int MY_LBA = 24;
    private static final int ALTERNATE_LBA = 32;
    private static final int LAST_USABLE = 48;
    private static final int DISK_GUID = 56;
    private static final int ENTRY_LBA = 72;
    private static final int NUM_ENTRIES = 80;
    private static final int ENTRIES_CRC = 88;

    /** sda1 at 2048+1024, sda2 at 4096+2048 on a 8192-sector disk (last LBA 8191). */
    private static LabelDisk standard(String name, int lbs, long sectors) {
        LabelDisk d = new LabelDisk(name, lbs, sectors);
        new GptLabel(lbs, sectors, new Random(42)).add(2048, 1024).add(4096, 2048).writeTo(d.writer());
        return d;
    }

    private static LabelDisk standard() {
        return standard("sda", 512, 8192);
    }

    private static ParsedPartitions scan(LabelDisk d, Profile p) {
        return scan(d, p, 256);
    }

    private static ParsedPartitions scan(LabelDisk d, Profile p, int limit) {
        ParsedPartitions st = d.state(limit);
        new Efi(p).parse(st);
        return st;
    }

    private static int parse(LabelDisk d, Profile p) {
        return new Efi(p).parse(d.state(256));
    }

    /** Byte offset of entry {@code index} of the primary (LBA 2) array, 512-byte sectors. */
    private static long primaryEntry(int index) {
        return 2 * 512 + 128L * index;
    }

    /** Applies {@code edit} to a header field in both headers of {@code d}, then fixes their CRCs. */
    private static void editBothHeaders(LabelDisk d, int field, long value, boolean eightBytes) {
        for (long lba : new long[] {1, d.lastLba()}) {
            if (eightBytes) {
                d.put64(d.header(lba, field), value);
            } else {
                d.put32(d.header(lba, field), value);
            }
            d.fixGpt(lba);
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void logTextMatchesKernelFormat(Profile profile) {
        ParsedPartitions loop = scan(standard("loop0", 512, 8192), profile);
        assertEquals(" loop0: p1 p2\n", loop.ppBuf());
        assertTrue(loop.warnings.isEmpty());

        LabelDisk d = new LabelDisk("sda", 512, 8192);
        new GptLabel(512, 8192, new Random(1))
                .add(1, 100, 10, GptLabel.LINUX_FILESYSTEM, "root")
                .add(3, 200, 10, GptLabel.LINUX_SWAP, "swap")
                .writeTo(d.writer());
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sda: sda1 sda3\n", st.ppBuf());
        assertEquals(100, st.from(1));
        assertEquals(10, st.size(3));
        assertEquals(0, st.size(2));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void fourKSectorsScaleStartAndSize(Profile profile) {
        LabelDisk d = new LabelDisk("sda", 4096, 2048);
        new GptLabel(4096, 2048, new Random(3)).add(256, 512).writeTo(d.writer());
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sda: sda1\n", st.ppBuf());
        assertEquals(256L * 8, st.from(1));
        assertEquals(512L * 8, st.size(1));
        assertTrue(st.warnings.isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void corruptPrimaryHeaderCrcMeansNoGpt(Profile profile) {
        LabelDisk d = standard();
        d.set(d.header(1, DISK_GUID), d.get(d.header(1, DISK_GUID)) ^ 1);
        ParsedPartitions st = d.state(256);
        assertEquals(0, new Efi(profile).parse(st));
        assertEquals(" sda:", st.ppBuf());
        assertTrue(st.warnings.isEmpty(), "the backup is not even looked at");

        // Userspace (libblkid) falls back to the backup header where the kernel does not.
        assertEquals(2, GptLabel.read(d.reader(), 512, 8192).size());
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void corruptEntryArrayMeansNoGpt(Profile profile) {
        LabelDisk d = standard();
        d.set(primaryEntry(5) + 60, 'x'); // a byte of an unused entry's name
        assertEquals(0, parse(d, profile));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void badAlternateHeaderLogsWarningAndUsesPrimary(Profile profile) {
        LabelDisk d = standard();
        d.set(d.header(8191, 0), 'X'); // signature
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sda: sda1 sda2\n", st.ppBuf());
        assertEquals(List.of("Alternate GPT is invalid, using primary GPT."), st.warnings);
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void grownDiskWarnsThatTheAlternateIsNotAtTheEnd(Profile profile) {
        LabelDisk d = new LabelDisk("sda", 512, 8192);
        new GptLabel(512, 4096, new Random(5)).add(2048, 1024).writeTo(d.writer());
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sda: sda1\n", st.ppBuf());
        assertEquals(List.of(
                "GPT:Primary header thinks Alt. header is not at the end of the disk.",
                "GPT:4095 != 8191",
                "GPT:Alternate GPT header not at the end of the disk.",
                "GPT:4095 != 8191",
                "GPT: Use GNU Parted to correct GPT errors."), st.warnings);
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void differingDiskGuidsAreReported(Profile profile) {
        LabelDisk d = standard();
        d.set(d.header(8191, DISK_GUID), d.get(d.header(8191, DISK_GUID)) ^ 0x80);
        d.fixGpt(8191);
        ParsedPartitions st = scan(d, profile);
        assertEquals(List.of("GPT:disk_guids don't match.", "GPT: Use GNU Parted to correct GPT errors."),
                st.warnings);
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void shrunkDiskLosesTheGpt(Profile profile) {
        LabelDisk d = new LabelDisk("sda", 512, 4096);
        new GptLabel(512, 8192, new Random(5)).add(2048, 1024).writeTo(d.writer());
        ParsedPartitions st = d.state(256);
        assertEquals(0, new Efi(profile).parse(st)); // last_usable_lba is past the end
        assertTrue(st.warnings.isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void entriesBeyondLastLbaAreSkipped(Profile profile) {
        LabelDisk d = standard();
        for (long base : new long[] {2 * 512, (8192 - 33) * 512L}) {
            d.put64(base + 40, 8192);                // entry 1 ends one past the last LBA
            d.put64(base + 128 + 32, 8192);          // entry 2 starts past it
            d.put64(base + 128 + 40, 8300);
        }
        d.fixGpt(1);
        d.fixGpt(8191);
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sda:\n", st.ppBuf(), "recognised, but nothing in it");
        assertEquals(1, new Efi(profile).parse(d.state(256)));

        // Ending exactly on the last LBA is fine.
        for (long base : new long[] {2 * 512, (8192 - 33) * 512L}) {
            d.put64(base + 40, 8191);
        }
        d.fixGpt(1);
        d.fixGpt(8191);
        ParsedPartitions edge = scan(d, profile);
        assertEquals(" sda: sda1\n", edge.ppBuf());
        assertEquals(8191 - 2048 + 1, edge.size(1));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void reversedEntryIsKeptWithAWrappedSize(Profile profile) {
        LabelDisk d = standard();
        for (long base : new long[] {2 * 512, (8192 - 33) * 512L}) {
            d.put64(base + 32, 3000);
            d.put64(base + 40, 2000);
        }
        d.fixGpt(1);
        d.fixGpt(8191);
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sda: sda1 sda2\n", st.ppBuf());
        assertEquals(3000, st.from(1));
        assertEquals(2000L - 3000L + 1, st.size(1)); // u64 wrap-around
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void linuxRaidTypeSetsTheRaidFlag(Profile profile) {
        LabelDisk d = new LabelDisk("sda", 512, 8192);
        new GptLabel(512, 8192, new Random(9))
                .add(1, 100, 10, GptLabel.LINUX_RAID, "md")
                .add(2, 200, 10, GptLabel.LINUX_FILESYSTEM, "")
                .writeTo(d.writer());
        ParsedPartitions st = scan(d, profile);
        assertTrue(st.raid(1));
        assertFalse(st.raid(2));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void protectiveMbrRules(Profile profile) {
        LabelDisk noSignature = standard();
        noSignature.set(511, 0);
        assertEquals(0, parse(noSignature, profile));

        LabelDisk noEe = standard();
        noEe.set(0x1be + 4, 0x83);
        assertEquals(0, parse(noEe, profile));

        LabelDisk startsAt2 = standard();
        startsAt2.put32(0x1be + 8, 2);
        assertEquals(0, parse(startsAt2, profile));

        LabelDisk inSlot3 = standard();
        inSlot3.write(0x1be + 32, inSlot3.read(0x1be, 16));
        inSlot3.write(0x1be, new byte[16]);
        assertEquals(1, parse(inSlot3, profile));

        LabelDisk hybrid = standard();
        hybrid.entry(0, 1, 0x80, 0x83, 2048, 1024);
        assertEquals(1, parse(hybrid, profile));

        LabelDisk oddSize = standard();
        oddSize.put32(0x1be + 12, 12345); // the record's size does not matter
        assertEquals(1, parse(oddSize, profile));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void entriesPastTheLimitAreIgnored(Profile profile) {
        LabelDisk d = new LabelDisk("sda", 512, 8192);
        GptLabel label = new GptLabel(512, 8192, 4, new Random(2));
        for (int n = 1; n <= 4; n++) {
            label.add(n, 100L * n, 10, GptLabel.LINUX_FILESYSTEM, "");
        }
        label.writeTo(d.writer());
        assertEquals(" sda: sda1 sda2 sda3 sda4\n", scan(d, profile).ppBuf());
        assertEquals(" sda: sda1 sda2\n", scan(d, profile, 3).ppBuf());
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void anEmptyEntryArrayMeansNoGpt(Profile profile) {
        LabelDisk d = standard();
        editBothHeaders(d, NUM_ENTRIES, 0, false);
        assertEquals(0, parse(d, profile));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void headerLargerThanABlockIsRejected(Profile profile) {
        LabelDisk d = standard();
        editBothHeaders(d, HEADER_SIZE, 513, false);
        assertEquals(0, parse(d, profile));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void headerMustSayWhereItIs(Profile profile) {
        LabelDisk d = standard();
        d.put64(d.header(1, MY_LBA), 2);
        d.fixHeaderCrc(1);
        assertEquals(0, parse(d, profile));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void oversizedEntryArrayIsRejected(Profile profile) {
        LabelDisk d = standard();
        editBothHeaders(d, NUM_ENTRIES, (1 << 22) / 128 + 1, false);
        assertEquals(0, parse(d, profile));
    }

    @Test
    void headerSizeBelow92IsAcceptedOnlyBy2632() {
        LabelDisk d = standard();
        editBothHeaders(d, HEADER_SIZE, 60, false);
        assertEquals(0, parse(d, Profile.LINUX_6_18));
        assertEquals(" sda: sda1 sda2\n", scan(d, Profile.LINUX_2_6_32).ppBuf());
    }

    @Test
    void lastUsableBelowFirstUsableIsAcceptedOnlyBy2632() {
        LabelDisk d = standard();
        editBothHeaders(d, LAST_USABLE, 33, true);
        assertEquals(0, parse(d, Profile.LINUX_6_18));
        ParsedPartitions old = scan(d, Profile.LINUX_2_6_32);
        assertEquals(" sda: sda1 sda2\n", old.ppBuf());
        assertTrue(old.warnings.isEmpty());
    }

    @Test
    void anEntryArrayRunningOffTheDiskIsReadAsZerosOnlyBy2632() {
        // A table made for a 4096-sector disk on an 8192-sector one, its primary entry array
        // moved to the last LBA and grown to two sectors: the second is past the end.
        LabelDisk d = new LabelDisk("sda", 512, 8192);
        new GptLabel(512, 4096, 4, new Random(8)).add(100, 100).writeTo(d.writer());
        d.write(8191 * 512L, d.read(2 * 512, 512));
        d.put64(d.header(1, ENTRY_LBA), 8191);
        d.put32(d.header(1, NUM_ENTRIES), 8);
        d.fixGpt(1);

        ParsedPartitions modern = d.state(256);
        assertEquals(0, new Efi(Profile.LINUX_6_18).parse(modern));
        assertTrue(modern.accessBeyondEod());

        ParsedPartitions old = d.state(256);
        assertEquals(1, new Efi(Profile.LINUX_2_6_32).parse(old));
        assertEquals(" sda: sda1\n", old.ppBuf());
        assertFalse(old.accessBeyondEod());
    }

    @Test
    void aWrappedEntryCountIsCutTo32BitsOnlyBy2632() {
        // 2^25 + 1 entries of 128 bytes: 2^32 + 128 bytes, which a u32 product makes 128.
        LabelDisk d = standard();
        d.put32(d.header(1, NUM_ENTRIES), (1L << 25) + 1);
        CRC32 crc = new CRC32();
        crc.update(d.read(2 * 512, 128));
        d.put32(d.header(1, ENTRIES_CRC), crc.getValue());
        d.fixHeaderCrc(1);

        assertEquals(0, parse(d, Profile.LINUX_6_18));
        ParsedPartitions old = scan(d, Profile.LINUX_2_6_32);
        assertEquals(" sda: sda1\n", old.ppBuf());
        assertEquals(2048, old.from(1));
    }

    @Test
    void alternateAtTheLbaThePrimaryNames() {
        // The primary points at a valid second copy that is not at the end.
        LabelDisk d = standard();
        long copy = 7000;
        d.write(copy * 512, d.read(8191 * 512L, 512));
        d.put64(d.header(copy, MY_LBA), copy);
        d.fixGpt(copy);
        d.put64(d.header(1, ALTERNATE_LBA), copy);
        d.fixGpt(1);
        for (Profile p : Profile.values()) {
            ParsedPartitions st = scan(d, p);
            assertEquals(" sda: sda1 sda2\n", st.ppBuf());
            assertEquals(List.of(
                    "GPT:Primary header thinks Alt. header is not at the end of the disk.",
                    "GPT:7000 != 8191",
                    "GPT:Alternate GPT header not at the end of the disk.",
                    "GPT:7000 != 8191",
                    "GPT: Use GNU Parted to correct GPT errors."), st.warnings);
        }
    }

    @Test
    void userlandReaderSeesWhatWasWritten() {
        LabelDisk d = new LabelDisk("sda", 512, 8192);
        GptLabel label = new GptLabel(512, 8192, new Random(11))
                .add(2, 2048, 1024, GptLabel.EFI_SYSTEM.toUpperCase(), "EFI")
                .add(5, 4096, 100, GptLabel.LINUX_FILESYSTEM, "data");
        label.writeTo(d.writer());
        List<LabelPartition> read = GptLabel.read(d.reader(), 512, 8192);
        assertEquals(label.partitions(), read);
        assertEquals(List.of(
                LabelPartition.gpt(2, 2048, 1024, GptLabel.EFI_SYSTEM),
                LabelPartition.gpt(5, 4096, 100, GptLabel.LINUX_FILESYSTEM)), read);
        // Same seed, same bytes.
        LabelDisk again = new LabelDisk("sda", 512, 8192);
        new GptLabel(512, 8192, new Random(11))
                .add(2, 2048, 1024, GptLabel.EFI_SYSTEM, "EFI")
                .add(5, 4096, 100, GptLabel.LINUX_FILESYSTEM, "data")
                .writeTo(again.writer());
        assertArrayEquals(d.read(0, 8192 * 512), again.read(0, 8192 * 512));
    }
}
