package blocksim;

import blocksim.api.Credentials;
import blocksim.api.DiskSpec;
import blocksim.api.Errno;
import blocksim.api.Host;
import blocksim.api.KernelConfig;
import blocksim.api.MisuseException;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.block.Fops;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.drivers.Drivers;
import blocksim.fs.BlockFs;
import blocksim.fs.File;
import blocksim.fs.FileLayer;
import blocksim.fs.Filesystems;
import blocksim.fs.Inode;
import blocksim.fs.FsRules;
import blocksim.fs.Vfs;
import blocksim.kernel.Printk;
import blocksim.kernel.Scheduler;
import blocksim.kernel.VirtualClock;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.Strace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The model kernel: a pure-Java block layer that answers every call the way the chosen kernel era
 * does. Deterministic: no wall clock, no threads, no unseeded randomness.
 *
 * <pre>{@code
 * try (SimKernel k = SimKernel.boot(Profile.LINUX_6_18, KernelConfig.defaults())) {
 *     k.diskAdd(DiskSpec.of("sda", 64 << 20));
 *     Task sh = k.spawn("sh", Credentials.ROOT);
 *     int fd = k.open(sh, "/dev/sda", OpenFlags.O_RDWR).intValue();
 *     SysResult r = k.ioctl(sh, fd, Ioctl.BLKRRPART, IoctlArg.NULL);
 * }
 * }</pre>
 */
public final class SimKernel implements Host {


    private final Profile profile;
    /** The file layer's era rules, chosen at boot. */
    private final FsRules rules;
    private final KernelConfig config;
    private final VirtualClock clock = new VirtualClock();
    private final Printk printk = new Printk(clock);
    private final Scheduler scheduler;
    private final Genhd genhd;
    private final Fops fops;
    private final Drivers drivers;
    private final Vfs vfs;
    /** Superblocks and mounts. */
    private final Filesystems fss;
    /** The VFS's file calls: every open file carries its inode's operations. */
    private final FileLayer files;
    private final Task kthreadd;
    private final Map<Integer, Map<Integer, File>> fdTables = new TreeMap<>();
    private int nextPid = 2;

    private SimKernel(Profile profile, KernelConfig config, long seed) {
        this.profile = profile;
        this.rules = FsRules.of(profile);
        this.config = config;
        this.scheduler = new Scheduler(clock, seed);
        this.genhd = new Genhd(profile, config, printk, clock, scheduler, name -> spawn(name, Credentials.ROOT));
        this.fops = new Fops(genhd);
        this.kthreadd = new Task(1, "kthreadd", Credentials.ROOT);
        BlockFs blockFs = new BlockFs(genhd);
        Filesystems[] late = new Filesystems[1];
        Inode.Dir proc = blockFs.proc(() -> late[0].procEntries());
        this.fss = new Filesystems(genhd, fops, scheduler, printk, clock, rules, name -> spawn(name, Credentials.ROOT),
                blockFs.dev(), proc, blockFs.sys());
        late[0] = fss;
        this.vfs = fss.vfs();
        this.files = new FileLayer(fss, genhd, fops, rules);
        this.drivers = new Drivers(genhd, kthreadd, files, (task, fd) -> {
            Map<Integer, File> t = fdTables.get(task.pid());
            return t == null ? null : t.get(fd);
        });
    }

    /** Boots a model kernel of this era with these parsers and module options, scheduler seed 1. */
    public static SimKernel boot(Profile profile, KernelConfig config) {
        return new SimKernel(profile, config, 1);
    }

    /** Boots a model kernel whose scheduler draws its choices from {@code seed}. */
    public static SimKernel boot(Profile profile, KernelConfig config, long seed) {
        return new SimKernel(profile, config, seed);
    }

    /** The scheduler that runs this kernel's tasks and owns its virtual clock. */
    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Boots a 6.18 kernel with msdos and efi parsers. */
    public static SimKernel boot() {
        return boot(Profile.LINUX_6_18, KernelConfig.defaults());
    }

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public Profile profile() {
        return profile;
    }

    public KernelConfig config() {
        return config;
    }

    /** The block layer, for tests and tools that look at the model's state. */
    public Genhd genhd() {
        return genhd;
    }

    public Printk printk() {
        return printk;
    }

    public VirtualClock clock() {
        return clock;
    }

    @Override
    public Task spawn(String comm, Credentials credentials) {
        MisuseException.requireNonNull(comm, "the command name");
        MisuseException.requireNonNull(credentials, "the credentials");
        Task t = new Task(nextPid++, comm, credentials);
        fdTables.put(t.pid(), new TreeMap<>());
        return t;
    }

