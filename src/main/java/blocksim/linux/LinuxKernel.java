package blocksim.linux;

import blocksim.api.Host;
import blocksim.api.Machine.Ran;
import blocksim.api.Kernel;
import blocksim.api.DiskSpec;
import blocksim.drivers.Drivers;
import blocksim.fs.PathName;
import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.MisuseException;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import blocksim.uapi.Strace;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same {@link Kernel} calls on the machine's running kernel, through java.lang.foreign. Every
 * disk a run adds is a loop device of its own (a sparse image in the run's directory,
 * {@code LOOP_CTL_GET_FREE}, {@code LOOP_CONFIGURE}), known by the run's name for it both ways: in
 * the paths it is given ({@code /sys/block/sda/sda1/start} reads
 * {@code /sys/block/loop3/loop3p1/start}) and in everything it shows ({@code /dev/loop3p1} shows as
 * {@code /dev/sda1}).
 *
 * <p>What the adapter promises (docs/native.md has the threat model and the test behind each):
 * <ul>
 *   <li>It reaches only the run's own objects: its loop devices (checked before every open, write,
 *       changing ioctl and cleanup step to be still bound to the run's image), their sysfs
 *       directories (resolved beneath the disk's own directory with {@code openat2}, no link
 *       followed, read only), /proc/partitions and /proc/devices (read only), /dev/null and
 *       /dev/zero, and the lesson's root inside the run's directory (resolved beneath it).</li>
 *   <li>Ioctl arguments are laid out from the uapi's description of the request ({@link Abi}); a
 *       request the uapi does not describe, a LOOP_* request that would move a run's device off its
 *       image, and FIFREEZE/FITHAW on anything but the run's own mounts are answered
 *       as the model answers them, without reaching the kernel.</li>
 *   <li>{@link #close()} (also run by a JVM shutdown hook) closes every file, deletes the
 *       partitions of the run's loop devices, detaches them and removes the run's directory;
 *       what a killed run leaves is reclaimed by the next adapter start or {@code blocksim cleanup}
 *       ({@link Reclaim}).</li>
 * </ul>
 */
public final class LinuxKernel implements Host {

    private static final Logger LOG = LoggerFactory.getLogger("blocksim.linux");

    /** Resolution inside the run's objects: beneath the starting directory, through no link, on no other mount. */
    static final long BENEATH = Libc.RESOLVE_BENEATH | Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS
            | Libc.RESOLVE_NO_XDEV;
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int ELOOP = 40;
    private static final int EXDEV = 18;

    /**
     * A disk of this run: the name the run uses, the loop device behind it, its image (name in the
     * run's directory, device and inode), and the read-ahead (sectors) the loop device had before
     * the run bound it, which teardown puts back.
     */
    record Disk(String name, int loopNumber, String image, Loops.Image id, long readAhead) {
        String real() {
            return "loop" + loopNumber;
        }

        /** The run's name of partition {@code n}: {@code sda1}, {@code loop0p1}. */
        String partName(String n) {
            return Character.isDigit(name.charAt(name.length() - 1)) ? name + "p" + n : name + n;
        }
    }

    /** What a path names for the run. */
    private enum Kind {
        /** A directory the adapter makes up: /, /dev, /proc, /sys, /sys/block. */
        VIRTUAL,
        /** One of the run's disks or partitions. */
        DEVICE,
        /** /dev/null or /dev/zero. */
        NODE,
        /** A file or directory in the lesson's root. */
        ROOT,
        /** Below one of the run's disks' sysfs directories. */
        SYSFS,
        /** /proc/partitions or /proc/devices. */
        PROC
    }

    /**
     * A resolved path: its kind, the real path (absolute, or relative to the disk's sysfs
     * directory or to the lesson's root), the disk, the listing of a virtual directory, or an errno.
     */
    private record Resolved(Kind kind, String real, Disk disk, String listing, Errno errno) {
        static Resolved fail(Errno e) {
            return new Resolved(null, null, null, null, e);
        }

        boolean failed() {
            return errno != null;
        }
    }

    /** An open file: a real descriptor, and for /proc and /sys a snapshot of the run's view. */
    private static final class OpenFile {
        final int fd;
        final Kind kind;
        final Disk disk;
        final byte[] snapshot;
        /** For a VIRTUAL directory, which one ("root", "dev", "proc", "sys", "sysblock"). */
        final String listing;
        long pos;
        /** Its disk stopped being the run's; the descriptor was closed. */
        boolean dead;

        OpenFile(int fd, Kind kind, Disk disk, byte[] snapshot, String listing) {
            this.fd = fd;
            this.kind = kind;
            this.disk = disk;
            this.snapshot = snapshot;
            this.listing = listing;
        }
    }

    private final RunDir dir;
    private final TreeMap<String, Disk> disks = new TreeMap<>();
    /** Disks the run itself detached with LOOP_CLR_FD: the kernel lets them go at their last close. */
    private final java.util.Set<String> released = new java.util.TreeSet<>();
    private final Map<Integer, Map<Integer, OpenFile>> fdTables = new TreeMap<>();
    private final Kmsg kmsg;
    /** The run's tasks are blocksim's to schedule, as on the model; the live kernel's are not. */
    private final blocksim.kernel.Scheduler scheduler;
    private final Thread shutdownHook;
    private int nextPid = 2;
    private boolean closed;

    private LinuxKernel(RunDir dir, long seed) {
        this.dir = dir;
        this.scheduler = new blocksim.kernel.Scheduler(new blocksim.kernel.VirtualClock(), seed);
        this.scheduler.setKernelState(t -> realState(t.task()));
        this.scheduler.setStillRunning(t -> realState(t.task()).startsWith(" (state R"));
        this.kmsg = Kmsg.fromNow();
        this.shutdownHook = Thread.ofPlatform().unstarted(this::close);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Why this machine cannot run the adapter, or null when it can. */
    public static String unavailableReason() {
        if (Libc.geteuid() != 0) {
            return "not running as root (the adapter creates loop devices)";
        }
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        if (Libc.stat("/dev/loop-control", st).failed()) {
            return "no /dev/loop-control (the loop driver is not loaded)";
        }
        Libc.Ret probe = Libc.openat2(Libc.AT_FDCWD, "/", Libc.O_PATH | Libc.O_CLOEXEC, 0, 0);
        if (probe.failed()) {
            return "the kernel has no openat2 (Linux 5.6 or later), which the adapter resolves every path with";
        }
        Libc.close((int) probe.value());
        return null;
    }

    /**
     * Starts an adapter with a private run directory, after reclaiming what dead runs left behind
     * ({@link Reclaim#dead}); fails when {@link #unavailableReason()} says so.
     */
    public static LinuxKernel start() {
        return start(1);
    }

    /** {@link #start()}, with the run's tasks scheduled from {@code seed}. */
    public static LinuxKernel start(long seed) {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("the live kernel cannot be used: " + reason);
        }
        Reclaim.dead(line -> LOG.warn("blocksim: {}", line));
        return new LinuxKernel(RunDir.create(), seed);
    }

    @Override
    public String name() {
        return "linux";
    }

    /** The running kernel is the 6.18 era's. */
    @Override
    public Profile profile() {
        return Profile.LINUX_6_18;
    }

    @Override
    public blocksim.kernel.Scheduler scheduler() {
        return scheduler;
    }

    /** The run's disks and their loop devices, for tests and cleanup checks. */
    public Map<String, String> loopDevices() {
        Map<String, String> m = new TreeMap<>();
        disks.forEach((k, v) -> m.put(k, v.real()));
        return m;
    }

    /** The run's directory (its images, records and the lesson's root). */
    public String workDir() {
        return dir.path;
    }

    // ---------------------------------------------------------------- names

    /**
     * Walks a path as the kernel does ({@link PathName}: NUL, empty, PATH_MAX; then {@code .} and
     * {@code ..} one at a time, each only from a directory), and says what it names for the run.
     */
    private Resolved resolve(String path) {
        PathName pn = PathName.of(path);
        if (pn.failed()) {
            return Resolved.fail(pn.errno());
        }
        List<String> parts = new ArrayList<>();
        for (String c : pn.components()) {
            if (c.equals(".") || c.equals("..")) {
                Errno e = directoryAt(parts);
                if (e != null) {
                    return Resolved.fail(e);
                }
                if (c.equals("..") && !parts.isEmpty()) {
                    parts.removeLast();
                }
                continue;
            }
            parts.add(c);
        }
        List<String> raw = pn.components();
        boolean dots = !raw.isEmpty() && (raw.getLast().equals(".") || raw.getLast().equals(".."));
        // a path ending in . or .. keeps a last "." for the kernel: O_CREAT then sees no name to
        // create (EEXIST with O_EXCL, else EISDIR) rather than a name with a trailing slash
        Resolved r = classify(parts, pn.trailingSlash() || dots);
        if (dots && !r.failed() && (r.kind() == Kind.ROOT || r.kind() == Kind.SYSFS)) {
            return new Resolved(r.kind(), r.real() + ".", r.disk(), r.listing(), null);
        }
        return r;
    }

    /** Null when the walk standing on {@code parts} stands on a directory, else ENOTDIR or the lookup's errno. */
    private Errno directoryAt(List<String> parts) {
        return directoryErr(classify(parts, false));
    }

    /** Null when a resolved path is a directory, else ENOTDIR or its lookup's errno. */
    private Errno directoryErr(Resolved r) {
        if (r.failed()) {
            return r.errno();
        }
        return switch (r.kind()) {
            case VIRTUAL -> null;
            case PROC -> Errno.ENOTDIR;
            case DEVICE, NODE -> {
                Errno e = exists(r);
                yield e != null ? e : Errno.ENOTDIR;
            }
            case ROOT, SYSFS -> {
                byte[] st = new byte[(int) Libc.STAT_SIZE];
                Errno e = statBeneath(r, st);
                yield e != null ? e : (RunDir.Stat.mode(st) & S_IFMT) == S_IFDIR ? null : Errno.ENOTDIR;
            }
        };
    }

    private Resolved classify(List<String> parts, boolean slash) {
        String tail = slash ? "/" : "";
        if (parts.isEmpty()) {
            return new Resolved(Kind.VIRTUAL, "/", null, "root", null);
        }
        String top = parts.getFirst();
        switch (top) {
            case "dev" -> {
                if (parts.size() == 1) {
                    return new Resolved(Kind.VIRTUAL, "/dev", null, "dev", null);
                }
                String name = parts.get(1);
                String rest = parts.size() > 2 ? "/" + String.join("/", parts.subList(2, parts.size())) : "";
                if (name.equals("null") || name.equals("zero")) {
                    return new Resolved(Kind.NODE, "/dev/" + name + rest + tail, null, null, null);
                }
                Disk d = diskOf(name);
                if (d != null) {
                    return new Resolved(Kind.DEVICE, "/dev/" + realDevice(name) + rest + tail, d, null, null);
                }
                return foreign("/dev/" + name);
            }
            case "sys" -> {
                if (parts.size() == 1) {
                    return new Resolved(Kind.VIRTUAL, "/sys", null, "sys", null);
                }
                if (!parts.get(1).equals("block")) {
                    return Resolved.fail(Errno.ENOENT);
                }
                if (parts.size() == 2) {
                    return new Resolved(Kind.VIRTUAL, "/sys/block", null, "sysblock", null);
                }
                Disk d = disks.get(parts.get(2));
                if (d == null) {
                    return Resolved.fail(Errno.ENOENT);
                }
                StringBuilder rel = new StringBuilder(".");
                for (int i = 3; i < parts.size(); i++) {
                    String c = parts.get(i);
                    String rp = i == 3 ? realDevice(c) : null;
                    rel.append('/').append(rp != null && rp.startsWith(d.real()) ? rp : c);
                }
                return new Resolved(Kind.SYSFS, rel + tail, d, null, null);
            }
            case "proc" -> {
                if (parts.size() == 1) {
                    return new Resolved(Kind.VIRTUAL, "/proc", null, "proc", null);
                }
                String name = parts.get(1);
                if (name.equals("self")) {
                    if (parts.size() == 2) {
                        return new Resolved(Kind.VIRTUAL, "/proc/self", null, "procself", null);
                    }
                    String f = parts.get(2);
                    if (!f.equals("mounts") && !f.equals("mountinfo")) {
                        return Resolved.fail(Errno.ENOENT);
                    }
                    if (parts.size() > 3 || slash) {
                        return Resolved.fail(Errno.ENOTDIR);
                    }
                    return new Resolved(Kind.PROC, "/proc/self/" + f, null, null, null);
                }
                if (!List.of("partitions", "devices", "mounts", "filesystems").contains(name)) {
                    return Resolved.fail(Errno.ENOENT);
                }
                if (parts.size() > 2 || slash) {
                    return Resolved.fail(Errno.ENOTDIR);
                }
                return new Resolved(Kind.PROC, "/proc/" + name, null, null, null);
            }
            default -> {
                // everything else is the lesson's root (tmpfs-like in the model), inside the run's directory
                return new Resolved(Kind.ROOT, String.join("/", parts) + tail, null, null, null);
            }
        }
    }

    /**
     * A /dev name outside the run: one that does not exist on this machine either gets the
     * kernel's own answer for it (ENOENT, ENAMETOOLONG: looking costs nothing and changes
     * nothing); one that exists is refused (EACCES).
     */
    private Resolved foreign(String path) {
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        Libc.Ret r = Libc.fstatat(Libc.AT_FDCWD, path, st, Libc.AT_SYMLINK_NOFOLLOW);
        if (r.failed()) {
            return Resolved.fail(Errno.of(r.errno()).orElse(Errno.ENOENT));
        }
        LOG.warn("blocksim: refusing {}: not a device this run created", path);
        return Resolved.fail(Errno.EACCES);
    }

    /** The run's disk that a /dev name belongs to (the disk or one of its partitions), or null. */
    private Disk diskOf(String name) {
        Disk d = disks.get(name);
        if (d != null) {
            return d;
        }
        for (Disk disk : disks.values()) {
            String prefix = Character.isDigit(disk.name().charAt(disk.name().length() - 1)) ? disk.name() + "p" : disk.name();
            if (name.startsWith(prefix) && name.length() > prefix.length() && name.substring(prefix.length()).matches("[0-9]+")) {
                return disk;
            }
        }
        return null;
    }

    /** The real device name for the run's name of a disk or partition, or null. */
    String realDevice(String name) {
        Disk d = diskOf(name);
        if (d == null) {
            return null;
        }
        if (d.name().equals(name)) {
            return d.real();
        }
        String prefix = Character.isDigit(d.name().charAt(d.name().length() - 1)) ? d.name() + "p" : d.name();
        return d.real() + "p" + name.substring(prefix.length());
    }

    /**
     * Rewrites real device names in text the run will see into the run's names, in one pass, so
     * that a run's name that is also a real name ({@code loop0} for the real {@code loop1}, while
     * the run's {@code loop1} is the real {@code loop0}) is never rewritten twice.
     */
    String toRunNames(String text) {
        if (disks.isEmpty()) {
            return text;
        }
        Map<String, Disk> byReal = new TreeMap<>();
        StringBuilder alt = new StringBuilder();
        for (Disk d : disks.values()) {
            byReal.put(d.real(), d);
            alt.append(alt.isEmpty() ? "" : "|").append(d.real());
        }
        Matcher m = Pattern.compile("\\b(" + alt + ")(?:p([0-9]+))?\\b").matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Disk d = byReal.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(2) == null ? d.name() : d.partName(m.group(2))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private boolean ours(String realName) {
        for (Disk d : disks.values()) {
            if (realName.equals(d.real()) || realName.matches(d.real() + "p[0-9]+")) {
                return true;
            }
        }
        return false;
    }

    /** The run's view of a /proc or /sys file: other devices' rows left out, names rewritten. */
    private String view(Resolved r, String content) {
        if (r.kind() == Kind.PROC && r.real().equals("/proc/partitions")) {
            StringBuilder sb = new StringBuilder();
            for (String line : content.split("\n", -1)) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 4 && f[0].matches("[0-9]+")) {
                    if (ours(f[3])) {
                        sb.append(line).append('\n');
                    }
                } else if (!line.isEmpty() || sb.length() > 0 && sb.length() < 30) {
                    sb.append(line).append('\n');
                }
            }
            return toRunNames(sb.toString());
        }
        if (r.kind() == Kind.PROC && (r.real().endsWith("/mounts") || r.real().endsWith("/mountinfo"))) {
            return toRunNames(mountView(content, r.real().endsWith("/mountinfo")));
        }
        return toRunNames(content);
    }

    /** The boot mounts as the model shows them: the lesson's root, devtmpfs, procfs and sysfs. */
    private static final String BOOT_MOUNTS = """
            rootfs / tmpfs rw,relatime 0 0
            devtmpfs /dev devtmpfs rw,nosuid,relatime,mode=755 0 0
            proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
            sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
            """;
    private static final String BOOT_MOUNTINFO = """
            1 1 0:1 / / rw,relatime - tmpfs rootfs rw
            2 1 0:2 / /dev rw,nosuid,relatime - devtmpfs devtmpfs rw,mode=755
            3 1 0:3 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
            4 1 0:4 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw
            """;

    /**
     * The run's mount table: the model's boot mounts, then the machine's mounts below the lesson's
     * root with their mount points made the run's paths (and, in mountinfo, the root mount's id as
     * their parent where the lesson's root was). Nothing of the machine's other mounts is shown.
     */
    private String mountView(String content, boolean info) {
        String root = dir.rootPath();
        String rootId = null;
        StringBuilder out = new StringBuilder(info ? BOOT_MOUNTINFO : BOOT_MOUNTS);
        List<String[]> mine = new ArrayList<>();
        for (String line : content.split("\n")) {
            String[] f = line.split(" ");
            int at = info ? 4 : 1;
            if (f.length <= at) {
                continue;
            }
            if (f[at].equals(root)) {
                rootId = info ? f[0] : null;
            } else if (f[at].startsWith(root + "/")) {
                f[at] = f[at].substring(root.length());
                mine.add(f);
            }
        }
        for (String[] f : mine) {
            if (info && f[1].equals(rootId)) {
                f[1] = "1";
            }
            if (info) {
                // the lesson's root tmpfs shows its options as the model's root does
                String line = String.join(" ", f).replaceAll(" shared:[0-9]+| master:[0-9]+", "");
                out.append(line).append('\n');
            } else {
                out.append(String.join(" ", f)).append('\n');
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- the run's own objects

    /**
     * Opens a path beneath the disk's sysfs directory or the lesson's root with {@code openat2}:
     * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV}, so
     * no {@code ..}, link or mount leads out of the run's objects. A path that would (ELOOP,
     * EXDEV) answers ENOENT, the model's answer for a name it does not have, and is logged.
     */
    private Libc.Ret openBeneath(Resolved r, int flags, int mode) {
        int base;
        boolean closeBase = false;
        if (r.kind() == Kind.SYSFS) {
            Libc.Ret d = Libc.open("/sys/block/" + r.disk().real(), Libc.O_DIRECTORY | Libc.O_PATH | Libc.O_CLOEXEC, 0);
            if (d.failed()) {
                return d;
            }
            base = (int) d.value();
            closeBase = true;
        } else {
            base = dir.rootFd();
        }
        try {
            // below the lesson's root the run's own mounts are crossed; nothing leads out of the root
            long how = r.kind() == Kind.SYSFS ? BENEATH : BENEATH & ~Libc.RESOLVE_NO_XDEV;
            Libc.Ret fd = Libc.openat2(base, r.real(), flags | Libc.O_CLOEXEC, mode, how);
            if (fd.failed() && (fd.errno() == ELOOP || fd.errno() == EXDEV)) {
                LOG.debug("blocksim: refusing {}: it leads out of the run's own objects", r.real());
                return new Libc.Ret(-1, Errno.ENOENT.number());
            }
            return fd;
        } finally {
            if (closeBase) {
                Libc.close(base);
            }
        }
    }

    /** fstat of a ROOT or SYSFS path, or its errno. */
    private Errno statBeneath(Resolved r, byte[] st) {
        if (r.kind() == Kind.SYSFS && !stillOurs(r.disk())) {
            return Errno.ENOENT;
        }
        Libc.Ret fd = openBeneath(r, Libc.O_PATH, 0);
        if (fd.failed()) {
            return errno(fd.errno());
        }
        Libc.fstat((int) fd.value(), st);
        Libc.close((int) fd.value());
        return null;
    }

    /** Whether a DEVICE or NODE path names something below the node ({@code /dev/sda/x}). */
    private static boolean hasRest(Resolved r) {
        String node = r.real().endsWith("/") ? r.real().substring(0, r.real().length() - 1) : r.real();
        return node.indexOf('/', "/dev/".length()) >= 0;
    }

    /**
     * The device number ({@code MAJ:MIN}) sysfs gives the run's disk or partition that a DEVICE
     * path names, or null when the kernel has no such device. Devtmpfs removes a partition's node
     * asynchronously (in kdevtmpfs), and an extended device number (major 259) freed by BLKPG DEL
     * is handed out again at once, so a node left behind can name another disk's partition: the
     * kernel's own record, not the node, says what is the run's.
     */
    private String sysfsDev(Resolved r) {
        String node = r.real().substring(5);
        if (node.indexOf('/') >= 0) {
            node = node.substring(0, node.indexOf('/'));
        }
        String real = r.disk().real();
        String attr = node.equals(real) ? "/sys/block/" + real + "/dev" : "/sys/block/" + real + "/" + node + "/dev";
        Libc.Ret fd = Libc.open(attr, Libc.O_CLOEXEC, 0);
        if (fd.failed()) {
            return null;
        }
        try {
            byte[] buf = new byte[32];
            Libc.Ret n = Libc.read((int) fd.value(), buf, 0, buf.length);
            return n.failed() ? null : new String(buf, 0, (int) n.value(), StandardCharsets.US_ASCII).strip();
        } finally {
            Libc.close((int) fd.value());
        }
    }

    /** {@code MAJ:MIN} of the device open at {@code fd}. */
    private static String rdevOf(int fd) {
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        Libc.fstat(fd, st);
        long rdev = ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
        return (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL)) + ":" + ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
    }

    /**
     * Whether a disk is still bound to the run's image, as sysfs says (the cheap check, before any
     * open). When it is not, the run loses it: {@link #lose}.
     */
    private boolean stillOurs(Disk d) {
        String backing = Loops.backingFile(d.loopNumber());
        if ((dir.path + "/" + d.image()).equals(backing)) {
            return true;
        }
        lose(d, backing == null ? "it was detached" : "it is bound to " + backing);
        return false;
    }

    /** The exact check on an open descriptor: LOOP_GET_STATUS64 names the run's image. */
    private boolean stillOurs(OpenFile f) {
        if (f.dead) {
            return false;
        }
        if (Loops.boundTo(f.fd, f.disk.id())) {
            return true;
        }
        lose(f.disk, "its backing file is not the run's image any more");
        return false;
    }

    /**
     * The run stops using a disk that is no longer bound to its image (someone detached it, and
     * perhaps bound it again): says so, closes every descriptor the run's tasks hold on it, and
     * forgets it, so no later call or cleanup step touches the device again.
     */
    private void lose(Disk d, String why) {
        if (disks.get(d.name()) != d) {
            return;
        }
        if (released.remove(d.name())) {
            LOG.info("blocksim: {} ({}) was detached by the run's LOOP_CLR_FD; the run stops using it", d.name(), d.real());
        } else {
            LOG.warn("blocksim: {} ({}) is no longer this run's: {}; the run stops using it", d.name(), d.real(), why);
        }
        disks.remove(d.name());
        for (Map<Integer, OpenFile> t : fdTables.values()) {
            for (OpenFile f : t.values()) {
                if (f.disk == d && !f.dead) {
                    f.dead = true;
                    Libc.close(f.fd);
                }
            }
        }
    }

    // ---------------------------------------------------------------- tasks and files

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
        Map<Integer, OpenFile> t = fdTables.remove(MisuseException.requireNonNull(task, "the task").pid());
        if (t != null) {
            for (OpenFile f : t.values()) {
                if (!f.dead) {
                    Libc.close(f.fd);
                }
            }
        }
    }

    private Map<Integer, OpenFile> table(Task task) {
        Map<Integer, OpenFile> t = fdTables.get(MisuseException.requireNonNull(task, "the task").pid());
        if (t == null) {
            throw MisuseException.unknownTask(task);
        }
        return t;
    }

    private static Errno errno(int n) {
        return Errno.of(n).orElse(Errno.EIO);
    }

    private static SysResult result(Libc.Ret r) {
        return r.failed() ? SysResult.fail(errno(r.errno())) : SysResult.ok(r.value());
    }

    @Override
    public SysResult open(Task task, String path, int flags) {
        SysResult r = doOpen(task, path, flags);
        return r.isOk() ? r : r.during(() -> Strace.open(path, flags));
    }

    private SysResult doOpen(Task task, String path, int flags) {
        Map<Integer, OpenFile> table = table(task);
        MisuseException.requireNonNull(path, "the path");
        checkOpen();
        if ((flags & OpenFlags.O_CREAT) != 0 && slashAfterName(path)) {
            // Vfs.createWalk: once the parent's walk succeeds, O_CREAT with a trailing slash is EISDIR
            Errno pe = directoryErr(resolve(parentPath(path)));
            return SysResult.fail(pe != null ? pe : Errno.EISDIR);
        }
        Resolved r = resolve(path);
        if (r.failed()) {
            return SysResult.fail(createInDev(path, flags, r.errno()));
        }
        boolean write = OpenFlags.writable(flags);
        boolean creat = (flags & OpenFlags.O_CREAT) != 0;
        boolean excl = (flags & OpenFlags.O_EXCL) != 0;
        Credentials c = task.credentials();
        Libc.Ret ret;
        byte[] snapshot = null;
        switch (r.kind()) {
            case VIRTUAL -> {
                if (creat) {
                    // Vfs.createWalk's order: a trailing slash after a name, then what exists
                    return SysResult.fail(slashAfterName(path) ? Errno.EISDIR : excl ? Errno.EEXIST : Errno.EISDIR);
                }
                if (write) {
                    return SysResult.fail(Errno.EISDIR);
                }
                ret = Libc.open(r.real(), Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
            }
            case DEVICE, NODE -> {
                if (r.kind() == Kind.DEVICE && !stillOurs(r.disk())) {
                    return SysResult.fail(Errno.ENXIO);
                }
                // O_CREAT never reaches the machine's /dev: the model's answer, then open what exists
                Errno ce = creat ? createNode(path, r, excl) : null;
                if (ce != null) {
                    return SysResult.fail(ce);
                }
                int real = (flags & ~OpenFlags.O_CREAT) | Libc.O_NOFOLLOW | Libc.O_CLOEXEC;
                String dev = r.kind() == Kind.DEVICE ? sysfsDev(r) : null;
                if (r.kind() == Kind.DEVICE && dev == null) {
                    return SysResult.fail(Errno.ENOENT); // the disk has no such partition, whatever /dev still shows
                }
                ret = Identity.run(c, () -> Libc.open(r.real(), real, 0));
                if (dev != null && !ret.failed() && !hasRest(r) && !dev.equals(rdevOf((int) ret.value()))) {
                    // a node devtmpfs has not removed yet, whose number now names another device
                    Libc.close((int) ret.value());
                    LOG.warn("blocksim: refusing {}: the node's device number is no longer the run's {}", r.real(), dev);
                    return SysResult.fail(Errno.ENOENT);
                }
                if (r.kind() == Kind.DEVICE && !ret.failed() && !Loops.boundTo((int) ret.value(), r.disk().id())) {
                    Libc.close((int) ret.value());
                    lose(r.disk(), "its backing file is not the run's image any more");
                    return SysResult.fail(Errno.ENXIO);
                }
            }
            case ROOT -> {
                Libc.Ret pre = openBeneath(r, Libc.O_PATH, 0);
                if (!pre.failed()) {
                    byte[] st = new byte[(int) Libc.STAT_SIZE];
                    Libc.fstat((int) pre.value(), st);
                    Libc.close((int) pre.value());
                    int type = RunDir.Stat.mode(st) & S_IFMT;
                    if (type != S_IFREG && type != S_IFDIR) {
                        LOG.warn("blocksim: refusing {}: not a regular file or directory", r.real());
                        return SysResult.fail(Errno.EACCES);
                    }
                }
                ret = kernelCall("open(2)", task, () -> openBeneath(r, flags | Libc.O_NOFOLLOW, 0644));
            }
            case SYSFS, PROC -> {
                if (r.kind() == Kind.SYSFS && !stillOurs(r.disk())) {
                    return SysResult.fail(Errno.ENOENT);
                }
                int allowed = flags & (OpenFlags.O_DIRECTORY | OpenFlags.O_NONBLOCK);
                if (creat) {
                    Errno e = createPseudo(path, r, excl);
                    if (e != null) {
                        return SysResult.fail(e);
                    }
                }
                if (write) {
                    return SysResult.fail(refuseWrite(r));
                }
                ret = Identity.run(c, () -> r.kind() == Kind.SYSFS ? openBeneath(r, allowed, 0)
                        : Libc.open(r.real(), allowed | Libc.O_CLOEXEC, 0));
                if (!ret.failed() && !isDirectory((int) ret.value())) {
                    byte[] raw = readAll((int) ret.value());
                    snapshot = view(r, new String(raw, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
            }
            default -> throw new IllegalStateException(r.kind().toString());
        }
        if (ret.failed()) {
            return result(ret);
        }
        int fd = (int) ret.value();
        table.put(fd, new OpenFile(fd, r.kind(), r.disk(), snapshot, r.listing()));
        return SysResult.ok(fd);
    }

    /**
     * O_CREAT of a name that /dev, /sys, /sys/block or /proc does not have: the model's generated
     * directories can create nothing (EACCES, or EISDIR for a trailing slash), and the adapter
     * never creates anything in the machine's.
     */
    private Errno createInDev(String path, int flags, Errno found) {
        if ((flags & OpenFlags.O_CREAT) == 0 || found != Errno.ENOENT) {
            return found;
        }
        PathName pn = PathName.of(path);
        List<String> raw = pn.components();
        if (raw.isEmpty() || raw.getLast().equals(".") || raw.getLast().equals("..")) {
            return found;
        }
        // only when the walk got to the last name: its parent, walked as written, is one of those
        Resolved parent = resolve(parentPath(path));
        boolean generated = !parent.failed() && parent.kind() == Kind.VIRTUAL && !"root".equals(parent.listing());
        return !generated ? found : pn.trailingSlash() ? Errno.EISDIR : Errno.EACCES;
    }

    /**
     * O_CREAT of a /dev name of the run's ({@code Vfs.createWalk}'s order): a trailing slash is EISDIR,
     * an existing node is EEXIST with O_EXCL (else it is opened), and a missing one (a partition
     * the disk does not have) cannot be created: EACCES. Names below a node are left to the walk
     * (ENOTDIR). Null: go on and open it.
     */
    private Errno createNode(String path, Resolved r, boolean excl) {
        String node = r.real().endsWith("/") ? r.real().substring(0, r.real().length() - 1) : r.real();
        if (node.indexOf('/', "/dev/".length()) >= 0) {
            return null;
        }
        if (slashAfterName(path)) {
            return Errno.EISDIR;
        }
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        if (existsStat(r, st) != null) {
            return Errno.EACCES;
        }
        return excl ? Errno.EEXIST : null;
    }

    /** The path without its last name (and the slashes after it), for the parent's walk. */
    private static String parentPath(String path) {
        String c = PathName.cString(path).replaceAll("/+$", "");
        int slash = c.lastIndexOf('/');
        return slash <= 0 ? "/" : c.substring(0, slash);
    }

    /** Whether the path ends in a slash after a name (not after {@code .} or {@code ..}, not the root). */
    private static boolean slashAfterName(String path) {
        PathName pn = PathName.of(path);
        List<String> parts = pn.components();
        return pn.trailingSlash() && !parts.isEmpty() && !parts.getLast().equals(".") && !parts.getLast().equals("..");
    }

    /**
     * O_CREAT on /proc or /sys, answered as the model answers it ({@code Vfs.createWalk}): the parent
     * must be a directory, a trailing slash is EISDIR, what exists is EEXIST with O_EXCL and
     * EISDIR when a directory, and nothing can be created there (EACCES). Null: go on and open it.
     */
    private Errno createPseudo(String path, Resolved r, boolean excl) {
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        PathName pn = PathName.of(path);
        List<String> parts = pn.components();
        boolean dots = parts.getLast().equals(".") || parts.getLast().equals("..");
        if (!dots) {
            String rel = r.real().endsWith("/") ? r.real().substring(0, r.real().length() - 1) : r.real();
            if (r.kind() == Kind.SYSFS && rel.lastIndexOf('/') > 0) {
                Errno pe = statBeneath(new Resolved(Kind.SYSFS, rel.substring(0, rel.lastIndexOf('/')), r.disk(), null, null), st);
                if (pe != null) {
                    return pe;
                }
                if ((RunDir.Stat.mode(st) & S_IFMT) != S_IFDIR) {
                    return Errno.ENOTDIR;
                }
            }
            if (pn.trailingSlash()) {
                return Errno.EISDIR;
            }
        }
        Errno e = existsStat(r, st);
        if (e == Errno.ENOENT) {
            return Errno.EACCES;
        }
        if (e != null) {
            return e;
        }
        if (excl) {
            return Errno.EEXIST;
        }
        return (RunDir.Stat.mode(st) & S_IFMT) == S_IFDIR ? Errno.EISDIR : null;
    }

    /**
     * A write open of /proc or /sys gets the model's answer, never the kernel: EISDIR for a
     * directory, EACCES for a file (the model's generated files cannot be written). The model
     * offers no writable file there yet; when it does, the same path of the run's own objects will
     * be let through.
     */
    private Errno refuseWrite(Resolved r) {
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        Errno e = existsStat(r, st);
        if (e != null) {
            return e;
        }
        LOG.warn("blocksim: refusing to open {} for writing: pseudo files are read only for a run", r.real());
        return (RunDir.Stat.mode(st) & S_IFMT) == S_IFDIR ? Errno.EISDIR : Errno.EACCES;
    }

    private static boolean isDirectory(int fd) {
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        return !Libc.fstat(fd, st).failed() && (RunDir.Stat.mode(st) & S_IFMT) == S_IFDIR;
    }

    private static byte[] readAll(int fd) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (true) {
            Libc.Ret r = Libc.read(fd, buf, 0, buf.length);
            if (r.value() <= 0) {
                return out.toByteArray();
            }
            out.write(buf, 0, (int) r.value());
        }
    }

    @Override
    public SysResult close(Task task, int fd) {
        SysResult r = doClose(task, fd);
        return r.isOk() ? r : r.during(() -> Strace.fd("close", fd));
    }

    private SysResult doClose(Task task, int fd) {
        OpenFile f = table(task).remove(fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        return f.dead ? SysResult.ok() : result(Libc.close(f.fd));
    }

    /** A snapshot read: the model's rules (rw_verify_area, then EOF past the end). */
    private static SysResult snapshotRead(OpenFile f, byte[] buf, int off, int len, long pos) {
        if (pos < 0 || pos + len < 0) {
            return SysResult.fail(Errno.EINVAL);
        }
        int n = (int) Math.max(0, Math.min(len, f.snapshot.length - pos));
        if (n > 0) {
            System.arraycopy(f.snapshot, (int) pos, buf, off, n);
        }
        return SysResult.ok(n);
    }

    @Override
    public SysResult read(Task task, int fd, byte[] buf, int off, int len) {
        SysResult r = doRead(task, fd, buf, off, len);
        return r.isOk() ? r : r.during(() -> Strace.io("read", fd, len));
    }

    private SysResult doRead(Task task, int fd, byte[] buf, int off, int len) {
        OpenFile f = table(task).get(fd);
        MisuseException.checkRange(buf, off, len);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.snapshot != null) {
            SysResult r = snapshotRead(f, buf, off, len, f.pos);
            if (r.isOk()) {
                f.pos += r.value();
            }
            return r;
        }
        if (f.dead) {
            return SysResult.fail(Errno.EIO);
        }
        return result(Identity.run(task.credentials(), () -> Libc.read(f.fd, buf, off, len)));
    }

    @Override
    public SysResult write(Task task, int fd, byte[] buf, int off, int len) {
        SysResult r = doWrite(task, fd, buf, off, len);
        return r.isOk() ? r : r.during(() -> Strace.io("write", fd, len));
    }

    private SysResult doWrite(Task task, int fd, byte[] buf, int off, int len) {
        OpenFile f = table(task).get(fd);
        MisuseException.checkRange(buf, off, len);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.snapshot != null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.dead || f.kind == Kind.DEVICE && !stillOurs(f)) {
            return SysResult.fail(Errno.EIO);
        }
        return result(kernelCall("write(2)", task, () -> Libc.write(f.fd, buf, off, len)));
    }

    @Override
    public SysResult pread(Task task, int fd, byte[] buf, int off, int len, long pos) {
        SysResult r = doPread(task, fd, buf, off, len, pos);
        return r.isOk() ? r : r.during(() -> Strace.io("pread64", fd, len, pos));
    }

    private SysResult doPread(Task task, int fd, byte[] buf, int off, int len, long pos) {
        OpenFile f = table(task).get(fd);
        MisuseException.checkRange(buf, off, len);
        if (pos < 0) {
            return SysResult.fail(Errno.EINVAL);
        }
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.snapshot != null) {
            return snapshotRead(f, buf, off, len, pos);
        }
        if (f.dead) {
            return SysResult.fail(Errno.EIO);
        }
        return result(Identity.run(task.credentials(), () -> Libc.pread(f.fd, buf, off, len, pos)));
    }

    @Override
    public SysResult pwrite(Task task, int fd, byte[] buf, int off, int len, long pos) {
        SysResult r = doPwrite(task, fd, buf, off, len, pos);
        return r.isOk() ? r : r.during(() -> Strace.io("pwrite64", fd, len, pos));
    }

    private SysResult doPwrite(Task task, int fd, byte[] buf, int off, int len, long pos) {
        OpenFile f = table(task).get(fd);
        MisuseException.checkRange(buf, off, len);
        if (pos < 0) {
            return SysResult.fail(Errno.EINVAL);
        }
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.snapshot != null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.dead || f.kind == Kind.DEVICE && !stillOurs(f)) {
            return SysResult.fail(Errno.EIO);
        }
        return result(kernelCall("pwrite64(2)", task, () -> Libc.pwrite(f.fd, buf, off, len, pos)));
    }

    @Override
    public SysResult lseek(Task task, int fd, long offset, int whence) {
        SysResult r = doLseek(task, fd, offset, whence);
        return r.isOk() ? r : r.during(() -> Strace.lseek(fd, offset, whence));
    }

    private SysResult doLseek(Task task, int fd, long offset, int whence) {
        OpenFile f = table(task).get(fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.snapshot != null) {
            long base = whence == 0 ? 0 : whence == 1 ? f.pos : whence == 2 ? f.snapshot.length : -1;
            if (base < 0 || base + offset < 0) {
                return SysResult.fail(Errno.EINVAL);
            }
            f.pos = base + offset;
            return SysResult.ok(f.pos);
        }
        if (f.dead) {
            return SysResult.fail(Errno.EIO);
        }
        return result(Libc.lseek(f.fd, offset, whence));
    }

    @Override
    public SysResult fsync(Task task, int fd) {
        SysResult r = doSync(task, fd, false);
        return r.isOk() ? r : r.during(() -> Strace.fd("fsync", fd));
    }

    @Override
    public SysResult fdatasync(Task task, int fd) {
        SysResult r = doSync(task, fd, true);
        return r.isOk() ? r : r.during(() -> Strace.fd("fdatasync", fd));
    }

    /**
     * fsync and fdatasync: the model's answer for what the adapter makes up or snapshots (sysfs
     * files and shmem directories 0, procfs files and kernfs or procfs directories EINVAL, as
     * measured), the kernel's for the run's devices, /dev/null and the lesson's files.
     */
    private SysResult doSync(Task task, int fd, boolean data) {
        OpenFile f = table(task).get(fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.snapshot != null) {
            return f.kind == Kind.SYSFS ? SysResult.ok() : SysResult.fail(Errno.EINVAL);
        }
        if (f.kind == Kind.VIRTUAL) {
            return "root".equals(f.listing) || "dev".equals(f.listing) ? SysResult.ok() : SysResult.fail(Errno.EINVAL);
        }
        if (f.dead) {
            return SysResult.fail(Errno.EIO);
        }
        return result(data ? Libc.fdatasync(f.fd) : Libc.fsync(f.fd));
    }

    /**
     * ftruncate(2): EINVAL for a negative length first, EBADF, then only the lesson's own files
     * reach the kernel; everything else is not a regular file (EINVAL), as the kernel answers.
     */
    @Override
    public SysResult ftruncate(Task task, int fd, long length) {
        OpenFile f = table(task).get(fd);
        SysResult r;
        if (length < 0) {
            r = SysResult.fail(Errno.EINVAL);
        } else if (f == null) {
            r = SysResult.fail(Errno.EBADF);
        } else if (f.kind != Kind.ROOT || f.snapshot != null) {
            r = SysResult.fail(Errno.EINVAL);
        } else {
            r = result(kernelCall("ftruncate(2)", task, () -> Libc.ftruncate(f.fd, length)));
        }
        return r.during(() -> "ftruncate(" + fd + ", " + length + ")");
    }

    @Override
    public StatResult fstat(Task task, int fd) {
        OpenFile f = table(task).get(fd);
        if (f == null) {
            return new StatResult(null, Errno.EBADF);
        }
        if (f.dead) {
            return new StatResult(null, Errno.EIO);
        }
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        Libc.Ret r = Libc.fstat(f.fd, st);
        return r.failed() ? new StatResult(null, errno(r.errno())) : new StatResult(toStat(st), null);
    }

    /**
     * rmdir(2): {@code do_rmdir}'s order (the parent's walk, a last {@code ..} ENOTEMPTY, {@code .}
     * EINVAL, the root EBUSY, the name's lookup), then the kernel itself for the lesson's root and
     * the model's answers for what the adapter makes up: /dev, /proc and /sys are mount points
     * (EBUSY), kernfs directories have no rmdir (EPERM), /sys/block's entries are symlinks and
     * devices and pseudo files are no directories (ENOTDIR). Measured on 6.18 for each.
     */
    @Override
    public SysResult rmdir(Task task, String path) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        SysResult r = doRmdir(task, path);
        return r.isOk() ? r : r.during(() -> Strace.path("rmdir", path));
    }

    private SysResult doRmdir(Task task, String path) {
        PathName pn = PathName.of(path);
        if (pn.failed()) {
            return SysResult.fail(pn.errno());
        }
        List<String> raw = pn.components();
        if (raw.isEmpty()) {
            return SysResult.fail(Errno.EBUSY);
        }
        Errno pe = directoryErr(resolve(parentPath(path)));
        if (pe != null) {
            return SysResult.fail(pe);
        }
        if (raw.getLast().equals("..")) {
            return SysResult.fail(Errno.ENOTEMPTY);
        }
        if (raw.getLast().equals(".")) {
            return SysResult.fail(Errno.EINVAL);
        }
        Resolved r = resolve(path);
        if (r.failed()) {
            return SysResult.fail(r.errno());
        }
        switch (r.kind()) {
            case ROOT -> {
                return inParent(task, r, (parent, name) -> Libc.unlinkat(parent, name, Libc.AT_REMOVEDIR));
            }
            case VIRTUAL -> {
                return SysResult.fail("sysblock".equals(r.listing()) ? Errno.EPERM : Errno.EBUSY);
            }
            case SYSFS -> {
                byte[] st = new byte[(int) Libc.STAT_SIZE];
                Errno e = statBeneath(r, st);
                if (e != null) {
                    return SysResult.fail(e);
                }
                boolean diskLink = r.real().equals(".") || r.real().equals("./");
                boolean isDir = (RunDir.Stat.mode(st) & S_IFMT) == S_IFDIR;
                return SysResult.fail(diskLink || !isDir ? Errno.ENOTDIR : Errno.EPERM);
            }
            default -> {
                Errno e = exists(r);
                return SysResult.fail(e != null ? e : Errno.ENOTDIR);
            }
        }
    }

    /**
     * ioctl(2). Reaches the kernel only on the run's own block devices, for requests the uapi
     * describes, with the argument laid out from that description ({@link Abi}); a request that
     * changes anything first checks that the device is still bound to the run's image. Everything
     * else gets the model's answer without a system call: FIFREEZE/FITHAW (the run has no
     * filesystem that can freeze: EOPNOTSUPP, or EPERM without CAP_SYS_ADMIN, {@code
     * fs/ioctl.c:ioctl_fsfreeze}), ENOTTY on files that are not block devices, and for a request
     * the uapi does not describe what the model's driver for the disk says ({@link
     * Drivers#unknownRequest}). The loop driver's requests are {@link #loopIoctl}'s.
     */
    @Override
    public SysResult ioctl(Task task, int fd, long request, IoctlArg arg) {
        SysResult r = doIoctl(task, fd, request, arg);
        return r.isOk() ? r : r.during(() -> Strace.ioctl(fd, request, arg));
    }

    private SysResult doIoctl(Task task, int fd, long request, IoctlArg arg) {
        OpenFile f = table(task).get(fd);
        MisuseException.requireNonNull(arg, "the ioctl argument (IoctlArg.NULL for none)");
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if ((request == Ioctl.FIFREEZE || request == Ioctl.FITHAW) && f.kind == Kind.ROOT && task.capSysAdmin()
                && onRunMount(f.fd)) {
            // a filesystem the run mounted: the machine's own freeze, which may wait for writers
            return result(kernelCall(request == Ioctl.FIFREEZE ? "ioctl(FIFREEZE)" : "ioctl(FITHAW)", task,
                    () -> Libc.ioctl(f.fd, request, MemorySegment.NULL)));
        }
        Errno freeze = blocksim.fs.FileLayer.freezeAnswer(request, task);
        if (freeze != null) {
            return SysResult.fail(freeze);
        }
        if (f.kind != Kind.DEVICE) {
            return SysResult.fail(Errno.ENOTTY);
        }
        if (f.dead) {
            return SysResult.fail(Errno.EIO);
        }
        if (Loops.isLoopRequest(request)) {
            return loopIoctl(task, f, request, arg);
        }
        Optional<Ioctl.Abi> abi = Ioctl.abi(request);
        if (abi.isEmpty()) {
            return SysResult.fail(Drivers.unknownRequest(f.disk.name()));
        }
        Ioctl.Abi a = abi.get();
        if (a.kind() == Ioctl.ArgKind.VALUE && !(arg instanceof IoctlArg.Value || arg instanceof IoctlArg.Null
                || arg instanceof IoctlArg.BadAddress)) {
            throw new MisuseException("this ioctl takes its argument by value (IoctlArg.Value), not a pointer to " + arg);
        }
        if (a.kind() != Ioctl.ArgKind.OUT && !stillOurs(f)) {
            return SysResult.fail(Errno.EIO);
        }
        return result(Identity.run(task.credentials(), () -> {
            MemorySegment seg = Abi.marshal(Libc.scratch(), a, arg);
            Libc.Ret r = Libc.ioctl(f.fd, request, seg);
            if (!r.failed()) {
                Abi.copyBack(a, arg, seg);
            }
            return r;
        }));
    }

    /**
     * The loop driver's requests on one of the run's devices the lesson calls {@code loopN} (on a
     * disk it calls {@code sdX} they are the model's ENOTTY, on any disk the ones the driver does
     * not know the model's EINVAL). They reach the kernel after the ownership check, with the
     * structures laid out from the uapi; a descriptor in the argument (LOOP_SET_FD, LOOP_CONFIGURE,
     * LOOP_CHANGE_FD) is the run's own descriptor of that number, or none. The run's devices are
     * always bound, so a bind can only fail (EBADF, EINVAL, EBUSY, in the kernel's order); a
     * LOOP_CHANGE_FD that could succeed is refused (EPERM, logged), since it would move the device
     * off the run's image. LOOP_GET_STATUS answers with the run's names: the lesson's device
     * number, the model's image name, no device or inode number (the model's image has none).
     * After LOOP_CLR_FD the kernel detaches the device at its last close; the run then lets it go.
     */
    private SysResult loopIoctl(Task task, OpenFile f, long request, IoctlArg arg) {
        Optional<Ioctl.Abi> abi = Ioctl.abi(request);
        Matcher loopName = LOOP_NAME.matcher(f.disk.name());
        if (loopName.matches() && abi.isPresent() && abi.get().kind() == Ioctl.ArgKind.VALUE
                && !(arg instanceof IoctlArg.Value || arg instanceof IoctlArg.Null || arg instanceof IoctlArg.BadAddress)) {
            throw new MisuseException("this ioctl takes its argument by value (IoctlArg.Value), not a pointer to " + arg);
        }
        if (!loopName.matches() || abi.isEmpty() || request >= blocksim.uapi.Loop.LOOP_CTL_ADD) {
            return SysResult.fail(Drivers.unknownRequest(f.disk.name()));
        }
        Ioctl.Abi a = abi.get();
        IoctlArg pass = arg;
        if (request == blocksim.uapi.Loop.LOOP_SET_FD || request == blocksim.uapi.Loop.LOOP_CHANGE_FD
                || request == blocksim.uapi.Loop.LOOP_CONFIGURE && arg instanceof blocksim.uapi.LoopConfig) {
            int lessonFd = arg instanceof blocksim.uapi.LoopConfig c ? c.fd : (int) loopValue(arg);
            OpenFile given = table(task).get(lessonFd);
            int real = given == null || given.dead ? -1 : given.fd;
            if (given != null && real < 0) {
                // a file the adapter made up: a directory is EINVAL, anything else meets the bound device
                return SysResult.fail(given.snapshot == null ? Errno.EINVAL : Errno.EBUSY);
            }
            if (request == blocksim.uapi.Loop.LOOP_CHANGE_FD && real >= 0 && readOnlyBinding(f)) {
                LOG.warn("blocksim: LOOP_CHANGE_FD on {} refused: the run's devices stay bound to its images", f.disk.name());
                return SysResult.fail(Errno.EPERM);
            }
            if (arg instanceof blocksim.uapi.LoopConfig c) {
                pass = new blocksim.uapi.LoopConfig(real, c.blockSize, c.info);
            } else {
                pass = new IoctlArg.Value(Integer.toUnsignedLong(real));
            }
        }
        if (a.kind() != Ioctl.ArgKind.STRUCT_OUT && !stillOurs(f)) {
            return SysResult.fail(Errno.EIO);
        }
        IoctlArg sent = pass;
        SysResult r = result(Identity.run(task.credentials(), () -> {
            MemorySegment seg = Abi.marshal(Libc.scratch(), a, sent);
            Libc.Ret ret = Libc.ioctl(f.fd, request, seg);
            if (!ret.failed()) {
                Abi.copyBack(a, sent, seg);
            }
            return ret;
        }));
        if (r.isOk() && a.kind() == Ioctl.ArgKind.STRUCT_OUT) {
            runView(arg, Integer.parseInt(loopName.group(1)), f.disk.name());
        }
        if (r.isOk() && request == blocksim.uapi.Loop.LOOP_CLR_FD) {
            released.add(f.disk.name());
        }
        return r;
    }

    private static final Pattern LOOP_NAME = Pattern.compile("loop(0|[1-9][0-9]*)");

    private static long loopValue(IoctlArg arg) {
        return switch (arg) {
            case IoctlArg.Value v -> v.value();
            case IoctlArg.BadAddress b -> b.address();
            default -> 0;
        };
    }

    /** Whether the device open at {@code f} is bound read-only (LO_FLAGS_READ_ONLY in LOOP_GET_STATUS64). */
    private static boolean readOnlyBinding(OpenFile f) {
        MemorySegment info = Libc.scratch().arg;
        info.asSlice(0, blocksim.uapi.LoopInfo64.SIZE).fill((byte) 0);
        if (Libc.ioctl(f.fd, blocksim.uapi.Loop.LOOP_GET_STATUS64, info).failed()) {
            return true;
        }
        return (info.get(ValueLayout.JAVA_INT, 52) & blocksim.uapi.Loop.LO_FLAGS_READ_ONLY) != 0;
    }

    /** LOOP_GET_STATUS as the model answers for {@code disk add loopN}: its number, image name, no device or inode. */
    private static void runView(IoctlArg arg, int number, String name) {
        String image = "/var/lib/blocksim/" + name + ".img";
        switch (arg) {
            case blocksim.uapi.LoopInfo64 i -> {
                i.number = number;
                i.device = 0;
                i.inode = 0;
                i.rdevice = 0;
                i.setFileName(image);
            }
            case blocksim.uapi.LoopInfo i -> {
                i.number = number;
                i.device = 0;
                i.inode = 0;
                i.rdevice = 0;
                java.util.Arrays.fill(i.name, (byte) 0);
                byte[] b = image.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                System.arraycopy(b, 0, i.name, 0, Math.min(b.length, 63));
            }
            default -> { }
        }
    }

    @Override
    public SysResult mkdir(Task task, String path, int mode) {
        SysResult r = doMkdir(task, path, mode);
        return r.isOk() ? r : r.during(() -> Strace.mkdir(path, mode));
    }

    private SysResult doMkdir(Task task, String path, int mode) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        PathName pn = PathName.of(path);
        if (pn.failed()) {
            return SysResult.fail(pn.errno());
        }
        Resolved r = resolve(path);
        if (r.failed() && r.errno() != Errno.ENOENT) {
            return SysResult.fail(r.errno());
        }
        if (r.failed() || r.kind() != Kind.ROOT) {
            // the model's answer, and nothing is ever created in the machine's /dev, /proc or /sys:
            // EEXIST for what exists, the parent's walk, then EACCES (its generated directories create nothing)
            // the name exists, whatever a trailing slash would make of it (filename_create: EEXIST)
            Resolved bare = slashAfterName(path) ? resolve(PathName.cString(path).replaceAll("/+$", "")) : r;
            if (!bare.failed() && exists(bare) == null) {
                return SysResult.fail(Errno.EEXIST);
            }
            Errno pe = directoryErr(resolve(parentPath(path)));
            return SysResult.fail(pe != null ? pe : Errno.EACCES);
        }
        return inParent(task, r, (parent, name) -> Libc.mkdirat(parent, name, mode));
    }

    /** The run's mounts: mount points below the lesson's root, deepest first (the root's own tmpfs left out). */
    private List<String> runMounts() {
        List<String> out = new ArrayList<>(Reclaim.mountsUnder(dir.rootPath()));
        out.remove(dir.rootPath());
        return out;
    }

    /** Whether an open file is on a filesystem the run mounted (its device is one of the run's mounts'). */
    private boolean onRunMount(int fd) {
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        if (Libc.fstat(fd, st).failed()) {
            return false;
        }
        long dev = RunDir.Stat.dev(st);
        for (String mp : runMounts()) {
            byte[] m = new byte[(int) Libc.STAT_SIZE];
            if (!Libc.stat(mp, m).failed() && RunDir.Stat.dev(m) == dev) {
                return true;
            }
        }
        return false;
    }

    /** The real absolute path of a ROOT path (its parent's walk already checked beneath the root). */
    private String realRoot(Resolved r) {
        String rel = r.real().replaceAll("/+$", "");
        return rel.isEmpty() || rel.equals(".") ? dir.rootPath() : dir.rootPath() + "/" + rel;
    }

    /**
     * mount(2) on the machine, for the run's own objects only: the target is a directory below the
     * lesson's root (opened beneath it, and mounted on through {@code /proc/self/fd}), the source
     * one of the run's block devices (ext2, ext3, ext4), a directory below the root (a bind mount),
     * or nothing (tmpfs); a remount only of the run's mounts. Anything else gets the model's answer
     * without reaching the kernel: EPERM without CAP_SYS_ADMIN, ENODEV for other types, EACCES for
     * targets outside the lesson's root and devices that are not the run's.
     */
    @Override
    public SysResult mount(Task task, String source, String target, String fstype, long flags, String data) {
        table(task);
        MisuseException.requireNonNull(target, "the target");
        SysResult r = doMount(task, source, target, fstype, flags, data);
        return r.isOk() ? r : r.during(() -> Strace.mount(source, target, fstype, flags, data));
    }

    /** mount(2)'s and umount2(2)'s first checks, in the kernel's order: the target's walk, then CAP_SYS_ADMIN. */
    private Errno mountCheck(Task task, Resolved t) {
        Errno missing = t.failed() ? t.errno() : exists(t);
        if (missing != null) {
            return missing;
        }
        return task.capSysAdmin() ? null : Errno.EPERM;
    }

    private SysResult doMount(Task task, String source, String target, String fstype, long flags, String data) {
        Resolved t = resolve(target);
        Errno first = mountCheck(task, t);
        if (first != null) {
            return SysResult.fail(first);
        }
        if (t.kind() != Kind.ROOT) {
            LOG.warn("blocksim: refusing to mount on {}: only directories below the lesson's root", target);
            return SysResult.fail(Errno.EACCES);
        }
        if ((flags & blocksim.uapi.MountFlags.MS_REMOUNT) != 0) {
            if (!runMounts().contains(realRoot(t))) {
                return SysResult.fail(Errno.EINVAL);
            }
            String at = realRoot(t);
            return result(kernelCall("mount(2)", task, () -> Libc.mount(null, at, null, flags, data)));
        }
        String src;
        Resolved s = null;
        if ((flags & blocksim.uapi.MountFlags.MS_BIND) != 0) {
            s = source == null ? Resolved.fail(Errno.EFAULT) : resolve(source);
            if (s.failed()) {
                return SysResult.fail(s.errno());
            }
            if (s.kind() != Kind.ROOT) {
                return SysResult.fail(Errno.EACCES);
            }
            src = null;
        } else if (fstype == null) {
            return SysResult.fail(Errno.EINVAL);
        } else if (fstype.equals("tmpfs")) {
            src = source == null ? "none" : source;
        } else if (fstype.equals("ext2") || fstype.equals("ext3") || fstype.equals("ext4")) {
            Resolved d = source == null ? Resolved.fail(Errno.EINVAL) : resolve(source);
            if (d.failed()) {
                return SysResult.fail(d.errno());
            }
            if (d.kind() != Kind.DEVICE) {
                Errno e = exists(d);
                return SysResult.fail(e != null ? e : Errno.ENOTBLK);
            }
            if (sysfsDev(d) == null) {
                return SysResult.fail(Errno.ENOENT);
            }
            if (!stillOurs(d.disk())) {
                return SysResult.fail(Errno.ENXIO);
            }
            src = d.real();
        } else {
            return SysResult.fail(Errno.ENODEV);
        }
        Resolved from = s;
        return result(kernelCall("mount(2)", task, () -> {
            Libc.Ret tfd = openBeneath(t, Libc.O_PATH | Libc.O_DIRECTORY, 0);
            if (tfd.failed()) {
                // not a directory: the kernel's ENOTDIR comes from graft_tree, after the filesystem was read
                return tfd.errno() == Errno.ENOTDIR.number() ? new Libc.Ret(-1, Errno.ENOTDIR.number()) : tfd;
            }
            try {
                String at = "/proc/self/fd/" + tfd.value();
                if (from == null) {
                    return Libc.mount(src, at, fstype, flags, data);
                }
                Libc.Ret sfd = openBeneath(from, Libc.O_PATH, 0);
                if (sfd.failed()) {
                    return sfd;
                }
                try {
                    return Libc.mount("/proc/self/fd/" + sfd.value(), at, null, flags, null);
                } finally {
                    Libc.close((int) sfd.value());
                }
            } finally {
                Libc.close((int) tfd.value());
            }
        }));
    }

    /** umount2(2) of one of the run's mounts; any other path is EINVAL (not a mount point the run can see). */
    @Override
    public SysResult umount2(Task task, String target, int flags) {
        table(task);
        MisuseException.requireNonNull(target, "the target");
        SysResult r = doUmount(task, target, flags);
        return r.isOk() ? r : r.during(() -> Strace.umount2(target, flags));
    }

    private SysResult doUmount(Task task, String target, int flags) {
        if ((flags & ~15) != 0) {
            return SysResult.fail(Errno.EINVAL);
        }
        Resolved t = resolve(target);
        Errno first = mountCheck(task, t);
        if (first != null) {
            return SysResult.fail(first);
        }
        if (t.kind() != Kind.ROOT || !runMounts().contains(realRoot(t))) {
            return SysResult.fail(t.kind() == Kind.VIRTUAL || realRoot(t).equals(dir.rootPath()) ? Errno.EBUSY : Errno.EINVAL);
        }
        String at = realRoot(t);
        return result(kernelCall("umount2(2)", task, () -> Libc.umount2(at, flags)));
    }

    /** sync(2): the machine's own, which writes back the run's filesystems (and, harmlessly, every other). */
    @Override
    public SysResult sync(Task task) {
        table(task);
        kernelCall("sync(2)", task, () -> {
            Libc.sync();
            return null;
        });
        return SysResult.ok();
    }

    @Override
    public SysResult syncfs(Task task, int fd) {
        OpenFile f = table(task).get(fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF).during(() -> Strace.fd("syncfs", fd));
        }
        if (f.kind != Kind.ROOT) {
            return SysResult.ok(); // devtmpfs, procfs and sysfs have nothing to write back
        }
        SysResult r = result(kernelCall("syncfs(2)", task, () -> Libc.syncfs(f.fd)));
        return r.isOk() ? r : r.during(() -> Strace.fd("syncfs", fd));
    }

    /** rename(2) within the lesson's root; the machine's /dev, /proc and /sys are never renamed in (EACCES, as the model). */
    @Override
    public SysResult rename(Task task, String from, String to) {
        table(task);
        MisuseException.requireNonNull(from, "the old path");
        MisuseException.requireNonNull(to, "the new path");
        Resolved a = resolve(from);
        Resolved b = resolve(to);
        SysResult r;
        if (a.failed() && a.errno() != Errno.ENOENT) {
            r = SysResult.fail(a.errno());
        } else if (a.failed() || a.kind() != Kind.ROOT || b.failed() && b.errno() != Errno.ENOENT) {
            r = SysResult.fail(a.failed() ? a.errno() : b.failed() ? b.errno() : Errno.EACCES);
        } else if (b.failed() || b.kind() != Kind.ROOT) {
            r = SysResult.fail(b.failed() ? b.errno() : Errno.EXDEV);
        } else {
            String rb = b.real();
            r = result(kernelCall("rename(2)", task, () -> Libc.renameat(dir.rootFd(), a.real(), dir.rootFd(), rb)));
        }
        return r.isOk() ? r : r.during(() -> Strace.rename(from, to));
    }

    /**
     * utimensat(2) with NULL times of a path below the lesson's root (through a descriptor opened
     * beneath it); elsewhere the model's answer: the walk's errno, or EACCES for what the run may
     * not change (the machine's /dev, /proc and /sys), never reaching the machine.
     */
    @Override
    public SysResult utimensat(Task task, String path) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        Resolved t = resolve(path);
        SysResult r;
        if (t.failed()) {
            r = SysResult.fail(t.errno());
        } else if (t.kind() != Kind.ROOT) {
            Errno e = exists(t);
            r = SysResult.fail(e != null ? e : Errno.EACCES);
        } else {
            r = result(kernelCall("utimensat(2)", task, () -> {
                Libc.Ret fd = openBeneath(t, Libc.O_PATH, 0);
                if (fd.failed()) {
                    return fd;
                }
                try {
                    return Libc.utimensat(Libc.AT_FDCWD, "/proc/self/fd/" + fd.value(), 0);
                } finally {
                    Libc.close((int) fd.value());
                }
            }));
        }
        return r.isOk() ? r : r.during(() -> "utimensat(AT_FDCWD, " + Strace.quote(path) + ", NULL, 0)");
    }

    /**
     * poll(2) of one of the task's descriptors: the machine's answer for a real descriptor (a wait
     * in it lets the rest of the run go on); a /proc or /sys file read at open is always ready.
     */
    @Override
    public SysResult poll(Task task, int fd, int events, long timeoutMillis) {
        OpenFile f = table(task).get(fd);
        if (f == null || f.dead) {
            return SysResult.ok(0x20);
        }
        if (f.snapshot != null || f.kind == Kind.VIRTUAL) {
            return SysResult.ok(0x145 & (events | 0x38));
        }
        int timeout = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, timeoutMillis));
        return result(kernelCall("poll(2)", task, () -> Libc.poll(f.fd, events, timeout)));
    }

    /**
     * fallocate(2): the machine's, for a file below the lesson's root; a run's device or a /proc or
     * /sys file gets the model's answer without the call (EOPNOTSUPP for a block device in mode 0
     * or KEEP_SIZE, ENODEV for the rest, after the same argument checks).
     */
    @Override
    public SysResult fallocate(Task task, int fd, int mode, long offset, long len) {
        OpenFile f = table(task).get(fd);
        SysResult r;
        if (f == null) {
            r = SysResult.fail(Errno.EBADF);
        } else if (offset < 0 || len <= 0) {
            r = SysResult.fail(Errno.EINVAL);
        } else if ((mode & ~1) != 0) {
            r = SysResult.fail(Errno.EOPNOTSUPP);
        } else if (f.kind != Kind.ROOT || f.snapshot != null) {
            r = SysResult.fail(f.kind == Kind.DEVICE ? Errno.EOPNOTSUPP : Errno.ENODEV);
        } else {
            r = result(kernelCall("fallocate(2)", task, () -> Libc.fallocate(f.fd, mode, offset, len)));
        }
        return r.isOk() ? r : r.during(() -> "fallocate(" + fd + ", " + mode + ", " + offset + ", " + len + ")");
    }

    /** truncate(2) of a file below the lesson's root, through a descriptor opened beneath it. */
    @Override
    public SysResult truncate(Task task, String path, long length) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        SysResult r;
        Resolved t = length < 0 ? Resolved.fail(Errno.EINVAL) : resolve(path);
        if (t.failed()) {
            r = SysResult.fail(t.errno());
        } else if (t.kind() != Kind.ROOT) {
            Errno e = exists(t);
            r = SysResult.fail(e != null ? e : t.kind() == Kind.VIRTUAL ? Errno.EISDIR : Errno.EINVAL);
        } else {
            r = result(kernelCall("truncate(2)", task, () -> {
                Libc.Ret fd = openBeneath(t, Libc.O_PATH, 0);
                if (fd.failed()) {
                    return fd;
                }
                try {
                    return Libc.truncate("/proc/self/fd/" + fd.value(), length);
                } finally {
                    Libc.close((int) fd.value());
                }
            }));
        }
        return r.isOk() ? r : r.during(() -> Strace.truncate(path, length));
    }

    @Override
    public SysResult unlink(Task task, String path) {
        SysResult r = doUnlink(task, path);
        return r.isOk() ? r : r.during(() -> Strace.path("unlink", path));
    }

    private SysResult doUnlink(Task task, String path) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        Resolved r = resolve(path);
        if (r.failed()) {
            return SysResult.fail(r.errno());
        }
        if (r.kind() != Kind.ROOT) {
            // the model's answer (FileLayer.unlink): EACCES without permission on the directory,
            // EISDIR for a directory the adapter makes up, EPERM for the rest of /sys, /proc and /dev
            Errno e = exists(r);
            if (e != null) {
                return SysResult.fail(e);
            }
            if (!task.credentials().capSysAdmin() && task.credentials().uid() != 0) {
                return SysResult.fail(Errno.EACCES);
            }
            return SysResult.fail(r.kind() == Kind.VIRTUAL ? Errno.EISDIR : Errno.EPERM);
        }
        return inParent(task, r, (parent, name) -> Libc.unlinkat(parent, name, 0));
    }

    /** Null when a resolved path exists, else the errno of its lookup. */
    private Errno exists(Resolved r) {
        return existsStat(r, new byte[(int) Libc.STAT_SIZE]);
    }

    /** Null when a resolved path exists (its {@code struct stat} in {@code st}), else the errno of its lookup. */
    private Errno existsStat(Resolved r, byte[] st) {
        if (r.kind() == Kind.DEVICE && sysfsDev(r) == null) {
            return Errno.ENOENT;
        }
        return switch (r.kind()) {
            case VIRTUAL -> Libc.stat(r.real(), st).failed() ? Errno.ENOENT : null;
            case ROOT, SYSFS -> statBeneath(r, st);
            default -> {
                Libc.Ret s = Libc.stat(r.real(), st);
                yield s.failed() ? errno(s.errno()) : null;
            }
        };
    }

    /**
     * A real call that may block in the machine's kernel (a write or a namespace change on a frozen
     * filesystem), made with the task's identity so that the simulated world goes on meanwhile
     * ({@link blocksim.kernel.Scheduler#blocking}).
     */
    private <T> T kernelCall(String what, Task task, java.util.function.Supplier<T> call) {
        return scheduler.blocking(what, () -> Identity.run(task.credentials(), () -> {
            long tid = Libc.syscall(SYS_GETTID, 0, 0, 0).value();
            inKernel.put(task.pid(), tid);
            try {
                return call.get();
            } finally {
                inKernel.remove(task.pid());
            }
        }));
    }

    private static final long SYS_GETTID = 186;
    /** The machine's thread id of each task now in a real call, by pid. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, Long> inKernel = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What the machine says of a task's thread stuck in a real call, for the deadlock report: its
     * state letter and wait channel from {@code /proc/self/task/TID/stat} and {@code wchan}
     * (" (state D in percpu_rwsem_wait)").
     */
    private String realState(Task task) {
        Long tid = inKernel.get(task.pid());
        if (tid == null) {
            return "";
        }
        String stat = Reclaim.readText("/proc/self/task/" + tid + "/stat");
        String wchan = Reclaim.readText("/proc/self/task/" + tid + "/wchan").strip();
        int close = stat.lastIndexOf(')');
        String state = close > 0 && close + 2 < stat.length() ? stat.substring(close + 2, close + 3) : "?";
        return " (state " + state + (wchan.isEmpty() || wchan.equals("0") ? "" : " in " + wchan) + ")";
    }

    private interface AtCall {
        Libc.Ret call(int dirfd, String name);
    }

    /** Runs a *at call on a ROOT path's last component, in its parent opened beneath the lesson's root. */
    private SysResult inParent(Task task, Resolved r, AtCall call) {
        String rel = r.real();
        String trimmed = rel.endsWith("/") ? rel.substring(0, rel.length() - 1) : rel;
        int slash = trimmed.lastIndexOf('/');
        String parent = slash < 0 ? "." : trimmed.substring(0, slash);
        String name = rel.substring(slash + 1);
        Resolved p = new Resolved(Kind.ROOT, parent, null, null, null);
        return result(kernelCall("a change to " + rel, task, () -> {
            Libc.Ret pfd = openBeneath(p, Libc.O_PATH | Libc.O_DIRECTORY, 0);
            if (pfd.failed()) {
                return pfd;
            }
            try {
                return call.call((int) pfd.value(), name);
            } finally {
                Libc.close((int) pfd.value());
            }
        }));
    }

    @Override
    public StatResult stat(Task task, String path) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        Resolved r = resolve(path);
        if (r.failed()) {
            return new StatResult(null, r.errno());
        }
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        Errno e = existsStat(r, st);
        if (e != null) {
            return new StatResult(null, e);
        }
        return new StatResult(toStat(st), null);
    }

    /** The reduced stat of a raw x86_64 {@code struct stat}. */
    private static Stat toStat(byte[] st) {
        ByteBuffer b = ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN);
        int mode = b.getInt(24);
        long rdev = b.getLong(40);
        int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
        int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
        Stat.Type type = switch (mode & S_IFMT) {
            case 0040000 -> Stat.Type.DIRECTORY;
            case 0060000 -> Stat.Type.BLOCK_DEVICE;
            case 0020000 -> Stat.Type.CHAR_DEVICE;
            default -> Stat.Type.REGULAR;
        };
        long dev = b.getLong(0);
        int dmaj = (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
        int dmin = (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
        return new Stat(type, mode & 07777, b.getInt(28), b.getInt(32), major, minor, b.getLong(48), dmaj, dmin,
                b.getLong(8), b.getLong(16), (int) b.getLong(56), b.getLong(64), b.getLong(72) * 1_000_000_000L + b.getLong(80),
                b.getLong(88) * 1_000_000_000L + b.getLong(96), b.getLong(104) * 1_000_000_000L + b.getLong(112), -1);
    }

    @Override
    public ListResult list(Task task, String path) {
        table(task);
        MisuseException.requireNonNull(path, "the path");
        Resolved r = resolve(path);
        if (r.failed()) {
            return new ListResult(null, r.errno());
        }
        switch (r.kind()) {
            case VIRTUAL -> {
                List<String> names = switch (r.listing()) {
                    case "root" -> rootListing();
                    case "proc" -> List.of("devices", "filesystems", "mounts", "partitions", "self");
                    case "procself" -> List.of("mountinfo", "mounts");
                    case "sys" -> List.of("block");
                    case "sysblock" -> new ArrayList<>(disks.keySet());
                    default -> devListing();
                };
                return new ListResult(names, null);
            }
            case DEVICE, NODE, PROC -> {
                Errno e = exists(r);
                return new ListResult(null, e != null ? e : Errno.ENOTDIR);
            }
            default -> {
                if (r.kind() == Kind.SYSFS && !stillOurs(r.disk())) {
                    return new ListResult(null, Errno.ENOENT);
                }
                Libc.Ret fd = openBeneath(r, Libc.O_DIRECTORY, 0);
                if (fd.failed()) {
                    return new ListResult(null, errno(fd.errno()));
                }
                int[] err = new int[1];
                List<String> names = Libc.list((int) fd.value(), err);
                Libc.close((int) fd.value());
                if (names == null) {
                    return new ListResult(null, errno(err[0]));
                }
                List<String> shown = new ArrayList<>();
                for (String n : names) {
                    shown.add(toRunNames(n));
                }
                java.util.Collections.sort(shown);
                return new ListResult(shown, null);
            }
        }
    }

    /** /: the lesson's root as it is, with dev, proc and sys. */
    private List<String> rootListing() {
        int[] err = new int[1];
        List<String> names = new ArrayList<>(List.of("dev", "proc", "sys"));
        List<String> own = Libc.list(dir.rootFd(), err);
        if (own != null) {
            names.addAll(own);
        }
        java.util.Collections.sort(names);
        return names;
    }

    /**
     * /dev: null, zero, and the run's disks and partitions as the kernel has them (sysfs), not as
     * devtmpfs shows them, whose nodes come and go asynchronously.
     */
    private List<String> devListing() {
        List<String> names = new ArrayList<>(List.of("null", "zero"));
        int[] err = new int[1];
        for (Disk d : disks.values()) {
            names.add(d.name());
            List<String> entries = Libc.list("/sys/block/" + d.real(), err);
            for (String e : entries == null ? List.<String>of() : entries) {
                if (e.matches(d.real() + "p[0-9]+")) {
                    names.add(d.partName(e.substring(d.real().length() + 1)));
                }
            }
        }
        java.util.Collections.sort(names);
        return names;
    }

    // ---------------------------------------------------------------- disks

    /**
     * A sparse image and a loop device of its own: the image is created new (O_EXCL|O_NOFOLLOW)
     * in the run's directory and its record written (device, inode, the loop device's read-ahead)
     * before {@code LOOP_CONFIGURE} binds it, with the sector size, {@code LO_FLAGS_PARTSCAN}
     * unless the spec says no, and {@code LO_FLAGS_READ_ONLY} for a read-only disk.
     */
    @Override
    public void diskAdd(DiskSpec spec) {
        checkOpen();
        MisuseException.requireNonNull(spec, "the disk spec");
        if (disks.containsKey(spec.name())) {
            throw new IllegalArgumentException("disk: " + spec.name() + ": already exists");
        }
        if (!spec.geometry().isPlain(spec.sectorSize())) {
            // a loop device's physical block size is its logical one, with no offset, io_opt or inquiry
            throw new IllegalArgumentException("disk: " + spec.name() + ": a geometry beyond the sector size is model-only"
                    + " (every disk of the live kernel is a loop device)");
        }
        String image = spec.name() + ".img";
        int imgFd;
        try {
            imgFd = dir.createFile(image);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("disk: " + spec.name() + ": cannot create its image: " + e.getMessage());
        }
        boolean bound = false;
        try {
            if (Libc.ftruncate(imgFd, spec.sizeBytes()).failed()) {
                throw new IllegalArgumentException("disk: " + spec.name() + ": cannot size its image");
            }
            byte[] st = new byte[(int) Libc.STAT_SIZE];
            Libc.fstat(imgFd, st);
            Loops.Image id = new Loops.Image(RunDir.Stat.dev(st), RunDir.Stat.ino(st));
            for (int attempt = 0; attempt < 8; attempt++) {
                int n = freeLoop();
                Libc.Ret loop = Libc.open("/dev/loop" + n, OpenFlags.O_RDWR | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
                if (loop.failed()) {
                    continue;
                }
                int loopFd = (int) loop.value();
                Libc.Ret r;
                try {
                    if (Loops.backing(loopFd) != null) {
                        continue; // another user bound it since LOOP_CTL_GET_FREE
                    }
                    long readAhead = fresh(loopFd);
                    dir.record(Reclaim.Disk.file(image), new Reclaim.Disk(id, readAhead).text());
                    r = Libc.ioctl(loopFd, Loops.LOOP_CONFIGURE, loopConfig(imgFd, spec, dir.path + "/" + image));
                    if (!r.failed()) {
                        disks.put(spec.name(), new Disk(spec.name(), n, image, id, readAhead));
                        bound = true;
                        return;
                    }
                } finally {
                    Libc.close(loopFd);
                }
                if (r.errno() != Errno.EBUSY.number()) {
                    throw new IllegalArgumentException("disk: " + spec.name() + ": LOOP_CONFIGURE failed: " + errname(r));
                }
            }
            throw new IllegalArgumentException("disk: " + spec.name() + ": no free loop device");
        } finally {
            Libc.close(imgFd);
            if (!bound) {
                Libc.unlinkat(dir.fd(), image, 0);
                Libc.unlinkat(dir.fd(), Reclaim.Disk.file(image), 0);
            }
        }
    }

    /** {@code struct loop_config} in the thread's argument area. */
    private static MemorySegment loopConfig(int imgFd, DiskSpec spec, String imagePath) {
        MemorySegment cfg = Libc.scratch().arg;
        cfg.asSlice(0, Loops.LOOP_CONFIG_SIZE).fill((byte) 0);
        cfg.set(ValueLayout.JAVA_INT, 0, imgFd);
        cfg.set(ValueLayout.JAVA_INT, 4, spec.sectorSize());
        int flags = (spec.partscan() ? Loops.LO_FLAGS_PARTSCAN : 0) | (spec.readOnly() ? Loops.LO_FLAGS_READ_ONLY : 0);
        cfg.set(ValueLayout.JAVA_INT, 8 + 52, flags);
        byte[] name = imagePath.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(name, 0, cfg, ValueLayout.JAVA_BYTE, 8 + 56, Math.min(63, name.length));
        return cfg;
    }

    /**
     * Makes a free loop device look as it does after boot before the run binds it, and returns
     * the read-ahead it had (sectors, -1 if unknown). Two settings of the whole disk outlive a
     * detach: BLKROSET's flag, which the model's fresh device does not have, and a read-ahead
     * above the default, which the bind would keep (it only raises). With the read-ahead at 0
     * the bind computes the kernel's own value.
     */
    private static long fresh(int loopFd) {
        MemorySegment a = Libc.scratch().arg;
        long found = Libc.ioctl(loopFd, Ioctl.BLKRAGET, a).failed() ? -1 : a.get(ValueLayout.JAVA_LONG, 0);
        Libc.ioctl(loopFd, Ioctl.BLKRASET, MemorySegment.NULL);
        a.set(ValueLayout.JAVA_INT, 0, 0);
        Libc.ioctl(loopFd, Ioctl.BLKROSET, a);
        return found;
    }

    private static int freeLoop() {
        Libc.Ret ctl = Libc.open("/dev/loop-control", OpenFlags.O_RDWR | Libc.O_CLOEXEC, 0);
        if (ctl.failed()) {
            throw new IllegalStateException("cannot open /dev/loop-control: " + errname(ctl));
        }
        try {
            Libc.Ret n = Libc.ioctl((int) ctl.value(), Loops.LOOP_CTL_GET_FREE, MemorySegment.NULL);
            if (n.failed()) {
                throw new IllegalStateException("LOOP_CTL_GET_FREE failed: " + errname(n));
            }
            return (int) n.value();
        } finally {
            Libc.close((int) ctl.value());
        }
    }

    private static String errname(Libc.Ret r) {
        return Errno.of(r.errno()).map(Errno::strerror).orElse("errno " + r.errno());
    }

    /** Deletes the disk's partitions, detaches its loop device and deletes its image. */
    @Override
    public SysResult diskRemove(String name) {
        Disk d = disks.get(name);
        if (d == null) {
            return SysResult.fail(Errno.ENXIO);
        }
        teardown(d);
        disks.remove(name);
        Libc.unlinkat(dir.fd(), d.image(), 0);
        Libc.unlinkat(dir.fd(), Reclaim.Disk.file(d.image()), 0);
        return SysResult.ok();
    }

    /** Thaws the run's frozen filesystems that were unmounted while frozen ({@link Reclaim#thawOrphans}). */
    void thawOrphans() {
        for (Disk d : new ArrayList<>(disks.values())) {
            if (stillOurs(d)) {
                Reclaim.thawOrphans(Reclaim.loopAndPartitions(d.real()), dir.rootPath() + "/.reattach",
                        l -> LOG.info("blocksim: {}", l));
            }
        }
    }

    private void teardown(Disk d) {
        for (Map<Integer, OpenFile> t : fdTables.values()) {
            for (OpenFile f : t.values()) {
                if (f.disk == d && !f.dead) {
                    f.dead = true;
                    Libc.close(f.fd);
                }
            }
        }
        Loops.teardown(d.loopNumber(), d.id(), d.readAhead(), line -> LOG.warn("blocksim: {}", line));
    }

    /** Model modules do not exist on the live kernel; loading kernel modules is not the run's to do. */
    @Override
    public SysResult insmod(Task task, String module, List<String> params) {
        return SysResult.fail(Errno.ENOENT);
    }

    @Override
    public SysResult rmmod(Task task, String module) {
        return SysResult.fail(Errno.ENOENT);
    }

    /**
     * What {@code udevadm settle} waits for on this machine: udevd's event queue, which exists as
     * {@code /run/udev/queue} while events are queued (systemd {@code udev_queue_is_empty}),
     * polled every 10 ms until it is gone (0) or {@code timeoutNanos} of real time have passed
     * (ETIME). Without udevd ({@code /run/udev/control} absent) nothing queues events and it
     * returns at once, as {@code udevadm settle} does. The kernel's own partition scans of the
     * run's devices finish inside BLKRRPART and LOOP_CONFIGURE, so they are never pending here.
     */
    @Override
    public SysResult udevSettle(Task task, long timeoutNanos) {
        return settle("/run/udev/control", "/run/udev/queue", timeoutNanos);
    }

    /** {@link #udevSettle} with udevd's control socket and queue file named (tests give their own). */
    static SysResult settle(String control, String queue, long timeoutNanos) {
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        if (Libc.stat(control, st).failed()) {
            return SysResult.ok();
        }
        long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
        while (!Libc.stat(queue, st).failed()) {
            if (System.nanoTime() - deadline >= 0) {
                return SysResult.fail(Errno.ETIME);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return SysResult.fail(Errno.EINTR);
            }
        }
        return SysResult.ok();
    }

    /** The records logged since the adapter started that name one of the run's devices, in the run's names. */
    /**
     * The machine's {@code mke2fs} for one of the run's devices (the model's filesystem would not
     * mount here): only as {@code mkfs.ext2|3|4} or {@code mke2fs}, only with {@code -q}, {@code -F},
     * {@code -t ext2|ext3|ext4} and a plain {@code -L} label, only for a device of the run's that is
     * still bound to its image, only for a task with CAP_SYS_ADMIN; its stdin is /dev/null (so it
     * never asks), its environment only PATH, and the real device names in what it prints are the
     * run's. Anything else is left to blocksim's own mke2fs.
     */
    @Override
    public Optional<Ran> hostProgram(Task task, List<String> argv) {
        table(task);
        if (argv.isEmpty() || !task.capSysAdmin()) {
            return Optional.empty();
        }
        String type = switch (argv.getFirst()) {
            case "mke2fs", "mkfs.ext2" -> "ext2";
            case "mkfs.ext3" -> "ext3";
            case "mkfs.ext4" -> "ext4";
            default -> null;
        };
        String program = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/mke2fs")) ? "/usr/sbin/mke2fs"
                : java.nio.file.Files.isExecutable(java.nio.file.Path.of("/sbin/mke2fs")) ? "/sbin/mke2fs" : null;
        if (type == null || program == null) {
            return Optional.empty();
        }
        List<String> opts = new ArrayList<>();
        String device = null;
        List<String> args = argv.subList(1, argv.size());
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("-t") || a.equals("-L")) && i + 1 < args.size()) {
                String v = args.get(++i);
                if (a.equals("-t") ? !v.matches("ext[234]") : !v.matches("[A-Za-z0-9_.-]{0,16}")) {
                    return Optional.empty();
                }
                if (a.equals("-t")) {
                    type = v;
                } else {
                    opts.add("-L");
                    opts.add(v);
                }
            } else if (a.matches("-[qF]+")) {
                opts.add(a);
            } else if (!a.startsWith("-") && device == null) {
                device = a;
            } else {
                return Optional.empty();
            }
        }
        Resolved d = device == null ? Resolved.fail(Errno.ENOENT) : resolve(device);
        if (d.failed() || d.kind() != Kind.DEVICE || hasRest(d) || sysfsDev(d) == null || !stillOurs(d.disk())) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>(List.of(program, "-t", type));
        cmd.addAll(opts);
        cmd.add(d.real());
        return Optional.of(scheduler.blocking("mke2fs", () -> run(cmd)));
    }

    private Ran run(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        try {
            Process p = pb.start();
            java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (java.io.IOException e) {
                    return new byte[0];
                }
            });
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new Ran(p.exitValue(), toRunNames(new String(out, java.nio.charset.StandardCharsets.UTF_8)),
                    toRunNames(new String(err.join(), java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            return new Ran(1, "", cmd.getFirst() + ": " + e.getMessage() + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ran(1, "", "");
        }
    }

    @Override
    public String dmesg() {
        StringBuilder sb = new StringBuilder();
        for (Kmsg.Record r : kmsg.records()) {
            boolean mine = false;
            for (Disk d : disks.values()) {
                mine |= Pattern.compile("\\b" + d.real() + "(p[0-9]+)?\\b").matcher(r.text()).find();
            }
            if (mine) {
                sb.append(toRunNames(r.format())).append('\n');
            }
        }
        return sb.toString();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this kernel adapter is closed");
        }
    }

    /**
     * Leaves nothing behind: every file the run's tasks still hold is closed, then each of the
     * run's loop devices loses its partitions and is detached (each step only while it is still
     * bound to the run's image), then the run's directory goes and its lock with it. Safe to call
     * more than once, and from the shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // a frozen filesystem left behind hangs the machine: thaw first, so blocked writers return
        Reclaim.thawAll(dir.rootPath(), l -> LOG.info("blocksim: {}", l));
        for (Map<Integer, OpenFile> t : fdTables.values()) {
            for (OpenFile f : t.values()) {
                if (!f.dead) {
                    f.dead = true;
                    Libc.close(f.fd);
                }
            }
        }
        fdTables.clear();
        Reclaim.unmountAll(dir.rootPath(), dir.rootPath(), l -> LOG.info("blocksim: {}", l));
        thawOrphans();
        for (Disk d : new ArrayList<>(disks.values())) {
            try {
                teardown(d);
            } catch (RuntimeException e) {
                LOG.warn("blocksim: cleanup of {} failed: {}", d.real(), e.toString());
            }
        }
        disks.clear();
        kmsg.close();
        dir.close();
        try {
            if (Thread.currentThread() != shutdownHook) {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
        } catch (IllegalStateException e) {
            // the JVM is shutting down already
        }
    }
}
