package blocksim.kernel;

/**
 * A device number: {@code include/linux/kdev_t.h} MKDEV/MAJOR/MINOR with 20 minor bits, the
 * in-kernel encoding used by both eras.
 */
public record DevT(int major, int minor) implements Comparable<DevT> {

    /** {@code MINORBITS}. */
    public static final int MINOR_BITS = 20;
    /** {@code BLOCK_EXT_MAJOR}: the "blkext" major for partitions beyond a disk's minor range. */
    public static final int BLOCK_EXT_MAJOR = 259;

    public DevT {
        if (major < 0 || major >= 4096 || minor < 0 || minor >= (1 << MINOR_BITS)) {
            throw new IllegalArgumentException("bad dev_t " + major + ":" + minor);
        }
    }

    public static DevT mkdev(int major, int minor) {
        return new DevT(major, minor);
    }

    /** As {@code /sys/.../dev} and {@code ls -l} show it: {@code 8:1}. */
    @Override
    public String toString() {
        return major + ":" + minor;
    }

    @Override
    public int compareTo(DevT o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }
}
