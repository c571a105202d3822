package blocksim.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.junit.jupiter.api.Test;

/**
 * The ABUSE driver of seed 004 as posted (drivers/block/abuse.c in the seed): the control
 * ioctls' rules in their order, the request path, poll, RESET, and the deadlock of a partition
 * scan started by SET_STATUS under ab_ctl_mutex.
 */
class AbuseTests {

    private static ShellHarness loaded(String params) {
        ShellHarness h = new ShellHarness(Profile.LINUX_2_6_32, KernelConfig.defaults());
        h.ok("insmod abuse " + params);
        return h;
    }

    private static int ctl(ShellHarness h, Task t, int n) {
        return h.kernel.open(t, "/dev/abctl" + n, OpenFlags.O_RDWR).intValue();
    }

    @Test
    void theControlIoctlsCheckInThePatchsOrder() {
        try (ShellHarness h = loaded("max_abuse=2")) {
            Task t = h.kernel.spawn("srv", Credentials.ROOT);
            int fd = ctl(h, t, 0);
            assertEquals(Errno.EINVAL, h.kernel.ioctl(t, fd, Abuse.ABUSE_SET_POLL, IoctlArg.NULL).errno(), "not in the switch");
            assertEquals(Errno.EINVAL, h.kernel.ioctl(t, fd, 0x4126, IoctlArg.NULL).errno());
            assertEquals(Errno.EINVAL, h.kernel.ioctl(t, fd, Abuse.ABUSE_GET_STATUS, IoctlArg.NULL).errno());
            assertEquals(Errno.EINVAL, h.kernel.ioctl(t, fd, Abuse.ABUSE_GET_BIO, IoctlArg.NULL).errno());
            assertEquals(Errno.EINVAL, h.kernel.ioctl(t, fd, Abuse.ABUSE_PUT_BIO, IoctlArg.NULL).errno());
            assertEquals(Errno.EFAULT, h.kernel.ioctl(t, fd, Abuse.ABUSE_SET_STATUS, IoctlArg.NULL).errno());
            assertEquals(Errno.ENOMSG, h.kernel.ioctl(t, fd, Abuse.ABUSE_GET_BIO, new AbuseXfrHdr()).errno());
            assertEquals(Errno.EINVAL, h.kernel.ioctl(t, fd, Abuse.ABUSE_SET_STATUS, new AbuseInfo(16 << 20, 3000, 8, 0)).errno(),
                    "a size that is no multiple of the block size");
            assertTrue(h.kernel.ioctl(t, fd, Abuse.ABUSE_SET_STATUS, new AbuseInfo(16 << 20, 4096, 1000, 0)).isOk(),
                    "unlikely(ab_max_queue) > 512 compares 0 or 1: as posted it never fires");
            assertEquals(Errno.EINVAL, h.kernel.ioctl(t, fd, Abuse.ABUSE_SET_STATUS, new AbuseInfo(16 << 20, 4096, 8, 0)).errno(),
                    "set up already, without ABUSE_FLAGS_RECONNECT");
            AbuseInfo st = new AbuseInfo();
            assertTrue(h.kernel.ioctl(t, fd, Abuse.ABUSE_GET_STATUS, st).isOk());
            assertEquals(16 << 20, st.size);
            assertEquals(256, st.maxVecs, "BIO_MAX_PAGES");
            assertEquals("16777216\n", h.ok("blockdev --getsize64 /dev/abuse0"));
        }
        try (ShellHarness h = loaded("max_abuse=1 fixed_max_queue_check=1")) {
            Task t = h.kernel.spawn("srv", Credentials.ROOT);
            assertEquals(Errno.EINVAL, h.kernel.ioctl(t, ctl(h, t, 0), Abuse.ABUSE_SET_STATUS,
                    new AbuseInfo(16 << 20, 4096, 1000, 0)).errno(), "the check the patch meant");
        }
    }

    @Test
    void aZeroBlockSizeIsTheOopsAndTheMutexStaysHeld() {
        try (ShellHarness h = loaded("max_abuse=1")) {
            ShellHarness.Run r = h.run("abusectl set-status /dev/abctl0 16MiB 0 8");
            assertEquals(139, r.status());
            assertTrue(h.kernel.dmesg().contains("divide error: 0000 [#1] SMP"), h.kernel.dmesg());
            ShellHarness.Run after = h.run("abusectl status /dev/abctl0");
            assertNotNull(after.deadlock());
            assertTrue(after.deadlock().contains("waits for ab_ctl_mutex of abctl0 held by task"), after.deadlock());
        }
    }

