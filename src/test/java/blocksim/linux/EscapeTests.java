package blocksim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.DiskSpec;
import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.Ioctl;
import blocksim.uapi.OpenFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each test attempts one way out of the run's own objects on the live kernel and shows it refused:
 * sysfs links to the machine's other devices, a loop device that someone else detached and bound
 * again, files planted in the run's directory. (The answers that must match the model are in
 * {@link BoundaryContractTests}; these are about what the adapter reaches.)
 */
class EscapeTests {

    static final long MIB = 1 << 20;

    @BeforeEach
    void needsTheLiveKernel() {
        Live.assumeAvailable();
    }

    private static Errno open(LinuxKernel k, Task t, String path, int flags) {
        SysResult r = k.open(t, path, flags);
        if (r.isOk()) {
            k.close(t, r.intValue());
        }
        return r.errno();
    }

    @Test
    void sysfsLinksDoNotLeadToTheMachinesOtherDevices() throws IOException {
        assertTrue(Files.isDirectory(Path.of("/sys/block/loop0/subsystem")), "the kernel's own link is there");
        try (LinuxKernel k = LinuxKernel.start()) {
            k.diskAdd(DiskSpec.of("sda", 16 * MIB));
            Task t = k.spawn("test", Credentials.ROOT);
            String other = Files.list(Path.of("/sys/block")).map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(k.loopDevices().get("sda"))).findFirst().orElseThrow();
            for (String p : List.of("/sys/block/sda/subsystem/" + other + "/size", "/sys/block/sda/bdi/read_ahead_kb",
                    "/sys/block/sda/subsystem", "/sys/block/sda/../" + other + "/size",
                    "/sys/block/sda/queue/../../" + other + "/size")) {
                assertEquals(Errno.ENOENT, open(k, t, p, OpenFlags.O_RDONLY), p);
                assertEquals(Errno.ENOENT, k.stat(t, p).errno(), p);
            }
            assertEquals(Errno.ENOENT, k.list(t, "/sys/block/sda/subsystem").errno());
            assertEquals(Errno.ENOENT, k.list(t, "/sys/block/sda/holders/../subsystem").errno());
            assertEquals("32768\n", Live.cat(k, t, "/sys/block/sda/size"), "the disk's own attributes read");
            assertTrue(k.list(t, "/sys/block/sda/queue").names().contains("logical_block_size"));
        }
    }

    @Test
    void sysfsWritesNeverReachTheKernel() throws IOException {
        try (LinuxKernel k = LinuxKernel.start()) {
            k.diskAdd(DiskSpec.of("sda", 16 * MIB));
            String real = k.loopDevices().get("sda");
            Path ra = Path.of("/sys/block", real, "queue", "read_ahead_kb");
            String before = Files.readString(ra);
            Task t = k.spawn("test", Credentials.ROOT);
            assertEquals(Errno.EACCES, open(k, t, "/sys/block/sda/queue/read_ahead_kb", OpenFlags.O_WRONLY));
            assertEquals(Errno.EACCES, open(k, t, "/sys/block/sda/queue/scheduler", OpenFlags.O_RDWR));
            assertEquals(before, Files.readString(ra));
            assertEquals(Errno.ENOENT, open(k, t, "/proc/sysrq-trigger", OpenFlags.O_WRONLY),
                    "a write that acts on the whole machine does not exist for a run");
            assertEquals(Errno.ENOENT, open(k, t, "/proc/self/mem", OpenFlags.O_RDWR));
        }
    }

    /**
     * The adapter loses a loop device that was detached behind its back, even when someone else
     * binds it again at once: it answers ENXIO, never opens it again, and its cleanup leaves the
     * other user's device and partition alone. (A device the run holds open cannot be taken: 6.18
     * {@code loop_clr_fd} only sets autoclear while another opener remains.)
     */
    @Test
    void aLoopDeviceRetakenByAnotherUserIsNeverTouchedAgain() throws Exception {
        Path otherImage = Files.createTempFile(Path.of("/var/tmp"), "other-user", ".img");
        int n = -1;
        try {
            Files.write(otherImage, new byte[0]);
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(otherImage.toFile(), "rw")) {
                f.setLength(8 * MIB);
            }
            try (LinuxKernel k = LinuxKernel.start()) {
                k.diskAdd(DiskSpec.of("sda", 16 * MIB).withPartscan(false));
                n = Integer.parseInt(k.loopDevices().get("sda").substring(4));
                Task t = k.spawn("test", Credentials.ROOT);
                int fd = k.open(t, "/dev/sda", OpenFlags.O_RDWR).intValue();
                assertTrue(k.ioctl(t, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, MIB)).isOk());
                k.close(t, fd); // while the run holds it open, LOOP_CLR_FD only sets autoclear
                // another program detaches the run's device and binds its own file to the same number
                sh("losetup", "-d", "/dev/loop" + n);
                waitUnbound(n);
                sh("losetup", "/dev/loop" + n, otherImage.toString());
                // (a BLKPG partition of a loop device outlives the detach: the run's sda1 is now on the
                // other user's device, and theirs must not overlap it)
                sh("addpart", "/dev/loop" + n, "2", "8192", "2048");
                assertEquals(Errno.ENXIO, k.open(t, "/dev/sda", OpenFlags.O_RDONLY).errno(), "lost, said so");
                assertEquals(Errno.ENOENT, open(k, t, "/sys/block/sda/size", OpenFlags.O_RDONLY),
                        "the lost disk is gone from the run's view");
                assertTrue(k.loopDevices().isEmpty());
            }
            assertEquals(otherImage.toString(), Loops.backingFile(n), "the other user's binding survives the cleanup");
            assertTrue(Files.exists(Path.of("/sys/block/loop" + n + "/loop" + n + "p2")), "and so does its partition");
            assertTrue(Files.exists(Path.of("/sys/block/loop" + n + "/loop" + n + "p1")),
                    "and the one that came with the device: it is not the run's to delete any more");
        } finally {
            if (n >= 0 && otherImage.toString().equals(Loops.backingFile(n))) {
                shQuiet("delpart", "/dev/loop" + n, "1");
                shQuiet("delpart", "/dev/loop" + n, "2");
                sh("losetup", "-d", "/dev/loop" + n);
            }
            Files.deleteIfExists(otherImage);
        }
    }

    /** A disk detached behind the run's back between its open and its cleanup: cleanup leaves it alone. */
    @Test
    void cleanupChecksTheBindingBeforeEveryStep() throws Exception {
        Path otherImage = Files.createTempFile(Path.of("/var/tmp"), "other-user", ".img");
        int n = -1;
        try {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(otherImage.toFile(), "rw")) {
                f.setLength(8 * MIB);
            }
            LinuxKernel k = LinuxKernel.start();
            k.diskAdd(DiskSpec.of("loop0", 16 * MIB).withPartscan(false));
            n = Integer.parseInt(k.loopDevices().get("loop0").substring(4));
            sh("losetup", "-d", "/dev/loop" + n);
            waitUnbound(n);
            sh("losetup", "/dev/loop" + n, otherImage.toString());
            sh("addpart", "/dev/loop" + n, "1", "2048", "2048");
            k.close();
            assertEquals(otherImage.toString(), Loops.backingFile(n));
            assertTrue(Files.exists(Path.of("/sys/block/loop" + n + "/loop" + n + "p1")));
            assertFalse(Files.exists(Path.of(k.workDir())), "the run's own directory is gone all the same");
        } finally {
            if (n >= 0 && otherImage.toString().equals(Loops.backingFile(n))) {
                shQuiet("delpart", "/dev/loop" + n, "1");
                sh("losetup", "-d", "/dev/loop" + n);
            }
            Files.deleteIfExists(otherImage);
        }
    }

    @Test
    void filesPlantedInTheRunsDirectoryAreRefused() throws Exception {
        Path target = Path.of("/var/tmp", "blocksim-planted-target-" + ProcessHandle.current().pid());
        Files.deleteIfExists(target);
        try (LinuxKernel k = LinuxKernel.start()) {
            Path dir = Path.of(k.workDir());
            Files.createSymbolicLink(dir.resolve("sdb.img"), target);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.diskAdd(DiskSpec.of("sdb", 16 * MIB)));
            assertTrue(e.getMessage().contains("cannot create its image"), e.getMessage());
            assertFalse(Files.exists(target), "nothing was created through the link");
            assertTrue(k.loopDevices().isEmpty());

            Task t = k.spawn("test", Credentials.ROOT);
            Path root = dir.resolve("root");
            Files.createSymbolicLink(root.resolve("tmp/link"), Path.of("/etc/hostname"));
            assertEquals(Errno.ENOENT, open(k, t, "/tmp/link", OpenFlags.O_RDONLY), "a planted symlink leads nowhere");
            Files.createSymbolicLink(root.resolve("tmp/dirlink"), Path.of("/etc"));
            assertEquals(Errno.ENOENT, open(k, t, "/tmp/dirlink/hostname", OpenFlags.O_RDONLY));
            assertEquals(Errno.ENOENT, k.list(t, "/tmp/dirlink").errno());
            sh("mkfifo", root.resolve("tmp/fifo").toString());
            assertEquals(Errno.EACCES, open(k, t, "/tmp/fifo", OpenFlags.O_RDONLY), "a fifo is refused, not waited on");
            sh("mknod", root.resolve("tmp/node").toString(), "b", "7", "0");
            assertEquals(Errno.EACCES, open(k, t, "/tmp/node", OpenFlags.O_RDWR), "so is a device node");
            assertTrue(k.open(t, "/tmp/plain", OpenFlags.O_RDWR | OpenFlags.O_CREAT).isOk(), "a file of the run's own opens");
        }
        assertFalse(Files.exists(target));
    }

    /** O_CREAT of a partition the disk does not have: the model's EACCES, and nothing appears in the machine's /dev. */
    @Test
    void nothingIsEverCreatedInTheMachinesDev() {
        try (LinuxKernel k = LinuxKernel.start()) {
            k.diskAdd(DiskSpec.of("sda", 16 * MIB));
            String real = k.loopDevices().get("sda");
            Task t = k.spawn("test", Credentials.ROOT);
            assertEquals(Errno.EACCES, k.open(t, "/dev/sda9", OpenFlags.O_RDWR | OpenFlags.O_CREAT).errno());
            assertEquals(Errno.EACCES, k.open(t, "/dev/newnode", OpenFlags.O_RDWR | OpenFlags.O_CREAT).errno());
            assertEquals(Errno.EACCES, k.open(t, "/sys/block/sda/newattr", OpenFlags.O_RDWR | OpenFlags.O_CREAT).errno());
            assertFalse(Files.exists(Path.of("/dev", real + "p9")));
            assertFalse(Files.exists(Path.of("/dev/newnode")));
            assertEquals(Errno.EEXIST, k.open(t, "/dev/sda", OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_EXCL).errno());
            SysResult opened = k.open(t, "/dev/sda", OpenFlags.O_RDWR | OpenFlags.O_CREAT);
            assertTrue(opened.isOk(), "O_CREAT of what exists opens it");
            assertEquals(java.util.List.of("null", "sda", "zero"), k.list(t, "/dev").names());
        }
    }

    /** udevadm settle's wait: nothing without udevd, until the queue file goes, ETIME when it stays. */
    @Test
    void udevSettleWaitsForUdevdsQueue() throws Exception {
        Path dir = Files.createTempDirectory("udev");
        try {
            Path control = dir.resolve("control");
            Path queue = dir.resolve("queue");
            assertTrue(LinuxKernel.settle(control.toString(), queue.toString(), 0).isOk(), "no udevd: nothing to wait for");
            Files.createFile(control);
            assertTrue(LinuxKernel.settle(control.toString(), queue.toString(), 0).isOk(), "an empty queue");
            Files.createFile(queue);
            assertEquals(Errno.ETIME, LinuxKernel.settle(control.toString(), queue.toString(), 30_000_000L).errno());
            Thread remover = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                    Files.delete(queue);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(LinuxKernel.settle(control.toString(), queue.toString(), 10_000_000_000L).isOk(),
                    "returns once the queue is gone");
            remover.join();
        } finally {
            try (var l = Files.list(dir)) {
                for (Path p : l.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void diskNamesFollowTheKernelsRule() {
        for (String bad : List.of("../x", "", ".", "..", "a/b", "x".repeat(32), "a\0b")) {
            assertThrows(IllegalArgumentException.class, () -> DiskSpec.of(bad, 16 * MIB), bad);
        }
        DiskSpec ok = DiskSpec.of("x".repeat(31), 16 * MIB);
        assertEquals(31, ok.name().length());
    }

    @Test
    void theKernelLogIsReadFromWhereTheAdapterStarted() throws IOException {
        String tag = "blocksim-kmsg-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Files.writeString(Path.of("/dev/kmsg"), tag + "-before\n");
        try (Kmsg log = Kmsg.fromNow()) {
            Files.writeString(Path.of("/dev/kmsg"), tag + "-after\n");
            List<String> texts = log.records().stream().map(Kmsg.Record::text).toList();
            assertTrue(texts.stream().anyMatch(s -> s.contains(tag + "-after")), texts.toString());
            assertFalse(texts.stream().anyMatch(s -> s.contains(tag + "-before")), "nothing from before it opened");
        }
    }

    static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
    }

    static void shQuiet(String... cmd) throws IOException, InterruptedException {
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    /** LOOP_CLR_FD finishes the detach when the last opener goes; wait for sysfs to show it (bounded). */
    static void waitUnbound(int n) throws InterruptedException {
        for (int i = 0; i < 200 && Loops.backingFile(n) != null; i++) {
            Thread.sleep(10);
        }
        assertNull(Loops.backingFile(n), "loop" + n + " detached");
    }
}
