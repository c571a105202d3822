package blocksim.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.kernel.Scheduler;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import blocksim.userland.ShellHarness;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Freeze under load, over seeds (each seed one interleaving of the scheduler and of the tasks'
 * own pauses, replayable): ports of fstests generic/068 (freeze and thaw repeatedly while tasks
 * write: no hang, nothing lost), generic/390 (several tasks freezing and thawing at once: the
 * filesystem ends thawed with balanced counts) and generic/491 (a read right after a freeze does
 * not block), and the backup property: a device copy taken while frozen mounts and holds exactly
 * what the filesystem held.
 */
class FreezeProperties {

    private static final long MS = 1_000_000L;

    private static ShellHarness mounted(Profile profile, long seed) {
        ShellHarness h = new ShellHarness(profile, KernelConfig.defaults(), seed);
        h.ok("disk add sdb 16MiB");
        h.ok("disk add sdc 16MiB");
        h.ok("mkfs.ext4 -q /dev/sdb");
        h.ok("mkdir /mnt/a /mnt/copy");
        h.ok("mount /dev/sdb /mnt/a");
        return h;
    }

    private static Profile profile(long seed) {
        return seed % 2 == 0 ? Profile.LINUX_6_18 : Profile.LINUX_2_6_32;
    }

    private static int fsIoctl(ShellHarness h, Task t, long cmd) {
        int fd = h.kernel.open(t, "/mnt/a", OpenFlags.O_RDONLY).intValue();
        SysResult r = h.kernel.ioctl(t, fd, cmd, IoctlArg.NULL);
        h.kernel.close(t, fd);
        return r.isOk() ? 0 : -r.errno().number();
    }

    private static String read(ShellHarness h, Task t, String path) {
        SysResult o = h.kernel.open(t, path, OpenFlags.O_RDONLY);
        if (o.isError()) {
            return null;
        }
        byte[] buf = new byte[1 << 16];
        StringBuilder sb = new StringBuilder();
        while (true) {
            SysResult n = h.kernel.read(t, o.intValue(), buf, 0, buf.length);
            if (n.value() <= 0) {
                break;
            }
            sb.append(new String(buf, 0, n.intValue(), StandardCharsets.UTF_8));
        }
        h.kernel.close(t, o.intValue());
        return sb.toString();
    }

    private static void append(ShellHarness h, Task t, String path, String line) {
        SysResult o = h.kernel.open(t, path, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_APPEND);
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        assertEquals(b.length, h.kernel.write(t, o.intValue(), b, 0, b.length).value());
        h.kernel.close(t, o.intValue());
    }

    /** generic/068: writers append while a freezer freezes and thaws; nothing hangs, every line is on the disk. */
    @Property(tries = 200)
    void freezeAndThawUnderWriteLoadLosesNothing(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        try (ShellHarness h = mounted(profile(seed), seed)) {
            Scheduler s = h.kernel.scheduler();
            SplittableRandom rnd = new SplittableRandom(seed);
            List<Scheduler.KThread> tasks = new ArrayList<>();
            int writers = 1 + rnd.nextInt(3);
            int lines = 5 + rnd.nextInt(10);
            for (int w = 0; w < writers; w++) {
                int id = w;
                long pause = rnd.nextLong(1, 300) * MS;
                Task t = h.kernel.spawn("writer" + w, Credentials.ROOT);
                tasks.add(s.spawn(t, t.comm(), () -> {
                    for (int j = 0; j < lines; j++) {
                        append(h, t, "/mnt/a/w" + id, id + ":" + j + "\n");
                        s.sleep(pause);
                    }
                }));
            }
            int rounds = 1 + rnd.nextInt(4);
            long frozenFor = rnd.nextLong(1, 500) * MS;
            Task f = h.kernel.spawn("freezer", Credentials.ROOT);
            tasks.add(s.spawn(f, "freezer", () -> {
                for (int r = 0; r < rounds; r++) {
                    assertEquals(0, fsIoctl(h, f, Ioctl.FIFREEZE));
                    s.sleep(frozenFor);
                    assertEquals(0, fsIoctl(h, f, Ioctl.FITHAW));
                    s.sleep(frozenFor / 2);
                }
            }));
            assertNull(s.runUntil(() -> tasks.stream().allMatch(Scheduler.KThread::done)), "seed " + seed);
            tasks.forEach(t -> assertNull(t.failure(), () -> "seed " + seed + ": " + t.failure()));
            h.ok("umount /mnt/a");
            h.ok("mount /dev/sdb /mnt/a");
            for (int w = 0; w < writers; w++) {
                StringBuilder want = new StringBuilder();
                for (int j = 0; j < lines; j++) {
                    want.append(w).append(':').append(j).append('\n');
                }
                assertEquals(want.toString(), h.ok("cat /mnt/a/w" + w), "seed " + seed);
            }
        }
    }

