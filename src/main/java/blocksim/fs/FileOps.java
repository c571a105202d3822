package blocksim.fs;

import blocksim.api.Errno;
import blocksim.api.Task;
import blocksim.block.Bdev;
import blocksim.block.BlockDevice;
import blocksim.block.Fops;
import blocksim.block.Genhd;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * A file's operations ({@code struct file_operations}), chosen once when it is opened from the kind
 * of its inode, so the file layer asks the file, never switches on the inode. Results are the
 * kernel's convention: 0 or positive, or {@code -errno}. The checks every file shares (the fd,
 * the mode, {@code rw_verify_area}, SEEK_MAX, FIFREEZE) are the caller's, before these run.
 */
public sealed interface FileOps permits FileOps.Dir, FileOps.Shmem, FileOps.Ext, FileOps.Seq, FileOps.Mem, FileOps.CharDev, FileOps.BlockDev {

    /** {@code ->open}: 0, or {@code -errno} (nothing is left open then). */
    default int open(File f, Task task) {
        return 0;
    }

    /** {@code ->release}, at the last close. */
    default void release(File f, Task task) {
    }

    /** {@code ->read_iter} at {@code pos}. */
    long read(File f, byte[] buf, int off, int len, long pos, Task task);

    /** {@code ->write_iter} at {@code pos}. */
    long write(File f, byte[] buf, int off, int len, long pos, Task task);

    /** {@code ->llseek}: the new position, or {@code -errno}; whence is 0 to 4 here. */
    long llseek(File f, long offset, int whence);

    /** {@code ->fsync} (also for fdatasync): files without one answer EINVAL ({@code vfs_fsync_range}). */
    default int fsync(File f, Task task) {
        return -Errno.EINVAL.number();
    }

    /** {@code ->poll}: the ready mask; files without one are always ready ({@code DEFAULT_POLLMASK}). */
    default int poll(File f, Task task) {
        return 0x145;
    }

    /** What a poller of the file waits on, or null. */
    default blocksim.kernel.WaitQueue pollQueue(File f) {
        return null;
    }

    /** {@code ->unlocked_ioctl}: files without one answer ENOTTY ({@code vfs_ioctl}). */
    default int ioctl(File f, long cmd, IoctlArg arg, Task task) {
        return -Errno.ENOTTY.number();
    }

    /** The file operations of an inode. */
    static FileOps of(Inode inode, SuperBlock sb, Filesystems fss, Genhd genhd, Fops fops, FsRules rules) {
        return switch (inode) {
            case Inode.Dir d -> Dir.INSTANCE;
            case Inode.Regular r when sb.ext != null -> new Ext(fss);
            case Inode.Regular r -> Shmem.INSTANCE;
            case Inode.Generated g -> Seq.INSTANCE;
            case Inode.Device d when d.block() -> new BlockDev(genhd, fops, rules);
            case Inode.Device d when genhd.chrdev(d.rdev()).isPresent() -> new CharDev(genhd.chrdev(d.rdev()).get().driver());
            case Inode.Device d -> Mem.INSTANCE;
        };
    }

    /** {@code generic_file_llseek_size}'s arithmetic: SEEK_SET, SEEK_CUR, SEEK_END over {@code size}. */
    private static long seek(File f, long offset, int whence, long size) {
        long base = switch (whence) {
            case 0 -> 0;
            case 1 -> f.pos;
            case 2 -> size;
            default -> -1;
        };
        if (base < 0 || base + offset < 0) {
            return -Errno.EINVAL.number();
        }
        f.pos = base + offset;
        return f.pos;
    }

    /** A directory of tmpfs, devtmpfs, procfs or sysfs: {@code generic_read_dir}, {@code dcache_dir_lseek}. */
    record Dir() implements FileOps {
        static final Dir INSTANCE = new Dir();

        @Override
        public long read(File f, byte[] buf, int off, int len, long pos, Task task) {
            return -Errno.EISDIR.number();
        }

        @Override
        public long write(File f, byte[] buf, int off, int len, long pos, Task task) {
            return -Errno.EBADF.number();
        }

        /** {@code noop_fsync} for shmem directories; kernfs and procfs ones have no ->fsync. */
        @Override
        public int fsync(File f, Task task) {
            return ((Inode.Dir) f.inode).shmem() ? 0 : -Errno.EINVAL.number();
        }

        /** {@code fs/libfs.c:dcache_dir_lseek}: SEEK_SET and SEEK_CUR only. */
        @Override
        public long llseek(File f, long offset, int whence) {
            return whence > 1 ? -Errno.EINVAL.number() : seek(f, offset, whence, 0);
        }
    }

