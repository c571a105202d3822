package blocksim.linux;


import blocksim.api.Kernel;
import blocksim.SimKernel;
import blocksim.api.DiskSpec;
import blocksim.api.Credentials;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.BlkpgPartition;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.Loop;
import blocksim.uapi.LoopInfo64;
import blocksim.uapi.OpenFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Assumptions;

/**
 * The model against the live kernel: the same random sequence of calls (BLKPG with arguments drawn
 * to hit every check, opens and closes with and without O_EXCL, BLKRRPART, the size, block-size and
 * read-only ioctls, writes, calls without CAP_SYS_ADMIN, the loop driver's LOOP_SET_STATUS64 window,
 * LOOP_GET_STATUS64, LOOP_SET_CAPACITY, LOOP_SET_BLOCK_SIZE and LOOP_SET_DIRECT_IO) runs on a fresh model and on a real loop
 * device, on 512- and 4096-byte-sector disks and on a loop device without partition scanning. After
 * every step both must have answered with the same errno (and value) and hold the same partition
 * table (number, start, size, read-only). A failure prints the calls made so far, which replay by
 * hand or through {@link ContractTests}' fixture.
 */
class DifferentialProperties {

    static final long MIB = 1 << 20;
    static final long DISK = 16 * MIB;

    /** The three disks, by the name both kernels know them by. */
    static final Map<String, DiskSpec> DISKS = Map.of(
            "loop0", DiskSpec.of("loop0", DISK),
            "loop1", DiskSpec.of("loop1", DISK).withSectorSize(4096),
            "loop2", DiskSpec.of("loop2", DISK).withPartscan(false));

    private static final SharedLive LIVE = new SharedLive("differential", DISKS);

    @AfterContainer
    static void closeLive() {
        LIVE.close();
    }

    /** Who calls and how the BLKPG argument looks. */
    enum Form { OK, NULL_ARG, NULL_DATA, NO_CAP, PARTITION_FD }

    sealed interface Step permits Blkpg, Open, Close, Reread, Query, SetRo, Write, LoopCtl {
    }

    record Blkpg(int op, int pno, long start, long length, Form form) implements Step {
        @Override
        public String toString() {
            String o = switch (op) {
                case 1 -> "BLKPG_ADD_PARTITION";
                case 2 -> "BLKPG_DEL_PARTITION";
                case 3 -> "BLKPG_RESIZE_PARTITION";
                default -> "op " + op;
            };
            return "ioctl(disk, BLKPG, {" + o + ", pno=" + pno + ", start=" + start + ", length=" + length + "})"
                    + (form == Form.OK ? "" : " [" + form + "]");
        }
    }

    record Open(int part, boolean excl, boolean write) implements Step {
        @Override
        public String toString() {
            return "open(" + (part == 0 ? "disk" : "partition " + part) + ", " + (write ? "O_RDWR" : "O_RDONLY")
                    + (excl ? "|O_EXCL" : "") + ")";
        }
    }

    record Close(int index) implements Step {
        @Override
        public String toString() {
            return "close(open file #" + index + ")";
        }
    }

    record Reread(boolean nocap) implements Step {
        @Override
        public String toString() {
            return "ioctl(disk, BLKRRPART)" + (nocap ? " [NO_CAP]" : "");
        }
    }

    record Query(long cmd, int index) implements Step {
        @Override
        public String toString() {
            return "ioctl(open file #" + index + ", " + Ioctl.name(cmd) + ")";
        }
    }

    record SetRo(int index, int value, boolean nocap) implements Step {
        @Override
        public String toString() {
            return "ioctl(open file #" + index + ", BLKROSET, " + value + ")" + (nocap ? " [NO_CAP]" : "");
        }
    }

    record Write(int index, long pos) implements Step {
        @Override
        public String toString() {
            return "pwrite(open file #" + index + ", 512 bytes, " + pos + ")";
        }
    }

