package blocksim.block.partitions;

import blocksim.api.Errno;
import blocksim.api.KernelConfig;
import blocksim.kernel.Printk;
import blocksim.api.Profile;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the compiled-in parsers over a disk in the kernel's order and logs the result:
 * 6.18 {@code block/partitions/core.c:check_partition}, 2.6.32 {@code fs/partitions/check.c:check_partition}.
 *
 * <p>The order is the kernel's {@code check_part[]} table: EFI before MSDOS, so a GPT disk never
 * reaches the msdos parser, and msdos refuses a disk whose MBR holds a 0xEE entry when efi is
 * compiled in. The first parser to return a positive value wins; an I/O error from one parser is
 * remembered while the next is tried.
 */
public final class CheckPartition {

    /**
     * The outcome of a scan: a recognised table ({@code state} non-null), nothing recognised
     * ({@code state} null, {@code error} 0), or a read error ({@code error} a negative errno:
     * -EIO, or in 6.18 -ENOSPC when a parser wanted sectors past the end of the disk).
     */
    public record Result(ParsedPartitions state, int error) {
    }

    private final ParserRules rules;
    private final List<PartitionParser> parsers = new ArrayList<>();

    public CheckPartition(Profile profile, KernelConfig config) {
        this.rules = ParserRules.of(profile);
        boolean efi = config.hasParser("efi");
        for (String name : config.partitionParsers()) {
            parsers.add(switch (name) {
                case "efi" -> new Efi(profile);
                case "msdos" -> new Msdos(profile, efi);
                default -> throw new IllegalArgumentException(name);
            });
        }
    }

    /** The parsers in probing order. */
    public List<String> parserNames() {
        return parsers.stream().map(PartitionParser::name).toList();
    }

    /**
     * Scans {@code disk} with {@code limit} slots ({@code state->limit}: 256 in 6.18,
     * {@code disk_max_parts()} in 2.6.32) and logs as the era does.
     *
     * <p>6.18 buffers the text in {@code pp_buf} and prints it at KERN_INFO only when a table was
     * recognised, or with {@code " unable to read partition table"} after a read error; an
     * unrecognised disk logs nothing. 2.6.32 prints as it goes and ends an unrecognised disk with
     * {@code " unknown partition table"}.
     */
    public Result check(SectorSource disk, int limit, Printk printk) {
        ParsedPartitions state = new ParsedPartitions(disk, limit);
        int res = 0;
        int err = 0;
        for (int i = 0; res == 0 && i < parsers.size(); i++) {
            state.clearSlots();
            res = parsers.get(i).parse(state);
            if (res < 0) {
                err = res;
                res = 0;
            }
        }
        if (res > 0) {
            log(printk, state, "");
            return new Result(state, 0);
        }
        if (rules.silentNoTable()) {
            if (state.accessBeyondEod) {
                err = -Errno.ENOSPC.number();
            }
            if (err != 0) {
                log(printk, state, " unable to read partition table\n");
                return new Result(null, err);
            }
            log(printk, state, null);
            return new Result(null, 0);
        }
        // 2.6.32: warn_no_part defaults to 1, so read errors are reported.
        log(printk, state, err != 0 ? " unable to read partition table\n" : " unknown partition table\n");
        return new Result(null, err != 0 ? -Errno.EIO.number() : 0);
    }

    /**
     * Prints the parsers' warnings and the scan line. {@code tail} is appended to the scan text;
     * null means the scan text is not printed (6.18, nothing recognised).
     */
    private void log(Printk printk, ParsedPartitions state, String tail) {
        String text = state.ppBuf.toString();
        String head = " " + state.disk().diskName() + ":";
        if (!rules.silentNoTable() && !state.warnings.isEmpty()) {
            // 2.6.32 printed " sda:" before parsing, so parser warnings split the scan line.
            printk.printk(Printk.Level.INFO, head);
            text = text.substring(head.length());
        }
        for (String w : state.warnings) {
            printk.printk(Printk.Level.WARNING, w + "\n");
        }
        if (tail == null) {
            return;
        }
        String line = text + tail;
        if (!line.endsWith("\n")) {
            line = line + "\n";
        }
        if (rules.scanLineMax() > 0 && line.length() - 1 > rules.scanLineMax()) {
            // one record: cut at PRINTKRB_RECORD_MAX, in the middle of a name if it falls there
            line = line.substring(0, rules.scanLineMax()) + "\n";
        }
        printk.printk(rules.silentNoTable() || state.warnings.isEmpty() ? Printk.Level.INFO : Printk.Level.WARNING, line);
    }
}
