package blocksim.block.partitions;

/**
 * One on-disk partition-table format, as one entry of the kernel's {@code check_part[]} table.
 *
 * <p>The return convention is the kernel's: a positive value means the table was recognised and
 * the scan stops; 0 means "not this format"; a negative value is an I/O error, which is remembered
 * while the next parser is tried.
 */
interface PartitionParser {

    /** The config name: {@code msdos} ({@code CONFIG_MSDOS_PARTITION}) or {@code efi}. */
    String name();

    /** Parses {@code state.disk()}, filling slots and the log text of {@code state}. */
    int parse(ParsedPartitions state);
}
