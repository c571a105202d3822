package blocksim.linux;

import static blocksim.api.Errno.EACCES;
import static blocksim.api.Errno.EBUSY;
import static blocksim.api.Errno.EINVAL;
import static blocksim.api.Errno.ENOSPC;
import static blocksim.api.Errno.ENXIO;
import static blocksim.api.Errno.EPERM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Host;
import blocksim.api.DiskSpec;
import blocksim.api.Credentials;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One suite of examples, run against the model (profile linux-6.18, no partition parsers, every
 * disk a loop device) and against the live kernel through the native adapter. The same calls must
 * give the same answers on both.
 */
class ContractTests {

    static final long MIB = 1 << 20;

    /** A kernel with loop0 (64 MiB, partscan), a root task and an O_RDWR fd on the disk. */
    static final class Fixture implements AutoCloseable {
        final Host k;
        final Task root;
        final Task nocap;
        final int fd;

        Fixture(String which, DiskSpec spec) {
            k = Live.boot(which);
            k.diskAdd(spec);
            root = k.spawn("test", Credentials.ROOT);
            nocap = k.spawn("nocap", new Credentials("root", 0, 0, false));
            fd = k.open(root, "/dev/" + spec.name(), OpenFlags.O_RDWR).intValue();
        }

        Fixture(String which) {
            this(which, DiskSpec.of("loop0", 64 * MIB));
        }

        SysResult add(int pno, long start, long len) {
            return k.ioctl(root, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(pno, start, len));
        }

        SysResult del(int pno) {
            return k.ioctl(root, fd, Ioctl.BLKPG, BlkpgIoctlArg.del(pno));
        }

        int open(String path, int flags) {
            SysResult r = k.open(root, path, flags);
            assertTrue(r.isOk(), () -> "open " + path + " " + r);
            return r.intValue();
        }

        Map<Integer, Live.Part> table() {
            return Live.table(k, root, "loop0");
        }

