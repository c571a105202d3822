package blocksim.linux;


import blocksim.api.Kernel;
import blocksim.SimKernel;
import blocksim.api.DiskSpec;
import blocksim.api.Credentials;
import blocksim.api.KernelConfig;
import blocksim.api.MisuseException;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.BlkpgPartition;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The model against the live kernel over hostile arguments: paths (empty, a NUL inside, PATH_MAX,
 * names over NAME_MAX, {@code .} and {@code ..} after anything, trailing slashes, O_CREAT where
 * nothing may be created), offsets (negative, LLONG_MIN and MAX, near the overflow, at and past
 * the end), descriptors (closed, never opened, negative, of files that are not devices), lseek
 * whences, and ioctls with every request the uapi knows plus LOOP_* (all but LOOP_CLR_FD, which
 * ends the run's hold on its device at the last close: LiveLoopTests follows it), FIFREEZE/FITHAW and numbers
 * nobody knows, each with every kind of argument (NULL, a bad address, a number, 4- and 8-byte
 * cells holding anything, BLKPG records of any shape). After every step both kernels must have
 * given the same answer (errno, value, what a cell holds, or the same {@link MisuseException})
 * and show the same partition table. A failure prints the steps so far.
 */
class HostileDifferentialProperties {

    static final long MIB = 1 << 20;
    static final long DISK = 16 * MIB;
    static final Map<String, DiskSpec> DISKS = Map.of(
            "loop0", DiskSpec.of("loop0", DISK),
            "loop1", DiskSpec.of("loop1", DISK).withPartscan(false));

    private static final SharedLive LIVE = new SharedLive("hostile differential", DISKS);

    @AfterContainer
    static void closeLive() {
        LIVE.close();
    }

    /** Which descriptor a step uses. */
    enum Fd { DISK, PARTITION, NULLDEV, FILE, SYSFS, DIR, CLOSED, NEVER, NEGATIVE, HUGE }

    sealed interface Step permits OpenPath, StatPath, ListPath, Pio, Seek, Ctl, Close, Sync, Trunc, Fstat, Rmdir, Mkdir, Unlink {
    }

    record OpenPath(String path, int flags) implements Step {
        @Override
        public String toString() {
            return "open(" + quote(path) + ", 0" + Integer.toOctalString(flags) + ")";
        }
    }

    record StatPath(String path) implements Step {
        @Override
        public String toString() {
            return "stat(" + quote(path) + ")";
        }
    }

    record ListPath(String path) implements Step {
        @Override
        public String toString() {
            return "getdents(" + quote(path) + ")";
        }
    }

    record Pio(Fd fd, boolean write, int len, long pos, boolean positioned) implements Step {
        @Override
        public String toString() {
            return (positioned ? (write ? "pwrite" : "pread") : (write ? "write" : "read")) + "(" + fd + ", " + len
                    + (positioned ? ", " + pos : "") + ")";
        }
    }

    record Seek(Fd fd, long offset, int whence) implements Step {
        @Override
        public String toString() {
            return "lseek(" + fd + ", " + offset + ", " + whence + ")";
        }
    }

    record Ctl(Fd fd, long request, IoctlArg arg, boolean nocap) implements Step {
        @Override
        public String toString() {
            return "ioctl(" + (nocap ? "DISK [NO_CAP]" : fd) + ", " + Ioctl.name(request) + ", " + arg + ")";
        }
    }

    record Close(Fd fd) implements Step {
        @Override
        public String toString() {
            return "close(" + fd + ")";
        }
    }

    record Sync(Fd fd, boolean data) implements Step {
        @Override
        public String toString() {
            return (data ? "fdatasync(" : "fsync(") + fd + ")";
        }
    }

    record Trunc(Fd fd, long length) implements Step {
        @Override
        public String toString() {
            return "ftruncate(" + fd + ", " + length + ")";
        }
    }

    record Fstat(Fd fd) implements Step {
        @Override
        public String toString() {
            return "fstat(" + fd + ")";
        }
    }

    record Rmdir(String path) implements Step {
        @Override
        public String toString() {
            return "rmdir(" + quote(path) + ")";
        }
    }

    record Mkdir(String path) implements Step {
        @Override
        public String toString() {
            return "mkdir(" + quote(path) + ", 0755)";
        }
    }

    record Unlink(String path) implements Step {
        @Override
        public String toString() {
            return "unlink(" + quote(path) + ")";
        }
    }

    static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 40) + "...(" + s.length() + " chars)" : s;
        return "\"" + shown.replace("\0", "\\0") + "\"";
    }

    // ---------------------------------------------------------------- the domains

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> top = Arbitraries.of("", "/", "//", "/dev", "/dev/", "/sys/block", "/sys", "/proc", "/tmp",
                "/mnt", "/etc", "/var/log", "dev", "/nothere");
        // sysfs names the model has, and the kernel's links out of a disk's directory (subsystem, bdi),
        // which the adapter must not follow; not the many attributes the model does not offer (queue/, stat)
        Arbitrary<String> segment = Arbitraries.of("DISK", "DISKp1", "DISKp2", "..", ".", "", "x", "null", "zero",
                "size", "ro", "partition", "start", "dev", "subsystem", "bdi", "partitions", "devices",
                "block", "N".repeat(255), "N".repeat(256), "f");
        Arbitrary<String> built = Combinators.combine(top, segment.list().ofMaxSize(4),
                Arbitraries.of("", "", "", "/", "//"), Arbitraries.of("", "", "", "\0", "\0/../../dev/vda"))
                .as((t, segs, tail, nul) -> {
                    String p = t + (segs.isEmpty() ? "" : (t.endsWith("/") || t.isEmpty() ? "" : "/") + String.join("/", segs));
                    return p + tail + nul;
                });
        return Arbitraries.frequencyOf(Tuple.of(20, built), Tuple.of(1, Arbitraries.just("/" + "a/".repeat(2100))),
                Tuple.of(1, Arbitraries.just("/dev/" + "x".repeat(5000))));
    }

    @Provide
    Arbitrary<Long> offsets() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, -1L, -512L, 511L, 512L, DISK, DISK - 1, DISK - 512, DISK + 1, 2 * DISK,
                        Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE - 511, Long.MAX_VALUE - 512,
                        Long.MAX_VALUE - 4095, Long.MIN_VALUE, Long.MIN_VALUE + 1),
                Arbitraries.longs());
    }

    @Provide
    Arbitrary<IoctlArg> args() {
        Arbitrary<Long> anyLong = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0L, 1L, -1L, 512L, 4096L, 1L << 32));
        Arbitrary<BlkpgPartition> part = Combinators.combine(offsets(), offsets(),
                Arbitraries.oneOf(Arbitraries.integers().between(-2, 8), Arbitraries.integers()))
                .as(BlkpgPartition::new);
        Arbitrary<IoctlArg> blkpg = Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers(),
                part.injectNull(0.1)).as((op, flags, p) -> new BlkpgIoctlArg(op, flags, BlkpgPartition.SIZE, p));
        return Arbitraries.oneOf(
                Arbitraries.just(IoctlArg.NULL),
                anyLong.map(a -> (IoctlArg) new IoctlArg.BadAddress(a == 0 ? 1 : a)),
                anyLong.map(IoctlArg.Value::new),
                Arbitraries.integers().map(v -> (IoctlArg) new IntCell(v)),
                anyLong.map(v -> (IoctlArg) new LongCell(v)),
                blkpg);
    }

    @Provide
    Arbitrary<Step> steps() {
        Arbitrary<Integer> flags = Arbitraries.of(OpenFlags.O_RDONLY, OpenFlags.O_WRONLY, OpenFlags.O_RDWR,
                OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY, OpenFlags.O_RDWR | OpenFlags.O_CREAT,
                OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_EXCL, OpenFlags.O_RDONLY | OpenFlags.O_EXCL,
                OpenFlags.O_WRONLY | OpenFlags.O_TRUNC, OpenFlags.O_RDWR | OpenFlags.O_APPEND | OpenFlags.O_CREAT);
        Arbitrary<Fd> fd = Arbitraries.of(Fd.class);
        Arbitrary<Step> open = Combinators.combine(paths(), flags).as((p, f) -> (Step) new OpenPath(p, f));
        Arbitrary<Step> stat = paths().map(p -> (Step) new StatPath(p));
        Arbitrary<Step> list = paths().map(p -> (Step) new ListPath(p));
        Arbitrary<Step> pio = Combinators.combine(fd, Arbitraries.of(false, true), Arbitraries.of(0, 1, 512, 4096),
                offsets(), Arbitraries.of(true, true, false)).as((f, w, l, p, pos) -> (Step) new Pio(f, w, l, p, pos));
        Arbitrary<Step> seek = Combinators.combine(fd, offsets(), Arbitraries.of(0, 1, 2, 3, -1, 4, 5))
                .as((f, o, w) -> (Step) new Seek(f, o, w));
        List<Long> requests = new ArrayList<>(List.of(Ioctl.BLKROSET, Ioctl.BLKROGET, Ioctl.BLKRRPART,
                Ioctl.BLKGETSIZE, Ioctl.BLKFLSBUF, Ioctl.BLKSSZGET, Ioctl.BLKPG, Ioctl.BLKBSZGET, Ioctl.BLKBSZSET,
                Ioctl.BLKGETSIZE64, Ioctl.BLKPBSZGET, Ioctl.BLKRAGET, Ioctl.BLKFRAGET, Ioctl.BLKSECTGET,
                Ioctl.BLKIOMIN, Ioctl.BLKIOOPT, Ioctl.BLKALIGNOFF, Ioctl.BLKDISCARDZEROES, Ioctl.FIFREEZE,
                Ioctl.FITHAW, 0x4C00L, 0x4C02L, 0x4C03L, 0x4C04L, 0x4C05L, 0x4C07L, 0x4C08L, 0x4C06L, 0x4C09L, 0x4C0AL, 0x4C82L,
                0x1234L, 0xC0185879L, 0x80081272L + 1, 0x5401L));
        Arbitrary<Long> request = Arbitraries.oneOf(Arbitraries.of(requests), Arbitraries.longs().between(0, 0xffffffffL));
        Arbitrary<Step> ctl = Combinators.combine(fd, request, args(), Arbitraries.of(false, false, false, true))
                .as((f, r, a, n) -> (Step) new Ctl(f, r, a, n));
        Arbitrary<Step> close = fd.map(f -> (Step) new Close(f));
        Arbitrary<Step> sync = Combinators.combine(fd, Arbitraries.of(false, true)).as((f, d) -> (Step) new Sync(f, d));
        Arbitrary<Step> trunc = Combinators.combine(fd, Arbitraries.oneOf(offsets(), Arbitraries.of(0L, 100L, 4096L, 5000L)))
                .as((f, l) -> (Step) new Trunc(f, l));
        Arbitrary<Step> fstat = fd.map(f -> (Step) new Fstat(f));
        Arbitrary<Step> rmdir = paths().map(p -> (Step) new Rmdir(p));
        Arbitrary<Step> mkdir = paths().map(p -> (Step) new Mkdir(p));
        Arbitrary<Step> unlink = paths().map(p -> (Step) new Unlink(p));
        return Arbitraries.frequencyOf(Tuple.of(6, open), Tuple.of(3, stat), Tuple.of(2, list), Tuple.of(5, pio),
                Tuple.of(2, seek), Tuple.of(8, ctl), Tuple.of(1, close), Tuple.of(2, sync), Tuple.of(2, trunc),
                Tuple.of(1, fstat), Tuple.of(2, rmdir), Tuple.of(2, mkdir), Tuple.of(2, unlink));
    }

    @Provide
    Arbitrary<String> diskNames() {
        return Arbitraries.of("loop0", "loop1");
    }

    @Property(tries = 100, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void hostileArgumentsGetTheSameAnswerOnBothKernels(@ForAll @Size(24) List<@From("steps") Step> sequence,
                                                       @ForAll("diskNames") String disk) {
        LinuxKernel linux = LIVE.get();
        try (SimKernel sim = SimKernel.boot(Profile.LINUX_6_18, KernelConfig.noPartitionParsers())) {
            sim.diskAdd(DISKS.get(disk));
            Side a = new Side(sim, disk);
            Side b = new Side(linux, disk);
            try {
                LIVE.steps += Live.lockstep(disk, sequence, sim, a.root, a::apply, linux, b.root, b::apply);
                LIVE.sequences++;
            } finally {
                b.reset();
            }
        }
    }

    /** One kernel's side: its tasks and the descriptors the steps name. */
    static final class Side {
        final Kernel k;
        final String disk;
        final Task root;
        final Task nocap;
        final int diskFd;
        final int nocapFd;
        final int closed;
        final List<Integer> opened = new ArrayList<>();
        final java.util.EnumMap<Fd, Integer> fds = new java.util.EnumMap<>(Fd.class);

        Side(Kernel k, String disk) {
            this.k = k;
            this.disk = disk;
            this.root = k.spawn("hostile", Credentials.ROOT);
            this.nocap = k.spawn("hostile-nocap", new Credentials("root", 0, 0, false));
            this.diskFd = k.open(root, "/dev/" + disk, OpenFlags.O_RDWR).intValue();
            this.nocapFd = k.open(nocap, "/dev/" + disk, OpenFlags.O_RDWR).intValue();
            SysResult added = k.ioctl(root, diskFd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, MIB));
            if (added.isError()) {
                throw new IllegalStateException(k.name() + ": cannot add the sequence's partition: " + added + " (table "
                        + Live.table(k, root, disk) + ", disk fd " + diskFd + ")");
            }
            fds.put(Fd.DISK, diskFd);
            fds.put(Fd.PARTITION, k.open(root, "/dev/" + disk + "p1", OpenFlags.O_RDWR).intValue());
            fds.put(Fd.NULLDEV, k.open(root, "/dev/null", OpenFlags.O_RDWR).intValue());
            fds.put(Fd.FILE, k.open(root, "/tmp/hostile", OpenFlags.O_RDWR | OpenFlags.O_CREAT).intValue());
            fds.put(Fd.SYSFS, k.open(root, "/sys/block/" + disk + "/size", OpenFlags.O_RDONLY).intValue());
            fds.put(Fd.DIR, k.open(root, "/tmp", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY).intValue());
            closed = k.open(root, "/dev/zero", OpenFlags.O_RDONLY).intValue();
            k.close(root, closed);
            fds.put(Fd.CLOSED, closed);
            fds.put(Fd.NEVER, 1000);
            fds.put(Fd.NEGATIVE, -1);
            fds.put(Fd.HUGE, Integer.MAX_VALUE);
        }

        /** Back to no partitions, read-write, default block size, and no task (the live disk is kept). */
        void reset() {
            k.exit(root);
            Task t = k.spawn("reset", Credentials.ROOT);
            int fd = k.open(t, "/dev/" + disk, OpenFlags.O_RDWR).intValue();
            // udev's probe of a new partition holds it open for a moment (EBUSY): a bounded retry
            for (int attempt = 0; attempt < 100 && !Live.table(k, t, disk).isEmpty(); attempt++) {
                for (int pno : Live.table(k, t, disk).keySet()) {
                    k.ioctl(t, fd, Ioctl.BLKPG, BlkpgIoctlArg.del(pno));
                }
                if (!Live.table(k, t, disk).isEmpty()) {
                    pause();
                }
            }
            k.ioctl(t, fd, Ioctl.BLKROSET, new IntCell(0));
            // the files a sequence created (O_CREAT anywhere in the root): the model starts without them
            if (k instanceof LinuxKernel live) {
                restoreRoot(live);
            }
            for (String dir : List.of("/", "/tmp", "/mnt", "/etc", "/var", "/var/log")) {
                for (String name : k.list(t, dir).names()) {
                    String p = (dir.equals("/") ? "" : dir) + "/" + name;
                    if (k.stat(t, p).isOk() && k.stat(t, p).stat().type() == Kernel.Stat.Type.REGULAR) {
                        k.unlink(t, p);
                    }
                }
            }
            k.exit(t);
            k.exit(nocap);
        }

        /**
         * The lesson's root as the model's next sequence starts: a sequence may have created files
         * and directories anywhere in it, removed the standard ones, or made one a file.
         */
        private static void restoreRoot(LinuxKernel live) {
            java.nio.file.Path root = java.nio.file.Path.of(live.workDir(), "root");
            try (var all = java.nio.file.Files.walk(root)) {
                for (java.nio.file.Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    if (!p.equals(root)) {
                        java.nio.file.Files.delete(p);
                    }
                }
                for (String d : List.of("tmp", "mnt", "etc", "var", "var/log")) {
                    java.nio.file.Path p = java.nio.file.Files.createDirectory(root.resolve(d));
                    java.nio.file.Files.setAttribute(p, "unix:mode", d.equals("tmp") ? 01777 : 0755);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static void pause() {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private String path(String p) {
            return p.replace("DISK", disk);
        }

        private static String r(SysResult r) {
            return r.isOk() ? "= " + r.value() : r.errno().name();
        }

        String apply(Step s) {
            try {
                return switch (s) {
                    case OpenPath o -> {
                        SysResult res = k.open(root, path(o.path()), o.flags());
                        if (res.isOk()) {
                            k.close(root, res.intValue());
                            yield "opened";
                        }
                        yield res.errno().name();
                    }
                    case StatPath st -> {
                        Kernel.StatResult res = k.stat(root, path(st.path()));
                        yield res.isOk() ? res.stat().type().toString() : res.errno().name();
                    }
                    case ListPath l -> {
                        Kernel.ListResult res = k.list(root, path(l.path()));
                        yield res.isOk() ? "listed" : res.errno().name();
                    }
                    case Pio p -> {
                        byte[] buf = new byte[p.len()];
                        for (int i = 0; i < buf.length; i++) {
                            buf[i] = (byte) (i * 7 + p.len());
                        }
                        int fd = fds.get(p.fd());
                        SysResult res = p.positioned()
                                ? (p.write() ? k.pwrite(root, fd, buf, 0, p.len(), p.pos()) : k.pread(root, fd, buf, 0, p.len(), p.pos()))
                                : (p.write() ? k.write(root, fd, buf, 0, p.len()) : k.read(root, fd, buf, 0, p.len()));
                        if (res.isOk() && !p.write() && (p.fd() == Fd.FILE || p.fd() == Fd.SYSFS)) {
                            // what a file of the lesson's root or a sysfs attribute holds must agree too
                            yield r(res) + " bytes " + java.util.Arrays.hashCode(java.util.Arrays.copyOf(buf, res.intValue()));
                        }
                        yield r(res);
                    }
                    case Seek sk -> {
                        SysResult res = k.lseek(root, fds.get(sk.fd()), sk.offset(), sk.whence());
                        yield sk.fd() == Fd.DISK || sk.fd() == Fd.PARTITION || res.isError() ? r(res) : "ok";
                    }
                    case Ctl c -> ioctl(c);
                    case Sync y -> r(y.data() ? k.fdatasync(root, fds.get(y.fd())) : k.fsync(root, fds.get(y.fd())));
                    case Trunc t -> r(k.ftruncate(root, fds.get(t.fd()), t.length()));
                    case Fstat st -> {
                        Kernel.StatResult res = k.fstat(root, fds.get(st.fd()));
                        yield res.isOk() ? res.stat().type().toString() : res.errno().name();
                    }
                    case Rmdir rd -> r(k.rmdir(root, path(rd.path())));
                    case Mkdir md -> r(k.mkdir(root, path(md.path()), 0755));
                    case Unlink ul -> r(k.unlink(root, path(ul.path())));
                    case Close c -> {
                        if (c.fd() == Fd.DISK || c.fd() == Fd.PARTITION) {
                            yield "kept";
                        }
                        SysResult res = k.close(root, fds.get(c.fd()));
                        if (res.isOk()) {
                            fds.put(c.fd(), closed);
                        }
                        yield r(res);
                    }
                };
            } catch (MisuseException e) {
                return "MisuseException: " + e.getMessage();
            }
        }

        private String ioctl(Ctl c) {
            IoctlArg arg = switch (c.arg()) {
                case IntCell cell -> new IntCell(cell.get());
                case LongCell cell -> new LongCell(cell.get());
                default -> c.arg();
            };
            SysResult res = c.nocap() ? k.ioctl(nocap, nocapFd, c.request(), arg)
                    : k.ioctl(root, fds.get(c.fd()), c.request(), arg);
            String cell = switch (arg) {
                case IntCell x -> " cell=" + x.get();
                case LongCell x -> " cell=" + x.get();
                default -> "";
            };
            if (res.isError()) {
                return res.errno().name();
            }
            return r(res) + cell;
        }
    }
}
