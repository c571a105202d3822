package blocksim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Credentials;
import blocksim.api.DiskSpec;
import blocksim.api.Errno;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import org.junit.jupiter.api.Test;

/** The README's example, as it stands there. */
class ReadmeExampleTests {

    @Test
    void theReadmesExampleDoesWhatItSays() {
        try (SimKernel k = SimKernel.boot(Profile.LINUX_6_18, KernelConfig.defaults())) {
            k.diskAdd(DiskSpec.of("sda", 64 << 20));
            Task sh = k.spawn("sh", Credentials.ROOT);
            int fd = k.open(sh, "/dev/sda", OpenFlags.O_RDWR).orThrow().intValue();
            SysResult r = k.ioctl(sh, fd, Ioctl.BLKPG, BlkpgIoctlArg.add(1, 1 << 20, 8 << 20));
            assertTrue(r.isOk());
            int p1 = k.open(sh, "/dev/sda1", OpenFlags.O_RDONLY).intValue();
            SysResult busy = k.ioctl(sh, fd, Ioctl.BLKRRPART, IoctlArg.NULL);
            assertEquals(Errno.EBUSY, busy.errno());
            assertEquals("ioctl(" + fd + ", BLKRRPART) = -1 EBUSY (Device or resource busy)", busy.toString());
            assertTrue(k.close(sh, p1).isOk());
        }
    }
}
