package blocksim.bench;

import blocksim.SimKernel;
import blocksim.api.DiskSpec;
import blocksim.api.Credentials;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long one block ioctl takes on the model, beside what the same call costs on the live kernel
 * (peers.md: BLKGETSIZE64 about 0.16 us, a BLKPG add refused with EBUSY about 0.23 us, BLKRRPART
 * with no parsers about 2 us, a BLKPG add+delete pair 25-45 us). The live side joins this class
 * with the native adapter; until then the numbers above are the comparison.
 *
 * <p>The trap: each call must change nothing that the next one sees, or the benchmark measures a
 * growing table. The add+delete pair restores the table; the refused add never changes it;
 * BLKRRPART on a disk without partitions and parsers drops nothing.
 *
 * <p>Run: {@code ./mvn25 -q -B install -DskipTests && (cd benchmarks && ../mvn25 -q -B package) &&
 * $JAVA_HOME/bin/java -jar benchmarks/target/benchmarks.jar BlockIoctlBench}
 *
 * <p>Recorded on the 2-core test machine (JDK 25, 1 fork, 3x1 s warm-up, 5x1 s measurement):
 * <pre>
 * Benchmark                           Mode  Cnt   Score    Error  Units
 * BlockIoctlBench.baseline            avgt    5  ≈ 10⁻³           us/op
 * BlockIoctlBench.blkgetsize64        avgt    5   0.007 ±  0.001  us/op
 * BlockIoctlBench.blkpgAddBusy        avgt    5   0.104 ±  0.428  us/op
 * BlockIoctlBench.blkpgAddDelete      avgt    5   0.099 ±  0.014  us/op
 * BlockIoctlBench.blkrrpartNoParsers  avgt    5   1.095 ±  0.208  us/op
 * </pre>
 * The refused add's error is wide on 2 cores (one noisy iteration); the add+delete pair costs the
 * model about 0.1 us against the kernel's 25-45 us, and BLKRRPART about as much as the kernel's
 * (the scan state of 256 slots is allocated on every call, as the kernel allocates it).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class BlockIoctlBench {

    private static final long MIB = 1 << 20;

    private SimKernel kernel;
    private Task task;
    private int fd;
    private final LongCell size = new LongCell();
    private final BlkpgIoctlArg add2 = BlkpgIoctlArg.add(2, 16 * MIB, MIB);
    private final BlkpgIoctlArg del2 = BlkpgIoctlArg.del(2);
    private final BlkpgIoctlArg overlapping = BlkpgIoctlArg.add(3, MIB, MIB);
    private int noParsersFd;
    private SimKernel noParsers;
    private Task noParsersTask;

    @Setup
    public void boot() {
        kernel = SimKernel.boot(Profile.LINUX_6_18, KernelConfig.defaults());
        kernel.diskAdd(DiskSpec.of("sda", 64 * MIB));
        task = kernel.spawn("bench", Credentials.ROOT);
        fd = kernel.open(task, "/dev/sda", OpenFlags.O_RDWR).intValue();
        check(kernel.ioctl(task, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, 8 * MIB)));
        noParsers = SimKernel.boot(Profile.LINUX_6_18, KernelConfig.noPartitionParsers());
        noParsers.diskAdd(DiskSpec.of("loop0", 64 * MIB));
        noParsersTask = noParsers.spawn("bench", Credentials.ROOT);
        noParsersFd = noParsers.open(noParsersTask, "/dev/loop0", OpenFlags.O_RDWR).intValue();
    }

    @TearDown
    public void shutdown() {
        kernel.close();
        noParsers.close();
    }

    private static void check(SysResult r) {
        if (r.isError()) {
            throw new IllegalStateException(r.toString());
        }
    }

    /** The cost of the harness: a field read. */
    @Benchmark
    public int baseline() {
        return fd;
    }

    @Benchmark
    public long blkgetsize64() {
        kernel.ioctl(task, fd, Ioctl.BLKGETSIZE64, size);
        return size.get();
    }

    @Benchmark
    public SysResult blkpgAddBusy() {
        return kernel.ioctl(task, fd, Ioctl.BLKPG, overlapping);
    }

    @Benchmark
    public SysResult blkpgAddDelete() {
        kernel.ioctl(task, fd, Ioctl.BLKPG, add2);
        return kernel.ioctl(task, fd, Ioctl.BLKPG, del2);
    }

    @Benchmark
    public SysResult blkrrpartNoParsers() {
        return noParsers.ioctl(noParsersTask, noParsersFd, Ioctl.BLKRRPART, IoctlArg.NULL);
    }
}
