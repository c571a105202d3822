package blocksim.drivers;

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
import blocksim.uapi.Abuse;
import blocksim.uapi.AbuseInfo;
import blocksim.uapi.AbuseXfrHdr;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import blocksim.userland.ShellHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * ABUSE over seeds: clients read and write sectors while a misbehaving server serves some bios,
 * fails others (media, device), puts forged and stale ids, and at the end resets. Every bio ends
 * exactly once (Bio.endio throws on a second end), every client's call returns, and the queue
 * never exceeds max_queue. (AbuseTests checks that data written through a served disk reads back.)
 */
class AbuseProperties {

    @Property(tries = 150)
    void everyBioEndsOnceWhateverTheServerDoes(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        try (ShellHarness h = new ShellHarness(Profile.LINUX_2_6_32, KernelConfig.defaults(), seed)) {
            h.ok("insmod abuse max_abuse=1");
            Scheduler s = h.kernel.scheduler();
            SplittableRandom rnd = new SplittableRandom(seed);
            Task srv = h.kernel.spawn("srv", Credentials.ROOT);
            int fd = h.kernel.open(srv, "/dev/abctl0", OpenFlags.O_RDWR).intValue();
            int maxQueue = 1 + rnd.nextInt(4);
            h.kernel.ioctl(srv, fd, Abuse.ABUSE_SET_STATUS, new AbuseInfo(1 << 20, 512, maxQueue, 0)).orThrow();
            byte[][] store = new byte[16][];
            List<Scheduler.KThread> clients = new ArrayList<>();
            List<String> outcomes = new ArrayList<>();
            for (int c = 0; c < 2 + rnd.nextInt(4); c++) {
                int sector = rnd.nextInt(16);
                boolean write = rnd.nextBoolean();
                byte mark = (byte) (c + 1);
                Task t = h.kernel.spawn("cl" + c, Credentials.ROOT);
                clients.add(s.spawn(t, t.comm(), () -> {
                    int d = h.kernel.open(t, "/dev/abuse0", OpenFlags.O_RDWR | OpenFlags.O_DIRECT).intValue();
                    byte[] b = new byte[512];
                    java.util.Arrays.fill(b, mark);
                    SysResult r = write ? h.kernel.pwrite(t, d, b, 0, 512, sector * 512L)
                            : h.kernel.pread(t, d, b, 0, 512, sector * 512L);
                    outcomes.add((write ? "w" : "r") + sector + (r.isOk() ? " ok" : " " + r.errno()));
                }));
            }
            for (int step = 0; step < 30; step++) {
                s.runRunnable();
                AbuseInfo st = new AbuseInfo();
                h.kernel.ioctl(srv, fd, Abuse.ABUSE_GET_STATUS, st).orThrow();
                assertTrue(st.queueSize <= maxQueue, "seed " + seed);
                AbuseXfrHdr x = new AbuseXfrHdr();
                x.transfer = new blocksim.uapi.AbuseVec[256];
                SysResult g = h.kernel.ioctl(srv, fd, Abuse.ABUSE_GET_BIO, x);
                if (g.isError()) {
                    assertEquals(Errno.ENOMSG, g.errno());
                    continue;
                }
                int what = rnd.nextInt(10);
                if (what == 0) {
                    x.id ^= 0x100; // forged or someone else's: never corrupts another
                } else if (what == 1) {
                    x.result = Abuse.ABUSE_RESULT_MEDIA_FAILURE;
                } else if (what == 2 && rnd.nextInt(3) == 0) {
                    x.result = Abuse.ABUSE_RESULT_DEVICE_FAILURE;
                }
                int sector = (int) x.sector;
                for (int i = 0; i < x.vecCount; i++) {
                    x.transfer[i].address = new byte[x.transfer[i].len];
                    if (x.command == Abuse.ABUSE_READ && store[sector] != null) {
                        System.arraycopy(store[sector], 0, x.transfer[i].address, 0, 512);
                    }
                }
                SysResult p = h.kernel.ioctl(srv, fd, Abuse.ABUSE_PUT_BIO, x);
                if (p.isOk() && x.result == Abuse.ABUSE_RESULT_OKAY && x.command == Abuse.ABUSE_WRITE) {
                    store[sector] = x.transfer[0].address.clone();
                }
            }
            h.kernel.ioctl(srv, fd, Abuse.ABUSE_RESET, IoctlArg.NULL).orThrow();
            assertNull(s.runUntil(() -> clients.stream().allMatch(Scheduler.KThread::done)), "seed " + seed);
            clients.forEach(c -> assertNull(c.failure(), () -> "seed " + seed + ": " + c.failure()));
            assertEquals(clients.size(), outcomes.size(), "every call returned: " + outcomes);
        }
    }