    @Override
    public void exit(Task task) {
        Map<Integer, File> table = fdTables.get(task.pid());
        if (table == null) {
            return;
        }
        for (int fd : new ArrayList<>(table.keySet())) {
            close(task, fd);
        }
        fdTables.remove(task.pid());
    }

    private Map<Integer, File> table(Task task) {
        Map<Integer, File> t = fdTables.get(MisuseException.requireNonNull(task, "the task").pid());
        if (t == null) {
            throw MisuseException.unknownTask(task);
        }
        return t;
    }

    @Override
    public SysResult open(Task task, String path, int flags) {
        SysResult r = doOpen(task, path, flags);
        return r.isOk() ? r : r.during(() -> Strace.open(path, flags));
    }

    private SysResult doOpen(Task task, String path, int flags) {
        Map<Integer, File> table = table(task);
        MisuseException.requireNonNull(path, "the path");
        FileLayer.Opened o = files.open(task, path, flags);
        if (o.errno() != null) {
            return SysResult.fail(o.errno());
        }
        int fd = 3;
        while (table.containsKey(fd)) {
            fd++;
        }
        table.put(fd, o.file());
        return SysResult.ok(fd);
    }

    @Override
    public SysResult close(Task task, int fd) {
        SysResult r = doClose(task, fd);
        return r.isOk() ? r : r.during(() -> Strace.fd("close", fd));
    }

