package blocksim.block.partitions;

import blocksim.api.Profile;

/**
 * The partition parsers' era rules, chosen once at boot ({@link #of}); see {@code BlockRules} for
 * why the code asks a rule, not the profile. docs/profiles.md lists each ("Where the code asks").
 *
 * @param readPartSector     6.18 {@code block/partitions/core.c:read_part_sector} (a read past the
 *                           end sets {@code access_beyond_eod}); 2.6.32
 *                           {@code fs/partitions/check.c:read_dev_sector}
 * @param aixFirst           6.18 {@code msdos_partition} looks for the AIX magic before the 0x55AA
 *                           signature (unbootable AIX disks have none); 2.6.32 after it
 * @param silentNoTable      6.18 {@code check_partition}: a disk no parser recognises logs nothing,
 *                           a read past the end is ENOSPC and the scan line comes after parsing;
 *                           2.6.32 logs {@code " unknown partition table"} ({@code warn_no_part}),
 *                           read errors are EIO, and {@code " sda:"} is printed before parsing, so
 *                           parser warnings split the scan line, which then goes out at KERN_WARNING
 * @param gptHeaderChecks618 6.18 {@code block/partitions/efi.c:is_gpt_valid}: a header smaller than
 *                           {@code struct gpt_header} and last usable LBA before the first are
 *                           refused, and the entry array's size is computed in 64 bits; 2.6.32
 *                           has neither check and multiplies in u32
 * @param scanLineMax        how much of the scan line one log record keeps: 6.18's parsers collect
 *                           it in {@code pp_buf} and {@code check_partition} prints it with one
 *                           {@code printk(KERN_INFO "%s")}, whose record {@code vprintk_store}
 *                           caps at {@code PRINTKRB_RECORD_MAX} (1024) bytes with the 2-byte level
 *                           header and the NUL, so 1021 characters of text, the newline lost past
 *                           them (6.1's {@code LOG_LINE_MAX} was 992); 2.6.32's {@code put_partition}
 *                           prints each name with a printk of its own, so nothing is cut (0)
 */
public record ParserRules(boolean readPartSector, boolean aixFirst, boolean silentNoTable, boolean gptHeaderChecks618,
                          int scanLineMax) {

    public static final ParserRules LINUX_2_6_32 = new ParserRules(false, false, false, false, 0);
    public static final ParserRules LINUX_6_18 = new ParserRules(true, true, true, true, 1021);

    /** The rules of an era. */
    public static ParserRules of(Profile profile) {
        return switch (profile) {
            case LINUX_2_6_32 -> LINUX_2_6_32;
            case LINUX_6_18 -> LINUX_6_18;
        };
    }
}
