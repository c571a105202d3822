package blocksim.fs;

import blocksim.api.Errno;
import blocksim.api.Task;
import blocksim.block.Bdev;
import blocksim.block.BlockDevice;
import blocksim.block.Fops;
import blocksim.block.Genhd;
import blocksim.kernel.Mutex;
import blocksim.kernel.Printk;
import blocksim.kernel.Scheduler;
import blocksim.kernel.VirtualClock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Superblocks and mounts: {@code mount(2)}, {@code umount2(2)}, {@code sync(2)}, {@code syncfs(2)},
 * freeze and thaw, emergency thaw, periodic writeback, and the mount table as
 * {@code /proc/mounts} and {@code /proc/self/mountinfo} show it. 6.18 {@code fs/namespace.c},
 * {@code fs/super.c}, {@code fs/sync.c}, {@code fs/fs-writeback.c}; 2.6.32 the same files with
 * {@code fs/block_dev.c} ({@code freeze_bdev}, {@code thaw_bdev}) and {@code fs/buffer.c}
 * ({@code do_thaw_all}). The era decides through {@link FsRules}.
 */
public final class Filesystems {

    /** mount(2) flags ({@code include/uapi/linux/mount.h}). */
    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32,
            MS_NOATIME = 1024, MS_BIND = 4096, MS_REC = 16384, MS_SILENT = 32768, MS_STRICTATIME = 1 << 24;
    /** umount2(2) flags. */
    public static final int MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;
    /** {@code dirty_writeback_centisecs} (500) and {@code dirty_expire_centisecs} (3000), both eras; jbd2's 5 s commit. */
    static final long WRITEBACK_INTERVAL = 5_000_000_000L, DIRTY_EXPIRE = 30_000_000_000L, COMMIT_INTERVAL = 5_000_000_000L;

    private final Genhd genhd;
    private final Fops fops;
    private final Scheduler scheduler;
    private final Printk printk;
    private final VirtualClock clock;
    private final FsRules rules;
    private final Function<String, Task> kthreads;
    private final List<SuperBlock> supers = new ArrayList<>();
    /** 2.6.32 {@code bd_fsfreeze_mutex}, per device. */
    private final Map<BlockDevice, Mutex> freezeMutex = new IdentityHashMap<>();
    private final Vfs vfs;
    private boolean flusherRunning;

    public Filesystems(Genhd genhd, Fops fops, Scheduler scheduler, Printk printk, VirtualClock clock, FsRules rules,
            Function<String, Task> kthreads, Inode.Dir dev, Inode.Dir proc, Inode.Dir sys) {
        this.genhd = genhd;
        this.fops = fops;
        this.scheduler = scheduler;
        this.printk = printk;
        this.clock = clock;
        this.rules = rules;
        this.kthreads = kthreads;
        SuperBlock rootSb = pseudo(FsType.TMPFS, new TmpDir(0755));
        this.vfs = new Vfs(rootSb);
        bootMount("/dev", FsType.DEVTMPFS, dev, "devtmpfs", Mount.NOSUID | Mount.RELATIME);
        bootMount("/proc", FsType.PROC, proc, "proc", Mount.NOSUID | Mount.NODEV | Mount.NOEXEC | Mount.RELATIME);
        bootMount("/sys", FsType.SYSFS, sys, "sysfs", Mount.NOSUID | Mount.NODEV | Mount.NOEXEC | Mount.RELATIME);
    }

    private SuperBlock pseudo(FsType type, Inode.Dir root) {
        SuperBlock sb = new SuperBlock(type, null, root, null, false, scheduler);
        supers.add(sb);
        return sb;
    }

    private void bootMount(String path, FsType type, Inode.Dir root, String source, int flags) {
        Vfs.Lookup at = vfs.lookup(path);
        vfs.attach(new Vfs.Found(at.mount(), at.inode()), path, pseudo(type, root), root, "/", source, flags);
    }

    public Vfs vfs() {
        return vfs;
    }

    /** Every superblock alive, for tests. */
    public List<SuperBlock> superblocks() {
        return List.copyOf(supers);
    }

    /** The superblock of a block device, if one is alive. */
    public Optional<SuperBlock> superOf(BlockDevice bdev) {
        return supers.stream().filter(s -> s.bdev == bdev && !s.dying).findFirst();
    }

    // ---------------------------------------------------------------- mount(2)

    /**
     * mount(2). Both eras check in this order: the target's walk (ENOENT...), CAP_SYS_ADMIN
     * (EPERM), then by kind: remount, bind, or a new mount ({@code do_new_mount}: no type
     * EINVAL, an unknown one ENODEV, then the filesystem's own {@code get_tree}), and last
     * {@code do_add_mount}: the same superblock's root on the same place is EBUSY, a directory on
     * a non-directory ENOTDIR ({@code graft_tree}).
     */
    public int mount(Task task, String source, String target, String fstype, long flags, String data) {
        Vfs.Lookup at = vfs.lookup(target);
        if (at.errno() != null) {
            return -at.errno().number();
        }
        if (!task.capSysAdmin()) {
            return -Errno.EPERM.number();
        }
        int mntFlags = mntFlags(flags);
        if ((flags & MS_REMOUNT) != 0) {
            return remount(task, at, flags, mntFlags);
        }
        if ((flags & MS_BIND) != 0) {
            return bind(source, at, target, mntFlags);
        }
        if (fstype == null) {
            return -Errno.EINVAL.number();
        }
        Optional<FsType> type = FsType.byName(fstype);
        if (type.isEmpty()) {
            return -Errno.ENODEV.number();
        }
        SuperBlock sb;
        boolean fresh = false;
        if (type.get().requiresDev()) {
            int[] made = new int[1];
            sb = getTreeBdev(task, source, type.get(), (flags & MS_RDONLY) != 0, (flags & MS_SILENT) != 0, made);
            if (made[0] < 0) {
                return made[0];
            }
            fresh = made[0] == 1;
        } else {
            sb = pseudo(type.get(), type.get() == FsType.TMPFS ? new TmpDir(01777) : emptyPseudoRoot());
            sb.readOnly = (flags & MS_RDONLY) != 0;
            fresh = true;
        }
        int ret = addMount(at, target, sb, sb.root, "/", source == null ? "none" : source, mntFlags);
        if (ret != 0 && fresh) {
            killIfUnused(sb, task);
        }
        return ret;
    }

    private static Inode.Dir emptyPseudoRoot() {
        return new GeneratedDir(java.util.Map::of);
    }

