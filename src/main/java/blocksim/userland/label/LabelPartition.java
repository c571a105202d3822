package blocksim.userland.label;

/**
 * One partition as a userspace tool (partx, sfdisk, libblkid) sees it in an on-disk label.
 *
 * @param number   the partition number: the MBR slot 1-4 for primaries, 5 upwards for logicals in
 *                 chain order; the entry index + 1 for GPT
 * @param start    first sector, in logical sectors of the disk, from the start of the disk
 * @param size     length in logical sectors (for an extended partition, its whole area)
 * @param type     the MBR system indicator byte (0x83, 0x05, ...), or 0 for a GPT entry
 * @param typeGuid the GPT partition type GUID in lower-case canonical form, or {@code null} for MBR
 */
public record LabelPartition(int number, long start, long size, int type, String typeGuid) {

    /** An MBR partition. */
    public static LabelPartition dos(int number, long start, long size, int type) {
        return new LabelPartition(number, start, size, type, null);
    }

    /** A GPT partition. */
    public static LabelPartition gpt(int number, long start, long size, String typeGuid) {
        return new LabelPartition(number, start, size, 0, typeGuid);
    }

    /** Last sector, inclusive. */
    public long end() {
        return start + size - 1;
    }
}
