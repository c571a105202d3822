package blocksim.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;



import blocksim.api.DiskSpec;
import blocksim.api.Errno;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.testing.Sim;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.BlkpgPartition;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Any sequence of BLKPG calls, with arguments drawn to hit every check, leaves the partition table
 * consistent, and each call's errno is the one the era's check order gives
 * (kernel-semantics.md section 2.2, confirmed on a live 6.18 kernel). A failing sequence is
 * reported as the strace-style trace of the calls made so far, which replays without jqwik.
 */
class BlkpgProperties {

    static final long MIB = 1 << 20;

    /** Who calls and how the argument looks. */
    enum Form { OK, NULL_ARG, NULL_DATA, NO_CAP, PARTITION_FD }

    /** One step of a sequence. */
    sealed interface Step permits Blkpg, OpenPart, CloseOne {
    }

    /** A BLKPG call. */
    record Blkpg(int op, int pno, long start, long length, Form form) implements Step {
        @Override
        public String toString() {
            return "ioctl(/dev/sda, BLKPG, {op=" + op + ", pno=" + pno + ", start=" + start + ", length=" + length
                    + "}" + (form == Form.OK ? "" : " as " + form) + ")";
        }
    }

    /** Open a partition (and keep it open). */
    record OpenPart(int pno, boolean excl) implements Step {
        @Override
        public String toString() {
            return "open(/dev/sda" + pno + (excl ? ", O_RDONLY|O_EXCL)" : ", O_RDONLY)");
        }
    }

    /** Close the oldest file still open. */
    record CloseOne() implements Step {
        @Override
        public String toString() {
            return "close(oldest)";
        }
    }

