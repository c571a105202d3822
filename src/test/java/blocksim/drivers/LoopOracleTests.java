package blocksim.drivers;

import static blocksim.testing.Sim.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.testing.Sim;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.Loop;
import blocksim.uapi.LoopConfig;
import blocksim.uapi.LoopInfo;
import blocksim.uapi.LoopInfo64;
import blocksim.uapi.OpenFlags;
import blocksim.userland.ShellHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Peers' loop tests, ported to the model (the steps and checks are theirs, the code is ours):
 * LTP {@code ioctl09} and {@code ioctl_loop01} to {@code ioctl_loop07}
 * ({@code testcases/kernel/syscalls/ioctl/}), and blktests {@code loop/001}, {@code 002},
 * {@code 005}, {@code 007} with their {@code .out} files. loop/010, the detach racing a partition
 * scan, is {@link LoopRaceProperties}.
 */
class LoopOracleTests {

    private static final String DOS_TWO = "sfdisk -q /tmp/img <<EOF\nlabel: dos\nstart=2048, size=18432, type=83\n"
            + "start=20480, size=20480, type=83\nEOF";

    private static int bind(Sim s, String file, int flags) {
        int loop = s.openRw("/dev/loop0");
        int f = s.open(file, OpenFlags.O_RDWR);
        LoopConfig c = new LoopConfig(f, 0, new LoopInfo64(0, 0, flags, file));
        SysResult r = s.ioctl(loop, Loop.LOOP_CONFIGURE, c);
        assertTrue(r.isOk(), r::toString);
        s.kernel.close(s.root, f);
        return loop;
    }

