package blocksim.userland.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.DiskSpec;
import blocksim.userland.ShellHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * blockdev, addpart, delpart, resizepart and dd: output and exit status as util-linux 2.38.1 and
 * coreutils 9.1 print them on the live 6.18 kernel (captured on loop devices, names mapped).
 */
class BlockToolsTests {

    final ShellHarness sh = new ShellHarness();

    BlockToolsTests() {
        sh.ok("disk add sda 64MiB");
    }

    @AfterEach
    void close() {
        sh.close();
    }

    private void expect(String command, String output, int status) {
        ShellHarness.Run r = sh.run(command);
        assertEquals(output, r.output(), command);
        assertEquals(status, r.status(), command);
    }

    @Test
    void blockdevPrintsEachValueOnALine() {
        expect("blockdev --getss --getpbsz --getbsz --getsz --getsize64 /dev/sda", "512\n512\n4096\n131072\n67108864\n", 0);
        expect("blockdev --getro /dev/sda", "0\n", 0);
    }

    @Test
    void blockdevOnAFourKibDisk() {
        sh.kernel.diskAdd(DiskSpec.of("sdb", 64 << 20).withSectorSize(4096));
        expect("blockdev --getss --getpbsz --getbsz --getsz --getsize64 --getsize /dev/sdb",
                "4096\n4096\n4096\n131072\n67108864\n131072\n", 0);
    }

    @Test
    void blockdevReportsIoctlErrorsAndStops() {
        sh.ok("addpart /dev/sda 1 2048 2048");
        sh.ok("sleep 100 < /dev/sda1 &");
        expect("blockdev --rereadpt /dev/sda", "blockdev: ioctl error on BLKRRPART: Device or resource busy\n", 1);
        expect("blockdev --rereadpt /dev/sda1", "blockdev: ioctl error on BLKRRPART: Invalid argument\n", 1);
        expect("as nobody blockdev --rereadpt /dev/sda", "blockdev: cannot open /dev/sda: Permission denied\n", 1);
        expect("blockdev --getsz /dev/nonexist", "blockdev: cannot open /dev/nonexist: No such file or directory\n", 1);
        expect("blockdev --frobnicate /dev/sda",
                "blockdev: Unknown command: --frobnicate\nTry 'blockdev --help' for more information.\n", 1);
    }

    @Test
    void blockdevSetroReachesPartitionsIn618() {
        sh.ok("addpart /dev/sda 1 2048 2048");
        sh.ok("blockdev --setro /dev/sda");
        expect("blockdev --getro /dev/sda1", "1\n", 0);
        expect("cat /sys/block/sda/ro /sys/block/sda/sda1/ro", "1\n1\n", 0);
        expect("dd if=/dev/zero of=/dev/sda1 bs=512 count=1",
                "dd: error writing '/dev/sda1': Operation not permitted\n1+0 records in\n0+0 records out\n"
                        + "0 bytes copied, 0 s, Infinity B/s\n", 1);
    }

    @Test
    void blockdevReport() {
        sh.ok("addpart /dev/sda 1 2048 32768");
        expect("blockdev --report /dev/sda /dev/sda1",
                "RO    RA   SSZ   BSZ        StartSec            Size   Device\n"
                        + "rw   256   512  4096               0        67108864   /dev/sda\n"
                        + "rw   256   512  4096            2048        16777216   /dev/sda1\n", 0);
    }

    /** report_all_devices: every name in /proc/partitions, devices that fail left out silently. */
    @Test
    void blockdevReportWithoutDevicesReadsProcPartitions() {
        sh.ok("addpart /dev/sda 1 2048 32768");
        sh.ok("disk add sdb 8MiB");
        expect("blockdev --report",
                "RO    RA   SSZ   BSZ        StartSec            Size   Device\n"
                        + "rw   256   512  4096               0        67108864   /dev/sda\n"
                        + "rw   256   512  4096            2048        16777216   /dev/sda1\n"
                        + "rw   256   512  4096               0         8388608   /dev/sdb\n", 0);
        expect("as nobody blockdev --report",
                "RO    RA   SSZ   BSZ        StartSec            Size   Device\n", 0);
        expect("as nobody blockdev --report /dev/sda",
                "blockdev: cannot open /dev/sda: Permission denied\n"
                        + "RO    RA   SSZ   BSZ        StartSec            Size   Device\n", 0);
    }

