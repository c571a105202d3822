package blocksim.drivers;

/**
 * Disk-name arithmetic shared by drivers that name disks with letters: sd's
 * {@code sd_format_disk_name} and virtio_blk's {@code virtblk_name_format} count a, b, ..., z,
 * aa, ab, ..., zz, aaa (a bijective base 26).
 */
final class DiskNames {

    private DiskNames() {
    }

    /** The index of the letters after the prefix ({@code "a"} is 0, {@code "aa"} is 26), or -1. */
    static int letterIndex(String letters) {
        if (letters.isEmpty() || letters.length() > 4) {
            return -1;
        }
        int index = 0;
        for (char c : letters.toCharArray()) {
            if (c < 'a' || c > 'z') {
                return -1;
            }
            index = index * 26 + (c - 'a' + 1);
        }
        return index - 1;
    }
}
