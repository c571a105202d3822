package blocksim.linux;

import static blocksim.api.Errno.EACCES;
import static blocksim.api.Errno.EBADF;
import static blocksim.api.Errno.EBUSY;
import static blocksim.api.Errno.EFAULT;
import static blocksim.api.Errno.EINVAL;
import static blocksim.api.Errno.EISDIR;
import static blocksim.api.Errno.ENAMETOOLONG;
import static blocksim.api.Errno.ENOENT;
import static blocksim.api.Errno.ENOSPC;
import static blocksim.api.Errno.ENOTDIR;
import static blocksim.api.Errno.ENOTTY;
import static blocksim.api.Errno.EOPNOTSUPP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Host;
import blocksim.api.DiskSpec;
import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.MisuseException;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.Loop;
import blocksim.uapi.LoopConfig;
import blocksim.uapi.LoopInfo64;
import blocksim.uapi.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad arguments get the same answer on both kernels: the model and the live kernel through the
 * adapter, each example run on both. Paths as C strings (empty, a NUL inside, PATH_MAX, NAME_MAX,
 * {@code ..} after a non-directory, a trailing slash), offsets (negative, near LLONG_MAX, at the
 * end), descriptors that are closed or were never opened, ioctl arguments of the wrong type,
 * requests the uapi does not describe, writes to pseudo files, FIFREEZE on a file, and the Java
 * programming errors that throw {@link MisuseException}. The live answers in the comments were
 * measured on this machine's 6.18 kernel with the same calls from Python.
 */
class BoundaryContractTests {

    static final long MIB = 1 << 20;
    static final long DISK = 16 * MIB;

    /** A kernel with sda and loop0 (16 MiB each), a root task, O_RDWR fds on both. */
    static final class Fix implements AutoCloseable {
        final Host k;
        final Task root;
        final int sda;
        final int loop;

        Fix(String which) {
            k = Live.boot(which);
            k.diskAdd(DiskSpec.of("sda", DISK));
            k.diskAdd(DiskSpec.of("loop0", DISK).withPartscan(false));
            root = k.spawn("test", Credentials.ROOT);
            sda = k.open(root, "/dev/sda", OpenFlags.O_RDWR).intValue();
            loop = k.open(root, "/dev/loop0", OpenFlags.O_RDWR).intValue();
        }

        Errno open(String path, int flags) {
            SysResult r = k.open(root, path, flags);
            if (r.isOk()) {
                k.close(root, r.intValue());
            }
            return r.errno();
        }

