package blocksim.userland.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.userland.ShellHarness;
import org.junit.jupiter.api.Test;

/**
 * The losetup port's paths that lesson 21 does not walk: the pre-2.6.37 way (LOOP_GET_STATUS64 and
 * /proc/partitions), the setup fallback when LOOP_CONFIGURE fails, -L, -d's retry of the previous
 * device, the option checks. Expected texts are the real losetup 2.38.1's on 6.18.44.
 */
class LosetupTests {

    @Test
    void aFailedConfigureFallsBackToSetFdAndIsUndone() {
        try (ShellHarness h = new ShellHarness()) {
            h.ok("truncate -s 8M /tmp/u.img");
            ShellHarness.Run r = h.run("losetup -f --show -b 1000 /tmp/u.img");
            assertEquals("losetup: /tmp/u.img: failed to set up loop device: Invalid argument\n", r.output());
            assertEquals(1, r.status());
            String log = h.ok("dmesg");
            // LOOP_CONFIGURE refuses the size, LOOP_SET_FD binds, LOOP_SET_BLOCK_SIZE refuses, LOOP_CLR_FD undoes
            assertTrue(log.matches("(?s).*Invalid logical block size \\(1000\\)\n.*loop0: detected capacity change from 0 to 16384\n"
                    + ".*Invalid logical block size \\(1000\\)\n"), log);
            assertEquals("", h.ok("losetup -a"), "nothing left bound");
        }
    }

    @Test
    void nooverlapReusesTheSameWindowAndRefusesAnOverlap() {
        try (ShellHarness h = new ShellHarness()) {
            h.ok("truncate -s 8M /tmp/d.img");
            assertEquals("/dev/loop0\n", h.ok("losetup -f --show -o 1048576 --sizelimit 2097152 /tmp/d.img"));
            assertEquals("/dev/loop0\n", h.ok("losetup -L -f --show -o 1048576 --sizelimit 2097152 /tmp/d.img"));
            ShellHarness.Run r = h.run("losetup -L -f --show -o 1048576 /tmp/d.img");
            assertEquals("losetup: /tmp/d.img: overlapping loop device exists\n", r.output());
            assertEquals(1, r.status());
            assertEquals("/dev/loop1\n", h.ok("losetup -L -f --show -o 4M /tmp/d.img"), "after the window: no overlap");
        }
    }

    @Test
    void detachOfManyRetriesThePreviousDeviceAfterABadName() {
        try (ShellHarness h = new ShellHarness()) {
            h.ok("truncate -s 8M /tmp/a.img");
            h.ok("losetup -f /tmp/a.img");
            ShellHarness.Run r = h.run("losetup -d /dev/loop0 /dev/null /dev/loop1");
            assertEquals("losetup: /dev/null: failed to use device: No such device\n"
                    + "losetup: /dev/loop0: detach failed: No such device or address\n"
                    + "losetup: /dev/loop1: detach failed: No such device or address\n", r.output());
            assertEquals(1, r.status());
        }
    }

    @Test
    void optionChecksAndEmptyListings() {
        try (ShellHarness h = new ShellHarness()) {
            assertEquals("losetup: mutually exclusive arguments: --detach-all --all --set-capacity --detach --find"
                    + " --associated\n", h.run("losetup -a -f").output());
            assertEquals("losetup: failed to parse offset: '-1': Invalid argument\n", h.run("losetup -f -o -1 /tmp/x").output());
            assertEquals("losetup: the options --{sizelimit,partscan,read-only,show} are allowed during loop device"
                    + " setup only\n", h.run("losetup -r -a").output());
            assertEquals("", h.ok("losetup"), "no device bound: not even a header");
            assertEquals("", h.ok("losetup -J"));
            assertEquals("losetup from util-linux 2.38.1\n", h.ok("losetup -V"));
            ShellHarness.Run one = h.run("losetup /dev/loop7");
            assertEquals("losetup: /dev/loop7: No such file or directory\n", one.output(), "an unbound device's status");
            assertEquals("NAME       MAJ:MIN BACK-INO BACK-MAJ:MIN PARTSCAN\n/dev/loop7   7:7                                1\n",
                    h.ok("losetup -l -O NAME,MAJ:MIN,BACK-INO,BACK-MAJ:MIN,PARTSCAN /dev/loop7"));
        }
    }

    @Test
    void on2632TheToolAsksTheIoctlsAndDetachIsBusyWhileHeld() {
        try (ShellHarness h = new ShellHarness(Profile.LINUX_2_6_32, KernelConfig.defaults())) {
            h.ok("truncate -s 8M /tmp/a.img");
            assertEquals("/dev/loop0\n", h.ok("losetup -f --show /tmp/a.img"));
            assertEquals("/dev/loop0: [0001]:1 (/tmp/a.img)\n", h.ok("losetup -a"), "lo_device of tmpfs, via /proc/partitions");
            h.ok("sleep 100 < /dev/loop0 &");
            ShellHarness.Run r = h.run("losetup -d /dev/loop0");
            assertEquals("losetup: /dev/loop0: detach failed: Device or resource busy\n", r.output());
            h.ok("kill %1");
            h.ok("wait");
            h.ok("losetup -d /dev/loop0");
            assertEquals("", h.ok("losetup -a"));
        }
    }
}
