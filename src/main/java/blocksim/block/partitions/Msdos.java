package blocksim.block.partitions;

import blocksim.api.Profile;

/**
 * The PC BIOS (MBR, "msdos") partition table as the kernel reads it: primaries in slots 1-4, and
 * logical partitions from 5 up found by walking the chain of extended boot records.
 *
 * <p>Sources: 6.18 {@code block/partitions/msdos.c}, 2.6.32 {@code fs/partitions/msdos.c}. The two
 * eras differ here in only two visible ways: 6.18 looks for an AIX label <em>before</em> it insists
 * on the 0x55AA signature (so an AIX disk without one is still logged as {@code [AIX]}), 2.6.32
 * after; and 2.6.32 reads through {@code read_dev_sector}, which sees zeros past the end of the
 * disk instead of failing and noting {@code access_beyond_eod}.
 *
 * <p>Not modelled: the second pass of {@code msdos_partition} that looks for sub-labels inside
 * FreeBSD/NetBSD/OpenBSD (0xa5/0xa9/0xa6), Minix (0x81), UnixWare (0x63) and Solaris x86
 * (0x82/0xbf) primaries. This parser behaves as a kernel built without
 * {@code CONFIG_BSD_DISKLABEL}, {@code CONFIG_MINIX_SUBPARTITION}, {@code CONFIG_UNIXWARE_DISKLABEL}
 * and {@code CONFIG_SOLARIS_X86_PARTITION} (6.18's defaults; the 2.6.32 x86_64 defconfig turns them
 * on). A kernel with them differs only when such a primary carries that sub-label's magic, or, in
 * 6.18, when the probe sector of such a primary lies past the end of the disk (which sets
 * {@code access_beyond_eod}). {@code CONFIG_AIX_PARTITION} is taken as off (the default in both
 * eras), so an AIX disk is only logged.
 */
final class Msdos implements PartitionParser {

    private static final int TABLE = 0x1be;
    private static final int ENTRY = 16;

    private static final int DOS_EXTENDED = 0x05;
    private static final int WIN98_EXTENDED = 0x0f;
    private static final int LINUX_EXTENDED = 0x85;
    private static final int LINUX_SWAP = 0x82; // also SOLARIS_X86_PARTITION
    private static final int LINUX_DATA = 0x83;
    private static final int LINUX_LVM = 0x8e;
    private static final int LINUX_RAID = 0xfd;
    private static final int DM6 = 0x54;
    private static final int EZD = 0x55;
    private static final int EFI_GPT = 0xee;

    /** {@code parse_extended} gives up after this many links in a row without a data partition. */
    private static final int MAX_EMPTY_LINKS = 100;

    private final ParserRules rules;
    private final boolean efiConfigured;

    /** A parser for a kernel built with {@code CONFIG_EFI_PARTITION} (both eras' default). */
    Msdos(Profile profile) {
        this(profile, true);
    }

    /**
     * @param efiConfigured whether the kernel has {@code CONFIG_EFI_PARTITION}; only then does a
     *                      0xEE entry make this parser step aside for the GPT one
     */
    Msdos(Profile profile, boolean efiConfigured) {
        this.rules = ParserRules.of(profile);
        this.efiConfigured = efiConfigured;
    }

    @Override
    public String name() {
        return "msdos";
    }

