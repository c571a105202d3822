package blocksim.drivers;

import static blocksim.testing.Sim.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.testing.Sim;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.Loop;
import blocksim.uapi.LoopConfig;
import blocksim.uapi.LoopInfo;
import blocksim.uapi.LoopInfo64;
import blocksim.uapi.OpenFlags;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The loop driver's ioctls on the model, era by era ({@code drivers/block/loop.c}): binding a
 * file of the model's tree, the data path, each request's checks in the kernel's order, lazy
 * detach, /dev/loop-control.
 */
class LoopTests {

    /** A file of {@code bytes} in the model's tmpfs, its first bytes {@code head}. */
    static void file(Sim s, String path, long bytes, String head) {
        int fd = s.open(path, OpenFlags.O_RDWR | OpenFlags.O_CREAT);
        assertTrue(s.kernel.ftruncate(s.root, fd, bytes).isOk());
        byte[] b = head.getBytes(StandardCharsets.UTF_8);
        assertTrue(s.kernel.pwrite(s.root, fd, b, 0, b.length, 0).isOk());
        s.kernel.close(s.root, fd);
    }

    static SysResult setFd(Sim s, int loopFd, int fileFd) {
        return s.ioctl(loopFd, Loop.LOOP_SET_FD, new IoctlArg.Value(fileFd));
    }

    static LoopInfo64 status(Sim s, int loopFd) {
        LoopInfo64 i = new LoopInfo64();
        SysResult r = s.ioctl(loopFd, Loop.LOOP_GET_STATUS64, i);
        assertTrue(r.isOk(), r::toString);
        return i;
    }

    static String read(Sim s, String dev, long pos, int len) {
        int fd = s.open(dev, OpenFlags.O_RDONLY);
        byte[] b = new byte[len];
        SysResult r = s.kernel.pread(s.root, fd, b, 0, len, pos);
        s.kernel.close(s.root, fd);
        assertTrue(r.isOk(), r::toString);
        return new String(b, 0, r.intValue(), StandardCharsets.UTF_8);
    }

    @Nested
    class Linux618 {

