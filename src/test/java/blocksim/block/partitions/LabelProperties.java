package blocksim.block.partitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.Profile;
import blocksim.userland.label.DosLabel;
import blocksim.userland.label.GptLabel;
import blocksim.userland.label.LabelPartition;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Labels written by the userland encoders read back the same through the kernel parsers (and the
 * userland readers), and random or mutated tables never make a parser throw or yield a partition
 * the kernel's rules would not. Each try draws a whole disk from one seed, so a failure report's
 * seed reproduces it.
 */
class LabelProperties {

    private static final String[] NAMES = {"sda", "vdb", "loop0", "nvme0n1"};
    private static final int[] DATA_TYPES = {0x83, 0x82, 0x8e, 0xfd, 0x07, 0x0b, 0x0c, 0x54, 0x55, 0xa5, 0x01, 0xef};
    private static final int[] EXTENDED_TYPES = {0x05, 0x0f, 0x85};
    private static final String[] GPT_TYPES = {
        GptLabel.LINUX_FILESYSTEM, GptLabel.LINUX_SWAP, GptLabel.LINUX_RAID, GptLabel.EFI_SYSTEM,
    };

    private static String pname(String disk) {
        return Character.isDigit(disk.charAt(disk.length() - 1)) ? "p" : disk;
    }

    private static long le32(byte[] b, int off) {
        return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24;
    }

    private static long le64(byte[] b, int off) {
        return le32(b, off) | le32(b, off + 4) << 32;
    }

    private static boolean isExtended(int type) {
        return type == 0x05 || type == 0x0f || type == 0x85;
    }

    /** The partition numbers a scan's log names, in order. */
    private static List<Integer> logged(ParsedPartitions st) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile(" " + Pattern.quote(st.name) + "(\\d+)").matcher(st.ppBuf());
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    private static Set<Integer> filled(ParsedPartitions st) {
        Set<Integer> out = new TreeSet<>();
        for (int n = 1; n < st.limit(); n++) {
            if (st.size(n) != 0) {
                out.add(n);
            }
        }
        return out;
    }

    private static void assertSameSlots(ParsedPartitions a, ParsedPartitions b) {
        assertEquals(a.ppBuf(), b.ppBuf());
        for (int n = 1; n < a.limit(); n++) {
            assertEquals(a.from(n), b.from(n), "from " + n);
            assertEquals(a.size(n), b.size(n), "size " + n);
            assertEquals(a.raid(n), b.raid(n), "raid " + n);
        }
    }

    // ---------------------------------------------------------------- msdos round trip

