package blocksim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.cli.Main;
import blocksim.api.DiskSpec;
import blocksim.api.Credentials;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.Ioctl;
import blocksim.uapi.OpenFlags;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs killed with SIGKILL at random points leave nothing that {@code blocksim cleanup} (or the
 * next adapter start) does not reclaim: no run directory, no loop device bound to one of its
 * images, no partition on such a device, no mount below it, no frozen filesystem. A child JVM
 * walks through the steps of a run (disks, partitions, an O_EXCL open, and in half the runs an
 * ext4 on one of its partitions, mounted below the run's directory and frozen), printing each
 * step; the parent kills it after a step drawn from the seed and a delay of up to 30 ms, so the
 * kill also lands inside a step. Whatever the point, the leftovers must be 0. Meanwhile a live
 * run of this JVM holds its own devices, which the cleanup must leave alone.
 */
class ReclaimTests {

    static final long MIB = 1 << 20;
    static final int STEPS = 8;
    static final long FIFREEZE = 0xC0045877L;

    @BeforeEach
    void needsTheLiveKernel() {
        Live.assumeAvailable();
    }

    @Test
    void runsKilledAtRandomPointsAreReclaimedWithNothingLeft() throws Exception {
        try (LinuxKernel bystander = LinuxKernel.start()) {
            bystander.diskAdd(DiskSpec.of("sdz", 16 * MIB));
            Task t = bystander.spawn("bystander", Credentials.ROOT);
            int fd = bystander.open(t, "/dev/sdz", OpenFlags.O_RDWR).intValue();
            assertTrue(bystander.ioctl(t, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, MIB)).isOk());
            String bystanderLoop = bystander.loopDevices().get("sdz");

            boolean mkfs = Files.isExecutable(Path.of("/usr/sbin/mkfs.ext4")) || Files.isExecutable(Path.of("/sbin/mkfs.ext4"));
            if (!mkfs) {
                System.out.println("ReclaimTests: no mkfs.ext4 on this machine; the runs killed with a frozen ext4 are left out");
            }
            Random seeds = new Random(20261201);
            StringBuilder said = new StringBuilder();
            for (int run = 0; run < 7; run++) {
                long seed = seeds.nextLong();
                Random r = new Random(seed);
                // every step is a kill point once; the delay puts the kill anywhere inside the next step
                int killAfter = run + 1;
                int delayMs = r.nextInt(31);
                boolean withFs = mkfs && (run >= 4 || r.nextBoolean());
                long pid = killChild(killAfter, delayMs, withFs);
                if (run != 3) {
                    StringWriter out = new StringWriter();
                    StringWriter err = new StringWriter();
                    int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "cleanup");
                    assertEquals(0, status, err.toString());
                    assertTrue(out.toString().contains("live run"), out.toString());
                    said.append(out);
                } else {
                    LinuxKernel.start().close(); // every adapter start reclaims too
                }
                List<String> left = leftovers(pid);
                assertEquals(List.of(), left, "seed " + seed + ": killed after step " + killAfter + " + " + delayMs
                        + " ms" + (withFs ? " with a frozen ext4" : ""));
                assertEquals(bystanderLoop, bystander.loopDevices().get("sdz"));
                assertTrue(Files.exists(Path.of("/sys/block", bystanderLoop, bystanderLoop + "p1")),
                        "the live run's partition is untouched");
                assertEquals(bystander.workDir() + "/sdz.img", Loops.backingFile(Integer.parseInt(bystanderLoop.substring(4))));
            }
            if (mkfs) {
                assertTrue(said.toString().contains("cleanup: thawed "), "a run killed with its ext4 frozen was thawed: " + said);
                assertTrue(said.toString().contains("which was frozen and unmounted"),
                        "the run killed after unmounting its frozen ext4 had it thawed: " + said);
            }
            assertTrue(said.toString().contains("cleanup: unmounted "), "the lesson's tmpfs at least: " + said);
        }
    }

    /** Starts a child run, kills it with SIGKILL after step {@code killAfter} and a delay; returns its pid. */
    private static long killChild(int killAfter, int delayMs, boolean withFs) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), KilledRun.class.getName(), Boolean.toString(withFs))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        int seen = -1;
        String line;
        while (seen < killAfter && (line = in.readLine()) != null) {
            if (line.startsWith("step ")) {
                seen = Integer.parseInt(line.substring(5).trim());
            }
        }
        Thread.sleep(delayMs);
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
        p.waitFor();
        return p.pid();
    }

    /** What a dead run of {@code pid} left: its directories, loop devices bound below them, mounts below them. */
    static List<String> leftovers(long pid) throws Exception {
        List<String> out = new ArrayList<>();
        String prefix = RunDir.BASE + "/run-" + pid + "-";
        try (var dirs = Files.list(Path.of(RunDir.BASE))) {
            dirs.map(Path::toString).filter(d -> d.startsWith(prefix)).forEach(d -> out.add("directory " + d));
        }
        for (String mp : Reclaim.mountsUnder(RunDir.BASE)) {
            if (mp.startsWith(prefix)) {
                out.add("mount " + mp);
            }
        }
        // a detach the kernel defers while udev still holds the device (autoclear) completes on its own
        for (int i = 0; i < 300; i++) {
            boolean pending = false;
            for (int n : Loops.all()) {
                String b = Loops.backingFile(n);
                pending |= b != null && b.startsWith(prefix);
            }
            if (!pending) {
                break;
            }
            Thread.sleep(10);
        }
        for (int n : Loops.all()) {
            String b = Loops.backingFile(n);
            if (b != null && b.startsWith(prefix)) {
                out.add("loop" + n + " bound to " + b);
            }
        }
        return out;
    }

    /** The child: one run's steps, each announced on stdout, then it waits to be killed. */
    public static final class KilledRun {
        public static void main(String[] args) throws Exception {
            boolean withFs = Boolean.parseBoolean(args[0]);
            step(0);
            LinuxKernel k = LinuxKernel.start();
            step(1);
            k.diskAdd(DiskSpec.of("sda", 32 * MIB));
            step(2);
            Task t = k.spawn("child", Credentials.ROOT);
            int fd = k.open(t, "/dev/sda", OpenFlags.O_RDWR).intValue();
            k.ioctl(t, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, 16 * MIB));
            step(3);
            k.diskAdd(DiskSpec.of("loop0", 16 * MIB).withPartscan(false));
            int l = k.open(t, "/dev/loop0", OpenFlags.O_RDWR).intValue();
            k.ioctl(t, l, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, MIB));
            step(4);
            if (withFs) {
                String part = "/dev/" + k.loopDevices().get("sda") + "p1";
                Process mkfs = new ProcessBuilder("mkfs.ext4", "-q", "-F", part).redirectErrorStream(true).start();
                mkfs.getInputStream().readAllBytes();
                if (mkfs.waitFor() != 0) {
                    throw new IllegalStateException("mkfs.ext4 failed");
                }
                String mp = k.workDir() + "/root/mnt/fs";
                Libc.mkdir(mp, 0755);
                if (Libc.mount(part, mp, "ext4", 0, null).failed()) {
                    throw new IllegalStateException("mount failed");
                }
                step(5);
                Libc.Ret dir = Libc.open(mp, Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
                if (Libc.ioctl((int) dir.value(), FIFREEZE, MemorySegment.NULL).failed()) {
                    throw new IllegalStateException("FIFREEZE failed");
                }
                Libc.close((int) dir.value());
                step(6);
                // unmounted while frozen: the superblock lives on, frozen, where no mount table shows it
                if (Libc.umount2(mp, 0).failed()) {
                    throw new IllegalStateException("umount of the frozen ext4 failed");
                }
                step(7);
            } else {
                step(5);
                step(6);
                step(7);
            }
            k.open(t, "/dev/sda1", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
            step(8);
            Thread.sleep(600_000);
        }

        private static void step(int n) {
            System.out.println("step " + n);
            System.out.flush();
        }
    }
}
