package blocksim.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.userland.ShellHarness;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * The initrd race of seed 002 and its fix, across seeds: the scheduler and the load model draw
 * every choice from the seed, so each seed is one interleaving, replayable exactly.
 */
class ScanWaitProperties {

    static final String TABLE = "sfdisk --quiet /dev/sda <<EOF\nlabel: dos\nlabel-id: 0x00c0ffee\n"
            + "start=2048, size=32768, type=83\nstart=34816, size=65536, type=8e\nEOF";

    /** Sets up the volume group, reboots the driver under load, optionally waits, then vgscan's output. */
    static List<String> boot(Profile profile, long seed, String waitCommand) {
        try (ShellHarness sh = new ShellHarness(profile, KernelConfig.defaults(), seed)) {
            List<String> transcript = new ArrayList<>();
            for (String cmd : List.of("disk add sda 64MiB", TABLE, "pvcreate /dev/sda2", "vgcreate VolGroup00 /dev/sda2",
                    "rmmod sd_mod", "insmod sd_mod scan_delay=0-2s", "sleep 1")) {
                transcript.add(sh.run(cmd).output());
            }
            if (waitCommand != null) {
                ShellHarness.Run w = sh.run(waitCommand);
                assertEquals(0, w.status(), waitCommand + ": " + w.output());
                assertTrue(sh.kernel.genhd().rescanning().isEmpty(), "nothing is being scanned after " + waitCommand);
            }
            transcript.add(sh.run("vgscan").output());
            transcript.add(sh.kernel.dmesg());
            return transcript;
        }
    }

    static boolean found(List<String> transcript) {
        return transcript.get(transcript.size() - 2).contains("Found volume group \"VolGroup00\"");
    }

    @Property(tries = 1000)
    void afterBlkdevWaitScanVgscanAlwaysFindsTheVolumeGroup(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        assertTrue(found(boot(Profile.LINUX_2_6_32, seed, "insmod blkdev_wait_scan")), "seed " + seed);
    }

    @Property(tries = 200)
    void afterUdevadmSettleVgscanAlwaysFindsTheVolumeGroup(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        assertTrue(found(boot(Profile.LINUX_6_18, seed, "udevadm settle")), "seed " + seed);
    }

    @Example
    void withoutTheWaitSomeSeedMissesTheVolumeGroupAndReplaysIdentically() {
        Long missing = null;
        int misses = 0;
        for (long seed = 1; seed <= 1000; seed++) {
            if (!found(boot(Profile.LINUX_2_6_32, seed, null))) {
                misses++;
                if (missing == null) {
                    missing = seed;
                }
            }
        }
        assertNotNull(missing, "some seed of 1000 loses the race");
        assertTrue(misses < 1000, "and some seed wins it: the outcome depends on the interleaving");
        assertEquals(boot(Profile.LINUX_2_6_32, missing, null), boot(Profile.LINUX_2_6_32, missing, null),
                "seed " + missing + " replays to the identical transcript");
    }

    /**
     * Several slow disks scanning while background BLKRRPART callers and a waiter run: every seed
     * ends without a deadlock, every re-read succeeds or (2.6.32, its trylock meeting a scan) is
     * EBUSY, and the wait returns with nothing on the list.
     */
    @Property(tries = 300)
    void scansNeverDeadlockWithRereadCallers(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
                                             @ForAll boolean old) {
        Profile profile = old ? Profile.LINUX_2_6_32 : Profile.LINUX_6_18;
        try (ShellHarness sh = new ShellHarness(profile, KernelConfig.defaults(), seed)) {
            for (String d : List.of("sda", "sdb", "sdc")) {
                sh.ok("disk add " + d + " 16MiB --scan-delay 0-500ms");
            }
            sh.ok("blockdev --rereadpt /dev/sda &");
            sh.ok("blockdev --rereadpt /dev/sdb &");
            sh.ok("sleep 100ms && blockdev --rereadpt /dev/sdc &");
            ShellHarness.Run w = sh.run(old ? "insmod blkdev_wait_scan" : "udevadm settle");
            assertNull(w.deadlock());
            assertEquals(0, w.status(), w.output());
            ShellHarness.Run all = sh.run("wait; jobs");
            assertNull(all.deadlock(), "no deadlock with seed " + seed);
            assertTrue(sh.kernel.genhd().rescanning().isEmpty());
            for (String line : all.output().split("\n")) {
                assertTrue(line.isEmpty() || line.contains("done") || line.contains("exit 1")
                        || line.contains("Device or resource busy"), line);
            }
        }
    }
}