        @Override
        public void close() {
            k.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void pathsAreCStringsWalkedOneComponentAtATime(String which) {
        try (Fix f = new Fix(which)) {
            assertEquals(ENOENT, f.open("", OpenFlags.O_RDONLY), "empty path");
            assertEquals(null, f.open("/dev/sda\0/../../vda", OpenFlags.O_RDONLY), "a C string ends at its NUL");
            assertEquals(ENOTDIR, f.open("/dev/sda/", OpenFlags.O_RDONLY), "a trailing slash needs a directory");
            assertEquals(ENOTDIR, f.open("/dev/sda/..", OpenFlags.O_RDONLY), ".. is walked from sda, not cut off");
            assertEquals(ENOTDIR, f.open("/dev/sda/.", OpenFlags.O_RDONLY));
            assertEquals(ENOTDIR, f.open("/proc/partitions/x", OpenFlags.O_RDONLY));
            assertEquals(null, f.open("/dev/../dev/./sda", OpenFlags.O_RDONLY));
            assertEquals(null, f.open("/../../dev/sda", OpenFlags.O_RDONLY), ".. at the root stays there");
            assertEquals(ENOENT, f.open("/tmp/nothere/../x", OpenFlags.O_RDONLY), "the missing name is found first");
            assertEquals(ENAMETOOLONG, f.open("/dev/" + "x".repeat(256), OpenFlags.O_RDONLY), "devtmpfs checks NAME_MAX");
            assertEquals(ENOENT, f.open("/dev/" + "x".repeat(255), OpenFlags.O_RDONLY));
            assertEquals(ENAMETOOLONG, f.open("/tmp/" + "x".repeat(300), OpenFlags.O_RDONLY));
            assertEquals(ENOENT, f.open("/sys/block/" + "x".repeat(300), OpenFlags.O_RDONLY), "sysfs does not");
            assertEquals(ENOENT, f.open("/proc/" + "x".repeat(300), OpenFlags.O_RDONLY), "nor does procfs");
            assertEquals(ENAMETOOLONG, f.open("/" + "a/".repeat(2100), OpenFlags.O_RDONLY), "PATH_MAX");
            // O_CREAT: a trailing slash after a name is EISDIR; after . or .. there is no name: EEXIST with O_EXCL
            int creatExcl = OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_EXCL;
            assertEquals(EISDIR, f.open("/tmp/", creatExcl));
            assertEquals(blocksim.api.Errno.EEXIST, f.open("/tmp/./", creatExcl));
            assertEquals(blocksim.api.Errno.EEXIST, f.open("/tmp/..", creatExcl));
            assertEquals(EISDIR, f.open("/tmp/.", OpenFlags.O_RDONLY | OpenFlags.O_CREAT));
            assertEquals(EISDIR, f.open("/tmp/" + "N".repeat(256) + "/", creatExcl), "before the name is looked up");
            assertEquals(ENOENT, f.k.stat(f.root, "").errno());
            assertEquals(ENOTDIR, f.k.stat(f.root, "/dev/sda/").errno());
            assertEquals(ENOTDIR, f.k.list(f.root, "/dev/sda").errno());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void offsetsAreCheckedAsRwVerifyAreaChecksThem(String which) {
        try (Fix f = new Fix(which)) {
            byte[] b = new byte[512];
            assertEquals(EINVAL, f.k.pread(f.root, f.sda, b, 0, 512, -1).errno());
            assertEquals(EINVAL, f.k.pwrite(f.root, f.sda, b, 0, 512, -512).errno());
            assertEquals(EINVAL, f.k.pread(f.root, 999, b, 0, 512, -1).errno(), "a negative offset before the fd");
            assertEquals(EINVAL, f.k.pread(f.root, f.sda, b, 0, 512, Long.MAX_VALUE).errno(), "pos + count overflows");
            assertEquals(0, f.k.pread(f.root, f.sda, b, 0, 512, Long.MAX_VALUE - 512).value(), "fits: EOF");
            assertEquals(EINVAL, f.k.pwrite(f.root, f.sda, b, 0, 512, Long.MAX_VALUE - 511).errno());
            assertEquals(ENOSPC, f.k.pwrite(f.root, f.sda, b, 0, 512, Long.MAX_VALUE - 512).errno(), "past the end");
            assertEquals(ENOSPC, f.k.pwrite(f.root, f.sda, b, 0, 512, DISK).errno());
            assertEquals(1, f.k.pwrite(f.root, f.sda, b, 0, 512, DISK - 1).value(), "a short write across the end");
            assertEquals(1, f.k.pread(f.root, f.sda, b, 0, 512, DISK - 1).value());
            assertEquals(EINVAL, f.k.lseek(f.root, f.sda, DISK + 1, 0).errno());
            assertEquals(EINVAL, f.k.lseek(f.root, f.sda, 0, 3).errno(), "no such whence");
            assertEquals(EINVAL, f.k.lseek(f.root, f.sda, -1, 0).errno());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void closedAndNeverOpenedDescriptorsAreEbadf(String which) {
        try (Fix f = new Fix(which)) {
            byte[] b = new byte[16];
            int fd = f.k.open(f.root, "/dev/sda", OpenFlags.O_RDONLY).intValue();
            assertTrue(f.k.close(f.root, fd).isOk());
            for (int bad : new int[] {fd, 1000, -1, 0, Integer.MAX_VALUE}) {
                assertEquals(EBADF, f.k.read(f.root, bad, b, 0, 16).errno(), "read " + bad);
                assertEquals(EBADF, f.k.write(f.root, bad, b, 0, 16).errno(), "write " + bad);
                assertEquals(EBADF, f.k.ioctl(f.root, bad, Ioctl.BLKGETSIZE64, new LongCell()).errno());
                assertEquals(EBADF, f.k.close(f.root, bad).errno(), "close " + bad);
                assertEquals(EBADF, f.k.lseek(f.root, bad, 0, 0).errno());
                assertEquals(EBADF, f.k.fsync(f.root, bad).errno());
            }
            int ro = f.k.open(f.root, "/dev/sda", OpenFlags.O_RDONLY).intValue();
            assertEquals(EBADF, f.k.write(f.root, ro, b, 0, 16).errno(), "not open for writing");
            f.k.close(f.root, ro);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void anArgumentOfTheWrongTypeIsMemoryTheKernelCannotUse(String which) {
        try (Fix f = new Fix(which)) {
            // BLKROSET reads an int; a BLKPG record there is EFAULT, and the disk stays writable
            assertEquals(EFAULT, f.k.ioctl(f.root, f.sda, Ioctl.BLKROSET, BlkpgIoctlArg.add(1, MIB, MIB)).errno());
            assertEquals(0, Live.getro(f.k, f.root, f.sda));
            // a LongCell is eight bytes of memory: BLKROSET reads its low half
            assertTrue(f.k.ioctl(f.root, f.sda, Ioctl.BLKROSET, new LongCell(1L << 32)).isOk());
            assertEquals(0, Live.getro(f.k, f.root, f.sda), "the low half is 0");
            // a 4-byte cell given to an 8-byte result keeps the low half
            IntCell small = new IntCell(-1);
            assertTrue(f.k.ioctl(f.root, f.sda, Ioctl.BLKGETSIZE64, small).isOk());
            assertEquals((int) DISK, small.get());
            // an 8-byte cell given to a 4- or 2-byte result keeps its other bytes
            LongCell big = new LongCell(0x1111_2222_3333_4444L);
            assertTrue(f.k.ioctl(f.root, f.sda, Ioctl.BLKSSZGET, big).isOk());
            assertEquals(0x1111_2222_0000_0200L, big.get());
            big = new LongCell(0x1111_2222_3333_4444L);
            assertTrue(f.k.ioctl(f.root, f.sda, Ioctl.BLKSECTGET, big).isOk());
            assertEquals(0x1111_2222_3333_0000L, big.get() & ~0xffffL, "BLKSECTGET writes two bytes");
            // a cell where BLKPG reads its record, a number where a result is written, a bad address
            assertEquals(EFAULT, f.k.ioctl(f.root, f.sda, Ioctl.BLKPG, new IntCell(1)).errno());
            assertEquals(EFAULT, f.k.ioctl(f.root, f.sda, Ioctl.BLKGETSIZE64, new IoctlArg.Value(4096)).errno());
            assertEquals(EFAULT, f.k.ioctl(f.root, f.sda, Ioctl.BLKGETSIZE64, new IoctlArg.BadAddress(0x1000)).errno());
            assertEquals(EFAULT, f.k.ioctl(f.root, f.sda, Ioctl.BLKGETSIZE64, IoctlArg.NULL).errno());
            assertEquals(0, Live.table(f.k, f.root, "sda").size(), "nothing was added");
        }
    }

    /** A bad address that is mapped in this JVM is still never written: the adapter hands the kernel none. */
    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void aBadAddressNeverReachesTheCallersMemory(String which) {
        try (Fix f = new Fix(which); Arena a = Arena.ofConfined()) {
            MemorySegment mine = a.allocate(8);
            mine.set(ValueLayout.JAVA_LONG, 0, 42);
            assertEquals(EFAULT, f.k.ioctl(f.root, f.sda, Ioctl.BLKGETSIZE64,
                    new IoctlArg.BadAddress(mine.address())).errno());
            assertEquals(42, mine.get(ValueLayout.JAVA_LONG, 0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void requestsTheUapiDoesNotDescribeGetTheModelsDriverAnswer(String which) {
        try (Fix f = new Fix(which)) {
            assertEquals(ENOTTY, f.k.ioctl(f.root, f.sda, 0x1234, IoctlArg.NULL).errno(), "sd: no ->ioctl");
            assertEquals(ENOTTY, f.k.ioctl(f.root, f.sda, Loop.LOOP_CLR_FD, IoctlArg.NULL).errno(),
                    "the loop driver's requests on a disk the run calls sda");
            assertEquals(EINVAL, f.k.ioctl(f.root, f.loop, 0x1234, IoctlArg.NULL).errno(), "lo_ioctl's default");
            assertEquals(EINVAL, f.k.ioctl(f.root, f.loop, 0x4C7F, IoctlArg.NULL).errno(), "an 'L' number lo_ioctl lacks");
            LongCell size = new LongCell();
            assertTrue(f.k.ioctl(f.root, f.loop, Ioctl.BLKGETSIZE64, size).isOk());
            assertEquals(DISK, size.get(), "the device is still bound");
            int file = f.k.open(f.root, "/tmp/f", OpenFlags.O_RDWR | OpenFlags.O_CREAT).intValue();
            assertEquals(ENOTTY, f.k.ioctl(f.root, file, Ioctl.BLKGETSIZE64, new LongCell()).errno(), "a regular file");
            f.k.close(f.root, file);
        }
    }

    /**
     * The loop requests on a run's loop device reach the kernel (6.18 {@code lo_ioctl}) and answer
     * alike: LOOP_GET_STATUS64 in the run's names, a struct where a cell was given is EFAULT, a bind
     * of a bound device EBUSY after the descriptor's EBADF, and LOOP_SET_CAPACITY of an unchanged
     * file leaves the size.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void loopRequestsOnTheRunsLoopDeviceAnswerAsTheDriverDoes(String which) {
        try (Fix f = new Fix(which)) {
            LoopInfo64 info = new LoopInfo64();
            assertTrue(f.k.ioctl(f.root, f.loop, Loop.LOOP_GET_STATUS64, info).isOk());
            assertEquals(0, info.number);
            assertEquals("/var/lib/blocksim/loop0.img", info.fileNameString());
            assertEquals(0, info.flags & (Loop.LO_FLAGS_AUTOCLEAR | Loop.LO_FLAGS_READ_ONLY));
            assertEquals(EFAULT, f.k.ioctl(f.root, f.loop, Loop.LOOP_GET_STATUS64, new LongCell()).errno());
            assertEquals(EINVAL, f.k.ioctl(f.root, f.loop, Loop.LOOP_GET_STATUS64, IoctlArg.NULL).errno());
            assertEquals(EBADF, f.k.ioctl(f.root, f.loop, Loop.LOOP_SET_FD, new IoctlArg.Value(99)).errno());
            int file = f.k.open(f.root, "/tmp/img", OpenFlags.O_RDWR | OpenFlags.O_CREAT).intValue();
            assertEquals(EBUSY, f.k.ioctl(f.root, f.loop, Loop.LOOP_SET_FD, new IoctlArg.Value(file)).errno());
            assertEquals(EBUSY, f.k.ioctl(f.root, f.loop, Loop.LOOP_CONFIGURE, new LoopConfig(file, 0, null)).errno());
            assertEquals(EINVAL, f.k.ioctl(f.root, f.loop, Loop.LOOP_CHANGE_FD, new IoctlArg.Value(file)).errno(),
                    "the device is not read-only");
            f.k.close(f.root, file);
            assertTrue(f.k.ioctl(f.root, f.loop, Loop.LOOP_SET_CAPACITY, IoctlArg.NULL).isOk());
            LongCell size = new LongCell();
            assertTrue(f.k.ioctl(f.root, f.loop, Ioctl.BLKGETSIZE64, size).isOk());
            assertEquals(DISK, size.get());
        }
    }

    /** FIFREEZE on a file of the run's root: the model's answer; the machine's filesystem is never frozen. */
    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void fifreezeOnAFileNeverFreezesTheMachinesFilesystem(String which) {
        try (Fix f = new Fix(which)) {
            int file = f.k.open(f.root, "/tmp/f", OpenFlags.O_RDWR | OpenFlags.O_CREAT).intValue();
            assertEquals(EOPNOTSUPP, f.k.ioctl(f.root, file, Ioctl.FIFREEZE, IoctlArg.NULL).errno());
            // measured on 6.18.44: FITHAW of a tmpfs (and devtmpfs, proc, sysfs) is EINVAL, nothing being frozen
            assertEquals(EINVAL, f.k.ioctl(f.root, file, Ioctl.FITHAW, IoctlArg.NULL).errno());
            assertEquals(3, f.k.write(f.root, file, new byte[3], 0, 3).value(), "writes go on");
            f.k.close(f.root, file);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void pseudoFilesAreReadOnlyWithTheModelsAnswers(String which) {
        try (Fix f = new Fix(which)) {
            assertEquals(EACCES, f.open("/sys/block/sda/size", OpenFlags.O_WRONLY));
            assertEquals(EACCES, f.open("/sys/block/sda/ro", OpenFlags.O_RDWR));
            assertEquals(EISDIR, f.open("/sys/block/sda", OpenFlags.O_WRONLY));
            assertEquals(EACCES, f.open("/proc/partitions", OpenFlags.O_RDWR));
            // the model has sysrq j (emergency thaw); the adapter never carries it to the machine,
            // whose every frozen filesystem it would thaw: /proc/sysrq-trigger is not in a run's view
            assertEquals(which.equals("sim") ? null : ENOENT, f.open("/proc/sysrq-trigger", OpenFlags.O_WRONLY));
            assertEquals(ENOENT, f.open("/sys/block/sda/nothere", OpenFlags.O_WRONLY));
            assertEquals(null, f.open("/sys/block/sda/size", OpenFlags.O_RDONLY));
        }
    }

    /** A failed call names itself, strace-style, on both kernels, and refuses to hand out -1. */
    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void aFailedCallNamesItselfAndRefusesItsValue(String which) {
        try (Fix f = new Fix(which)) {
            SysResult r = f.k.open(f.root, "/dev/sda9", OpenFlags.O_RDWR);
            assertEquals("open(\"/dev/sda9\", O_RDWR) = -1 ENOENT (No such file or directory)", r.toString());
            assertThrows(blocksim.api.SyscallException.class, r::intValue);
            SysResult busy = f.k.ioctl(f.root, f.sda, Ioctl.BLKPG, BlkpgIoctlArg.add(1, MIB, DISK));
            assertEquals(EINVAL, assertThrows(blocksim.api.SyscallException.class, busy::orThrow).errno());
            assertTrue(busy.toString().startsWith("ioctl(" + f.sda + ", BLKPG, {op=BLKPG_ADD_PARTITION"), busy.toString());
            assertEquals("= 0", f.k.ioctl(f.root, f.sda, Ioctl.BLKFLSBUF, IoctlArg.NULL).toString());
        }
    }

    /** fsync, ftruncate, fstat and rmdir where each filesystem answers differently (measured with Python on 6.18). */
    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void syncTruncateStatAndRmdirAnswerAsEachFilesystemDoes(String which) {
        try (Fix f = new Fix(which)) {
            int file = f.k.open(f.root, "/tmp/f", OpenFlags.O_RDWR | OpenFlags.O_CREAT).intValue();
            int nul = f.k.open(f.root, "/dev/null", OpenFlags.O_RDWR).intValue();
            int proc = f.k.open(f.root, "/proc/partitions", OpenFlags.O_RDONLY).intValue();
            int sys = f.k.open(f.root, "/sys/block/sda/size", OpenFlags.O_RDONLY).intValue();
            int tmp = f.k.open(f.root, "/tmp", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY).intValue();
            assertTrue(f.k.fsync(f.root, file).isOk(), "tmpfs: noop_fsync");
            assertTrue(f.k.fdatasync(f.root, tmp).isOk());
            assertTrue(f.k.fsync(f.root, sys).isOk(), "kernfs files: noop_fsync");
            assertTrue(f.k.fsync(f.root, f.sda).isOk(), "blkdev_fsync");
            assertEquals(EINVAL, f.k.fsync(f.root, nul).errno(), "mem devices have no fsync");
            assertEquals(EINVAL, f.k.fdatasync(f.root, proc).errno(), "nor do procfs files");
            assertEquals(EBADF, f.k.fsync(f.root, 999).errno());
            assertTrue(f.k.pwrite(f.root, file, new byte[10], 0, 10, 0).isOk());
            assertTrue(f.k.ftruncate(f.root, file, 4).isOk());
            assertEquals(4, f.k.fstat(f.root, file).stat().size());
            assertEquals(EINVAL, f.k.ftruncate(f.root, 999, -1).errno(), "a negative length before the fd");
            assertEquals(EBADF, f.k.ftruncate(f.root, 999, 0).errno());
            assertEquals(EINVAL, f.k.ftruncate(f.root, f.sda, 0).errno(), "not a regular file");
            assertEquals(EINVAL, f.k.ftruncate(f.root, sys, 0).errno());
            assertEquals(blocksim.api.Kernel.Stat.Type.BLOCK_DEVICE, f.k.fstat(f.root, f.sda).stat().type());
            assertEquals(0, f.k.fstat(f.root, proc).stat().size(), "a procfs file's size is 0");
            assertEquals(4096, f.k.fstat(f.root, sys).stat().size(), "a sysfs attribute's a page");
            assertEquals(EBADF, f.k.fstat(f.root, 999).errno());
            assertTrue(f.k.mkdir(f.root, "/tmp/d", 0755).isOk());
            assertTrue(f.k.mkdir(f.root, "/tmp/d/e", 0755).isOk());
            assertEquals(blocksim.api.Errno.ENOTEMPTY, f.k.rmdir(f.root, "/tmp/d").errno());
            assertEquals(EINVAL, f.k.rmdir(f.root, "/tmp/d/.").errno());
            assertEquals(blocksim.api.Errno.ENOTEMPTY, f.k.rmdir(f.root, "/tmp/d/..").errno());
            assertTrue(f.k.rmdir(f.root, "/tmp/d/e/").isOk());
            assertEquals(ENOTDIR, f.k.rmdir(f.root, "/tmp/f").errno());
            assertEquals(ENOENT, f.k.rmdir(f.root, "/tmp/nothere").errno());
            for (String busy : new String[] {"/", "/dev", "/proc", "/sys"}) {
                assertEquals(blocksim.api.Errno.EBUSY, f.k.rmdir(f.root, busy).errno(), busy);
            }
            assertEquals(blocksim.api.Errno.EPERM, f.k.rmdir(f.root, "/sys/block").errno(), "kernfs has no rmdir");
            assertEquals(ENOTDIR, f.k.rmdir(f.root, "/sys/block/sda").errno(), "a symlink into /sys/devices");
            assertEquals(ENOTDIR, f.k.rmdir(f.root, "/dev/sda").errno());
            assertEquals(ENOTDIR, f.k.rmdir(f.root, "/proc/partitions").errno());
            assertEquals(blocksim.api.Errno.EACCES, f.k.mkdir(f.root, "/dev/x", 0755).errno(), "nothing is made in /dev");
            assertEquals(ENOENT, f.k.mkdir(f.root, "/nothere/..", 0755).errno(), "the walk to .. comes first");
            assertEquals(blocksim.api.Errno.EEXIST, f.k.mkdir(f.root, "/tmp/..", 0755).errno());
            assertEquals(ENOENT, f.k.mkdir(f.root, "", 0755).errno());
            int c = f.k.creat(f.root, "/tmp/f").intValue();
            assertEquals(0, f.k.fstat(f.root, c).stat().size(), "creat truncates");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sim", "linux"})
    void javaProgrammingErrorsThrowOneDocumentedException(String which) {
        try (Fix f = new Fix(which)) {
            Task stranger = new Task(4242, "stranger", Credentials.ROOT);
            byte[] b = new byte[4];
            assertThrows(MisuseException.class, () -> f.k.open(stranger, "/dev/sda", OpenFlags.O_RDONLY));
            assertThrows(MisuseException.class, () -> f.k.open(f.root, null, OpenFlags.O_RDONLY));
            assertThrows(MisuseException.class, () -> f.k.read(f.root, f.sda, b, 2, 4));
            assertThrows(MisuseException.class, () -> f.k.pwrite(f.root, f.sda, null, 0, 4, 0));
            assertThrows(MisuseException.class, () -> f.k.ioctl(f.root, f.sda, Ioctl.BLKGETSIZE64, null));
            MisuseException e = assertThrows(MisuseException.class,
                    () -> f.k.ioctl(f.root, f.sda, Ioctl.BLKRASET, new LongCell(8)));
            assertTrue(e.getMessage().contains("by value"), e.getMessage());
            Task gone = f.k.spawn("gone", Credentials.ROOT);
            f.k.exit(gone);
            assertThrows(MisuseException.class, () -> f.k.stat(gone, "/dev/sda"));
        }
    }
}
