package blocksim.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Credentials;
import blocksim.api.Task;
import blocksim.kernel.Scheduler;
import blocksim.testing.Sim;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bio path: bios of page segments (at most BIO_MAX_VECS), the partition remap, the split at
 * the queue's max_sectors, and a driver that ends bios later, for whom the submitter waits.
 */
class BioTests {

    /** A driver that keeps every bio until the test ends it. */
    static final class Holding implements BlockDriver {
        final List<Bio> held = new ArrayList<>();

        @Override
        public String name() {
            return "holding";
        }

        @Override
        public void submitBio(Gendisk disk, Bio bio) {
            held.add(bio);
        }
    }

    @Test
    void aBioIsRemappedSplitAtMaxSectorsAndWaitedFor() {
        try (Sim sim = Sim.modern().disk("sda", 64 * Sim.MIB)) {
            Gendisk disk = sim.gendisk("sda");
            Holding drv = new Holding();
            BlockDriver old = disk.fops;
            disk.fops = drv;
            disk.maxSectors = 8;
            Scheduler s = sim.kernel.scheduler();
            Task t = sim.kernel.spawn("io", Credentials.ROOT);
            byte[] buf = new byte[10 * 512];
            int[] ret = {1};
            Scheduler.KThread th = s.spawn(t, "io", () -> ret[0] = sim.kernel.genhd().blk()
                    .submitBio(new Bio(Bio.Op.READ, disk.part0, 100, buf, 0, buf.length), t));
            s.runRunnable();
            assertEquals(blocksim.api.Scheduling.State.PARKED, th.state(), "the submitter waits for its driver");
            assertTrue(th.waitingFor().contains("its driver has not ended it"), th.waitingFor());
            assertEquals(2, drv.held.size(), "10 sectors at most 8 at a time");
            assertEquals(List.of(100L, 108L), drv.held.stream().map(Bio::sector).toList());
            assertEquals(List.of(8, 2), drv.held.stream().map(Bio::sectors).toList());
            drv.held.get(1).endio(0);
            s.runRunnable();
            assertEquals(blocksim.api.Scheduling.State.PARKED, th.state(), "one piece still out");
            drv.held.get(0).endio(-5);
            assertNull(s.runUntil(th::done));
            assertEquals(-5, ret[0], "the chain's first error");
            assertThrows(IllegalStateException.class, () -> drv.held.get(0).endio(0), "a bio ends once");
            disk.fops = old;
        }
    }

    @Test
    void segmentsArePagesAndAtMostBioMaxVecs() {
        try (Sim sim = Sim.modern().disk("sda", 64 * Sim.MIB)) {
            Bio b = new Bio(Bio.Op.WRITE, sim.bdev("sda"), 0, new byte[3 * 4096 + 512], 0, 3 * 4096 + 512);
            assertEquals(List.of(4096, 4096, 4096, 512), b.vecs().stream().map(Bio.Vec::len).toList());
            assertThrows(IllegalArgumentException.class,
                    () -> new Bio(Bio.Op.READ, sim.bdev("sda"), 0, new byte[257 * 4096], 0, 257 * 4096));
        }
    }
}
