package blocksim.block;

import static blocksim.api.Errno.EACCES;
import static blocksim.api.Errno.EBUSY;
import static blocksim.api.Errno.EFAULT;
import static blocksim.api.Errno.EINVAL;
import static blocksim.api.Errno.ENXIO;
import static blocksim.testing.Sim.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.DiskSpec;
import blocksim.kernel.DevT;
import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.testing.Sim;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.BlkpgPartition;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** BLKPG ADD / DEL / RESIZE: block/ioctl.c:blkpg_ioctl and block/partitions/core.c, both eras. */
class BlkpgTests {

    @Nested
    class Linux618 {
        final Sim sim = Sim.modern().disk("sda", 64 * MIB);
        final int fd = sim.openRw("/dev/sda");

        @Test
        void addCreatesPartitionWithItsDevtAndSize() {
            assertTrue(sim.add(fd, 1, MIB, 8 * MIB).isOk());
            BlockDevice p = sim.bdev("sda1");
            assertEquals(DevT.mkdev(8, 1), p.dev());
            assertEquals(2048, p.startSect());
            assertEquals(16384, p.nrSects());
        }

        @Test
        void addOverlappingPartitionFailsWithEbusy() {
            sim.add(fd, 1, MIB, 8 * MIB);
            assertEquals(EBUSY, sim.add(fd, 2, 8 * MIB, MIB).errno());
        }

        @Test
        void addTouchingPartitionSucceeds() {
            sim.add(fd, 1, MIB, 8 * MIB);
            assertTrue(sim.add(fd, 2, 9 * MIB, MIB).isOk());
        }

        @Test
        void addWithNumberInUseFailsWithEbusyEvenWithoutOverlap() {
            sim.add(fd, 1, MIB, MIB);
            assertEquals(EBUSY, sim.add(fd, 1, 10 * MIB, MIB).errno());
        }

        @Test
        void overlapIsTestedBeforeTheNumberLimit() {
            sim.add(fd, 1, MIB, MIB);
            assertEquals(EBUSY, sim.add(fd, 256, MIB, MIB).errno());
            assertEquals(EINVAL, sim.add(fd, 256, 10 * MIB, MIB).errno());
        }

        @Test
        void numbersBeyondTheMinorRangeGoOnMajor259() {
            assertTrue(sim.add(fd, 16, MIB, MIB).isOk());
            assertTrue(sim.add(fd, 255, 2 * MIB, MIB).isOk());
            assertEquals(DevT.mkdev(259, 0), sim.bdev("sda16").dev());
            assertEquals(DevT.mkdev(259, 1), sim.bdev("sda255").dev());
        }

        /** Measured on 6.18.44: spaced ADD/DEL cycles get 259:0 back every time (bdev_free_inode). */
        @Test
        void aDeletedExtendedMinorIsHandedOutAgainOnceThePartitionIsGone() {
            sim.add(fd, 16, MIB, MIB);
            sim.add(fd, 17, 2 * MIB, MIB);
            sim.del(fd, 16);
            sim.add(fd, 18, 3 * MIB, MIB);
            assertEquals(DevT.mkdev(259, 0), sim.bdev("sda18").dev());
        }

        /** blk_alloc_ext_minor turns the ida's ENOSPC into EBUSY; add_partition returns it. */
        @Test
        void anExhaustedExtendedRangeIsEbusy() {
            for (int i = 0; i < (1 << 20); i++) {
                assertTrue(sim.kernel.genhd().allocExtMinor() >= 0);
            }
            assertEquals(blocksim.api.Errno.EBUSY, sim.add(fd, 16, MIB, MIB).errno());
        }

        @Test
        void extendedMinorsOfARemovedDiskAreFreedForOthers() {
            sim.add(fd, 16, MIB, MIB);
            sim.del(fd, 16);
            sim.kernel.close(sim.root, fd);
            sim.kernel.diskRemove("sda");
            sim.disk("sdb", 64 * MIB);
            int f = sim.openRw("/dev/sdb");
            sim.add(f, 16, MIB, MIB);
            assertEquals(DevT.mkdev(259, 0), sim.bdev("sdb16").dev());
        }

        @Test
        void pnoZeroOrNegativeIsEinval() {
            assertEquals(EINVAL, sim.add(fd, 0, MIB, MIB).errno());
            assertEquals(EINVAL, sim.add(fd, -1, MIB, MIB).errno());
            assertEquals(EINVAL, sim.del(fd, 0).errno());
        }

        @Test
        void negativeStartZeroOrNegativeLengthAndOverflowAreEinval() {
            assertEquals(EINVAL, sim.add(fd, 1, -512, MIB).errno());
            assertEquals(EINVAL, sim.add(fd, 1, MIB, 0).errno());
            assertEquals(EINVAL, sim.add(fd, 1, MIB, -512).errno());
            assertEquals(EINVAL, sim.add(fd, 1, Long.MAX_VALUE - 511, 1024).errno());
        }

