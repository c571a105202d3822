package blocksim.drivers;

import static blocksim.testing.Sim.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.DiskSpec;
import blocksim.api.Errno;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.testing.Sim;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import org.junit.jupiter.api.Test;

/** Disk names, majors and minors per driver, and the loop device's life cycle. */
class DriverTests {

    @Test
    void sdDisksSpreadOverTheSdMajorsSixteenMinorsApart() {
        try (Sim sim = Sim.modern()) {
            sim.disk("sda", MIB).disk("sdb", MIB).disk("sdp", MIB).disk("sdq", MIB).disk("sdaa", MIB);
            assertEquals("8:0", sim.bdev("sda").dev().toString());
            assertEquals("8:16", sim.bdev("sdb").dev().toString());
            assertEquals("8:240", sim.bdev("sdp").dev().toString());
            assertEquals("65:0", sim.bdev("sdq").dev().toString());
            assertEquals("65:160", sim.bdev("sdaa").dev().toString());
        }
    }

    @Test
    void theSdMajorsGoFrom8To65Then128() {
        assertEquals(8, Sd.sdMajor(0));
        assertEquals(65, Sd.sdMajor(1));
        assertEquals(71, Sd.sdMajor(7));
        assertEquals(128, Sd.sdMajor(8));
        assertEquals(135, Sd.sdMajor(15));
    }

    @Test
    void virtioTakesTheFirstDynamicMajor() {
        try (Sim sim = Sim.modern().disk("vda", MIB).disk("vdb", MIB)) {
            assertEquals("254:0", sim.bdev("vda").dev().toString());
            assertEquals("254:16", sim.bdev("vdb").dev().toString());
        }
    }

    @Test
    void thePdDriverGivesEachUnitSixteenMinorsAndItsOwnPartitionSizes() {
        try (Sim sim = Sim.old().disk("pda", 16 * MIB).disk("pdb", 16 * MIB)) {
            assertEquals("253:0", sim.bdev("pda").dev().toString());
            assertEquals("253:16", sim.bdev("pdb").dev().toString());
            int fd = sim.openRw("/dev/pdb");
            sim.add(fd, 1, MIB, 2 * MIB);
            sim.add(fd, 15, 4 * MIB, MIB);
            assertEquals("253:17", sim.bdev("pdb1").dev().toString(), "minor = unit << 4 | partition");
            assertEquals("253:31", sim.bdev("pdb15").dev().toString());
            assertEquals(Errno.EINVAL, sim.add(fd, 16, 8 * MIB, MIB).errno(), "15 partitions at most");
            assertEquals(4096, sim.getLong(sim.openRw("/dev/pdb1"), Ioctl.BLKGETSIZE));
            assertEquals(2048, sim.getLong(sim.openRw("/dev/pdb15"), Ioctl.BLKGETSIZE));
            assertTrue(sim.cat("/proc/devices").contains("253 pd\n"));
        }
    }

    @Test
    void unknownNamesAndDuplicatesAreRefusedWithAMessage() {
        try (Sim sim = Sim.modern().disk("sda", MIB)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sim.disk("hda", MIB));
            assertTrue(e.getMessage().startsWith("disk: hda: no driver takes this name"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> sim.disk("sda", MIB));
            assertEquals("disk: sda: already exists", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> sim.disk("pde", MIB));
        }
    }

    @Test
    void loopDevicesExistFromBootWithoutCapacityAndAreNotListed() {
        try (Sim sim = Sim.modern()) {
            assertTrue(sim.kernel.list(sim.root, "/dev").names().contains("loop7"));
            assertEquals("major minor  #blocks  name\n\n", sim.cat("/proc/partitions"));
            sim.disk("sda", MIB).disk("loop3", 2 * MIB);
            assertEquals("major minor  #blocks  name\n\n"
                    + "   7        3       2048 loop3\n"
                    + "   8        0       1024 sda\n", sim.cat("/proc/partitions"),
                    "loop devices registered at boot come first");
        }
    }