    /** A file of the tmpfs-like root ({@code mm/shmem.c:shmem_file_operations}). */
    record Shmem() implements FileOps {
        static final Shmem INSTANCE = new Shmem();

        @Override
        public long read(File f, byte[] buf, int off, int len, long pos, Task task) {
            return ((Inode.Regular) f.inode).read(pos, buf, off, len);
        }

        @Override
        public long write(File f, byte[] buf, int off, int len, long pos, Task task) {
            return ((Inode.Regular) f.inode).write(pos, buf, off, len);
        }

        /** {@code noop_fsync}: tmpfs has nothing to write back. */
        @Override
        public int fsync(File f, Task task) {
            return 0;
        }

        /** {@code shmem_file_llseek}: SEEK_DATA and SEEK_HOLE over the pages that exist, else the generic rules. */
        @Override
        public long llseek(File f, long offset, int whence) {
            Inode.Regular reg = (Inode.Regular) f.inode;
            if (whence == 3 || whence == 4) {
                long at = reg.seekData(offset, whence == 3);
                if (at < 0) {
                    return -Errno.ENXIO.number();
                }
                f.pos = at;
                return at;
            }
            return seek(f, offset, whence, reg.size());
        }
    }

    /**
     * A file of the model's ext2/3/4 ({@code fs/ext4/file.c:ext4_file_operations}): its pages are
     * the page cache, read and written as tmpfs's are; fsync writes them back and commits
     * ({@code ext4_sync_file}).
     */
    record Ext(Filesystems fss) implements FileOps {

        @Override
        public long read(File f, byte[] buf, int off, int len, long pos, Task task) {
            return Shmem.INSTANCE.read(f, buf, off, len, pos, task);
        }

        /** ENOSPC when the data blocks could not hold the new pages ({@code ext4_da_reserve_space}). */
        @Override
        public long write(File f, byte[] buf, int off, int len, long pos, Task task) {
            if (!f.mount.sb.ext.hasRoom((Inode.Regular) f.inode, pos, len)) {
                return -Errno.ENOSPC.number();
            }
            return Shmem.INSTANCE.write(f, buf, off, len, pos, task);
        }

        @Override
        public long llseek(File f, long offset, int whence) {
            return Shmem.INSTANCE.llseek(f, offset, whence);
        }

        @Override
        public int fsync(File f, Task task) {
            return fss.fsync(f, task);
        }
    }

    /** A procfs or sysfs file: its content generated at open ({@code seq_file}, {@code kernfs}), read only. */
    record Seq() implements FileOps {
        static final Seq INSTANCE = new Seq();

        @Override
        public int open(File f, Task task) {
            Inode.Generated g = (Inode.Generated) f.inode;
            if (f.writable() && g.writer() == null) {
                return -Errno.EACCES.number();
            }
            f.snapshot = g.content().get().getBytes(StandardCharsets.UTF_8);
            return 0;
        }

        @Override
        public long read(File f, byte[] buf, int off, int len, long pos, Task task) {
            if (pos >= f.snapshot.length) {
                return 0;
            }
            int n = (int) Math.min(len, f.snapshot.length - pos);
            System.arraycopy(f.snapshot, (int) pos, buf, off, n);
            return n;
        }

