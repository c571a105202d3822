package blocksim.fs;

import blocksim.kernel.DevT;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a path names. Directories of the root filesystem and regular files live in memory
 * (tmpfs-like); {@code /dev}, {@code /proc} and {@code /sys} are generated from the kernel's state
 * each time they are looked at, as devtmpfs, procfs and sysfs are.
 */
public sealed interface Inode permits Inode.Dir, Inode.Regular, Inode.Device, Inode.Generated {

    /** Permission bits (the low 9 bits of {@code st_mode}). */
    int perm();

    /** The owning uid and gid. */
    default int uid() {
        return 0;
    }

    default int gid() {
        return 0;
    }

    /** A directory: its entries, sorted by name. */
    non-sealed interface Dir extends Inode {
        Optional<Inode> lookup(String name);

        List<String> list();

        /** Whether a lookup of a name longer than NAME_MAX (255 bytes) is ENAMETOOLONG rather than ENOENT. */
        default boolean enforcesNameMax() {
            return false;
        }
    }

    /** A regular file whose bytes the filesystem holds. */
    final class Regular implements Inode {
        private byte[] data = new byte[0];
        private int size;
        private final int perm;

        public Regular(int perm) {
            this.perm = perm;
        }

        @Override
        public int perm() {
            return perm;
        }

        public int size() {
            return size;
        }

        public int read(long pos, byte[] buf, int off, int len) {
            if (pos >= size) {
                return 0;
            }
            int n = (int) Math.min(len, size - pos);
            System.arraycopy(data, (int) pos, buf, off, n);
            return n;
        }

        public int write(long pos, byte[] buf, int off, int len) {
            long end = pos + len;
            if (end > Integer.MAX_VALUE - 8) {
                return -1;
            }
            if (end > data.length) {
                byte[] bigger = new byte[(int) Math.max(end, Math.min((long) data.length * 2, Integer.MAX_VALUE - 8))];
                System.arraycopy(data, 0, bigger, 0, size);
                data = bigger;
            }
            System.arraycopy(buf, off, data, (int) pos, len);
            size = (int) Math.max(size, end);
            return len;
        }

        public void truncate() {
            data = new byte[0];
            size = 0;
        }
    }

    /** A device node: block ({@code brw-rw---- root disk}) or character. */
    record Device(boolean block, DevT rdev, int perm, int gid) implements Inode {
    }

    /** A read-only file generated on open (procfs and sysfs attributes). */
    record Generated(Supplier<String> content) implements Inode {
        @Override
        public int perm() {
            return 0444;
        }
    }
}
