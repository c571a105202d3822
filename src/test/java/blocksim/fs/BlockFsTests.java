package blocksim.fs;

import static blocksim.testing.Sim.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.Kernel;
import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.testing.Sim;
import blocksim.uapi.OpenFlags;
import java.util.List;
import org.junit.jupiter.api.Test;

/** /dev, /proc/partitions and /sys/block as the block layer publishes them. */
class BlockFsTests {

    @Test
    void sysfsShowsTheDiskAndPartitionAttributesIn618() {
        try (Sim sim = Sim.modern().disk("sda", 64 * MIB)) {
            int fd = sim.openRw("/dev/sda");
            sim.add(fd, 1, MIB, 8 * MIB);
            sim.add(fd, 16, 10 * MIB, MIB);
            assertEquals("131072\n", sim.cat("/sys/block/sda/size"));
            assertEquals("16\n", sim.cat("/sys/block/sda/range"));
            assertEquals("256\n", sim.cat("/sys/block/sda/ext_range"));
            assertEquals("8:0\n", sim.cat("/sys/block/sda/dev"));
            assertEquals("0\n", sim.cat("/sys/block/sda/capability"));
            assertEquals("1\n", sim.cat("/sys/block/sda/partscan"));
            assertEquals("2048\n", sim.cat("/sys/block/sda/sda1/start"));
            assertEquals("16384\n", sim.cat("/sys/block/sda/sda1/size"));
            assertEquals("1\n", sim.cat("/sys/block/sda/sda1/partition"));
            assertEquals("259:0\n", sim.cat("/sys/block/sda/sda16/dev"));
            assertEquals(List.of("alignment_offset", "dev", "discard_alignment", "partition", "ro", "size", "start"),
                    sim.kernel.list(sim.root, "/sys/block/sda/sda1").names());
        }
    }

    @Test
    void sysfsIn2632ShowsCapabilityFlagsAndTheExtendedRange() {
        try (Sim sim = Sim.old().disk("sda", 64 * MIB).disk("vda", MIB)) {
            assertEquals("52\n", sim.cat("/sys/block/sda/capability"));
            assertEquals("256\n", sim.cat("/sys/block/sda/ext_range"));
            assertEquals("10\n", sim.cat("/sys/block/vda/capability"));
            assertEquals("16\n", sim.cat("/sys/block/vda/ext_range"));
            assertEquals(Errno.ENOENT, sim.tryOpen("/sys/block/sda/partscan", OpenFlags.O_RDONLY).errno());
        }
    }

    @Test
    void devNodesAppearAndDisappearWithPartitions() {
        try (Sim sim = Sim.modern().disk("sda", 64 * MIB)) {
            int fd = sim.openRw("/dev/sda");
            sim.add(fd, 1, MIB, MIB);
            Kernel.StatResult st = sim.kernel.stat(sim.root, "/dev/sda1");
            assertEquals(Kernel.Stat.Type.BLOCK_DEVICE, st.stat().type());
            assertEquals(8, st.stat().rdevMajor());
            assertEquals(1, st.stat().rdevMinor());
            assertEquals(0600, st.stat().perm());
            sim.del(fd, 1);
            assertEquals(Errno.ENOENT, sim.kernel.stat(sim.root, "/dev/sda1").errno());
        }
    }

    @Test
    void nobodyCannotOpenADeviceNode() {
        try (Sim sim = Sim.modern().disk("sda", MIB)) {
            var nobody = sim.user("blockdev", Credentials.NOBODY);
            assertEquals(Errno.EACCES, sim.kernel.open(nobody, "/dev/sda", OpenFlags.O_RDONLY).errno());
            assertTrue(sim.kernel.open(nobody, "/proc/partitions", OpenFlags.O_RDONLY).isOk());
        }
    }

    @Test
    void procAndSysFilesAreReadOnly() {
        try (Sim sim = Sim.modern().disk("sda", MIB)) {
            assertEquals(Errno.EACCES, sim.tryOpen("/proc/partitions", OpenFlags.O_WRONLY).errno());
            assertEquals(Errno.EACCES, sim.tryOpen("/sys/block/sda/ro", OpenFlags.O_RDWR).errno());
        }
    }

    @Test
    void theRootFilesystemHoldsFilesAndDirectories() {
        try (Sim sim = Sim.modern()) {
            assertTrue(sim.kernel.mkdir(sim.root, "/mnt/a", 0755).isOk());
            assertEquals(Errno.EEXIST, sim.kernel.mkdir(sim.root, "/mnt/a", 0755).errno());
            int fd = sim.open("/tmp/note", OpenFlags.O_WRONLY | OpenFlags.O_CREAT);
            byte[] text = "hi\n".getBytes();
            sim.kernel.write(sim.root, fd, text, 0, text.length);
            sim.kernel.close(sim.root, fd);
            assertEquals("hi\n", sim.cat("/tmp/note"));
            assertTrue(sim.kernel.unlink(sim.root, "/tmp/note").isOk());
            assertEquals(Errno.ENOENT, sim.tryOpen("/tmp/note", OpenFlags.O_RDONLY).errno());
            assertEquals(List.of("dev", "etc", "mnt", "proc", "sys", "tmp", "var"), sim.kernel.list(sim.root, "/").names());
        }
    }
}