        @Override
        public void close() {
            k.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void blkpgAddShowsInSysfsAndDelRemovesIt(String which) {
        try (Fixture f = new Fixture(which)) {
            assertTrue(f.add(1, MIB, 8 * MIB).isOk());
            assertEquals(Map.of(1, new Live.Part(1, 2048, 16384, 0)), f.table());
            assertTrue(f.del(1).isOk());
            assertEquals(Map.of(), f.table());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void blkpgChecksInTheKernelsOrder(String which) {
        try (Fixture f = new Fixture(which)) {
            f.add(1, 63 * MIB, MIB);
            assertEquals(EBUSY, f.add(256, 63 * MIB, MIB).errno(), "overlap before the number limit");
            assertEquals(EINVAL, f.add(256, MIB, MIB).errno());
            assertEquals(EBUSY, f.add(1, MIB, MIB).errno());
            assertEquals(EINVAL, f.add(2, 100, MIB).errno());
            assertEquals(EINVAL, f.add(2, 64 * MIB, 512).errno());
            assertEquals(EINVAL, f.add(2, MIB, 0).errno());
            assertEquals(ENXIO, f.del(3).errno());
            assertEquals(ENXIO, f.del(300).errno());
            assertEquals(EINVAL, f.k.ioctl(f.root, f.fd, Ioctl.BLKPG,
                    new BlkpgIoctlArg(4, 0, 0, new blocksim.uapi.BlkpgPartition(MIB, MIB, 4))).errno());
            assertEquals(blocksim.api.Errno.EFAULT, f.k.ioctl(f.root, f.fd, Ioctl.BLKPG, IoctlArg.NULL).errno());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void anOpenPartitionBlocksRereadAndItsDeletionButNotAnAdd(String which) {
        try (Fixture f = new Fixture(which)) {
            f.add(1, MIB, MIB);
            int p = f.open("/dev/loop0p1", OpenFlags.O_RDONLY);
            assertEquals(EBUSY, f.k.ioctl(f.root, f.fd, Ioctl.BLKRRPART, IoctlArg.NULL).errno());
            assertEquals(EBUSY, f.del(1).errno());
            assertTrue(f.add(2, 4 * MIB, MIB).isOk());
            assertTrue(f.k.ioctl(f.root, f.fd, Ioctl.BLKPG, BlkpgIoctlArg.resize(1, MIB, 2 * MIB)).isOk());
            f.k.close(f.root, p);
            assertTrue(f.k.ioctl(f.root, f.fd, Ioctl.BLKRRPART, IoctlArg.NULL).isOk());
            assertEquals(Map.of(), f.table(), "no parser: the re-read drops every partition");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void exclusiveOpensFollowTheClaimRules(String which) {
        try (Fixture f = new Fixture(which)) {
            f.add(1, MIB, MIB);
            f.add(2, 4 * MIB, MIB);
            f.open("/dev/loop0p1", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
            assertEquals(EBUSY, f.k.open(f.root, "/dev/loop0", OpenFlags.O_RDONLY | OpenFlags.O_EXCL).errno());
            assertEquals(EBUSY, f.k.open(f.root, "/dev/loop0p1", OpenFlags.O_RDONLY | OpenFlags.O_EXCL).errno());
            assertTrue(f.k.open(f.root, "/dev/loop0p2", OpenFlags.O_RDONLY | OpenFlags.O_EXCL).isOk());
            assertEquals(EBUSY, f.k.ioctl(f.root, f.fd, Ioctl.BLKRRPART, IoctlArg.NULL).errno());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void sizesAndBlockSizesOnAFourKibDisk(String which) {
        try (Fixture f = new Fixture(which, DiskSpec.of("loop0", 64 * MIB).withSectorSize(4096))) {
            IntCell ss = new IntCell();
            LongCell size = new LongCell();
            f.k.ioctl(f.root, f.fd, Ioctl.BLKSSZGET, ss);
            f.k.ioctl(f.root, f.fd, Ioctl.BLKGETSIZE64, size);
            assertEquals(4096, ss.get());
            assertEquals(64 * MIB, size.get());
            assertEquals(EINVAL, f.add(1, 512, MIB).errno());
            assertTrue(f.add(1, MIB, 1052672).isOk());
            int p = f.open("/dev/loop0p1", OpenFlags.O_RDONLY);
            LongCell sectors = new LongCell();
            f.k.ioctl(f.root, p, Ioctl.BLKGETSIZE, sectors);
            assertEquals(2056, sectors.get());
        }
    }

    /** BLKRAGET's answer, in 512-byte sectors. */
    private static long readAhead(Fixture f, long request) {
        LongCell ra = new LongCell();
        assertTrue(f.k.ioctl(f.root, f.fd, request, ra).isOk());
        return ra.get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void readAheadIsSetByValueAndKeptInWholePages(String which) {
        try (Fixture f = new Fixture(which)) {
            assertEquals(5120, readAhead(f, Ioctl.BLKRAGET), "a 6.18 loop device starts at 2.5 MiB");
            assertTrue(f.k.ioctl(f.root, f.fd, Ioctl.BLKRASET, new IoctlArg.Value(12)).isOk());
            assertEquals(8, readAhead(f, Ioctl.BLKRAGET), "12 sectors keep one 4 KiB page");
            assertTrue(f.k.ioctl(f.root, f.fd, Ioctl.BLKFRASET, IoctlArg.Value.ofInt(-8)).isOk());
            assertEquals(4294967288L, readAhead(f, Ioctl.BLKFRAGET), "an int's 32 bits, zero-extended");
            assertEquals(4294967288L, readAhead(f, Ioctl.BLKRAGET), "one setting behind both ioctls");
            assertTrue(f.k.ioctl(f.root, f.fd, Ioctl.BLKRASET, new IoctlArg.Value(-1L)).isOk());
            assertEquals(Long.divideUnsigned(-512L, 4096) * 8, readAhead(f, Ioctl.BLKRAGET),
                    "arg * 512 wraps in unsigned long arithmetic");
            assertEquals(EINVAL, f.k.ioctl(f.root, f.fd, Ioctl.BLKRAGET, IoctlArg.NULL).errno());
            int fd = f.k.open(f.nocap, "/dev/loop0", OpenFlags.O_RDONLY).intValue();
            assertEquals(EACCES, f.k.ioctl(f.nocap, fd, Ioctl.BLKRASET, new IoctlArg.Value(256)).errno());
            assertEquals(Long.divideUnsigned(-512L, 4096) * 8, readAhead(f, Ioctl.BLKRAGET));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void queueLimitsOfALoopDevice(String which) {
        try (Fixture f = new Fixture(which)) {
            IntCell cell = new IntCell(-1);
            assertTrue(f.k.ioctl(f.root, f.fd, Ioctl.BLKSECTGET, cell).isOk());
            assertEquals(2560, cell.get() & 0xffff);
            f.k.ioctl(f.root, f.fd, Ioctl.BLKIOMIN, cell);
            assertEquals(512, cell.get());
            f.k.ioctl(f.root, f.fd, Ioctl.BLKIOOPT, cell);
            assertEquals(0, cell.get());
            f.k.ioctl(f.root, f.fd, Ioctl.BLKALIGNOFF, cell);
            assertEquals(0, cell.get());
            f.k.ioctl(f.root, f.fd, Ioctl.BLKPBSZGET, cell);
            assertEquals(512, cell.get());
            cell.set(-1);
            f.k.ioctl(f.root, f.fd, Ioctl.BLKDISCARDZEROES, cell);
            assertEquals(0, cell.get());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void readOnlyDisksPassTheirFlagToPartitionsAndRefuseWrites(String which) {
        try (Fixture f = new Fixture(which)) {
            f.add(1, MIB, MIB);
            int p = f.open("/dev/loop0p1", OpenFlags.O_RDWR);
            assertTrue(f.k.ioctl(f.root, f.fd, Ioctl.BLKROSET, new IntCell(1)).isOk());
            assertEquals(1, Live.getro(f.k, f.root, p));
            assertEquals(EPERM, f.k.pwrite(f.root, p, new byte[512], 0, 512, 0).errno());
            f.k.ioctl(f.root, f.fd, Ioctl.BLKROSET, new IntCell(0));
            assertEquals(512, f.k.pwrite(f.root, p, new byte[512], 0, 512, 0).value());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void withoutCapSysAdminPartitionIoctlsAreEacces(String which) {
        try (Fixture f = new Fixture(which)) {
            int fd = f.k.open(f.nocap, "/dev/loop0", OpenFlags.O_RDWR).intValue();
            assertEquals(EACCES, f.k.ioctl(f.nocap, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, MIB)).errno());
            assertEquals(EACCES, f.k.ioctl(f.nocap, fd, Ioctl.BLKRRPART, IoctlArg.NULL).errno());
            assertEquals(EACCES, f.k.ioctl(f.nocap, fd, Ioctl.BLKROSET, new IntCell(1)).errno());
            assertEquals(blocksim.api.Errno.EFAULT, f.k.ioctl(f.nocap, fd, Ioctl.BLKPG, IoctlArg.NULL).errno());
            LongCell size = new LongCell();
            assertTrue(f.k.ioctl(f.nocap, fd, Ioctl.BLKGETSIZE64, size).isOk());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void nobodyCannotOpenTheDisk(String which) {
        try (Fixture f = new Fixture(which)) {
            Task nobody = f.k.spawn("nobody", Credentials.NOBODY);
            assertEquals(EACCES, f.k.open(nobody, "/dev/loop0", OpenFlags.O_RDONLY).errno());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void aLoopWithoutPartscanRefusesRereadButTakesBlkpg(String which) {
        try (Fixture f = new Fixture(which, DiskSpec.of("loop0", 64 * MIB).withPartscan(false))) {
            assertEquals(EINVAL, f.k.ioctl(f.root, f.fd, Ioctl.BLKRRPART, IoctlArg.NULL).errno());
            assertTrue(f.add(1, MIB, MIB).isOk());
            assertEquals("0\n", Live.cat(f.k, f.root, "/sys/block/loop0/partscan"));
            assertEquals(List.of(1), List.copyOf(f.table().keySet()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void writesAtTheEndOfAPartitionAreEnospcAndReadsThereAreEmpty(String which) {
        try (Fixture f = new Fixture(which)) {
            f.add(1, MIB, 8192);
            int p = f.open("/dev/loop0p1", OpenFlags.O_RDWR);
            assertEquals(ENOSPC, f.k.pwrite(f.root, p, new byte[512], 0, 512, 8192).errno());
            assertEquals(512, f.k.pwrite(f.root, p, new byte[1024], 0, 1024, 8192 - 512).value());
            assertEquals(0, f.k.pread(f.root, p, new byte[512], 0, 512, 8192).value());
            assertEquals(EINVAL, f.k.lseek(f.root, p, 8193, 0).errno());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void freezingADeviceNodeIsNotSupportedByDevtmpfs(String which) {
        try (Fixture f = new Fixture(which)) {
            assertEquals(blocksim.api.Errno.EOPNOTSUPP, f.k.ioctl(f.root, f.fd, Ioctl.FIFREEZE, new IntCell()).errno());
            int fd = f.k.open(f.nocap, "/dev/loop0", OpenFlags.O_RDONLY).intValue();
            assertEquals(EPERM, f.k.ioctl(f.nocap, fd, Ioctl.FIFREEZE, new IntCell()).errno());
        }
    }
}
