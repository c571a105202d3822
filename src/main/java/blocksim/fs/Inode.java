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

        /**
         * Whether this is a shmem directory (tmpfs, devtmpfs): {@code simple_dir_operations} give it
         * {@code noop_fsync} and {@code simple_dir_inode_operations} an {@code rmdir}; kernfs and
         * procfs directories have neither (fsync EINVAL, rmdir EPERM, measured on 6.18).
         */
        default boolean shmem() {
            return enforcesNameMax();
        }

        /** Whether the entries are symlinks to elsewhere ({@code /sys/block/*} point into {@code /sys/devices}). */
        default boolean entriesAreLinks() {
            return false;
        }
    }

    /**
     * A regular file of the tmpfs-like root, held as tmpfs holds it ({@code mm/shmem.c}): in pages
     * of 4 KiB that exist only where something was written, so a file can be sparse up to
     * {@code MAX_LFS_FILESIZE} (LLONG_MAX), holes read as zeros, and SEEK_DATA/SEEK_HOLE find the
     * pages ({@code mm/filemap.c:mapping_seek_hole_data}).
     */
    final class Regular implements Inode {
        private static final int PAGE = 4096;
        private final java.util.TreeMap<Long, byte[]> pages = new java.util.TreeMap<>();
        private long size;
        private final int perm;
        /** The disk filesystem that writes this file back, or null (tmpfs). */
        Backing backing;
        /** Its last name is gone (unlink, or a rename over it); open files still hold it. */
        boolean unlinked;

        public Regular(int perm) {
            this.perm = perm;
        }

        @Override
        public int perm() {
            return perm;
        }

        public long size() {
            return size;
        }

        /** Reads up to {@code len} bytes at {@code pos}: 0 at or past the end; holes are zeros. */
        public int read(long pos, byte[] buf, int off, int len) {
            if (pos >= size) {
                return 0;
            }
            int n = (int) Math.min(len, size - pos);
            for (int done = 0; done < n; ) {
                long at = pos + done;
                int in = (int) (at % PAGE);
                int chunk = Math.min(n - done, PAGE - in);
                byte[] page = pages.get(at / PAGE);
                if (page == null) {
                    java.util.Arrays.fill(buf, off + done, off + done + chunk, (byte) 0);
                } else {
                    System.arraycopy(page, in, buf, off + done, chunk);
                }
                done += chunk;
            }
            return n;
        }

        /** Writes {@code len} bytes at {@code pos} (the caller has checked that pos + len does not overflow). */
        public int write(long pos, byte[] buf, int off, int len) {
            for (int done = 0; done < len; ) {
                long at = pos + done;
                int in = (int) (at % PAGE);
                int chunk = Math.min(len - done, PAGE - in);
                System.arraycopy(buf, off + done, pages.computeIfAbsent(at / PAGE, k -> new byte[PAGE]), in, chunk);
                if (backing != null) {
                    backing.pageDirtied(this, at / PAGE);
                }
                done += chunk;
            }
            if (pos + len > size) {
                size = pos + len;
                if (backing != null) {
                    backing.inodeChanged(this);
                }
            }
            return len;
        }

        public void truncate() {
            setSize(0);
        }

        /**
         * {@code shmem_fallocate} (and ext4's, for the model's ext): the pages of {@code [pos,
         * pos+len)} exist from now on, zeroed where they did not, and the size grows to the end
         * unless {@code keepSize}.
         */
        public void allocate(long pos, long len, boolean keepSize) {
            for (long pg = pos / PAGE; pg <= (pos + len - 1) / PAGE; pg++) {
                if (!pages.containsKey(pg)) {
                    pages.put(pg, new byte[PAGE]);
                    if (backing != null) {
                        backing.pageDirtied(this, pg);
                    }
                }
            }
            if (!keepSize && pos + len > size) {
                size = pos + len;
                if (backing != null) {
                    backing.inodeChanged(this);
                }
            }
        }

        /** Puts a page read from the disk into the cache, clean. */
        void loadPage(long index, byte[] page) {
            pages.put(index, page);
        }

        /** The page at {@code index} as cached, or null for a hole. */
        byte[] page(long index) {
            return pages.get(index);
        }

        /** The indexes of the pages that exist. */
        java.util.NavigableSet<Long> pageIndexes() {
            return pages.navigableKeySet();
        }

        /** How many pages exist. */
        int pageCount() {
            return pages.size();
        }

        /** Sets the size as a mount reads it, without telling the filesystem. */
        void loadSize(long newSize) {
            size = newSize;
        }

        /**
         * {@code truncate_setsize} on tmpfs ({@code shmem_setattr}): a smaller size drops the pages
         * past it and zeroes the rest of the page it ends in; a larger one leaves a hole.
         */
        public void setSize(long newSize) {
            if (newSize < size) {
                pages.tailMap((newSize + PAGE - 1) / PAGE, true).clear();
                byte[] last = newSize % PAGE == 0 ? null : pages.get(newSize / PAGE);
                if (last != null) {
                    java.util.Arrays.fill(last, (int) (newSize % PAGE), PAGE, (byte) 0);
                    if (backing != null) {
                        backing.pageDirtied(this, newSize / PAGE);
                    }
                }
            }
            size = newSize;
            if (backing != null) {
                backing.inodeChanged(this);
            }
        }

        /**
         * SEEK_DATA ({@code data}) or SEEK_HOLE from {@code start}, as {@code shmem_file_llseek}:
         * ENXIO (as -1) for a negative start or one at or past the end; the first byte of a page
         * that exists at or after {@code start} (SEEK_DATA, ENXIO when none before the end), or the
         * first byte at or after it in no page, or the end (SEEK_HOLE).
         */
        public long seekData(long start, boolean data) {
            if (start < 0 || start >= size) {
                return -1;
            }
            long index = start / PAGE;
            if (data) {
                Long next = pages.ceilingKey(index);
                if (next == null || next * PAGE >= size) {
                    return -1;
                }
                return next == index ? start : next * PAGE;
            }
            long at = index;
            while (pages.containsKey(at)) {
                at++;
            }
            return at == index ? start : Math.min(at * PAGE, size);
        }
    }

    /** A device node: block ({@code brw-rw---- root disk}) or character. */
    record Device(boolean block, DevT rdev, int perm, int gid) implements Inode {
    }

    /**
     * A file generated on open (procfs and sysfs attributes), read-only unless it has a
     * {@code writer}, which takes what a write(2) gives it and returns the count or -errno (as
     * {@code /proc/sysrq-trigger}'s {@code write_sysrq_trigger}).
     */
    record Generated(Supplier<String> content, boolean sysfs, Writer writer, int perm) implements Inode {

        /** A procfs file. */
        public Generated(Supplier<String> content) {
            this(content, false);
        }

        public Generated(Supplier<String> content, boolean sysfs) {
            this(content, sysfs, null, 0444);
        }
    }

    /** What a writable generated file does with a write. */
    interface Writer {
        long write(blocksim.api.Task task, byte[] data);
    }
}
