package blocksim.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Credentials;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.Task;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import blocksim.userland.ShellHarness;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A GPT entry whose ending LBA is below its starting LBA: efi_partition's size
 * (ending - starting + 1) wraps around, and so does blk_add_partition's end test (6.18
 * block/partitions/core.c, {@code from + size > get_capacity(disk)}; 2.6.32
 * fs/partitions/check.c:rescan_partitions alike), which then passes: the partition is made with
 * 18446744073709549569 sectors and nothing is logged. (Found against 6.1 under user-mode-linux.)
 */
class GptWrapTests {

    @ParameterizedTest
    @EnumSource(Profile.class)
    void aWrappedSizeMakesAHugePartitionSilently(Profile profile) {
        try (ShellHarness h = new ShellHarness(profile, KernelConfig.defaults())) {
            h.ok("disk add sda 16MiB");
            h.ok("sfdisk --quiet /dev/sda <<EOF\nlabel: gpt\nstart=2048, size=8192\nEOF");
            Task t = h.kernel.spawn("t", Credentials.ROOT);
            int fd = h.kernel.open(t, "/dev/sda", OpenFlags.O_RDWR).intValue();
            byte[] hdr = new byte[512];
            h.kernel.pread(t, fd, hdr, 0, 512, 512).orThrow();
            ByteBuffer hb = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN);
            int entries = hb.getInt(80);
            int entrySize = hb.getInt(84);
            byte[] arr = new byte[entries * entrySize];
            h.kernel.pread(t, fd, arr, 0, arr.length, hb.getLong(72) * 512).orThrow();
            ByteBuffer ab = ByteBuffer.wrap(arr).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(2048, ab.getLong(32));
            ab.putLong(40, 0); // ending LBA 0, below the start
            CRC32 crc = new CRC32();
            crc.update(arr);
            hb.putInt(88, (int) crc.getValue());
            hb.putInt(16, 0);
            CRC32 hc = new CRC32();
            hc.update(hdr, 0, hb.getInt(12));
            hb.putInt(16, (int) hc.getValue());
            h.kernel.pwrite(t, fd, arr, 0, arr.length, hb.getLong(72) * 512).orThrow();
            h.kernel.pwrite(t, fd, hdr, 0, 512, 512).orThrow();
            String before = h.kernel.dmesg();
            h.kernel.ioctl(t, fd, Ioctl.BLKRRPART, IoctlArg.NULL).orThrow();
            String log = h.kernel.dmesg().substring(before.length());
            assertEquals("18446744073709549569\n", h.ok("cat /sys/block/sda/sda1/size"));
            assertFalse(log.contains("beyond") || log.contains("exceeds"), "no warning: " + log);
            assertTrue(log.contains(" sda1"), log); // 2.6.32 splits the line around compare_gpts' warnings (the backup differs)
        }
    }
}
