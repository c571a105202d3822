package blocksim.block;

import static blocksim.api.Errno.EACCES;
import static blocksim.api.Errno.EBUSY;
import static blocksim.api.Errno.EINVAL;
import static blocksim.testing.Sim.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.DiskSpec;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.testing.Sim;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import blocksim.userland.label.DosLabel;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** BLKRRPART: 6.18 disk_scan_partitions / bdev_disk_changed, 2.6.32 blkdev_reread_part / rescan_partitions. */
class BlkrrpartTests {

    static List<Integer> numbers(Sim sim, String disk) {
        return sim.gendisk(disk).partitions().stream().map(BlockDevice::partno).toList();
    }

    @Nested
    class Linux618 {
        final Sim sim = Sim.modern().disk("sda", 64 * MIB);

        @Test
        void rereadFindsMsdosPrimariesAndLogicalsAndLogsTheScanLine() {
            sim.writeLabel("/dev/sda", 512, Sim.sampleDos()::writeTo);
            int fd = sim.openRw("/dev/sda");
            assertTrue(sim.rereadpt(fd).isOk());
            assertEquals(List.of(1, 2, 3, 5, 6), numbers(sim, "sda"));
            assertEquals(2, sim.bdev("sda3").nrSects(), "the extended partition is registered as 2 sectors");
            assertEquals(20480, sim.bdev("sda5").startSect());
            assertEquals(" sda: sda1 sda2 sda3 < sda5 sda6 >", sim.log().getLast());
        }

        @Test
        void procPartitionsListsTheFoundPartitionsInKibWithTheExtendedOneAsOne() {
            sim.writeLabel("/dev/sda", 512, Sim.sampleDos()::writeTo);
            sim.rereadpt(sim.openRw("/dev/sda"));
            assertEquals("major minor  #blocks  name\n\n"
                    + "   8        0      65536 sda\n"
                    + "   8        1       4096 sda1\n"
                    + "   8        2       4096 sda2\n"
                    + "   8        3          1 sda3\n"
                    + "   8        5       4096 sda5\n"
                    + "   8        6       4096 sda6\n", sim.cat("/proc/partitions"));
        }

        @Test
        void rereadFailsWithEbusyWhileAPartitionIsOpenAndKeepsThePartitions() {
            int fd = sim.openRw("/dev/sda");
            sim.add(fd, 1, MIB, MIB);
            sim.open("/dev/sda1", OpenFlags.O_RDONLY);
            assertEquals(EBUSY, sim.rereadpt(fd).errno());
            assertEquals(List.of(1), numbers(sim, "sda"));
        }