    @Property(tries = 300)
    void msdosTablesWrittenByTheEncoderReadBackAsTheSamePartitions(@ForAll long seed) {
        Random r = new Random(seed);
        int lbs = r.nextBoolean() ? 512 : 4096;
        long ss = lbs / 512;
        long diskSectors = lbs == 512 ? 4096 + r.nextInt(200_000) : 1024 + r.nextInt(50_000);
        String name = NAMES[r.nextInt(NAMES.length)];
        int limit = new int[] {8, 16, 256}[r.nextInt(3)];
        DosLabel label = new DosLabel(lbs, r.nextInt());

        List<Integer> slots = new ArrayList<>(List.of(1, 2, 3, 4));
        Collections.shuffle(slots, r);
        int primaries = r.nextInt(5);
        int extendedIndex = primaries > 0 && r.nextBoolean() ? r.nextInt(primaries) : -1;
        TreeMap<Integer, long[]> expectPrimary = new TreeMap<>(); // slot -> start, size, type
        List<long[]> expectLogical = new ArrayList<>();           // start, size, type
        long cursor = 1 + r.nextInt(64);
        for (int i = 0; i < primaries; i++) {
            int slot = slots.get(i);
            long start = cursor + r.nextInt(32);
            if (start >= diskSectors - 1) {
                break;
            }
            if (i == extendedIndex) {
                List<long[]> logicals = new ArrayList<>(); // ebr, start, size, type
                long c = start;
                int count = r.nextInt(13);
                for (int k = 0; k < count; k++) {
                    long ebr = k == 0 ? start : c + r.nextInt(8);
                    long ls = ebr + 1 + r.nextInt(16);
                    long lsize = 1 + r.nextInt(300);
                    if (ls + lsize > diskSectors - 1) {
                        break;
                    }
                    logicals.add(new long[] {ebr, ls, lsize, DATA_TYPES[r.nextInt(DATA_TYPES.length)]});
                    c = ls + lsize;
                }
                long size = Math.min(Math.max(1, c - start + r.nextInt(16)), diskSectors - start);
                int type = EXTENDED_TYPES[r.nextInt(3)];
                label.primary(slot, start, size, type, r.nextBoolean());
                for (long[] l : logicals) {
                    label.logical(l[0], l[1], l[2], (int) l[3]);
                    expectLogical.add(new long[] {l[1], l[2], l[3]});
                }
                expectPrimary.put(slot, new long[] {start, size, type});
                cursor = start + size;
            } else {
                long size = Math.min(1 + r.nextInt(5000), diskSectors - start);
                int type = DATA_TYPES[r.nextInt(DATA_TYPES.length)];
                label.primary(slot, start, size, type, r.nextBoolean());
                expectPrimary.put(slot, new long[] {start, size, type});
                cursor = start + size;
            }
        }
        LabelDisk d = new LabelDisk(name, lbs, diskSectors);
        label.writeTo(d.writer());

        // What the kernel should make of it.
        String pn = pname(name);
        StringBuilder log = new StringBuilder(" ").append(name).append(':');
        long[] from = new long[limit];
        long[] size = new long[limit];
        boolean[] raid = new boolean[limit];
        int next = 5;
        for (var e : expectPrimary.entrySet()) {
            int slot = e.getKey();
            long[] p = e.getValue();
            log.append(' ').append(pn).append(slot);
            from[slot] = p[0] * ss;
            if (isExtended((int) p[2])) {
                size[slot] = Math.min(p[1] * ss, Math.max(ss, 2));
                log.append(" <");
                for (long[] l : expectLogical) {
                    if (next == limit) {
                        break;
                    }
                    log.append(' ').append(pn).append(next);
                    from[next] = l[0] * ss;
                    size[next] = l[1] * ss;
                    raid[next] = l[2] == 0xfd;
                    next++;
                }
                log.append(" >");
            } else {
                size[slot] = p[1] * ss;
                raid[slot] = p[2] == 0xfd;
                log.append(p[2] == 0x54 ? "[DM]" : p[2] == 0x55 ? "[EZD]" : "");
            }
        }
        log.append('\n');

        for (Profile profile : Profile.values()) {
            ParsedPartitions st = d.state(limit);
            assertEquals(1, new Msdos(profile).parse(st));
            assertEquals(log.toString(), st.ppBuf(), profile.id());
            for (int n = 1; n < limit; n++) {
                assertEquals(from[n], st.from(n), profile + " from " + n);
                assertEquals(size[n], st.size(n), profile + " size " + n);
                assertEquals(raid[n], st.raid(n), profile + " raid " + n);
            }
            assertFalse(st.accessBeyondEod());
        }
        assertEquals(label.partitions(), DosLabel.read(d.reader(), lbs));
    }

    // ---------------------------------------------------------------- gpt round trip

    private record GptDisk(LabelDisk disk, GptLabel label, int limit) {
    }

