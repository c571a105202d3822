package blocksim.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;



import blocksim.api.DiskSpec;
import blocksim.SimKernel;
import blocksim.block.BlockDevice;
import blocksim.block.Gendisk;
import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A booted model kernel with a root shell task, and one-line helpers for the calls tests make. */
public final class Sim implements AutoCloseable {

    public static final long MIB = 1 << 20;

    public final SimKernel kernel;
    public final Task root;

    public Sim(Profile profile, KernelConfig config) {
        this.kernel = SimKernel.boot(profile, config);
        this.root = kernel.spawn("sh", Credentials.ROOT);
    }

    public Sim(Profile profile) {
        this(profile, KernelConfig.defaults());
    }

    public static Sim modern() {
        return new Sim(Profile.LINUX_6_18);
    }

    public static Sim old() {
        return new Sim(Profile.LINUX_2_6_32);
    }

    public Sim disk(String name, long bytes) {
        kernel.diskAdd(DiskSpec.of(name, bytes));
        return this;
    }

    public Sim disk(DiskSpec spec) {
        kernel.diskAdd(spec);
        return this;
    }

    public Gendisk gendisk(String name) {
        return kernel.disk(name).orElseThrow();
    }

    public BlockDevice bdev(String name) {
        return kernel.genhd().lookup(name).orElseThrow();
    }

    /** Opens a path as root; fails the test if the open fails. */
    public int open(String path, int flags) {
        return open(root, path, flags);
    }

    public int open(Task task, String path, int flags) {
        SysResult r = kernel.open(task, path, flags);
        assertTrue(r.isOk(), () -> "open(" + path + ") " + r);
        return r.intValue();
    }

    public SysResult tryOpen(String path, int flags) {
        return kernel.open(root, path, flags);
    }

    public int openRw(String path) {
        return open(path, OpenFlags.O_RDWR);
    }

    public Task user(String comm, Credentials c) {
        return kernel.spawn(comm, c);
    }

    /** A task with uid 0 but without CAP_SYS_ADMIN (setpriv --inh-caps=-all). */
    public Task rootWithoutCaps() {
        return kernel.spawn("nocap", new Credentials("root", 0, 0, false));
    }

    public SysResult ioctl(int fd, long cmd, IoctlArg arg) {
        return kernel.ioctl(root, fd, cmd, arg);
    }

    public SysResult add(int fd, int pno, long startBytes, long lengthBytes) {
        return ioctl(fd, Ioctl.BLKPG, BlkpgIoctlArg.add(pno, startBytes, lengthBytes));
    }

    public SysResult del(int fd, int pno) {
        return ioctl(fd, Ioctl.BLKPG, BlkpgIoctlArg.del(pno));
    }

    public SysResult resize(int fd, int pno, long startBytes, long lengthBytes) {
        return ioctl(fd, Ioctl.BLKPG, BlkpgIoctlArg.resize(pno, startBytes, lengthBytes));
    }

    public SysResult rereadpt(int fd) {
        return ioctl(fd, Ioctl.BLKRRPART, IoctlArg.NULL);
    }

    public long getLong(int fd, long cmd) {
        LongCell c = new LongCell();
        SysResult r = ioctl(fd, cmd, c);
        assertTrue(r.isOk(), () -> Ioctl.name(cmd) + " " + r);
        return c.get();
    }

    public int getInt(int fd, long cmd) {
        IntCell c = new IntCell();
        SysResult r = ioctl(fd, cmd, c);
        assertTrue(r.isOk(), () -> Ioctl.name(cmd) + " " + r);
        return c.get();
    }

    /** The whole content of a file, read as root. */
    public String cat(String path) {
        int fd = open(path, OpenFlags.O_RDONLY);
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        while (true) {
            SysResult r = kernel.read(root, fd, buf, 0, buf.length);
            assertTrue(r.isOk(), () -> "read " + path + " " + r);
            if (r.value() == 0) {
                break;
            }
            sb.append(new String(buf, 0, r.intValue(), StandardCharsets.UTF_8));
        }
        kernel.close(root, fd);
        return sb.toString();
    }

    /** Writes a label's sectors onto a device through write(2), as a partitioning tool does. */
    public void writeLabel(String dev, int sectorSize, java.util.function.Consumer<blocksim.userland.label.SectorWriter> label) {
        int fd = open(dev, OpenFlags.O_RDWR);
        label.accept((lba, data) -> {
            SysResult r = kernel.pwrite(root, fd, data, 0, data.length, lba * sectorSize);
            assertTrue(r.isOk() && r.value() == data.length, () -> "pwrite " + dev + " " + r);
        });
        kernel.close(root, fd);
    }

    /** A dos label with primaries 1 and 2, an extended 3 holding logicals 5 and 6 (512-byte sectors). */
    public static blocksim.userland.label.DosLabel sampleDos() {
        return new blocksim.userland.label.DosLabel(512, 0x12345678)
                .primary(1, 2048, 8192, 0x83, false)
                .primary(2, 10240, 8192, 0x83, false)
                .extended(3, 18432, 40960)
                .logical(18432, 20480, 8192, 0x83)
                .logical(28672, 30720, 8192, 0x83);
    }

    /** The kernel log's texts, without timestamps. */
    public List<String> log() {
        return kernel.printk().texts();
    }

    public static Errno errno(SysResult r) {
        return r.errno();
    }

    @Override
    public void close() {
        kernel.close();
    }
}
