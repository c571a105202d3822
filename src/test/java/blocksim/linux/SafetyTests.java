package blocksim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Kernel;
import blocksim.api.DiskSpec;
import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The native adapter touches only what it created and leaves nothing behind: not after close, not
 * after an exception half-way through a run, not when the JVM exits without closing it.
 */
class SafetyTests {

    static final long MIB = 1 << 20;

    @BeforeEach
    void needsTheLiveKernel() {
        Live.assumeAvailable();
    }

    /** Whether loop device {@code real} is still bound (its size in sysfs is not 0). */
    static boolean bound(String real) throws IOException {
        Path size = Path.of("/sys/block", real, "size");
        return Files.exists(size) && !Files.readString(size).strip().equals("0");
    }

    @Test
    void aRunKilledHalfWayByAnExceptionLeavesNothingBehind() throws IOException {
        LinuxKernel[] seen = new LinuxKernel[1];
        Map<String, String> loops;
        RuntimeException e = assertThrows(RuntimeException.class, () -> {
            try (LinuxKernel k = LinuxKernel.start()) {
                seen[0] = k;
                k.diskAdd(DiskSpec.of("sda", 16 * MIB));
                k.diskAdd(DiskSpec.of("loop0", 16 * MIB).withPartscan(false));
                Task t = k.spawn("test", Credentials.ROOT);
                int fd = k.open(t, "/dev/sda", OpenFlags.O_RDWR).intValue();
                k.ioctl(t, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, MIB));
                int l = k.open(t, "/dev/loop0", OpenFlags.O_RDWR).intValue();
                k.ioctl(t, l, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, MIB));
                k.open(t, "/dev/sda1", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
                throw new RuntimeException("a tool crashed half-way");
            }
        });
        assertEquals("a tool crashed half-way", e.getMessage());
        loops = seen[0].loopDevices();
        assertTrue(loops.isEmpty(), "close() forgets the disks it tore down");
        assertFalse(Files.exists(Path.of(seen[0].workDir())), "the work directory and images are gone");
    }

    @Test
    void closeDetachesEveryLoopDeviceAndDeletesItsPartitions() throws IOException {
        String real;
        long atBind;
        try (LinuxKernel k = LinuxKernel.start()) {
            k.diskAdd(DiskSpec.of("loop0", 16 * MIB).withPartscan(false));
            real = k.loopDevices().get("loop0");
            Task t = k.spawn("test", Credentials.ROOT);
            int fd = k.open(t, "/dev/loop0", OpenFlags.O_RDWR).intValue();
            k.ioctl(t, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, MIB));
            atBind = readAheadKb(real);
            assertTrue(k.ioctl(t, fd, Ioctl.BLKRASET, new IoctlArg.Value(1 << 20)).isOk());
            assertEquals(512 * 1024, readAheadKb(real));
            assertTrue(k.ioctl(t, fd, Ioctl.BLKROSET, new blocksim.uapi.IntCell(1)).isOk());
            assertTrue(bound(real));
            assertTrue(Files.exists(Path.of("/sys/block", real, real + "p1")));
        }
        assertFalse(bound(real), real + " detached");
        assertFalse(Files.exists(Path.of("/sys/block", real, real + "p1")), "its partition deleted");
        assertTrue(readAheadKb(real) <= atBind, "the read-ahead the run set does not outlive it");
        assertEquals("0", Files.readString(Path.of("/sys/block", real, "ro")).strip(),
                "nor does the read-only flag it set on the whole disk");
    }

    private static long readAheadKb(String loop) throws IOException {
        return Long.parseLong(Files.readString(Path.of("/sys/block", loop, "queue", "read_ahead_kb")).strip());
    }

    @Test
    void aJvmThatExitsWithoutClosingStillCleansUp() throws Exception {
        Path marker = Files.createTempFile("blocksim-exit", ".txt");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ExitWithoutClose.class.getName(), marker.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        List<String> lines = Files.readAllLines(marker);
        Files.delete(marker);
        assertEquals(2, lines.size(), "the child wrote its loop device and work directory: " + out);
        assertFalse(bound(lines.get(0)), lines.get(0) + " detached by the shutdown hook");
        assertFalse(Files.exists(Path.of(lines.get(1))), "work directory removed by the shutdown hook");
    }

    /** The child JVM of {@link #aJvmThatExitsWithoutClosingStillCleansUp}: sets up and exits. */
    public static final class ExitWithoutClose {
        public static void main(String[] args) throws IOException {
            LinuxKernel k = LinuxKernel.start();
            k.diskAdd(DiskSpec.of("sda", 16 * MIB));
            Task t = k.spawn("child", Credentials.ROOT);
            int fd = k.open(t, "/dev/sda", OpenFlags.O_RDWR).intValue();
            k.ioctl(t, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, MIB));
            Files.writeString(Path.of(args[0]), k.loopDevices().get("sda") + "\n" + k.workDir() + "\n");
            System.exit(0);
        }
    }

    @Test
    void devicesTheRunDidNotCreateAreRefusedOrHidden() {
        try (LinuxKernel k = LinuxKernel.start()) {
            k.diskAdd(DiskSpec.of("sda", 16 * MIB));
            Task t = k.spawn("test", Credentials.ROOT);
            assertEquals(Errno.EACCES, k.open(t, "/dev/vda", OpenFlags.O_RDONLY).errno());
            assertEquals(Errno.EACCES, k.open(t, "/dev/loop-control", OpenFlags.O_RDWR).errno());
            assertEquals(Errno.ENOENT, k.open(t, "/dev/nonexistent", OpenFlags.O_RDONLY).errno(),
                    "a node that exists nowhere is not there, as on the kernel");
            assertEquals(Errno.ENOENT, k.open(t, "/sys/block/vda/size", OpenFlags.O_RDONLY).errno());
            assertEquals(List.of("null", "sda", "zero"), k.list(t, "/dev").names());
            assertEquals(List.of("sda"), k.list(t, "/sys/block").names());
            String partitions = Live.cat(k, t, "/proc/partitions");
            assertTrue(partitions.startsWith("major minor  #blocks  name\n\n"), partitions);
            assertTrue(partitions.endsWith(" sda\n"), partitions);
            assertEquals(3, partitions.split("\n").length, partitions);
            // the bind's line may be ratelimited away (set_capacity_and_notify: 10 per 5 s for every disk
            // of the machine); what is shown names the run's devices by the run's names
            String log = k.dmesg();
            String real = k.loopDevices().get("sda");
            assertFalse(log.matches("(?s).*\\b" + real + "\\b.*"), log);
            for (String line : log.split("\n")) {
                assertTrue(line.isEmpty() || line.contains("sda"), line);
            }
            assertEquals(Errno.ENOENT, k.mkdir(t, "/root/x", 0755).errno(), "paths outside the lesson's root do not exist");
            assertTrue(k.mkdir(t, "/mnt/a", 0755).isOk(), "the run's own root paths are private");
        }
    }

    @Test
    void theAdapterNamesTheRunsDevicesInEverythingItShows() {
        try (LinuxKernel k = LinuxKernel.start()) {
            k.diskAdd(DiskSpec.of("sdb", 16 * MIB));
            String real = k.loopDevices().get("sdb");
            assertEquals("sdb", k.toRunNames(real));
            assertEquals("/dev/sdb12 and sdb", k.toRunNames("/dev/" + real + "p12 and " + real));
            Kernel kk = k;
            Task t = kk.spawn("test", Credentials.ROOT);
            int fd = kk.open(t, "/dev/sdb", OpenFlags.O_RDWR).intValue();
            kk.ioctl(t, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(3, MIB, MIB));
            assertEquals("2048\n", Live.cat(kk, t, "/sys/block/sdb/sdb3/start"));
            assertTrue(kk.list(t, "/sys/block/sdb").names().contains("sdb3"));
        }
    }
}