    @Provide
    Arbitrary<Long> bytes() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 80).map(n -> n * 512 * 1024),
                Arbitraries.longs().between(0, 160).map(n -> n * 512),
                Arbitraries.of(-512L, -1L, 0L, 100L, 4096L, 8 * MIB, 16 * MIB, 16 * MIB - 512, 16 * MIB - 4096,
                        16 * MIB + 512, Long.MAX_VALUE, Long.MAX_VALUE - 511, Long.MIN_VALUE));
    }

    @Provide
    Arbitrary<Integer> pnos() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(-1, 300),
                Arbitraries.of(0, 15, 16, 255, 256));
    }

    @Provide
    Arbitrary<Step> steps() {
        Arbitrary<Step> blkpg = Combinators.combine(
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(5, Arbitraries.just(BlkpgIoctlArg.ADD_PARTITION)),
                        net.jqwik.api.Tuple.of(3, Arbitraries.just(BlkpgIoctlArg.DEL_PARTITION)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(BlkpgIoctlArg.RESIZE_PARTITION)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.of(0, 4, -1))),
                pnos(), bytes(), bytes(),
                Arbitraries.frequency(net.jqwik.api.Tuple.of(12, Form.OK), net.jqwik.api.Tuple.of(1, Form.NULL_ARG),
                        net.jqwik.api.Tuple.of(1, Form.NULL_DATA), net.jqwik.api.Tuple.of(1, Form.NO_CAP),
                        net.jqwik.api.Tuple.of(1, Form.PARTITION_FD)))
                .as((op, pno, start, length, form) -> (Step) new Blkpg(op, pno, start, length, form));
        Arbitrary<Step> open = Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.of(true, false))
                .as((pno, excl) -> (Step) new OpenPart(pno, excl));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, blkpg),
                net.jqwik.api.Tuple.of(2, open),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new CloseOne())));
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void blkpgFollowsTheCheckOrderOf618(@ForAll @Size(max = 32) List<@From("steps") Step> steps,
                                        @ForAll("sectorSizes") int sectorSize) {
        run(Profile.LINUX_6_18, sectorSize, steps);
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void blkpgFollowsTheCheckOrderOf2632(@ForAll @Size(max = 32) List<@From("steps") Step> steps) {
        run(Profile.LINUX_2_6_32, 512, steps);
    }

    @Provide
    Arbitrary<Integer> sectorSizes() {
        return Arbitraries.of(512, 4096);
    }

    /** The reference table: partition number to (start, size) in sectors, plus who holds it open. */
    record Part(long start, long size) {
    }

    private void run(Profile profile, int sectorSize, List<Step> steps) {
        try (Sim sim = new Sim(profile)) {
            sim.disk(DiskSpec.of("sda", 16 * MIB).withSectorSize(sectorSize));
            long capacity = 16 * MIB / 512;
            Task nocap = sim.rootWithoutCaps();
            int fd = sim.openRw("/dev/sda");
            int nocapFd = sim.open(nocap, "/dev/sda", OpenFlags.O_RDWR);
            TreeMap<Integer, Part> model = new TreeMap<>();
            TreeMap<Integer, Integer> openCount = new TreeMap<>();
            List<int[]> openFiles = new ArrayList<>();
            List<String> trace = new ArrayList<>();
            for (Step step : steps) {
                switch (step) {
                    case Blkpg b -> {
                        Errno expected = (profile == Profile.LINUX_6_18)
                                ? expect618(b, model, openCount, capacity, sectorSize)
                                : expect2632(b, model, openCount);
                        SysResult r = call(sim, nocap, fd, nocapFd, b, model);
                        trace.add(b + " " + r);
                        if (r.errno() != expected) {
                            fail("expected " + expected + " for the last call of:\n  " + String.join("\n  ", trace));
                        }
                        if (r.isOk()) {
                            apply(b, model, profile);
                        }
                    }
                    case OpenPart o -> {
                        SysResult r = sim.kernel.open(sim.root, "/dev/sda" + o.pno(),
                                OpenFlags.O_RDONLY | (o.excl() ? OpenFlags.O_EXCL : 0));
                        trace.add(o + " " + r);
                        if (r.isOk()) {
                            openFiles.add(new int[] {r.intValue(), o.pno()});
                            openCount.merge(o.pno(), 1, Integer::sum);
                        }
                    }
                    case CloseOne c -> {
                        if (!openFiles.isEmpty()) {
                            int[] f = openFiles.removeFirst();
                            sim.kernel.close(sim.root, f[0]);
                            openCount.merge(f[1], -1, Integer::sum);
                            trace.add("close(" + f[0] + ") = 0");
                        }
                    }
                }
                checkInvariants(sim, profile, model, capacity, trace);
            }
            for (int[] f : openFiles) {
                sim.kernel.close(sim.root, f[0]);
            }
            sim.kernel.close(sim.root, fd);
            sim.kernel.close(nocap, nocapFd);
            assertEquals(0, sim.bdev("sda").openers(), "whole-disk openers after every close");
            assertEquals(0, sim.gendisk("sda").openPartitions());
            assertEquals(0, sim.bdev("sda").partCount());
            assertEquals(0, sim.bdev("sda").holders());
        }
    }

    private static SysResult call(Sim sim, Task nocap, int fd, int nocapFd, Blkpg b, TreeMap<Integer, Part> model) {
        BlkpgIoctlArg arg = new BlkpgIoctlArg(b.op(), 0, BlkpgPartition.SIZE,
                b.form() == Form.NULL_DATA ? null : new BlkpgPartition(b.start(), b.length(), b.pno()));
        return switch (b.form()) {
            case NULL_ARG -> sim.kernel.ioctl(sim.root, fd, Ioctl.BLKPG, IoctlArg.NULL);
            case NO_CAP -> sim.kernel.ioctl(nocap, nocapFd, Ioctl.BLKPG, arg);
            case PARTITION_FD -> {
                Integer openable = openable(model);
                if (openable == null) {
                    yield sim.kernel.ioctl(sim.root, fd, Ioctl.BLKPG, arg);
                }
                int p = sim.open("/dev/sda" + openable, OpenFlags.O_RDONLY);
                SysResult r = sim.kernel.ioctl(sim.root, p, Ioctl.BLKPG, arg);
                sim.kernel.close(sim.root, p);
                yield r;
            }
            default -> sim.kernel.ioctl(sim.root, fd, Ioctl.BLKPG, arg);
        };
    }

    /** The first partition an open can succeed on (one with sectors), or null. */
    static Integer openable(TreeMap<Integer, Part> parts) {
        return parts.entrySet().stream().filter(e -> e.getValue().size() != 0).map(e -> e.getKey())
                .findFirst().orElse(null);
    }

    /** 6.18 block/ioctl.c:blkpg_ioctl + blkpg_do_ioctl + core.c, as kernel-semantics.md 2.2 orders it. */
    static Errno expect618(Blkpg b, TreeMap<Integer, Part> parts, TreeMap<Integer, Integer> open, long capacity, int lbs) {
        if (b.form() == Form.NULL_ARG) {
            return Errno.EFAULT;
        }
        if (b.form() == Form.NO_CAP) {
            return Errno.EACCES;
        }
        if (b.form() == Form.NULL_DATA) {
            return Errno.EFAULT;
        }
        if (b.form() == Form.PARTITION_FD && openable(parts) != null) {
            return Errno.EINVAL;
        }
        if (b.pno() <= 0) {
            return Errno.EINVAL;
        }
        if (b.op() == BlkpgIoctlArg.DEL_PARTITION) {
            if (!parts.containsKey(b.pno())) {
                return Errno.ENXIO;
            }
            return open.getOrDefault(b.pno(), 0) > 0 ? Errno.EBUSY : null;
        }
        if (b.start() < 0 || b.length() <= 0 || Long.MAX_VALUE - b.length() < b.start()) {
            return Errno.EINVAL;
        }
        if (b.start() % lbs != 0 || b.length() % lbs != 0) {
            return Errno.EINVAL;
        }
        long s = b.start() >> 9;
        long l = b.length() >> 9;
        if (s >= capacity || s + l > capacity) {
            return Errno.EINVAL;
        }
        if (b.op() == BlkpgIoctlArg.ADD_PARTITION) {
            if (overlaps618(parts, s, l, -1)) {
                return Errno.EBUSY;
            }
            if (b.pno() >= 256) {
                return Errno.EINVAL;
            }
            return parts.containsKey(b.pno()) ? Errno.EBUSY : null;
        }
        if (b.op() == BlkpgIoctlArg.RESIZE_PARTITION) {
            Part p = parts.get(b.pno());
            if (p == null) {
                return Errno.ENXIO;
            }
            if (p.start() != s) {
                return Errno.EINVAL;
            }
            return overlaps618(parts, s, l, b.pno()) ? Errno.EBUSY : null;
        }
        return Errno.EINVAL;
    }

    static boolean overlaps618(TreeMap<Integer, Part> parts, long s, long l, int skip) {
        return parts.entrySet().stream().anyMatch(e -> e.getKey() != skip
                && s < e.getValue().start() + e.getValue().size() && s + l > e.getValue().start());
    }

    /** 2.6.32 block/ioctl.c:blkpg_ioctl as kernel-semantics.md 2.2 orders it (64-bit kernel, sd disk). */
    static Errno expect2632(Blkpg b, TreeMap<Integer, Part> parts, TreeMap<Integer, Integer> open) {
        if (b.form() == Form.NO_CAP) {
            return Errno.EACCES;
        }
        if (b.form() == Form.NULL_ARG || b.form() == Form.NULL_DATA) {
            return Errno.EFAULT;
        }
        if (b.form() == Form.PARTITION_FD && openable(parts) != null) {
            return Errno.EINVAL;
        }
        if (b.pno() <= 0) {
            return Errno.EINVAL;
        }
        if (b.op() == BlkpgIoctlArg.ADD_PARTITION) {
            long s = b.start() >> 9;
            long l = b.length() >> 9;
            for (Part p : parts.values()) {
                boolean clear = Long.compareUnsigned(s + l, p.start()) <= 0
                        || Long.compareUnsigned(s, p.start() + p.size()) >= 0;
                if (!clear) {
                    return Errno.EBUSY;
                }
            }
            if (b.pno() + 1 > 256) {
                return Errno.EINVAL;
            }
            return parts.containsKey(b.pno()) ? Errno.EBUSY : null;
        }
        if (b.op() == BlkpgIoctlArg.DEL_PARTITION) {
            if (!parts.containsKey(b.pno())) {
                return Errno.ENXIO;
            }
            return open.getOrDefault(b.pno(), 0) > 0 ? Errno.EBUSY : null;
        }
        return Errno.EINVAL;
    }

    private static void apply(Blkpg b, TreeMap<Integer, Part> parts, Profile profile) {
        long s = (profile == Profile.LINUX_6_18) ? b.start() >>> 9 : b.start() >> 9;
        long l = (profile == Profile.LINUX_6_18) ? b.length() >>> 9 : b.length() >> 9;
        switch (b.op()) {
            case BlkpgIoctlArg.ADD_PARTITION -> parts.put(b.pno(), new Part(s, l));
            case BlkpgIoctlArg.DEL_PARTITION -> parts.remove(b.pno());
            case BlkpgIoctlArg.RESIZE_PARTITION -> parts.put(b.pno(), new Part(s, l));
            default -> throw new IllegalStateException("op " + b.op() + " succeeded");
        }
    }

    /** After every step: the kernel's table equals the reference one; 6.18 partitions lie inside the disk, disjoint. */
    private static void checkInvariants(Sim sim, Profile profile, TreeMap<Integer, Part> model, long capacity,
                                        List<String> trace) {
        TreeMap<Integer, Part> actual = new TreeMap<>();
        for (BlockDevice p : sim.gendisk("sda").partitions()) {
            actual.put(p.partno(), new Part(p.startSect(), p.nrSects()));
        }
        assertEquals(model, actual, () -> "partition table after:\n  " + String.join("\n  ", trace));
        if ((profile == Profile.LINUX_6_18)) {
            List<Part> ps = new ArrayList<>(actual.values());
            for (int i = 0; i < ps.size(); i++) {
                Part a = ps.get(i);
                assertTrue(a.size() > 0 && a.start() >= 0 && a.start() + a.size() <= capacity, "inside the disk: " + a);
                for (int j = i + 1; j < ps.size(); j++) {
                    Part c = ps.get(j);
                    assertTrue(a.start() + a.size() <= c.start() || c.start() + c.size() <= a.start(),
                            "disjoint: " + a + " " + c);
                }
            }
        }
    }

}
