package blocksim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Credentials;
import blocksim.api.DiskSpec;
import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.kernel.Scheduler;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.MountFlags;
import blocksim.uapi.OpenFlags;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Mounts and freezes on the live kernel through the adapter. The model's mkfs writes the model's
 * own layout, which the machine's ext4 cannot mount, so these tests make a real ext4 on the run's
 * loop device with the machine's mkfs.ext4 (test code only; the adapter never runs programs).
 * They need root and /dev/loop-control, and skip with the reason elsewhere.
 */
class LiveFreezeTests {

    private static void realMkfs(LinuxKernel k, String disk) throws Exception {
        Process p = new ProcessBuilder("mkfs.ext4", "-q", "-F", "/dev/" + k.realDevice(disk)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfs.ext4: " + out);
    }

    private static int ioctl(LinuxKernel k, Task t, String path, long cmd) {
        int fd = k.open(t, path, OpenFlags.O_RDONLY).intValue();
        SysResult r = k.ioctl(t, fd, cmd, IoctlArg.NULL);
        k.close(t, fd);
        return r.isOk() ? 0 : -r.errno().number();
    }

    /**
     * A writer on a frozen filesystem blocks in the machine's kernel while the simulated world
     * goes on: the scheduler runs the thawing task, the write then completes, its data is there.
     * Closing the kernel thaws and unmounts before it detaches.
     */
    @Test
    void aBlockedRealWriterDoesNotStopTheWorld() throws Exception {
        Live.assumeAvailable();
        try (LinuxKernel k = LinuxKernel.start()) {
            k.diskAdd(DiskSpec.of("loop0", 32L << 20));
            realMkfs(k, "loop0");
            Task root = k.spawn("t", Credentials.ROOT);
            assertTrue(k.mkdir(root, "/mnt/a", 0755).isOk());
            assertEquals(Errno.ENOENT, k.mount(root, "/dev/loop0", "/mnt/nothere", "ext4", 0, null).errno());
            assertEquals(Errno.EPERM, k.mount(k.spawn("u", Credentials.NOBODY), "/dev/loop0", "/mnt/a", "ext4", 0, null).errno());
            SysResult m = k.mount(root, "/dev/loop0", "/mnt/a", "ext4", MountFlags.MS_RELATIME, null);
            assertTrue(m.isOk(), m::toString);
            String mounts = Live.cat(k, root, "/proc/mounts");
            assertTrue(mounts.contains("/dev/loop0 /mnt/a ext4 rw,relatime 0 0\n"), mounts);
            assertEquals(Errno.EBUSY, k.open(root, "/dev/loop0", OpenFlags.O_RDONLY | OpenFlags.O_EXCL).errno(),
                    "the mount holds the device");
            assertEquals(0, ioctl(k, root, "/mnt/a", Ioctl.FIFREEZE));
            assertEquals(-Errno.EBUSY.number(), ioctl(k, root, "/mnt/a", Ioctl.FIFREEZE));

            Scheduler s = k.scheduler();
            Task w = k.spawn("writer", Credentials.ROOT);
            Task thawer = k.spawn("thawer", Credentials.ROOT);
            boolean[] sawBlocked = new boolean[1];
            Scheduler.KThread writer = s.spawn(w, "writer", () -> {
                int fd = k.open(w, "/mnt/a/f", OpenFlags.O_WRONLY | OpenFlags.O_CREAT).intValue();
                byte[] b = "landed\n".getBytes(StandardCharsets.UTF_8);
                assertEquals(b.length, k.write(w, fd, b, 0, b.length).value());
                k.close(w, fd);
            });
            Scheduler.KThread t = s.spawn(thawer, "thawer", () -> {
                s.sleep(1_000_000_000L);
                sawBlocked[0] = writer.state() == blocksim.api.Scheduling.State.PARKED
                        && writer.waitingFor().startsWith("waits in the kernel");
                assertEquals(0, ioctl(k, thawer, "/mnt/a", Ioctl.FITHAW));
            });
            assertNull(s.runUntil(() -> writer.done() && t.done()));
            assertNull(writer.failure());
            assertNull(t.failure());
            assertTrue(sawBlocked[0], "the writer was blocked in the machine's kernel while the thawer ran");
            assertEquals("landed\n", Live.cat(k, root, "/mnt/a/f"));
            assertEquals(0, ioctl(k, root, "/mnt/a", Ioctl.FIFREEZE), "left frozen for close() to thaw");
        }
        assertTrue(Reclaim.mountsUnder("/var/tmp/blocksim").isEmpty(), "nothing left mounted");
    }

    /**
     * A real writer that nothing will ever thaw: after the grace the run ends in the deadlock
     * report, which names the real thread's state and wait channel; closing the kernel thaws the
     * filesystem, so the thread returns and nothing is left.
     */
    @Test
    void aRealWriterNobodyThawsIsAReportedDeadlock() throws Exception {
        Live.assumeAvailable();
        try (LinuxKernel k = LinuxKernel.start()) {
            k.diskAdd(DiskSpec.of("loop0", 32L << 20));
            realMkfs(k, "loop0");
            Task root = k.spawn("t", Credentials.ROOT);
            k.mkdir(root, "/mnt/a", 0755);
            assertTrue(k.mount(root, "/dev/loop0", "/mnt/a", "ext4", 0, null).isOk());
            assertEquals(0, ioctl(k, root, "/mnt/a", Ioctl.FIFREEZE));
            Scheduler s = k.scheduler();
            Task w = k.spawn("writer", Credentials.ROOT);
            Scheduler.KThread writer = s.spawn(w, "writer", () -> {
                int fd = k.open(w, "/mnt/a/f", OpenFlags.O_WRONLY | OpenFlags.O_CREAT).intValue();
                k.write(w, fd, new byte[1], 0, 1);
            });
            String dead = s.runUntil(writer::done);
            assertTrue(dead != null && dead.contains("writer) waits in the kernel: ") && dead.contains("(state D"), dead);
            s.kill(writer);
        }
        assertTrue(Reclaim.mountsUnder("/var/tmp/blocksim").isEmpty(), "nothing left mounted");
    }

    /** tmpfs and bind mounts inside the lesson's root, and umount2's answers, agree with the model. */
    @Test
    void tmpfsAndBindMountsAgreeWithTheModel() {
        Live.assumeAvailable();
        for (String which : new String[] {"sim", "linux"}) {
            try (blocksim.api.Host k = Live.boot(which)) {
                Task root = k.spawn("t", Credentials.ROOT);
                assertTrue(k.mkdir(root, "/mnt/a", 0755).isOk());
                assertTrue(k.mkdir(root, "/mnt/b", 0755).isOk());
                assertTrue(k.mount(root, "none", "/mnt/a", "tmpfs", 0, null).isOk(), which);
                assertTrue(k.mkdir(root, "/mnt/a/sub", 0755).isOk());
                assertTrue(k.mount(root, "/mnt/a/sub", "/mnt/b", null, MountFlags.MS_BIND, null).isOk(), which);
                int fd = k.creat(root, "/mnt/b/x").intValue();
                k.close(root, fd);
                assertTrue(k.stat(root, "/mnt/a/sub/x").isOk(), which + ": a bind mount shows the same directory");
                assertEquals(Errno.EOPNOTSUPP.number(), -ioctlOn(k, root, "/mnt/a", Ioctl.FIFREEZE), which);
                assertEquals(Errno.EINVAL, k.umount2(root, "/mnt/a/sub", 0).errno(), which + ": not a mount point");
                assertEquals(Errno.EINVAL, k.umount2(root, "/mnt", 0).errno(), which);
                assertEquals(Errno.ENOENT, k.umount2(root, "/mnt/nothere", 0).errno(), which);
                assertTrue(k.umount2(root, "/mnt/b", 0).isOk(), which);
                assertTrue(k.umount2(root, "/mnt/a", 0).isOk(), which);
                assertEquals(Errno.ENOENT, k.stat(root, "/mnt/a/sub").errno(), which + ": the tmpfs is gone");
            }
        }
    }

    private static int ioctlOn(blocksim.api.Kernel k, Task t, String path, long cmd) {
        int fd = k.open(t, path, OpenFlags.O_RDONLY).intValue();
        SysResult r = k.ioctl(t, fd, cmd, IoctlArg.NULL);
        k.close(t, fd);
        return r.isOk() ? 0 : -r.errno().number();
    }
}