    /** The usage texts and versions of util-linux 2.38.1, as the live tools print them. */
    @Test
    void helpAndVersion() {
        ShellHarness.Run help = sh.run("blockdev --help");
        assertEquals(0, help.status());
        assertTrue(help.output().startsWith("\nUsage:\n blockdev [-v|-q] commands devices\n"), help.output());
        assertTrue(help.output().contains("\n --getsz                   get size in 512-byte sectors\n"
                + " --setro                   set read-only\n"), help.output());
        assertTrue(help.output().contains("\n --setbsz <bytes>          set blocksize on file descriptor opening the block"
                + " device\n"), help.output());
        assertTrue(help.output().endsWith(" --rereadpt                reread partition table\n\n"
                + "For more details see blockdev(8).\n"), help.output());
        expect("blockdev -V", "blockdev from util-linux 2.38.1\n", 0);
        expect("blockdev", "blockdev: not enough arguments\nTry 'blockdev --help' for more information.\n", 1);
        expect("delpart --help", """

                Usage:
                 delpart <disk device> <partition number>

                Tell the kernel to forget about a specified partition.

                Options:
                 -h, --help     display this help
                 -V, --version  display version

                For more details see delpart(8).
                """, 0);
        expect("resizepart --vers", "resizepart from util-linux 2.38.1\n", 0);
        expect("addpart --foo", "addpart: unrecognized option '--foo'\nTry 'addpart --help' for more information.\n", 1);
        expect("addpart -- /dev/sda 1 2048 10",
                "addpart: not enough arguments\nTry 'addpart --help' for more information.\n", 1);
    }

    @Test
    void addpartDelpartResizepartMessages() {
        expect("addpart /dev/sda 3 69632 2048", "", 0);
        expect("addpart /dev/sda 4 69632 2048", "addpart: failed to add partition: Device or resource busy\n", 1);
        expect("addpart /dev/sda 3 80000 2048", "addpart: failed to add partition: Device or resource busy\n", 1);
        expect("addpart /dev/sda 0 90000 2048", "addpart: failed to add partition: Invalid argument\n", 1);
        expect("addpart /dev/sda 256 90000 2048", "addpart: failed to add partition: Invalid argument\n", 1);
        expect("addpart /dev/sda 5 131072 1", "addpart: failed to add partition: Invalid argument\n", 1);
        expect("addpart /dev/sda 5 100000 0", "addpart: failed to add partition: Invalid argument\n", 1);
        expect("addpart /dev/sda 5 -5 10", "addpart: invalid option -- '5'\nTry 'addpart --help' for more information.\n", 1);
        expect("addpart /dev/sda 5 abc 10", "addpart: invalid start argument: 'abc'\n", 1);
        expect("addpart /dev/sda 5 100000", "addpart: not enough arguments\nTry 'addpart --help' for more information.\n", 1);
        expect("addpart /dev/sda3 5 100 10", "addpart: failed to add partition: Invalid argument\n", 1);
        expect("addpart /dev/nonexistent 5 100 10", "addpart: cannot open /dev/nonexistent: No such file or directory\n", 1);
        expect("addpart /dev/sda 5 131071 1", "", 0);
        expect("delpart /dev/sda 5", "", 0);
        expect("delpart /dev/sda 5", "delpart: failed to remove partition: No such device or address\n", 1);
        expect("delpart /dev/sda 300", "delpart: failed to remove partition: No such device or address\n", 1);
        expect("delpart /dev/sda 0", "delpart: failed to remove partition: Invalid argument\n", 1);
        expect("delpart /dev/sda3 1", "delpart: failed to remove partition: Invalid argument\n", 1);
        expect("delpart /dev/sda", "delpart: not enough arguments\nTry 'delpart --help' for more information.\n", 1);
        expect("resizepart /dev/sda 3 4096", "", 0);
        expect("cat /sys/block/sda/sda3/size", "4096\n", 0);
        expect("resizepart /dev/sda 3 100000", "resizepart: failed to resize partition: Invalid argument\n", 1);
        expect("resizepart /dev/sda 3 0", "resizepart: failed to resize partition: Invalid argument\n", 1);
        expect("resizepart /dev/sda 7 1000",
                "resizepart: /dev/sda: failed to get start of the partition number 7: No such file or directory\n", 1);
        expect("resizepart /dev/sda 3", "resizepart: not enough arguments\nTry 'resizepart --help' for more information.\n", 1);
    }

