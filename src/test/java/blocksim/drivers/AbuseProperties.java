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
                x.transfer = new AbuseXfrHdr.Vec[256];
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
}
