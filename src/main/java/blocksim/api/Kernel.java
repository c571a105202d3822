package blocksim.api;

import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import java.util.List;

/**
 * The only door into a kernel: the system calls blocksim's userland makes, each on behalf of a
 * {@link Task}. Implemented by the model ({@link SimKernel}) and, on a real machine, by the native
 * adapter, so the same tool or test runs on both.
 *
 * <p>What a harness does to the world that no system call does (disks, modules, udev, the kernel
 * log) is the {@link Machine}'s; a booted kernel is both ({@link Host}).
 *
 * <p>Calls never throw for an errno: a failure is a {@link SysResult} carrying an {@link Errno}
 * with the Linux x86_64 number. File descriptors belong to the task that opened them; the first
 * one a task gets is 3, as in a process whose standard streams are open.
 */
public interface Kernel extends AutoCloseable {

    /** The kernel's name for {@code --kernel}: {@code sim} or {@code linux}. */
    String name();

    /** The era whose behaviour this kernel has. */
    Profile profile();

    /** Starts a process with this command name and identity. */
    Task spawn(String comm, Credentials credentials);

    /** Ends a process: every descriptor it still holds is closed, as the kernel closes them. */
    void exit(Task task);

    /** open(2): a file descriptor, or ENOENT, EACCES, ENXIO, EBUSY (O_EXCL claim), ... */
    SysResult open(Task task, String path, int flags);

    /** close(2). */
    SysResult close(Task task, int fd);

    /** read(2) at the file position: bytes read, 0 at the end. */
    SysResult read(Task task, int fd, byte[] buf, int off, int len);

    /** write(2) at the file position: bytes written (short across the end of a device). */
    SysResult write(Task task, int fd, byte[] buf, int off, int len);

    /** pread64(2). */
    SysResult pread(Task task, int fd, byte[] buf, int off, int len, long pos);

    /** pwrite64(2). */
    SysResult pwrite(Task task, int fd, byte[] buf, int off, int len, long pos);

    /** lseek(2) with SEEK_SET (0), SEEK_CUR (1) or SEEK_END (2). */
    SysResult lseek(Task task, int fd, long offset, int whence);

    /** fsync(2): 0, EBADF, or EINVAL for a file whose filesystem has no fsync (/dev/null, /proc files). */
    SysResult fsync(Task task, int fd);

    /** fdatasync(2): answers as fsync does. */
    SysResult fdatasync(Task task, int fd);

    /**
     * ftruncate(2): EINVAL for a negative length (before the fd is looked up), EBADF, EINVAL
     * unless the file is a regular file open for writing.
     */
    SysResult ftruncate(Task task, int fd, long length);

    /** fstat(2), reduced as {@link #stat} is. */
    StatResult fstat(Task task, int fd);

    /** rmdir(2): 0, or ENOENT, ENOTDIR, ENOTEMPTY, EINVAL (a last {@code .}), EBUSY, EPERM, EACCES. */
    SysResult rmdir(Task task, String path);

    /**
     * mount(2). {@code flags} are {@link blocksim.uapi.MountFlags}' MS_* bits; {@code fstype} and
     * {@code data} may be null. 0, or ENOENT (target or source), EPERM, ENODEV (unknown type),
     * ENOTBLK, EACCES (read-only device, nodev), EBUSY (claimed, frozen, already there, RO state),
     * EINVAL (no filesystem), ENOTDIR, ...
     */
    SysResult mount(Task task, String source, String target, String fstype, long flags, String data);

    /** umount2(2): 0, or EINVAL (flags, not a mount point), ENOENT, EPERM, EBUSY. */
    SysResult umount2(Task task, String target, int flags);

    /** sync(2): always 0. */
    SysResult sync(Task task);

    /** syncfs(2): 0, EBADF, or the writeback's error. */
    SysResult syncfs(Task task, int fd);

    /** rename(2). */
    SysResult rename(Task task, String from, String to);

    /** truncate(2): EINVAL for a negative length, then as ftruncate after the walk (EISDIR, EROFS, EACCES). */
    SysResult truncate(Task task, String path, long length);

    /**
     * utimensat(2) with the times NULL (set to now), as touch calls it: 0, or the walk's errno,
     * EROFS, EACCES. The model keeps no times; it answers as the kernel does, waiting like any
     * attribute change while the filesystem is frozen.
     */
    SysResult utimensat(Task task, String path);

    /**
     * poll(2) of one descriptor for {@code events} (POLLIN 0x1, POLLOUT 0x4, POLLMSG 0x400, ...),
     * waiting up to {@code timeoutMillis} (negative: for ever): the {@code revents} it reports,
     * 0 on a timeout, POLLNVAL (0x20) for a descriptor that is not open.
     */
    SysResult poll(Task task, int fd, int events, long timeoutMillis);

    /**
     * fallocate(2): {@code mode} 0 allocates {@code [offset, offset+len)} and extends the size,
     * FALLOC_FL_KEEP_SIZE (1) allocates without extending; 0, or EBADF, EINVAL (a negative offset,
     * a length not above 0), ENODEV (not a regular file or block device), EISDIR, EOPNOTSUPP
     * (a mode the filesystem does not take), EFBIG, ENOSPC.
     */
    SysResult fallocate(Task task, int fd, int mode, long offset, long len);

    /** creat(2): open with {@code O_CREAT | O_WRONLY | O_TRUNC}. */
    default SysResult creat(Task task, String path) {
        return open(task, path, OpenFlags.O_CREAT | OpenFlags.O_WRONLY | OpenFlags.O_TRUNC);
    }

    /** ioctl(2) with a typed argument (see {@link blocksim.uapi}). */
    SysResult ioctl(Task task, int fd, long request, IoctlArg arg);

    /** mkdir(2). */
    SysResult mkdir(Task task, String path, int mode);

    /** unlink(2). */
    SysResult unlink(Task task, String path);

    /** stat(2), reduced to what the tools need. */
    StatResult stat(Task task, String path);

    /** The names in a directory, sorted (getdents64 without "." and ".."). */
    ListResult list(Task task, String path);

    /** Releases everything this kernel holds (for the model: nothing outside the JVM). */
    @Override
    void close();

    /**
     * What stat(2) reports: the file type, permissions, owner, the device number of a device node,
     * the size; the filesystem's device ({@code st_dev}), the inode number and link count, the
     * preferred I/O size and the 512-byte blocks allocated; the access, modification and change
     * times and the birth time (nanoseconds since the epoch; birth -1 where unknown).
     */
    record Stat(Type type, int perm, int uid, int gid, int rdevMajor, int rdevMinor, long size, int devMajor,
                int devMinor, long ino, long nlink, int blksize, long blocks, long atime, long mtime, long ctime,
                long btime) {
        /** File types. */
        public enum Type { DIRECTORY, REGULAR, BLOCK_DEVICE, CHAR_DEVICE }

        /** The type, permissions, owner, device number and size alone (the rest zero, birth unknown). */
        public Stat(Type type, int perm, int uid, int gid, int rdevMajor, int rdevMinor, long size) {
            this(type, perm, uid, gid, rdevMajor, rdevMinor, size, 0, 0, 0, 1, 4096, 0, 0, 0, 0, -1);
        }
    }

    /** A stat result or an errno. */
    record StatResult(Stat stat, Errno errno) {
        public boolean isOk() {
            return errno == null;
        }
    }

    /** A directory listing or an errno. */
    record ListResult(List<String> names, Errno errno) {
        public boolean isOk() {
            return errno == null;
        }
    }
}