    @Test
    void bindingALoopDeviceLogsTheCapacityChangeIn618Only() {
        try (Sim modern = Sim.modern().disk("loop0", 64 * MIB); Sim old = Sim.old().disk("loop0", 64 * MIB)) {
            assertEquals("loop0: detected capacity change from 0 to 131072", modern.log().getLast());
            assertTrue(old.log().stream().noneMatch(l -> l.contains("capacity change")));
        }
    }

    @Test
    void loopDevicesBeyondTheFirstEightAreCreatedOnDemand() {
        try (Sim sim = Sim.modern().disk("loop12", MIB)) {
            assertEquals("7:12", sim.bdev("loop12").dev().toString());
        }
    }

    @Test
    void loopMaxPartGivesEachDeviceAMinorRange() {
        try (Sim sim = new Sim(Profile.LINUX_6_18, KernelConfig.defaults().withLoopMaxPart(7))) {
            sim.disk(DiskSpec.of("loop1", MIB).withPartscan(false));
            assertEquals("7:8", sim.bdev("loop1").dev().toString());
            assertEquals("1\n", sim.cat("/sys/block/loop1/partscan"), "max_part forces partition scanning on");
        }
    }

    @Test
    void detachingALoopDeviceInUseIsLazyIn618AndBusyIn2632() {
        try (Sim modern = Sim.modern().disk("loop0", 8 * MIB); Sim old = Sim.old().disk("loop0", 8 * MIB)) {
            int fd = modern.open("/dev/loop0", OpenFlags.O_RDONLY);
            assertTrue(modern.kernel.diskRemove("loop0").isOk());
            assertEquals(16384, modern.gendisk("loop0").capacity(), "still bound while open");
            modern.kernel.close(modern.root, fd);
            assertEquals(0, modern.gendisk("loop0").capacity(), "torn down at the last close");

            old.open("/dev/loop0", OpenFlags.O_RDONLY);
            assertEquals(Errno.EBUSY, old.kernel.diskRemove("loop0").errno());
        }
    }

    @Test
    void detachingAPartscanLoopDropsItsPartitionsButANoPartscanOneKeepsThem() {
        try (Sim sim = Sim.modern()) {
            sim.disk("loop0", 8 * MIB).disk(DiskSpec.of("loop1", 8 * MIB).withPartscan(false));
            for (String d : new String[] {"loop0", "loop1"}) {
                int fd = sim.openRw("/dev/" + d);
                sim.add(fd, 1, MIB, MIB);
                sim.kernel.close(sim.root, fd);
                assertTrue(sim.kernel.diskRemove(d).isOk());
            }
            assertTrue(sim.kernel.genhd().lookup("loop0p1").isEmpty());
            assertTrue(sim.kernel.genhd().lookup("loop1p1").isPresent());
            assertEquals("major minor  #blocks  name\n\n", sim.cat("/proc/partitions"));
        }
    }