        @Test
        void unalignedStartOrLengthIsEinval() {
            assertEquals(EINVAL, sim.add(fd, 1, 100, MIB).errno());
            assertEquals(EINVAL, sim.add(fd, 1, MIB, MIB + 1).errno());
        }

        @Test
        void alignmentFollowsTheLogicalBlockSize() {
            try (Sim s = Sim.modern().disk(DiskSpec.of("sdb", 64 * MIB).withSectorSize(4096))) {
                int f = s.openRw("/dev/sdb");
                assertEquals(EINVAL, s.add(f, 1, 512, MIB).errno());
                assertTrue(s.add(f, 1, 4096, MIB).isOk());
            }
        }

        @Test
        void extentBeyondCapacityIsEinvalButExactlyAtTheEndIsAllowed() {
            assertEquals(EINVAL, sim.add(fd, 1, 64 * MIB, 512).errno());
            assertEquals(EINVAL, sim.add(fd, 1, 63 * MIB, MIB + 512).errno());
            assertTrue(sim.add(fd, 1, 63 * MIB, MIB).isOk());
        }

        @Test
        void unknownOpIsEinvalOnlyAfterTheExtentChecks() {
            BlkpgIoctlArg bad = new BlkpgIoctlArg(4, 0, 0, new BlkpgPartition(MIB, MIB, 1));
            assertEquals(EINVAL, sim.ioctl(fd, Ioctl.BLKPG, bad).errno());
            assertNull(sim.gendisk("sda").partition(1));
        }

        @Test
        void withoutCapSysAdminItIsEacces() {
            Task nocap = sim.rootWithoutCaps();
            int f = sim.open(nocap, "/dev/sda", OpenFlags.O_RDWR);
            assertEquals(EACCES, sim.kernel.ioctl(nocap, f, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, MIB)).errno());
        }

        @Test
        void unreadableArgumentIsEfaultBeforeTheCapabilityTest() {
            Task nocap = sim.rootWithoutCaps();
            int f = sim.open(nocap, "/dev/sda", OpenFlags.O_RDWR);
            assertEquals(EFAULT, sim.kernel.ioctl(nocap, f, Ioctl.BLKPG, IoctlArg.NULL).errno());
            BlkpgIoctlArg noData = new BlkpgIoctlArg(1, 0, 0, null);
            assertEquals(EACCES, sim.kernel.ioctl(nocap, f, Ioctl.BLKPG, noData).errno());
            assertEquals(EFAULT, sim.ioctl(fd, Ioctl.BLKPG, noData).errno());
        }

        @Test
        void onAPartitionFdItIsEinval() {
            sim.add(fd, 1, MIB, MIB);
            int p = sim.openRw("/dev/sda1");
            assertEquals(EINVAL, sim.add(p, 2, 4 * MIB, MIB).errno());
            assertEquals(EINVAL, sim.del(p, 1).errno());
        }

        @Test
        void delOfMissingPartitionIsEnxioEvenBeyond255() {
            assertEquals(ENXIO, sim.del(fd, 1).errno());
            assertEquals(ENXIO, sim.del(fd, 300).errno());
        }

        @Test
        void delPartitionFailsWithEbusyWhileOpen() {
            sim.add(fd, 1, MIB, MIB);
            int p = sim.open("/dev/sda1", OpenFlags.O_RDONLY);
            assertEquals(EBUSY, sim.del(fd, 1).errno());
            sim.kernel.close(sim.root, p);
            assertTrue(sim.del(fd, 1).isOk());
            assertFalse(sim.kernel.genhd().lookup("sda1").isPresent());
        }

        @Test
        void delIgnoresStartAndLength() {
            sim.add(fd, 1, MIB, MIB);
            BlkpgIoctlArg del = new BlkpgIoctlArg(2, 0, 0, new BlkpgPartition(-1, -7, 1));
            assertTrue(sim.ioctl(fd, Ioctl.BLKPG, del).isOk());
        }

        @Test
        void addWorksWhileOtherPartitionsAreOpen() {
            sim.add(fd, 1, MIB, MIB);
            sim.open("/dev/sda1", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
            assertTrue(sim.add(fd, 2, 4 * MIB, MIB).isOk());
        }

        @Test
        void resizeGrowsAnOpenPartition() {
            sim.add(fd, 1, MIB, MIB);
            int p = sim.open("/dev/sda1", OpenFlags.O_RDONLY);
            assertTrue(sim.resize(fd, 1, MIB, 4 * MIB).isOk());
            assertEquals(4 * MIB, sim.getLong(p, Ioctl.BLKGETSIZE64));
        }

        @Test
        void resizeChecksExistenceThenStartThenOverlap() {
            sim.add(fd, 1, MIB, MIB);
            sim.add(fd, 2, 4 * MIB, MIB);
            assertEquals(ENXIO, sim.resize(fd, 3, MIB, MIB).errno());
            assertEquals(EINVAL, sim.resize(fd, 1, 2 * MIB, MIB).errno());
            assertEquals(EBUSY, sim.resize(fd, 1, MIB, 4 * MIB).errno());
            assertTrue(sim.resize(fd, 1, MIB, 3 * MIB).isOk());
        }

        @Test
        void resizeBeyondCapacityIsEinvalBeforeExistence() {
            assertEquals(EINVAL, sim.resize(fd, 9, 60 * MIB, 8 * MIB).errno());
        }
    }