    /** LTP ioctl09: BLKRRPART on a loop device with PARTSCAN: partitions appear with the table. */
    @Test
    void ltpIoctl09() {
        try (Sim s = Sim.modern()) {
            LoopTests.file(s, "/tmp/img", 64 * MIB, "");
            int loop = s.openRw("/dev/loop0");
            int f = s.open("/tmp/img", OpenFlags.O_RDWR);
            assertTrue(LoopTests.setFd(s, loop, f).isOk());
            s.writeLabel("/tmp/img", 512, new blocksim.userland.label.DosLabel(512, 1).primary(1, 2048, 18432, 0x83, false)
                    ::writeTo);
            LoopInfo info = new LoopInfo();
            info.flags = Loop.LO_FLAGS_PARTSCAN;
            assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS, info).isOk(), "the old structure turns PARTSCAN on");
            assertTrue(s.kernel.stat(s.root, "/sys/block/loop0/loop0p1").isOk());
            assertTrue(s.kernel.stat(s.root, "/dev/loop0p1").isOk());
            assertFalse(s.kernel.stat(s.root, "/dev/loop0p2").isOk());
            s.writeLabel("/dev/loop0", 512, Sim.sampleDos()::writeTo);
            assertTrue(s.rereadpt(loop).isOk());
            assertTrue(s.kernel.stat(s.root, "/dev/loop0p2").isOk());
            assertTrue(s.kernel.stat(s.root, "/sys/block/loop0/loop0p2").isOk());
        }
    }

    /** LTP ioctl_loop01: AUTOCLEAR and PARTSCAN in sysfs and lo_flags; AUTOCLEAR clears, PARTSCAN does not. */
    @Test
    void ltpIoctlLoop01() {
        try (Sim s = Sim.modern()) {
            LoopTests.file(s, "/tmp/img", 16 * MIB, "");
            s.writeLabel("/tmp/img", 512, Sim.sampleDos()::writeTo);
            int loop = s.openRw("/dev/loop0");
            int f = s.open("/tmp/img", OpenFlags.O_RDWR);
            assertTrue(LoopTests.setFd(s, loop, f).isOk());
            LoopInfo set = new LoopInfo();
            set.flags = Loop.LO_FLAGS_AUTOCLEAR | Loop.LO_FLAGS_PARTSCAN;
            assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS, set).isOk());
            assertEquals("1\n", s.cat("/sys/block/loop0/loop/partscan"));
            assertEquals("1\n", s.cat("/sys/block/loop0/loop/autoclear"));
            LoopInfo get = new LoopInfo();
            assertTrue(s.ioctl(loop, Loop.LOOP_GET_STATUS, get).isOk());
            assertEquals(Loop.LO_FLAGS_AUTOCLEAR | Loop.LO_FLAGS_PARTSCAN, get.flags);
            assertTrue(s.kernel.stat(s.root, "/dev/loop0p1").isOk(), "the table was scanned");
            set.flags = 0;
            assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS, set).isOk());
            assertTrue(s.ioctl(loop, Loop.LOOP_GET_STATUS, get).isOk());
            assertEquals(Loop.LO_FLAGS_PARTSCAN, get.flags, "AUTOCLEAR cleared, PARTSCAN kept");
        }
    }

    /**
     * LTP ioctl_loop02: a read-only binding (a read-only file, or LO_FLAGS_READ_ONLY through
     * LOOP_CONFIGURE of a writable one): ro in sysfs, lo_flags only READ_ONLY, writes refused,
     * LOOP_CHANGE_FD to a file of the same size works and to another size is EINVAL.
     */
    @Test
    void ltpIoctlLoop02() {
        for (boolean configure : List.of(false, true)) {
            try (Sim s = Sim.modern()) {
                LoopTests.file(s, "/tmp/test.img", 10 * MIB, "");
                LoopTests.file(s, "/tmp/change.img", 10 * MIB, "");
                LoopTests.file(s, "/tmp/invalid.img", 512, "");
                int loop = s.openRw("/dev/loop0");
                int file = s.open("/tmp/test.img", configure ? OpenFlags.O_RDWR : OpenFlags.O_RDONLY);
                SysResult r = configure
                        ? s.ioctl(loop, Loop.LOOP_CONFIGURE, new LoopConfig(file, 0, new LoopInfo64(0, 0, Loop.LO_FLAGS_READ_ONLY, "")))
                        : LoopTests.setFd(s, loop, file);
                assertTrue(r.isOk(), r::toString);
                assertEquals("1\n", s.cat("/sys/block/loop0/ro"));
                assertEquals("/tmp/test.img\n", s.cat("/sys/block/loop0/loop/backing_file"));
                LoopInfo get = new LoopInfo();
                assertTrue(s.ioctl(loop, Loop.LOOP_GET_STATUS, get).isOk());
                assertEquals(0, get.flags & ~Loop.LO_FLAGS_READ_ONLY);
                assertEquals(Errno.EPERM, s.kernel.write(s.root, loop, new byte[2], 0, 2).errno());
                int change = s.open("/tmp/change.img", OpenFlags.O_RDWR);
                assertTrue(s.ioctl(loop, Loop.LOOP_CHANGE_FD, new IoctlArg.Value(change)).isOk());
                assertEquals("1\n", s.cat("/sys/block/loop0/ro"));
                assertEquals("/tmp/change.img\n", s.cat("/sys/block/loop0/loop/backing_file"));
                int invalid = s.open("/tmp/invalid.img", OpenFlags.O_RDWR);
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_CHANGE_FD, new IoctlArg.Value(invalid))));
            }
        }
    }

    /** LTP ioctl_loop03: LOOP_CHANGE_FD on a read-write device is EINVAL. */
    @Test
    void ltpIoctlLoop03() {
        try (Sim s = Sim.modern()) {
            LoopTests.file(s, "/tmp/test.img", 10 * MIB, "");
            int loop = bind(s, "/tmp/test.img", 0);
            int f = s.open("/tmp/test.img", OpenFlags.O_RDWR);
            assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_CHANGE_FD, new IoctlArg.Value(f))));
        }
    }

    /** LTP ioctl_loop04: LOOP_SET_CAPACITY after the file shrank: the new size in sysfs and BLKGETSIZE64. */
    @Test
    void ltpIoctlLoop04() {
        try (Sim s = Sim.modern()) {
            LoopTests.file(s, "/tmp/test.img", 10 * MIB, "");
            int loop = bind(s, "/tmp/test.img", 0);
            int f = s.open("/tmp/test.img", OpenFlags.O_RDWR);
            assertTrue(s.kernel.ftruncate(s.root, f, 5 * MIB).isOk());
            assertEquals("20480\n", s.cat("/sys/block/loop0/size"), "not before LOOP_SET_CAPACITY");
            assertTrue(s.ioctl(loop, Loop.LOOP_SET_CAPACITY, IoctlArg.NULL).isOk());
            assertEquals("10240\n", s.cat("/sys/block/loop0/size"));
            assertEquals(5 * MIB, s.getLong(loop, Ioctl.BLKGETSIZE64));
        }
    }

    /** LTP ioctl_loop05: LOOP_SET_DIRECT_IO on, off; with an unaligned offset EINVAL. */
    @Test
    void ltpIoctlLoop05() {
        try (Sim s = Sim.modern()) {
            LoopTests.file(s, "/tmp/test.img", 10 * MIB, "");
            int loop = bind(s, "/tmp/test.img", 0);
            assertTrue(s.ioctl(loop, Loop.LOOP_SET_DIRECT_IO, new IoctlArg.Value(0)).isOk());
            assertEquals("0\n", s.cat("/sys/block/loop0/loop/dio"));
            assertTrue(s.ioctl(loop, Loop.LOOP_SET_DIRECT_IO, new IoctlArg.Value(1)).isOk());
            assertEquals("1\n", s.cat("/sys/block/loop0/loop/dio"));
            assertTrue(s.ioctl(loop, Loop.LOOP_SET_DIRECT_IO, new IoctlArg.Value(0)).isOk());
            LoopInfo64 i = LoopTests.status(s, loop);
            i.offset = 256;
            assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS64, i).isOk());
            assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_SET_DIRECT_IO, new IoctlArg.Value(1))));
        }
    }

    /** LTP ioctl_loop06: invalid block sizes by LOOP_SET_BLOCK_SIZE and by LOOP_CONFIGURE are EINVAL. */
    @Test
    void ltpIoctlLoop06() {
        try (Sim s = Sim.modern()) {
            LoopTests.file(s, "/tmp/test.img", 10 * MIB, "");
            int loop = bind(s, "/tmp/test.img", 0);
            for (long bad : List.of(256L, 4096L * 1024, 1024L + 1)) {
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_SET_BLOCK_SIZE, new IoctlArg.Value(bad))),
                        "block size " + bad);
            }
            s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL);
            s.kernel.close(s.root, loop);
            int again = s.openRw("/dev/loop0");
            int f = s.open("/tmp/test.img", OpenFlags.O_RDWR);
            for (int bad : List.of(256, 1024 + 1, 1 << 20)) {
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(again, Loop.LOOP_CONFIGURE, new LoopConfig(f, bad, null))),
                        "LOOP_CONFIGURE block size " + bad);
            }
        }
    }

    /** LTP ioctl_loop07: lo_sizelimit by SET_STATUS64 and by LOOP_CONFIGURE; 0 is the whole file. */
    @Test
    void ltpIoctlLoop07() {
        try (Sim s = Sim.modern()) {
            LoopTests.file(s, "/tmp/test.img", 10 * MIB, "");
            int loop = bind(s, "/tmp/test.img", 0);
            LoopInfo64 set = new LoopInfo64();
            set.sizelimit = 4 * MIB;
            assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS64, set).isOk());
            assertEquals("8192\n", s.cat("/sys/block/loop0/size"));
            assertEquals("4194304\n", s.cat("/sys/block/loop0/loop/sizelimit"));
            assertEquals(4 * MIB, LoopTests.status(s, loop).sizelimit);
            assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS, new LoopInfo()).isOk(), "the old structure resets it");
            assertEquals(0, LoopTests.status(s, loop).sizelimit);
            assertEquals("20480\n", s.cat("/sys/block/loop0/size"));
            s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL);
            s.kernel.close(s.root, loop);
            int again = s.openRw("/dev/loop0");
            int f = s.open("/tmp/test.img", OpenFlags.O_RDWR);
            assertTrue(s.ioctl(again, Loop.LOOP_CONFIGURE, new LoopConfig(f, 0, new LoopInfo64(0, 4 * MIB, 0, ""))).isOk());
            assertEquals("8192\n", s.cat("/sys/block/loop0/size"));
        }
    }

    /** blktests loop/001: a -P device's partitions as devices and in sysfs, and none after detach. */
    @Test
    void blktestsLoop001() {
        try (ShellHarness h = new ShellHarness()) {
            h.ok("truncate -s 1G /tmp/img");
            h.ok(DOS_TWO);
            assertEquals("/dev/loop0\n", h.ok("losetup -P -f --show /tmp/img"));
            assertEquals("loop0p1\nloop0p2\n", h.ok("ls /sys/block/loop0 | grep loop0p"));
            h.ok("losetup -d /dev/loop0");
            assertEquals("", h.run("ls /sys/block/loop0 | grep loop0p").output(), "no partition after the detach");
            assertFalse(h.kernel.stat(h.kernel.spawn("t", blocksim.api.Credentials.ROOT), "/dev/loop0p1").isOk());
        }
    }

    /** blktests loop/002: block sizes 4096, 2048, 1234 (EINVAL, unchanged), 1024, 512 in queue/. */
    @Test
    void blktestsLoop002() {
        try (Sim s = Sim.modern()) {
            LoopTests.file(s, "/tmp/file", MIB, "");
            int loop = bind(s, "/tmp/file", 0);
            assertEquals("512\n", s.cat("/sys/block/loop0/queue/logical_block_size"));
            for (int bs : List.of(4096, 2048, 1234, 1024, 512)) {
                SysResult r = s.ioctl(loop, Loop.LOOP_SET_BLOCK_SIZE, new IoctlArg.Value(bs));
                assertEquals(bs == 1234 ? Errno.EINVAL : null, r.errno(), "block size " + bs);
                assertEquals((bs == 1234 ? 2048 : bs) + "\n", s.cat("/sys/block/loop0/queue/logical_block_size"));
            }
        }
    }

    /** blktests loop/005: LOOP_GET_STATUS and LOOP_GET_STATUS64 with a NULL argument: EINVAL. */
    @Test
    void blktestsLoop005() {
        try (Sim s = Sim.modern()) {
            LoopTests.file(s, "/tmp/file", MIB, "");
            bind(s, "/tmp/file", 0);
            int ro = s.open("/dev/loop0", OpenFlags.O_RDONLY);
            assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(ro, Loop.LOOP_GET_STATUS, IoctlArg.NULL)));
            assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(ro, Loop.LOOP_GET_STATUS64, IoctlArg.NULL)));
        }
    }

    /**
     * blktests loop/007: {@code losetup -c} under a mounted ext4 changes nothing it must not: the
     * soft block size the filesystem set stays, and the mount keeps working.
     */
    @Test
    void blktestsLoop007() {
        try (ShellHarness h = new ShellHarness()) {
            h.ok("truncate -s 1G /tmp/img");
            h.ok("mkdir /tmp/mnt");
            assertEquals("/dev/loop0\n", h.ok("losetup -P -f --show /tmp/img"));
            h.ok("mkfs.ext4 -q /dev/loop0"); // the test's -b 1024 is not in the model's mke2fs
            h.ok("mount -t ext4 /dev/loop0 /tmp/mnt");
            h.ok("losetup -c /dev/loop0");
            assertEquals("4096\n", h.ok("blockdev --getbsz /dev/loop0"), "the soft block size the mount set stays");
            h.ok("ls -l /tmp/mnt");
            h.ok("umount /tmp/mnt");
            h.ok("losetup -d /dev/loop0");
            assertEquals("", h.ok("losetup -a"));
        }
    }
}
