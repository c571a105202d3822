package blocksim.kernel;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * The order in which 6.18 sysfs lists a directory: kernfs keeps each directory's children in an
 * rbtree ordered by {@code kernfs_name_hash(name, ns)} and then by name ({@code fs/kernfs/dir.c:
 * kernfs_name_compare}), and readdir walks that tree. So {@code /sys/block} reads back in hash
 * order (measured on 6.18.44: {@code loop1 loop8 loop6 loop13 loop4 loop11 loop2 loop0 loop9 ...}),
 * which is the order losetup lists devices in.
 */
public final class Kernfs {

    private Kernfs() {
    }

    /** {@code GOLDEN_RATIO_64} of {@code include/linux/hash.h}. */
    private static final long GOLDEN_RATIO_64 = 0x61C8864680B583EBL;

    /**
     * {@code kernfs_name_hash(name, NULL)}: {@code partial_name_hash} over the bytes,
     * {@code end_name_hash} ({@code hash_64(x, 32)} on 64-bit), 31 bits, with 0, 1 and INT_MAX
     * reserved.
     */
    public static int nameHash(String name) {
        long hash = 0;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            long c = b & 0xff; // the kernel's char is signed, but names here are ASCII
            hash = (hash + (c << 4) + (c >> 4)) * 11;
        }
        long h = (hash * GOLDEN_RATIO_64) >>> 32;
        h &= 0x7fffffffL;
        if (h < 2) {
            h += 2;
        }
        if (h >= Integer.MAX_VALUE) {
            h = Integer.MAX_VALUE - 1;
        }
        return (int) h;
    }

    /** {@code kernfs_name_compare} with no namespace: hash first, then the name. */
    public static final Comparator<String> ORDER = Comparator.comparingInt(Kernfs::nameHash)
            .thenComparing(Comparator.naturalOrder());
}