    /** A loop driver request on an open file: the kind, its number (a size, an offset, a switch) and a second. */
    record LoopCtl(String kind, long value, long second, int index) implements Step {
        @Override
        public String toString() {
            return switch (kind) {
                case "status" -> "ioctl(open file #" + index + ", LOOP_SET_STATUS64, {lo_offset=" + value
                        + ", lo_sizelimit=" + second + ", lo_flags as they are})";
                case "get" -> "ioctl(open file #" + index + ", LOOP_GET_STATUS64)";
                case "capacity" -> "ioctl(open file #" + index + ", LOOP_SET_CAPACITY)";
                case "bsize" -> "ioctl(open file #" + index + ", LOOP_SET_BLOCK_SIZE, " + value + ")";
                default -> "ioctl(open file #" + index + ", LOOP_SET_DIRECT_IO, " + value + ")";
            };
        }
    }

    @Provide
    Arbitrary<Long> bytes() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 32).map(n -> n * 512 * 1024),
                Arbitraries.longs().between(0, 80).map(n -> n * 512),
                Arbitraries.of(-512L, -4096L, 0L, 100L, 4096L, 1L << 20, DISK, DISK - 512, DISK - 4096, DISK + 512,
                        DISK - 2 * MIB, Long.MAX_VALUE, Long.MAX_VALUE - 511));
    }

    @Provide
    Arbitrary<Step> steps() {
        Arbitrary<Integer> pno = Arbitraries.oneOf(Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(-1, 300), Arbitraries.of(0, 15, 16, 255, 256));
        Arbitrary<Step> blkpg = Combinators.combine(
                Arbitraries.frequency(Tuple.of(6, 1), Tuple.of(3, 2), Tuple.of(3, 3), Tuple.of(1, 0), Tuple.of(1, 4)),
                pno, bytes(), bytes(),
                Arbitraries.frequency(Tuple.of(10, Form.OK), Tuple.of(1, Form.NULL_ARG), Tuple.of(1, Form.NULL_DATA),
                        Tuple.of(1, Form.NO_CAP), Tuple.of(1, Form.PARTITION_FD)))
                .as((op, p, s, l, f) -> (Step) new Blkpg(op, p, s, l, f));
        Arbitrary<Step> open = Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as((p, e, w) -> (Step) new Open(p, e, w));
        Arbitrary<Step> close = Arbitraries.integers().between(0, 7).map(i -> (Step) new Close(i));
        Arbitrary<Step> reread = Arbitraries.of(false, false, false, true).map(n -> (Step) new Reread(n));
        Arbitrary<Step> query = Combinators.combine(Arbitraries.of(Ioctl.BLKGETSIZE64, Ioctl.BLKGETSIZE, Ioctl.BLKSSZGET,
                Ioctl.BLKBSZGET, Ioctl.BLKROGET, Ioctl.BLKPBSZGET), Arbitraries.integers().between(0, 7))
                .as((c, i) -> (Step) new Query(c, i));
        Arbitrary<Step> setro = Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.of(0, 1),
                Arbitraries.of(false, false, true)).as((i, v, n) -> (Step) new SetRo(i, v, n));
        Arbitrary<Step> write = Combinators.combine(Arbitraries.integers().between(0, 7),
                Arbitraries.of(0L, 512L, 4096L, 1L << 20, DISK - 512, DISK)).as((i, p) -> (Step) new Write(i, p));
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 7);
        Arbitrary<Step> loop = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of(0L, 512L, MIB, DISK + 512), Arbitraries.of(0L, 4 * MIB, 8 * MIB + 100), any)
                        .as((o, l, i) -> (Step) new LoopCtl("status", o, l, i)),
                any.map(i -> (Step) new LoopCtl("get", 0, 0, i)),
                any.map(i -> (Step) new LoopCtl("capacity", 0, 0, i)),
                // none above the page size: the live 6.18.44 takes 8 KiB and 64 KiB, and then fails buffered
                // I/O smaller than the block with EIO (and "Buffer I/O error ... lost async page write"),
                // depending on what the page cache holds; the model does not model that yet
                Combinators.combine(Arbitraries.of(0L, 512L, 1000L, 1024L, 2048L, 4096L, 131072L), any)
                        .as((v, i) -> (Step) new LoopCtl("bsize", v, 0, i)),
                Combinators.combine(Arbitraries.of(0L, 1L), any).as((v, i) -> (Step) new LoopCtl("dio", v, 0, i)));
        return Arbitraries.frequencyOf(Tuple.of(10, blkpg), Tuple.of(4, open), Tuple.of(2, close), Tuple.of(2, reread),
                Tuple.of(2, query), Tuple.of(2, setro), Tuple.of(1, write), Tuple.of(3, loop));
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.MIXIN, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void theModelAnswersAsTheLiveKernel(@ForAll @Size(32) List<@From("steps") Step> sequence,
                                        @ForAll("diskNames") String disk) {
        LinuxKernel linux = LIVE.get();
        try (SimKernel sim = SimKernel.boot(Profile.LINUX_6_18, KernelConfig.noPartitionParsers())) {
            sim.diskAdd(DISKS.get(disk));
            Side a = new Side(sim, disk);
            Side b = new Side(linux, disk);
            b.reset();
            try {
                LIVE.steps += Live.lockstep(disk, sequence, sim, a.root, a::apply, linux, b.root, b::apply);
                LIVE.sequences++;
            } finally {
                b.cleanup();
            }
        }
    }

    @Provide
    Arbitrary<String> diskNames() {
        return Arbitraries.of("loop0", "loop1", "loop2");
    }

    /** One kernel's side of the comparison: its tasks, its disk fd and the files the sequence opened. */
    static final class Side {
        final Kernel k;
        final String disk;
        final Task root;
        final Task nocap;
        final int fd;
        final int nocapFd;
        final List<Integer> files = new ArrayList<>();

        Side(Kernel k, String disk) {
            this.k = k;
            this.disk = disk;
            this.root = k.spawn("diff", Credentials.ROOT);
            this.nocap = k.spawn("diff-nocap", new Credentials("root", 0, 0, false));
            this.fd = k.open(root, "/dev/" + disk, OpenFlags.O_RDWR).intValue();
            this.nocapFd = k.open(nocap, "/dev/" + disk, OpenFlags.O_RDWR).intValue();
        }

        /** Brings the live disk back to no partitions and read-write (the model starts fresh). */
        void reset() {
            for (int pno : Live.table(k, root, disk).keySet()) {
                k.ioctl(root, fd, Ioctl.BLKPG, BlkpgIoctlArg.del(pno));
            }
            k.ioctl(root, fd, Ioctl.BLKROSET, new IntCell(0));
            // what the loop steps change on the shared live device: its window, block size and DIO
            LoopInfo64 info = new LoopInfo64();
            if (k.ioctl(root, fd, Loop.LOOP_GET_STATUS64, info).isOk() && (info.offset != 0 || info.sizelimit != 0)) {
                info.offset = 0;
                info.sizelimit = 0;
                k.ioctl(root, fd, Loop.LOOP_SET_STATUS64, info);
            }
            k.ioctl(root, fd, Loop.LOOP_SET_BLOCK_SIZE, new IoctlArg.Value(DISKS.get(disk).sectorSize()));
            k.ioctl(root, fd, Loop.LOOP_SET_DIRECT_IO, new IoctlArg.Value(0));
            // the soft block size was set at the first open from the size then (set_init_blocksize,
            // measured: 512 after an offset of 512); a fresh model device has 4096
            k.ioctl(root, fd, Ioctl.BLKBSZSET, new IntCell(4096));
            Assumptions.assumeTrue(Live.table(k, root, disk).isEmpty(), "the live disk could be reset");
        }

        void cleanup() {
            k.exit(root);
            k.exit(nocap);
        }

        private static String r(SysResult r) {
            return r.isOk() ? "0" : r.errno().name();
        }

        String apply(Step s) {
            return switch (s) {
                case Blkpg b -> blkpg(b);
                case Open o -> {
                    String path = "/dev/" + disk + (o.part() == 0 ? "" : "p" + o.part());
                    SysResult res = k.open(root, path, (o.write() ? OpenFlags.O_RDWR : OpenFlags.O_RDONLY)
                            | (o.excl() ? OpenFlags.O_EXCL : 0));
                    if (res.isOk()) {
                        files.add(res.intValue());
                    }
                    yield res.isOk() ? "opened" : res.errno().name();
                }
                case Close c -> {
                    if (files.isEmpty()) {
                        yield "nothing open";
                    }
                    int f = files.remove(c.index() % files.size());
                    yield r(k.close(root, f));
                }
                case Reread rr -> rr.nocap() ? r(k.ioctl(nocap, nocapFd, Ioctl.BLKRRPART, IoctlArg.NULL))
                        : r(k.ioctl(root, fd, Ioctl.BLKRRPART, IoctlArg.NULL));
                case Query q -> {
                    int f = pick(q.index());
                    boolean wide = q.cmd() == Ioctl.BLKGETSIZE64 || q.cmd() == Ioctl.BLKGETSIZE;
                    if (wide) {
                        LongCell c = new LongCell();
                        SysResult res = k.ioctl(root, f, q.cmd(), c);
                        yield res.isOk() ? Long.toUnsignedString(c.get()) : res.errno().name();
                    }
                    IntCell c = new IntCell();
                    SysResult res = k.ioctl(root, f, q.cmd(), c);
                    yield res.isOk() ? Integer.toString(c.get()) : res.errno().name();
                }
                case SetRo sr -> sr.nocap() ? r(k.ioctl(nocap, nocapFd, Ioctl.BLKROSET, new IntCell(sr.value())))
                        : r(k.ioctl(root, pick(sr.index()), Ioctl.BLKROSET, new IntCell(sr.value())));
                case Write w -> {
                    SysResult res = k.pwrite(root, pick(w.index()), new byte[512], 0, 512, w.pos());
                    yield res.isOk() ? "wrote " + res.value() : res.errno().name();
                }
                case LoopCtl l -> loop(l);
            };
        }

        private String loop(LoopCtl l) {
            int f = pick(l.index());
            return switch (l.kind()) {
                case "status" -> {
                    LoopInfo64 info = new LoopInfo64();
                    SysResult g = k.ioctl(root, f, Loop.LOOP_GET_STATUS64, info);
                    if (g.isError()) {
                        yield "get " + g.errno().name();
                    }
                    info.offset = l.value();
                    info.sizelimit = l.second();
                    yield r(k.ioctl(root, f, Loop.LOOP_SET_STATUS64, info));
                }
                case "get" -> {
                    LoopInfo64 info = new LoopInfo64();
                    SysResult g = k.ioctl(root, f, Loop.LOOP_GET_STATUS64, info);
                    yield g.isError() ? g.errno().name() : "number=" + info.number + " offset=" + info.offset
                            + " sizelimit=" + info.sizelimit + " flags=" + info.flags + " name=" + info.fileNameString();
                }
                case "capacity" -> r(k.ioctl(root, f, Loop.LOOP_SET_CAPACITY, IoctlArg.NULL));
                case "bsize" -> r(k.ioctl(root, f, Loop.LOOP_SET_BLOCK_SIZE, new IoctlArg.Value(l.value())));
                default -> r(k.ioctl(root, f, Loop.LOOP_SET_DIRECT_IO, new IoctlArg.Value(l.value())));
            };
        }

        /** An open file by index, or the disk's own fd when none is open. */
        private int pick(int index) {
            return files.isEmpty() ? fd : files.get(index % files.size());
        }

        private String blkpg(Blkpg b) {
            BlkpgIoctlArg arg = new BlkpgIoctlArg(b.op(), 0, BlkpgPartition.SIZE,
                    b.form() == Form.NULL_DATA ? null : new BlkpgPartition(b.start(), b.length(), b.pno()));
            return switch (b.form()) {
                case NULL_ARG -> r(k.ioctl(root, fd, Ioctl.BLKPG, IoctlArg.NULL));
                case NO_CAP -> r(k.ioctl(nocap, nocapFd, Ioctl.BLKPG, arg));
                case PARTITION_FD -> {
                    TreeMap<Integer, Live.Part> t = Live.table(k, root, disk);
                    if (t.isEmpty()) {
                        yield r(k.ioctl(root, fd, Ioctl.BLKPG, arg));
                    }
                    SysResult o = k.open(root, "/dev/" + disk + "p" + t.firstKey(), OpenFlags.O_RDONLY);
                    if (o.isError()) {
                        yield "open " + o.errno().name();
                    }
                    SysResult res = k.ioctl(root, o.intValue(), Ioctl.BLKPG, arg);
                    k.close(root, o.intValue());
                    yield r(res);
                }
                default -> r(k.ioctl(root, fd, Ioctl.BLKPG, arg));
            };
        }
    }
}
