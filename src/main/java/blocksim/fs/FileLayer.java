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
    private final Filesystems fss;
    private final Genhd genhd;
    private final Fops fops;
    private final FsRules rules;

    public FileLayer(Filesystems fss, Genhd genhd, Fops fops, FsRules rules) {
        this.vfs = fss.vfs();
        this.fss = fss;
        this.genhd = genhd;
        this.fops = fops;
        this.rules = rules;
    }

    public Filesystems filesystems() {
        return fss;
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
     * {@code do_sys_open}: the walk (or O_CREAT's, {@link Vfs#createWalk}: a new file is made
     * after {@code mnt_want_write}, which waits while the filesystem is frozen in 6.18 and is EROFS
     * on a read-only mount; an existing one is opened without it, {@code lookup_fast_for_open}),
     * EISDIR for writing a directory, ENOTDIR for O_DIRECTORY on anything else, the permission
     * check, EROFS for writing a regular file of a read-only mount, O_TRUNC's {@code do_truncate}
     * (which waits for a thaw), then the file's own {@code ->open}.
     */
    public Opened open(Task task, String path, int flags) {
        Inode inode;
        Mount mount;
        if ((flags & OpenFlags.O_CREAT) != 0) {
            Vfs.CreateWalk c = vfs.createWalk(path, (flags & OpenFlags.O_EXCL) != 0);
            if (c.errno() != null) {
                return new Opened(null, c.errno());
            }
            if (c.existing() != null) {
                inode = c.existing().inode();
                mount = c.existing().mount();
            } else {
                Vfs.Parent p = c.parent();
                int w = fss.wantWrite(p.mount(), task);
                if (w < 0) {
                    return new Opened(null, Errno.of(-w).orElseThrow());
                }
                try {
                    if (!(p.dir() instanceof TmpDir dir) || !permitted(task, dir, 2)) {
                        return new Opened(null, Errno.EACCES);
                    }
                    Inode.Regular file = new Inode.Regular(0644);
                    adopt(dir, file);
                    dir.put(p.name(), file);
                    fss.created(file, p.mount());
                    fss.modified(dir, p.mount());
                    inode = file;
                    mount = p.mount();
                } finally {
                    fss.dropWrite(p.mount(), task);
                }
            }
        } else {
            Vfs.Lookup l = vfs.lookup(path);
            if (l.inode() == null) {
                return new Opened(null, l.errno());
            }
            inode = l.inode();
            mount = l.mount();
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
        if (write && inode instanceof Inode.Regular && mount.readOnly()) {
            return new Opened(null, Errno.EROFS);
        }
        if ((flags & OpenFlags.O_TRUNC) != 0 && write && inode instanceof Inode.Regular reg) {
            int w = fss.wantWrite(mount, task);
            if (w < 0) {
                return new Opened(null, Errno.of(-w).orElseThrow());
            }
            reg.truncate();
            fss.modified(reg, mount);
            fss.dropWrite(mount, task);
        }
        File f = new File(inode, flags, FileOps.of(inode, mount.sb, fss, genhd, fops, rules));
        f.mount = mount;
        f.path = Filesystems.canonical(path);
        int ret = f.ops.open(f, task);
        if (ret < 0) {
            return new Opened(null, Errno.of(-ret).orElseThrow());
        }
        mount.users++;
        return new Opened(f, null);
    }

    /** A new inode in a directory of a disk filesystem is that filesystem's ({@code ext4_new_inode}). */
    private static void adopt(TmpDir parent, Inode child) {
        if (parent.backing instanceof ExtFs ext) {
            ext.adopt(child);
        }
    }

    /** {@code get_file}: one more holder of an open file (a loop device keeps its backing file). */
    public File get(File f) {
        f.count++;
        return f;
    }

    /** {@code fput}: a holder lets go; the last one releases the file. */
    public void put(File f, Task task) {
        if (--f.count == 0) {
            release(f, task);
        }
    }

    /** The last close of a file ({@code __fput}): its {@code ->release}. */
    private void release(File f, Task task) {
        f.ops.release(f, task);
        fss.mountReleased(f.mount, task);
    }

    /** {@code vfs_read} after the mode and {@code rw_verify_area} checks. */
    public long read(File f, byte[] buf, int off, int len, long pos, Task task) {
        return f.ops.read(f, buf, off, len, pos, task);
    }

    /** {@code vfs_write} after the mode and {@code rw_verify_area} checks. */
    public long write(File f, byte[] buf, int off, int len, long pos, Task task) {
        if (!(f.inode instanceof Inode.Regular)) {
            f.writeStart = pos;
            return f.ops.write(f, buf, off, len, pos, task);
        }
        blocksim.kernel.Mutex iMutex = fss.writeLock(f);
        if (iMutex != null) {
            iMutex.lock(task);
        }
        try {
            fss.startWrite(f.mount.sb, task);
            try {
                f.writeStart = appendPosition(f, pos);
                return f.ops.write(f, buf, off, len, f.writeStart, task);
            } finally {
                fss.endWrite(f.mount.sb, task);
            }
        } finally {
            if (iMutex != null) {
                iMutex.unlock(task);
            }
        }
    }

    /** Where an O_APPEND write starts: the end of a regular file (looked at once the write may go on), else {@code pos}. */
    public static long appendPosition(File f, long pos) {
        return (f.flags & OpenFlags.O_APPEND) != 0 && f.inode instanceof Inode.Regular reg ? reg.size() : pos;
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
     * file ({@link Filesystems#freezeIoctl}: on a device node that is devtmpfs, which cannot
     * freeze), then the file's own ioctl ({@code vfs_ioctl}; ENOTTY where it has none).
     */
    public int ioctl(File f, long cmd, IoctlArg arg, Task task) {
        if (cmd == Ioctl.FIFREEZE) {
            return fss.freezeIoctl(f, task);
        }
        if (cmd == Ioctl.FITHAW) {
            return fss.thawIoctl(f, task);
        }
        return f.ops.ioctl(f, cmd, arg, task);
    }

    /**
     * {@code vfs_fallocate} (6.18 {@code fs/open.c}; 2.6.32 {@code do_fallocate}): EINVAL for a
     * negative offset or a length not above 0, EOPNOTSUPP for modes other than 0 and
     * FALLOC_FL_KEEP_SIZE, EBADF unless open for writing, EISDIR for a directory, ENODEV for
     * anything but a regular file or a block device (whose {@code blkdev_fallocate} takes only
     * the punch and zero modes: EOPNOTSUPP), then {@code file_start_write} (waits while frozen),
     * EFBIG past {@code MAX_LFS_FILESIZE}, and the filesystem's own: pages allocated (ENOSPC on a
     * full ext).
     */
    public int fallocate(File f, int mode, long offset, long len, Task task) {
        if (offset < 0 || len <= 0) {
            return -Errno.EINVAL.number();
        }
        if ((mode & ~1) != 0) {
            return -Errno.EOPNOTSUPP.number();
        }
        if (!f.writable()) {
            return -Errno.EBADF.number();
        }
        if (f.inode instanceof Inode.Dir) {
            return -Errno.EISDIR.number();
        }
        if (f.inode instanceof Inode.Device d && d.block()) {
            return -Errno.EOPNOTSUPP.number();
        }
        if (!(f.inode instanceof Inode.Regular reg)) {
            return -Errno.ENODEV.number();
        }
        fss.startWrite(f.mount.sb, task);
        try {
            if (offset + len < 0) {
                return -Errno.EFBIG.number();
            }
            if (f.mount.sb.ext != null && !f.mount.sb.ext.hasRoom(reg, offset, (int) Math.min(Integer.MAX_VALUE, len))) {
                return -Errno.ENOSPC.number();
            }
            reg.allocate(offset, len, (mode & 1) != 0);
            fss.modified(reg, f.mount);
            return 0;
        } finally {
            fss.endWrite(f.mount.sb, task);
        }
    }

    /**
     * poll(2) of one descriptor ({@code do_poll}): the file's mask, kept to {@code events} and
     * POLLERR, POLLHUP, POLLNVAL; when nothing is ready and the timeout allows, the task waits on
     * the file's wait queue (or, for a file with none, sleeps the timeout) and looks again. A
     * negative timeout waits for ever; the answer is the mask, 0 on a timeout.
     */
    public int poll(File f, int events, long timeoutNanos, blocksim.kernel.Scheduler scheduler, Task task) {
        int want = events | 0x8 | 0x10 | 0x20;
        int mask = f.ops.poll(f, task) & want;
        if (mask != 0 || timeoutNanos == 0) {
            return mask;
        }
        blocksim.kernel.WaitQueue q = f.ops.pollQueue(f);
        if (timeoutNanos < 0 && q != null) {
            int[] got = new int[1];
            q.waitEvent(() -> (got[0] = f.ops.poll(f, task) & want) != 0, () -> "waits in poll for " + f.path);
            return got[0];
        }
        long deadline = scheduler.nanos() + Math.max(0, timeoutNanos);
        while (timeoutNanos < 0 || scheduler.nanos() < deadline) {
            scheduler.sleep(timeoutNanos < 0 ? 10_000_000L : Math.min(10_000_000L, deadline - scheduler.nanos()));
            mask = f.ops.poll(f, task) & want;
            if (mask != 0) {
                return mask;
            }
        }
        return 0;
    }

    /**
     * FIFREEZE and FITHAW on a filesystem that cannot freeze (tmpfs, devtmpfs, procfs, sysfs):
     * EPERM without CAP_SYS_ADMIN; FIFREEZE EOPNOTSUPP; FITHAW EINVAL (6.18: nothing is frozen;
     * 2.6.32: no block device); null for any other request. The native adapter answers a run's
     * freeze of such a filesystem with this, so it never reaches a machine's filesystem.
     */
    public static Errno freezeAnswer(long cmd, Task task) {
        if (cmd != Ioctl.FIFREEZE && cmd != Ioctl.FITHAW) {
            return null;
        }
        if (!task.capSysAdmin()) {
            return Errno.EPERM;
        }
        return cmd == Ioctl.FIFREEZE ? Errno.EOPNOTSUPP : Errno.EINVAL;
    }

    /**
     * {@code do_mkdirat}: the parent's walk ({@code filename_create}), {@code mnt_want_write}
     * (waits while frozen), EEXIST for a name that exists, whatever a trailing slash says, then
     * EROFS, then EACCES where nothing can be created or written.
     */
    public int mkdir(Task task, String path, int mode) {
        Vfs.ParentLookup pl = vfs.parent(path);
        if (pl.errno() != null) {
            return vfs.lookup(path).inode() != null ? -Errno.EEXIST.number() : -pl.errno().number();
        }
        Vfs.Parent p = pl.parent();
        int w = fss.wantWrite(p.mount(), task);
        try {
            if (p.dir().lookup(p.name()).isPresent()) {
                return -Errno.EEXIST.number();
            }
            if (w < 0) {
                return w;
            }
            if (!(p.dir() instanceof TmpDir dir) || !permitted(task, dir, 2)) {
                return -Errno.EACCES.number();
            }
            TmpDir made = new TmpDir(mode & 07777);
            adopt(dir, made);
            dir.put(p.name(), made);
            fss.created(made, p.mount());
            fss.modified(dir, p.mount());
            return 0;
        } finally {
            if (w == 0) {
                fss.dropWrite(p.mount(), task);
            }
        }
    }

    /**
     * {@code do_unlinkat}: the parent's walk, {@code mnt_want_write} (waits while frozen; EROFS),
     * the name (ENOENT), EACCES without write permission on the directory, EISDIR for a directory,
     * EPERM in a pseudo filesystem, EBUSY for a mount point.
     */
    public int unlink(Task task, String path) {
        Vfs.ParentLookup pl = vfs.parent(path);
        if (pl.errno() != null) {
            Vfs.Lookup l = vfs.lookup(path);
            return l.inode() instanceof Inode.Dir ? -Errno.EISDIR.number() : -pl.errno().number();
        }
        Vfs.Parent p = pl.parent();
        Vfs.Lookup l = vfs.lookup(path);
        if (l.errno() == Errno.ENOTDIR) {
            return -Errno.ENOTDIR.number();
        }
        int w = fss.wantWrite(p.mount(), task);
        if (w < 0) {
            return w;
        }
        try {
            java.util.Optional<Inode> victim = p.dir().lookup(p.name());
            if (victim.isEmpty()) {
                return -Errno.ENOENT.number();
            }
            // may_delete: write and search permission on the directory, then EISDIR for a
            // directory (a sysfs link to one is a link); vfs_unlink: EPERM where the directory has
            // no ->unlink (sysfs, procfs). Measured on 6.18 as root: unlink of /sys/block/loop0 and
            // of /proc/partitions is EPERM, of /sys/block EISDIR.
            if (!permitted(task, p.dir(), 3)) {
                return -Errno.EACCES.number();
            }
            if (victim.get() instanceof Inode.Dir && !p.dir().entriesAreLinks()) {
                return -Errno.EISDIR.number();
            }
            if (!(p.dir() instanceof TmpDir dir)) {
                return -Errno.EPERM.number();
            }
            dir.remove(p.name());
            if (victim.get() instanceof Inode.Regular r) {
                r.unlinked = true; // open files keep it, with no name (st_nlink 0, d_path " (deleted)")
            }
            fss.modified(dir, p.mount());
            return 0;
        } finally {
            fss.dropWrite(p.mount(), task);
        }
    }

    /**
     * {@code do_renameat2} (both eras alike): both parents' walks, EXDEV across mounts,
     * {@code mnt_want_write} (waits while frozen; EROFS), the old name (ENOENT), EINVAL for a
     * directory moved below itself, ENOTDIR/EISDIR for a directory and a non-directory swapped,
     * ENOTEMPTY over a directory with entries, EBUSY for a mount point, EACCES where nothing can
     * be written. A rename onto itself succeeds and changes nothing.
     */
    public int rename(Task task, String from, String to) {
        Vfs.ParentLookup a = vfs.parent(from);
        if (a.errno() != null) {
            return -(a.errno() == Errno.EEXIST ? Errno.EBUSY : a.errno()).number();
        }
        Vfs.ParentLookup b = vfs.parent(to);
        if (b.errno() != null) {
            return -(b.errno() == Errno.EEXIST ? Errno.EBUSY : b.errno()).number();
        }
        Vfs.Parent pa = a.parent();
        Vfs.Parent pb = b.parent();
        if (pa.mount() != pb.mount()) {
            return -Errno.EXDEV.number();
        }
        int w = fss.wantWrite(pa.mount(), task);
        if (w < 0) {
            return w;
        }
        try {
            java.util.Optional<Inode> src = pa.dir().lookup(pa.name());
            if (src.isEmpty()) {
                return -Errno.ENOENT.number();
            }
            java.util.Optional<Inode> dst = pb.dir().lookup(pb.name());
            if (dst.isPresent() && dst.get() == src.get()) {
                return 0;
            }
            if (src.get() instanceof Inode.Dir sd && (sd == pb.dir() || contains(sd, pb.dir()))) {
                return -Errno.EINVAL.number();
            }
            if (dst.isPresent()) {
                boolean srcDir = src.get() instanceof Inode.Dir;
                boolean dstDir = dst.get() instanceof Inode.Dir;
                if (srcDir && !dstDir) {
                    return -Errno.ENOTDIR.number();
                }
                if (!srcDir && dstDir) {
                    return -Errno.EISDIR.number();
                }
            }
            if (!(pa.dir() instanceof TmpDir da) || !(pb.dir() instanceof TmpDir db) || !permitted(task, da, 3)
                    || !permitted(task, db, 3)) {
                return -Errno.EACCES.number();
            }
            if (dst.isPresent() && dst.get() instanceof Inode.Dir dd && !dd.list().isEmpty()) {
                return -Errno.ENOTEMPTY.number();
            }
            if ((src.get() instanceof Inode.Dir sdir && vfs.isMountPoint(sdir))
                    || (dst.isPresent() && dst.get() instanceof Inode.Dir ddir && vfs.isMountPoint(ddir))) {
                return -Errno.EBUSY.number();
            }
            da.remove(pa.name());
            if (dst.isPresent() && dst.get() != src.get() && dst.get() instanceof Inode.Regular replaced) {
                replaced.unlinked = true;
            }
            db.put(pb.name(), src.get());
            fss.modified(da, pa.mount());
            fss.modified(db, pb.mount());
            fss.changed(src.get(), pa.mount(), false);
            return 0;
        } finally {
            fss.dropWrite(pa.mount(), task);
        }
    }

    private static boolean contains(Inode.Dir dir, Inode.Dir inner) {
        for (String name : dir.list()) {
            Inode i = dir.lookup(name).orElse(null);
            if (i == inner || (i instanceof Inode.Dir d && contains(d, inner))) {
                return true;
            }
        }
        return false;
    }

    /**
     * utimensat(2) with NULL times, {@code fs/utimes.c:do_utimes_path}/{@code vfs_utimes}: the
     * walk, {@code mnt_want_write} (waits while frozen; EROFS), then the owner or write permission
     * (EACCES). Nothing changes: the model keeps no times.
     */
    public int utimens(Task task, String path) {
        Vfs.Lookup l = vfs.lookup(path);
        if (l.errno() != null) {
            return -l.errno().number();
        }
        int w = fss.wantWrite(l.mount(), task);
        if (w < 0) {
            return w;
        }
        try {
            Inode i = l.inode();
            if (task.credentials().uid() != i.uid() && !permitted(task, i, 2)) {
                return -Errno.EACCES.number();
            }
            fss.changed(i, l.mount(), true);
            return 0;
        } finally {
            fss.dropWrite(l.mount(), task);
        }
    }

    /**
     * truncate(2), {@code vfs_truncate}: the walk, EISDIR for a directory, EINVAL for anything
     * but a regular file, {@code mnt_want_write} (waits while frozen; EROFS), EACCES without write
     * permission, then the new size. The caller has answered a negative length with EINVAL.
     */
    public int truncate(Task task, String path, long length) {
        Vfs.Lookup l = vfs.lookup(path);
        if (l.errno() != null) {
            return -l.errno().number();
        }
        if (l.inode() instanceof Inode.Dir) {
            return -Errno.EISDIR.number();
        }
        if (!(l.inode() instanceof Inode.Regular reg)) {
            return -Errno.EINVAL.number();
        }
        int w = fss.wantWrite(l.mount(), task);
        if (w < 0) {
            return w;
        }
        try {
            if (!permitted(task, reg, 2)) {
                return -Errno.EACCES.number();
            }
            reg.setSize(length);
            fss.modified(reg, l.mount());
            return 0;
        } finally {
            fss.dropWrite(l.mount(), task);
        }
    }

    /** {@code vfs_getattr}: the errno of the walk, or the attributes. */
    public Errno stat(String path, Stat[] out) {
        Vfs.Lookup l = vfs.lookup(path);
        Inode i = l.inode();
        if (i == null) {
            return l.errno();
        }
        out[0] = attributes(i, l.mount(), Filesystems.canonical(path));
        return null;
    }

    /** fstat: the open file's inode's attributes. */
    public Stat fstat(File f) {
        return attributes(f.inode, f.mount, f.path);
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
    public int ftruncate(File f, long length, Task task) {
        if (!(f.inode instanceof Inode.Regular reg) || !f.writable()) {
            return -Errno.EINVAL.number();
        }
        fss.startWrite(f.mount.sb, task);
        try {
            reg.setSize(length);
            fss.modified(reg, f.mount);
            return 0;
        } finally {
            fss.endWrite(f.mount.sb, task);
        }
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
        int w = fss.wantWrite(up.mount(), task);
        if (w < 0) {
            return w;
        }
        try {
            return rmdirLocked(task, parent, name);
        } finally {
            fss.dropWrite(up.mount(), task);
        }
    }

    private int rmdirLocked(Task task, Inode.Dir parent, String name) {
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

    /**
     * {@code generic_fillattr}: type, permissions and owner; the rdev of a device node; the size (a
     * sysfs attribute shows a page, a procfs file 0); st_dev, the inode number, the links (a
     * directory: 2 and one per subdirectory), the I/O size (a page; 512 for a block device node,
     * as measured on 6.18), the 512-byte blocks of the pages a file has, and the times.
     */
    private Stat attributes(Inode i, Mount m, String path) {
        Filesystems.Meta meta = fss.meta(i, m, path);
        int[] dev = fss.stDev(m.sb);
        Stat.Type type;
        int rmaj = 0;
        int rmin = 0;
        long size = 0;
        long nlink = 1;
        long blocks = 0;
        int blksize = 4096;
        int gid = i.gid();
        switch (i) {
            case Inode.Dir d -> {
                type = Stat.Type.DIRECTORY;
                nlink = 2;
                for (String name : d.list()) {
                    if (d.lookup(name).orElse(null) instanceof Inode.Dir && !d.entriesAreLinks()) {
                        nlink++;
                    }
                }
                if (m.sb.ext != null) {
                    size = 4096;
                    blocks = 8;
                }
            }
            case Inode.Regular r -> {
                type = Stat.Type.REGULAR;
                size = r.size();
                blocks = r.pageCount() * 8L;
                nlink = r.unlinked ? 0 : 1;
            }
            case Inode.Generated g -> {
                type = Stat.Type.REGULAR;
                size = g.sysfs() ? 4096 : 0;
            }
            case Inode.Device d -> {
                type = d.block() ? Stat.Type.BLOCK_DEVICE : Stat.Type.CHAR_DEVICE;
                rmaj = d.rdev().major();
                rmin = d.rdev().minor();
                blksize = d.block() ? 512 : 4096;
                gid = d.gid();
            }
        }
        return new Stat(type, i.perm(), i.uid(), gid, rmaj, rmin, size, dev[0], dev[1], meta.ino, nlink, blksize, blocks,
                meta.atime, meta.mtime, meta.ctime, meta.btime);
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
