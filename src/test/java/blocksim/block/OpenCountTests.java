package blocksim.block;

import static blocksim.api.Errno.EBUSY;
import static blocksim.api.Errno.ENXIO;
import static blocksim.testing.Sim.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.Errno;
import blocksim.api.Task;
import blocksim.testing.Sim;
import blocksim.uapi.OpenFlags;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Open counts and exclusive claims: 6.18 block/bdev.c, 2.6.32 fs/block_dev.c. */
class OpenCountTests {

    static final int RO = OpenFlags.O_RDONLY;
    static final int EXCL = OpenFlags.O_RDONLY | OpenFlags.O_EXCL;

    @Nested
    class Linux618 {
        final Sim sim = Sim.modern().disk("sda", 64 * MIB);
        final int fd = sim.openRw("/dev/sda");

        Linux618() {
            sim.add(fd, 1, MIB, MIB);
            sim.add(fd, 2, 4 * MIB, MIB);
        }

        @Test
        void everyOpenOfAPartitionAlsoOpensTheWholeDisk() {
            sim.open("/dev/sda1", RO);
            sim.open("/dev/sda1", RO);
            assertEquals(2, sim.bdev("sda1").openers());
            assertEquals(3, sim.bdev("sda").openers(), "the whole disk counts its own fd and each partition fd");
            assertEquals(1, sim.gendisk("sda").openPartitions(), "open_partitions counts partitions, not fds");
        }

        @Test
        void closingEveryFileBringsTheCountsBackToZero() {
            int a = sim.open("/dev/sda1", RO);
            int b = sim.open("/dev/sda2", EXCL);
            sim.kernel.close(sim.root, a);
            sim.kernel.close(sim.root, b);
            sim.kernel.close(sim.root, fd);
            assertEquals(0, sim.bdev("sda").openers());
            assertEquals(0, sim.bdev("sda1").openers());
            assertEquals(0, sim.gendisk("sda").openPartitions());
            assertEquals(0, sim.bdev("sda").holders());
            assertFalse(sim.bdev("sda2").isClaimed());
        }

        @Test
        void exitingATaskClosesItsFiles() {
            Task job = sim.user("sleep", blocksim.api.Credentials.ROOT);
            sim.open(job, "/dev/sda1", EXCL);
            assertEquals(EBUSY, sim.del(fd, 1).errno());
            sim.kernel.exit(job);
            assertTrue(sim.del(fd, 1).isOk());
        }

        @Test
        void claimingTheWholeDiskFailsWhileAPartitionIsClaimed() {
            sim.open("/dev/sda1", EXCL);
            assertEquals(EBUSY, sim.tryOpen("/dev/sda", EXCL).errno());
            assertTrue(sim.tryOpen("/dev/sda", RO).isOk());
        }

        @Test
        void claimingAPartitionFailsWhileTheWholeDiskIsClaimed() {
            sim.open("/dev/sda", EXCL);
            assertEquals(EBUSY, sim.tryOpen("/dev/sda1", EXCL).errno());
            assertTrue(sim.tryOpen("/dev/sda1", RO).isOk());
        }

        @Test
        void twoPartitionsCanBeClaimedByDifferentHolders() {
            sim.open("/dev/sda1", EXCL);
            assertTrue(sim.tryOpen("/dev/sda2", EXCL).isOk());
            assertEquals(2, sim.bdev("sda").holders());
        }

        @Test
        void everyExclusiveFileIsItsOwnHolder() {
            sim.open("/dev/sda1", EXCL);
            assertEquals(EBUSY, sim.tryOpen("/dev/sda1", EXCL).errno());
        }

        @Test
        void aClaimedWholeDiskCountsTwoHolders() {
            sim.open("/dev/sda", EXCL);
            assertEquals(2, sim.bdev("sda").holders());
        }

        @Test
        void plainOpensDoNotStopAClaim() {
            sim.open("/dev/sda", RO);
            sim.open("/dev/sda1", RO);
            assertTrue(sim.tryOpen("/dev/sda1", EXCL).isOk());
        }

