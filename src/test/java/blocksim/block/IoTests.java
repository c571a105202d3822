package blocksim.block;

import static blocksim.api.Errno.EINVAL;
import static blocksim.api.Errno.EIO;
import static blocksim.api.Errno.ENOSPC;
import static blocksim.testing.Sim.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.SysResult;
import blocksim.testing.Sim;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Reads and writes through partitions: remapping, the end of a device, and bios past it. */
class IoTests {

    static final long P1_SIZE = 16 * 512;

    SysResult pwrite(Sim sim, int fd, byte[] b, long pos) {
        return sim.kernel.pwrite(sim.root, fd, b, 0, b.length, pos);
    }

    SysResult pread(Sim sim, int fd, byte[] b, long pos) {
        return sim.kernel.pread(sim.root, fd, b, 0, b.length, pos);
    }

    @Nested
    class Linux618 {
        final Sim sim = Sim.modern().disk("sda", 64 * MIB);
        final int fd = sim.openRw("/dev/sda");
        final int p;

        Linux618() {
            sim.add(fd, 1, MIB, P1_SIZE);
            p = sim.openRw("/dev/sda1");
        }

        @Test
        void aWriteToAPartitionLandsAtItsStartOnTheDisk() {
            byte[] hello = "hello, partition".getBytes(StandardCharsets.US_ASCII);
            assertEquals(hello.length, pwrite(sim, p, hello, 100).value());
            byte[] back = new byte[hello.length];
            pread(sim, fd, back, MIB + 100);
            assertArrayEquals(hello, back);
        }

        @Test
        void writingAtOrPastTheEndIsEnospcAndAcrossItIsShort() {
            assertEquals(ENOSPC, pwrite(sim, p, new byte[512], P1_SIZE).errno());
            assertEquals(ENOSPC, pwrite(sim, p, new byte[512], P1_SIZE + 512).errno());
            assertEquals(512, pwrite(sim, p, new byte[1024], P1_SIZE - 512).value());
            assertEquals(0, pwrite(sim, p, new byte[0], P1_SIZE + 4096).value(), "an empty write returns 0");
        }

        @Test
        void readingAtOrPastTheEndIsZeroAndAcrossItIsShort() {
            assertEquals(0, pread(sim, p, new byte[512], P1_SIZE).value());
            assertEquals(0, pread(sim, p, new byte[512], P1_SIZE + 512).value());
            assertEquals(512, pread(sim, p, new byte[1024], P1_SIZE - 512).value());
        }

        @Test
        void seekingPastTheEndOfADeviceIsEinval() {
            assertEquals(P1_SIZE, sim.kernel.lseek(sim.root, p, P1_SIZE, 0).value());
            assertEquals(EINVAL, sim.kernel.lseek(sim.root, p, P1_SIZE + 1, 0).errno());
            assertEquals(EINVAL, sim.kernel.lseek(sim.root, p, -1, 0).errno());
        }

        @Test
        void aBioPastThePartitionEndFailsWithEioAndIsLogged() {
            BlockDevice part = sim.bdev("sda1");
            Bio bio = new Bio(Bio.Op.READ, part, 15, new byte[1024], 0, 1024);
            assertEquals(-EIO.number(), sim.kernel.genhd().blk().submitBio(bio, sim.root));
            assertEquals("sh: attempt to access beyond end of device\nsda1: rw=0, sector=15, nr_sectors = 2 limit=16",
                    sim.log().getLast());
        }

        @Test
        void theBeyondEndMessageIsRateLimitedToTenPerFiveSeconds() {
            BlockDevice part = sim.bdev("sda1");
            int before = sim.log().size();
            for (int i = 0; i < 15; i++) {
                sim.kernel.genhd().blk().submitBio(new Bio(Bio.Op.WRITE, part, 16, new byte[512], 0, 512), sim.root);
            }
            assertEquals(before + 10, sim.log().size());
            sim.kernel.clock().advance(5_000_000_001L);
            sim.kernel.genhd().blk().submitBio(new Bio(Bio.Op.WRITE, part, 16, new byte[512], 0, 512), sim.root);
            List<String> log = sim.log();
            assertEquals("bio_check_eod: 5 callbacks suppressed", log.get(log.size() - 2));
            assertTrue(log.getLast().endsWith("rw=1, sector=16, nr_sectors = 1 limit=16"));
        }

        @Test
        void aKernelWriteToAReadOnlyDeviceIsWarnedOnceAndCarriedOut() {
            sim.ioctl(fd, blocksim.uapi.Ioctl.BLKROSET, new blocksim.uapi.IntCell(1));
            BlockDevice part = sim.bdev("sda1");
            // a bio is ended once: each write is a bio of its own
            assertEquals(0, sim.kernel.genhd().blk().submitBio(new Bio(Bio.Op.WRITE, part, 0, new byte[512], 0, 512), sim.root));
            sim.kernel.genhd().blk().submitBio(new Bio(Bio.Op.WRITE, part, 0, new byte[512], 0, 512), sim.root);
            assertEquals(1, sim.log().stream().filter(l -> l.equals("Trying to write to read-only block-device sda1")).count());
        }
    }

    @Nested
    class Linux2632 {
        final Sim sim = Sim.old().disk("sda", 64 * MIB);
        final int fd = sim.openRw("/dev/sda");
        final int p;

        Linux2632() {
            sim.add(fd, 1, MIB, P1_SIZE);
            p = sim.openRw("/dev/sda1");
        }

        @Test
        void anEmptyWriteExactlyAtTheEndIsZeroButPastItIsEnospc() {
            assertEquals(0, pwrite(sim, p, new byte[0], P1_SIZE).value());
            assertEquals(ENOSPC, pwrite(sim, p, new byte[0], P1_SIZE + 512).errno());
            assertEquals(ENOSPC, pwrite(sim, p, new byte[512], P1_SIZE).errno());
        }

        @Test
        void aBioPastThePartitionEndLogsTwoLinesEveryTime() {
            BlockDevice part = sim.bdev("sda1");
            for (int i = 0; i < 12; i++) {
                Bio bio = new Bio(Bio.Op.READ, part, 15, new byte[1024], 0, 1024);
                assertEquals(-EIO.number(), sim.kernel.genhd().blk().submitBio(bio, sim.root));
            }
            List<String> log = sim.log();
            assertEquals(24, log.stream().filter(l -> l.equals("attempt to access beyond end of device")
                    || l.equals("sda1: rw=0, want=17, limit=16")).count());
        }
    }
}
