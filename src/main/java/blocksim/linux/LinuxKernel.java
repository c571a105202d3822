package blocksim.linux;

import blocksim.Kernel;
import blocksim.drivers.DiskSpec;
import blocksim.kernel.Credentials;
import blocksim.kernel.Errno;
import blocksim.kernel.Profile;
import blocksim.kernel.SysResult;
import blocksim.kernel.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.BlkpgPartition;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same {@link Kernel} calls on the machine's running kernel, through java.lang.foreign. Every
 * disk a run adds is a loop device of its own (a sparse image, {@code LOOP_CTL_GET_FREE},
 * {@code LOOP_CONFIGURE}), known by the run's name for it both ways: in the paths it is given
 * ({@code /sys/block/sda/sda1/start} reads {@code /sys/block/loop3/loop3p1/start}) and in
 * everything it shows ({@code /dev/loop3p1} shows as {@code /dev/sda1}). Devices that are not the
 * run's own are left out of what it shows, and refused when named. The root paths a lesson uses
 * ({@code /tmp}, {@code /mnt}, {@code /etc}, {@code /var}) live in a private directory.
 *
 * <p>Safety: {@link #close()} (also run by a JVM shutdown hook) closes every file, deletes the
 * partitions of the run's loop devices, detaches them and deletes their images, whatever state a
 * failure left them in.
 */
public final class LinuxKernel implements Kernel {

    private static final Logger LOG = LoggerFactory.getLogger("blocksim.linux");

    static final long LOOP_CTL_GET_FREE = 0x4C82;
    static final long LOOP_CONFIGURE = 0x4C0A;
    static final long LOOP_CLR_FD = 0x4C01;
    static final int LO_FLAGS_READ_ONLY = 1;
    static final int LO_FLAGS_PARTSCAN = 8;
    /** {@code struct loop_config}: fd, block_size, loop_info64 (232 bytes), 8 reserved u64. */
    static final int LOOP_CONFIG_SIZE = 304;
    private static final int O_CLOEXEC = 02000000;

    /**
     * A disk of this run: the name the run uses, the loop device behind it, and the read-ahead
     * (sectors) the loop device had before the run bound it, which teardown puts back (with the
     * read-only flag cleared): the kernel never lowers a read-ahead by itself ({@code
     * blk_apply_bdi_limits}) and keeps BLKROSET's flag across a detach, so the run's settings
     * would otherwise outlive it.
     */
    record Disk(String name, int loopNumber, String image, long readAhead) {
        String real() {
            return "loop" + loopNumber;
        }

        /** The run's name of partition {@code n}: {@code sda1}, {@code loop0p1}. */
        String partName(String n) {
            return Character.isDigit(name.charAt(name.length() - 1)) ? name + "p" + n : name + n;
        }
    }

    /** An open file: a real descriptor, and for /proc and /sys a snapshot of the run's view. */
    private static final class OpenFile {
        final int fd;
        final byte[] snapshot;
        long pos;

        OpenFile(int fd, byte[] snapshot) {
            this.fd = fd;
            this.snapshot = snapshot;
        }
    }

    private final String workDir;
    private final String rootDir;
    private final TreeMap<String, Disk> disks = new TreeMap<>();
    private final Map<Integer, Map<Integer, OpenFile>> fdTables = new TreeMap<>();
    private final Map<Integer, Credentials> creds = new TreeMap<>();
    private final long kmsgStart;
    private final Thread shutdownHook;
    private int nextPid = 2;
    private boolean closed;

    private LinuxKernel(String workDir) {
        this.workDir = workDir;
        this.rootDir = workDir + "/root";
        for (String d : List.of(rootDir, rootDir + "/tmp", rootDir + "/mnt", rootDir + "/etc", rootDir + "/var",
                rootDir + "/var/log")) {
            Libc.mkdir(d, 0755);
        }
        this.kmsgStart = Kmsg.lastSequence();
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
        return null;
    }

    /** Starts an adapter with a private work directory; fails when {@link #unavailableReason()} says so. */
    public static LinuxKernel start() {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("the live kernel cannot be used: " + reason);
        }
        for (int i = 0; i < 1000; i++) {
            String dir = "/tmp/blocksim-" + ProcessHandle.current().pid() + "-" + i;
            if (!Libc.mkdir(dir, 0700).failed()) {
                return new LinuxKernel(dir);
            }
        }
        throw new IllegalStateException("cannot create a work directory under /tmp");
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

    /** The run's disks and their loop devices, for tests and cleanup checks. */
    public Map<String, String> loopDevices() {
        Map<String, String> m = new TreeMap<>();
        disks.forEach((k, v) -> m.put(k, v.real()));
        return m;
    }

    public String workDir() {
        return workDir;
    }

    // ---------------------------------------------------------------- names

    /** What a path means on this machine. */
    private record Resolved(String real, Errno refused, boolean pseudo, String listing) {
    }

    private Resolved resolve(String path) {
        String p = blocksim.fs.Vfs.normalize(path);
        List<String> parts = blocksim.fs.Vfs.components(p);
        if (parts.isEmpty()) {
            return new Resolved("/", null, false, "root");
        }
        String top = parts.getFirst();
        switch (top) {
            case "dev" -> {
                if (parts.size() == 1) {
                    return new Resolved("/dev", null, false, "dev");
                }
                String name = parts.get(1);
                if (name.equals("null") || name.equals("zero")) {
                    return new Resolved("/dev/" + name, null, false, null);
                }
                String real = realDevice(name);
                if (real != null && parts.size() == 2) {
                    return new Resolved("/dev/" + real, null, false, null);
                }
                return refuse(p);
            }
            case "sys" -> {
                if (parts.size() >= 2 && parts.get(1).equals("block")) {
                    if (parts.size() == 2) {
                        return new Resolved("/sys/block", null, true, "sysblock");
                    }
                    Disk d = disks.get(parts.get(2));
                    if (d == null) {
                        return new Resolved(null, Errno.ENOENT, false, null);
                    }
                    StringBuilder real = new StringBuilder("/sys/block/" + d.real());
                    for (String c : parts.subList(3, parts.size())) {
                        String rp = realDevice(c);
                        real.append('/').append(rp != null && rp.startsWith(d.real()) ? rp : c);
                    }
                    return new Resolved(real.toString(), null, true, null);
                }
                if (parts.size() == 1) {
                    return new Resolved("/sys", null, false, "sys");
                }
                return new Resolved(null, Errno.ENOENT, false, null);
            }
            case "proc" -> {
                if (parts.size() == 1) {
                    return new Resolved("/proc", null, false, "proc");
                }
                if (parts.size() == 2 && (parts.get(1).equals("partitions") || parts.get(1).equals("devices"))) {
                    return new Resolved(p, null, true, null);
                }
                return new Resolved(null, Errno.ENOENT, false, null);
            }
            case "tmp", "mnt", "etc", "var" -> {
                return new Resolved(rootDir + p, null, false, null);
            }
            default -> {
                return new Resolved(null, Errno.ENOENT, false, null);
            }
        }
    }

    /**
     * A device node outside the run: one that does not exist on this machine either is ENOENT,
     * as on both kernels (looking costs nothing); one that exists is refused.
     */
    private Resolved refuse(String path) {
        if (!java.nio.file.Files.exists(java.nio.file.Path.of(path), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return new Resolved(null, Errno.ENOENT, false, null);
        }
        LOG.warn("blocksim: refusing {}: not a device this run created", path);
        return new Resolved(null, Errno.EACCES, false, null);
    }

    /** The real device name for the run's name of a disk or partition, or null. */
    private String realDevice(String name) {
        Disk d = disks.get(name);
        if (d != null) {
            return d.real();
        }
        for (Disk disk : disks.values()) {
            String prefix = Character.isDigit(disk.name().charAt(disk.name().length() - 1)) ? disk.name() + "p" : disk.name();
            if (name.startsWith(prefix) && name.length() > prefix.length() && name.substring(prefix.length()).matches("[0-9]+")) {
                return disk.real() + "p" + name.substring(prefix.length());
            }
        }
        return null;
    }

    /** Rewrites real device names in text the run will see into the run's names. */
    String toRunNames(String text) {
        String out = text;
        for (Disk d : disks.values()) {
            Matcher m = Pattern.compile("\\b" + d.real() + "p([0-9]+)\\b").matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(sb, Matcher.quoteReplacement(d.partName(m.group(1))));
            }
            m.appendTail(sb);
            out = sb.toString().replaceAll("\\b" + d.real() + "\\b", Matcher.quoteReplacement(d.name()));
        }
        return out;
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
    private String view(String realPath, String content) {
        if (realPath.equals("/proc/partitions")) {
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
        return toRunNames(content);
    }

    // ---------------------------------------------------------------- tasks and files

    @Override
    public Task spawn(String comm, Credentials credentials) {
        Task t = new Task(nextPid++, comm, credentials);
        fdTables.put(t.pid(), new TreeMap<>());
        creds.put(t.pid(), credentials);
        return t;
    }

    @Override
    public void exit(Task task) {
        Map<Integer, OpenFile> t = fdTables.remove(task.pid());
        if (t != null) {
            for (OpenFile f : t.values()) {
                Libc.close(f.fd);
            }
        }
        creds.remove(task.pid());
    }

    private Map<Integer, OpenFile> table(Task task) {
        Map<Integer, OpenFile> t = fdTables.get(task.pid());
        if (t == null) {
            throw new IllegalStateException(task + " was not spawned by this kernel or has exited");
        }
        return t;
    }

    private static SysResult result(Libc.Ret r) {
        if (!r.failed()) {
            return SysResult.ok(r.value());
        }
        return SysResult.fail(Errno.of(r.errno()).orElse(Errno.EIO));
    }

    @Override
    public SysResult open(Task task, String path, int flags) {
        checkOpen();
        Resolved r = resolve(path);
        if (r.refused() != null) {
            return SysResult.fail(r.refused());
        }
        if (r.real() == null) {
            return SysResult.fail(Errno.ENOENT);
        }
        Libc.Ret ret = Identity.run(task.credentials(), () -> Libc.open(r.real(), flags | O_CLOEXEC, 0644));
        if (ret.failed()) {
            return result(ret);
        }
        int fd = (int) ret.value();
        byte[] snapshot = null;
        if (r.pseudo() && !isDirectory(r.real())) {
            byte[] raw = readAll(fd);
            snapshot = view(r.real(), new String(raw, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }
        table(task).put(fd, new OpenFile(fd, snapshot));
        return SysResult.ok(fd);
    }

    private static boolean isDirectory(String real) {
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        return !Libc.stat(real, st).failed() && (mode(st) & 0170000) == 0040000;
    }

    private static byte[] readAll(int fd) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (true) {
            Libc.Ret r = Libc.read(fd, buf, 0, buf.length, -1);
            if (r.value() <= 0) {
                return out.toByteArray();
            }
            out.write(buf, 0, (int) r.value());
        }
    }

    @Override
    public SysResult close(Task task, int fd) {
        OpenFile f = table(task).remove(fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        return result(Libc.close(f.fd));
    }

    private OpenFile file(Task task, int fd) {
        return table(task).get(fd);
    }

    @Override
    public SysResult read(Task task, int fd, byte[] buf, int off, int len) {
        OpenFile f = file(task, fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.snapshot != null) {
            int n = (int) Math.max(0, Math.min(len, f.snapshot.length - f.pos));
            System.arraycopy(f.snapshot, (int) f.pos, buf, off, n);
            f.pos += n;
            return SysResult.ok(n);
        }
        return result(Identity.run(task.credentials(), () -> Libc.read(f.fd, buf, off, len, -1)));
    }

    @Override
    public SysResult write(Task task, int fd, byte[] buf, int off, int len) {
        OpenFile f = file(task, fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        return result(Identity.run(task.credentials(), () -> Libc.write(f.fd, buf, off, len, -1)));
    }

    @Override
    public SysResult pread(Task task, int fd, byte[] buf, int off, int len, long pos) {
        OpenFile f = file(task, fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.snapshot != null) {
            int n = (int) Math.max(0, Math.min(len, f.snapshot.length - pos));
            System.arraycopy(f.snapshot, (int) pos, buf, off, n);
            return SysResult.ok(n);
        }
        return result(Identity.run(task.credentials(), () -> Libc.read(f.fd, buf, off, len, pos)));
    }

    @Override
    public SysResult pwrite(Task task, int fd, byte[] buf, int off, int len, long pos) {
        OpenFile f = file(task, fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        return result(Identity.run(task.credentials(), () -> Libc.write(f.fd, buf, off, len, pos)));
    }

    @Override
    public SysResult lseek(Task task, int fd, long offset, int whence) {
        OpenFile f = file(task, fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        if (f.snapshot != null) {
            long base = whence == 0 ? 0 : whence == 1 ? f.pos : f.snapshot.length;
            if (base + offset < 0) {
                return SysResult.fail(Errno.EINVAL);
            }
            f.pos = base + offset;
            return SysResult.ok(f.pos);
        }
        return result(Libc.lseek(f.fd, offset, whence));
    }

    @Override
    public SysResult fsync(Task task, int fd) {
        OpenFile f = file(task, fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        return result(Libc.fsync(f.fd));
    }

    /**
     * ioctl(2) with the argument laid out in native memory as the kernel expects it
     * ({@code struct blkpg_ioctl_arg} and {@code struct blkpg_partition} on x86_64, an int, a u64),
     * and results copied back into the caller's cell.
     */
    @Override
    public SysResult ioctl(Task task, int fd, long request, IoctlArg arg) {
        OpenFile f = file(task, fd);
        if (f == null) {
            return SysResult.fail(Errno.EBADF);
        }
        try (Arena a = Arena.ofShared()) {
            MemorySegment seg = switch (arg) {
                case IoctlArg.Null n -> MemorySegment.NULL;
                case IoctlArg.BadAddress b -> MemorySegment.ofAddress(b.address());
                case IoctlArg.Value v -> MemorySegment.ofAddress(v.value());
                case IntCell c -> {
                    MemorySegment m = a.allocate(8);
                    m.set(ValueLayout.JAVA_INT, 0, c.get());
                    yield m;
                }
                case LongCell c -> {
                    MemorySegment m = a.allocate(8);
                    m.set(ValueLayout.JAVA_LONG, 0, c.get());
                    yield m;
                }
                case BlkpgIoctlArg b -> blkpg(a, b);
            };
            Libc.Ret r = Identity.run(task.credentials(), () -> Libc.ioctl(f.fd, request, seg));
            if (!r.failed()) {
                switch (arg) {
                    case IntCell c -> c.set(seg.get(ValueLayout.JAVA_INT, 0));
                    case LongCell c -> c.set(seg.get(ValueLayout.JAVA_LONG, 0));
                    default -> { }
                }
            }
            return result(r);
        }
    }

    private static MemorySegment blkpg(Arena a, BlkpgIoctlArg b) {
        MemorySegment arg = a.allocate(BlkpgIoctlArg.SIZE, 8);
        arg.set(ValueLayout.JAVA_INT, 0, b.op());
        arg.set(ValueLayout.JAVA_INT, 4, b.flags());
        arg.set(ValueLayout.JAVA_INT, 8, b.datalen());
        if (b.data() == null) {
            arg.set(ValueLayout.ADDRESS, 16, MemorySegment.NULL);
        } else {
            byte[] bytes = b.data().toBytes();
            MemorySegment data = a.allocate(BlkpgPartition.SIZE, 8);
            MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
            arg.set(ValueLayout.ADDRESS, 16, data);
        }
        return arg;
    }

    @Override
    public SysResult mkdir(Task task, String path, int mode) {
        Resolved r = resolve(path);
        if (r.real() == null || !r.real().startsWith(rootDir + "/")) {
            return SysResult.fail(r.refused() != null ? r.refused() : Errno.EACCES);
        }
        return result(Identity.run(task.credentials(), () -> Libc.mkdir(r.real(), mode)));
    }

    @Override
    public SysResult unlink(Task task, String path) {
        Resolved r = resolve(path);
        if (r.real() == null || !r.real().startsWith(rootDir + "/")) {
            return SysResult.fail(r.refused() != null ? r.refused() : Errno.EACCES);
        }
        return result(Identity.run(task.credentials(), () -> Libc.unlink(r.real())));
    }

    @Override
    public StatResult stat(Task task, String path) {
        Resolved r = resolve(path);
        if (r.real() == null) {
            return new StatResult(null, r.refused() != null ? r.refused() : Errno.ENOENT);
        }
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        Libc.Ret ret = Libc.stat(r.real(), st);
        if (ret.failed()) {
            return new StatResult(null, Errno.of(ret.errno()).orElse(Errno.EIO));
        }
        ByteBuffer b = ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN);
        int mode = b.getInt(24);
        long rdev = b.getLong(40);
        int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
        int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
        Stat.Type type = switch (mode & 0170000) {
            case 0040000 -> Stat.Type.DIRECTORY;
            case 0060000 -> Stat.Type.BLOCK_DEVICE;
            case 0020000 -> Stat.Type.CHAR_DEVICE;
            default -> Stat.Type.REGULAR;
        };
        return new StatResult(new Stat(type, mode & 07777, b.getInt(28), b.getInt(32), major, minor, b.getLong(48)), null);
    }

    private static int mode(byte[] st) {
        return ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).getInt(24);
    }

    @Override
    public ListResult list(Task task, String path) {
        Resolved r = resolve(path);
        if (r.listing() != null) {
            List<String> names = switch (r.listing()) {
                case "root" -> List.of("dev", "etc", "mnt", "proc", "sys", "tmp", "var");
                case "proc" -> List.of("devices", "partitions");
                case "sys" -> List.of("block");
                case "sysblock" -> new ArrayList<>(disks.keySet());
                default -> devListing();
            };
            return new ListResult(names, null);
        }
        if (r.real() == null) {
            return new ListResult(null, r.refused() != null ? r.refused() : Errno.ENOENT);
        }
        int[] err = new int[1];
        List<String> names = Libc.list(r.real(), err);
        if (names == null) {
            return new ListResult(null, Errno.of(err[0]).orElse(Errno.EIO));
        }
        List<String> shown = new ArrayList<>();
        for (String n : names) {
            shown.add(toRunNames(n));
        }
        java.util.Collections.sort(shown);
        return new ListResult(shown, null);
    }

    private List<String> devListing() {
        List<String> names = new ArrayList<>(List.of("null", "zero"));
        int[] err = new int[1];
        List<String> real = Libc.list("/dev", err);
        if (real != null) {
            for (String n : real) {
                if (ours(n)) {
                    names.add(toRunNames(n));
                }
            }
        }
        java.util.Collections.sort(names);
        return names;
    }

    // ---------------------------------------------------------------- disks

    /**
     * A sparse image and a loop device of its own: {@code LOOP_CTL_GET_FREE} on /dev/loop-control,
     * then {@code LOOP_CONFIGURE} with the image, the sector size, {@code LO_FLAGS_PARTSCAN} unless
     * the spec says no, and {@code LO_FLAGS_READ_ONLY} for a read-only disk.
     */
    @Override
    public void diskAdd(DiskSpec spec) {
        checkOpen();
        if (disks.containsKey(spec.name())) {
            throw new IllegalArgumentException("disk: " + spec.name() + ": already exists");
        }
        String image = workDir + "/" + spec.name() + ".img";
        Libc.Ret img = Libc.open(image, OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_EXCL | O_CLOEXEC, 0600);
        if (img.failed()) {
            throw new IllegalArgumentException("disk: " + spec.name() + ": cannot create its image: " + errno(img));
        }
        int imgFd = (int) img.value();
        try {
            if (Libc.ftruncate(imgFd, spec.sizeBytes()).failed()) {
                throw new IllegalArgumentException("disk: " + spec.name() + ": cannot size its image");
            }
            for (int attempt = 0; attempt < 8; attempt++) {
                int n = freeLoop();
                Libc.Ret loop = Libc.open("/dev/loop" + n, OpenFlags.O_RDWR | O_CLOEXEC, 0);
                if (loop.failed()) {
                    continue;
                }
                int loopFd = (int) loop.value();
                Libc.Ret r;
                long readAhead;
                try (Arena a = Arena.ofConfined()) {
                    readAhead = fresh(a, loopFd);
                    MemorySegment cfg = a.allocate(LOOP_CONFIG_SIZE, 8);
                    cfg.set(ValueLayout.JAVA_INT, 0, imgFd);
                    cfg.set(ValueLayout.JAVA_INT, 4, spec.sectorSize());
                    int flags = (spec.partscan() ? LO_FLAGS_PARTSCAN : 0) | (spec.readOnly() ? LO_FLAGS_READ_ONLY : 0);
                    cfg.set(ValueLayout.JAVA_INT, 8 + 52, flags);
                    byte[] name = image.getBytes(StandardCharsets.UTF_8);
                    MemorySegment.copy(name, 0, cfg, ValueLayout.JAVA_BYTE, 8 + 56, Math.min(63, name.length));
                    r = Libc.ioctl(loopFd, LOOP_CONFIGURE, cfg);
                }
                Libc.close(loopFd);
                if (!r.failed()) {
                    disks.put(spec.name(), new Disk(spec.name(), n, image, readAhead));
                    return;
                }
                if (r.errno() != Errno.EBUSY.number()) {
                    throw new IllegalArgumentException("disk: " + spec.name() + ": LOOP_CONFIGURE failed: " + errno(r));
                }
            }
            throw new IllegalArgumentException("disk: " + spec.name() + ": no free loop device");
        } catch (RuntimeException e) {
            Libc.unlink(image);
            throw e;
        } finally {
            Libc.close(imgFd);
        }
    }

    /**
     * Makes a free loop device look as it does after boot before the run binds it, and returns
     * the read-ahead it had (sectors, -1 if unknown). Two settings of the whole disk outlive a
     * detach: BLKROSET's flag, which the model's fresh device does not have, and a read-ahead
     * above the default, which the bind would keep (it only raises). With the read-ahead at 0
     * the bind computes the kernel's own value.
     */
    private static long fresh(Arena a, int loopFd) {
        MemorySegment ra = a.allocate(ValueLayout.JAVA_LONG);
        long found = Libc.ioctl(loopFd, Ioctl.BLKRAGET, ra).failed() ? -1 : ra.get(ValueLayout.JAVA_LONG, 0);
        Libc.ioctl(loopFd, Ioctl.BLKRASET, MemorySegment.NULL);
        Libc.ioctl(loopFd, Ioctl.BLKROSET, a.allocate(ValueLayout.JAVA_INT));
        return found;
    }

    private static int freeLoop() {
        Libc.Ret ctl = Libc.open("/dev/loop-control", OpenFlags.O_RDWR | O_CLOEXEC, 0);
        if (ctl.failed()) {
            throw new IllegalStateException("cannot open /dev/loop-control: " + errno(ctl));
        }
        try {
            Libc.Ret n = Libc.ioctl((int) ctl.value(), LOOP_CTL_GET_FREE, MemorySegment.NULL);
            if (n.failed()) {
                throw new IllegalStateException("LOOP_CTL_GET_FREE failed: " + errno(n));
            }
            return (int) n.value();
        } finally {
            Libc.close((int) ctl.value());
        }
    }

    private static String errno(Libc.Ret r) {
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
        return SysResult.ok();
    }

    private void teardown(Disk d) {
        Libc.Ret loop = Libc.open("/dev/" + d.real(), OpenFlags.O_RDONLY | O_CLOEXEC, 0);
        if (!loop.failed()) {
            int fd = (int) loop.value();
            int[] err = new int[1];
            List<String> entries = Libc.list("/sys/block/" + d.real(), err);
            if (entries != null) {
                for (String e : entries) {
                    if (e.matches(d.real() + "p[0-9]+")) {
                        int pno = Integer.parseInt(e.substring(d.real().length() + 1));
                        try (Arena a = Arena.ofConfined()) {
                            Libc.Ret r = Libc.ioctl(fd, Ioctl.BLKPG, blkpg(a, BlkpgIoctlArg.del(pno)));
                            if (r.failed()) {
                                LOG.warn("blocksim: could not delete partition {} of {}: {}", pno, d.real(), errno(r));
                            }
                        }
                    }
                }
            }
            try (Arena a = Arena.ofConfined()) {
                if (d.readAhead() >= 0 && Libc.ioctl(fd, Ioctl.BLKRASET, MemorySegment.ofAddress(d.readAhead())).failed()
                        || Libc.ioctl(fd, Ioctl.BLKROSET, a.allocate(ValueLayout.JAVA_INT)).failed()) {
                    LOG.warn("blocksim: could not restore the read-ahead and read-only flag of {}", d.real());
                }
            }
            Libc.Ret r = Libc.ioctl(fd, LOOP_CLR_FD, MemorySegment.NULL);
            if (r.failed() && r.errno() != Errno.ENXIO.number()) {
                LOG.warn("blocksim: could not detach {}: {}", d.real(), errno(r));
            }
            Libc.close(fd);
        }
        Libc.unlink(d.image());
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

    /** Partition scans on the live kernel finish inside BLKRRPART and add_disk; nothing to wait for. */
    @Override
    public SysResult udevSettle(Task task, long timeoutNanos) {
        return SysResult.ok();
    }

    @Override
    public String dmesg() {
        StringBuilder sb = new StringBuilder();
        for (Kmsg.Record r : Kmsg.since(kmsgStart)) {
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
     * run's loop devices loses its partitions, is detached and its image deleted, then the work
     * directory goes. Safe to call more than once, and from the shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Map<Integer, OpenFile> t : fdTables.values()) {
            for (OpenFile f : t.values()) {
                Libc.close(f.fd);
            }
        }
        fdTables.clear();
        for (Disk d : new ArrayList<>(disks.values())) {
            try {
                teardown(d);
            } catch (RuntimeException e) {
                LOG.warn("blocksim: cleanup of {} failed: {}", d.real(), e.toString());
            }
        }
        disks.clear();
        removeTree(rootDir);
        Libc.rmdir(workDir);
        try {
            if (Thread.currentThread() != shutdownHook) {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
        } catch (IllegalStateException e) {
            // the JVM is shutting down already
        }
    }

    private static void removeTree(String dir) {
        int[] err = new int[1];
        List<String> names = Libc.list(dir, err);
        if (names != null) {
            for (String n : names) {
                String p = dir + "/" + n;
                if (isDirectory(p)) {
                    removeTree(p);
                } else {
                    Libc.unlink(p);
                }
            }
        }
        Libc.rmdir(dir);
    }
}