    private SysResult doClose(Task task, int fd) {
        File f = table(task).remove(fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        files.put(f, task);
        return SysResult.ok();
    }

    @Override
    public SysResult read(Task task, int fd, byte[] buf, int off, int len) {
        SysResult r = doRead(task, fd, buf, off, len);
        return r.isOk() ? r : r.during(() -> Strace.io("read", fd, len));
    }

    private SysResult doRead(Task task, int fd, byte[] buf, int off, int len) {
        File f = table(task).get(fd);
        MisuseException.checkRange(buf, off, len);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        SysResult r = readAt(task, f, buf, off, len, f.pos());
        if (r.isOk()) {
            f.pos(f.pos() + r.value());
        }
        return r;
    }

    @Override
    public SysResult pread(Task task, int fd, byte[] buf, int off, int len, long pos) {
        SysResult r = doPread(task, fd, buf, off, len, pos);
        return r.isOk() ? r : r.during(() -> Strace.io("pread64", fd, len, pos));
    }

    private SysResult doPread(Task task, int fd, byte[] buf, int off, int len, long pos) {
        File f = table(task).get(fd);
        MisuseException.checkRange(buf, off, len);
        // fs/read_write.c:ksys_pread64 (both eras): a negative offset is EINVAL before the fd is looked up
        if (pos < 0) {
            return SysResult.fail(Errno.EINVAL);
        }
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        return readAt(task, f, buf, off, len, pos);
    }

    private SysResult readAt(Task task, File f, byte[] buf, int off, int len, long pos) {
        if (!f.readable()) {
            return SysResult.fail(Errno.EBADF);
        }
        if (!rwVerifyArea(pos, len)) {
            return SysResult.fail(Errno.EINVAL);
        }
        return result(files.read(f, buf, off, len, pos, task));
    }

    /**
     * {@code fs/read_write.c:rw_verify_area} (both eras), after vfs_read/vfs_write have checked the
     * file's mode: a position that is negative, or that the count would carry past LLONG_MAX, is
     * EINVAL (block devices and regular files have no FMODE_UNSIGNED_OFFSET). Measured on 6.18: a
     * 512-byte pwrite at 2^63 - 512 is EINVAL; a pread at 2^63 - 513 reads 0.
     */
    private static boolean rwVerifyArea(long pos, int len) {
        return pos >= 0 && pos + len >= 0;
    }

    private static SysResult result(long ret) {
        return ret < 0 ? SysResult.ofKernel((int) ret) : SysResult.ok(ret);
    }

    @Override
    public SysResult write(Task task, int fd, byte[] buf, int off, int len) {
        SysResult r = doWrite(task, fd, buf, off, len);
        return r.isOk() ? r : r.during(() -> Strace.io("write", fd, len));
    }

    private SysResult doWrite(Task task, int fd, byte[] buf, int off, int len) {
        File f = table(task).get(fd);
        MisuseException.checkRange(buf, off, len);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        SysResult r = writeAt(task, f, buf, off, len, f.pos());
        if (r.isOk()) {
            f.pos(f.writeStart() + r.value());
        }
        return r;
    }

    @Override
    public SysResult pwrite(Task task, int fd, byte[] buf, int off, int len, long pos) {
        SysResult r = doPwrite(task, fd, buf, off, len, pos);
        return r.isOk() ? r : r.during(() -> Strace.io("pwrite64", fd, len, pos));
    }

    private SysResult doPwrite(Task task, int fd, byte[] buf, int off, int len, long pos) {
        File f = table(task).get(fd);
        MisuseException.checkRange(buf, off, len);
        // fs/read_write.c:ksys_pwrite64 (both eras): a negative offset is EINVAL before the fd is looked up
        if (pos < 0) {
            return SysResult.fail(Errno.EINVAL);
        }
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        return writeAt(task, f, buf, off, len, pos);
    }

    private SysResult writeAt(Task task, File f, byte[] buf, int off, int len, long pos) {
        if (!f.writable()) {
            return SysResult.fail(Errno.EBADF);
        }
        if (!rwVerifyArea(pos, len)) {
            return SysResult.fail(Errno.EINVAL);
        }
        return result(files.write(f, buf, off, len, pos, task));
    }

    @Override
    public SysResult lseek(Task task, int fd, long offset, int whence) {
        SysResult r = doLseek(task, fd, offset, whence);
        return r.isOk() ? r : r.during(() -> Strace.lseek(fd, offset, whence));
    }

    private SysResult doLseek(Task task, int fd, long offset, int whence) {
        File f = table(task).get(fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        return result(files.lseek(f, offset, whence));
    }

    @Override
    public SysResult fsync(Task task, int fd) {
        SysResult r = doFsync(task, fd);
        return r.isOk() ? r : r.during(() -> Strace.fd("fsync", fd));
    }

    private SysResult doFsync(Task task, int fd) {
        File f = table(task).get(fd);
        return f == null ? SysResult.fail(Errno.EBADF) : SysResult.ofKernel(files.fsync(f, task));
    }

    @Override
    public SysResult fdatasync(Task task, int fd) {
        SysResult r = doFsync(task, fd);
        return r.isOk() ? r : r.during(() -> Strace.fd("fdatasync", fd));
    }

    @Override
    public SysResult ftruncate(Task task, int fd, long length) {
        SysResult r = doFtruncate(task, fd, length);
        return r.isOk() ? r : r.during(() -> "ftruncate(" + fd + ", " + length + ")");
    }

    /** {@code fs/open.c:do_sys_ftruncate}: a negative length is EINVAL before the fd is looked up. */
    private SysResult doFtruncate(Task task, int fd, long length) {
        File f = table(task).get(fd);
        if (length < 0) {
            return SysResult.fail(Errno.EINVAL);
        }
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        return SysResult.ofKernel(files.ftruncate(f, length, task));
    }

    /** A call on a path: the task and path checked, then the file layer's answer. */
    private SysResult pathCall(Task task, String path, java.util.function.IntSupplier call) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        return SysResult.ofKernel(call.getAsInt());
    }

    @Override
    public StatResult fstat(Task task, int fd) {
        File f = table(task).get(fd);
        return f == null ? new StatResult(null, Errno.EBADF) : new StatResult(files.fstat(f), null);
    }

    @Override
    public SysResult rmdir(Task task, String path) {
        SysResult r = pathCall(task, path, () -> files.rmdir(task, path));
        return r.isOk() ? r : r.during(() -> Strace.path("rmdir", path));
    }


    /**
     * ioctl(2): {@code fs/ioctl.c:do_vfs_ioctl} handles FIFREEZE and FITHAW first, for the
     * filesystem holding the file (for a device node that is devtmpfs, which cannot freeze: EPERM
     * without CAP_SYS_ADMIN, else EOPNOTSUPP); block device files go to the block ioctls; other
     * files have no ioctls (ENOTTY).
     */
    @Override
    public SysResult ioctl(Task task, int fd, long request, IoctlArg arg) {
        SysResult r = doIoctl(task, fd, request, arg);
        return r.isOk() ? r : r.during(() -> Strace.ioctl(fd, request, arg));
    }

    private SysResult doIoctl(Task task, int fd, long request, IoctlArg arg) {
        File f = table(task).get(fd);
        MisuseException.requireNonNull(arg, "the ioctl argument (IoctlArg.NULL for none)");
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        return SysResult.ofKernel(files.ioctl(f, request, arg, task));
    }

    @Override
    public SysResult mkdir(Task task, String path, int mode) {
        SysResult r = pathCall(task, path, () -> files.mkdir(task, path, mode));
        return r.isOk() ? r : r.during(() -> Strace.mkdir(path, mode));
    }


    @Override
    public SysResult unlink(Task task, String path) {
        SysResult r = pathCall(task, path, () -> files.unlink(task, path));
        return r.isOk() ? r : r.during(() -> Strace.path("unlink", path));
    }


    @Override
    public SysResult mount(Task task, String source, String target, String fstype, long flags, String data) {
        SysResult r = pathCall(task, target, () -> fss.mount(task, source, target, fstype, flags, data));
        return r.isOk() ? r : r.during(() -> Strace.mount(source, target, fstype, flags, data));
    }

    @Override
    public SysResult umount2(Task task, String target, int flags) {
        SysResult r = pathCall(task, target, () -> fss.umount(task, target, flags));
        return r.isOk() ? r : r.during(() -> Strace.umount2(target, flags));
    }

    @Override
    public SysResult sync(Task task) {
        table(task);
        return SysResult.ofKernel(fss.sync(task));
    }

    @Override
    public SysResult syncfs(Task task, int fd) {
        File f = table(task).get(fd);
        SysResult r = f == null ? SysResult.fail(Errno.EBADF) : SysResult.ofKernel(fss.syncfs(f, task));
        return r.isOk() ? r : r.during(() -> Strace.fd("syncfs", fd));
    }

    @Override
    public SysResult rename(Task task, String from, String to) {
        MisuseException.requireNonNull(to, "the new path");
        SysResult r = pathCall(task, from, () -> files.rename(task, from, to));
        return r.isOk() ? r : r.during(() -> Strace.rename(from, to));
    }

    /** {@code do_sys_truncate}: a negative length is EINVAL before the path is walked. */
    @Override
    public SysResult truncate(Task task, String path, long length) {
        SysResult r = pathCall(task, path, () -> length < 0 ? -Errno.EINVAL.number() : files.truncate(task, path, length));
        return r.isOk() ? r : r.during(() -> Strace.truncate(path, length));
    }

    @Override
    public SysResult utimensat(Task task, String path) {
        SysResult r = pathCall(task, path, () -> files.utimens(task, path));
        return r.isOk() ? r : r.during(() -> "utimensat(AT_FDCWD, " + Strace.quote(path) + ", NULL, 0)");
    }

    @Override
    public SysResult poll(Task task, int fd, int events, long timeoutMillis) {
        File f = table(task).get(fd);
        if (f == null) {
            return SysResult.ok(0x20);
        }
        return SysResult.ok(files.poll(f, events, timeoutMillis < 0 ? -1 : timeoutMillis * 1_000_000L, scheduler, task));
    }

    @Override
    public SysResult fallocate(Task task, int fd, int mode, long offset, long len) {
        File f = table(task).get(fd);
        SysResult r = f == null ? SysResult.fail(Errno.EBADF) : SysResult.ofKernel(files.fallocate(f, mode, offset, len, task));
        return r.isOk() ? r : r.during(() -> "fallocate(" + fd + ", " + mode + ", " + offset + ", " + len + ")");
    }

    /** Superblocks and mounts, for tests. */
    public Filesystems filesystems() {
        return fss;
    }

    @Override
    public StatResult stat(Task task, String path) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        Stat[] st = new Stat[1];
        Errno e = files.stat(path, st);
        return e != null ? new StatResult(null, e) : new StatResult(st[0], null);
    }