    /**
     * 6.18 {@code block/partitions/msdos.c:msdos_partition}; 2.6.32
     * {@code fs/partitions/msdos.c:msdos_partition}.
     */
    @Override
    public int parse(ParsedPartitions state) {
        long sectorSize = state.disk().logicalBlockSize() / 512;
        byte[] data = read(state, 0);
        if (data == null) {
            return -1;
        }
        boolean aixFirst = rules.aixFirst();
        // 6.18 checks for AIX first because unbootable AIX disks carry no 0x55AA.
        if (aixFirst && aixMagicPresent(state, data)) {
            state.ppBuf.append(" [AIX]");
            return 0;
        }
        if (!msdosMagicPresent(data, 510)) {
            return 0;
        }
        if (!aixFirst && aixMagicPresent(state, data)) {
            state.ppBuf.append(" [AIX]");
            return 0;
        }

        // With 0x55AA present this is a partition table or a FAT boot sector; a boot flag other
        // than 0 or 0x80 rules out the table.
        for (int slot = 1; slot <= 4; slot++) {
            int bootInd = u8(data, entry(slot));
            if (bootInd != 0 && bootInd != 0x80) {
                if (slot == 1 && looksLikeFatBootSector(data)) {
                    // Recognised, no partitions: both eras end the log line here.
                    state.ppBuf.append('\n');
                    return 1;
                }
                return 0;
            }
        }

        if (efiConfigured) {
            for (int slot = 1; slot <= 4; slot++) {
                if (sysInd(data, entry(slot)) == EFI_GPT) {
                    return 0;
                }
            }
        }

        state.next = 5;
        for (int slot = 1; slot <= 4; slot++) {
            int e = entry(slot);
            long start = startSect(data, e) * sectorSize;
            long size = nrSects(data, e) * sectorSize;
            if (size == 0) {
                continue;
            }
            int sys = sysInd(data, e);
            if (isExtended(sys)) {
                // Only a stub of the extended partition is exposed: enough for a boot loader,
                // too little for someone to mkfs it by mistake.
                long stub = minUnsigned(size, Math.max(sectorSize, 2));
                state.putPartition(slot, start, stub);
                state.ppBuf.append(" <");
                parseExtended(state, start, size);
                state.ppBuf.append(" >");
                continue;
            }
            state.putPartition(slot, start, size);
            if (sys == LINUX_RAID && slot < state.limit) {
                state.raid[slot] = true;
            }
            if (sys == DM6) {
                state.ppBuf.append("[DM]");
            }
            if (sys == EZD) {
                state.ppBuf.append("[EZD]");
            }
        }
        state.ppBuf.append('\n');
        // (The sub-label second pass would run here; see the class comment.)
        return 1;
    }

    /**
     * Walks the EBR chain of the extended partition at {@code firstSector} (512-byte sectors) of
     * {@code firstSize} sectors, giving each data entry the next logical number.
     *
     * <p>6.18 {@code block/partitions/msdos.c:parse_extended}; 2.6.32
     * {@code fs/partitions/msdos.c:parse_extended}.
     */
    private void parseExtended(ParsedPartitions state, long firstSector, long firstSize) {
        long sectorSize = state.disk().logicalBlockSize() / 512;
        long thisSector = firstSector;
        long thisSize = firstSize;
        int emptyLinks = 0;
        // With a limit below 5 (never in 6.18, whose limit is 256; a disk with fewer than 5 minors
        // in 2.6.32) state.next starts above the limit, so neither "next == limit" stop can fire
        // and a cyclic chain whose every link holds data would make the kernel spin until the int
        // wraps, about 2^32 reads. Only in that case do we cut the walk short (see below).
        long linksFollowed = 0;

        while (true) {
            if (++emptyLinks > MAX_EMPTY_LINKS) {
                return;
            }
            if (state.next == state.limit) {
                return;
            }
            if (state.next > state.limit && ++linksFollowed > 65536) {
                return; // a bound of ours, not the kernel's
            }
            byte[] data = read(state, thisSector);
            if (data == null) {
                return;
            }
            if (!msdosMagicPresent(data, 510)) {
                return;
            }

            // Data entries first. Usually only entry 1 is one, but DR-DOS and OS/2 put them
            // elsewhere; entries 3 and 4 are only believed if they fit this link and the area.
            for (int i = 0; i < 4; i++) {
                int e = TABLE + i * ENTRY;
                int sys = sysInd(data, e);
                if (nrSects(data, e) == 0 || isExtended(sys)) {
                    continue;
                }
                long offs = startSect(data, e) * sectorSize;
                long size = nrSects(data, e) * sectorSize;
                long next = thisSector + offs;
                if (i >= 2) {
                    if (Long.compareUnsigned(offs + size, thisSize) > 0) {
                        continue;
                    }
                    if (Long.compareUnsigned(next, firstSector) < 0) {
                        continue;
                    }
                    if (Long.compareUnsigned(next + size, firstSector + firstSize) > 0) {
                        continue;
                    }
                }
                state.putPartition(state.next, next, size);
                if (sys == LINUX_RAID && state.next < state.limit) {
                    state.raid[state.next] = true;
                }
                emptyLinks = 0;
                if (++state.next == state.limit) {
                    return;
                }
            }

            // Then follow the first extended entry of this EBR, if any, to the next link. Its
            // start is relative to the whole extended partition, not to this EBR.
            int link = -1;
            for (int i = 0; i < 4; i++) {
                int e = TABLE + i * ENTRY;
                if (nrSects(data, e) != 0 && isExtended(sysInd(data, e))) {
                    link = e;
                    break;
                }
            }
            if (link < 0) {
                return;
            }
            thisSector = firstSector + startSect(data, link) * sectorSize;
            thisSize = nrSects(data, link) * sectorSize;
        }
    }