    @Nested
    class Linux2632 {
        final Sim sim = Sim.old().disk("sda", 64 * MIB);
        final int fd = sim.openRw("/dev/sda");

        @Test
        void capabilityIsTestedBeforeTheArgumentIsRead() {
            Task nocap = sim.rootWithoutCaps();
            int f = sim.open(nocap, "/dev/sda", OpenFlags.O_RDWR);
            assertEquals(EACCES, sim.kernel.ioctl(nocap, f, Ioctl.BLKPG, IoctlArg.NULL).errno());
            assertEquals(EFAULT, sim.ioctl(fd, Ioctl.BLKPG, IoctlArg.NULL).errno());
        }

        @Test
        void resizeDoesNotExistAndIsEinval() {
            sim.add(fd, 1, MIB, MIB);
            assertEquals(EINVAL, sim.resize(fd, 1, MIB, 2 * MIB).errno());
        }

        @Test
        void addDoesNotCheckAlignmentAndTruncatesToSectors() {
            assertTrue(sim.add(fd, 1, MIB + 100, MIB + 1000).isOk());
            assertEquals(2048, sim.bdev("sda1").startSect());
            assertEquals(2049, sim.bdev("sda1").nrSects());
        }

        @Test
        void addBeyondTheEndOfTheDiskIsAccepted() {
            assertTrue(sim.add(fd, 1, 60 * MIB, 100 * MIB).isOk());
            assertTrue(sim.cat("/proc/partitions").contains("102400 sda1"));
        }

        @Test
        void zeroLengthPartitionIsAcceptedHiddenAndUnopenable() {
            assertTrue(sim.add(fd, 1, MIB, 0).isOk());
            assertFalse(sim.cat("/proc/partitions").contains("sda1"));
            assertEquals(ENXIO, sim.tryOpen("/dev/sda1", OpenFlags.O_RDONLY).errno());
        }

        @Test
        void zeroLengthPartitionsCountInTheOverlapTest() {
            sim.add(fd, 1, 4 * MIB, 0);
            assertEquals(EBUSY, sim.add(fd, 2, MIB, 8 * MIB).errno());
            assertTrue(sim.add(fd, 3, 4 * MIB, MIB).isOk());
        }

        @Test
        void negativeStartBecomesAHugeUnsignedSector() {
            assertTrue(sim.add(fd, 1, -512, MIB).isOk());
            assertEquals("18446744073709551615", Long.toUnsignedString(sim.bdev("sda1").startSect()));
        }

        @Test
        void numberLimitFollowsDiskMaxPartsWithExtDevt() {
            assertTrue(sim.add(fd, 255, MIB, MIB).isOk());
            assertEquals(DevT.mkdev(259, 0), sim.bdev("sda255").dev());
            assertEquals(EINVAL, sim.add(fd, 256, 8 * MIB, MIB).errno());
        }

        @Test
        void virtioDiskWithoutExtDevtHoldsFifteenPartitions() {
            try (Sim s = Sim.old().disk("vda", 64 * MIB)) {
                int f = s.openRw("/dev/vda");
                assertTrue(s.add(f, 15, MIB, MIB).isOk());
                assertEquals(EINVAL, s.add(f, 16, 8 * MIB, MIB).errno());
                assertEquals(DevT.mkdev(254, 15), s.bdev("vda15").dev());
            }
        }

        @Test
        void deletedExtendedMinorIsReusedAtOnceLowestFirst() {
            sim.add(fd, 16, MIB, MIB);
            sim.add(fd, 17, 2 * MIB, MIB);
            sim.del(fd, 16);
            sim.add(fd, 18, 3 * MIB, MIB);
            assertEquals(DevT.mkdev(259, 0), sim.bdev("sda18").dev());
        }

        @Test
        void delChecksExistenceThenOpeners() {
            assertEquals(ENXIO, sim.del(fd, 1).errno());
            assertEquals(ENXIO, sim.del(fd, 300).errno());
            sim.add(fd, 1, MIB, MIB);
            sim.open("/dev/sda1", OpenFlags.O_RDONLY);
            assertEquals(EBUSY, sim.del(fd, 1).errno());
        }
    }

    @Test
    void virtioDiskIn618TakesNumbersAbove15OnMajor259() {
        try (Sim s = Sim.modern().disk("vda", 64 * MIB)) {
            int f = s.openRw("/dev/vda");
            assertTrue(s.add(f, 16, MIB, MIB).isOk());
            assertEquals(DevT.mkdev(259, 0), s.bdev("vda16").dev());
        }
    }

}
