package blocksim.block.partitions;

/**
 * What a partition parser may know of the disk it scans: its name, size and logical block size,
 * and a way to read one 512-byte sector of the whole disk through the page cache.
 *
 * <p>Mirrors the parts of {@code struct gendisk} that {@code block/partitions/*.c} touch.
 */
public interface SectorSource {

    /** {@code disk->disk_name}, such as {@code sda} or {@code loop0}. */
    String diskName();

    /** {@code get_capacity(disk)}: the size in 512-byte sectors. */
    long capacity();

    /** {@code queue_logical_block_size(disk->queue)}: 512 or 4096. */
    int logicalBlockSize();

    /**
     * Reads 512-byte sector {@code n} of the whole disk into a fresh array, or returns
     * {@code null} when the read fails (an I/O error). The caller has already checked that
     * {@code n} lies below {@link #capacity()}.
     */
    byte[] readSector(long n);
}
