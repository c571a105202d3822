package blocksim.fs;

import blocksim.block.Bdev;
import blocksim.block.BlockDevice;
import blocksim.uapi.OpenFlags;

/**
 * An open file ({@code struct file}): what a descriptor refers to. It holds the inode, the open
 * flags, the position, the file operations chosen at open ({@link FileOps}, as {@code f_op}), and
 * for a block device node the device it opened, for a generated file the content as it was at
 * open.
 */
public final class File {

    final Inode inode;
    final int flags;
    final FileOps ops;
    /** The path it was opened by, made absolute and plain ({@code f_path}, as names go). */
    String path;
    /** The mount it was opened through ({@code f_path.mnt}): its superblock decides freezing and read-only. */
    Mount mount;
    BlockDevice bdev;
    /** A character device's open file, for its driver. */
    blocksim.block.CharDriver.CharFile chr;
    byte[] snapshot;
    long pos;
    /** Where the last write started (the end of the file for O_APPEND, found once the write could go on). */
    long writeStart;
    /** {@code f_count}: descriptors and kernel users (a loop device's backing file) holding it. */
    int count = 1;

    File(Inode inode, int flags, FileOps ops) {
        this.inode = inode;
        this.flags = flags;
        this.ops = ops;
    }

    public Mount mount() {
        return mount;
    }

    /** The path it was opened by ({@code file_path}, as far as names go). */
    public String path() {
        return path;
    }

    public Inode inode() {
        return inode;
    }

    public int flags() {
        return flags;
    }

    public long pos() {
        return pos;
    }

    public long writeStart() {
        return writeStart;
    }

    public void pos(long pos) {
        this.pos = pos;
    }

    /** The block device a device node's open reached, or null. */
    public BlockDevice bdev() {
        return bdev;
    }

    public boolean readable() {
        return OpenFlags.readable(flags);
    }

    public boolean writable() {
        return OpenFlags.writable(flags);
    }

    /** The block layer's open mode ({@code FMODE_READ}, {@code FMODE_WRITE}, {@code FMODE_EXCL}). */
    public int mode() {
        int m = 0;
        if (readable()) {
            m |= Bdev.MODE_READ;
        }
        if (writable()) {
            m |= Bdev.MODE_WRITE;
        }
        if ((flags & OpenFlags.O_EXCL) != 0) {
            m |= Bdev.MODE_EXCL;
        }
        return m;
    }

    /** The O_EXCL holder: the file itself. */
    public Object holder() {
        return (flags & OpenFlags.O_EXCL) != 0 ? this : null;
    }
}