    private static GptDisk randomGpt(Random r) {
        int lbs = r.nextBoolean() ? 512 : 4096;
        int entries = r.nextInt(4) == 0 ? 1 + r.nextInt(200) : GptLabel.DEFAULT_ENTRIES;
        long entrySectors = ((long) entries * 128 + lbs - 1) / lbs;
        long diskSectors = 2 * entrySectors + 4 + r.nextInt(lbs == 512 ? 100_000 : 20_000);
        GptLabel label = new GptLabel(lbs, diskSectors, entries, new Random(r.nextLong()));
        List<Integer> numbers = new ArrayList<>();
        for (int n = 1; n <= entries; n++) {
            numbers.add(n);
        }
        Collections.shuffle(numbers, r);
        int count = r.nextInt(Math.min(entries, 12) + 1);
        long cursor = label.firstUsableLba();
        for (int i = 0; i < count; i++) {
            long start = cursor + r.nextInt(50);
            long size = 1 + r.nextInt(2000);
            if (start + size - 1 > label.lastUsableLba()) {
                break;
            }
            StringBuilder partName = new StringBuilder();
            for (int k = r.nextInt(37); k > 0; k--) {
                partName.append((char) (' ' + r.nextInt(95)));
            }
            label.add(numbers.get(i), start, size, GPT_TYPES[r.nextInt(GPT_TYPES.length)], partName.toString());
            cursor = start + size;
        }
        LabelDisk d = new LabelDisk(NAMES[r.nextInt(NAMES.length)], lbs, diskSectors);
        label.writeTo(d.writer());
        return new GptDisk(d, label, r.nextBoolean() ? 16 : 256);
    }

    @Property(tries = 300)
    void gptTablesWrittenByTheEncoderReadBackAsTheSamePartitions(@ForAll long seed) {
        GptDisk g = randomGpt(new Random(seed));
        LabelDisk d = g.disk();
        long ss = d.logicalBlockSize() / 512;
        StringBuilder log = new StringBuilder(" ").append(d.diskName()).append(':');
        List<LabelPartition> expected = new ArrayList<>();
        for (LabelPartition p : g.label().partitions()) {
            if (p.number() < g.limit()) {
                expected.add(p);
                log.append(' ').append(pname(d.diskName())).append(p.number());
            }
        }
        log.append('\n');
        for (Profile profile : Profile.values()) {
            ParsedPartitions st = d.state(g.limit());
            assertEquals(1, new Efi(profile).parse(st));
            assertEquals(log.toString(), st.ppBuf());
            assertEquals(List.of(), st.warnings);
            Set<Integer> seen = new HashSet<>();
            for (LabelPartition p : expected) {
                assertEquals(p.start() * ss, st.from(p.number()));
                assertEquals(p.size() * ss, st.size(p.number()));
                assertEquals(GptLabel.LINUX_RAID.equals(p.typeGuid()), st.raid(p.number()));
                seen.add(p.number());
            }
            assertEquals(seen, filled(st));
            // And msdos steps aside for the protective MBR.
            assertEquals(0, new Msdos(profile).parse(d.state(g.limit())));
        }
        assertEquals(g.label().partitions(), GptLabel.read(d.reader(), d.logicalBlockSize(), d.logicalSectors()));
    }

    // ---------------------------------------------------------------- random msdos bytes

