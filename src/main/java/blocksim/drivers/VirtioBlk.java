package blocksim.drivers;

import blocksim.api.DiskSpec;
import blocksim.block.BlockDriver;
import blocksim.block.DiskStore;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.api.Task;
import java.util.EnumSet;

/**
 * virtio disks, {@code drivers/block/virtio_blk.c}: {@code vda}, {@code vdb}, ..., on the major
 * {@code register_blkdev(0, "virtblk")} hands out (254 when it registers first), 16 minors each
 * ({@code PART_BITS} 4, first minor {@code index << 4}). Without {@code GENHD_FL_EXT_DEVT} a 2.6.32
 * virtio disk holds at most 15 partitions; 6.18 puts numbers 16-255 on major 259.
 */
final class VirtioBlk implements DiskDriver, BlockDriver {

    static final int PART_BITS = 4;
    private final int major;

    VirtioBlk(Genhd genhd) {
        this.major = genhd.registerBlkdev(0, "virtblk");
    }

    @Override
    public String name() {
        return "virtblk";
    }

    @Override
    public String module() {
        return "virtio_blk";
    }

    @Override
    public boolean owns(String name) {
        return name.startsWith("vd") && DiskNames.letterIndex(name.substring(2)) >= 0;
    }

    @Override
    public String names() {
        return "vda, vdb, ... (virtio disks)";
    }

    @Override
    public Gendisk probe(Genhd genhd, DiskSpec spec, DiskStore medium, Task task) {
        int index = DiskNames.letterIndex(spec.name().substring(2));
        Gendisk disk = genhd.allocDisk(this, major, index << PART_BITS, 1 << PART_BITS, spec.name(),
                EnumSet.noneOf(Gendisk.Flag.class));
        return DiskDriver.register(genhd, disk, spec, medium, task);
    }
}
