package blocksim.drivers;

import blocksim.api.DiskSpec;
import blocksim.block.BlockDriver;
import blocksim.block.DiskStore;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.api.Task;
import java.util.EnumSet;
import java.util.Set;

/**
 * SCSI disks, {@code drivers/scsi/sd.c}: {@code sda}, {@code sdb}, ..., 16 minors each
 * ({@code SD_MINORS}), spread over the 16 sd majors (8, 65-71, 128-135) by {@code sd_major}.
 * 2.6.32 sets {@code GENHD_FL_EXT_DEVT}, so partitions 16-255 live on major 259 in both eras.
 */
final class Sd implements DiskDriver, BlockDriver {

    static final int SD_MINORS = 16;

    Sd(Genhd genhd) {
        for (int i = 0; i < 16; i++) {
            genhd.registerBlkdev(sdMajor(i), "sd");
        }
    }

    /** {@code drivers/scsi/sd.c:sd_major}. */
    static int sdMajor(int majorIdx) {
        if (majorIdx == 0) {
            return 8;
        }
        if (majorIdx <= 7) {
            return 64 + majorIdx;
        }
        return 128 + majorIdx - 8;
    }

    @Override
    public String name() {
        return "sd";
    }

    @Override
    public String module() {
        return "sd_mod";
    }

    @Override
    public boolean owns(String name) {
        return name.startsWith("sd") && DiskNames.letterIndex(name.substring(2)) >= 0;
    }

    @Override
    public String names() {
        return "sda, sdb, ... (SCSI disks)";
    }

    /**
     * {@code sd_probe}: the disk at {@code index} gets major {@code sd_major((index & 0xf0) >> 4)}
     * and first minor {@code ((index & 0xf) << 4) | (index & 0xfff00)}.
     */
    @Override
    public Gendisk probe(Genhd genhd, DiskSpec spec, DiskStore medium, Task task) {
        int index = DiskNames.letterIndex(spec.name().substring(2));
        int major = sdMajor((index & 0xf0) >> 4);
        int firstMinor = ((index & 0xf) << 4) | (index & 0xfff00);
        Set<Gendisk.Flag> flags = DriverRules.of(genhd.profile()).sdExtDevt() ? EnumSet.of(Gendisk.Flag.EXT_DEVT)
                : EnumSet.noneOf(Gendisk.Flag.class);
        Gendisk disk = genhd.allocDisk(this, major, firstMinor, SD_MINORS, spec.name(), flags);
        return DiskDriver.register(genhd, disk, spec, medium, task);
    }
}
