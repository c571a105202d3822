package blocksim.userland.label;

/** Where a label encoder puts its sectors: a disk image, a file, a simulated device. */
@FunctionalInterface
public interface SectorWriter {

    /**
     * Writes {@code data} at logical sector {@code lba}. {@code data.length} is a whole number of
     * logical sectors (the encoder's sector size); it may span several consecutive sectors.
     */
    void write(long lba, byte[] data);
}
