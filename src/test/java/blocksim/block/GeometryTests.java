package blocksim.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.userland.ShellHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Disks with real geometry (a scsi_debug-like disk): a physical sector bigger than the logical
 * one, an alignment offset, minimum and optimal I/O sizes, vendor and model. BLKPBSZGET,
 * BLKIOMIN, BLKIOOPT and BLKALIGNOFF answer them (block/ioctl.c; bdev_alignment_offset's
 * queue_limit_alignment_offset for a partition, both eras), sysfs shows queue/ and device/, and
 * sfdisk prints the Disk model line and the physical-boundary warning (util-linux 2.38.1
 * fdisk-list.c).
 */
class GeometryTests {

    @ParameterizedTest
    @EnumSource(Profile.class)
    void aScsiDebugLikeDisk(Profile profile) {
        try (ShellHarness h = new ShellHarness(profile, KernelConfig.defaults())) {
            h.ok("disk add sda 64MiB --physical-sector-size 4096 --alignment-offset 512 --io-opt 65536 --vendor Linux"
                    + " --model scsi_debug");
            assertEquals("4096\n4096\n65536\n512\n", h.ok("blockdev --getpbsz --getiomin --getioopt --getalignoff /dev/sda"));
            assertEquals("4096\n4096\n65536\nscsi_debug      \n", h.ok("cat /sys/block/sda/queue/physical_block_size"
                    + " /sys/block/sda/queue/minimum_io_size /sys/block/sda/queue/optimal_io_size /sys/block/sda/device/model"));
            h.ok("sfdisk --quiet /dev/sda <<EOF\nlabel: dos\nlabel-id: 0x1234abcd\nstart=2049, size=8192\nstart=12288, size=8192\nEOF");
            // granularity 8 sectors, the disk's offset 1 sector: partition 1 at 2049 starts on a
            // physical sector (its own offset 0); partition 2 at 12288 is one sector short of one
            assertEquals("0\n", h.ok("blockdev --getalignoff /dev/sda1"));
            assertEquals("0\n", h.ok("cat /sys/block/sda/sda1/alignment_offset"));
            assertEquals("512\n", h.ok("blockdev --getalignoff /dev/sda2"));
            ShellHarness.Run l = h.run("sfdisk -l /dev/sda");
            assertTrue(l.output().startsWith("Disk /dev/sda: 64 MiB, 67108864 bytes, 131072 sectors\nDisk model: scsi_debug\n"),
                    l.output());
            assertTrue(l.output().contains("Sector size (logical/physical): 512 bytes / 4096 bytes\n"
                    + "I/O size (minimum/optimal): 4096 bytes / 65536 bytes\nAlignment offset: 512 bytes\n"), l.output());
            assertTrue(l.output().contains("Partition 2 does not start on physical sector boundary."), l.output());
            assertTrue(!l.output().contains("Partition 1 does not start"), l.output());
        }
    }
}
