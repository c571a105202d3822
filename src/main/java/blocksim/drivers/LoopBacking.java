package blocksim.drivers;

import blocksim.api.Errno;
import blocksim.api.Kernel;
import blocksim.api.Task;
import blocksim.block.BlockDevice;
import blocksim.block.DiskStore;
import blocksim.block.Gendisk;
import blocksim.fs.File;
import blocksim.fs.FileLayer;
import blocksim.fs.Inode;
import blocksim.uapi.OpenFlags;

/**
 * What a loop device is bound to ({@code lo->lo_backing_file}): an open file of the model, held by
 * the driver's own reference ({@code fget} in {@code loop_configure} / {@code loop_set_fd}), or
 * the anonymous image of a {@code disk add loopN}. Reads and writes go to it at byte positions
 * ({@code lo_rw_aio}, 2.6.32 {@code do_bio_filebacked}); the device's size is computed from it.
 */
sealed interface LoopBacking permits LoopBacking.OfFile, LoopBacking.Image {

    /** {@code S_ISBLK} of the backing inode. */
    boolean blockDevice();

    /** {@code S_ISREG} of the backing inode. */
    boolean regular();

    /**
     * The loop device the backing file is a node of ({@code is_loop_device}: a block device on
     * {@code LOOP_MAJOR}), or null.
     */
    Gendisk loopDisk();

    /** The block device node's device ({@code I_BDEV}), or null for a regular file. */
    BlockDevice bdev();

    /** {@code i_size} of the backing inode, in bytes. */
    long size();

    /** Reads at byte {@code pos}: the count (short at the end of the file) or {@code -errno}. */
    long read(long pos, byte[] buf, int off, int len, Task task);

    /** Writes at byte {@code pos}: the count or {@code -errno}. */
    long write(long pos, byte[] buf, int off, int len, Task task);

    /** {@code vfs_fsync}: 0 or {@code -errno}. */
    int fsync(Task task);

    /** {@code file_path}: the absolute path, as {@code loop/backing_file} shows it. */
    String path();

    /** {@code vfs_getattr}'s st_dev, st_ino and st_rdev, for LOOP_GET_STATUS. */
    Kernel.Stat stat();

    /** {@code FMODE_WRITE} of the file. */
    boolean writable();

    /** Whether the file was opened O_DIRECT. */
    boolean direct();

    /**
     * {@code loop_query_min_dio_size}: the filesystem's DIO alignment (ext4 reports its device's
     * logical block size through STATX_DIOALIGN, a block device its own), else 512 (tmpfs).
     */
    int minDioSize();

    /** {@code fput}: the driver lets go of the file. */
    void put(Task task);

    /** A file the caller opened and gave by descriptor. */
    record OfFile(File file, FileLayer files) implements LoopBacking {

        @Override
        public boolean blockDevice() {
            return file.inode() instanceof Inode.Device d && d.block();
        }

        @Override
        public boolean regular() {
            return file.inode() instanceof Inode.Regular;
        }

        @Override
        public Gendisk loopDisk() {
            BlockDevice b = bdev();
            return b != null && b.disk().major() == blocksim.uapi.Loop.LOOP_MAJOR ? b.disk() : null;
        }

        @Override
        public BlockDevice bdev() {
            return blockDevice() ? file.bdev() : null;
        }

        @Override
        public long size() {
            if (file.inode() instanceof Inode.Regular r) {
                return r.size();
            }
            BlockDevice b = bdev();
            return b == null ? 0 : b.nrSects() << 9;
        }

        @Override
        public long read(long pos, byte[] buf, int off, int len, Task task) {
            return files.read(file, buf, off, len, pos, task);
        }

        @Override
        public long write(long pos, byte[] buf, int off, int len, Task task) {
            return files.write(file, buf, off, len, pos, task);
        }

        @Override
        public int fsync(Task task) {
            return files.fsync(file, task);
        }

        /** {@code file_path} ({@code d_path}): " (deleted)" after the name once the file is unlinked. */
        @Override
        public String path() {
            return files.fstat(file).nlink() == 0 && regular() ? file.path() + " (deleted)" : file.path();
        }

        @Override
        public Kernel.Stat stat() {
            return files.fstat(file);
        }

        @Override
        public boolean writable() {
            return file.writable();
        }

        @Override
        public boolean direct() {
            return (file.flags() & OpenFlags.O_DIRECT) != 0;
        }

        @Override
        public int minDioSize() {
            if (blockDevice()) {
                return bdev().disk().logicalBlockSize();
            }
            BlockDevice fsDev = file.mount() == null ? null : file.mount().sb().bdev();
            return fsDev != null ? fsDev.disk().logicalBlockSize() : 512;
        }

        @Override
        public void put(Task task) {
            files.put(file, task);
        }
    }

    /**
     * The image behind {@code disk add loopN}: a file outside the model's tree, as if losetup had
     * bound {@code /var/lib/blocksim/loopN.img}. It has no device or inode number (both 0).
     */
    record Image(DiskStore store, String path) implements LoopBacking {

        @Override
        public boolean blockDevice() {
            return false;
        }

        @Override
        public boolean regular() {
            return true;
        }

        @Override
        public Gendisk loopDisk() {
            return null;
        }

        @Override
        public BlockDevice bdev() {
            return null;
        }

        @Override
        public long size() {
            return store.sizeBytes();
        }

        @Override
        public long read(long pos, byte[] buf, int off, int len, Task task) {
            if (pos >= store.sizeBytes()) {
                return 0;
            }
            int n = (int) Math.min(len, store.sizeBytes() - pos);
            store.read(pos, buf, off, n);
            return n;
        }

        @Override
        public long write(long pos, byte[] buf, int off, int len, Task task) {
            if (pos + len > store.sizeBytes()) {
                return -Errno.ENOSPC.number();
            }
            store.write(pos, buf, off, len);
            return len;
        }

        @Override
        public int fsync(Task task) {
            return 0;
        }

        @Override
        public Kernel.Stat stat() {
            return new Kernel.Stat(Kernel.Stat.Type.REGULAR, 0644, 0, 0, 0, 0, store.sizeBytes());
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public boolean direct() {
            return false;
        }

        @Override
        public int minDioSize() {
            return 512;
        }

        @Override
        public void put(Task task) {
        }
    }
}
