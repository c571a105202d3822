package blocksim.block;

import static blocksim.api.Errno.EACCES;
import static blocksim.api.Errno.EFAULT;
import static blocksim.api.Errno.EINVAL;
import static blocksim.api.Errno.ENOTTY;
import static blocksim.api.Errno.EPERM;
import static blocksim.testing.Sim.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.DiskSpec;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.testing.Sim;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Size, block-size and read-only ioctls, and writes to read-only devices (block/ioctl.c, block/fops.c). */
class SizeAndReadOnlyTests {

    static SysResult write(Sim sim, int fd, long pos) {
        byte[] b = new byte[512];
        return sim.kernel.pwrite(sim.root, fd, b, 0, b.length, pos);
    }

    @Nested
    class Sizes {
        final Sim sim = Sim.modern().disk("sda", 64 * MIB);
        final int fd = sim.openRw("/dev/sda");

        @Test
        void aPartitionReportsItsOwnSizeInSectorsAndBytes() {
            sim.add(fd, 1, MIB, 3 * MIB);
            int p = sim.openRw("/dev/sda1");
            assertEquals(6144, sim.getLong(p, Ioctl.BLKGETSIZE));
            assertEquals(3 * MIB, sim.getLong(p, Ioctl.BLKGETSIZE64));
            assertEquals(131072, sim.getLong(fd, Ioctl.BLKGETSIZE));
        }

        @Test
        void logicalAndPhysicalBlockSizesAreTheDisksForEveryPartition() {
            try (Sim s = Sim.modern().disk(DiskSpec.of("sdb", 64 * MIB).withSectorSize(4096))) {
                int f = s.openRw("/dev/sdb");
                s.add(f, 1, MIB, 1052672);
                int p = s.openRw("/dev/sdb1");
                assertEquals(4096, s.getInt(p, Ioctl.BLKSSZGET));
                assertEquals(4096, s.getInt(p, Ioctl.BLKPBSZGET));
                assertEquals(2056, s.getLong(p, Ioctl.BLKGETSIZE), "BLKGETSIZE counts 512-byte sectors");
                assertEquals(4096, s.getInt(p, Ioctl.BLKBSZGET));
            }
        }

        @Test
        void softBlockSizeIsTheLargestPowerOfTwoUpToAPageThatDividesTheSize() {
            sim.add(fd, 1, MIB, 3072);
            int p = sim.openRw("/dev/sda1");
            assertEquals(1024, sim.getInt(p, Ioctl.BLKBSZGET));
            assertEquals(4096, sim.getInt(fd, Ioctl.BLKBSZGET));
        }

        @Test
        void aNullPointerIsEfault() {
            assertEquals(EFAULT, sim.ioctl(fd, Ioctl.BLKGETSIZE64, IoctlArg.NULL).errno());
            assertEquals(EFAULT, sim.ioctl(fd, Ioctl.BLKSSZGET, new IoctlArg.BadAddress(0xdead0000L)).errno());
            assertEquals(EFAULT, sim.ioctl(fd, Ioctl.BLKROSET, IoctlArg.NULL).errno());
        }

        @Test
        void unknownIoctlsAreEnottyOnAnSdDiskAndEinvalOnALoopDevice() {
            assertEquals(ENOTTY, sim.ioctl(fd, 0x1234, IoctlArg.NULL).errno());
            sim.disk("loop0", 8 * MIB);
            int l = sim.openRw("/dev/loop0");
            assertEquals(EINVAL, sim.ioctl(l, 0x1234, IoctlArg.NULL).errno());
        }

        @Test
        void freezingADeviceNodeActsOnDevtmpfsWhichCannotFreeze() {
            assertEquals(blocksim.api.Errno.EOPNOTSUPP, sim.ioctl(fd, Ioctl.FIFREEZE, new IntCell()).errno());
            Task nocap = sim.rootWithoutCaps();
            int f = sim.open(nocap, "/dev/sda", OpenFlags.O_RDONLY);
            assertEquals(EPERM, sim.kernel.ioctl(nocap, f, Ioctl.FITHAW, new IntCell()).errno());
        }

        @Test
        void blkbszsetNeedsAClaimUnlessTheFileIsExclusive() {
            sim.open("/dev/sda", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
            assertEquals(blocksim.api.Errno.EBUSY, sim.ioctl(fd, Ioctl.BLKBSZSET, new IntCell(1024)).errno());
        }

        @Test
        void blkbszsetChecksCapabilityNullArgumentAndSize() {
            Task nocap = sim.rootWithoutCaps();
            int f = sim.open(nocap, "/dev/sda", OpenFlags.O_RDONLY);
            assertEquals(EACCES, sim.kernel.ioctl(nocap, f, Ioctl.BLKBSZSET, new IntCell(1024)).errno());
            assertEquals(EINVAL, sim.ioctl(fd, Ioctl.BLKBSZSET, IoctlArg.NULL).errno());
            assertEquals(EINVAL, sim.ioctl(fd, Ioctl.BLKBSZSET, new IntCell(1000)).errno());
            assertTrue(sim.ioctl(fd, Ioctl.BLKBSZSET, new IntCell(1024)).isOk());
            assertEquals(1024, sim.getInt(fd, Ioctl.BLKBSZGET));
        }

        @Test
        void blkflsbufNeedsTheCapability() {
            Task nocap = sim.rootWithoutCaps();
            int f = sim.open(nocap, "/dev/sda", OpenFlags.O_RDONLY);
            assertEquals(EACCES, sim.kernel.ioctl(nocap, f, Ioctl.BLKFLSBUF, IoctlArg.NULL).errno());
            assertTrue(sim.ioctl(fd, Ioctl.BLKFLSBUF, IoctlArg.NULL).isOk());
        }
    }