    @Test
    void addpartOnARegularFileIsInappropriateIoctl() {
        sh.ok("echo x > /tmp/img");
        expect("addpart /tmp/img 5 100 10", "addpart: failed to add partition: Inappropriate ioctl for device\n", 1);
    }

    @Test
    void ddAtAndPastTheEndOfAPartition() {
        sh.ok("addpart /dev/sda 1 2048 32768");
        expect("dd if=/dev/zero of=/dev/sda1 bs=512 seek=32768 count=1",
                "dd: error writing '/dev/sda1': No space left on device\n1+0 records in\n0+0 records out\n"
                        + "0 bytes copied, 0 s, Infinity B/s\n", 1);
        expect("dd if=/dev/zero of=/dev/sda1 bs=512 seek=32769 count=1",
                "dd: /dev/sda1: cannot seek: Invalid argument\n0+0 records in\n0+0 records out\n"
                        + "0 bytes copied, 0 s, Infinity B/s\n", 1);
        expect("dd if=/dev/zero of=/dev/sda1 bs=512 seek=32767 count=2",
                "dd: error writing '/dev/sda1': No space left on device\n2+0 records in\n1+0 records out\n"
                        + "512 bytes copied, 0 s, Infinity B/s\n", 1);
        expect("dd if=/dev/zero of=/dev/sda1 bs=1024 seek=16383 count=2",
                "dd: error writing '/dev/sda1': No space left on device\n2+0 records in\n1+0 records out\n"
                        + "1024 bytes (1.0 kB, 1.0 KiB) copied, 0 s, Infinity B/s\n", 1);
        expect("dd if=/dev/sda1 of=/dev/null bs=512 skip=32768 count=1",
                "0+0 records in\n0+0 records out\n0 bytes copied, 0 s, Infinity B/s\n", 0);
        expect("dd if=/dev/sda1 of=/dev/null bs=512 skip=32769 count=1",
                "dd: /dev/sda1: cannot skip: Invalid argument\n0+0 records in\n0+0 records out\n"
                        + "0 bytes copied, 0 s, Infinity B/s\n", 1);
        expect("dd if=/dev/sda1 of=/dev/null bs=1024 count=1 skip=16776704 iflag=skip_bytes",
                "0+1 records in\n0+1 records out\n512 bytes copied, 0 s, Infinity B/s\n", 0);
    }

    @Test
    void ddCopiesThroughAPartitionToTheRightPlaceOnTheDisk() {
        sh.ok("addpart /dev/sda 1 2048 32768");
        sh.ok("echo hello > /tmp/msg");
        sh.ok("dd if=/tmp/msg of=/dev/sda1 conv=notrunc status=none");
        expect("dd if=/dev/sda bs=512 skip=2048 count=1 status=none | head -c 6", "hello\n", 0);
        expect("dd if=/dev/sda bs=512 skip=2048 count=1 status=none | hexdump -C -n 16",
                "00000000  68 65 6c 6c 6f 0a 00 00  00 00 00 00 00 00 00 00  |hello...........|\n00000010\n", 0);
    }
}