        @Test
        void setFdBindsAFileOfTheTreeAndItsDataIsTheDevices() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", 4 * MIB, "hello");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                s.kernel.close(s.root, img);
                assertEquals(8192, s.gendisk("loop0").capacity());
                assertTrue(s.log().contains("loop0: detected capacity change from 0 to 8192"), s.log()::toString);
                assertEquals("/tmp/img\n", s.cat("/sys/block/loop0/loop/backing_file"));
                assertEquals("0\n", s.cat("/sys/block/loop0/loop/offset"));
                assertEquals("0\n", s.cat("/sys/block/loop0/loop/autoclear"));
                assertEquals("hello", read(s, "/dev/loop0", 0, 5));
                byte[] w = "world".getBytes(StandardCharsets.UTF_8);
                byte[] sector = Arrays.copyOf(w, 512);
                assertTrue(s.kernel.pwrite(s.root, loop, sector, 0, 512, 1024).isOk());
                assertTrue(s.kernel.fsync(s.root, loop).isOk());
                assertEquals("world", read(s, "/tmp/img", 1024, 5), "the write is in the file");
                LoopInfo64 i = status(s, loop);
                assertEquals(0, i.number);
                assertEquals(0, i.flags);
                assertTrue(i.inode != 0, "the file's inode");
            }
        }

        @Test
        void configureTakesOffsetSizeLimitAndBlockSize() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", 4 * MIB, "");
                int fd = s.open("/tmp/img", OpenFlags.O_RDWR);
                assertTrue(s.kernel.pwrite(s.root, fd, "at1m".getBytes(StandardCharsets.UTF_8), 0, 4, MIB).isOk());
                int loop = s.openRw("/dev/loop1");
                LoopConfig c = new LoopConfig(fd, 4096, new LoopInfo64(MIB, 2 * MIB, Loop.LO_FLAGS_AUTOCLEAR, "/tmp/img"));
                assertTrue(s.ioctl(loop, Loop.LOOP_CONFIGURE, c).isOk());
                assertEquals(2 * MIB / 512, s.gendisk("loop1").capacity(), "the size limit");
                assertEquals(4096, s.getInt(loop, Ioctl.BLKSSZGET));
                assertEquals("at1m", read(s, "/dev/loop1", 0, 4), "byte 0 of the device is byte 1 MiB of the file");
                assertEquals("1048576\n", s.cat("/sys/block/loop1/loop/offset"));
                assertEquals("2097152\n", s.cat("/sys/block/loop1/loop/sizelimit"));
                assertEquals("1\n", s.cat("/sys/block/loop1/loop/autoclear"));
                assertEquals("/tmp/img", status(s, loop).fileNameString());
            }
        }

        @Test
        void aReadOnlyFileMakesAReadOnlyDeviceThatBlkrosetCannotUndo() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", MIB, "");
                int ro = s.open("/tmp/img", OpenFlags.O_RDONLY);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, ro).isOk());
                assertEquals(Loop.LO_FLAGS_READ_ONLY, status(s, loop).flags);
                assertEquals(1, s.getInt(loop, Ioctl.BLKROGET));
                assertTrue(s.ioctl(loop, Ioctl.BLKROSET, new blocksim.uapi.IntCell(0)).isOk());
                assertEquals(1, s.getInt(loop, Ioctl.BLKROGET), "set_disk_ro holds the disk read-only");
                assertEquals(Errno.EPERM, s.kernel.pwrite(s.root, loop, new byte[512], 0, 512, 0).errno());
            }
        }

        @Test
        void bindChecksComeInLoopConfiguresOrder() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", MIB, "");
                int loop = s.openRw("/dev/loop0");
                assertEquals(Errno.EBADF, Sim.errno(setFd(s, loop, 77)));
                int dir = s.open("/tmp", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
                assertEquals(Errno.EINVAL, Sim.errno(setFd(s, loop, dir)), "no read_iter");
                int nul = s.open("/dev/null", OpenFlags.O_RDWR);
                assertEquals(Errno.EINVAL, Sim.errno(setFd(s, loop, nul)), "not a regular file or block device");
                assertEquals(Errno.EBADF, Sim.errno(setFd(s, loop, loop)), "itself (6.18 loop_validate_file)");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                LoopConfig bad = new LoopConfig(img, 0, new LoopInfo64(0, 0, 0x20, "x"));
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_CONFIGURE, bad)), "flags beyond the settable");
                LoopInfo64 xor = new LoopInfo64();
                xor.encryptType = 1;
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_CONFIGURE, new LoopConfig(img, 0, xor))));
                assertTrue(s.log().contains("support for the xor transformation has been removed."));
                LoopInfo64 huge = new LoopInfo64(-1, 0, 0, "x");
                assertEquals(Errno.EOVERFLOW, Sim.errno(s.ioctl(loop, Loop.LOOP_CONFIGURE, new LoopConfig(img, 0, huge))));
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_CONFIGURE, new LoopConfig(img, 1000, null))));
                assertTrue(s.log().contains("Invalid logical block size (1000)"));
                assertEquals(0, s.gendisk("loop0").capacity(), "still unbound");
                assertEquals(Errno.EFAULT, Sim.errno(s.ioctl(loop, Loop.LOOP_CONFIGURE, new LongCell())));
                assertTrue(setFd(s, loop, img).isOk());
                assertEquals(Errno.EBUSY, Sim.errno(setFd(s, loop, img)), "bound already");
            }
        }

        @Test
        void aChainOfLoopDevicesIsFollowed() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", MIB, "deep");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int l0 = s.openRw("/dev/loop0");
                int l1 = s.openRw("/dev/loop1");
                int l2 = s.openRw("/dev/loop2");
                assertEquals(Errno.EINVAL, Sim.errno(setFd(s, l1, l2)), "through an unbound loop device");
                assertTrue(setFd(s, l0, img).isOk());
                assertTrue(setFd(s, l1, l0).isOk(), "loop1 on loop0");
                assertTrue(setFd(s, l2, l1).isOk(), "loop2 on loop1 on loop0");
                assertEquals("deep", read(s, "/dev/loop2", 0, 4));
                assertTrue(s.ioctl(l0, Loop.LOOP_CLR_FD, IoctlArg.NULL).isOk(), "lazy: loop1 holds loop0");
                assertEquals(2048, s.gendisk("loop0").capacity(), "still bound");
            }
        }

        @Test
        void clrFdWithOtherOpenersOnlySetsAutoclearAndTheLastCloseDetaches() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", MIB, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                int other = s.open("/dev/loop0", OpenFlags.O_RDONLY);
                assertTrue(s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL).isOk());
                assertEquals("1\n", s.cat("/sys/block/loop0/loop/autoclear"));
                assertEquals(2048, s.gendisk("loop0").capacity(), "still bound");
                assertTrue(s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL).isOk(), "still bound: again 0");
                s.kernel.close(s.root, loop);
                s.kernel.close(s.root, other);
                assertEquals(0, s.gendisk("loop0").capacity(), "torn down at the last close");
                assertFalse(s.kernel.stat(s.root, "/sys/block/loop0/loop").isOk(), "loop/ goes with the binding");
                assertTrue(s.kernel.unlink(s.root, "/tmp/img").isOk());
            }
        }

        @Test
        void clrFdAsTheOnlyOpenerRunsTheDeviceDown() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", MIB, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                assertTrue(s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL).isOk());
                assertEquals(Errno.ENXIO, Sim.errno(s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL)));
                assertEquals(Errno.ENXIO, Sim.errno(s.tryOpen("/dev/loop0", OpenFlags.O_RDONLY)), "lo_open in rundown");
                s.kernel.close(s.root, loop);
                assertTrue(s.tryOpen("/dev/loop0", OpenFlags.O_RDONLY).isOk(), "unbound again");
                int again = s.openRw("/dev/loop0");
                assertEquals(Errno.ENXIO, Sim.errno(s.ioctl(again, Loop.LOOP_CLR_FD, IoctlArg.NULL)));
                assertEquals(Errno.ENXIO, Sim.errno(s.ioctl(again, Loop.LOOP_GET_STATUS64, new LoopInfo64())));
            }
        }

        @Test
        void setStatusSetsAutoclearAndPartscanButClearsOnlyAutoclear() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", 4 * MIB, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                LoopInfo64 i = status(s, loop);
                i.flags = Loop.LO_FLAGS_PARTSCAN | Loop.LO_FLAGS_AUTOCLEAR | Loop.LO_FLAGS_READ_ONLY;
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS64, i).isOk());
                assertEquals(Loop.LO_FLAGS_PARTSCAN | Loop.LO_FLAGS_AUTOCLEAR, status(s, loop).flags,
                        "READ_ONLY is not taken");
                assertEquals("1\n", s.cat("/sys/block/loop0/partscan"));
                i.flags = 0;
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS64, i).isOk());
                assertEquals(Loop.LO_FLAGS_PARTSCAN, status(s, loop).flags, "PARTSCAN stays");
                i.offset = MIB;
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS64, i).isOk());
                assertEquals(6144, s.gendisk("loop0").capacity());
                assertTrue(s.log().contains("loop0: detected capacity change from 8192 to 6144"));
                Task user = s.rootWithoutCaps();
                int rfd = s.kernel.open(user, "/dev/loop0", OpenFlags.O_RDONLY).intValue();
                assertEquals(Errno.EPERM, s.kernel.ioctl(user, rfd, Loop.LOOP_SET_STATUS64, i).errno(),
                        "a read-only open without CAP_SYS_ADMIN");
                assertTrue(s.kernel.ioctl(user, rfd, Loop.LOOP_GET_STATUS64, new LoopInfo64()).isOk());
                LoopInfo old = new LoopInfo();
                assertTrue(s.ioctl(loop, Loop.LOOP_GET_STATUS, old).isOk());
                assertEquals((int) MIB, old.offset);
            }
        }

        @Test
        void oldGetStatusOverflowsOnAnOffsetPastIntMax() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", 3L << 30, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(s.ioctl(loop, Loop.LOOP_CONFIGURE, new LoopConfig(img, 0, new LoopInfo64(1L << 31, 0, 0, ""))).isOk());
                assertEquals(Errno.EOVERFLOW, Sim.errno(s.ioctl(loop, Loop.LOOP_GET_STATUS, new LoopInfo())));
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_GET_STATUS, IoctlArg.NULL)));
            }
        }

        @Test
        void setCapacityFollowsTheFileAndKeepsPartitionsBeyondTheEnd() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", 8 * MIB, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                assertTrue(s.add(loop, 1, MIB, 6 * MIB).isOk());
                assertTrue(s.kernel.ftruncate(s.root, img, 4 * MIB).isOk());
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_CAPACITY, IoctlArg.NULL).isOk());
                assertEquals(8192, s.gendisk("loop0").capacity());
                assertTrue(s.log().contains("loop0: detected capacity change from 16384 to 8192"));
                assertEquals("12288\n", s.cat("/sys/block/loop0/loop0p1/size"), "kept, its size unchanged");
                assertEquals(Errno.EINVAL, Sim.errno(s.add(loop, 2, 5 * MIB, MIB)), "beyond the new end");
                assertEquals(Errno.EINVAL, Sim.errno(s.resize(loop, 1, MIB, 6 * MIB)));
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_CAPACITY, IoctlArg.NULL).isOk());
                assertEquals(1, s.log().stream().filter(l -> l.contains("from 16384 to 8192")).count(),
                        "an unchanged size logs nothing");
                LoopInfo64 i = status(s, loop);
                i.flags |= Loop.LO_FLAGS_PARTSCAN;
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS64, i).isOk(), "PARTSCAN on: its rescan drops p1");
                assertFalse(s.kernel.stat(s.root, "/sys/block/loop0/loop0p1").isOk());
                assertTrue(s.add(loop, 1, MIB, 2 * MIB).isOk());
                assertTrue(s.rereadpt(loop).isOk());
                assertFalse(s.kernel.stat(s.root, "/sys/block/loop0/loop0p1").isOk(), "BLKRRPART drops it too");
            }
        }

        @Test
        void setBlockSizeIsBusyWhileAPartitionIsMountedAndLaterAddsNeedItsAlignment() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", 16 * MIB, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                assertTrue(s.add(loop, 1, MIB, 8 * MIB).isOk());
                int part = s.open("/dev/loop0p1", OpenFlags.O_RDWR | OpenFlags.O_EXCL);
                assertEquals(Errno.EBUSY, Sim.errno(s.ioctl(loop, Loop.LOOP_SET_BLOCK_SIZE, new IoctlArg.Value(4096))),
                        "bd_prepare_to_claim: a partition is claimed");
                s.kernel.close(s.root, part);
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_BLOCK_SIZE, new IoctlArg.Value(4096)).isOk());
                assertEquals(4096, s.getInt(loop, Ioctl.BLKSSZGET));
                assertEquals("16384\n", s.cat("/sys/block/loop0/loop0p1/size"), "not re-validated");
                assertEquals(Errno.EINVAL, Sim.errno(s.add(loop, 2, 10 * MIB + 512, MIB)), "not 4096-aligned");
                assertTrue(s.add(loop, 2, 10 * MIB, MIB).isOk());
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_SET_BLOCK_SIZE, new IoctlArg.Value(3000))));
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_BLOCK_SIZE, new IoctlArg.Value(0)).isOk(), "0 is the default");
                assertEquals(512, s.getInt(loop, Ioctl.BLKSSZGET));
            }
        }

        @Test
        void directIoNeedsAnAlignedOffset() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", 4 * MIB, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(s.ioctl(loop, Loop.LOOP_CONFIGURE, new LoopConfig(img, 0, new LoopInfo64(256, 0, 0, ""))).isOk());
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_SET_DIRECT_IO, new IoctlArg.Value(1))));
                LoopInfo64 i = status(s, loop);
                i.offset = 0;
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS64, i).isOk());
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_DIRECT_IO, new IoctlArg.Value(1)).isOk());
                assertEquals("1\n", s.cat("/sys/block/loop0/loop/dio"));
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_DIRECT_IO, new IoctlArg.Value(0)).isOk());
                assertEquals("0\n", s.cat("/sys/block/loop0/loop/dio"));
            }
        }

        @Test
        void changeFdNeedsAReadOnlyDeviceAndAFileOfTheSameSize() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/a", MIB, "aaaa");
                file(s, "/tmp/b", MIB, "bbbb");
                file(s, "/tmp/c", 2 * MIB, "cccc");
                int a = s.open("/tmp/a", OpenFlags.O_RDWR);
                int b = s.open("/tmp/b", OpenFlags.O_RDONLY);
                int c = s.open("/tmp/c", OpenFlags.O_RDONLY);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, a).isOk());
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_CHANGE_FD, new IoctlArg.Value(b))), "read-write");
                s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL);
                s.kernel.close(s.root, loop);
                int ro = s.open("/dev/loop0", OpenFlags.O_RDONLY);
                assertTrue(setFd(s, ro, a).isOk(), "bound through a read-only open: read-only");
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(ro, Loop.LOOP_CHANGE_FD, new IoctlArg.Value(c))), "another size");
                assertTrue(s.ioctl(ro, Loop.LOOP_CHANGE_FD, new IoctlArg.Value(b)).isOk());
                assertEquals("/tmp/b\n", s.cat("/sys/block/loop0/loop/backing_file"));
                assertEquals("bbbb", read(s, "/dev/loop0", 0, 4));
            }
        }

        @Test
        void blkpgPartitionsOfALoopWithoutPartscanSurviveDetachAndRebind() {
            try (Sim s = Sim.modern()) {
                file(s, "/tmp/img", 8 * MIB, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                assertTrue(s.add(loop, 1, MIB, MIB).isOk());
                assertTrue(s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL).isOk());
                s.kernel.close(s.root, loop);
                assertEquals(0, s.gendisk("loop0").capacity());
                assertTrue(s.kernel.stat(s.root, "/dev/loop0p1").isOk(), "still there, unbound");
                loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                assertEquals("2048\n", s.cat("/sys/block/loop0/loop0p1/start"));
            }
        }

        @Test
        void aBackingFileKeepsItsFilesystemBusy() {
            try (blocksim.userland.ShellHarness h = new blocksim.userland.ShellHarness()) {
                h.ok("disk add sdb 64M");
                h.ok("mkfs.ext4 -q /dev/sdb");
                h.ok("mkdir /mnt/x");
                h.ok("mount /dev/sdb /mnt/x");
                h.ok("truncate -s 4M /mnt/x/img");
                Task t = h.kernel.spawn("t", Credentials.ROOT);
                int img = h.kernel.open(t, "/mnt/x/img", OpenFlags.O_RDWR).intValue();
                int loop = h.kernel.open(t, "/dev/loop0", OpenFlags.O_RDWR).intValue();
                assertTrue(h.kernel.ioctl(t, loop, Loop.LOOP_SET_FD, new IoctlArg.Value(img)).isOk());
                h.kernel.close(t, img);
                assertEquals(Errno.EBUSY, h.kernel.umount2(t, "/mnt/x", 0).errno(), "the loop device holds the file");
                assertTrue(h.kernel.ioctl(t, loop, Loop.LOOP_CLR_FD, IoctlArg.NULL).isOk());
                h.kernel.close(t, loop);
                assertTrue(h.kernel.umount2(t, "/mnt/x", 0).isOk());
            }
        }

        @Test
        void loopControlAddsRemovesAndFindsFreeDevices() {
            try (Sim s = Sim.modern()) {
                int ctl = s.openRw("/dev/loop-control");
                assertEquals(0, s.ioctl(ctl, Loop.LOOP_CTL_GET_FREE, IoctlArg.NULL).intValue());
                file(s, "/tmp/img", MIB, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                assertEquals(1, s.ioctl(ctl, Loop.LOOP_CTL_GET_FREE, IoctlArg.NULL).intValue());
                assertEquals(Errno.EBUSY, Sim.errno(s.ioctl(ctl, Loop.LOOP_CTL_REMOVE, new IoctlArg.Value(0))), "bound");
                int open1 = s.open("/dev/loop1", OpenFlags.O_RDONLY);
                assertEquals(Errno.EBUSY, Sim.errno(s.ioctl(ctl, Loop.LOOP_CTL_REMOVE, new IoctlArg.Value(1))), "open");
                s.kernel.close(s.root, open1);
                assertEquals(20, s.ioctl(ctl, Loop.LOOP_CTL_ADD, new IoctlArg.Value(20)).intValue());
                assertEquals(Errno.EEXIST, Sim.errno(s.ioctl(ctl, Loop.LOOP_CTL_ADD, new IoctlArg.Value(20))));
                assertTrue(s.kernel.stat(s.root, "/dev/loop20").isOk());
                assertTrue(s.ioctl(ctl, Loop.LOOP_CTL_REMOVE, new IoctlArg.Value(20)).isOk());
                assertFalse(s.kernel.stat(s.root, "/dev/loop20").isOk());
                assertEquals(Errno.ENODEV, Sim.errno(s.ioctl(ctl, Loop.LOOP_CTL_REMOVE, new IoctlArg.Value(20))));
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(ctl, Loop.LOOP_CTL_REMOVE, new IoctlArg.Value(-1))));
                assertEquals(Errno.ENOSYS, Sim.errno(s.ioctl(ctl, 0x4C83, IoctlArg.NULL)));
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(ctl, Loop.LOOP_CTL_ADD, new IoctlArg.Value(1 << 20))));
                for (int i = 1; i < 8; i++) {
                    assertTrue(s.ioctl(ctl, Loop.LOOP_CTL_REMOVE, new IoctlArg.Value(i)).isOk());
                }
                assertEquals(1, s.ioctl(ctl, Loop.LOOP_CTL_GET_FREE, IoctlArg.NULL).intValue(), "a new device, lowest number");
                assertTrue(s.cat("/proc/devices").contains(" 10 misc\n"));
            }
        }
    }

    /** Module parameters: max_loop devices at load, max_part rounded up to (1 << part_shift) - 1 in sysfs (6.18). */
    @Test
    void moduleParametersShapeTheDevices() {
        try (Sim s = new Sim(Profile.LINUX_6_18, KernelConfig.defaults().withLoopMaxPart(10).withLoopMaxLoop(3))) {
            assertEquals(List.of("loop0", "loop1", "loop2"), s.kernel.genhd().disks().stream().map(d -> d.name()).toList());
            assertEquals("7:16", s.bdev("loop1").dev().toString(), "fls(10) = 4: 16 minors each");
            assertEquals("15\n", s.cat("/sys/module/loop/parameters/max_part"));
            assertEquals("3\n", s.cat("/sys/module/loop/parameters/max_loop"));
        }
        try (Sim s = Sim.old()) {
            assertFalse(s.kernel.stat(s.root, "/sys/module").isOk(), "2.6.32 registers the parameters with mode 0");
        }
    }

    @Nested
    class Linux2632 {

        @Test
        void setFdBindsWithUseAopsAndThePageSizeAsSoftBlockSize() {
            try (Sim s = Sim.old()) {
                file(s, "/tmp/img", 4 * MIB, "old!");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                assertEquals(Loop.LO_FLAGS_USE_AOPS, status(s, loop).flags);
                assertEquals(4096, s.getInt(loop, Ioctl.BLKBSZGET));
                assertEquals("old!", read(s, "/dev/loop0", 0, 4));
                assertFalse(s.log().stream().anyMatch(l -> l.contains("capacity change")), "2.6.32 logs no capacity line");
                assertFalse(s.kernel.stat(s.root, "/sys/block/loop0/loop").isOk(), "no loop/ group in 2.6.32");
                assertEquals(Errno.EBUSY, Sim.errno(setFd(s, loop, img)));
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_CONFIGURE, new LoopConfig(img, 0, null))),
                        "LOOP_CONFIGURE does not exist: lo_ioctl's default");
                assertFalse(s.kernel.stat(s.root, "/dev/loop-control").isOk());
            }
        }

        @Test
        void bindingADeviceToItselfIsBusy() {
            try (Sim s = Sim.old()) {
                int loop = s.openRw("/dev/loop0");
                assertEquals(Errno.EBUSY, Sim.errno(setFd(s, loop, loop)));
            }
        }

        @Test
        void clrFdIsBusyWhileAnotherOpenerHoldsTheDevice() {
            try (Sim s = Sim.old()) {
                file(s, "/tmp/img", MIB, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                int other = s.open("/dev/loop0", OpenFlags.O_RDONLY);
                assertEquals(Errno.EBUSY, Sim.errno(s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL)));
                s.kernel.close(s.root, other);
                assertTrue(s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL).isOk());
                assertEquals(0, s.gendisk("loop0").capacity(), "detached at once");
                assertEquals(Errno.ENXIO, Sim.errno(s.ioctl(loop, Loop.LOOP_CLR_FD, IoctlArg.NULL)));
            }
        }

        @Test
        void theXorTransferScramblesTheFileAndSetStatusNeedsNoWriteOpen() {
            try (Sim s = Sim.old()) {
                file(s, "/tmp/img", MIB, "");
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                LoopInfo64 i = status(s, loop);
                i.encryptType = 1;
                i.encryptKeySize = 2;
                i.encryptKey[0] = 0x0f;
                i.encryptKey[1] = (byte) 0xf0;
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS64, i).isOk());
                byte[] data = new byte[512];
                data[0] = 'A';
                data[1] = 'B';
                assertTrue(s.kernel.pwrite(s.root, loop, data, 0, 512, 0).isOk());
                assertTrue(s.kernel.fsync(s.root, loop).isOk());
                int f = s.open("/tmp/img", OpenFlags.O_RDONLY);
                byte[] raw = new byte[2];
                s.kernel.pread(s.root, f, raw, 0, 2, 0);
                assertArrayEquals(new byte[] {'A' ^ 0x0f, (byte) ('B' ^ 0xf0)}, raw);
                LoopInfo64 shown = status(s, loop);
                assertEquals(1, shown.encryptType);
                assertEquals(2, shown.encryptKeySize, "CAP_SYS_ADMIN sees the key");
                i.encryptType = 18;
                assertEquals(Errno.EINVAL, Sim.errno(s.ioctl(loop, Loop.LOOP_SET_STATUS64, i)), "no cryptoloop module");
            }
        }

        @Test
        void autoclearDetachesAtTheLastCloseWithoutARescan() {
            try (Sim s = new Sim(Profile.LINUX_2_6_32, KernelConfig.defaults().withLoopMaxPart(15))) {
                file(s, "/tmp/img", 8 * MIB, "");
                s.writeLabel("/tmp/img", 512, Sim.sampleDos()::writeTo);
                int img = s.open("/tmp/img", OpenFlags.O_RDWR);
                int loop = s.openRw("/dev/loop0");
                assertTrue(setFd(s, loop, img).isOk());
                assertTrue(s.kernel.stat(s.root, "/dev/loop0p1").isOk(), "max_part: scanned at bind");
                LoopInfo64 i = status(s, loop);
                i.flags |= Loop.LO_FLAGS_AUTOCLEAR;
                assertTrue(s.ioctl(loop, Loop.LOOP_SET_STATUS64, i).isOk());
                s.kernel.close(s.root, img);
                s.kernel.close(s.root, loop);
                assertEquals(0, s.gendisk("loop0").capacity(), "detached");
                assertTrue(s.kernel.stat(s.root, "/dev/loop0p1").isOk(), "loop_clr_fd(lo, NULL): stale partitions stay");
            }
        }
    }
}