    @Test
    void theRequestPathAndGetPutBio() {
        try (ShellHarness h = loaded("max_abuse=1")) {
            Scheduler s = h.kernel.scheduler();
            Task srv = h.kernel.spawn("srv", Credentials.ROOT);
            int fd = ctl(h, srv, 0);
            assertTrue(h.kernel.ioctl(srv, fd, Abuse.ABUSE_SET_STATUS, new AbuseInfo(1 << 20, 512, 2, 0)).isOk());
            List<Scheduler.KThread> readers = new ArrayList<>();
            long[] results = new long[3];
            for (int i = 0; i < 3; i++) {
                int n = i;
                Task r = h.kernel.spawn("rd" + i, Credentials.ROOT);
                readers.add(s.spawn(r, r.comm(), () -> {
                    int d = h.kernel.open(r, "/dev/abuse0", OpenFlags.O_RDONLY | OpenFlags.O_DIRECT).intValue();
                    SysResult got = h.kernel.pread(r, d, new byte[512], 0, 512, n * 512L);
                    results[n] = got.isOk() ? got.value() : -got.errno().number();
                }));
            }
            s.runRunnable();
            AbuseInfo st = new AbuseInfo();
            h.kernel.ioctl(srv, fd, Abuse.ABUSE_GET_STATUS, st);
            assertEquals(2, st.queueSize, "max_queue 2");
            assertEquals(1, st.errors, "the third bio found the queue full");
            assertEquals(Abuse.POLLMSG, h.kernel.poll(srv, fd, Abuse.POLLMSG, 0).value());
            AbuseXfrHdr a = new AbuseXfrHdr();
            a.transfer = new blocksim.uapi.AbuseVec[256];
            assertTrue(h.kernel.ioctl(srv, fd, Abuse.ABUSE_GET_BIO, a).isOk());
            AbuseXfrHdr b = new AbuseXfrHdr();
            assertTrue(h.kernel.ioctl(srv, fd, Abuse.ABUSE_GET_BIO, b).isOk());
            AbuseXfrHdr again = new AbuseXfrHdr();
            h.kernel.ioctl(srv, fd, Abuse.ABUSE_GET_BIO, again);
            assertEquals(a.id, again.id, "GET_BIO moves the head to the tail: it comes round again");
            AbuseXfrHdr forged = new AbuseXfrHdr();
            forged.id = 12345;
            assertEquals(Errno.ENOMSG, h.kernel.ioctl(srv, fd, Abuse.ABUSE_PUT_BIO, forged).errno());
            AbuseXfrHdr wrong = new AbuseXfrHdr();
            wrong.id = b.id;
            wrong.sector = b.sector + 1;
            wrong.vecCount = b.vecCount;
            assertEquals(Errno.EINVAL, h.kernel.ioctl(srv, fd, Abuse.ABUSE_PUT_BIO, wrong).errno(), "and it stays queued");
            b.result = Abuse.ABUSE_RESULT_MEDIA_FAILURE;
            assertTrue(h.kernel.ioctl(srv, fd, Abuse.ABUSE_PUT_BIO, b).isOk());
            a.transfer[0].address = new byte[512];
            a.transfer[0].address[0] = 42;
            assertTrue(h.kernel.ioctl(srv, fd, Abuse.ABUSE_PUT_BIO, a).isOk());
            assertEquals(Errno.ENOMSG, h.kernel.ioctl(srv, fd, Abuse.ABUSE_PUT_BIO, a).errno(), "a bio is put once");
            assertTrue(s.runUntil(() -> readers.stream().allMatch(Scheduler.KThread::done)) == null);
            long ok = java.util.Arrays.stream(results).filter(v -> v == 512).count();
            long eio = java.util.Arrays.stream(results).filter(v -> v == -Errno.EIO.number()).count();
            assertEquals(1, ok);
            assertEquals(2, eio, "the full queue's and the media failure's");
            assertEquals(0, h.kernel.poll(srv, fd, Abuse.POLLMSG, 0).value());
        }
    }

    /**
     * SET_STATUS with max_part > 0 re-reads the partitions while holding ab_ctl_mutex; the scan's
     * reads wait in the queue, and GET_BIO needs the same mutex: the server deadlocks itself.
     */
    @Test
    void setStatusWithPartitionsDeadlocksTheServer() {
        try (ShellHarness h = loaded("max_abuse=1 max_part=15")) {
            ShellHarness.Run r = h.run("abuse-serve /dev/abctl0 16MiB");
            assertNotNull(r.deadlock());
            assertTrue(r.deadlock().contains("(abuse-serve) waits for the read of 1 sectors at 0 of abuse0"), r.deadlock());
        }
    }

