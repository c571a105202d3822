package blocksim.userland.label;

/** Where a label reader gets its sectors from. */
@FunctionalInterface
public interface SectorReader {

    /**
     * Reads logical sector {@code lba}: an array of the reader's sector size, or {@code null} when
     * the sector cannot be read (past the end of the disk, or an I/O error).
     */
    byte[] read(long lba);
}
