package blocksim.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.SimKernel;
import blocksim.api.Credentials;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.block.Gendisk;
import blocksim.kernel.Scheduler;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.Loop;
import blocksim.uapi.LoopConfig;
import blocksim.uapi.LoopInfo64;
import blocksim.uapi.OpenFlags;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * blktests loop/010 ("check stale loop partition") as a property over the scheduler's seeds: one
 * task binds a partitioned image with {@code losetup --partscan} and opens the partition as
 * {@code blkid} would, another detaches the device as fast as it can, for many rounds. Every
 * seed is one interleaving at the driver's sleeping locks. In 6.18 the teardown runs only at the
 * last close ({@code lo_release}), when no partition can be open, so its rescan never fails with
 * EBUSY ("partition scan of loopN failed (rc=-16)", the line the blktest greps for) and no
 * partition outlives the binding. The interleavings are real: a driver that tore the device down
 * at LOOP_CLR_FD, with the partition still open, fails this property with exactly that line
 * (checked by making the model do so).
 */
class LoopRaceProperties {

    private static final int ROUNDS = 12;

    @Property(tries = 150)
    void aDetachRacingAPartitionScanNeverLeavesStalePartitions(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        try (SimKernel k = SimKernel.boot(Profile.LINUX_6_18, KernelConfig.defaults(), seed)) {
            Task root = k.spawn("setup", Credentials.ROOT);
            int img = k.open(root, "/tmp/loopImg", OpenFlags.O_RDWR | OpenFlags.O_CREAT).intValue();
            assertTrue(k.ftruncate(root, img, 16L << 20).isOk());
            new blocksim.userland.label.DosLabel(512, 7).primary(1, 64, 16384, 0x83, false).writeTo((lba, data) ->
                    k.pwrite(root, img, data, 0, data.length, lba * 512));
            k.close(root, img);
            List<String> seen = new ArrayList<>();
            Scheduler s = k.scheduler();
            Task creator = k.spawn("create_loop", Credentials.ROOT);
            Task detacher = k.spawn("detach_loop", Credentials.ROOT);
            Scheduler.KThread a = s.spawn(creator, "create_loop", () -> {
                for (int i = 0; i < ROUNDS; i++) {
                    SysResult dev = k.open(creator, "/dev/loop0", OpenFlags.O_RDWR);
                    if (dev.isError()) {
                        continue;
                    }
                    int file = k.open(creator, "/tmp/loopImg", OpenFlags.O_RDWR).intValue();
                    SysResult r = k.ioctl(creator, dev.intValue(), Loop.LOOP_CONFIGURE,
                            new LoopConfig(file, 0, new LoopInfo64(0, 0, Loop.LO_FLAGS_PARTSCAN, "/tmp/loopImg")));
                    k.close(creator, file);
                    k.close(creator, dev.intValue());
                    if (r.isOk()) {
                        SysResult p1 = k.open(creator, "/dev/loop0p1", OpenFlags.O_RDONLY); // blkid loop0p1
                        if (p1.isOk()) {
                            k.read(creator, p1.intValue(), new byte[512], 0, 512);
                            k.close(creator, p1.intValue());
                            seen.add("p1");
                        }
                    }
                }
            });
            Scheduler.KThread b = s.spawn(detacher, "detach_loop", () -> {
                for (int i = 0; i < ROUNDS; i++) {
                    SysResult dev = k.open(detacher, "/dev/loop0", OpenFlags.O_RDONLY);
                    if (dev.isOk()) {
                        k.ioctl(detacher, dev.intValue(), Loop.LOOP_CLR_FD, IoctlArg.NULL);
                        k.close(detacher, dev.intValue());
                    }
                }
            });
            assertNull(s.runUntil(() -> a.done() && b.done()), "no deadlock");
            assertNull(a.failure());
            assertNull(b.failure());
            int dev = k.open(root, "/dev/loop0", OpenFlags.O_RDONLY).intValue();
            k.ioctl(root, dev, Loop.LOOP_CLR_FD, IoctlArg.NULL);
            k.close(root, dev);
            Gendisk disk = k.genhd().disk("loop0").orElseThrow();
            assertEquals(0, disk.capacity(), "detached");
            assertTrue(disk.partitions().isEmpty(), "seed " + seed + ": stale partitions " + disk.partitions());
            assertFalse(k.dmesg().contains("partition scan of loop0 failed (rc=-16)"), k.dmesg());
        }
    }
}
