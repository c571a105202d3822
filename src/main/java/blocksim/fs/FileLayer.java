package blocksim.fs;

import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.Kernel.Stat;
import blocksim.api.Task;
import blocksim.block.Fops;
import blocksim.block.Genhd;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import java.util.List;

/**
 * The VFS's file calls, as {@code fs/open.c}, {@code fs/read_write.c}, {@code fs/ioctl.c},
 * {@code fs/namei.c} and {@code fs/stat.c} make them on top of the path walk ({@link Vfs}): each
 * opened {@link File} carries the operations of its inode ({@link FileOps}, chosen at open), so
 * reads, writes, seeks, ioctls and releases never switch on the kind of inode. Results are 0 or
 * positive, or {@code -errno}; the system-call layer above ({@code SimKernel}) owns the
 * descriptors and the checks made before a file is looked at (EBADF, the mode, rw_verify_area).
 */
public final class FileLayer {

    private final Vfs vfs;
    private final Genhd genhd;
    private final Fops fops;
    private final FsRules rules;

    public FileLayer(Vfs vfs, Genhd genhd, Fops fops, FsRules rules) {
        this.vfs = vfs;
        this.genhd = genhd;
        this.fops = fops;
        this.rules = rules;
    }

    /** An opened file, or the errno of the open. */
    public record Opened(File file, Errno errno) {
    }

    /** Unix permission bits for {@code want} (4 read, 2 write) against the inode's owner/group/other. */
    static boolean permitted(Task task, Inode inode, int want) {
        Credentials c = task.credentials();
        if (c.capSysAdmin()) {
            return true;
        }
        int perm = inode.perm();
        int bits;
        if (c.uid() == inode.uid()) {
            bits = (perm >> 6) & 7;
        } else if (c.gid() == inode.gid()) {
            bits = (perm >> 3) & 7;
        } else {
            bits = perm & 7;
        }
        return (bits & want) == want;
    }

    /**
     * {@code do_sys_open}: the walk (or O_CREAT's, {@link Vfs#create}), EISDIR for writing a
     * directory, ENOTDIR for O_DIRECTORY on anything else, the permission check, then the file's
     * own {@code ->open}.
     */
    public Opened open(Task task, String path, int flags) {
        Inode inode;
        if ((flags & OpenFlags.O_CREAT) != 0) {
            Vfs.Create c = vfs.create(path, (flags & OpenFlags.O_EXCL) != 0);
            if (c.errno() != null) {
                return new Opened(null, c.errno());
            }
            inode = c.inode();
        } else {
            Vfs.Lookup l = vfs.lookup(path);
            if (l.inode() == null) {
                return new Opened(null, l.errno());
            }
            inode = l.inode();
        }
        boolean write = OpenFlags.writable(flags);
        int want = (OpenFlags.readable(flags) ? 4 : 0) | (write ? 2 : 0);
        if (inode instanceof Inode.Dir) {
            if (write) {
                return new Opened(null, Errno.EISDIR);
            }
        } else if ((flags & OpenFlags.O_DIRECTORY) != 0) {
            return new Opened(null, Errno.ENOTDIR);
        }
        if (!permitted(task, inode, want)) {
            return new Opened(null, Errno.EACCES);
        }
        File f = new File(inode, flags, FileOps.of(inode, genhd, fops, rules));
        int ret = f.ops.open(f, task);
        if (ret < 0) {
            return new Opened(null, Errno.of(-ret).orElseThrow());
        }
        return new Opened(f, null);
    }

    /** The last close of a file ({@code __fput}): its {@code ->release}. */
    public void release(File f, Task task) {
        f.ops.release(f, task);
    }

    /** {@code vfs_read} after the mode and {@code rw_verify_area} checks. */
    public long read(File f, byte[] buf, int off, int len, long pos, Task task) {
        return f.ops.read(f, buf, off, len, pos, task);
    }

    /** {@code vfs_write} after the mode and {@code rw_verify_area} checks. */
    public long write(File f, byte[] buf, int off, int len, long pos, Task task) {
        return f.ops.write(f, buf, off, len, pos, task);
    }