    private static int mntFlags(long flags) {
        int m = (flags & MS_NOATIME) == 0 ? Mount.RELATIME : 0;
        if ((flags & MS_NOSUID) != 0) {
            m |= Mount.NOSUID;
        }
        if ((flags & MS_NODEV) != 0) {
            m |= Mount.NODEV;
        }
        if ((flags & MS_NOEXEC) != 0) {
            m |= Mount.NOEXEC;
        }
        if ((flags & MS_STRICTATIME) != 0) {
            m &= ~Mount.RELATIME;
        }
        if ((flags & MS_RDONLY) != 0) {
            m |= Mount.READONLY;
        }
        return m;
    }

    /** {@code do_add_mount} and {@code graft_tree}. */
    private int addMount(Vfs.Lookup at, String target, SuperBlock sb, Inode.Dir root, String rootPath, String source,
            int mntFlags) {
        if (at.mount().sb == sb && at.mount().root == at.inode()) {
            return -Errno.EBUSY.number();
        }
        if (!(at.inode() instanceof Inode.Dir)) {
            return -Errno.ENOTDIR.number();
        }
        vfs.attach(new Vfs.Found(at.mount(), at.inode()), canonical(target), sb, root, rootPath, source, mntFlags);
        return 0;
    }

    /** The absolute path of a mount point, without {@code .}, {@code ..} or repeated slashes. */
    static String canonical(String path) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(c);
            }
        }
        return "/" + String.join("/", parts);
    }

    /**
     * A superblock for a block device. 6.18 {@code get_tree_bdev_flags}: {@code lookup_bdev}
     * (ENOENT, ENOTBLK, EACCES on a nodev mount), then {@code sget_dev} reuses a live superblock
     * of the same type on that device (a different RO state: EBUSY), else
     * {@code setup_bdev_super} claims the device with the new superblock as holder (EBUSY), a
     * read-only device for a read-write mount is EACCES, a frozen one EBUSY, then fill_super.
     * 2.6.32 {@code get_sb_bdev}: {@code open_bdev_exclusive} with the filesystem type as holder,
     * EACCES, then {@code bd_fsfreeze_count} (EBUSY), then {@code sget}'s reuse (RO state EBUSY).
     * {@code out[0]} is 1 for a new superblock, 0 for a reused one, or -errno.
     */
    private SuperBlock getTreeBdev(Task task, String source, FsType type, boolean ro, boolean silent, int[] out) {
        if (source == null) {
            out[0] = -Errno.EINVAL.number();
            return null;
        }
        Vfs.Lookup l = vfs.lookup(source);
        if (l.errno() != null) {
            out[0] = -l.errno().number();
            return null;
        }
        if (!(l.inode() instanceof Inode.Device d) || !d.block()) {
            out[0] = -Errno.ENOTBLK.number();
            return null;
        }
        if ((l.mount().flags & Mount.NODEV) != 0) {
            out[0] = -Errno.EACCES.number();
            return null;
        }
        Optional<BlockDevice> found = genhd.lookup(d.rdev());
        if (found.isEmpty()) {
            out[0] = -Errno.ENXIO.number();
            return null;
        }
        BlockDevice bdev = found.get();
        Optional<SuperBlock> existing = supers.stream()
                .filter(s -> s.bdev == bdev && s.type == type && !s.dying).findFirst();
        if (rules.freezeHolders618()) {
            if (existing.isPresent()) {
                return reuse(existing.get(), ro, bdev, out);
            }
            SuperBlock sb = new SuperBlock(type, bdev, null, null, ro, scheduler);
            int ret = claim(bdev, sb, ro, task);
            if (ret != 0) {
                out[0] = ret;
                return null;
            }
            if (bdev.fsfreezeCount() > 0) {
                printk.printk(Printk.Level.WARNING, bdev.name() + ": Can't mount, blockdev is frozen");
                release(bdev, sb, ro, task);
                out[0] = -Errno.EBUSY.number();
                return null;
            }
            return fill(sb, type, bdev, ro, silent, sb, task, out);
        }
        Object holder = type;
        int ret = claim(bdev, holder, ro, task);
        if (ret != 0) {
            out[0] = ret;
            return null;
        }
        if (bdev.fsfreezeCount() > 0) {
            release(bdev, holder, ro, task);
            out[0] = -Errno.EBUSY.number();
            return null;
        }
        if (existing.isPresent()) {
            release(bdev, holder, ro, task); // close_bdev_exclusive: the superblock keeps its own open
            return reuse(existing.get(), ro, bdev, out);
        }
        return fill(new SuperBlock(type, bdev, null, null, ro, scheduler), type, bdev, ro, silent, holder, task, out);
    }

    private SuperBlock reuse(SuperBlock sb, boolean ro, BlockDevice bdev, int[] out) {
        if (sb.readOnly != ro) {
            if (rules.freezeHolders618()) {
                printk.printk(Printk.Level.WARNING, bdev.name() + ": Can't mount, would change RO state");
            }
            out[0] = -Errno.EBUSY.number();
            return null;
        }
        out[0] = 0;
        return sb;
    }

    /** The mount's exclusive open: READ, WRITE unless read-only; EACCES for a read-write mount of a read-only device. */
    private int claim(BlockDevice bdev, Object holder, boolean ro, Task task) {
        int mode = Bdev.MODE_READ | (ro ? 0 : Bdev.MODE_WRITE);
        int ret = genhd.bdev().blkdevGet(bdev, mode, holder, task);
        if (ret != 0) {
            return ret;
        }
        if (!ro && bdev.readOnly()) {
            genhd.bdev().blkdevPut(bdev, mode, holder, task);
            return -Errno.EACCES.number();
        }
        return 0;
    }

    private void release(BlockDevice bdev, Object holder, boolean ro, Task task) {
        genhd.bdev().blkdevPut(bdev, Bdev.MODE_READ | (ro ? 0 : Bdev.MODE_WRITE), holder, task);
    }

    /** {@code ext4_fill_super}: the filesystem read from the device, or its errno and log line. */
    private SuperBlock fill(SuperBlock probe, FsType type, BlockDevice bdev, boolean ro, boolean silent, Object holder,
            Task task, int[] out) {
        ExtFs.Mounted m = ExtFs.read(bdev, fops, task, clock::nanos, this::dirtied);
        String prefix = "EXT4-fs (" + bdev.name() + "): ";
        if (m.errno() == null && !typeFits(type, m.fs().sup.kind())) {
            m = new ExtFs.Mounted(null, Errno.EINVAL, "couldn't mount as " + type.fsName() + " due to feature incompatibilities");
        }
        if (m.errno() != null) {
            if (!silent || m.errno() != Errno.EINVAL) {
                boolean magic = m.log().startsWith("VFS: Can't find");
                printk.printk(Printk.Level.ERR, magic ? cantFind(type, bdev) : prefix + m.log());
            }
            release(bdev, holder, ro, task);
            out[0] = -m.errno().number();
            return null;
        }
        SuperBlock sb = new SuperBlock(type, bdev, m.fs().root, m.fs(), ro, scheduler);
        ExtFs ext = m.fs();
        ext.mtimeOf = i -> {
            Meta known = metas.get(i);
            return known != null ? known.mtime : ext.readMtime(i);
        };
        sb.claim = holder;
        if (holder == probe) {
            // the claim was made with the superblock as holder: hand it over
            genhd.bdev().blkdevPut(bdev, Bdev.MODE_READ | (ro ? 0 : Bdev.MODE_WRITE), probe, task);
            genhd.bdev().blkdevGet(bdev, Bdev.MODE_READ | (ro ? 0 : Bdev.MODE_WRITE), sb, task);
            sb.claim = sb;
        }
        bdev.mountedSuper(sb);
        supers.add(sb);
        for (String line : mountedLines(type, m.fs(), ro, bdev)) {
            printk.printk(Printk.Level.INFO, line);
        }
        out[0] = 1;
        return sb;
    }

    /**
     * The bad-magic line of the driver that mounts {@code type}: 6.18's ext4 serves ext2, ext3 and
     * ext4 ({@code ext4_msg}); 2.6.32 has a driver for each: {@code fs/ext2/super.c} "VFS: Can't
     * find an ext2 filesystem on dev sdb.", {@code fs/ext3/super.c} "VFS: Can't find ext3
     * filesystem on dev sdb.", {@code fs/ext4/super.c} "EXT4-fs (sdb): VFS: Can't find ext4 filesystem".
     */
    private String cantFind(FsType type, BlockDevice bdev) {
        if (rules.freezeHolders618() || type == FsType.EXT4) {
            return "EXT4-fs (" + bdev.name() + "): VFS: Can't find ext4 filesystem";
        }
        return type == FsType.EXT3 ? "VFS: Can't find ext3 filesystem on dev " + bdev.name() + "."
                : "VFS: Can't find an ext2 filesystem on dev " + bdev.name() + ".";
    }

    /**
     * What a successful mount logs. 6.18 {@code ext4_fill_super}: "mounted filesystem UUID r/w with
     * ordered data mode. Quota mode: none." 2.6.32: ext4 "EXT4-fs (sdb): mounted filesystem with
     * ordered data mode"; ext3 {@code fs/jbd/journal.c:kjournald} "kjournald starting.  Commit
     * interval 5 seconds", {@code ext3_setup_super} "EXT3 FS on sdb, internal journal",
     * {@code ext3_fill_super} "EXT3-fs: mounted filesystem with ordered data mode."; ext2 nothing.
     */
    private List<String> mountedLines(FsType type, ExtFs fs, boolean ro, BlockDevice bdev) {
        String prefix = "EXT4-fs (" + bdev.name() + "): ";
        if (rules.freezeHolders618() || type == FsType.EXT4) {
            return List.of(prefix + mountedLine(fs, ro));
        }
        if (type == FsType.EXT3) {
            return List.of("kjournald starting.  Commit interval 5 seconds", "EXT3 FS on " + bdev.name() + ", internal journal",
                    "EXT3-fs: mounted filesystem with ordered data mode.");
        }
        return List.of();
    }

    /** Whether {@code -t type} can mount a filesystem of {@code kind}: ext4 mounts all three; ext2/ext3 only theirs and older. */
    private static boolean typeFits(FsType type, blocksim.uapi.ExtLayout.Kind kind) {
        return switch (type) {
            case EXT4 -> true;
            case EXT3 -> kind != blocksim.uapi.ExtLayout.Kind.EXT4 && kind.hasJournal();
            case EXT2 -> kind != blocksim.uapi.ExtLayout.Kind.EXT4;
            default -> false;
        };
    }

    /** 6.18 {@code ext4_fill_super}'s "mounted filesystem UUID r/w with ordered data mode. Quota mode: none." */
    private String mountedLine(ExtFs fs, boolean ro) {
        if (!rules.freezeHolders618()) {
            return fs.sup.kind().hasJournal() ? "mounted filesystem with ordered data mode" : "mounted filesystem without journal";
        }
        String mode = fs.sup.kind().hasJournal() ? " with ordered data mode" : " without journal";
        return "mounted filesystem " + blocksim.uapi.ExtLayout.uuidText(fs.sup.uuid()) + (ro ? " ro" : " r/w") + mode + ". Quota mode: none.";
    }


    /**
     * {@code do_remount} / 2.6.32 {@code do_remount_sb}: the target must be a mount's root
     * (EINVAL); a frozen superblock is EBUSY; going read-only writes everything back first.
     */
    private int remount(Task task, Vfs.Lookup at, long flags, int mntFlags) {
        Mount m = at.mount();
        if (m.root != at.inode()) {
            return -Errno.EINVAL.number();
        }
        if ((flags & MS_BIND) != 0) {
            m.flags = mntFlags;
            return 0;
        }
        SuperBlock sb = m.sb;
        if (sb.frozen != SuperBlock.UNFROZEN) {
            return -Errno.EBUSY.number();
        }
        boolean ro = (flags & MS_RDONLY) != 0;
        if (!ro && sb.bdev != null && sb.bdev.readOnly()) {
            return -Errno.EACCES.number();
        }
        if (ro && !sb.readOnly && sb.ext != null) {
            sb.ext.sync(task);
        }
        sb.readOnly = ro;
        m.flags = mntFlags & ~Mount.READONLY;
        if (rules.freezeHolders618() && sb.ext != null) {
            printk.printk(Printk.Level.INFO, "EXT4-fs (" + sb.bdev.name() + "): re-mounted " + blocksim.uapi.ExtLayout.uuidText(sb.ext.sup.uuid())
                    + (ro ? " ro." : " r/w."));
        }
        return 0;
    }

    /** {@code do_loopback}: the source's walk (ENOENT...), then a new mount of the same superblock at that directory. */
    private int bind(String source, Vfs.Lookup at, String target, int mntFlags) {
        if (source == null) {
            return -Errno.EFAULT.number();
        }
        Vfs.Lookup from = vfs.lookup(source);
        if (from.errno() != null) {
            return -from.errno().number();
        }
        if (!(from.inode() instanceof Inode.Dir dir)) {
            return -Errno.ENOTDIR.number();
        }
        Mount src = from.mount();
        String rootPath = src.rootPath.equals("/") ? relative(src, source) : src.rootPath + relative(src, source);
        return addMount(at, target, src.sb, dir, rootPath.isEmpty() ? "/" : rootPath, src.source, mntFlags & ~Mount.READONLY
                | (mntFlags & Mount.READONLY));
    }

    /** The part of {@code path} below mount {@code m}'s mount point. */
    private static String relative(Mount m, String path) {
        String c = canonical(path);
        String base = m.path.equals("/") ? "" : m.path;
        String rest = c.startsWith(base) ? c.substring(base.length()) : c;
        return rest.isEmpty() ? "/" : rest;
    }

    // ---------------------------------------------------------------- umount2(2)

    /**
     * umount2(2), 6.18 {@code ksys_umount}/{@code path_umount} (2.6.32 {@code sys_umount} alike):
     * unknown flags EINVAL, the walk, EPERM, a path that is not a mount's root EINVAL, the root
     * mount EBUSY, a busy mount (open files, mounts on it) EBUSY unless MNT_DETACH. The superblock
     * dies with its last reference: a frozen one lives on, holding its device.
     */
    public int umount(Task task, String target, int flags) {
        if ((flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) != 0) {
            return -Errno.EINVAL.number();
        }
        Vfs.Lookup at = vfs.lookup(target);
        if (at.errno() != null) {
            return -at.errno().number();
        }
        if (!task.capSysAdmin()) {
            return -Errno.EPERM.number();
        }
        Mount m = at.mount();
        if (m.root != at.inode()) {
            return -Errno.EINVAL.number();
        }
        if (m == vfs.rootMount()) {
            return -Errno.EBUSY.number();
        }
        if ((flags & MNT_DETACH) == 0 && (m.users > 0 || !vfs.children(m).isEmpty())) {
            return -Errno.EBUSY.number();
        }
        List<Mount> gone = new ArrayList<>();
        collect(m, gone);
        vfs.detach(m);
        for (Mount g : gone) {
            g.sb.active--;
            if (g.users == 0) {
                killIfUnused(g.sb, task);
            }
        }
        return 0;
    }

    private void collect(Mount m, List<Mount> out) {
        for (Mount c : vfs.children(m)) {
            collect(c, out);
        }
        out.add(m);
    }

    /** A descriptor or working directory on a mount went away: a lazily detached superblock may die now. */
    void mountReleased(Mount m, Task task) {
        m.users--;
        if (m.users == 0 && !vfs.mounts().contains(m)) {
            killIfUnused(m.sb, task);
        }
    }

    /** {@code deactivate_locked_super} reaching zero: {@code generic_shutdown_super} writes everything back, then the device is let go. */
    private void killIfUnused(SuperBlock sb, Task task) {
        if (sb.active > 0 || sb.dying) {
            return;
        }
        for (Mount m : vfs.mounts()) {
            if (m.sb == sb) {
                return;
            }
        }
        sb.dying = true;
        if (sb.ext != null && !sb.readOnly) {
            sb.ext.sync(task);
        }
        if (sb.bdev != null) {
            if (sb.bdev.mountedSuper() == sb) {
                sb.bdev.mountedSuper(null);
            }
            if (sb.claim != null) {
                release(sb.bdev, sb.claim, sb.readOnly, task);
            }
            if (rules.freezeHolders618() && sb.ext != null) {
                printk.printk(Printk.Level.INFO, "EXT4-fs (" + sb.bdev.name() + "): unmounting filesystem " + blocksim.uapi.ExtLayout.uuidText(sb.ext.sup.uuid()) + ".");
            }
        }
        supers.remove(sb);
    }

    // ---------------------------------------------------------------- sync

    /** {@code ksys_sync}: every filesystem's dirty data written back and committed; frozen ones have none. Never waits for a thaw. */
    public int sync(Task task) {
        for (SuperBlock sb : new ArrayList<>(supers)) {
            if (sb.ext != null && !sb.readOnly && sb.frozen == SuperBlock.UNFROZEN) {
                sb.ext.sync(task);
            }
        }
        return 0;
    }

    /** syncfs(2): {@code sync_filesystem} of the file's superblock; the first error of the writeback. */
    public int syncfs(File f, Task task) {
        SuperBlock sb = f.mount.sb;
        if (sb.ext == null || sb.readOnly || sb.frozen != SuperBlock.UNFROZEN) {
            return 0;
        }
        return sb.ext.sync(task);
    }

    /** fsync(2) of an ext file: its pages and the commit; a clean file on a frozen filesystem returns at once. */
    int fsync(File f, Task task) {
        SuperBlock sb = f.mount.sb;
        if (sb.ext == null || sb.readOnly || !(f.inode instanceof Inode.Regular r)) {
            return 0;
        }
        if (!sb.ext.dirty(r)) {
            return 0;
        }
        return sb.ext.fsync(r, task);
    }

    /** Something became dirty: make sure the flusher ({@code wb_workfn}) will come round. */
    private void dirtied() {
        if (flusherRunning || scheduler == null) {
            return;
        }
        flusherRunning = true;
        Task t = kthreads.apply("kworker/u8:1-flush");
        scheduler.spawn(t, t.comm(), () -> flusher(t));
    }

    /**
     * The flusher: every {@code dirty_writeback_interval} (5 s) it writes back files dirtied
     * {@code dirty_expire_interval} (30 s) ago and commits metadata older than 5 s; it stops when
     * nothing is dirty, so an idle system has no timer left running.
     */
    private void flusher(Task t) {
        try {
            while (true) {
                scheduler.sleep(WRITEBACK_INTERVAL);
                boolean any = false;
                for (SuperBlock sb : new ArrayList<>(supers)) {
                    if (sb.ext == null || sb.readOnly || sb.frozen != SuperBlock.UNFROZEN) {
                        continue;
                    }
                    sb.ext.periodic(clock.nanos(), DIRTY_EXPIRE, COMMIT_INTERVAL, t);
                    any |= sb.ext.dirty();
                }
                if (!any) {
                    return;
                }
            }
        } finally {
            flusherRunning = false;
        }
    }

    // ---------------------------------------------------------------- freeze

    /** The owner of a frozen superblock's writer semaphores, as the wait-for chain names it. */
    private record Freezer(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * FIFREEZE ({@code fs/ioctl.c:ioctl_fsfreeze}): EPERM without CAP_SYS_ADMIN; EOPNOTSUPP where
     * the filesystem cannot freeze; 2.6.32: EINVAL without a block device, then
     * {@code freeze_bdev}; 6.18: {@code freeze_super(sb, FREEZE_HOLDER_USERSPACE)}.
     */
    public int freezeIoctl(File f, Task task) {
        SuperBlock sb = f.mount.sb;
        if (!task.capSysAdmin()) {
            return -Errno.EPERM.number();
        }
        if (!canFreeze(sb)) {
            return -Errno.EOPNOTSUPP.number();
        }
        if (!rules.freezeHolders618()) {
            if (sb.bdev == null) {
                return -Errno.EINVAL.number();
            }
            return freezeBdev(sb, task);
        }
        return freezeSuper(sb, FREEZE_HOLDER_USERSPACE, null, task);
    }

    /** FITHAW: EPERM; 2.6.32 EINVAL without a block device, then {@code thaw_bdev}; 6.18 {@code thaw_super(USERSPACE)}. */
    public int thawIoctl(File f, Task task) {
        SuperBlock sb = f.mount.sb;
        if (!task.capSysAdmin()) {
            return -Errno.EPERM.number();
        }
        if (!rules.freezeHolders618()) {
            if (sb.bdev == null) {
                return -Errno.EINVAL.number();
            }
            return thawBdev(sb, task);
        }
        return thawSuper(sb, FREEZE_HOLDER_USERSPACE, null, task);
    }

    /** {@code ->freeze_fs}: ext3 and ext4 in both eras, ext2 from 2.6.34 on (not in 2.6.32); tmpfs, proc, sysfs, devtmpfs never. */
    private boolean canFreeze(SuperBlock sb) {
        return switch (sb.type) {
            case EXT3, EXT4 -> true;
            case EXT2 -> rules.ext2Freezes();
            default -> false;
        };
    }

    /** 6.18 {@code enum freeze_holder} ({@code include/linux/fs.h}). */
    public static final int FREEZE_HOLDER_KERNEL = 1, FREEZE_HOLDER_USERSPACE = 2, FREEZE_MAY_NEST = 4, FREEZE_EXCL = 8;

    /**
     * 6.18 {@code fs/super.c:may_freeze}: an exclusive kernel freeze needs an owner and none
     * before it; otherwise a holder may freeze again only with MAY_NEST or when it holds no
     * freeze yet.
     */
    private static boolean mayFreeze(SuperBlock sb, int who, Object owner) {
        if ((who & FREEZE_EXCL) != 0) {
            if ((who & FREEZE_HOLDER_KERNEL) == 0 || owner == null || sb.freezeOwner != null) {
                return false;
            }
            if (sb.kcount + sb.ucount > 0) {
                sb.freezeOwner = owner;
            }
            return true;
        }
        if ((who & FREEZE_HOLDER_KERNEL) != 0) {
            return (who & FREEZE_MAY_NEST) != 0 || sb.kcount == 0;
        }
        if ((who & FREEZE_HOLDER_USERSPACE) != 0) {
            return (who & FREEZE_MAY_NEST) != 0 || sb.ucount == 0;
        }
        return false;
    }

    /** 6.18 {@code may_unfreeze}: the kind of holder must hold a freeze; an exclusive one only its owner's. */
    private static boolean mayUnfreeze(SuperBlock sb, int who, Object owner) {
        if ((who & FREEZE_EXCL) != 0) {
            if ((who & FREEZE_HOLDER_KERNEL) == 0 || owner == null || sb.kcount == 0 || sb.freezeOwner != owner) {
                return false;
            }
            if (sb.kcount + sb.ucount > 1) {
                sb.freezeOwner = null;
            }
            return true;
        }
        if ((who & FREEZE_HOLDER_KERNEL) != 0) {
            if (sb.kcount == 1 && sb.freezeOwner != null) {
                return false; // that reference is the exclusive owner's
            }
            return sb.kcount > 0;
        }
        if ((who & FREEZE_HOLDER_USERSPACE) != 0) {
            return sb.ucount > 0;
        }
        return false;
    }

    /** 6.18 {@code freeze_inc}. */
    private static void freezeInc(SuperBlock sb, int who) {
        if ((who & FREEZE_HOLDER_KERNEL) != 0) {
            sb.kcount++;
        }
        if ((who & FREEZE_HOLDER_USERSPACE) != 0) {
            sb.ucount++;
        }
    }

    /** 6.18 {@code freeze_dec}: how many holders are left. */
    private static int freezeDec(SuperBlock sb, int who) {
        if ((who & FREEZE_HOLDER_KERNEL) != 0 && sb.kcount > 0) {
            sb.kcount--;
        }
        if ((who & FREEZE_HOLDER_USERSPACE) != 0 && sb.ucount > 0) {
            sb.ucount--;
        }
        return sb.kcount + sb.ucount;
    }

    /**
     * 6.18 {@code freeze_super(sb, who, owner)}: a dying superblock is EINVAL; a complete freeze is
     * joined when {@link #mayFreeze} allows (all freezers share one active reference), else EBUSY;
     * a freeze in progress is waited for; a read-only one is complete at once; otherwise WRITE,
     * PAGEFAULT, {@code sync_filesystem} (its error unfreezes and is returned), FS, COMPLETE.
     */
    public int freezeSuper(SuperBlock sb, int who, Object owner, Task task) {
        if (sb.dying) {
            return -Errno.EINVAL.number();
        }
        sb.umount.downWrite(task);
        while (true) {
            if (sb.frozen == SuperBlock.FREEZE_COMPLETE) {
                int ret = mayFreeze(sb, who, owner) ? 0 : -Errno.EBUSY.number();
                if (ret == 0) {
                    freezeInc(sb, who);
                }
                sb.umount.upWrite(task);
                return ret;
            }
            if (sb.frozen == SuperBlock.UNFROZEN) {
                break;
            }
            // wait_for_partially_frozen
            sb.umount.upWrite(task);
            sb.unfrozen.waitEvent(() -> sb.frozen == SuperBlock.UNFROZEN || sb.frozen == SuperBlock.FREEZE_COMPLETE,
                    () -> "waits for the freeze of " + sb.id() + " in progress");
            sb.umount.downWrite(task);
        }
        sb.active++;
        if (sb.readOnly) {
            freezeInc(sb, who);
            sb.freezeOwner = owner;
            sb.frozen = SuperBlock.FREEZE_COMPLETE;
            sb.unfrozen.wakeUpAll();
            sb.umount.upWrite(task);
            return 0;
        }
        Freezer freezer = new Freezer("the freeze of " + sb.id() + " (task " + task.pid() + " " + task.comm() + ")");
        sb.freezer = freezer;
        sb.frozen = SuperBlock.FREEZE_WRITE;
        sb.umount.upWrite(task);
        sb.writers[0].downWrite(freezer);
        sb.umount.downWrite(task);
        sb.frozen = SuperBlock.FREEZE_PAGEFAULT;
        sb.writers[1].downWrite(freezer);
        int ret = sb.ext != null ? sb.ext.sync(task) : 0;
        if (ret != 0) {
            sb.writers[1].upWrite(freezer);
            sb.writers[0].upWrite(freezer);
            sb.frozen = SuperBlock.UNFROZEN;
            sb.unfrozen.wakeUpAll();
            sb.active--;
            sb.umount.upWrite(task);
            return ret;
        }
        sb.frozen = SuperBlock.FREEZE_FS;
        sb.writers[2].downWrite(freezer);
        freezeInc(sb, who);
        sb.freezeOwner = owner;
        sb.frozen = SuperBlock.FREEZE_COMPLETE;
        sb.unfrozen.wakeUpAll();
        sb.umount.upWrite(task);
        return 0;
    }

    /** 6.18 {@code thaw_super(sb, who, owner)}: EINVAL unless frozen and {@link #mayUnfreeze}; the last holder unfreezes. */
    public int thawSuper(SuperBlock sb, int who, Object owner, Task task) {
        sb.umount.downWrite(task);
        try {
            return thawSuperLocked(sb, who, owner, task);
        } finally {
            if (sb.umount.writer() == task) {
                sb.umount.upWrite(task);
            }
        }
    }

    private int thawSuperLocked(SuperBlock sb, int who, Object owner, Task task) {
        if (sb.frozen != SuperBlock.FREEZE_COMPLETE || !mayUnfreeze(sb, who, owner)) {
            return -Errno.EINVAL.number();
        }
        if (freezeDec(sb, who) > 0) {
            return 0;
        }
        boolean locked = sb.writers[0].writer() != null;
        sb.frozen = SuperBlock.UNFROZEN;
        if (locked) {
            for (int i = 2; i >= 0; i--) {
                sb.writers[i].upWrite(sb.freezer);
            }
        }
        sb.freezer = null;
        sb.freezeOwner = null;
        sb.unfrozen.wakeUpAll();
        sb.active--;
        sb.umount.upWrite(task);
        killIfUnused(sb, task);
        return 0;
    }

    /**
     * 6.18 {@code block/bdev.c:bdev_freeze} (device-mapper's suspend calls it; no userspace path
     * of the model does yet): nests by {@code bd_fsfreeze_count}; the first freezes the mounted
     * filesystem through its holder ({@code fs_bdev_freeze}: {@code freeze_super} with
     * MAY_NEST | USERSPACE), or just syncs a device nobody mounted. An error undoes the count.
     */
    public int bdevFreeze(BlockDevice bdev, Task task) {
        Mutex m = fsfreezeMutex(bdev);
        m.lock(task);
        try {
            bdev.fsfreezeCount(bdev.fsfreezeCount() + 1);
            if (bdev.fsfreezeCount() > 1) {
                return 0;
            }
            Optional<SuperBlock> sb = superOf(bdev);
            int ret = sb.isPresent() ? freezeSuper(sb.get(), FREEZE_MAY_NEST | FREEZE_HOLDER_USERSPACE, null, task) : 0;
            if (ret != 0) {
                bdev.fsfreezeCount(bdev.fsfreezeCount() - 1);
            }
            return ret;
        } finally {
            m.unlock(task);
        }
    }

    /** 6.18 {@code bdev_thaw}: EINVAL when not frozen; the last thaw thaws the filesystem ({@code fs_bdev_thaw}). */
    public int bdevThaw(BlockDevice bdev, Task task) {
        Mutex m = fsfreezeMutex(bdev);
        m.lock(task);
        try {
            if (bdev.fsfreezeCount() == 0) {
                return -Errno.EINVAL.number();
            }
            bdev.fsfreezeCount(bdev.fsfreezeCount() - 1);
            if (bdev.fsfreezeCount() > 0) {
                return 0;
            }
            Optional<SuperBlock> sb = superOf(bdev);
            int ret = sb.isPresent() ? thawSuper(sb.get(), FREEZE_MAY_NEST | FREEZE_HOLDER_USERSPACE, null, task) : 0;
            if (ret != 0) {
                bdev.fsfreezeCount(bdev.fsfreezeCount() + 1);
            }
            return ret;
        } finally {
            m.unlock(task);
        }
    }

    private Mutex fsfreezeMutex(BlockDevice bdev) {
        return freezeMutex.computeIfAbsent(bdev, b -> new Mutex("bd_fsfreeze_mutex of " + b.name(), scheduler));
    }

    /** 2.6.32 {@code freeze_bdev}: nests by count; the first freeze syncs, freezes and keeps an active reference. */
    private int freezeBdev(SuperBlock sb, Task task) {
        BlockDevice bdev = sb.bdev;
        Mutex m = fsfreezeMutex(bdev);
        m.lock(task);
        try {
            bdev.fsfreezeCount(bdev.fsfreezeCount() + 1);
            if (bdev.fsfreezeCount() > 1) {
                return 0;
            }
            sb.umount.downWrite(task);
            sb.active++;
            if (sb.readOnly) {
                sb.frozen = SuperBlock.FREEZE_TRANS;
                sb.umount.upWrite(task);
                return 0;
            }
            sb.frozen = SuperBlock.FREEZE_WRITE;
            if (sb.ext != null) {
                sb.ext.sync(task); // sync_filesystem's result is not looked at in 2.6.32
            }
            sb.frozen = SuperBlock.FREEZE_TRANS;
            sb.umount.upWrite(task);
            return 0;
        } finally {
            m.unlock(task);
        }
    }

    /** 2.6.32 {@code thaw_bdev}: 0 even when nothing is frozen (vanilla); the last thaw unfreezes and drops the reference. */
    private int thawBdev(SuperBlock sb, Task task) {
        BlockDevice bdev = sb.bdev;
        Mutex m = fsfreezeMutex(bdev);
        m.lock(task);
        try {
            if (bdev.fsfreezeCount() == 0) {
                return 0;
            }
            bdev.fsfreezeCount(bdev.fsfreezeCount() - 1);
            if (bdev.fsfreezeCount() > 0) {
                return 0;
            }
            sb.umount.downWrite(task);
            sb.frozen = SuperBlock.UNFROZEN;
            sb.unfrozen.wakeUpAll();
            sb.active--;
            sb.umount.upWrite(task);
            killIfUnused(sb, task);
            return 0;
        } finally {
            m.unlock(task);
        }
    }

    // ---------------------------------------------------------------- writers

    /**
     * Before a write to a regular file: 6.18 {@code file_start_write} ({@code sb_start_write}:
     * level WRITE for reading, which waits while a freeze holds it); 2.6.32
     * {@code vfs_check_frozen(sb, SB_FREEZE_WRITE)} in {@code __generic_file_aio_write}.
     */
    void startWrite(SuperBlock sb, Task task) {
        if (rules.freezeHolders618()) {
            sb.writers[0].downRead(task);
            return;
        }
        sb.unfrozen.waitEvent(() -> sb.frozen < SuperBlock.FREEZE_WRITE,
                () -> "waits for " + sb.id() + " to thaw (s_wait_unfrozen, s_frozen " + sb.frozen + ")");
    }

    /** 2.6.32 {@code inode->i_mutex} of regular files, made on first use. */
    private final java.util.WeakHashMap<Inode.Regular, Mutex> iMutex = new java.util.WeakHashMap<>();

    /**
     * 2.6.32 {@code generic_file_aio_write} takes the inode's {@code i_mutex} before
     * {@code __generic_file_aio_write} checks the freeze, so a writer waiting for a thaw holds it
     * and a second writer of the same file waits for the first. 6.18's {@code vfs_write} waits in
     * {@code file_start_write} before {@code ext4_buffered_write_iter} takes the inode lock: no
     * lock is held while it waits. Null when the era takes none here.
     */
    Mutex writeLock(File f) {
        if (rules.freezeHolders618() || !(f.inode instanceof Inode.Regular r)) {
            return null;
        }
        SuperBlock sb = f.mount.sb;
        return iMutex.computeIfAbsent(r, x -> new Mutex("i_mutex of " + (sb.ext != null ? sb.id() + " inode " + sb.ext.inoOf(x)
                : "a " + sb.type.fsName() + " inode"), scheduler));
    }

    void endWrite(SuperBlock sb, Task task) {
        if (rules.freezeHolders618()) {
            sb.writers[0].upRead(task);
        }
    }

    /**
     * Before a change to the namespace or an inode's attributes. 6.18 {@code mnt_want_write}:
     * {@code sb_start_write} first (waits while frozen), then EROFS for a read-only mount.
     * 2.6.32: EROFS first ({@code mnt_want_write} does not look at freezing), then the ext3/ext4
     * transaction waits while {@code s_frozen >= SB_FREEZE_TRANS} ({@code ext4_journal_start_sb},
     * ext3's locked journal updates). Returns 0 (the caller then calls {@link #dropWrite}) or -EROFS.
     */
    int wantWrite(Mount m, Task task) {
        SuperBlock sb = m.sb;
        if (rules.freezeHolders618()) {
            sb.writers[0].downRead(task);
            if (m.readOnly()) {
                sb.writers[0].upRead(task);
                return -Errno.EROFS.number();
            }
            return 0;
        }
        if (m.readOnly()) {
            return -Errno.EROFS.number();
        }
        if (sb.type == FsType.EXT3 || sb.type == FsType.EXT4) {
            sb.unfrozen.waitEvent(() -> sb.frozen < SuperBlock.FREEZE_TRANS,
                    () -> "waits for " + sb.id() + " to thaw (" + (sb.type == FsType.EXT4 ? "ext4_journal_start_sb" : "journal_start") + ")");
        }
        return 0;
    }

    void dropWrite(Mount m, Task task) {
        if (rules.freezeHolders618()) {
            m.sb.writers[0].upRead(task);
        }
    }

    // ---------------------------------------------------------------- emergency thaw

    /**
     * sysrq j ({@code emergency_thaw_all}): the action message, then a workqueue item. 6.18
     * {@code do_thaw_all_callback}: for each superblock, {@code bdev_thaw} until it fails, then
     * one {@code thaw_super_locked(USERSPACE)}; kernel holders stay. 2.6.32 {@code do_thaw_all}:
     * with {@code s_umount} held for reading, {@code thaw_bdev} is called while it returns 0, which
     * vanilla always does: an unfrozen filesystem on a device loops for ever ("Emergency Thaw on"),
     * and a frozen one's last thaw waits for {@code s_umount} for writing, held by itself.
     */
    public void emergencyThaw(Task caller) {
        printk.printk(Printk.Level.INFO, rules.sysrqPrefix() + " Emergency Thaw of all frozen filesystems");
        Task t = kthreads.apply(rules.freezeHolders618() ? "kworker/0:1-events" : "events/0");
        scheduler.spawn(t, t.comm(), () -> doThawAll(t));
    }

    private void doThawAll(Task t) {
        for (SuperBlock sb : new ArrayList<>(supers)) {
            if (rules.freezeHolders618()) {
                while (sb.bdev != null && bdevThaw(sb.bdev, t) == 0) {
                    printk.printk(Printk.Level.WARNING, "Emergency Thaw on " + sb.bdev.name());
                }
                thawSuper(sb, FREEZE_HOLDER_USERSPACE, null, t);
                continue;
            }
            sb.umount.downRead(t);
            while (sb.bdev != null && thawBdevHoldingUmount(sb, t) == 0) {
                printk.printk(Printk.Level.WARNING, "Emergency Thaw on " + sb.bdev.name());
                // the loop never ends; a millisecond per turn lets the clock, and so the rest of the system, go on
                scheduler.sleep(1_000_000L);
            }
            sb.umount.upRead(t);
        }
        printk.printk(Printk.Level.WARNING, "Emergency Thaw complete");
    }

    /** {@link #thawBdev} called with {@code s_umount} already held for reading by the caller. */
    private int thawBdevHoldingUmount(SuperBlock sb, Task t) {
        return thawBdev(sb, t);
    }

    // ---------------------------------------------------------------- inode numbers and times

    /** An inode's number and times ({@code i_ino}, {@code i_atime}, {@code i_mtime}, {@code i_ctime}, {@code i_btime}), in ns. */
    static final class Meta {
        long ino;
        long atime;
        long mtime;
        long ctime;
        long btime;
    }

    private final java.util.IdentityHashMap<Inode, Meta> metas = new java.util.IdentityHashMap<>();
    /** Generated inodes (device nodes, proc and sysfs files) are made anew at each lookup: keyed by their path. */
    private final java.util.TreeMap<String, Meta> pathMetas = new java.util.TreeMap<>();
    /** {@code get_next_ino}: tmpfs, devtmpfs, procfs and sysfs inode numbers. */
    private long nextIno = 1;

    /** The number and times of an inode; one first seen now was made at boot, or now for a new file. */
    Meta meta(Inode i, Mount m, String path) {
        Meta got = i instanceof Inode.Generated || i instanceof Inode.Device || path != null && !(i instanceof TmpDir
                || i instanceof Inode.Regular) ? pathMetas.get(m.sb.id() + ":" + path) : metas.get(i);
        if (got != null) {
            return got;
        }
        Meta n = new Meta();
        boolean onDisk = m.sb.ext != null && (i instanceof TmpDir || i instanceof Inode.Regular);
        n.ino = onDisk ? m.sb.ext.inoOf(i) : nextIno++;
        if (onDisk) {
            // an inode read from the disk has the times it was written with
            n.atime = n.mtime = n.ctime = n.btime = m.sb.ext.readMtime(i);
        }
        if (i instanceof TmpDir || i instanceof Inode.Regular) {
            metas.put(i, n);
        } else {
            pathMetas.put(m.sb.id() + ":" + path, n);
        }
        return n;
    }

    /** A new inode: all four times now ({@code inode_init_owner}, {@code current_time}). */
    void created(Inode i, Mount m) {
        Meta n = meta(i, m, null);
        n.atime = n.mtime = n.ctime = n.btime = clock.nanos();
    }

    /** Data or entries changed: mtime and ctime now. */
    void modified(Inode i, Mount m) {
        Meta n = meta(i, m, null);
        n.mtime = n.ctime = clock.nanos();
    }

    /** Attributes changed (a rename, utimensat with NULL times): ctime now, and for utimensat all. */
    void changed(Inode i, Mount m, boolean times) {
        Meta n = meta(i, m, null);
        n.ctime = clock.nanos();
        if (times) {
            n.atime = n.mtime = n.ctime;
        }
    }

    /** {@code st_dev}: the device of a disk filesystem, else its anonymous 0:N. */
    int[] stDev(SuperBlock sb) {
        return sb.bdev != null ? new int[] {sb.bdev.dev().major(), sb.bdev.dev().minor()} : new int[] {0, anonMinor(sb)};
    }

    // ---------------------------------------------------------------- the mount table

    /**
     * What the VFS adds to {@code /proc}: {@code mounts} (a link to {@code self/mounts}),
     * {@code self/mounts}, {@code self/mountinfo}, {@code filesystems}, and
     * {@code sysrq-trigger} (0200), where a write of {@code j} is the emergency thaw
     * ({@code write_sysrq_trigger} acts on the first character).
     */
    public Map<String, Inode> procEntries() {
        Map<String, Inode> m = new java.util.LinkedHashMap<>();
        m.put("mounts", new Inode.Generated(this::procMounts));
        m.put("filesystems", new Inode.Generated(Filesystems::procFilesystems));
        m.put("self", new GeneratedDir(() -> Map.of(
                "mounts", new Inode.Generated(this::procMounts),
                "mountinfo", new Inode.Generated(this::mountinfo))));
        m.put("sysrq-trigger", new Inode.Generated(() -> "", false, (task, data) -> {
            if (data.length > 0 && data[0] == 'j') {
                emergencyThaw(task);
            }
            return data.length;
        }, 0200));
        return m;
    }

    /** {@code /proc/filesystems}: "nodev" before the types that need no device, a tab, the name. */
    static String procFilesystems() {
        StringBuilder b = new StringBuilder();
        for (FsType t : FsType.values()) {
            b.append(t.requiresDev() ? "" : "nodev").append('\t').append(t.fsName()).append('\n');
        }
        return b.toString();
    }

    /** {@code /proc/mounts} ({@code show_vfsmnt}): source, mount point, type, options, "0 0". */
    public String procMounts() {
        StringBuilder out = new StringBuilder();
        for (Mount m : vfs.mounts()) {
            out.append(escape(m.source)).append(' ').append(escape(m.path)).append(' ').append(m.sb.type.fsName())
                    .append(m.readOnly() ? " ro" : " rw").append(mntOpts(m)).append(fsOpts(m.sb)).append(" 0 0\n");
        }
        return out.toString();
    }

    /** {@code /proc/self/mountinfo} ({@code show_mountinfo}). */
    public String mountinfo() {
        StringBuilder out = new StringBuilder();
        for (Mount m : vfs.mounts()) {
            Mount parent = m.parent == null ? m : m.parent;
            String dev = m.sb.bdev != null ? m.sb.bdev.dev().toString() : "0:" + anonMinor(m.sb);
            out.append(m.id).append(' ').append(parent.id).append(' ').append(dev).append(' ').append(escape(m.rootPath))
                    .append(' ').append(escape(m.path)).append((m.flags & Mount.READONLY) != 0 ? " ro" : " rw")
                    .append(mntOpts(m)).append(" - ").append(m.sb.type.fsName()).append(' ').append(escape(m.source))
                    .append(m.sb.readOnly ? " ro" : " rw").append(fsOpts(m.sb)).append('\n');
        }
        return out.toString();
    }

    /** {@code get_anon_bdev}: the pseudo-filesystems' device numbers, in the order they were made. */
    private int anonMinor(SuperBlock sb) {
        int n = 0;
        for (SuperBlock s : supers) {
            if (s.bdev == null) {
                n++;
                if (s == sb) {
                    return n;
                }
            }
        }
        return 0;
    }

    private static String mntOpts(Mount m) {
        StringBuilder sb = new StringBuilder();
        if ((m.flags & Mount.NOSUID) != 0) {
            sb.append(",nosuid");
        }
        if ((m.flags & Mount.NODEV) != 0) {
            sb.append(",nodev");
        }
        if ((m.flags & Mount.NOEXEC) != 0) {
            sb.append(",noexec");
        }
        if ((m.flags & Mount.RELATIME) != 0) {
            sb.append(",relatime");
        }
        return sb.toString();
    }

    /** The filesystem's {@code ->show_options}: devtmpfs and tmpfs their mode, ext nothing by default. */
    private String fsOpts(SuperBlock sb) {
        return switch (sb.type) {
            case DEVTMPFS -> ",mode=755";
            // 2.6.32 ext4_show_options always shows barrier and the data mode; ext3_show_options and
            // ext2_show_options show errors=continue (the superblock's s_errors) and ext3 the data mode
            case EXT4 -> rules.freezeHolders618() ? "" : ",barrier=1,data=ordered";
            case EXT3 -> rules.freezeHolders618() ? "" : ",errors=continue,data=ordered";
            case EXT2 -> rules.freezeHolders618() ? "" : ",errors=continue";
            default -> "";
        };
    }

    /** {@code mangle}: space, tab, newline and backslash as octal escapes. */
    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
                b.append(String.format("\\%03o", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