    private static long pickStart(Random r, long sectors) {
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> r.nextLong(0x1_0000_0000L);
            default -> r.nextLong(Math.max(1, sectors + 8));
        };
    }

    private static long pickSize(Random r, long sectors) {
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> r.nextLong(0x1_0000_0000L);
            default -> 1 + r.nextLong(Math.max(1, sectors));
        };
    }

    private static int pickType(Random r) {
        int[] types = {0, 0x83, 0x05, 0x0f, 0x85, 0xfd, 0x54, 0x55, 0x82, 0xee};
        return r.nextInt(8) == 0 ? r.nextInt(256) : types[r.nextInt(types.length)];
    }

    private static int pickBoot(Random r) {
        int k = r.nextInt(10);
        return k < 6 ? 0 : k < 9 || r.nextBoolean() ? 0x80 : r.nextInt(256);
    }

    /** Random table entries in logical sector {@code lba}, signed most of the time, over random bytes. */
    private static void randomTable(LabelDisk d, Random r, long lba, long sectors) {
        byte[] junk = new byte[512];
        r.nextBytes(junk);
        d.write(lba * d.logicalBlockSize(), junk);
        for (int i = 0; i < 4; i++) {
            d.entry(lba, i, pickBoot(r), pickType(r), pickStart(r, sectors), pickSize(r, sectors));
        }
        if (r.nextInt(20) != 0) {
            d.sign(lba);
        }
    }

    @Property(tries = 300)
    void randomMsdosBytesNeverYieldAPartitionTheKernelWouldNot(@ForAll long seed) {
        Random r = new Random(seed);
        int lbs = r.nextBoolean() ? 512 : 4096;
        long ss = lbs / 512;
        long sectors = 1 + r.nextInt(lbs == 512 ? 4096 : 512);
        LabelDisk d = new LabelDisk(NAMES[r.nextInt(NAMES.length)], lbs, sectors);
        randomTable(d, r, 0, sectors);
        if (r.nextInt(20) == 0) { // AIX magic, maybe with an LVM sector 7
            d.write(0, new byte[] {(byte) 0xc9, (byte) 0xc2, (byte) 0xd4, (byte) 0xc1});
            d.write(7 * 512, "_LVM".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        if (r.nextInt(10) == 0) { // FAT-looking BPB
            d.set(14, 1);
            d.set(16, 2);
            d.set(21, r.nextBoolean() ? 0xf8 : 0xf0);
        }
        byte[] s0 = d.read(0, 512);
        // EBRs: random tables at and near the extended starts, so chains get followed.
        for (int i = 0; i < 4; i++) {
            int e = 0x1be + 16 * i;
            long start = le32(s0, e + 8);
            if (isExtended(s0[e + 4] & 0xff) && start < sectors) {
                for (int k = r.nextInt(6); k >= 0; k--) {
                    long lba = k == 0 ? start : start + r.nextInt(16);
                    if (lba < sectors) {
                        randomTable(d, r, lba, 16);
                    }
                }
            }
        }
        s0 = d.read(0, 512); // an "EBR" may have landed on sector 0 itself
        int limit = new int[] {1, 4, 5, 8, 16, 256}[r.nextInt(6)];
        boolean efi = r.nextInt(4) != 0;

        ParsedPartitions[] byEra = new ParsedPartitions[2];
        for (Profile profile : Profile.values()) {
            ParsedPartitions st = d.state(limit);
            int res = new Msdos(profile, efi).parse(st);
            byEra[profile.ordinal()] = st;
            boolean signed = (s0[510] & 0xff) == 0x55 && (s0[511] & 0xff) == 0xaa;
            boolean bootFlagsOk = true;
            boolean hasEe = false;
            long minExtendedStart = Long.MAX_VALUE;
            for (int i = 0; i < 4; i++) {
                int e = 0x1be + 16 * i;
                int boot = s0[e] & 0xff;
                bootFlagsOk &= boot == 0 || boot == 0x80;
                hasEe |= (s0[e + 4] & 0xff) == 0xee;
                if (isExtended(s0[e + 4] & 0xff) && le32(s0, e + 12) != 0) {
                    minExtendedStart = Math.min(minExtendedStart, le32(s0, e + 8) * ss);
                }
            }

            assertTrue(res == 0 || res == 1, "no read fails here, so never -1: " + res);
            Set<Integer> filled = filled(st);
            if (res == 0) {
                assertEquals(Set.of(), filled);
                assertTrue(st.ppBuf().equals(" " + d.diskName() + ":")
                        || st.ppBuf().equals(" " + d.diskName() + ": [AIX]"), st.ppBuf());
                continue;
            }
            assertTrue(signed, "a table needs 0x55AA");
            assertTrue(st.ppBuf().endsWith("\n"));
            if (!bootFlagsOk) {
                // Only the FAT case is recognised with a bad boot flag, and it has no partitions.
                assertEquals(Set.of(), filled);
                assertEquals(" " + d.diskName() + ":\n", st.ppBuf());
                continue;
            }
            assertFalse(efi && hasEe, "a 0xEE entry leaves the disk to the GPT parser");
            // Primaries: exactly the non-empty slots below the limit, at the table's values.
            for (int slot = 1; slot <= 4 && slot < limit; slot++) {
                int e = 0x1be + 16 * (slot - 1);
                long start = le32(s0, e + 8) * ss;
                long nr = le32(s0, e + 12) * ss;
                assertEquals(nr != 0, filled.contains(slot), "slot " + slot);
                if (nr != 0) {
                    assertEquals(start, st.from(slot));
                    long expected = isExtended(s0[e + 4] & 0xff) ? Math.min(nr, Math.max(ss, 2)) : nr;
                    assertEquals(expected, st.size(slot));
                    assertEquals((s0[e + 4] & 0xff) == 0xfd, st.raid(slot));
                }
            }
            // Logicals: only with an extended primary, numbered 5, 6, ... without gaps, each at or
            // after the start of an extended partition, each a whole number of logical sectors.
            int logicals = 0;
            for (int n = 5; n < limit; n++) {
                if (filled.contains(n)) {
                    assertTrue(minExtendedStart != Long.MAX_VALUE, "logical without an extended partition");
                    assertEquals(n, 5 + logicals, "logicals are numbered without gaps");
                    assertTrue(st.from(n) >= minExtendedStart, "logical before its extended partition");
                    assertEquals(0, st.size(n) % ss);
                    assertTrue(st.size(n) > 0 && st.size(n) <= 0xffffffffL * ss);
                    logicals++;
                }
            }
            // The log names each filled slot exactly once.
            List<Integer> logged = logged(st);
            assertEquals(logged.size(), new HashSet<>(logged).size(), "a slot logged twice");
            assertEquals(filled, new TreeSet<>(logged));
        }
        ParsedPartitions modern = byEra[Profile.LINUX_6_18.ordinal()];
        Statistics.label("6.18 msdos outcome").collect(
                modern.ppBuf().contains("[AIX]") ? "AIX" : modern.ppBuf().endsWith("\n")
                        ? (filled(modern).stream().anyMatch(n -> n >= 5) ? "table with logicals"
                                : filled(modern).isEmpty() ? "recognised, empty" : "table, primaries only")
                        : "not msdos");
        boolean aixMagic = (s0[0] & 0xff) == 0xc9 && (s0[1] & 0xff) == 0xc2 && (s0[2] & 0xff) == 0xd4
                && (s0[3] & 0xff) == 0xc1;
        if (!aixMagic) {
            // Without an AIX label the eras differ only in how past-the-end reads fail.
            assertSameSlots(byEra[0], byEra[1]);
        }
        DosLabel.read(d.reader(), lbs); // the userland reader must not throw either
    }

    // ---------------------------------------------------------------- mutated gpt

    private static final Pattern WARNING = Pattern.compile(String.join("|",
            "GPT:Primary header LBA != Alt\\. header alternate_lba",
            "GPT:Primary header alternate_lba != Alt\\. header my_lba",
            "GPT:first_usable_lbas don't match\\.",
            "GPT:last_usable_lbas don't match\\.",
            "GPT:disk_guids don't match\\.",
            "GPT:num_partition_entries don't match: 0x[0-9a-f]+ != 0x[0-9a-f]+",
            "GPT:sizeof_partition_entry values don't match: 0x[0-9a-f]+ != 0x[0-9a-f]+",
            "GPT:partition_entry_array_crc32 values don't match: 0x[0-9a-f]+ != 0x[0-9a-f]+",
            "GPT:Primary header thinks Alt\\. header is not at the end of the disk\\.",
            "GPT:Alternate GPT header not at the end of the disk\\.",
            "GPT:-?\\d+ != -?\\d+",
            "GPT: Use GNU Parted to correct GPT errors\\.",
            "Alternate GPT is invalid, using primary GPT\\."));

    private static long pickLba(Random r, long last) {
        long[] choices = {0, 1, 2, last - 1, last, last + 1, r.nextLong(Math.max(1, last + 1)), r.nextLong(),
            0x7fff_ffff_ffff_ffffL, -1L};
        return choices[r.nextInt(choices.length)];
    }

    private static void mutate(LabelDisk d, Random r) {
        int lbs = d.logicalBlockSize();
        long last = d.lastLba();
        long backup = last * lbs;
        switch (r.nextInt(8)) {
            case 0 -> d.set(0x1be + r.nextInt(66), r.nextInt(256)); // protective MBR
            case 1, 7 -> { // a header field of either header
                long h = r.nextBoolean() ? lbs : backup;
                switch (r.nextInt(8)) {
                    case 0 -> d.put32(h + 12, new long[] {0, 60, 91, 92, 93, lbs, lbs + 1L, r.nextLong(1L << 32)}[r.nextInt(8)]);
                    case 1 -> d.put64(h + 24, pickLba(r, last));
                    case 2 -> d.put64(h + 32, pickLba(r, last));
                    case 3 -> d.put64(h + 40, pickLba(r, last));
                    case 4 -> d.put64(h + 48, pickLba(r, last));
                    case 5 -> d.put64(h + 72, pickLba(r, last));
                    case 6 -> d.put32(h + 80, new long[] {0, 1, 4, 128, 129, 32768, 32769, (1L << 25) + 1, r.nextLong(1L << 32)}[r.nextInt(9)]);
                    default -> d.put32(h + 84, new long[] {0, 127, 128, 256}[r.nextInt(4)]);
                }
            }
            case 2 -> { // scramble a header's fields after the signature
                long h = r.nextBoolean() ? lbs : backup;
                byte[] junk = new byte[80];
                r.nextBytes(junk);
                d.write(h + 12, junk);
            }
            case 3, 4 -> { // an entry of the primary array
                long e = d.le64(lbs + 72);
                long off = (e >= 0 && e <= last ? e : 2) * lbs + 128L * r.nextInt(16);
                switch (r.nextInt(4)) {
                    case 0 -> d.put64(off + 32, pickLba(r, last));
                    case 1 -> d.put64(off + 40, pickLba(r, last));
                    case 2 -> d.write(off, new byte[16]);
                    default -> d.set(off + r.nextInt(128), r.nextInt(256));
                }
            }
            case 5 -> d.set(lbs + r.nextInt(lbs), r.nextInt(256)); // any byte of the primary header
            default -> d.set(backup + r.nextInt(lbs), r.nextInt(256)); // case 6: any byte of the backup header
        }
    }

    @Property(tries = 300)
    void mutatedGptNeverYieldsAPartitionTheKernelWouldNot(@ForAll long seed) {
        Random r = new Random(seed);
        GptDisk g = randomGpt(r);
        LabelDisk d = g.disk();
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
            mutate(d, r);
        }
        if (r.nextInt(10) < 7) {
            d.fixGpt(1); // mutated but checksummed: the interesting case
        }
        if (r.nextBoolean()) {
            d.fixGpt(d.lastLba());
        }
        int lbs = d.logicalBlockSize();
        long ss = lbs / 512;
        long lastLba = d.lastLba();
        byte[] mbr = d.read(0, 512);
        byte[] h = d.read(lbs, lbs);

        ParsedPartitions[] byEra = new ParsedPartitions[2];
        int[] results = new int[2];
        for (Profile profile : Profile.values()) {
            ParsedPartitions st = d.state(g.limit());
            int res = new Efi(profile).parse(st);
            byEra[profile.ordinal()] = st;
            results[profile.ordinal()] = res;
            assertTrue(res == 0 || res == 1, "reads do not fail here, so never -1: " + res);
            if (res == 0) {
                assertEquals(Set.of(), filled(st));
                assertEquals(" " + d.diskName() + ":", st.ppBuf());
                assertEquals(List.of(), st.warnings);
                continue;
            }
            // The protective MBR and the primary header passed the kernel's checks.
            assertTrue((mbr[510] & 0xff) == 0x55 && (mbr[511] & 0xff) == 0xaa);
            boolean pmbr = false;
            for (int i = 0; i < 4; i++) {
                pmbr |= (mbr[0x1be + 16 * i + 4] & 0xff) == 0xee && le32(mbr, 0x1be + 16 * i + 8) == 1;
            }
            assertTrue(pmbr, "no 0xEE record starting at LBA 1");
            assertEquals(0x5452415020494645L, le64(h, 0));
            long headerSize = le32(h, 12);
            assertTrue(headerSize <= lbs);
            assertTrue(!ParserRules.of(profile).gptHeaderChecks618() || headerSize >= 92);
            byte[] z = h.clone();
            z[16] = z[17] = z[18] = z[19] = 0;
            CRC32 crc = new CRC32();
            crc.update(z, 0, (int) headerSize);
            assertEquals(crc.getValue(), le32(h, 16), "header CRC");
            assertEquals(1, le64(h, 24));
            long firstUsable = le64(h, 40);
            long lastUsable = le64(h, 48);
            assertTrue(Long.compareUnsigned(firstUsable, lastLba) <= 0);
            assertTrue(Long.compareUnsigned(lastUsable, lastLba) <= 0);
            assertTrue(!ParserRules.of(profile).gptHeaderChecks618() || Long.compareUnsigned(firstUsable, lastUsable) <= 0);
            assertEquals(128, le32(h, 84));
            long num = le32(h, 80);
            assertTrue(num > 0);

            // Every partition is a valid entry of the primary array, below the limit.
            long entryBase = le64(h, 72) * lbs;
            StringBuilder log = new StringBuilder(" ").append(d.diskName()).append(':');
            for (int n = 1; n < st.limit(); n++) {
                boolean inTable = n <= num;
                byte[] e = inTable ? d.read(entryBase + 128L * (n - 1), 128) : new byte[128];
                boolean typeSet = false;
                for (int k = 0; k < 16; k++) {
                    typeSet |= e[k] != 0;
                }
                long start = le64(e, 32);
                long end = le64(e, 40);
                boolean valid = inTable && typeSet && Long.compareUnsigned(start, lastLba) <= 0
                        && Long.compareUnsigned(end, lastLba) <= 0;
                if (st.size(n) != 0 || st.from(n) != 0) {
                    assertTrue(valid, "slot " + n + " from an invalid entry");
                }
                if (valid && num * 128 <= (1 << 22)) {
                    // (With a 2.6.32 u32-wrapped count the kernel reads past its buffer; not checked.)
                    assertEquals(start * ss, st.from(n), "from " + n);
                    assertEquals((end - start + 1) * ss, st.size(n), "size " + n);
                    log.append(' ').append(pname(d.diskName())).append(n);
                }
            }
            log.append('\n');
            if (num * 128 <= (1 << 22)) {
                assertEquals(log.toString(), st.ppBuf());
            }
            for (String w : st.warnings) {
                assertTrue(WARNING.matcher(w).matches(), w);
            }
        }
        Statistics.label("gpt accepted by 2.6.32 / 6.18").collect(results[0], results[1]);
        if (results[Profile.LINUX_2_6_32.ordinal()] == 1 && results[Profile.LINUX_6_18.ordinal()] == 0) {
            // Only the documented era differences separate them.
            boolean documented = le32(h, 12) < 92
                    || Long.compareUnsigned(le64(h, 48), le64(h, 40)) < 0
                    || le32(h, 80) * 128 > (1 << 22)
                    || byEra[Profile.LINUX_6_18.ordinal()].accessBeyondEod();
            assertTrue(documented, "2.6.32 accepted what 6.18 rejected for no documented reason");
        }
        // 2.6.32 checks less, so whatever 6.18 accepts it accepts, with the same partitions.
        if (results[Profile.LINUX_6_18.ordinal()] == 1) {
            assertEquals(1, results[Profile.LINUX_2_6_32.ordinal()]);
            assertSameSlots(byEra[0], byEra[1]);
        }
        // The userland reader must not throw either.
        GptLabel.read(d.reader(), lbs, d.logicalSectors());
    }
}
