package blocksim.drivers;

import blocksim.api.DiskSpec;
import blocksim.block.BlockDriver;
import blocksim.block.DiskStore;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.api.Errno;
import blocksim.api.Task;
import java.util.EnumSet;

/**
 * The "partitionable disk" driver of the Linux Device Drivers lesson (seed 001, {@code spull}):
 * four units {@code pda}..{@code pdd} on a dynamically allocated major, each with 16 minors,
 * so that {@code minor = unit << 4 | partition} and a unit holds partitions 1-15 in its own range.
 * Everything else (per-partition sizes, remapping requests by the partition's start, refusing
 * requests past a partition's end) is the generic block layer's work, as it has been since 2.6.
 * In 6.18 a partition numbered 16 or more would still be allowed, on major 259.
 */
final class Pd implements DiskDriver, BlockDriver {

    /** {@code SPULL_SHIFT}. */
    static final int PD_SHIFT = 4;
    /** {@code SPULL_MAXNRDEV}. */
    static final int PD_UNITS = 4;
    private int major;

    @Override
    public String name() {
        return "pd";
    }

    @Override
    public String module() {
        return "pd";
    }

    @Override
    public boolean owns(String name) {
        return name.length() == 3 && name.startsWith("pd") && name.charAt(2) >= 'a' && name.charAt(2) < 'a' + PD_UNITS;
    }

    @Override
    public String names() {
        return "pda, pdb, pdc, pdd (the partitionable LDD driver)";
    }

    @Override
    public Gendisk probe(Genhd genhd, DiskSpec spec, DiskStore medium, Task task) {
        if (major == 0) {
            int m = genhd.registerBlkdev(0, "pd");
            if (m < 0) {
                throw new IllegalArgumentException("pd: unable to get a major number: " + Errno.EBUSY.strerror());
            }
            major = m;
        }
        int unit = spec.name().charAt(2) - 'a';
        Gendisk disk = genhd.allocDisk(this, major, unit << PD_SHIFT, 1 << PD_SHIFT, spec.name(),
                EnumSet.noneOf(Gendisk.Flag.class));
        return DiskDriver.register(genhd, disk, spec, medium, task);
    }
}