    /** Where an O_APPEND write starts: the end of a regular file, else the position. */
    public long appendPosition(File f) {
        return (f.flags & OpenFlags.O_APPEND) != 0 && f.inode instanceof Inode.Regular reg ? reg.size() : f.pos;
    }

    /**
     * {@code ksys_lseek}: a whence above the era's SEEK_MAX is EINVAL before the file sees it
     * (unsigned: a negative one too), then the file's {@code ->llseek}.
     */
    public long lseek(File f, long offset, int whence) {
        if (Integer.toUnsignedLong(whence) > rules.seekMax()) {
            return -Errno.EINVAL.number();
        }
        return f.ops.llseek(f, offset, whence);
    }

    /**
     * {@code fs/ioctl.c:do_vfs_ioctl}: FIFREEZE and FITHAW first, for the filesystem holding the
     * file (none of the model's filesystems can freeze yet: EPERM without CAP_SYS_ADMIN, else
     * EOPNOTSUPP, {@code ioctl_fsfreeze}), then the file's own ioctl ({@code vfs_ioctl}; ENOTTY
     * where it has none).
     */
    public int ioctl(File f, long cmd, IoctlArg arg, Task task) {
        Errno freeze = freezeAnswer(cmd, task);
        if (freeze != null) {
            return -freeze.number();
        }
        return f.ops.ioctl(f, cmd, arg, task);
    }

    /**
     * {@code ioctl_fsfreeze}/{@code ioctl_fsthaw} on the filesystems the model has (none can
     * freeze yet): EPERM without CAP_SYS_ADMIN, else EOPNOTSUPP; null for any other request. The
     * native adapter answers a run's FIFREEZE with this too, so it never reaches a machine's
     * filesystem.
     */
    public static Errno freezeAnswer(long cmd, Task task) {
        if (cmd != Ioctl.FIFREEZE && cmd != Ioctl.FITHAW) {
            return null;
        }
        return task.capSysAdmin() ? Errno.EOPNOTSUPP : Errno.EPERM;
    }

    /** {@code do_mkdirat}: EEXIST, the parent's walk, EACCES where nothing can be created or written. */
    public int mkdir(Task task, String path, int mode) {
        if (vfs.lookup(path).inode() != null) {
            return -Errno.EEXIST.number();
        }
        Vfs.ParentLookup pl = vfs.parent(path);
        if (pl.errno() != null) {
            return -pl.errno().number();
        }
        if (pl.parent().dir().lookup(pl.parent().name()).isPresent()) {
            // a file there, whatever the trailing slash says (filename_create: -EEXIST)
            return -Errno.EEXIST.number();
        }
        if (!(pl.parent().dir() instanceof TmpDir dir) || !permitted(task, dir, 2)) {
            return -Errno.EACCES.number();
        }
        dir.put(pl.parent().name(), new TmpDir(mode & 07777));
        return 0;
    }

    /** {@code do_unlinkat}: the walk, EISDIR for a directory, EACCES where nothing can be removed. */
    public int unlink(Task task, String path) {
        Vfs.Lookup l = vfs.lookup(path);
        if (l.inode() == null) {
            return -l.errno().number();
        }
        if (l.inode() instanceof Inode.Dir) {
            return -Errno.EISDIR.number();
        }
        Vfs.ParentLookup pl = vfs.parent(path);
        if (!(pl.parent().dir() instanceof TmpDir dir) || !permitted(task, dir, 2)) {
            return -Errno.EACCES.number();
        }
        dir.remove(pl.parent().name());
        return 0;
    }

    /** {@code vfs_getattr}, reduced to what the tools need: the errno of the walk, or the attributes. */
    public Errno stat(String path, Stat[] out) {
        Vfs.Lookup l = vfs.lookup(path);
        Inode i = l.inode();
        if (i == null) {
            return l.errno();
        }
        out[0] = attributes(i);
        return null;
    }

    /** fstat: the open file's inode's attributes. */
    public Stat fstat(File f) {
        return attributes(f.inode);
    }

    /**
     * {@code vfs_fsync} (and fdatasync): the file's {@code ->fsync}, or EINVAL where it has none
     * (measured on 6.18: /dev/null, /proc files and kernfs or procfs directories are EINVAL; tmpfs
     * files and directories and sysfs files are 0).
     */
    public int fsync(File f, Task task) {
        return f.ops.fsync(f, task);
    }

