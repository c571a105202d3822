package blocksim.block;

import blocksim.api.Errno;
import blocksim.api.Task;

/**
 * read(2) and write(2) on a block device file: 6.18 {@code block/fops.c:blkdev_read_iter} and
 * {@code blkdev_write_iter}; 2.6.32 {@code mm/filemap.c:generic_file_aio_read} and
 * {@code generic_write_checks} for block devices. The page cache is not modelled: data goes to and
 * from the medium through bios at once, in whole sectors (a partial sector is read, patched and
 * written back, as the page cache would).
 */
public final class Fops {

    private final Genhd genhd;

    public Fops(Genhd genhd) {
        this.genhd = genhd;
    }

    /** The device's size in bytes as the file layer sees it (2.6.32: the inode size set at open). */
    private long size(BlockDevice bdev) {
        return genhd.rules.liveSize() ? bdev.nrSects << 9 : bdev.iSize;
    }

    /** Reads at {@code pos}: 0 at or past the end, a short count across it. */
    public long read(BlockDevice bdev, long pos, byte[] buf, int off, int len, Task task) {
        long size = size(bdev);
        if (len == 0 || pos >= size) {
            return 0;
        }
        int n = (int) Math.min(len, size - pos);
        int ret = rw(Bio.Op.READ, bdev, pos, buf, off, n, task);
        return ret < 0 ? ret : n;
    }

    /**
     * Writes at {@code pos}. 6.18: EPERM on a read-only device, 0 for an empty write, ENOSPC at or
     * past the end, a short count across it. 2.6.32: EPERM, then ENOSPC when past the end or at it
     * with a non-empty write, a short count across it.
     */
    public long write(BlockDevice bdev, long pos, byte[] buf, int off, int len, Task task) {
        if (bdev.readOnly()) {
            return -Errno.EPERM.number();
        }
        long size = size(bdev);
        if (genhd.rules.emptyWriteAnywhere()) {
            if (len == 0) {
                return 0;
            }
            if (pos >= size) {
                return -Errno.ENOSPC.number();
            }
        } else {
            if (pos >= size && (len != 0 || pos > size)) {
                return -Errno.ENOSPC.number();
            }
            if (len == 0) {
                return 0;
            }
        }
        int n = (int) Math.min(len, size - pos);
        int ret = rw(Bio.Op.WRITE, bdev, pos, buf, off, n, task);
        return ret < 0 ? ret : n;
    }

    /** Moves {@code n} bytes at byte offset {@code pos} of {@code bdev} through sector-aligned bios. */
    private int rw(Bio.Op op, BlockDevice bdev, long pos, byte[] buf, int off, int n, Task task) {
        long first = pos / 512;
        long last = (pos + n - 1) / 512;
        int sectors = Math.toIntExact(last - first + 1);
        byte[] bounce = new byte[sectors * 512];
        int skip = (int) (pos % 512);
        if (op == Bio.Op.WRITE && (skip != 0 || (pos + n) % 512 != 0)) {
            int ret = submit(Bio.Op.READ, bdev, first, bounce, task);
            if (ret < 0) {
                return ret;
            }
        }
        if (op == Bio.Op.WRITE) {
            System.arraycopy(buf, off, bounce, skip, n);
        }
        int ret = submit(op, bdev, first, bounce, task);
        if (ret < 0) {
            return ret;
        }
        if (op == Bio.Op.READ) {
            System.arraycopy(bounce, skip, buf, off, n);
        }
        return 0;
    }

    /** The buffer in bios of at most {@link Bio#MAX_VECS} pages each ({@code bio_alloc} per batch of pages), one after another. */
    private int submit(Bio.Op op, BlockDevice bdev, long first, byte[] bounce, Task task) {
        int most = Bio.MAX_VECS * Bio.PAGE;
        for (int done = 0; done < bounce.length; done += most) {
            int n = Math.min(most, bounce.length - done);
            int ret = genhd.blk.submitBio(new Bio(op, bdev, first + done / 512, bounce, done, n), task);
            if (ret < 0) {
                return ret;
            }
        }
        return 0;
    }
}
