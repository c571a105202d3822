package blocksim.demo;

import blocksim.SimKernel;
import blocksim.drivers.DiskSpec;
import blocksim.kernel.Credentials;
import blocksim.kernel.KernelConfig;
import blocksim.kernel.Profile;
import blocksim.kernel.SysResult;
import blocksim.kernel.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import blocksim.userland.label.DosLabel;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A walk through the first lesson on the model, printed as the system calls a tool would make:
 * a disk whose first partition is in use, BLKRRPART refused with EBUSY, and BLKPG adding a new
 * partition beside it (and refusing an overlapping one), on each kernel era.
 */
public final class Demo {

    private static final long MIB = 1 << 20;

    private final PrintStream out;

    Demo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        new Demo(System.out).run();
    }

    void run() {
        for (Profile profile : new Profile[] {Profile.LINUX_6_18, Profile.LINUX_2_6_32}) {
            out.println("# kernel " + profile.id() + ": editing a partition table while a partition is in use");
            lesson(profile);
            out.println();
        }
    }

    private void lesson(Profile profile) {
        try (SimKernel k = SimKernel.boot(profile, KernelConfig.defaults())) {
            k.diskAdd(DiskSpec.of("sda", 64 * MIB));
            Task sh = k.spawn("sh", Credentials.ROOT);
            int fd = k.open(sh, "/dev/sda", OpenFlags.O_RDWR).intValue();
            DosLabel label = new DosLabel(512, 0x2014_0407).primary(1, 2048, 32768, 0x83, false);
            label.writeTo((lba, data) -> k.pwrite(sh, fd, data, 0, data.length, lba * 512));
            show("ioctl(3</dev/sda>, BLKRRPART)", k.ioctl(sh, fd, Ioctl.BLKRRPART, IoctlArg.NULL));
            out.print(procPartitions(k, sh));
            Task holder = k.spawn("sleep", Credentials.ROOT);
            show("open(\"/dev/sda1\", O_RDONLY) by sleep", k.open(holder, "/dev/sda1", OpenFlags.O_RDONLY));
            show("ioctl(3</dev/sda>, BLKRRPART)", k.ioctl(sh, fd, Ioctl.BLKRRPART, IoctlArg.NULL));
            show("ioctl(3</dev/sda>, BLKPG, ADD pno=2 start=17M length=16M)",
                    k.ioctl(sh, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(2, 17 * MIB, 16 * MIB)));
            show("ioctl(3</dev/sda>, BLKPG, ADD pno=3 start=10M length=16M)",
                    k.ioctl(sh, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(3, 10 * MIB, 16 * MIB)));
            out.print(procPartitions(k, sh));
            out.print(k.dmesg());
        }
    }

    private void show(String call, SysResult r) {
        out.println(call + " " + r);
    }

    private static String procPartitions(SimKernel k, Task t) {
        int fd = k.open(t, "/proc/partitions", OpenFlags.O_RDONLY).intValue();
        byte[] buf = new byte[8192];
        int n = k.read(t, fd, buf, 0, buf.length).intValue();
        k.close(t, fd);
        return "$ cat /proc/partitions\n" + new String(buf, 0, n, StandardCharsets.UTF_8);
    }
}
