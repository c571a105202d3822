package blocksim.bench;

import blocksim.SimKernel;
import blocksim.api.DiskSpec;
import blocksim.api.Credentials;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.linux.LinuxKernel;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.Ioctl;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one ioctl costs through the native adapter ({@link LinuxKernel}, java.lang.foreign on the
 * running kernel), beside the same call from C ({@code benchmarks/c/blkgetsize64.c}) and on the
 * model. The goal it checks: an adapter call costs within 2x of the same call from C.
 *
 * <p>The call is BLKGETSIZE64 on a partition's descriptor: it changes nothing, so every call sees
 * what the last one saw, and it is an OUT request, so the adapter does not re-check the loop
 * device's binding (LOOP_GET_STATUS64) first; what is measured is the adapter's own path (task
 * table, fd table, the uapi's description of the request, laying out the argument, the downcall
 * with errno captured, copying the result back) around one system call. The model gets the same
 * disk and partition, booted without partition parsers, as the adapter's loop device is bound with
 * nothing on it to parse.
 *
 * <p>Needs root and the loop driver (the adapter creates a loop device of its own, removed by
 * {@link LinuxKernel#close()}); without them the adapter benchmark fails in setup with
 * {@link LinuxKernel#unavailableReason()}.
 *
 * <p>Run (as root): {@code ./mvn25 -q -B install -DskipTests && (cd benchmarks && ../mvn25 -q -B
 * package) && $JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED -jar
 * benchmarks/target/benchmarks.jar AdapterIoctlBench}; the C side: {@code benchmarks/c/README.md}.
 *
 * <p>Recorded on the 2-core test machine (Linux 6.18 VM, JDK 25, 1 fork, 3x1 s warm-up, 5x1 s
 * measurement), with the C program run just before on a loop device partition of the same size:
 * <pre>
 * Benchmark                                Mode  Cnt  Score   Error  Units
 * AdapterIoctlBench.baseline               avgt    5  0.001 ± 0.001  us/op
 * AdapterIoctlBench.blkgetsize64Model      avgt    5  0.016 ± 0.009  us/op
 * AdapterIoctlBench.blkgetsize64Partition  avgt    5  0.486 ± 0.069  us/op
 *
 * C, blkgetsize64.c /dev/loop0p1 1000000:  median 328.4 ns/call (rounds 324-333),
 *                                          again 330.8 ns/call (rounds 323-333)
 * adapter / C = 0.486 us / 0.330 us = 1.47  (goal: within 2x)
 * </pre>
 * The machine is a shared VM and both sides drift with it: over ten runs in one hour the adapter
 * measured 0.486-0.627 us (the wide errors, up to ±0.39, when other tests were running) and the C
 * program 328-450 ns; C and adapter run back to back gave 1.13-1.47. A perf profile of the
 * benchmark thread puts about 80% of an adapter call in the kernel and libc's ioctl, and about 20%
 * (some 100 ns) in Java: the adapter's lookups (the task's table, its fd table and the uapi's description
 * of the request: three TreeMaps with boxed keys), the capturing lambda given to {@code Identity.run} (56
 * bytes allocated per call), laying out the argument and copying it back; the downcall itself
 * with its errno capture costs about what C's call does (a bare loop of it measured as C did).
 * Part of the gap is not the adapter's: the JVM has many threads, so the kernel's
 * {@code fdget} takes and {@code fput} drops a reference on every call, which a single-threaded C
 * program skips; the same C loop with one idle second thread measured about 70 ns more per call
 * (350 against 420 ns). The model answers in 0.016 us, 20-30 times faster than either.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AdapterIoctlBench {

    private static final long MIB = 1 << 20;

    /** The live kernel through the adapter: a loop device named sda with partition 1. */
    @State(Scope.Thread)
    public static class Adapter {
        LinuxKernel kernel;
        Task task;
        int partFd;
        final LongCell size = new LongCell();

        @Setup(Level.Trial)
        public void start() {
            String reason = LinuxKernel.unavailableReason();
            if (reason != null) {
                throw new IllegalStateException("AdapterIoctlBench: the native adapter cannot run here: " + reason);
            }
            kernel = LinuxKernel.start();
            try {
                partFd = setUp(kernel, t -> task = t);
            } catch (RuntimeException e) {
                kernel.close();
                kernel = null;
                throw e;
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (kernel != null) {
                kernel.close();
            }
        }
    }

    /** The model, set up the same way. */
    @State(Scope.Thread)
    public static class Model {
        SimKernel kernel;
        Task task;
        int partFd;
        final LongCell size = new LongCell();

        @Setup(Level.Trial)
        public void boot() {
            kernel = SimKernel.boot(Profile.LINUX_6_18, KernelConfig.noPartitionParsers());
            partFd = setUp(kernel, t -> task = t);
        }

        @TearDown(Level.Trial)
        public void stop() {
            kernel.close();
        }
    }

    /**
     * Adds sda (64 MiB), spawns a root task, adds partition 1 (8 MiB at 1 MiB) through
     * /dev/sda and returns the task's O_RDONLY descriptor of /dev/sda1.
     */
    static int setUp(blocksim.api.Host k, java.util.function.Consumer<Task> taskOut) {
        k.diskAdd(DiskSpec.of("sda", 64 * MIB));
        Task t = k.spawn("bench", Credentials.ROOT);
        taskOut.accept(t);
        int fd = check(k.open(t, "/dev/sda", OpenFlags.O_RDWR), "open /dev/sda").intValue();
        check(k.ioctl(t, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, 8 * MIB)), "BLKPG add sda1");
        int part = check(k.open(t, "/dev/sda1", OpenFlags.O_RDONLY), "open /dev/sda1").intValue();
        LongCell c = new LongCell();
        check(k.ioctl(t, part, Ioctl.BLKGETSIZE64, c), "BLKGETSIZE64 sda1");
        if (c.get() != 8 * MIB) {
            throw new IllegalStateException(k.name() + ": sda1 is " + c.get() + " bytes, not " + 8 * MIB);
        }
        return part;
    }

    private static SysResult check(SysResult r, String what) {
        if (r.isError()) {
            throw new IllegalStateException(what + ": " + r);
        }
        return r;
    }

    /** The cost of the harness: a field read. */
    @Benchmark
    public int baseline(Model m) {
        return m.partFd;
    }

    @Benchmark
    public long blkgetsize64Partition(Adapter a) {
        a.kernel.ioctl(a.task, a.partFd, Ioctl.BLKGETSIZE64, a.size);
        return a.size.get();
    }

    @Benchmark
    public long blkgetsize64Model(Model m) {
        m.kernel.ioctl(m.task, m.partFd, Ioctl.BLKGETSIZE64, m.size);
        return m.size.get();
    }
}