    /**
     * {@code do_sys_ftruncate} after the caller's EINVAL for a negative length and EBADF: EINVAL
     * unless the file is a regular file open for writing, then {@code do_truncate} (tmpfs:
     * {@code shmem_setattr}, sizes up to {@code MAX_LFS_FILESIZE}).
     */
    public int ftruncate(File f, long length) {
        if (!(f.inode instanceof Inode.Regular reg) || !f.writable()) {
            return -Errno.EINVAL.number();
        }
        reg.setSize(length);
        return 0;
    }

    /**
     * {@code do_rmdir} (6.18 {@code fs/namei.c}, 2.6.32 alike): the parent's walk; then a last
     * component of {@code ..} is ENOTEMPTY, of {@code .} EINVAL, the root EBUSY; the name is looked
     * up (ENOENT); {@code may_delete}: EACCES without write and search permission on the parent,
     * ENOTDIR for anything but a directory (the entries of /sys/block are symlinks); EPERM where the
     * parent's filesystem has no {@code ->rmdir} (kernfs, procfs); EBUSY for a mount point (/dev,
     * /proc, /sys); ENOTEMPTY ({@code simple_rmdir}). Measured on 6.18 for each case.
     */
    public int rmdir(Task task, String path) {
        PathName p = PathName.of(path);
        if (p.failed()) {
            return -p.errno().number();
        }
        java.util.List<String> parts = p.components();
        if (parts.isEmpty()) {
            return -Errno.EBUSY.number();
        }
        Vfs.Lookup up = vfs.walkParts(parts.subList(0, parts.size() - 1));
        if (up.errno() != null) {
            return -up.errno().number();
        }
        if (!(up.inode() instanceof Inode.Dir parent)) {
            return -Errno.ENOTDIR.number();
        }
        String name = parts.getLast();
        if (name.equals("..")) {
            return -Errno.ENOTEMPTY.number();
        }
        if (name.equals(".")) {
            return -Errno.EINVAL.number();
        }
        if (parent.enforcesNameMax() && PathName.tooLong(name)) {
            return -Errno.ENAMETOOLONG.number();
        }
        java.util.Optional<Inode> victim = parent.lookup(name);
        if (victim.isEmpty()) {
            return -Errno.ENOENT.number();
        }
        if (!permitted(task, parent, 3)) {
            return -Errno.EACCES.number();
        }
        if (!(victim.get() instanceof Inode.Dir dir) || parent.entriesAreLinks()) {
            return -Errno.ENOTDIR.number();
        }
        if (!parent.shmem()) {
            return -Errno.EPERM.number();
        }
        if (vfs.isMountPoint(dir)) {
            return -Errno.EBUSY.number();
        }
        if (!dir.list().isEmpty()) {
            return -Errno.ENOTEMPTY.number();
        }
        ((TmpDir) parent).remove(name);
        return 0;
    }

    private static Stat attributes(Inode i) {
        return switch (i) {
            case Inode.Dir d -> new Stat(Stat.Type.DIRECTORY, d.perm(), 0, 0, 0, 0, 0);
            case Inode.Regular r -> new Stat(Stat.Type.REGULAR, r.perm(), 0, 0, 0, 0, r.size());
            // a sysfs attribute shows a size of a page, a procfs file 0
            case Inode.Generated g -> new Stat(Stat.Type.REGULAR, g.perm(), 0, 0, 0, 0, g.sysfs() ? 4096 : 0);
            case Inode.Device d -> new Stat(d.block() ? Stat.Type.BLOCK_DEVICE : Stat.Type.CHAR_DEVICE,
                    d.perm(), 0, d.gid(), d.rdev().major(), d.rdev().minor(), 0);
        };
    }

    /** getdents: the names of a directory, or ENOTDIR / the walk's errno. */
    public Errno list(String path, List<List<String>> out) {
        Vfs.Lookup l = vfs.lookup(path);
        if (l.inode() == null) {
            return l.errno();
        }
        if (!(l.inode() instanceof Inode.Dir d)) {
            return Errno.ENOTDIR;
        }
        out.add(d.list());
        return null;
    }
}
