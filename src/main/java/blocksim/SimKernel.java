package blocksim;

import blocksim.api.Host;
import blocksim.api.Kernel;
import blocksim.block.Bdev;
import blocksim.block.BlockDevice;
import blocksim.block.Fops;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.api.DiskSpec;
import blocksim.drivers.Drivers;
import blocksim.fs.BlockFs;
import blocksim.fs.FsRules;
import blocksim.fs.Inode;
import blocksim.fs.TmpDir;
import blocksim.fs.Vfs;
import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.KernelConfig;
import blocksim.api.MisuseException;
import blocksim.kernel.Printk;
import blocksim.api.Profile;
import blocksim.kernel.Scheduler;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.kernel.VirtualClock;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import blocksim.uapi.Strace;
import java.nio.charset.StandardCharsets;
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

    private static final int SEEK_SET = 0;
    private static final int SEEK_CUR = 1;
    private static final int SEEK_END = 2;

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
    private final Task kthreadd;
    private final Map<Integer, Map<Integer, OpenFile>> fdTables = new TreeMap<>();
    private int nextPid = 2;

    /** An open file: what a descriptor refers to. */
    private static final class OpenFile {
        final String path;
        final Inode inode;
        final int flags;
        final BlockDevice bdev;
        /** For generated files: the content as it was at open. */
        final byte[] snapshot;
        long pos;

        OpenFile(String path, Inode inode, int flags, BlockDevice bdev, byte[] snapshot) {
            this.path = path;
            this.inode = inode;
            this.flags = flags;
            this.bdev = bdev;
            this.snapshot = snapshot;
        }

        int mode() {
            int m = 0;
            if (OpenFlags.readable(flags)) {
                m |= Bdev.MODE_READ;
            }
            if (OpenFlags.writable(flags)) {
                m |= Bdev.MODE_WRITE;
            }
            if ((flags & OpenFlags.O_EXCL) != 0) {
                m |= Bdev.MODE_EXCL;
            }
            return m;
        }

        /** The O_EXCL holder: the file itself. */
        Object holder() {
            return (flags & OpenFlags.O_EXCL) != 0 ? this : null;
        }
    }

    private SimKernel(Profile profile, KernelConfig config, long seed) {
        this.profile = profile;
        this.rules = FsRules.of(profile);
        this.config = config;
        this.scheduler = new Scheduler(clock, seed);
        this.genhd = new Genhd(profile, config, printk, clock, scheduler, name -> spawn(name, Credentials.ROOT));
        this.fops = new Fops(genhd);
        this.kthreadd = new Task(1, "kthreadd", Credentials.ROOT);
        BlockFs blockFs = new BlockFs(genhd);
        this.vfs = new Vfs(blockFs.dev(), blockFs.proc(), blockFs.sys());
        this.drivers = new Drivers(genhd, kthreadd);
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
        Map<Integer, OpenFile> table = fdTables.get(task.pid());
        if (table == null) {
            return;
        }
        for (int fd : new ArrayList<>(table.keySet())) {
            close(task, fd);
        }
        fdTables.remove(task.pid());
    }

    private Map<Integer, OpenFile> table(Task task) {
        Map<Integer, OpenFile> t = fdTables.get(MisuseException.requireNonNull(task, "the task").pid());
        if (t == null) {
            throw MisuseException.unknownTask(task);
        }
        return t;
    }

    /** Unix permission bits for {@code want} (4 read, 2 write) against the inode's owner/group/other. */
    private static boolean permitted(Task task, Inode inode, int want) {
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

    @Override
    public SysResult open(Task task, String path, int flags) {
        return doOpen(task, path, flags).during(() -> Strace.open(path, flags));
    }

    private SysResult doOpen(Task task, String path, int flags) {
        Map<Integer, OpenFile> table = table(task);
        MisuseException.requireNonNull(path, "the path");
        Inode inode;
        if ((flags & OpenFlags.O_CREAT) != 0) {
            Vfs.Create c = vfs.create(path, (flags & OpenFlags.O_EXCL) != 0);
            if (c.errno() != null) {
                return SysResult.fail(c.errno());
            }
            inode = c.inode();
        } else {
            Vfs.Lookup l = vfs.lookup(path);
            if (l.inode() == null) {
                return SysResult.fail(l.errno());
            }
            inode = l.inode();
        }
        boolean write = OpenFlags.writable(flags);
        int want = (OpenFlags.readable(flags) ? 4 : 0) | (write ? 2 : 0);
        if (inode instanceof Inode.Dir) {
            if (write) {
                return SysResult.fail(Errno.EISDIR);
            }
        } else if ((flags & OpenFlags.O_DIRECTORY) != 0) {
            return SysResult.fail(Errno.ENOTDIR);
        }
        if (!permitted(task, inode, want)) {
            return SysResult.fail(Errno.EACCES);
        }
        OpenFile file;
        switch (inode) {
            case Inode.Device dev when dev.block() -> {
                Optional<BlockDevice> bdev = genhd.lookup(dev.rdev());
                if (bdev.isEmpty()) {
                    return SysResult.fail(Errno.ENXIO);
                }
                file = new OpenFile(Vfs.normalize(path), inode, flags, bdev.get(), null);
                int ret = genhd.bdev().blkdevGet(bdev.get(), file.mode() & ~Bdev.MODE_EXCL, file.holder(), task);
                if (ret < 0) {
                    return SysResult.ofKernel(ret);
                }
            }
            case Inode.Generated gen -> {
                if (write) {
                    return SysResult.fail(Errno.EACCES);
                }
                file = new OpenFile(Vfs.normalize(path), inode, flags, null,
                        gen.content().get().getBytes(StandardCharsets.UTF_8));
            }
            case Inode.Regular reg -> {
                if ((flags & OpenFlags.O_TRUNC) != 0 && write) {
                    reg.truncate();
                }
                file = new OpenFile(Vfs.normalize(path), inode, flags, null, null);
            }
            default -> file = new OpenFile(Vfs.normalize(path), inode, flags, null, null);
        }
        int fd = 3;
        while (table.containsKey(fd)) {
            fd++;
        }
        table.put(fd, file);
        return SysResult.ok(fd);
    }

    @Override
    public SysResult close(Task task, int fd) {
        return doClose(task, fd).during(() -> Strace.fd("close", fd));
    }

    private SysResult doClose(Task task, int fd) {
        OpenFile f = table(task).remove(fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.bdev != null) {
            genhd.bdev().blkdevPut(f.bdev, f.mode() & ~Bdev.MODE_EXCL, f.holder(), task);
        }
        return SysResult.ok();
    }

    @Override
    public SysResult read(Task task, int fd, byte[] buf, int off, int len) {
        return doRead(task, fd, buf, off, len).during(() -> Strace.io("read", fd, len));
    }

    private SysResult doRead(Task task, int fd, byte[] buf, int off, int len) {
        OpenFile f = table(task).get(fd);
        MisuseException.checkRange(buf, off, len);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        SysResult r = readAt(task, f, buf, off, len, f.pos);
        if (r.isOk()) {
            f.pos += r.value();
        }
        return r;
    }

    @Override
    public SysResult pread(Task task, int fd, byte[] buf, int off, int len, long pos) {
        return doPread(task, fd, buf, off, len, pos).during(() -> Strace.io("pread64", fd, len, pos));
    }

    private SysResult doPread(Task task, int fd, byte[] buf, int off, int len, long pos) {
        OpenFile f = table(task).get(fd);
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

    private SysResult readAt(Task task, OpenFile f, byte[] buf, int off, int len, long pos) {
        if (!OpenFlags.readable(f.flags)) {
            return SysResult.fail(Errno.EBADF);
        }
        if (!rwVerifyArea(pos, len)) {
            return SysResult.fail(Errno.EINVAL);
        }
        return switch (f.inode) {
            case Inode.Dir d -> SysResult.fail(Errno.EISDIR);
            case Inode.Regular reg -> SysResult.ok(reg.read(pos, buf, off, len));
            case Inode.Generated g -> {
                if (pos >= f.snapshot.length) {
                    yield SysResult.ok(0);
                }
                int n = (int) Math.min(len, f.snapshot.length - pos);
                System.arraycopy(f.snapshot, (int) pos, buf, off, n);
                yield SysResult.ok(n);
            }
            case Inode.Device dev when dev.block() -> result(fops.read(f.bdev, pos, buf, off, len, task));
            case Inode.Device dev -> {
                if (dev.rdev().minor() == 5) {
                    java.util.Arrays.fill(buf, off, off + len, (byte) 0);
                    yield SysResult.ok(len);
                }
                yield SysResult.ok(0);
            }
        };
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
        return doWrite(task, fd, buf, off, len).during(() -> Strace.io("write", fd, len));
    }

    private SysResult doWrite(Task task, int fd, byte[] buf, int off, int len) {
        OpenFile f = table(task).get(fd);
        MisuseException.checkRange(buf, off, len);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        long pos = f.pos;
        if ((f.flags & OpenFlags.O_APPEND) != 0 && f.inode instanceof Inode.Regular reg) {
            pos = reg.size();
        }
        SysResult r = writeAt(task, f, buf, off, len, pos);
        if (r.isOk()) {
            f.pos = pos + r.value();
        }
        return r;
    }

    @Override
    public SysResult pwrite(Task task, int fd, byte[] buf, int off, int len, long pos) {
        return doPwrite(task, fd, buf, off, len, pos).during(() -> Strace.io("pwrite64", fd, len, pos));
    }

    private SysResult doPwrite(Task task, int fd, byte[] buf, int off, int len, long pos) {
        OpenFile f = table(task).get(fd);
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

    private SysResult writeAt(Task task, OpenFile f, byte[] buf, int off, int len, long pos) {
        if (!OpenFlags.writable(f.flags)) {
            return SysResult.fail(Errno.EBADF);
        }
        if (!rwVerifyArea(pos, len)) {
            return SysResult.fail(Errno.EINVAL);
        }
        return switch (f.inode) {
            case Inode.Regular reg -> SysResult.ok(reg.write(pos, buf, off, len));
            case Inode.Device dev when dev.block() -> result(fops.write(f.bdev, pos, buf, off, len, task));
            case Inode.Device dev -> SysResult.ok(len);
            default -> SysResult.fail(Errno.EBADF);
        };
    }

    @Override
    public SysResult lseek(Task task, int fd, long offset, int whence) {
        return doLseek(task, fd, offset, whence).during(() -> Strace.lseek(fd, offset, whence));
    }

    private SysResult doLseek(Task task, int fd, long offset, int whence) {
        OpenFile f = table(task).get(fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        // fs/read_write.c:ksys_lseek: whence is unsigned and above SEEK_MAX is EINVAL before the file
        // sees it; SEEK_MAX is SEEK_HOLE (4) since 3.1, SEEK_END (2) in 2.6.32
        if (Integer.toUnsignedLong(whence) > rules.seekMax()) {
            return SysResult.fail(Errno.EINVAL);
        }
        if ((whence == 3 || whence == 4) && f.inode instanceof Inode.Regular reg) {
            // mm/shmem.c:shmem_file_llseek: SEEK_DATA and SEEK_HOLE over the pages that exist
            long at = reg.seekData(offset, whence == 3);
            if (at < 0) {
                return SysResult.fail(Errno.ENXIO);
            }
            f.pos = at;
            return SysResult.ok(at);
        }
        if (f.inode instanceof Inode.Device dev && !dev.block()) {
            // drivers/char/mem.c:null_lseek (zero_lseek is the same, both eras): position 0, whatever is asked
            f.pos = 0;
            return SysResult.ok(0);
        }
        long base = switch (whence) {
            case SEEK_SET -> 0;
            case SEEK_CUR -> f.pos;
            case SEEK_END -> switch (f.inode) {
                case Inode.Regular reg -> reg.size();
                case Inode.Generated g -> f.snapshot.length;
                case Inode.Device dev when dev.block() -> deviceSize(f.bdev);
                // fs/libfs.c:dcache_dir_lseek (tmpfs, devtmpfs, the generated directories): SEEK_SET and SEEK_CUR only
                default -> -1;
            };
            default -> -1;
        };
        if (base < 0) {
            return SysResult.fail(Errno.EINVAL);
        }
        long pos = base + offset;
        if (pos < 0) {
            return SysResult.fail(Errno.EINVAL);
        }
        if (f.bdev != null && pos > deviceSize(f.bdev)) {
            // block/fops.c:blkdev_llseek (fixed_size_llseek) / 2.6.32 fs/block_dev.c:block_llseek
            return SysResult.fail(Errno.EINVAL);
        }
        f.pos = pos;
        return SysResult.ok(pos);
    }

    /** The size the file layer sees: 6.18 the live size, 2.6.32 the inode size set at open. */
    private long deviceSize(BlockDevice bdev) {
        return rules.liveSize() ? bdev.nrSects() << 9 : bdev.inodeSize();
    }

    @Override
    public SysResult fsync(Task task, int fd) {
        return doFsync(task, fd).during(() -> Strace.fd("fsync", fd));
    }

    private SysResult doFsync(Task task, int fd) {
        return table(task).containsKey(fd) ? SysResult.ok() : SysResult.fail(Errno.EBADF);
    }

    /**
     * ioctl(2): {@code fs/ioctl.c:do_vfs_ioctl} handles FIFREEZE and FITHAW first, for the
     * filesystem holding the file (for a device node that is devtmpfs, which cannot freeze: EPERM
     * without CAP_SYS_ADMIN, else EOPNOTSUPP); block device files go to the block ioctls; other
     * files have no ioctls (ENOTTY).
     */
    @Override
    public SysResult ioctl(Task task, int fd, long request, IoctlArg arg) {
        return doIoctl(task, fd, request, arg).during(() -> Strace.ioctl(fd, request, arg));
    }

    private SysResult doIoctl(Task task, int fd, long request, IoctlArg arg) {
        OpenFile f = table(task).get(fd);
        MisuseException.requireNonNull(arg, "the ioctl argument (IoctlArg.NULL for none)");
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (request == Ioctl.FIFREEZE || request == Ioctl.FITHAW) {
            return SysResult.fail(task.capSysAdmin() ? Errno.EOPNOTSUPP : Errno.EPERM);
        }
        if (f.bdev != null) {
            return SysResult.ofKernel(genhd.ioctl().blkdevIoctl(f.bdev, f.mode(), request, arg, task));
        }
        return SysResult.fail(Errno.ENOTTY);
    }

    @Override
    public SysResult mkdir(Task task, String path, int mode) {
        return doMkdir(task, path, mode).during(() -> Strace.mkdir(path, mode));
    }

    private SysResult doMkdir(Task task, String path, int mode) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        if (vfs.lookup(path).inode() != null) {
            return SysResult.fail(Errno.EEXIST);
        }
        Vfs.ParentLookup pl = vfs.parent(path);
        if (pl.errno() != null) {
            return SysResult.fail(pl.errno());
        }
        if (!(pl.parent().dir() instanceof TmpDir dir)) {
            return SysResult.fail(Errno.EACCES);
        }
        if (!permitted(task, dir, 2)) {
            return SysResult.fail(Errno.EACCES);
        }
        dir.put(pl.parent().name(), new TmpDir(mode & 07777));
        return SysResult.ok();
    }

    @Override
    public SysResult unlink(Task task, String path) {
        return doUnlink(task, path).during(() -> Strace.path("unlink", path));
    }

    private SysResult doUnlink(Task task, String path) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        Vfs.Lookup l = vfs.lookup(path);
        if (l.inode() == null) {
            return SysResult.fail(l.errno());
        }
        if (l.inode() instanceof Inode.Dir) {
            return SysResult.fail(Errno.EISDIR);
        }
        Vfs.ParentLookup pl = vfs.parent(path);
        if (!(pl.parent().dir() instanceof TmpDir dir)) {
            return SysResult.fail(Errno.EACCES);
        }
        if (!permitted(task, dir, 2)) {
            return SysResult.fail(Errno.EACCES);
        }
        dir.remove(pl.parent().name());
        return SysResult.ok();
    }

    @Override
    public StatResult stat(Task task, String path) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        Vfs.Lookup l = vfs.lookup(path);
        Inode i = l.inode();
        if (i == null) {
            return new StatResult(null, l.errno());
        }
        Stat s = switch (i) {
            case Inode.Dir d -> new Stat(Stat.Type.DIRECTORY, d.perm(), 0, 0, 0, 0, 0);
            case Inode.Regular r -> new Stat(Stat.Type.REGULAR, r.perm(), 0, 0, 0, 0, r.size());
            case Inode.Generated g -> new Stat(Stat.Type.REGULAR, g.perm(), 0, 0, 0, 0, 4096);
            case Inode.Device d -> new Stat(d.block() ? Stat.Type.BLOCK_DEVICE : Stat.Type.CHAR_DEVICE,
                    d.perm(), 0, d.gid(), d.rdev().major(), d.rdev().minor(), 0);
        };
        return new StatResult(s, null);
    }

    @Override
    public ListResult list(Task task, String path) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        Vfs.Lookup l = vfs.lookup(path);
        if (l.inode() == null) {
            return new ListResult(null, l.errno());
        }
        if (!(l.inode() instanceof Inode.Dir d)) {
            return new ListResult(null, Errno.ENOTDIR);
        }
        return new ListResult(d.list(), null);
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
            Map<Integer, OpenFile> t = fdTables.get(pid);
            if (t != null && !t.isEmpty()) {
                Task owner = new Task(pid, "exit", Credentials.ROOT);
                for (int fd : new ArrayList<>(t.keySet())) {
                    OpenFile f = t.remove(fd);
                    if (f.bdev != null) {
                        genhd.bdev().blkdevPut(f.bdev, f.mode() & ~Bdev.MODE_EXCL, f.holder(), owner);
                    }
                }
            }
        }
        fdTables.clear();
    }
}