    @Nested
    class ReadOnly618 {
        final Sim sim = Sim.modern().disk("sda", 64 * MIB);
        final int fd = sim.openRw("/dev/sda");

        ReadOnly618() {
            sim.add(fd, 1, MIB, MIB);
            sim.add(fd, 2, 4 * MIB, MIB);
        }

        @Test
        void setroOnTheWholeDiskMakesEveryPartitionReadOnly() {
            int p = sim.openRw("/dev/sda1");
            assertTrue(sim.ioctl(fd, Ioctl.BLKROSET, new IntCell(1)).isOk());
            assertEquals(1, sim.getInt(p, Ioctl.BLKROGET));
            assertEquals("1\n", sim.cat("/sys/block/sda/sda2/ro"));
            assertEquals(EPERM, write(sim, p, 0).errno());
        }

        @Test
        void setrwOnTheDiskLeavesAPartitionsOwnFlag() {
            int p = sim.openRw("/dev/sda1");
            sim.ioctl(p, Ioctl.BLKROSET, new IntCell(1));
            sim.ioctl(fd, Ioctl.BLKROSET, new IntCell(1));
            sim.ioctl(fd, Ioctl.BLKROSET, new IntCell(0));
            assertEquals(1, sim.getInt(p, Ioctl.BLKROGET));
            assertEquals("0\n", sim.cat("/sys/block/sda/sda2/ro"));
        }

        @Test
        void aReadOnlyPartitionDoesNotStopWritesThroughTheWholeDisk() {
            int p = sim.openRw("/dev/sda1");
            sim.ioctl(p, Ioctl.BLKROSET, new IntCell(1));
            assertEquals(0, sim.getInt(fd, Ioctl.BLKROGET));
            assertEquals(512, write(sim, fd, MIB).value());
        }

        @Test
        void setroNeedsTheCapabilityFirst() {
            Task nocap = sim.rootWithoutCaps();
            int f = sim.open(nocap, "/dev/sda", OpenFlags.O_RDONLY);
            assertEquals(EACCES, sim.kernel.ioctl(nocap, f, Ioctl.BLKROSET, IoctlArg.NULL).errno());
        }

        @Test
        void openingForWriteSucceedsAndTheWriteIsRefused() {
            sim.ioctl(fd, Ioctl.BLKROSET, new IntCell(1));
            int w = sim.open("/dev/sda", OpenFlags.O_WRONLY);
            assertEquals(EPERM, write(sim, w, 0).errno());
            assertEquals(EPERM, sim.kernel.pwrite(sim.root, w, new byte[0], 0, 0, 0).errno(),
                    "EPERM comes before the empty-write shortcut");
        }

        @Test
        void aDiskAttachedReadOnlyCannotBeMadeWritableByBlkroset() {
            sim.disk(DiskSpec.of("loop0", 8 * MIB).withReadOnly(true));
            int l = sim.openRw("/dev/loop0");
            assertTrue(sim.ioctl(l, Ioctl.BLKROSET, new IntCell(0)).isOk());
            assertEquals(1, sim.getInt(l, Ioctl.BLKROGET));
            assertEquals("1\n", sim.cat("/sys/block/loop0/ro"));
        }
    }

    @Nested
    class ReadOnly2632 {
        final Sim sim = Sim.old().disk("sda", 64 * MIB);
        final int fd = sim.openRw("/dev/sda");

        @Test
        void setroOnTheWholeDiskDoesNotReachExistingPartitions() {
            sim.add(fd, 1, MIB, MIB);
            int p = sim.openRw("/dev/sda1");
            sim.ioctl(fd, Ioctl.BLKROSET, new IntCell(1));
            assertEquals(0, sim.getInt(p, Ioctl.BLKROGET));
            assertEquals(512, write(sim, p, 0).value());
            assertEquals(EPERM, write(sim, fd, 0).errno());
        }

        @Test
        void aPartitionAddedLaterCopiesTheDisksFlag() {
            sim.ioctl(fd, Ioctl.BLKROSET, new IntCell(1));
            sim.add(fd, 1, MIB, MIB);
            int p = sim.openRw("/dev/sda1");
            assertEquals(1, sim.getInt(p, Ioctl.BLKROGET));
        }

        @Test
        void partitionsHaveNoRoFileInSysfs() {
            sim.add(fd, 1, MIB, MIB);
            assertEquals(blocksim.api.Errno.ENOENT, sim.tryOpen("/sys/block/sda/sda1/ro", OpenFlags.O_RDONLY).errno());
            assertEquals("0\n", sim.cat("/sys/block/sda/ro"));
        }
    }
}