    @Override
    public ListResult list(Task task, String path) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        List<List<String>> names = new ArrayList<>();
        Errno e = files.list(path, names);
        return e != null ? new ListResult(null, e) : new ListResult(names.getFirst(), null);
    }

    @Override
    public void diskAdd(DiskSpec spec) {
        drivers.attach(spec, kthreadd);
    }

    @Override
    public SysResult diskRemove(String name) {
        return SysResult.ofKernel(drivers.detach(name, kthreadd));
    }

    @Override
    public SysResult insmod(Task task, String module, List<String> params) {
        return SysResult.ofKernel(drivers.insmod(module, params, task));
    }

    @Override
    public SysResult rmmod(Task task, String module) {
        return SysResult.ofKernel(drivers.rmmod(module));
    }

    /**
     * Polls the rescan list every 10 ms of virtual time, as udevadm polls udevd's queue, until it
     * is empty or the timeout passes.
     */
    @Override
    public SysResult udevSettle(Task task, long timeoutNanos) {
        long deadline = clock.nanos() + timeoutNanos;
        while (!genhd.rescanning().isEmpty()) {
            if (clock.nanos() >= deadline) {
                return SysResult.fail(Errno.ETIME);
            }
            scheduler.sleep(10_000_000L);
        }
        return SysResult.ok();
    }

    @Override
    public String dmesg() {
        return printk.dmesg();
    }

    /** The disk named {@code name}, for tests. */
    public Optional<Gendisk> disk(String name) {
        return genhd.disk(name);
    }

    @Override
    public void close() {
        for (int pid : new ArrayList<>(fdTables.keySet())) {
            Map<Integer, File> t = fdTables.get(pid);
            if (t != null && !t.isEmpty()) {
                Task owner = new Task(pid, "exit", Credentials.ROOT);
                for (int fd : new ArrayList<>(t.keySet())) {
                    files.put(t.remove(fd), owner);
                }
            }
        }
        fdTables.clear();
    }
}