    @Test
    void aServedDiskReadsBackWhatWasWrittenAndResetFailsWhatIsQueued() {
        try (ShellHarness h = loaded("max_abuse=1")) {
            h.ok("abuse-serve /dev/abctl0 16MiB &");
            h.ok("echo 'served from user space' > /tmp/x");
            h.ok("dd if=/tmp/x of=/dev/abuse0 bs=512 count=1 conv=sync status=none");
            assertEquals("served from user space\n", h.ok("dd if=/dev/abuse0 bs=23 count=1 status=none"));
            h.ok("kill %1");
            h.run("dd if=/dev/abuse0 of=/dev/null bs=512 count=1 skip=8 iflag=direct status=none &");
            assertTrue(h.ok("jobs").contains("blocked"), "nobody serves it");
            h.ok("abusectl reset /dev/abctl0");
            ShellHarness.Run w = h.run("wait");
            assertTrue(w.output().contains("Input/output error"), w.output());
        }
    }

    /** The fault filter: a delay costs virtual time, a death leaves the bio queued, a file backend keeps the data in a file. */
    @Test
    void faultsAndTheFileBackend() {
        try (ShellHarness h = loaded("max_abuse=2")) {
            h.ok("abuse-serve /dev/abctl0 1MiB --fault read:10-10:delay=1500 &");
            long before = h.kernel.clock().nanos();
            h.ok("dd if=/dev/abuse0 of=/dev/null bs=512 count=1 skip=10 iflag=direct status=none");
            assertTrue(h.kernel.clock().nanos() - before >= 1_500_000_000L, "the read waited for the delayed server");
            h.ok("abuse-serve /dev/abctl1 1MiB --file /tmp/backing --fault write:20-20:die &");
            h.ok("echo first | dd of=/dev/abuse1 bs=512 count=1 conv=sync oflag=direct status=none");
            assertEquals("first\n", h.ok("head -c 6 /tmp/backing"), "the file backend holds what was written");
            h.run("echo second | dd of=/dev/abuse1 bs=512 count=1 seek=20 conv=sync oflag=direct status=none &");
            String jobs = h.ok("jobs");
            assertTrue(jobs.contains("exit 1  abuse-serve /dev/abctl1"), "the server died as told: " + jobs);
            assertTrue(jobs.contains("blocked  echo second"), "its bio stays queued: " + jobs);
            assertTrue(h.ok("abusectl status /dev/abctl1").contains("queued 1"));
            h.ok("abuse-serve /dev/abctl1 1MiB --file /tmp/backing --reconnect &");
            h.ok("wait %3");
            assertEquals("second", h.ok("dd if=/tmp/backing bs=512 skip=20 count=1 status=none").substring(0, 6));
        }
    }

    /**
     * A read-only ABUSE device: a user's write stops at the block layer (EPERM, never reaching the
     * driver); a write from inside the kernel reaches abuse_make_request, fails at once with EIO
     * and counts in ab_errors; reads are served.
     */
    @Test
    void aReadOnlyDeviceFailsWritesAndCountsThem() {
        try (ShellHarness h = loaded("max_abuse=1")) {
            h.ok("abuse-serve /dev/abctl0 1MiB --read-only &");
            assertEquals("dd: error writing '/dev/abuse0': Operation not permitted\n",
                    h.run("dd if=/dev/zero of=/dev/abuse0 bs=512 count=1 oflag=direct status=none").output());
            blocksim.block.BlockDevice bdev = h.kernel.genhd().lookup("abuse0").orElseThrow();
            Task k = h.kernel.spawn("kworker", Credentials.ROOT);
            int[] ret = {1};
            Scheduler.KThread w = h.kernel.scheduler().spawn(k, "kworker", () -> ret[0] = h.kernel.genhd().blk()
                    .submitBio(new blocksim.block.Bio(blocksim.block.Bio.Op.WRITE, bdev, 0, new byte[512], 0, 512), k));
            assertEquals(null, h.kernel.scheduler().runUntil(w::done));
            assertEquals(-Errno.EIO.number(), ret[0]);
            h.ok("dd if=/dev/abuse0 of=/dev/null bs=512 count=1 iflag=direct status=none");
            assertTrue(h.ok("abusectl status /dev/abctl0").contains("flags 1 max_queue 64 queued 0 errors 1"),
                    h.ok("abusectl status /dev/abctl0"));
            assertEquals("1\n", h.ok("blockdev --getro /dev/abuse0"), "set_device_ro");
        }
    }
}