    /**
     * generic/390: several tasks each freeze, pause and thaw, at once. Every call's answer is one
     * the era allows (6.18: EBUSY for a second freeze, EINVAL for a thaw of nothing; 2.6.32: 0,
     * the freezes nest), nothing deadlocks, and once a last thaw per outstanding freeze is done
     * the filesystem is thawed with no holder left.
     */
    @Property(tries = 200)
    void concurrentFreezersEndThawedAndBalanced(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        Profile profile = profile(seed);
        try (ShellHarness h = mounted(profile, seed)) {
            Scheduler s = h.kernel.scheduler();
            SplittableRandom rnd = new SplittableRandom(seed);
            List<Scheduler.KThread> tasks = new ArrayList<>();
            int[] freezes = new int[1];
            int[] thaws = new int[1];
            for (int i = 0; i < 2 + rnd.nextInt(4); i++) {
                long pause = rnd.nextLong(0, 200) * MS;
                Task t = h.kernel.spawn("freezer" + i, Credentials.ROOT);
                tasks.add(s.spawn(t, t.comm(), () -> {
                    int fr = fsIoctl(h, t, Ioctl.FIFREEZE);
                    if (fr == 0) {
                        freezes[0]++;
                    } else {
                        assertEquals(profile == Profile.LINUX_6_18 ? -Errno.EBUSY.number() : 0, fr);
                    }
                    s.sleep(pause);
                    int th = fsIoctl(h, t, Ioctl.FITHAW);
                    if (th == 0) {
                        thaws[0]++;
                    } else {
                        assertEquals(-Errno.EINVAL.number(), th);
                    }
                }));
            }
            assertNull(s.runUntil(() -> tasks.stream().allMatch(Scheduler.KThread::done)), "seed " + seed);
            tasks.forEach(t -> assertNull(t.failure(), () -> "seed " + seed + ": " + t.failure()));
            SuperBlock sb = h.kernel.filesystems().superOf(h.kernel.genhd().lookup("sdb").orElseThrow()).orElseThrow();
            assertEquals(SuperBlock.UNFROZEN, sb.frozen(), "seed " + seed);
            assertEquals(0, sb.userHolders() + sb.kernelHolders());
            assertEquals(0, sb.bdev().fsfreezeCount());
            if (profile == Profile.LINUX_6_18) {
                assertEquals(freezes[0], thaws[0], "every successful thaw undid one successful freeze");
            }
            h.ok("echo after > /mnt/a/f");
        }
    }

    /** generic/491: right after a freeze, reads and stat return; nobody thaws, and still nothing waits. */
    @Property(tries = 100)
    void aReadRightAfterAFreezeDoesNotBlock(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        try (ShellHarness h = mounted(profile(seed), seed)) {
            h.ok("echo content > /mnt/a/f");
            h.ok("fsfreeze -f /mnt/a");
            Scheduler s = h.kernel.scheduler();
            Task t = h.kernel.spawn("reader", Credentials.ROOT);
            String[] got = new String[1];
            Scheduler.KThread r = s.spawn(t, "reader", () -> {
                got[0] = read(h, t, "/mnt/a/f");
                assertTrue(h.kernel.stat(t, "/mnt/a/f").isOk());
            });
            assertNull(s.runUntil(r::done), "seed " + seed);
            assertNull(r.failure());
            assertEquals("content\n", got[0]);
            h.ok("fsfreeze -u /mnt/a");
        }
    }

    /**
     * The backup: while writers run, the filesystem is frozen, its device copied to another disk
     * and the files read through the mount; the copy, mounted, holds exactly those files.
     */
    @Property(tries = 150)
    void aCopyTakenWhileFrozenMountsAndMatches(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        try (ShellHarness h = mounted(profile(seed), seed)) {
            Scheduler s = h.kernel.scheduler();
            SplittableRandom rnd = new SplittableRandom(seed);
            List<Scheduler.KThread> tasks = new ArrayList<>();
            int files = 1 + rnd.nextInt(4);
            for (int w = 0; w < files; w++) {
                int id = w;
                long pause = rnd.nextLong(1, 200) * MS;
                Task t = h.kernel.spawn("writer" + w, Credentials.ROOT);
                tasks.add(s.spawn(t, t.comm(), () -> {
                    for (int j = 0; j < 8; j++) {
                        append(h, t, "/mnt/a/f" + id, "line " + j + "\n");
                        s.sleep(pause);
                    }
                }));
            }
            long when = rnd.nextLong(0, 800) * MS;
            String[] seen = new String[files];
            Task b = h.kernel.spawn("backup", Credentials.ROOT);
            tasks.add(s.spawn(b, "backup", () -> {
                s.sleep(when);
                assertEquals(0, fsIoctl(h, b, Ioctl.FIFREEZE));
                for (int w = 0; w < files; w++) {
                    seen[w] = read(h, b, "/mnt/a/f" + w);
                }
                int in = h.kernel.open(b, "/dev/sdb", OpenFlags.O_RDONLY).intValue();
                int out = h.kernel.open(b, "/dev/sdc", OpenFlags.O_WRONLY).intValue();
                byte[] buf = new byte[1 << 20];
                for (long pos = 0; ; pos += buf.length) {
                    SysResult n = h.kernel.pread(b, in, buf, 0, buf.length, pos);
                    if (n.value() <= 0) {
                        break;
                    }
                    h.kernel.pwrite(b, out, buf, 0, n.intValue(), pos);
                }
                h.kernel.close(b, in);
                h.kernel.close(b, out);
                assertEquals(0, fsIoctl(h, b, Ioctl.FITHAW));
            }));
            assertNull(s.runUntil(() -> tasks.stream().allMatch(Scheduler.KThread::done)), "seed " + seed);
            tasks.forEach(t -> assertNull(t.failure(), () -> "seed " + seed + ": " + t.failure()));
            h.ok("mount -o ro /dev/sdc /mnt/copy");
            Task c = h.kernel.spawn("check", Credentials.ROOT);
            for (int w = 0; w < files; w++) {
                assertEquals(seen[w], read(h, c, "/mnt/copy/f" + w), "seed " + seed + " file " + w);
            }
        }
    }
}
