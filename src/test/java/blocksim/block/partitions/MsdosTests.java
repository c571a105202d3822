package blocksim.block.partitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.Profile;
import blocksim.userland.label.DosLabel;
import blocksim.userland.label.GptLabel;
import blocksim.userland.label.LabelPartition;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MsdosTests {

    private static LabelDisk disk(String name, int lbs, long sectors) {
        return new LabelDisk(name, lbs, sectors);
    }

    private static ParsedPartitions scan(LabelDisk disk, Profile profile) {
        return scan(disk, profile, 256);
    }

    private static ParsedPartitions scan(LabelDisk disk, Profile profile, int limit) {
        ParsedPartitions st = disk.state(limit);
        new Msdos(profile).parse(st);
        return st;
    }

    /** A typical fdisk layout: sda1, extended sda2 with sda5 and sda6. */
    private static LabelDisk typical(String name, int lbs) {
        LabelDisk d = disk(name, lbs, 100_000);
        new DosLabel(lbs, 0x1234abcd)
                .primary(1, 2048, 8192, 0x83, true)
                .extended(2, 10240, 20480)
                .logical(10240, 12288, 4096, 0x83)
                .logical(16384, 18432, 4096, 0x82)
                .writeTo(d.writer());
        return d;
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void logTextMatchesKernelFormat(Profile profile) {
        ParsedPartitions st = scan(typical("sda", 512), profile);
        assertEquals(" sda: sda1 sda2 < sda5 sda6 >\n", st.ppBuf());

        LabelDisk loop = disk("loop0", 512, 10_000);
        new DosLabel(512, 1).primary(1, 2048, 1000, 0x83, false).primary(2, 3048, 1000, 0x83, false)
                .writeTo(loop.writer());
        assertEquals(" loop0: p1 p2\n", scan(loop, profile).ppBuf());
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void logicalPartitionsAreNumberedFromFiveWhateverThePrimaries(Profile profile) {
        LabelDisk d = disk("sdb", 512, 100_000);
        new DosLabel(512, 7)
                .primary(1, 2048, 2048, 0x83, false)
                .extended(4, 8192, 30000)
                .logical(8192, 8200, 100, 0x83)
                .logical(9000, 9001, 100, 0x83)
                .logical(9500, 9600, 100, 0x8e)
                .writeTo(d.writer());
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sdb: sdb1 sdb4 < sdb5 sdb6 sdb7 >\n", st.ppBuf());
        assertEquals(8200, st.from(5));
        assertEquals(9001, st.from(6));
        assertEquals(9600, st.from(7));
        assertEquals(100, st.size(7));
        assertEquals(8, st.next);
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void extendedPartitionShowsAsTwoSectors(Profile profile) {
        ParsedPartitions st = scan(typical("sda", 512), profile);
        assertEquals(10240, st.from(2));
        assertEquals(2, st.size(2));

        // With 4 KiB sectors the stub is one logical sector: 8 of 512 bytes.
        ParsedPartitions st4k = scan(typical("sda", 4096), profile);
        assertEquals(10240L * 8, st4k.from(2));
        assertEquals(8, st4k.size(2));

        // An extended partition of one sector is shown as that one sector.
        LabelDisk d = disk("sda", 512, 10_000);
        d.entry(0, 0, 0, 0x05, 5000, 1);
        d.sign(0);
        ParsedPartitions one = scan(d, profile);
        assertEquals(1, one.size(1));
        assertEquals(" sda: sda1 < >\n", one.ppBuf());
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void emptyPrimarySlotsLeaveGaps(Profile profile) {
        LabelDisk d = disk("sda", 512, 100_000);
        new DosLabel(512, 0).primary(1, 2048, 100, 0x83, false).primary(3, 4096, 100, 0x83, false)
                .writeTo(d.writer());
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sda: sda1 sda3\n", st.ppBuf());
        assertEquals(0, st.size(2));
        assertEquals(0, st.from(2));
        assertEquals(4096, st.from(3));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void fourKSectorsScaleStartAndSize(Profile profile) {
        ParsedPartitions st = scan(typical("sda", 4096), profile);
        assertEquals(2048L * 8, st.from(1));
        assertEquals(8192L * 8, st.size(1));
        assertEquals(12288L * 8, st.from(5));
        assertEquals(4096L * 8, st.size(5));
        assertEquals(18432L * 8, st.from(6));
    }

    /** Builds a chain of {@code links} EBRs at 1000, 1001, ... with a data partition only in link {@code dataLink} (1-based). */
    private static LabelDisk chain(int links, int dataLink) {
        LabelDisk d = disk("sda", 512, 10_000);
        d.entry(0, 0, 0, 0x05, 1000, 5000);
        d.sign(0);
        for (int k = 1; k <= links; k++) {
            long ebr = 1000 + k - 1;
            if (k == dataLink) {
                d.entry(ebr, 0, 0, 0x83, 2000, 10);
            }
            if (k < links) {
                d.entry(ebr, 1, 0, 0x05, k, 1); // next EBR, relative to the extended start
            }
            d.sign(ebr);
        }
        return d;
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void chainStopsAfterHundredEmptyLinks(Profile profile) {
        ParsedPartitions reached = scan(chain(150, 100), profile);
        assertEquals(" sda: sda1 < sda5 >\n", reached.ppBuf());
        assertEquals(1099 + 2000, reached.from(5));

        ParsedPartitions missed = scan(chain(150, 101), profile);
        assertEquals(" sda: sda1 < >\n", missed.ppBuf());
        assertEquals(0, missed.size(5));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void aCyclicChainEndsAfterHundredLinksWithoutData(Profile profile) {
        LabelDisk d = disk("sda", 512, 10_000);
        d.entry(0, 0, 0, 0x05, 1000, 5000);
        d.sign(0);
        d.entry(1000, 0, 0, 0x83, 10, 10);
        d.entry(1000, 1, 0, 0x05, 0, 100); // links back to itself
        d.sign(1000);
        ParsedPartitions st = scan(d, profile, 16);
        // Each pass finds the same data partition again until the limit is reached.
        assertEquals(" sda: sda1 < sda5 sda6 sda7 sda8 sda9 sda10 sda11 sda12 sda13 sda14 sda15 >\n", st.ppBuf());
        assertEquals(16, st.next);
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void onlyTheFirstLinkEntryIsFollowed(Profile profile) {
        LabelDisk d = disk("sda", 512, 10_000);
        d.entry(0, 0, 0, 0x05, 1000, 5000);
        d.sign(0);
        d.entry(1000, 0, 0, 0x83, 10, 10);
        d.entry(1000, 1, 0, 0x0f, 100, 100); // followed
        d.entry(1000, 2, 0, 0x85, 200, 100); // ignored
        d.sign(1000);
        d.entry(1100, 0, 0, 0x83, 10, 10);
        d.sign(1100);
        d.entry(1200, 0, 0, 0x83, 10, 10);
        d.sign(1200);
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sda: sda1 < sda5 sda6 >\n", st.ppBuf());
        assertEquals(1110, st.from(6));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void thirdAndFourthEbrEntriesCountOnlyInsideTheirLinkAndTheArea(Profile profile) {
        LabelDisk d = disk("sda", 512, 10_000);
        d.entry(0, 0, 0, 0x05, 1000, 500);      // extended area 1000..1499
        d.sign(0);
        d.entry(1000, 0, 0, 0x83, 5000, 10);    // entry 1: believed though outside the area
        d.entry(1000, 1, 0, 0x05, 200, 50);     // link to 1200, a link of 50 sectors
        d.entry(1000, 2, 0, 0x83, 495, 10);     // entry 3 running past the area: skipped
        d.entry(1000, 3, 0, 0x83, 100, 10);     // entry 4 inside: counted
        d.sign(1000);
        d.entry(1200, 0, 0, 0x83, 600, 10);     // outside the area, believed
        d.entry(1200, 1, 0, 0x83, 700, 10);     // entry 2 too: believed
        d.entry(1200, 2, 0, 0x83, 60, 10);      // inside the area but past its 50-sector link
        d.entry(1200, 3, 0, 0x83, 10, 10);      // inside both: counted
        d.sign(1200);
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sda: sda1 < sda5 sda6 sda7 sda8 sda9 >\n", st.ppBuf());
        assertEquals(6000, st.from(5));
        assertEquals(1100, st.from(6));
        assertEquals(1800, st.from(7));
        assertEquals(1900, st.from(8));
        assertEquals(1210, st.from(9));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void logicalsStopAtTheLimit(Profile profile) {
        ParsedPartitions st = scan(typical("sda", 512), profile, 6);
        assertEquals(" sda: sda1 sda2 < sda5 >\n", st.ppBuf());
        assertEquals(6, st.next);
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void fatBootSectorIsRecognisedWithNoPartitions(Profile profile) {
        LabelDisk d = disk("sdc", 512, 10_000);
        d.set(0, 0xeb);
        d.set(1, 0x3c);
        d.set(2, 0x90);
        d.set(14, 1);           // reserved sectors
        d.set(16, 2);           // FATs
        d.set(21, 0xf8);        // media
        d.set(0x1be, 0x33);     // boot code where the table would be
        d.sign(0);
        ParsedPartitions st = d.state(256);
        assertEquals(1, new Msdos(profile).parse(st));
        assertEquals(" sdc:\n", st.ppBuf());
        for (int n = 1; n < 256; n++) {
            assertEquals(0, st.size(n));
        }

        d.set(21, 0xf1); // not a valid media byte: not FAT, not a table
        ParsedPartitions notFat = d.state(256);
        assertEquals(0, new Msdos(profile).parse(notFat));
        assertEquals(" sdc:", notFat.ppBuf());
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void badBootFlagInALaterSlotRejectsTheTableEvenIfFatLooking(Profile profile) {
        LabelDisk d = disk("sda", 512, 10_000);
        d.set(14, 1);
        d.set(16, 2);
        d.set(21, 0xf0);
        d.entry(0, 0, 0x80, 0x83, 100, 100);
        d.entry(0, 2, 0x01, 0x83, 300, 100);
        d.sign(0);
        ParsedPartitions st = d.state(256);
        assertEquals(0, new Msdos(profile).parse(st));
        assertEquals(" sda:", st.ppBuf());
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void protectiveMbrAloneIsRejectedByMsdos(Profile profile) {
        LabelDisk d = disk("sda", 512, 10_000);
        new GptLabel(512, 10_000, new Random(1)).add(2048, 1000).writeTo(d.writer());
        ParsedPartitions st = d.state(256);
        assertEquals(0, new Msdos(profile).parse(st));
        assertEquals(" sda:", st.ppBuf());

        // Without CONFIG_EFI_PARTITION the 0xEE record is just a partition.
        ParsedPartitions noEfi = d.state(256);
        assertEquals(1, new Msdos(profile, false).parse(noEfi));
        assertEquals(" sda: sda1\n", noEfi.ppBuf());
        assertEquals(1, noEfi.from(1));
        assertEquals(9999, noEfi.size(1));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void missingSignatureMeansNotMsdos(Profile profile) {
        LabelDisk d = typical("sda", 512);
        d.set(511, 0);
        ParsedPartitions st = d.state(256);
        assertEquals(0, new Msdos(profile).parse(st));
        assertEquals(" sda:", st.ppBuf());
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void unreadableSectorZeroIsAnIoError(Profile profile) {
        LabelDisk d = typical("sda", 512).fail(0);
        assertEquals(-1, new Msdos(profile).parse(d.state(256)));
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void raidAndDiskManagerTypesAreMarked(Profile profile) {
        LabelDisk d = disk("sda", 512, 100_000);
        new DosLabel(512, 0)
                .primary(1, 100, 100, 0xfd, false)
                .primary(2, 200, 100, 0x54, false)
                .primary(3, 300, 100, 0x55, false)
                .extended(4, 1000, 5000)
                .logical(1000, 1010, 10, 0xfd)
                .logical(1100, 1110, 10, 0x83)
                .writeTo(d.writer());
        ParsedPartitions st = scan(d, profile);
        assertEquals(" sda: sda1 sda2[DM] sda3[EZD] sda4 < sda5 sda6 >\n", st.ppBuf());
        assertTrue(st.raid(1));
        assertFalse(st.raid(2));
        assertTrue(st.raid(5));
        assertFalse(st.raid(6));
    }

    /** An AIX physical volume: EBCDIC "IBMA", no Linux partition, "_LVM" in sector 7. */
    private static LabelDisk aix(boolean signed) {
        LabelDisk d = disk("sda", 512, 10_000);
        d.set(0, 0xc9);
        d.set(1, 0xc2);
        d.set(2, 0xd4);
        d.set(3, 0xc1);
        d.write(7 * 512, "_LVM".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        if (signed) {
            d.sign(0);
        }
        return d;
    }

    @Test
    void aixIsTestedBeforeTheSignatureIn618AndAfterItIn2632() {
        ParsedPartitions modern = aix(false).state(256);
        assertEquals(0, new Msdos(Profile.LINUX_6_18).parse(modern));
        assertEquals(" sda: [AIX]", modern.ppBuf());

        ParsedPartitions old = aix(false).state(256);
        assertEquals(0, new Msdos(Profile.LINUX_2_6_32).parse(old));
        assertEquals(" sda:", old.ppBuf());

        for (Profile p : Profile.values()) {
            ParsedPartitions signed = aix(true).state(256);
            assertEquals(0, new Msdos(p).parse(signed));
            assertEquals(" sda: [AIX]", signed.ppBuf());
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void aixMagicWithALinuxPartitionIsATable(Profile profile) {
        LabelDisk d = aix(true);
        d.entry(0, 1, 0, 0x8e, 100, 100);
        ParsedPartitions st = d.state(256);
        assertEquals(1, new Msdos(profile).parse(st));
        assertEquals(" sda: sda2\n", st.ppBuf());
    }

    @Test
    void anEbrPastTheEndIsNotedOnlyBy618() {
        LabelDisk d = disk("sda", 512, 10_000);
        d.entry(0, 0, 0, 0x05, 20_000, 1000);
        d.sign(0);
        ParsedPartitions modern = d.state(256);
        assertEquals(1, new Msdos(Profile.LINUX_6_18).parse(modern));
        assertTrue(modern.accessBeyondEod());
        assertEquals(" sda: sda1 < >\n", modern.ppBuf());

        ParsedPartitions old = d.state(256);
        assertEquals(1, new Msdos(Profile.LINUX_2_6_32).parse(old));
        assertFalse(old.accessBeyondEod());
        assertEquals(" sda: sda1 < >\n", old.ppBuf());
    }

    @Test
    void userlandReaderNumbersLikePartx() {
        LabelDisk d = typical("sda", 512);
        List<LabelPartition> parts = DosLabel.read(d.reader(), 512);
        assertEquals(List.of(
                LabelPartition.dos(1, 2048, 8192, 0x83),
                LabelPartition.dos(2, 10240, 20480, 0x05),
                LabelPartition.dos(5, 12288, 4096, 0x83),
                LabelPartition.dos(6, 18432, 4096, 0x82)), parts);
    }
}