    /**
     * 6.18 loop_configure commits queue limits, and blk_apply_bdi_limits raises the read-ahead to
     * twice max_sectors but never lowers it; 2.6.32 keeps the 128 KiB default.
     */
    @Test
    void aLoopDevicesReadAheadIsRaisedAtEachBindAndNeverLowered() {
        try (Sim modern = Sim.modern().disk("loop0", 8 * MIB); Sim old = Sim.old().disk("loop0", 8 * MIB)) {
            assertEquals(256, old.getLong(old.open("/dev/loop0", OpenFlags.O_RDONLY), Ioctl.BLKRAGET));
            int fd = modern.open("/dev/loop0", OpenFlags.O_RDONLY);
            assertEquals(5120, modern.getLong(fd, Ioctl.BLKRAGET));
            assertTrue(modern.ioctl(fd, Ioctl.BLKRASET, new IoctlArg.Value(64)).isOk());
            modern.kernel.close(modern.root, fd);
            assertTrue(modern.kernel.diskRemove("loop0").isOk());
            modern.disk("loop0", 8 * MIB);
            fd = modern.open("/dev/loop0", OpenFlags.O_RDONLY);
            assertEquals(5120, modern.getLong(fd, Ioctl.BLKRAGET), "a lowered read-ahead is raised again");
            assertTrue(modern.ioctl(fd, Ioctl.BLKRASET, new IoctlArg.Value(8192)).isOk());
            modern.kernel.close(modern.root, fd);
            assertTrue(modern.kernel.diskRemove("loop0").isOk());
            modern.disk("loop0", 8 * MIB);
            assertEquals(8192, modern.getLong(modern.open("/dev/loop0", OpenFlags.O_RDONLY), Ioctl.BLKRAGET),
                    "a raised one outlives the detach");
        }
    }

    /**
     * Neither era clears a loop device's read-only state at detach; the next bind sets the disk's
     * flag from its LO_FLAGS_READ_ONLY, and only 2.6.32 also resets BLKROSET's flag on the whole
     * disk (set_device_ro), which 6.18 keeps (BD_READ_ONLY). Checked on the live 6.18 kernel.
     */
    @Test
    void aLoopDevicesReadOnlyStateAcrossDetachAndBind() {
        try (Sim modern = Sim.modern(); Sim old = Sim.old()) {
            for (Sim sim : new Sim[] {modern, old}) {
                sim.disk(DiskSpec.of("loop0", 8 * MIB).withReadOnly(true));
                assertTrue(sim.kernel.diskRemove("loop0").isOk());
                assertEquals("1\n", sim.cat("/sys/block/loop0/ro"), "still read-only while unbound");
                sim.disk("loop0", 8 * MIB);
                assertEquals("0\n", sim.cat("/sys/block/loop0/ro"), "the bind sets the disk's flag");
                int fd = sim.open("/dev/loop0", OpenFlags.O_RDONLY);
                assertTrue(sim.ioctl(fd, Ioctl.BLKROSET, new blocksim.uapi.IntCell(1)).isOk());
                sim.kernel.close(sim.root, fd);
                assertTrue(sim.kernel.diskRemove("loop0").isOk());
                sim.disk("loop0", 8 * MIB);
            }
            assertEquals("1\n", modern.cat("/sys/block/loop0/ro"), "6.18 keeps BLKROSET's flag");
            assertEquals("0\n", old.cat("/sys/block/loop0/ro"), "2.6.32 loop_set_fd resets it");
        }
    }

    @Test
    void removingAnUnknownDiskIsEnxio() {
        try (Sim sim = Sim.modern()) {
            assertEquals(Errno.ENXIO, sim.kernel.diskRemove("sdz").errno());
            assertEquals(Errno.ENXIO, sim.kernel.diskRemove("loop5").errno());
        }
    }

    /**
     * 6.18's capacity-change line is ratelimited for every disk together (measured on 6.18.44:
     * 14 loop binds in a row log 10 lines; the next after a quiet interval says how many were
     * suppressed).
     */
    @Test
    void capacityChangeLinesAreRatelimitedTenPerFiveSeconds() {
        try (Sim sim = Sim.modern()) {
            for (int i = 0; i < 14; i++) {
                sim.disk("loop" + i, MIB);
            }
            String log = sim.kernel.dmesg();
            assertEquals(10, log.split("detected capacity change", -1).length - 1, log);
            sim.kernel.clock().advance(5_000_000_001L);
            sim.disk("loop14", MIB);
            String after = sim.kernel.dmesg().substring(log.length());
            assertTrue(after.contains("set_capacity_and_notify: 4 callbacks suppressed"), after);
            assertTrue(after.contains("loop14: detected capacity change from 0 to 2048"), after);
        }
    }
}