    /**
     * An AIX physical volume: "IBMA" in EBCDIC at the start, no Linux-looking primary, and
     * {@code _LVM} at the start of sector 7.
     *
     * <p>6.18 {@code block/partitions/msdos.c:aix_magic_present}; 2.6.32
     * {@code fs/partitions/msdos.c:aix_magic_present}.
     */
    private boolean aixMagicPresent(ParsedPartitions state, byte[] data) {
        if (!(u8(data, 0) == 0xc9 && u8(data, 1) == 0xc2 && u8(data, 2) == 0xd4 && u8(data, 3) == 0xc1)) {
            return false;
        }
        for (int slot = 1; slot <= 4; slot++) {
            int sys = sysInd(data, entry(slot));
            if (sys == LINUX_SWAP || sys == LINUX_RAID || sys == LINUX_DATA || sys == LINUX_LVM
                    || isExtended(sys)) {
                return false;
            }
        }
        byte[] d = read(state, 7);
        return d != null && d[0] == '_' && d[1] == 'L' && d[2] == 'V' && d[3] == 'M';
    }

    /**
     * The FAT boot sector test: reserved sectors and FAT count non-zero and a valid media byte.
     *
     * <p>6.18 {@code include/linux/msdos_fs.h:fat_valid_media} on
     * {@code include/uapi/linux/msdos_fs.h:struct fat_boot_sector}; 2.6.32
     * {@code include/linux/msdos_fs.h:fat_valid_media}.
     */
    private static boolean looksLikeFatBootSector(byte[] data) {
        int reserved = u8(data, 14) | u8(data, 15) << 8;
        int fats = u8(data, 16);
        int media = u8(data, 21);
        return reserved != 0 && fats != 0 && (media >= 0xf8 || media == 0xf0);
    }

    /** The era's sector read: {@code read_part_sector} in 6.18, {@code read_dev_sector} in 2.6.32. */
    private byte[] read(ParsedPartitions state, long n) {
        return rules.readPartSector() ? state.readPartSector(n) : state.readDevSector(n);
    }

    /**
     * The three extended types: DOS 0x05, Win98 LBA 0x0f and Linux 0x85.
     *
     * <p>6.18 {@code block/partitions/msdos.c:is_extended_partition}; 2.6.32
     * {@code fs/partitions/msdos.c:is_extended_partition}.
     */
    private static boolean isExtended(int sys) {
        return sys == DOS_EXTENDED || sys == WIN98_EXTENDED || sys == LINUX_EXTENDED;
    }

    /**
     * 0x55, 0xAA at {@code off}.
     *
     * <p>6.18 {@code block/partitions/msdos.c:msdos_magic_present}; 2.6.32
     * {@code fs/partitions/msdos.c:msdos_magic_present}.
     */
    private static boolean msdosMagicPresent(byte[] data, int off) {
        return u8(data, off) == 0x55 && u8(data, off + 1) == 0xaa;
    }

    private static int entry(int slot) {
        return TABLE + (slot - 1) * ENTRY;
    }

    private static int sysInd(byte[] data, int entry) {
        return u8(data, entry + 4);
    }

    /**
     * An entry's le32 start (unsigned, as {@code sector_t}).
     *
     * <p>6.18 {@code block/partitions/msdos.c:start_sect}; 2.6.32 {@code fs/partitions/msdos.c:start_sect}.
     */
    private static long startSect(byte[] data, int entry) {
        return le32(data, entry + 8);
    }

    /**
     * An entry's le32 length (unsigned, as {@code sector_t}).
     *
     * <p>6.18 {@code block/partitions/msdos.c:nr_sects}; 2.6.32 {@code fs/partitions/msdos.c:nr_sects}.
     */
    private static long nrSects(byte[] data, int entry) {
        return le32(data, entry + 12);
    }

    private static int u8(byte[] data, int off) {
        return data[off] & 0xff;
    }

    private static long le32(byte[] data, int off) {
        return Integer.toUnsignedLong(
                u8(data, off) | u8(data, off + 1) << 8 | u8(data, off + 2) << 16 | u8(data, off + 3) << 24);
    }

    private static long minUnsigned(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