        @Test
        void theClaimIsTestedBeforeTheDiskIsFoundDead() {
            BlockDevice whole = sim.bdev("sda");
            Object holder = new Object();
            Bdev bdev = sim.kernel.genhd().bdev();
            assertEquals(0, bdev.blkdevGet(whole, Bdev.MODE_READ, holder, sim.root));
            sim.kernel.genhd().delGendisk(sim.gendisk("sda"));
            assertEquals(-EBUSY.number(), bdev.blkdevGet(whole, Bdev.MODE_READ, new Object(), sim.root));
            assertEquals(-ENXIO.number(), bdev.blkdevGet(whole, Bdev.MODE_READ, null, sim.root));
        }

        @Test
        void openingAPartitionThatWasDeletedIsImpossibleThroughDev() {
            sim.del(fd, 2);
            assertEquals(Errno.ENOENT, sim.tryOpen("/dev/sda2", RO).errno());
        }

        @Test
        void openFailsWithEnxioOnceTheDiskIsGoneButOldFilesStayOpen() {
            int p = sim.open("/dev/sda1", RO);
            sim.kernel.diskRemove("sda");
            assertEquals(Errno.ENOENT, sim.tryOpen("/dev/sda", RO).errno());
            byte[] buf = new byte[512];
            assertEquals(Errno.EIO, sim.kernel.read(sim.root, p, buf, 0, 512).errno());
            assertTrue(sim.kernel.close(sim.root, p).isOk());
        }
    }

    @Nested
    class Linux2632 {
        final Sim sim = Sim.old().disk("sda", 64 * MIB);
        final int fd = sim.openRw("/dev/sda");

        Linux2632() {
            sim.add(fd, 1, MIB, MIB);
            sim.add(fd, 2, 4 * MIB, MIB);
        }

        @Test
        void onlyTheFirstOpenOfAPartitionOpensTheWholeDisk() {
            sim.open("/dev/sda1", RO);
            sim.open("/dev/sda1", RO);
            sim.open("/dev/sda2", RO);
            assertEquals(2, sim.bdev("sda1").openers());
            assertEquals(3, sim.bdev("sda").openers(), "its own fd plus one per open partition");
            assertEquals(2, sim.bdev("sda").partCount(), "bd_part_count counts open partitions");
        }

        @Test
        void closingEveryFileBringsTheCountsBackToZero() {
            int a = sim.open("/dev/sda1", RO);
            int b = sim.open("/dev/sda1", EXCL);
            sim.kernel.close(sim.root, b);
            sim.kernel.close(sim.root, a);
            sim.kernel.close(sim.root, fd);
            assertEquals(0, sim.bdev("sda").openers());
            assertEquals(0, sim.bdev("sda").partCount());
            assertEquals(0, sim.bdev("sda").holders());
        }

        @Test
        void claimsFollowTheSameRules() {
            sim.open("/dev/sda1", EXCL);
            assertEquals(EBUSY, sim.tryOpen("/dev/sda", EXCL).errno());
            assertEquals(EBUSY, sim.tryOpen("/dev/sda1", EXCL).errno());
            assertTrue(sim.tryOpen("/dev/sda2", EXCL).isOk());
        }

        @Test
        void aDeadDiskGivesEnxioBeforeTheClaimIsTried() {
            BlockDevice whole = sim.bdev("sda");
            Bdev bdev = sim.kernel.genhd().bdev();
            assertEquals(0, bdev.blkdevGet(whole, Bdev.MODE_READ, new Object(), sim.root));
            sim.kernel.genhd().delGendisk(sim.gendisk("sda"));
            assertEquals(-ENXIO.number(), bdev.blkdevGet(whole, Bdev.MODE_READ, new Object(), sim.root));
        }

        @Test
        void aZeroLengthPartitionGivesEnxioBeforeTheClaimIsTried() {
            sim.add(fd, 3, 8 * MIB, 0);
            sim.open("/dev/sda", EXCL);
            assertEquals(ENXIO, sim.tryOpen("/dev/sda3", EXCL).errno());
            assertEquals(2, sim.bdev("sda").openers(), "the failed open undid its open of the whole disk");
        }
    }
}