        @Test
        void rereadFailsWithEbusyWhenAnotherFileHoldsTheDiskExclusively() {
            sim.open("/dev/sda", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
            int fd = sim.open("/dev/sda", OpenFlags.O_RDONLY);
            assertEquals(EBUSY, sim.rereadpt(fd).errno());
        }

        @Test
        void rereadThroughTheHoldersOwnExclusiveFileSucceeds() {
            int fd = sim.open("/dev/sda", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
            assertTrue(sim.rereadpt(fd).isOk());
        }

        @Test
        void rereadFailsWithEbusyWhileAPartitionIsClaimed() {
            int fd = sim.openRw("/dev/sda");
            sim.add(fd, 1, MIB, MIB);
            sim.open("/dev/sda1", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
            assertEquals(EBUSY, sim.rereadpt(fd).errno());
        }

        @Test
        void aPlainOpenOfTheWholeDiskDoesNotBlockReread() {
            sim.open("/dev/sda", OpenFlags.O_RDONLY);
            int fd = sim.open("/dev/sda", OpenFlags.O_RDONLY);
            assertTrue(sim.rereadpt(fd).isOk());
        }

        @Test
        void capabilityIsTestedBeforeThePartitionCheck() {
            int fd = sim.openRw("/dev/sda");
            sim.add(fd, 1, MIB, MIB);
            Task nocap = sim.rootWithoutCaps();
            int p = sim.open(nocap, "/dev/sda1", OpenFlags.O_RDONLY);
            assertEquals(EACCES, sim.kernel.ioctl(nocap, p, Ioctl.BLKRRPART, IoctlArg.NULL).errno());
            int q = sim.open("/dev/sda1", OpenFlags.O_RDONLY);
            assertEquals(EINVAL, sim.rereadpt(q).errno());
        }

        @Test
        void unrecognisedTableDropsEveryPartitionAndLogsNothing() {
            int fd = sim.openRw("/dev/sda");
            sim.add(fd, 1, MIB, MIB);
            sim.add(fd, 7, 8 * MIB, MIB);
            int before = sim.log().size();
            assertTrue(sim.rereadpt(fd).isOk());
            assertEquals(List.of(), numbers(sim, "sda"));
            assertEquals(before, sim.log().size());
        }

        @Test
        void withoutPartitionParsersAValidTableIsNotSeen() {
            try (Sim s = new Sim(Profile.LINUX_6_18, KernelConfig.noPartitionParsers()).disk("sda", 64 * MIB)) {
                s.writeLabel("/dev/sda", 512, Sim.sampleDos()::writeTo);
                int fd = s.openRw("/dev/sda");
                s.add(fd, 1, MIB, MIB);
                assertTrue(s.rereadpt(fd).isOk());
                assertEquals(List.of(), numbers(s, "sda"));
            }
        }

        @Test
        void partitionStartingBeyondTheEndIsSkippedAndOneRunningPastItIsTruncated() {
            DosLabel label = new DosLabel(512, 1).primary(1, 200_000, 100, 0x83, false)
                    .primary(2, 100_000, 100_000, 0x83, false);
            sim.writeLabel("/dev/sda", 512, label::writeTo);
            int fd = sim.openRw("/dev/sda");
            assertTrue(sim.rereadpt(fd).isOk());
            assertEquals(List.of(2), numbers(sim, "sda"));
            assertEquals(131072 - 100_000, sim.bdev("sda2").nrSects());
            List<String> log = sim.log();
            assertTrue(log.contains("sda: p1 start 200000 is beyond EOD, truncated"), log.toString());
            assertTrue(log.contains("sda: p2 size 100000 extends beyond EOD, truncated"), log.toString());
        }

        @Test
        void loopWithoutPartscanRefusesRereadButKeepsBlkpgPartitions() {
            sim.disk(DiskSpec.of("loop0", 64 * MIB).withPartscan(false));
            int fd = sim.openRw("/dev/loop0");
            assertTrue(sim.add(fd, 1, MIB, MIB).isOk());
            assertEquals("259:0", sim.bdev("loop0p1").dev().toString());
            assertEquals(EINVAL, sim.rereadpt(fd).errno());
            assertTrue(sim.gendisk("loop0").partition(1) != null);
        }

        @Test
        void loopWithPartscanFindsItsTableAndNamesPartitionsWithP() {
            sim.disk("loop1", 64 * MIB);
            sim.writeLabel("/dev/loop1", 512, Sim.sampleDos()::writeTo);
            int fd = sim.openRw("/dev/loop1");
            assertTrue(sim.rereadpt(fd).isOk());
            assertEquals(" loop1: p1 p2 p3 < p5 p6 >", sim.log().getLast());
            assertTrue(sim.kernel.genhd().lookup("loop1p5").isPresent());
        }
    }

    @Nested
    class Linux2632 {
        final Sim sim = Sim.old().disk("sda", 64 * MIB);

        @Test
        void partitionCheckIsTestedBeforeTheCapability() {
            int fd = sim.openRw("/dev/sda");
            sim.add(fd, 1, MIB, MIB);
            Task nocap = sim.rootWithoutCaps();
            int p = sim.open(nocap, "/dev/sda1", OpenFlags.O_RDONLY);
            assertEquals(EINVAL, sim.kernel.ioctl(nocap, p, Ioctl.BLKRRPART, IoctlArg.NULL).errno());
            int w = sim.open(nocap, "/dev/sda", OpenFlags.O_RDONLY);
            assertEquals(EACCES, sim.kernel.ioctl(nocap, w, Ioctl.BLKRRPART, IoctlArg.NULL).errno());
        }

        @Test
        void unrecognisedTableLogsUnknownPartitionTable() {
            int fd = sim.openRw("/dev/sda");
            assertTrue(sim.rereadpt(fd).isOk());
            assertEquals(" sda: unknown partition table", sim.log().getLast());
        }

        @Test
        void diskRegistrationLogsItsFirstScan() {
            assertTrue(sim.log().contains(" sda: unknown partition table"), sim.log().toString());
        }

        @Test
        void openPartitionMakesRereadBusy() {
            int fd = sim.openRw("/dev/sda");
            sim.add(fd, 1, MIB, MIB);
            sim.open("/dev/sda1", OpenFlags.O_RDONLY);
            assertEquals(EBUSY, sim.rereadpt(fd).errno());
        }

        @Test
        void anExclusiveHolderOfTheWholeDiskDoesNotBlockReread() {
            sim.open("/dev/sda", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
            int fd = sim.open("/dev/sda", OpenFlags.O_RDONLY);
            assertTrue(sim.rereadpt(fd).isOk());
        }

        @Test
        void anotherHolderOfBdMutexMakesRereadBusy() {
            int fd = sim.openRw("/dev/sda");
            Task other = sim.user("udevd", blocksim.api.Credentials.ROOT);
            BlockDevice whole = sim.bdev("sda");
            assertTrue(whole.bdMutex.tryLock(other));
            assertEquals(EBUSY, sim.rereadpt(fd).errno());
            whole.bdMutex.unlock(other);
            assertTrue(sim.rereadpt(fd).isOk());
        }

        @Test
        void aFilesystemOnTheWholeDiskMakesRereadReturnOneWithoutRescanning() {
            int fd = sim.openRw("/dev/sda");
            sim.add(fd, 1, MIB, MIB);
            sim.bdev("sda").bdSuper = new Object();
            SysResult r = sim.rereadpt(fd);
            assertTrue(r.isOk());
            assertEquals(1, r.value());
            assertEquals(List.of(1), numbers(sim, "sda"));
        }

        @Test
        void partitionsBeyondTheEndAreIgnoredOrLimitedWithTheOldMessages() {
            DosLabel label = new DosLabel(512, 1).primary(1, 200_000, 100, 0x83, false)
                    .primary(2, 100_000, 100_000, 0x83, false);
            sim.writeLabel("/dev/sda", 512, label::writeTo);
            int fd = sim.openRw("/dev/sda");
            assertTrue(sim.rereadpt(fd).isOk());
            List<String> log = sim.log();
            assertTrue(log.contains("sda: p1 ignored, start 200000 is behind the end of the disk"), log.toString());
            assertTrue(log.contains("sda: p2 size 100000 exceeds device capacity, limited to end of disk"), log.toString());
            assertEquals(31072, sim.bdev("sda2").nrSects());
        }

        @Test
        void virtioDiskKeepsOnlyFifteenSlotsWhenScanning() {
            try (Sim s = Sim.old().disk("vda", 64 * MIB)) {
                s.writeLabel("/dev/vda", 512, Sim.sampleDos()::writeTo);
                int fd = s.openRw("/dev/vda");
                assertTrue(s.rereadpt(fd).isOk());
                assertEquals(List.of(1, 2, 3, 5, 6), numbers(s, "vda"));
            }
        }

        @Test
        void loopWithoutMaxPartCannotBePartitioned() {
            sim.disk("loop0", 64 * MIB);
            int fd = sim.openRw("/dev/loop0");
            assertEquals(EINVAL, sim.rereadpt(fd).errno());
            assertEquals(EINVAL, sim.add(fd, 1, MIB, MIB).errno());
        }

        @Test
        void loopWithMaxPartScansAtBindAndNamesPartitionsWithP() {
            try (Sim s = new Sim(Profile.LINUX_2_6_32, KernelConfig.defaults().withLoopMaxPart(15))) {
                s.disk("loop0", 64 * MIB);
                s.writeLabel("/dev/loop0", 512, Sim.sampleDos()::writeTo);
                int fd = s.openRw("/dev/loop0");
                assertTrue(s.rereadpt(fd).isOk());
                assertEquals(" loop0: p1 p2 p3 < p5 p6 >", s.log().getLast());
                assertEquals("7:5", s.bdev("loop0p5").dev().toString());
                assertFalse(s.kernel.genhd().lookup("loop0p16").isPresent());
            }
        }
    }
}
