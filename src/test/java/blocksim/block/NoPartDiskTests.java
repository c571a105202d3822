package blocksim.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import blocksim.api.Errno;
import blocksim.testing.Sim;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** A 6.18 disk that cannot hold partitions ({@code GENHD_FL_NO_PART}, as zram or a floppy). */
class NoPartDiskTests {

    @Test
    void blkpgAddAndRereadAreEinvalAndExtRangeIsOne() {
        try (Sim sim = Sim.modern()) {
            Genhd genhd = sim.kernel.genhd();
            BlockDriver ram = () -> "ramdisk";
            int major = genhd.registerBlkdev(0, "ramdisk");
            Gendisk disk = genhd.allocDisk(ram, major, 0, 1, "zram0", EnumSet.of(Gendisk.Flag.NO_PART));
            disk.setMedium(512, new DiskStore(1 << 20));
            genhd.addDisk(disk, sim.root);
            int fd = sim.openRw("/dev/zram0");
            assertEquals(Errno.EINVAL, sim.ioctl(fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, 4096, 4096)).errno());
            assertEquals(Errno.EINVAL, sim.ioctl(fd, Ioctl.BLKRRPART, IoctlArg.NULL).errno());
            assertEquals("1\n", sim.cat("/sys/block/zram0/ext_range"));
            assertEquals("0\n", sim.cat("/sys/block/zram0/partscan"));
        }
    }
}