        @Override
        public long write(File f, byte[] buf, int off, int len, long pos, Task task) {
            Inode.Writer w = ((Inode.Generated) f.inode).writer();
            return w == null ? -Errno.EBADF.number() : w.write(task, Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public long llseek(File f, long offset, int whence) {
            return whence > 2 ? -Errno.EINVAL.number() : seek(f, offset, whence, f.snapshot.length);
        }

        /** kernfs files have {@code noop_fsync}; procfs ones have no ->fsync (measured on 6.18). */
        @Override
        public int fsync(File f, Task task) {
            return ((Inode.Generated) f.inode).sysfs() ? 0 : -Errno.EINVAL.number();
        }
    }

    /** /dev/null and /dev/zero ({@code drivers/char/mem.c}). */
    record Mem() implements FileOps {
        static final Mem INSTANCE = new Mem();

        /** {@code read_zero} fills the buffer; {@code read_null} is at its end at once. */
        @Override
        public long read(File f, byte[] buf, int off, int len, long pos, Task task) {
            if (((Inode.Device) f.inode).rdev().minor() == 5) {
                Arrays.fill(buf, off, off + len, (byte) 0);
                return len;
            }
            return 0;
        }

        /** {@code write_null}, {@code write_zero}: everything is taken. */
        @Override
        public long write(File f, byte[] buf, int off, int len, long pos, Task task) {
            return len;
        }

        /** {@code null_lseek} (zero_lseek is the same, both eras): position 0, whatever is asked. */
        @Override
        public long llseek(File f, long offset, int whence) {
            f.pos = 0;
            return 0;
        }
    }

    /**
     * A character device of a registered region ({@code fs/char_dev.c:chrdev_open}, then the
     * cdev's file operations): ENXIO when no region has the number any more.
     */
    record CharDev(blocksim.block.CharDriver driver) implements FileOps {
        @Override
        public int open(File f, Task task) {
            f.chr = new blocksim.block.CharDriver.CharFile(((Inode.Device) f.inode).rdev().minor());
            return driver.open(f.chr, task);
        }

        @Override
        public void release(File f, Task task) {
            driver.release(f.chr, task);
        }

        @Override
        public long read(File f, byte[] buf, int off, int len, long pos, Task task) {
            return -Errno.EINVAL.number();
        }

        @Override
        public long write(File f, byte[] buf, int off, int len, long pos, Task task) {
            return -Errno.EINVAL.number();
        }

        /** {@code noop_llseek} for a driver without ->llseek: the position stays. */
        @Override
        public long llseek(File f, long offset, int whence) {
            return f.pos;
        }

        @Override
        public int ioctl(File f, long cmd, IoctlArg arg, Task task) {
            return driver.ioctl(f.chr, cmd, arg, task);
        }

        @Override
        public int poll(File f, Task task) {
            return driver.poll(f.chr, task);
        }

        @Override
        public blocksim.kernel.WaitQueue pollQueue(File f) {
            return driver.pollQueue(f.chr);
        }
    }

    /** A block device node ({@code block/fops.c:def_blk_fops}; 2.6.32 {@code fs/block_dev.c}). */
    record BlockDev(Genhd genhd, Fops fops, FsRules rules) implements FileOps {

        /** {@code blkdev_open}: ENXIO when no device has the number, then the block layer's open. */
        @Override
        public int open(File f, Task task) {
            Optional<BlockDevice> bdev = genhd.lookup(((Inode.Device) f.inode).rdev());
            if (bdev.isEmpty()) {
                return -Errno.ENXIO.number();
            }
            f.bdev = bdev.get();
            return genhd.bdev().blkdevGet(f.bdev, f.mode() & ~Bdev.MODE_EXCL, f.holder(), task);
        }

        @Override
        public void release(File f, Task task) {
            genhd.bdev().blkdevPut(f.bdev, f.mode() & ~Bdev.MODE_EXCL, f.holder(), task);
        }

        @Override
        public long read(File f, byte[] buf, int off, int len, long pos, Task task) {
            return fops.read(f.bdev, pos, buf, off, len, task);
        }

        @Override
        public long write(File f, byte[] buf, int off, int len, long pos, Task task) {
            return fops.write(f.bdev, pos, buf, off, len, task);
        }

        /**
         * {@code block/fops.c:blkdev_llseek} ({@code fixed_size_llseek}) / 2.6.32
         * {@code fs/block_dev.c:block_llseek}: SEEK_SET, SEEK_CUR, SEEK_END over the size the
         * era's file layer sees, and never past it.
         */
        @Override
        public long llseek(File f, long offset, int whence) {
            if (whence > 2) {
                return -Errno.EINVAL.number();
            }
            long size = size(f.bdev);
            long saved = f.pos;
            long r = seek(f, offset, whence, size);
            if (r > size) {
                f.pos = saved;
                return -Errno.EINVAL.number();
            }
            return r;
        }

        @Override
        public int ioctl(File f, long cmd, IoctlArg arg, Task task) {
            return genhd.ioctl().blkdevIoctl(f.bdev, f.mode(), cmd, arg, task);
        }

        /**
         * {@code blkdev_fsync}: the model writes through, so only the flush is left, which a disk
         * without a medium fails (measured on 6.18: fsync of an unbound loop device is EIO).
         */
        @Override
        public int fsync(File f, Task task) {
            return f.bdev.disk().capacity() == 0 ? -Errno.EIO.number() : 0;
        }

        /** The size the file layer sees: 6.18 the live size, 2.6.32 the inode size set at open. */
        long size(BlockDevice bdev) {
            return rules.liveSize() ? bdev.nrSects() << 9 : bdev.inodeSize();
        }
    }
}