    /** Data written through a served ABUSE disk reads back, at any sectors, in any order of the writers. */
    @Property(tries = 60)
    void dataWrittenThroughTheDeviceReadsBack(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        try (ShellHarness h = new ShellHarness(Profile.LINUX_2_6_32, KernelConfig.defaults(), seed)) {
            h.ok("insmod abuse max_abuse=1");
            h.ok("abuse-serve /dev/abctl0 4MiB --max-queue 8 &");
            SplittableRandom rnd = new SplittableRandom(seed);
            Scheduler s = h.kernel.scheduler();
            java.util.Map<Integer, Byte> want = new java.util.TreeMap<>();
            List<Scheduler.KThread> writers = new ArrayList<>();
            for (int w = 0; w < 1 + rnd.nextInt(5); w++) {
                int sector = rnd.nextInt(8192);
                byte mark = (byte) (1 + rnd.nextInt(250));
                if (want.containsKey(sector)) {
                    continue;
                }
                want.put(sector, mark);
                Task t = h.kernel.spawn("w" + w, Credentials.ROOT);
                writers.add(s.spawn(t, t.comm(), () -> {
                    int d = h.kernel.open(t, "/dev/abuse0", OpenFlags.O_RDWR | OpenFlags.O_DIRECT).intValue();
                    byte[] b = new byte[512];
                    java.util.Arrays.fill(b, mark);
                    h.kernel.pwrite(t, d, b, 0, 512, sector * 512L).orThrow();
                    h.kernel.close(t, d);
                }));
            }
            assertNull(s.runUntil(() -> writers.stream().allMatch(Scheduler.KThread::done)), "seed " + seed);
            writers.forEach(w -> assertNull(w.failure(), () -> "seed " + seed + ": " + w.failure()));
            Task r = h.kernel.spawn("reader", Credentials.ROOT);
            byte[][] got = new byte[1][];
            for (var e : want.entrySet()) {
                Scheduler.KThread rd = s.spawn(r, "reader", () -> {
                    int d = h.kernel.open(r, "/dev/abuse0", OpenFlags.O_RDONLY | OpenFlags.O_DIRECT).intValue();
                    got[0] = new byte[512];
                    h.kernel.pread(r, d, got[0], 0, 512, e.getKey() * 512L).orThrow();
                    h.kernel.close(r, d);
                });
                assertNull(s.runUntil(rd::done));
                assertNull(rd.failure());
                for (byte b : got[0]) {
                    assertEquals((byte) e.getValue(), b, "seed " + seed + " sector " + e.getKey());
                }
            }
        }
    }

    /** A partition table and a filesystem on an ABUSE disk answer as on an sd disk of the same size. */
    @Property(tries = 20)
    void partitionsAndFilesystemsBehaveAsOnAnyDisk(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        List<String> script = List.of(
                "sfdisk --quiet DEV <<EOF\nlabel: dos\nlabel-id: 0x00c0ffee\nstart=2048, size=16384, type=83\nstart=18432, size=32768, type=83\nEOF",
                "grep PARTA /proc/partitions", "mkfs.ext4 -q DEVP1", "mkdir /mnt/a", "mount DEVP1 /mnt/a",
                "echo data > /mnt/a/f", "blockdev --rereadpt DEV", "cat /mnt/a/f", "umount /mnt/a", "delpart DEV 2",
                "grep PARTA /proc/partitions", "blockdev --getsize64 DEVP1");
        List<String> onSd = run(seed, "sdb", "sdb1", null, script);
        List<String> onAbuse = run(seed, "abuse0", "abuse0p1", "insmod abuse max_abuse=1 max_part=15 fixed_rescan=1", script);
        assertEquals(onSd, onAbuse, "seed " + seed);
    }

    private static List<String> run(long seed, String dev, String part, String setup, List<String> script) {
        try (ShellHarness h = new ShellHarness(Profile.LINUX_2_6_32, KernelConfig.defaults(), seed)) {
            if (setup == null) {
                h.ok("disk add " + dev + " 32MiB");
            } else {
                h.ok(setup);
                h.ok("abuse-serve /dev/abctl0 32MiB &");
            }
            List<String> out = new ArrayList<>();
            for (String c : script) {
                String line = c.replace("DEVP1", "/dev/" + part).replace("DEV", "/dev/" + dev).replace("PARTA", dev);
                ShellHarness.Run r = h.run(line);
                String o = r.output().replace(part, "P1");
                if (Character.isDigit(dev.charAt(dev.length() - 1))) {
                    o = o.replace(dev + "p", dev); // the naming rule: abuse0p2 beside sdb2
                }
                out.add(r.status() + ":" + o.replace(dev, "D").replaceAll(" +[0-9]+ +[0-9]+ +", " "));
            }
            return out;
        }
    }
}
