package blocksim.userland.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Credentials;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.OpenFlags;
import blocksim.userland.ShellHarness;
import blocksim.userland.label.DosLabel;
import blocksim.userland.label.GptLabel;
import blocksim.userland.label.LabelPartition;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * sfdisk: every expected transcript below (sfdisk, partx and hexdump output) was printed by the
 * real util-linux 2.38.1 tools on a 6.18 loop device of the same size and sector size, with
 * stdout and stderr merged through a pipe, on a kernel without partition parsers (so BLKRRPART
 * finds nothing, as on the live VM). Disk identifiers and GUIDs are fixed with label-id and uuid=
 * so the output is deterministic.
 */
class SfdiskTests {

    private final ShellHarness sh = new ShellHarness(Profile.LINUX_6_18, KernelConfig.noPartitionParsers());

    @AfterEach
    void close() {
        sh.close();
    }

    /** A command with a here-document as its stdin. */
    static String script(String command, String... lines) {
        return command + " <<EOF\n" + String.join("\n", lines) + "\nEOF";
    }

    private void expect(String command, String output, int status) {
        ShellHarness.Run r = sh.run(command);
        assertEquals(output, r.output(), command);
        assertEquals(status, r.status(), command);
    }

    /** /proc/partitions with the minors of 259 (blkext) left out: the kernel allocates them. */
    private void expectPartitions(String output) {
        ShellHarness.Run r = sh.run("cat /proc/partitions");
        assertEquals(normalize(output), normalize(r.output()));
    }

    static String normalize(String procPartitions) {
        return procPartitions.replaceAll("(?m)^ 259 +\\d+ ", " 259 N ");
    }

    /** A header-only script, empty input over a label, an overlap, a partition too big, an unknown field, a missing device and bad options. */
    @Test
    void headerOnlyEmptyInputAndFailures() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x11111111"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Done.
                Created a new DOS (MBR) disklabel with disk identifier 0x11111111.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x11111111

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk /dev/loop0",
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x11111111

                Old situation:

                >>> Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x11111111

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "start=2048, size=32768, type=83",
                "start=4096, size=32768, type=83"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x11111111

                Old situation:

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 16 MiB.
                /dev/loop0p2: Start sector 4096 out of range.
                Failed to add #2 partition: Numerical result out of range
                Leaving.

                """, 1);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "start=2048, size=200000, type=83"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x11111111

                Old situation:

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: No free sectors available.
                Failed to add #1 partition: No space left on device
                Leaving.

                """, 1);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "foo=bar"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x11111111

                Old situation:

                >>> Script header accepted.
                >>> line 2: unsupported command

                New situation:
                Disklabel type: dos
                Disk identifier: 0x11111111
                Leaving.

                """, 1);
        expect("sfdisk /dev/nonexist",
                """
                sfdisk: cannot open /dev/nonexist: No such file or directory
                """, 1);
        expect("sfdisk --foo /dev/loop0",
                """
                sfdisk: unrecognized option '--foo'
                Try 'sfdisk --help' for more information.
                """, 1);
        expect("sfdisk -Z /dev/loop0",
                """
                sfdisk: invalid option -- 'Z'
                Try 'sfdisk --help' for more information.
                """, 1);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x11111111
                device: /dev/loop0
                unit: sectors
                sector-size: 512
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x11111111
                """, 0);
        expect("partx -s /dev/loop0",
                "", 0);
        expect("partx -v -s /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'dos' detected
                /dev/loop0: partition table with no partitions\
                """, 0);
    }

    /** The simple format: default start and size, shortcuts, the bootable flag; then a partial failure with a 4th partition that does not fit. */
    @Test
    void simpleFormatDefaultsAndBootable() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0xabcdef01",
                ",16MiB,83",
                ",,L,*"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0xabcdef01.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 16 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux' and of size 47 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0xabcdef01

                Device       Boot Start    End Sectors Size Id Type
                /dev/loop0p1       2048  34815   32768  16M 83 Linux
                /dev/loop0p2 *    34816 131071   96256  47M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0xabcdef01

                Device       Boot Start    End Sectors Size Id Type
                /dev/loop0p1       2048  34815   32768  16M 83 Linux
                /dev/loop0p2 *    34816 131071   96256  47M 83 Linux
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label-id: 0xabcdef02",
                "2048,100,c",
                "4096,1M,7,-",
                ",3M,ef",
                "",
                "# comment",
                "size=1G"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0xabcdef01

                Old situation:

                Device       Boot Start    End Sectors Size Id Type
                /dev/loop0p1       2048  34815   32768  16M 83 Linux
                /dev/loop0p2 *    34816 131071   96256  47M 83 Linux

                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0xabcdef02.
                /dev/loop0p1: Created a new partition 1 of type 'W95 FAT32 (LBA)' and of size 50 KiB.
                /dev/loop0p2: Created a new partition 2 of type 'HPFS/NTFS/exFAT' and of size 1 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'EFI (FAT-12/16/32)' and of size 3 MiB.
                /dev/loop0p4: No free sectors available.
                Failed to add #4 partition: No space left on device
                Leaving.

                """, 1);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0xabcdef01
                device: /dev/loop0
                unit: sectors
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=       32768, type=83
                /dev/loop0p2 : start=       34816, size=       96256, type=83, bootable
                """, 0);
    }

    /** An extended partition with logicals placed by start, a primary after them, the order warning, and the EBRs on disk. */
    @Test
    void extendedAndLogicalPartitions() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x0000beef",
                "start=2048, size=8192, type=83",
                "start=10240, size=100000, type=5",
                "start=12288, size=8192, type=83",
                "start=22528, size=8192, type=82",
                "size=8192"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x0000beef.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 4 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Extended' and of size 48.8 MiB.
                /dev/loop0p3: Created a new partition 5 of type 'Linux' and of size 4 MiB.
                /dev/loop0p6: Created a new partition 6 of type 'Linux swap / Solaris' and of size 4 MiB.
                /dev/loop0p7: Created a new partition 3 of type 'Linux' and of size 4 MiB.
                /dev/loop0p4: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x0000beef

                Device       Boot  Start    End Sectors  Size Id Type
                /dev/loop0p1        2048  10239    8192    4M 83 Linux
                /dev/loop0p2       10240 110239  100000 48.8M  5 Extended
                /dev/loop0p3      110592 118783    8192    4M 83 Linux
                /dev/loop0p5       12288  20479    8192    4M 83 Linux
                /dev/loop0p6       22528  30719    8192    4M 82 Linux swap / Solaris

                Partition table entries are not in disk order.

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x0000beef
                device: /dev/loop0
                unit: sectors
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=        8192, type=83
                /dev/loop0p2 : start=       10240, size=      100000, type=5
                /dev/loop0p3 : start=      110592, size=        8192, type=83
                /dev/loop0p5 : start=       12288, size=        8192, type=83
                /dev/loop0p6 : start=       22528, size=        8192, type=82
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x0000beef

                Device       Boot  Start    End Sectors  Size Id Type
                /dev/loop0p1        2048  10239    8192    4M 83 Linux
                /dev/loop0p2       10240 110239  100000 48.8M  5 Extended
                /dev/loop0p3      110592 118783    8192    4M 83 Linux
                /dev/loop0p5       12288  20479    8192    4M 83 Linux
                /dev/loop0p6       22528  30719    8192    4M 82 Linux swap / Solaris

                Partition table entries are not in disk order.
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR  START    END SECTORS  SIZE NAME UUID
                 1   2048  10239    8192    4M      0000beef-01
                 2  10240 110239  100000 48.8M      0000beef-02
                 3 110592 118783    8192    4M      0000beef-03
                 5  12288  20479    8192    4M      0000beef-05
                 6  22528  30719    8192    4M      0000beef-06
                """, 0);
        expect("partx -a /dev/loop0",
                "", 0);
        expectPartitions("""
                major minor  #blocks  name

                   7        0      65536 loop0
                 259        0       4096 loop0p1
                 259        1          1 loop0p2
                 259        2       4096 loop0p3
                 259        3       4096 loop0p5
                 259        4       4096 loop0p6
                """);
        expect("partx -d --nr 6 /dev/loop0",
                "", 0);
        expect("partx -v -d /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition #1 removed
                /dev/loop0: partition #2 removed
                /dev/loop0: partition #3 removed
                /dev/loop0: partition #4 doesn't exist
                /dev/loop0: partition #5 removed
                """, 0);
        expect("partx -v -d /dev/loop0",
                """
                partx: specified range <1:0> does not make sense
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                """, 1);
        expect("hexdump -C /dev/loop0",
                """
                00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001b0  00 00 00 00 00 00 00 00  ef be 00 00 00 00 00 20  |............... |
                000001c0  21 00 83 a2 22 00 00 08  00 00 00 20 00 00 00 a2  |!..."...... ....|
                000001d0  23 00 05 db 35 06 00 28  00 00 a0 86 01 00 00 e1  |#...5..(........|
                000001e0  1c 06 83 64 1d 07 00 b0  01 00 00 20 00 00 00 00  |...d....... ....|
                000001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00000200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                005001b0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 c3  |................|
                005001c0  04 00 83 46 05 01 00 08  00 00 00 20 00 00 00 46  |...F....... ...F|
                005001d0  06 01 05 e8 27 01 00 28  00 00 00 28 00 00 00 00  |....'..(...(....|
                005001e0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                005001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00500200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00a001b0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 66  |...............f|
                00a001c0  26 01 82 e8 27 01 00 08  00 00 00 20 00 00 00 00  |&...'...... ....|
                00a001d0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00a001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00a00200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                04000000
                """, 0);
    }

    /** Lines without a start become primaries even after an extended one; the simple format with E, L, S, V shortcuts. */
    @Test
    void partitionsWithoutStartArePrimaries() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x0000beef",
                "start=2048, size=8192, type=83",
                "start=10240, size=100000, type=5",
                "size=8192, type=83",
                "size=8192, type=82"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x0000beef.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 4 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Extended' and of size 48.8 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'Linux' and of size 4 MiB.
                /dev/loop0p4: Created a new partition 4 of type 'Linux swap / Solaris' and of size 4 MiB.
                /dev/loop0p5: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x0000beef

                Device       Boot  Start    End Sectors  Size Id Type
                /dev/loop0p1        2048  10239    8192    4M 83 Linux
                /dev/loop0p2       10240 110239  100000 48.8M  5 Extended
                /dev/loop0p3      110592 118783    8192    4M 83 Linux
                /dev/loop0p4      118784 126975    8192    4M 82 Linux swap / Solaris

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x0000beef
                device: /dev/loop0
                unit: sectors
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=        8192, type=83
                /dev/loop0p2 : start=       10240, size=      100000, type=5
                /dev/loop0p3 : start=      110592, size=        8192, type=83
                /dev/loop0p4 : start=      118784, size=        8192, type=82
                """, 0);
        expect("partx -o NR,START,END,SECTORS,SIZE,TYPE,FLAGS,SCHEME /dev/loop0",
                """
                NR  START    END SECTORS  SIZE TYPE FLAGS SCHEME
                 1   2048  10239    8192    4M 0x83 0x0   dos
                 2  10240 110239  100000 48.8M  0x5 0x0   dos
                 3 110592 118783    8192    4M 0x83 0x0   dos
                 4 118784 126975    8192    4M 0x82 0x0   dos
                """, 0);
        expect("hexdump -C /dev/loop0",
                """
                00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001b0  00 00 00 00 00 00 00 00  ef be 00 00 00 00 00 20  |............... |
                000001c0  21 00 83 a2 22 00 00 08  00 00 00 20 00 00 00 a2  |!..."...... ....|
                000001d0  23 00 05 db 35 06 00 28  00 00 a0 86 01 00 00 e1  |#...5..(........|
                000001e0  1c 06 83 64 1d 07 00 b0  01 00 00 20 00 00 00 64  |...d....... ...d|
                000001f0  1e 07 82 e6 1f 07 00 d0  01 00 00 20 00 00 55 aa  |........... ..U.|
                00000200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                005001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00500200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                04000000
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x0000beef",
                ",8M,83",
                ",40M,E",
                ",4M,L",
                ",4M,S",
                ",,V",
                ";"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x0000beef

                Old situation:

                Device       Boot  Start    End Sectors  Size Id Type
                /dev/loop0p1        2048  10239    8192    4M 83 Linux
                /dev/loop0p2       10240 110239  100000 48.8M  5 Extended
                /dev/loop0p3      110592 118783    8192    4M 83 Linux
                /dev/loop0p4      118784 126975    8192    4M 82 Linux swap / Solaris

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x0000beef.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 8 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Extended' and of size 40 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'Linux' and of size 4 MiB.
                /dev/loop0p4: Created a new partition 4 of type 'Linux swap / Solaris' and of size 4 MiB.
                /dev/loop0p5: Created a new partition 5 of type 'Linux LVM' and of size 39 MiB.
                /dev/loop0p6: No free sectors available.
                Failed to add #6 partition: No space left on device
                Leaving.

                """, 1);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x0000beef

                Device       Boot  Start    End Sectors  Size Id Type
                /dev/loop0p1        2048  10239    8192    4M 83 Linux
                /dev/loop0p2       10240 110239  100000 48.8M  5 Extended
                /dev/loop0p3      110592 118783    8192    4M 83 Linux
                /dev/loop0p4      118784 126975    8192    4M 82 Linux swap / Solaris
                """, 0);
        expect("hexdump -C /dev/loop0",
                """
                00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001b0  00 00 00 00 00 00 00 00  ef be 00 00 00 00 00 20  |............... |
                000001c0  21 00 83 a2 22 00 00 08  00 00 00 20 00 00 00 a2  |!..."...... ....|
                000001d0  23 00 05 db 35 06 00 28  00 00 a0 86 01 00 00 e1  |#...5..(........|
                000001e0  1c 06 83 64 1d 07 00 b0  01 00 00 20 00 00 00 64  |...d....... ...d|
                000001f0  1e 07 82 e6 1f 07 00 d0  01 00 00 20 00 00 55 aa  |........... ..U.|
                00000200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                005001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00500200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                04000000
                """, 0);
    }

    /** A GPT with names, UUIDs, attributes and shortcut types, its dump, listing, partx views and the bytes on disk. */
    @Test
    void gptWithNamesUuidsAndAttributes() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "start=2048, size=32768, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=\"one\", uuid=11111111-2222-3333-4444-555555555555",
                "start=34816, size=32768, type=L, name=\"two words\", uuid=11111111-2222-3333-4444-666666666666",
                "size=10M, type=S, uuid=11111111-2222-3333-4444-777777777777, attrs=\"RequiredPartition GUID:60\""),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                /dev/loop0p1: Created a new partition 1 of type 'Linux filesystem' and of size 16 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux filesystem' and of size 16 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'Linux swap' and of size 10 MiB.
                /dev/loop0p4: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048 34815   32768  16M Linux filesystem
                /dev/loop0p2 34816 67583   32768  16M Linux filesystem
                /dev/loop0p3 67584 88063   20480  10M Linux swap

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: gpt
                label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
                device: /dev/loop0
                unit: sectors
                first-lba: 2048
                last-lba: 131038
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=       32768, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-555555555555, name="one"
                /dev/loop0p2 : start=       34816, size=       32768, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-666666666666, name="two words"
                /dev/loop0p3 : start=       67584, size=       20480, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, uuid=11111111-2222-3333-4444-777777777777, attrs="RequiredPartition GUID:60"
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048 34815   32768  16M Linux filesystem
                /dev/loop0p2 34816 67583   32768  16M Linux filesystem
                /dev/loop0p3 67584 88063   20480  10M Linux swap
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME      UUID
                 1  2048 34815   32768  16M one       11111111-2222-3333-4444-555555555555
                 2 34816 67583   32768  16M two words 11111111-2222-3333-4444-666666666666
                 3 67584 88063   20480  10M           11111111-2222-3333-4444-777777777777
                """, 0);
        expect("partx -o NR,START,END,SECTORS,SIZE,NAME,UUID,TYPE,FLAGS,SCHEME /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME      UUID                                                                 TYPE FLAGS              SCHEME
                 1  2048 34815   32768  16M one       11111111-2222-3333-4444-555555555555 0fc63daf-8483-4772-8e79-3d69d8477de4 0x0                gpt
                 2 34816 67583   32768  16M two words 11111111-2222-3333-4444-666666666666 0fc63daf-8483-4772-8e79-3d69d8477de4 0x0                gpt
                 3 67584 88063   20480  10M           11111111-2222-3333-4444-777777777777 0657fd6d-a4ab-43c4-84e5-0933c84b4f4f 0x1000000000000001 gpt
                """, 0);
        expect("partx -r /dev/loop0",
                """
                NR START END SECTORS SIZE NAME UUID
                1 2048 34815 32768 16M one 11111111-2222-3333-4444-555555555555
                2 34816 67583 32768 16M two\\x20words 11111111-2222-3333-4444-666666666666
                3 67584 88063 20480 10M  11111111-2222-3333-4444-777777777777
                """, 0);
        expect("partx -P /dev/loop0",
                """
                NR="1" START="2048" END="34815" SECTORS="32768" SIZE="16M" NAME="one" UUID="11111111-2222-3333-4444-555555555555"
                NR="2" START="34816" END="67583" SECTORS="32768" SIZE="16M" NAME="two words" UUID="11111111-2222-3333-4444-666666666666"
                NR="3" START="67584" END="88063" SECTORS="20480" SIZE="10M" NAME="" UUID="11111111-2222-3333-4444-777777777777"
                """, 0);
        expect("hexdump -C /dev/loop0",
                """
                00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001c0  02 00 ee ff ff ff 01 00  00 00 ff ff 01 00 00 00  |................|
                000001d0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00000200  45 46 49 20 50 41 52 54  00 00 01 00 5c 00 00 00  |EFI PART....\\...|
                00000210  44 cb 0a 42 00 00 00 00  01 00 00 00 00 00 00 00  |D..B............|
                00000220  ff ff 01 00 00 00 00 00  00 08 00 00 00 00 00 00  |................|
                00000230  de ff 01 00 00 00 00 00  67 45 23 01 ab 89 ef cd  |........gE#.....|
                00000240  01 23 45 67 89 ab cd ef  02 00 00 00 00 00 00 00  |.#Eg............|
                00000250  80 00 00 00 80 00 00 00  56 ef 30 b0 00 00 00 00  |........V.0.....|
                00000260  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000400  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                00000410  11 11 11 11 22 22 33 33  44 44 55 55 55 55 55 55  |....""33DDUUUUUU|
                00000420  00 08 00 00 00 00 00 00  ff 87 00 00 00 00 00 00  |................|
                00000430  00 00 00 00 00 00 00 00  6f 00 6e 00 65 00 00 00  |........o.n.e...|
                00000440  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000480  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                00000490  11 11 11 11 22 22 33 33  44 44 66 66 66 66 66 66  |....""33DDffffff|
                000004a0  00 88 00 00 00 00 00 00  ff 07 01 00 00 00 00 00  |................|
                000004b0  00 00 00 00 00 00 00 00  74 00 77 00 6f 00 20 00  |........t.w.o. .|
                000004c0  77 00 6f 00 72 00 64 00  73 00 00 00 00 00 00 00  |w.o.r.d.s.......|
                000004d0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000500  6d fd 57 06 ab a4 c4 43  84 e5 09 33 c8 4b 4f 4f  |m.W....C...3.KOO|
                00000510  11 11 11 11 22 22 33 33  44 44 77 77 77 77 77 77  |....""33DDwwwwww|
                00000520  00 08 01 00 00 00 00 00  ff 57 01 00 00 00 00 00  |.........W......|
                00000530  01 00 00 00 00 00 00 10  00 00 00 00 00 00 00 00  |................|
                00000540  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbe00  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                03ffbe10  11 11 11 11 22 22 33 33  44 44 55 55 55 55 55 55  |....""33DDUUUUUU|
                03ffbe20  00 08 00 00 00 00 00 00  ff 87 00 00 00 00 00 00  |................|
                03ffbe30  00 00 00 00 00 00 00 00  6f 00 6e 00 65 00 00 00  |........o.n.e...|
                03ffbe40  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbe80  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                03ffbe90  11 11 11 11 22 22 33 33  44 44 66 66 66 66 66 66  |....""33DDffffff|
                03ffbea0  00 88 00 00 00 00 00 00  ff 07 01 00 00 00 00 00  |................|
                03ffbeb0  00 00 00 00 00 00 00 00  74 00 77 00 6f 00 20 00  |........t.w.o. .|
                03ffbec0  77 00 6f 00 72 00 64 00  73 00 00 00 00 00 00 00  |w.o.r.d.s.......|
                03ffbed0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbf00  6d fd 57 06 ab a4 c4 43  84 e5 09 33 c8 4b 4f 4f  |m.W....C...3.KOO|
                03ffbf10  11 11 11 11 22 22 33 33  44 44 77 77 77 77 77 77  |....""33DDwwwwww|
                03ffbf20  00 08 01 00 00 00 00 00  ff 57 01 00 00 00 00 00  |.........W......|
                03ffbf30  01 00 00 00 00 00 00 10  00 00 00 00 00 00 00 00  |................|
                03ffbf40  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03fffe00  45 46 49 20 50 41 52 54  00 00 01 00 5c 00 00 00  |EFI PART....\\...|
                03fffe10  81 07 06 cc 00 00 00 00  ff ff 01 00 00 00 00 00  |................|
                03fffe20  01 00 00 00 00 00 00 00  00 08 00 00 00 00 00 00  |................|
                03fffe30  de ff 01 00 00 00 00 00  67 45 23 01 ab 89 ef cd  |........gE#.....|
                03fffe40  01 23 45 67 89 ab cd ef  df ff 01 00 00 00 00 00  |.#Eg............|
                03fffe50  80 00 00 00 80 00 00 00  56 ef 30 b0 00 00 00 00  |........V.0.....|
                03fffe60  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                04000000
                """, 0);
    }

    /** GPT default placement, an unsupported mixed line, dos over gpt (the GPT signatures are wiped) and gpt with first-lba. */
    @Test
    void gptDefaultsAndLabelChanges() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                ",16M,U,,uuid=11111111-2222-3333-4444-000000000001",
                ",8M",
                ",,R"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> line 3: unsupported command

                New situation:
                Leaving.

                """, 1);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=16M, type=U, uuid=11111111-2222-3333-4444-000000000001",
                "size=8M, uuid=11111111-2222-3333-4444-000000000002",
                "type=R, uuid=11111111-2222-3333-4444-000000000003"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                /dev/loop0p1: Created a new partition 1 of type 'EFI System' and of size 16 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux filesystem' and of size 8 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'Linux RAID' and of size 38 MiB.
                /dev/loop0p4: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start    End Sectors Size Type
                /dev/loop0p1  2048  34815   32768  16M EFI System
                /dev/loop0p2 34816  51199   16384   8M Linux filesystem
                /dev/loop0p3 51200 129023   77824  38M Linux RAID

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start    End Sectors Size Type
                /dev/loop0p1  2048  34815   32768  16M EFI System
                /dev/loop0p2 34816  51199   16384   8M Linux filesystem
                /dev/loop0p3 51200 129023   77824  38M Linux RAID
                """, 0);
        expect("hexdump -C /dev/loop0",
                """
                00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001c0  02 00 ee ff ff ff 01 00  00 00 ff ff 01 00 00 00  |................|
                000001d0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00000200  45 46 49 20 50 41 52 54  00 00 01 00 5c 00 00 00  |EFI PART....\\...|
                00000210  c9 10 86 11 00 00 00 00  01 00 00 00 00 00 00 00  |................|
                00000220  ff ff 01 00 00 00 00 00  00 08 00 00 00 00 00 00  |................|
                00000230  de ff 01 00 00 00 00 00  67 45 23 01 ab 89 ef cd  |........gE#.....|
                00000240  01 23 45 67 89 ab cd ef  02 00 00 00 00 00 00 00  |.#Eg............|
                00000250  80 00 00 00 80 00 00 00  bf 29 b6 b0 00 00 00 00  |.........)......|
                00000260  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000400  28 73 2a c1 1f f8 d2 11  ba 4b 00 a0 c9 3e c9 3b  |(s*......K...>.;|
                00000410  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 01  |....""33DD......|
                00000420  00 08 00 00 00 00 00 00  ff 87 00 00 00 00 00 00  |................|
                00000430  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000480  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                00000490  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 02  |....""33DD......|
                000004a0  00 88 00 00 00 00 00 00  ff c7 00 00 00 00 00 00  |................|
                000004b0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000500  0f 88 9d a1 fc 05 3b 4d  a0 06 74 3f 0f 84 91 1e  |......;M..t?....|
                00000510  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 03  |....""33DD......|
                00000520  00 c8 00 00 00 00 00 00  ff f7 01 00 00 00 00 00  |................|
                00000530  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbe00  28 73 2a c1 1f f8 d2 11  ba 4b 00 a0 c9 3e c9 3b  |(s*......K...>.;|
                03ffbe10  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 01  |....""33DD......|
                03ffbe20  00 08 00 00 00 00 00 00  ff 87 00 00 00 00 00 00  |................|
                03ffbe30  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbe80  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                03ffbe90  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 02  |....""33DD......|
                03ffbea0  00 88 00 00 00 00 00 00  ff c7 00 00 00 00 00 00  |................|
                03ffbeb0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbf00  0f 88 9d a1 fc 05 3b 4d  a0 06 74 3f 0f 84 91 1e  |......;M..t?....|
                03ffbf10  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 03  |....""33DD......|
                03ffbf20  00 c8 00 00 00 00 00 00  ff f7 01 00 00 00 00 00  |................|
                03ffbf30  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03fffe00  45 46 49 20 50 41 52 54  00 00 01 00 5c 00 00 00  |EFI PART....\\...|
                03fffe10  0c dc 8a 9f 00 00 00 00  ff ff 01 00 00 00 00 00  |................|
                03fffe20  01 00 00 00 00 00 00 00  00 08 00 00 00 00 00 00  |................|
                03fffe30  de ff 01 00 00 00 00 00  67 45 23 01 ab 89 ef cd  |........gE#.....|
                03fffe40  01 23 45 67 89 ab cd ef  df ff 01 00 00 00 00 00  |.#Eg............|
                03fffe50  80 00 00 00 80 00 00 00  bf 29 b6 b0 00 00 00 00  |.........)......|
                03fffe60  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                04000000
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x01020304",
                ",1M"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Old situation:

                Device       Start    End Sectors Size Type
                /dev/loop0p1  2048  34815   32768  16M EFI System
                /dev/loop0p2 34816  51199   16384   8M Linux filesystem
                /dev/loop0p3 51200 129023   77824  38M Linux RAID

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x01020304.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 1 MiB.
                /dev/loop0p2: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x01020304

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("hexdump -C /dev/loop0",
                """
                00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001b0  00 00 00 00 00 00 00 00  04 03 02 01 00 00 00 20  |............... |
                000001c0  21 00 83 41 01 00 00 08  00 00 00 08 00 00 00 00  |!..A............|
                000001d0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00000200  00 00 00 00 00 00 00 00  00 00 01 00 5c 00 00 00  |............\\...|
                00000210  c9 10 86 11 00 00 00 00  01 00 00 00 00 00 00 00  |................|
                00000220  ff ff 01 00 00 00 00 00  00 08 00 00 00 00 00 00  |................|
                00000230  de ff 01 00 00 00 00 00  67 45 23 01 ab 89 ef cd  |........gE#.....|
                00000240  01 23 45 67 89 ab cd ef  02 00 00 00 00 00 00 00  |.#Eg............|
                00000250  80 00 00 00 80 00 00 00  bf 29 b6 b0 00 00 00 00  |.........)......|
                00000260  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000400  28 73 2a c1 1f f8 d2 11  ba 4b 00 a0 c9 3e c9 3b  |(s*......K...>.;|
                00000410  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 01  |....""33DD......|
                00000420  00 08 00 00 00 00 00 00  ff 87 00 00 00 00 00 00  |................|
                00000430  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000480  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                00000490  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 02  |....""33DD......|
                000004a0  00 88 00 00 00 00 00 00  ff c7 00 00 00 00 00 00  |................|
                000004b0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000500  0f 88 9d a1 fc 05 3b 4d  a0 06 74 3f 0f 84 91 1e  |......;M..t?....|
                00000510  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 03  |....""33DD......|
                00000520  00 c8 00 00 00 00 00 00  ff f7 01 00 00 00 00 00  |................|
                00000530  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbe00  28 73 2a c1 1f f8 d2 11  ba 4b 00 a0 c9 3e c9 3b  |(s*......K...>.;|
                03ffbe10  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 01  |....""33DD......|
                03ffbe20  00 08 00 00 00 00 00 00  ff 87 00 00 00 00 00 00  |................|
                03ffbe30  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbe80  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                03ffbe90  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 02  |....""33DD......|
                03ffbea0  00 88 00 00 00 00 00 00  ff c7 00 00 00 00 00 00  |................|
                03ffbeb0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbf00  0f 88 9d a1 fc 05 3b 4d  a0 06 74 3f 0f 84 91 1e  |......;M..t?....|
                03ffbf10  11 11 11 11 22 22 33 33  44 44 00 00 00 00 00 03  |....""33DD......|
                03ffbf20  00 c8 00 00 00 00 00 00  ff f7 01 00 00 00 00 00  |................|
                03ffbf30  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03fffe00  00 00 00 00 00 00 00 00  00 00 01 00 5c 00 00 00  |............\\...|
                03fffe10  0c dc 8a 9f 00 00 00 00  ff ff 01 00 00 00 00 00  |................|
                03fffe20  01 00 00 00 00 00 00 00  00 08 00 00 00 00 00 00  |................|
                03fffe30  de ff 01 00 00 00 00 00  67 45 23 01 ab 89 ef cd  |........gE#.....|
                03fffe40  01 23 45 67 89 ab cd ef  df ff 01 00 00 00 00 00  |.#Eg............|
                03fffe50  80 00 00 00 80 00 00 00  bf 29 b6 b0 00 00 00 00  |.........)......|
                03fffe60  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                04000000
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR START  END SECTORS SIZE NAME UUID
                 1  2048 4095    2048   1M      01020304-01
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "first-lba: 34",
                "start=34, size=100, uuid=11111111-2222-3333-4444-555555555555",
                "size=1000, uuid=11111111-2222-3333-4444-666666666666"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x01020304

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                /dev/loop0p1: Created a new partition 1 of type 'Linux filesystem' and of size 50 KiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux filesystem' and of size 500 KiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors  Size Type
                /dev/loop0p1    34   133     100   50K Linux filesystem
                /dev/loop0p2  2048  3047    1000  500K Linux filesystem

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: gpt
                label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
                device: /dev/loop0
                unit: sectors
                first-lba: 34
                last-lba: 131038
                sector-size: 512

                /dev/loop0p1 : start=          34, size=         100, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-555555555555
                /dev/loop0p2 : start=        2048, size=        1000, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-666666666666
                """, 0);
        expect("hexdump -C /dev/loop0",
                """
                00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001c0  02 00 ee ff ff ff 01 00  00 00 ff ff 01 00 00 00  |................|
                000001d0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00000200  45 46 49 20 50 41 52 54  00 00 01 00 5c 00 00 00  |EFI PART....\\...|
                00000210  22 1a d9 ef 00 00 00 00  01 00 00 00 00 00 00 00  |"...............|
                00000220  ff ff 01 00 00 00 00 00  22 00 00 00 00 00 00 00  |........".......|
                00000230  de ff 01 00 00 00 00 00  67 45 23 01 ab 89 ef cd  |........gE#.....|
                00000240  01 23 45 67 89 ab cd ef  02 00 00 00 00 00 00 00  |.#Eg............|
                00000250  80 00 00 00 80 00 00 00  15 0b 6c eb 00 00 00 00  |..........l.....|
                00000260  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000400  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                00000410  11 11 11 11 22 22 33 33  44 44 55 55 55 55 55 55  |....""33DDUUUUUU|
                00000420  22 00 00 00 00 00 00 00  85 00 00 00 00 00 00 00  |"...............|
                00000430  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00000480  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                00000490  11 11 11 11 22 22 33 33  44 44 66 66 66 66 66 66  |....""33DDffffff|
                000004a0  00 08 00 00 00 00 00 00  e7 0b 00 00 00 00 00 00  |................|
                000004b0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbe00  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                03ffbe10  11 11 11 11 22 22 33 33  44 44 55 55 55 55 55 55  |....""33DDUUUUUU|
                03ffbe20  22 00 00 00 00 00 00 00  85 00 00 00 00 00 00 00  |"...............|
                03ffbe30  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03ffbe80  af 3d c6 0f 83 84 72 47  8e 79 3d 69 d8 47 7d e4  |.=....rG.y=i.G}.|
                03ffbe90  11 11 11 11 22 22 33 33  44 44 66 66 66 66 66 66  |....""33DDffffff|
                03ffbea0  00 08 00 00 00 00 00 00  e7 0b 00 00 00 00 00 00  |................|
                03ffbeb0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                03fffe00  45 46 49 20 50 41 52 54  00 00 01 00 5c 00 00 00  |EFI PART....\\...|
                03fffe10  e7 d6 d5 61 00 00 00 00  ff ff 01 00 00 00 00 00  |...a............|
                03fffe20  01 00 00 00 00 00 00 00  22 00 00 00 00 00 00 00  |........".......|
                03fffe30  de ff 01 00 00 00 00 00  67 45 23 01 ab 89 ef cd  |........gE#.....|
                03fffe40  01 23 45 67 89 ab cd ef  df ff 01 00 00 00 00 00  |.#Eg............|
                03fffe50  80 00 00 00 80 00 00 00  15 0b 6c eb 00 00 00 00  |..........l.....|
                03fffe60  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                04000000
                """, 0);
    }

    /** A 4096-byte-sector disk: sizes in 4K sectors for sfdisk, 512-byte sectors for partx. */
    @Test
    void fourKibSectors() {
        sh.ok("disk add loop0 64MiB --sector-size 4096");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x44444444",
                "start=256, size=4096, type=83",
                "size=4096"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 16384 sectors
                Units: sectors of 1 * 4096 = 4096 bytes
                Sector size (logical/physical): 4096 bytes / 4096 bytes
                I/O size (minimum/optimal): 4096 bytes / 4096 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x44444444.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 16 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux' and of size 16 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x44444444

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1        256  4351    4096  16M 83 Linux
                /dev/loop0p2       4352  8447    4096  16M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x44444444
                device: /dev/loop0
                unit: sectors
                sector-size: 4096

                /dev/loop0p1 : start=         256, size=        4096, type=83
                /dev/loop0p2 : start=        4352, size=        4096, type=83
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID
                 1  2048 34815   32768  16M      44444444-01
                 2 34816 67583   32768  16M      44444444-02
                """, 0);
        expect("partx -a /dev/loop0",
                "", 0);
        expectPartitions("""
                major minor  #blocks  name

                   7        0      65536 loop0
                 259        0      16384 loop0p1
                 259        1      16384 loop0p2
                """);
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=4096, uuid=11111111-2222-3333-4444-555555555555",
                "size=4096, uuid=11111111-2222-3333-4444-666666666666"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 16384 sectors
                Units: sectors of 1 * 4096 = 4096 bytes
                Sector size (logical/physical): 4096 bytes / 4096 bytes
                I/O size (minimum/optimal): 4096 bytes / 4096 bytes
                Disklabel type: dos
                Disk identifier: 0x44444444

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1        256  4351    4096  16M 83 Linux
                /dev/loop0p2       4352  8447    4096  16M 83 Linux

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                /dev/loop0p1: Created a new partition 1 of type 'Linux filesystem' and of size 16 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux filesystem' and of size 16 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1   256  4351    4096  16M Linux filesystem
                /dev/loop0p2  4352  8447    4096  16M Linux filesystem

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: gpt
                label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
                device: /dev/loop0
                unit: sectors
                first-lba: 256
                last-lba: 16378
                sector-size: 4096

                /dev/loop0p1 : start=         256, size=        4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-555555555555
                /dev/loop0p2 : start=        4352, size=        4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-666666666666
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID
                 1  2048 34815   32768  16M      11111111-2222-3333-4444-555555555555
                 2 34816 67583   32768  16M      11111111-2222-3333-4444-666666666666
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 16384 sectors
                Units: sectors of 1 * 4096 = 4096 bytes
                Sector size (logical/physical): 4096 bytes / 4096 bytes
                I/O size (minimum/optimal): 4096 bytes / 4096 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1   256  4351    4096  16M Linux filesystem
                /dev/loop0p2  4352  8447    4096  16M Linux filesystem
                """, 0);
    }

    /** No input on a blank disk, unknown headers, write/quit/abort, an ignored partition, type names, --show-size and --show-geometry. */
    @Test
    void scriptCommandsAndIgnoredLines() {
        sh.ok("disk add loop0 64MiB");
        expect("sfdisk /dev/loop0",
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Done.

                New situation:
                """, 1);
        expect(script("sfdisk /dev/loop0",
                "foo: bar",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "write"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Unknown script header 'foo' -- ignore.
                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk /dev/loop0",
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Old situation:

                >>> Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("partx -v -s /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'gpt' detected
                /dev/loop0: partition table with no partitions\
                """, 0);
        expect("partx -s /dev/loop0",
                "", 0);
        expect(script("sfdisk --label dos /dev/loop0",
                "label-id: 0x00001234",
                "start=0, size=0",
                "size=100, type=Linux",
                "size=100, type=0x7",
                "size=100, type=zz",
                "quit"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Old situation:

                >>> Script header accepted.
                >>> Ignoring partition.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x00001234.
                /dev/loop0p2: Created a new partition 1 of type 'Linux' and of size 50 KiB.
                /dev/loop0p2: Created a new partition 2 of type 'HPFS/NTFS/exFAT' and of size 50 KiB.
                /dev/loop0p3: Created a new partition 3 of type 'Empty' and of size 50 KiB.
                /dev/loop0p4:\s
                New situation:
                Disklabel type: dos
                Disk identifier: 0x00001234

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  2147     100  50K 83 Linux
                /dev/loop0p2       4096  4195     100  50K  7 HPFS/NTFS/exFAT
                /dev/loop0p3       6144  6243     100  50K  0 Empty

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x00001234
                device: /dev/loop0
                unit: sectors
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=         100, type=83
                /dev/loop0p2 : start=        4096, size=         100, type=7
                /dev/loop0p3 : start=        6144, size=         100, type=0
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "abort"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x00001234

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  2147     100  50K 83 Linux
                /dev/loop0p2       4096  4195     100  50K  7 HPFS/NTFS/exFAT
                /dev/loop0p3       6144  6243     100  50K  0 Empty

                >>> Leaving.

                """, 1);
        expect("sfdisk -s /dev/loop0",
                """
                65536
                """, 0);
        expect("sfdisk -g /dev/loop0",
                """
                /dev/loop0: 8 cylinders, 255 heads, 63 sectors/track
                """, 0);
    }

    /** Logicals after four primaries, all primaries in use, starts below the alignment, and explicit partition numbers. */
    @Test
    void logicalPartitionsAndExplicitNumbers() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x00002222",
                ",1M",
                ",1M",
                ",1M",
                ",10M,E",
                ",1M",
                ",1M",
                ",,"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x00002222.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 1 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux' and of size 1 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'Linux' and of size 1 MiB.
                /dev/loop0p4: Created a new partition 4 of type 'Extended' and of size 10 MiB.
                /dev/loop0p5: Created a new partition 5 of type 'Linux' and of size 1 MiB.
                /dev/loop0p6: Created a new partition 6 of type 'Linux' and of size 1 MiB.
                /dev/loop0p7: Created a new partition 7 of type 'Linux' and of size 5 MiB.
                /dev/loop0p8: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x00002222

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux
                /dev/loop0p2       4096  6143    2048   1M 83 Linux
                /dev/loop0p3       6144  8191    2048   1M 83 Linux
                /dev/loop0p4       8192 28671   20480  10M  5 Extended
                /dev/loop0p5      10240 12287    2048   1M 83 Linux
                /dev/loop0p6      14336 16383    2048   1M 83 Linux
                /dev/loop0p7      18432 28671   10240   5M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x00002222
                device: /dev/loop0
                unit: sectors
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=        2048, type=83
                /dev/loop0p2 : start=        4096, size=        2048, type=83
                /dev/loop0p3 : start=        6144, size=        2048, type=83
                /dev/loop0p4 : start=        8192, size=       20480, type=5
                /dev/loop0p5 : start=       10240, size=        2048, type=83
                /dev/loop0p6 : start=       14336, size=        2048, type=83
                /dev/loop0p7 : start=       18432, size=       10240, type=83
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x00002222",
                ",1M",
                ",1M",
                ",1M",
                ",1M",
                ",1M"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x00002222

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux
                /dev/loop0p2       4096  6143    2048   1M 83 Linux
                /dev/loop0p3       6144  8191    2048   1M 83 Linux
                /dev/loop0p4       8192 28671   20480  10M  5 Extended
                /dev/loop0p5      10240 12287    2048   1M 83 Linux
                /dev/loop0p6      14336 16383    2048   1M 83 Linux
                /dev/loop0p7      18432 28671   10240   5M 83 Linux

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x00002222.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 1 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux' and of size 1 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'Linux' and of size 1 MiB.
                /dev/loop0p4: Created a new partition 4 of type 'Linux' and of size 1 MiB.
                All partitions used.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x00002222

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux
                /dev/loop0p2       4096  6143    2048   1M 83 Linux
                /dev/loop0p3       6144  8191    2048   1M 83 Linux
                /dev/loop0p4       8192 10239    2048   1M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x00002222",
                "1,1M",
                "100,1M"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x00002222

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux
                /dev/loop0p2       4096  6143    2048   1M 83 Linux
                /dev/loop0p3       6144  8191    2048   1M 83 Linux
                /dev/loop0p4       8192 10239    2048   1M 83 Linux

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x00002222.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 1023.5 KiB.
                /dev/loop0p2: Start sector 100 out of range.
                Failed to add #2 partition: Numerical result out of range
                Leaving.

                """, 1);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x00002222",
                "/dev/loop0p3 : start=4096, size=2048, type=83",
                "/dev/loop0p1 : start=2048, size=2048, type=83"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x00002222

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux
                /dev/loop0p2       4096  6143    2048   1M 83 Linux
                /dev/loop0p3       6144  8191    2048   1M 83 Linux
                /dev/loop0p4       8192 10239    2048   1M 83 Linux

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x00002222.
                /dev/loop0p1: Created a new partition 3 of type 'Linux' and of size 1 MiB.
                /dev/loop0p4: Created a new partition 1 of type 'Linux' and of size 1 MiB.
                /dev/loop0p2: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x00002222

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux
                /dev/loop0p3       4096  6143    2048   1M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x00002222

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux
                /dev/loop0p3       4096  6143    2048   1M 83 Linux
                """, 0);
    }

    /** On a 4 MiB disk libfdisk aligns to sectors (first LBA 1, grain 512). */
    @Test
    void smallDiskUsesSectorAlignment() {
        sh.ok("disk add loop0 4MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x00003333",
                ",1M",
                ",,"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 4 MiB, 4194304 bytes, 8192 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x00003333.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 1 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux' and of size 3 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x00003333

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1          1  2048    2048   1M 83 Linux
                /dev/loop0p2       2049  8191    6143   3M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x00003333
                device: /dev/loop0
                unit: sectors
                grain: 512
                sector-size: 512

                /dev/loop0p1 : start=           1, size=        2048, type=83
                /dev/loop0p2 : start=        2049, size=        6143, type=83
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                ",1M, uuid=11111111-2222-3333-4444-555555555555"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 4 MiB, 4194304 bytes, 8192 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x00003333

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1          1  2048    2048   1M 83 Linux
                /dev/loop0p2       2049  8191    6143   3M 83 Linux

                >>> Script header accepted.
                >>> Script header accepted.
                >>> line 3: unsupported command

                New situation:
                Disklabel type: dos
                Disk identifier: 0x00003333

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1          1  2048    2048   1M 83 Linux
                /dev/loop0p2       2049  8191    6143   3M 83 Linux
                Leaving.

                """, 1);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x00003333
                device: /dev/loop0
                unit: sectors
                grain: 512
                sector-size: 512

                /dev/loop0p1 : start=           1, size=        2048, type=83
                /dev/loop0p2 : start=        2049, size=        6143, type=83
                """, 0);
    }

    /** A 3 GiB disk: fractional sizes, size suffixes, names with escapes in dump, raw and pairs output. */
    @Test
    void largeDiskSizesAndEscapedNames() {
        sh.ok("disk add loop0 3GiB");
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=1.5G, uuid=11111111-2222-3333-4444-555555555555",
                "size=100M, uuid=11111111-2222-3333-4444-666666666666",
                "size=1000, uuid=11111111-2222-3333-4444-777777777777",
                "uuid=11111111-2222-3333-4444-888888888888, name=\"x\\x20y$z\""),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 3 GiB, 3221225472 bytes, 6291456 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                /dev/loop0p1: Created a new partition 1 of type 'Linux filesystem' and of size 1.5 GiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux filesystem' and of size 100 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'Linux filesystem' and of size 500 KiB.
                /dev/loop0p4: Created a new partition 4 of type 'Linux filesystem' and of size 1.4 GiB.
                /dev/loop0p5: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device         Start     End Sectors  Size Type
                /dev/loop0p1    2048 3147775 3145728  1.5G Linux filesystem
                /dev/loop0p2 3147776 3352575  204800  100M Linux filesystem
                /dev/loop0p3 3352576 3353575    1000  500K Linux filesystem
                /dev/loop0p4 3354624 6289407 2934784  1.4G Linux filesystem

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: gpt
                label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
                device: /dev/loop0
                unit: sectors
                first-lba: 2048
                last-lba: 6291422
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=     3145728, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-555555555555
                /dev/loop0p2 : start=     3147776, size=      204800, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-666666666666
                /dev/loop0p3 : start=     3352576, size=        1000, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-777777777777
                /dev/loop0p4 : start=     3354624, size=     2934784, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-888888888888, name="x y\\x24z"
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR   START     END SECTORS SIZE NAME  UUID
                 1    2048 3147775 3145728 1.5G       11111111-2222-3333-4444-555555555555
                 2 3147776 3352575  204800 100M       11111111-2222-3333-4444-666666666666
                 3 3352576 3353575    1000 500K       11111111-2222-3333-4444-777777777777
                 4 3354624 6289407 2934784 1.4G x y$z 11111111-2222-3333-4444-888888888888
                """, 0);
        expect("partx -r /dev/loop0",
                """
                NR START END SECTORS SIZE NAME UUID
                1 2048 3147775 3145728 1.5G  11111111-2222-3333-4444-555555555555
                2 3147776 3352575 204800 100M  11111111-2222-3333-4444-666666666666
                3 3352576 3353575 1000 500K  11111111-2222-3333-4444-777777777777
                4 3354624 6289407 2934784 1.4G x\\x20y$z 11111111-2222-3333-4444-888888888888
                """, 0);
        expect("partx -P /dev/loop0",
                """
                NR="1" START="2048" END="3147775" SECTORS="3145728" SIZE="1.5G" NAME="" UUID="11111111-2222-3333-4444-555555555555"
                NR="2" START="3147776" END="3352575" SECTORS="204800" SIZE="100M" NAME="" UUID="11111111-2222-3333-4444-666666666666"
                NR="3" START="3352576" END="3353575" SECTORS="1000" SIZE="500K" NAME="" UUID="11111111-2222-3333-4444-777777777777"
                NR="4" START="3354624" END="6289407" SECTORS="2934784" SIZE="1.4G" NAME="x y\\x24z" UUID="11111111-2222-3333-4444-888888888888"
                """, 0);
        expect("partx -l /dev/loop0",
                """
                # 1:      2048-  3147775 (  3145728 sectors,   1610 MB)
                # 2:   3147776-  3352575 (   204800 sectors,    104 MB)
                # 3:   3352576-  3353575 (     1000 sectors,      0 MB)
                # 4:   3354624-  6289407 (  2934784 sectors,   1502 MB)
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x00004444",
                "size=1.5G",
                "size=1001M",
                "size=123456"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 3 GiB, 3221225472 bytes, 6291456 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Old situation:

                Device         Start     End Sectors  Size Type
                /dev/loop0p1    2048 3147775 3145728  1.5G Linux filesystem
                /dev/loop0p2 3147776 3352575  204800  100M Linux filesystem
                /dev/loop0p3 3352576 3353575    1000  500K Linux filesystem
                /dev/loop0p4 3354624 6289407 2934784  1.4G Linux filesystem

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x00004444.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 1.5 GiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux' and of size 1001 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'Linux' and of size 60.3 MiB.
                /dev/loop0p4: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x00004444

                Device       Boot   Start     End Sectors  Size Id Type
                /dev/loop0p1         2048 3147775 3145728  1.5G 83 Linux
                /dev/loop0p2      3147776 5197823 2050048 1001M 83 Linux
                /dev/loop0p3      5197824 5321279  123456 60.3M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR   START     END SECTORS  SIZE NAME UUID
                 1    2048 3147775 3145728  1.5G      00004444-01
                 2 3147776 5197823 2050048 1001M      00004444-02
                 3 5197824 5321279  123456 60.3M      00004444-03
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 3 GiB, 3221225472 bytes, 6291456 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x00004444

                Device       Boot   Start     End Sectors  Size Id Type
                /dev/loop0p1         2048 3147775 3145728  1.5G 83 Linux
                /dev/loop0p2      3147776 5197823 2050048 1001M 83 Linux
                /dev/loop0p3      5197824 5321279  123456 60.3M 83 Linux
                """, 0);
    }

    /** A corrupted backup or primary GPT header is recovered; with both gone only the protective MBR is left. */
    @Test
    void gptBackupAndPrimaryRecovery() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=1M, uuid=11111111-2222-3333-4444-555555555555"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                /dev/loop0p1: Created a new partition 1 of type 'Linux filesystem' and of size 1 MiB.
                /dev/loop0p2: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  4095    2048   1M Linux filesystem

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("dd if=/dev/zero of=/dev/loop0 bs=512 seek=131071 count=1 2>/dev/null",
                "", 0);
        expect("sfdisk -l /dev/loop0",
                """
                The backup GPT table is corrupt, but the primary appears OK, so that will be used.
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  4095    2048   1M Linux filesystem
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR START  END SECTORS SIZE NAME UUID
                 1  2048 4095    2048   1M      11111111-2222-3333-4444-555555555555
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                The backup GPT table is corrupt, but the primary appears OK, so that will be used.
                label: gpt
                label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
                device: /dev/loop0
                unit: sectors
                first-lba: 2048
                last-lba: 131038
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=        2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-555555555555
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=2M, uuid=11111111-2222-3333-4444-666666666666"),
                """
                The backup GPT table is corrupt, but the primary appears OK, so that will be used.
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Old situation:

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  4095    2048   1M Linux filesystem

                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                /dev/loop0p1: Created a new partition 1 of type 'Linux filesystem' and of size 2 MiB.
                /dev/loop0p2: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  6143    4096   2M Linux filesystem

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  6143    4096   2M Linux filesystem
                """, 0);
        expect("dd if=/dev/zero of=/dev/loop0 bs=512 seek=1 count=1 2>/dev/null",
                "", 0);
        expect("sfdisk -l /dev/loop0",
                """
                The primary GPT table is corrupt, but the backup appears OK, so that will be used.
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  6143    4096   2M Linux filesystem
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR START  END SECTORS SIZE NAME UUID
                 1  2048 6143    4096   2M      11111111-2222-3333-4444-666666666666
                """, 0);
        expect(script("sfdisk --append /dev/loop0",
                "size=2M, uuid=11111111-2222-3333-4444-777777777777"),
                """
                The primary GPT table is corrupt, but the backup appears OK, so that will be used.
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Old situation:

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  6143    4096   2M Linux filesystem

                /dev/loop0p2: Created a new partition 2 of type 'Linux filesystem' and of size 2 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  6143    4096   2M Linux filesystem
                /dev/loop0p2  6144 10239    4096   2M Linux filesystem

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: gpt
                label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
                device: /dev/loop0
                unit: sectors
                first-lba: 2048
                last-lba: 131038
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=        4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-666666666666
                /dev/loop0p2 : start=        6144, size=        4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-777777777777
                """, 0);
        expect("dd if=/dev/zero of=/dev/loop0 bs=512 seek=1 count=1 2>/dev/null",
                "", 0);
        expect("dd if=/dev/zero of=/dev/loop0 bs=512 seek=131071 count=1 2>/dev/null",
                "", 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x00000000

                Device       Boot Start    End Sectors Size Id Type
                /dev/loop0p1          1 131071  131071  64M ee GPT
                """, 0);
        expect("partx -s /dev/loop0",
                "", 0);
        expect("partx -v -a /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                range recount: max partno=0, lower=0, upper=0
                """, 0);
    }

    /** A read-only disk fails silently at write; a partition device gets p-suffixed names and BLKRRPART EINVAL. */
    @Test
    void readOnlyDiskAndPartitionDevice() {
        sh.ok("disk add loop0 64MiB");
        expect("blockdev --setro /dev/loop0",
                "", 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "size=1M"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 1 MiB.
                /dev/loop0p2: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux
                """, 1);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                """, 0);
        expect("blockdev --setrw /dev/loop0",
                "", 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "size=1M"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 1 MiB.
                /dev/loop0p2: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("partx -a /dev/loop0",
                "", 0);
        expect(script("sfdisk /dev/loop0p1",
                "label: dos",
                "label-id: 0x12345678",
                "size=100"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0p1: 1 MiB, 1048576 bytes, 2048 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1p1: Created a new partition 1 of type 'Linux' and of size 50 KiB.
                /dev/loop0p1p2: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device         Boot Start   End Sectors Size Id Type
                /dev/loop0p1p1          1   100     100  50K 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Re-reading the partition table failed.: Invalid argument
                The kernel still uses the old table. The new table will be used at the next reboot or after you run partprobe(8) or partx(8).
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0p1",
                """
                label: dos
                label-id: 0x12345678
                device: /dev/loop0p1
                unit: sectors
                grain: 512
                sector-size: 512

                /dev/loop0p1p1 : start=           1, size=         100, type=83
                """, 0);
    }

    /** --delete renumbers logicals and rewrites the EBR chain; --activate lists and toggles boot flags, on a GPT disk in the protective MBR. */
    @Test
    void deleteAndActivate() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x0000beef",
                "start=2048, size=8192, type=83",
                "start=10240, size=100000, type=5",
                "start=12288, size=8192, type=83",
                "start=22528, size=8192, type=82",
                "start=32768, size=8192, type=83",
                "size=8192, bootable"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x0000beef.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 4 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Extended' and of size 48.8 MiB.
                /dev/loop0p3: Created a new partition 5 of type 'Linux' and of size 4 MiB.
                /dev/loop0p6: Created a new partition 6 of type 'Linux swap / Solaris' and of size 4 MiB.
                /dev/loop0p7: Created a new partition 7 of type 'Linux' and of size 4 MiB.
                /dev/loop0p8: Created a new partition 3 of type 'Linux' and of size 4 MiB.
                /dev/loop0p4: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x0000beef

                Device       Boot  Start    End Sectors  Size Id Type
                /dev/loop0p1        2048  10239    8192    4M 83 Linux
                /dev/loop0p2       10240 110239  100000 48.8M  5 Extended
                /dev/loop0p3 *    110592 118783    8192    4M 83 Linux
                /dev/loop0p5       12288  20479    8192    4M 83 Linux
                /dev/loop0p6       22528  30719    8192    4M 82 Linux swap / Solaris
                /dev/loop0p7       32768  40959    8192    4M 83 Linux

                Partition table entries are not in disk order.

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk --activate /dev/loop0",
                """
                /dev/loop0p3
                """, 0);
        expect("sfdisk --activate /dev/loop0 1 2",
                """
                The bootable flag on partition 3 is disabled now.
                The bootable flag on partition 1 is enabled now.
                Partition 2: is an extended partition.
                The bootable flag on partition 2 is enabled now.

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -A /dev/loop0",
                """
                /dev/loop0p1
                /dev/loop0p2
                """, 0);
        expect("sfdisk --activate /dev/loop0 -",
                """
                The bootable flag on partition 1 is disabled now.
                The bootable flag on partition 2 is disabled now.

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -A /dev/loop0",
                "", 0);
        expect("sfdisk --delete /dev/loop0 5",
                """

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x0000beef
                device: /dev/loop0
                unit: sectors
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=        8192, type=83
                /dev/loop0p2 : start=       10240, size=      100000, type=5
                /dev/loop0p3 : start=      110592, size=        8192, type=83
                /dev/loop0p5 : start=       22528, size=        8192, type=82
                /dev/loop0p6 : start=       32768, size=        8192, type=83
                """, 0);
        expect("hexdump -C /dev/loop0",
                """
                00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001b0  00 00 00 00 00 00 00 00  ef be 00 00 00 00 00 20  |............... |
                000001c0  21 00 83 a2 22 00 00 08  00 00 00 20 00 00 00 a2  |!..."...... ....|
                000001d0  23 00 05 db 35 06 00 28  00 00 a0 86 01 00 00 e1  |#...5..(........|
                000001e0  1c 06 83 64 1d 07 00 b0  01 00 00 20 00 00 00 00  |...d....... ....|
                000001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00000200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                005001b0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 66  |...............f|
                005001c0  26 01 82 e8 27 01 00 30  00 00 00 20 00 00 00 e8  |&...'..0... ....|
                005001d0  28 01 05 8c 0a 02 00 50  00 00 00 28 00 00 00 00  |(......P...(....|
                005001e0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                005001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00500200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00a001b0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 66  |...............f|
                00a001c0  26 01 82 e8 27 01 00 08  00 00 00 20 00 00 00 e8  |&...'...... ....|
                00a001d0  28 01 05 8c 0a 02 00 50  00 00 00 28 00 00 00 00  |(......P...(....|
                00a001e0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                00a001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00a00200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00f001b0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 0a  |................|
                00f001c0  09 02 83 8c 0a 02 00 08  00 00 00 20 00 00 00 00  |........... ....|
                00f001d0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                00f001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00f00200  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                04000000
                """, 0);
        expect("sfdisk --delete /dev/loop0 9",
                """
                sfdisk: /dev/loop0: partition 9: failed to delete
                """, 1);
        expect("sfdisk --delete /dev/loop0 4",
                """
                sfdisk: /dev/loop0: partition 4: failed to delete
                """, 1);
        expect("sfdisk --delete /dev/loop0",
                """

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x0000beef
                device: /dev/loop0
                unit: sectors
                sector-size: 512
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=1M, uuid=11111111-2222-3333-4444-555555555555",
                "size=1M, uuid=11111111-2222-3333-4444-666666666666"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x0000beef

                Old situation:

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                /dev/loop0p1: Created a new partition 1 of type 'Linux filesystem' and of size 1 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux filesystem' and of size 1 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  4095    2048   1M Linux filesystem
                /dev/loop0p2  4096  6143    2048   1M Linux filesystem

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk --delete /dev/loop0 1",
                """

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: gpt
                label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
                device: /dev/loop0
                unit: sectors
                first-lba: 2048
                last-lba: 131038
                sector-size: 512

                /dev/loop0p2 : start=        4096, size=        2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-666666666666
                """, 0);
        expect("sfdisk -A /dev/loop0 1",
                """
                Activation is unsupported for GPT -- entering nested PMBR.
                The bootable flag on partition 1 is enabled now.

                The partition table has been altered.
                Syncing disks.
                """, 0);
        expect("sfdisk -A /dev/loop0",
                """
                Activation is unsupported for GPT -- entering nested PMBR.
                /dev/loop0p1
                """, 0);
        expect("hexdump -C -n 512 /dev/loop0",
                """
                00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001b0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 80 00  |................|
                000001c0  02 00 ee ff ff ff 01 00  00 00 ff ff 01 00 00 00  |................|
                000001d0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
                *
                000001f0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 55 aa  |..............U.|
                00000200
                """, 0);
    }

    /** --json as libfdisk writes it, with escapes, and without partitions. */
    @Test
    void jsonDump() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "start=2048, size=32768, type=83, bootable",
                "start=34816, size=32768, type=5",
                "start=36864, size=2048, type=82"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 16 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Extended' and of size 16 MiB.
                /dev/loop0p3: Created a new partition 5 of type 'Linux swap / Solaris' and of size 1 MiB.
                /dev/loop0p6: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1 *     2048 34815   32768  16M 83 Linux
                /dev/loop0p2      34816 67583   32768  16M  5 Extended
                /dev/loop0p5      36864 38911    2048   1M 82 Linux swap / Solaris

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -J /dev/loop0",
                """
                {
                   "partitiontable": {
                      "label": "dos",
                      "id": "0x12345678",
                      "device": "/dev/loop0",
                      "unit": "sectors",
                      "sectorsize": 512,
                      "partitions": [
                         {
                            "node": "/dev/loop0p1",
                            "start": 2048,
                            "size": 32768,
                            "type": "83",
                            "bootable": true
                         },{
                            "node": "/dev/loop0p2",
                            "start": 34816,
                            "size": 32768,
                            "type": "5"
                         },{
                            "node": "/dev/loop0p5",
                            "start": 36864,
                            "size": 2048,
                            "type": "82"
                         }
                      ]
                   }
                }
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=1M, uuid=11111111-2222-3333-4444-555555555555, name=\"a b\", attrs=\"LegacyBIOSBootable GUID:50\"",
                "size=1M, uuid=11111111-2222-3333-4444-666666666666, name=x\\x22y\\x5cz"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x12345678

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1 *     2048 34815   32768  16M 83 Linux
                /dev/loop0p2      34816 67583   32768  16M  5 Extended
                /dev/loop0p5      36864 38911    2048   1M 82 Linux swap / Solaris

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                /dev/loop0p1: Created a new partition 1 of type 'Linux filesystem' and of size 1 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux filesystem' and of size 1 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  4095    2048   1M Linux filesystem
                /dev/loop0p2  4096  6143    2048   1M Linux filesystem

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk --json /dev/loop0",
                """
                {
                   "partitiontable": {
                      "label": "gpt",
                      "id": "01234567-89AB-CDEF-0123-456789ABCDEF",
                      "device": "/dev/loop0",
                      "unit": "sectors",
                      "firstlba": 2048,
                      "lastlba": 131038,
                      "sectorsize": 512,
                      "partitions": [
                         {
                            "node": "/dev/loop0p1",
                            "start": 2048,
                            "size": 2048,
                            "type": "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
                            "uuid": "11111111-2222-3333-4444-555555555555",
                            "name": "a b",
                            "attrs": "LegacyBIOSBootable GUID:50"
                         },{
                            "node": "/dev/loop0p2",
                            "start": 4096,
                            "size": 2048,
                            "type": "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
                            "uuid": "11111111-2222-3333-4444-666666666666",
                            "name": "x\\"y\\\\z"
                         }
                      ]
                   }
                }
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: gpt
                label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
                device: /dev/loop0
                unit: sectors
                first-lba: 2048
                last-lba: 131038
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=        2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-555555555555, name="a b", attrs="LegacyBIOSBootable GUID:50"
                /dev/loop0p2 : start=        4096, size=        2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-666666666666, name="x\\x22y\\x5cz"
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Old situation:

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  4095    2048   1M Linux filesystem
                /dev/loop0p2  4096  6143    2048   1M Linux filesystem

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Done.
                Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -J /dev/loop0",
                """
                {
                   "partitiontable": {
                      "label": "gpt",
                      "id": "01234567-89AB-CDEF-0123-456789ABCDEF",
                      "device": "/dev/loop0",
                      "unit": "sectors",
                      "firstlba": 2048,
                      "lastlba": 131038,
                      "sectorsize": 512
                   }
                }
                """, 0);
        expect("sfdisk -J /dev/nonexist",
                """
                sfdisk: cannot open /dev/nonexist: No such file or directory
                """, 1);
    }

    /** help, print and write read from the script. */
    @Test
    void shellCommandsInScripts() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "help",
                ",1M",
                "print",
                "write",
                ",1M"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>>\s
                Help:

                 Commands:
                   write    write table to disk and exit
                   quit     show new situation and wait for user's feedback before write
                   abort    exit sfdisk shell
                   print    display the partition table
                   help     show this help text

                   Ctrl-D   the same as 'quit'

                 Input format:
                   <start>, <size>, <type>, <bootable>

                   <start>  Beginning of the partition in sectors, or bytes if
                            specified in the format <number>{K,M,G,T,P,E,Z,Y}.
                            The default is the first free space.

                   <size>   Size of the partition in sectors, or bytes if
                            specified in the format <number>{K,M,G,T,P,E,Z,Y}.
                            The default is all available space.

                   <type>   The partition type.  Default is a Linux data partition.
                            MBR: hex or L,S,Ex,X,U,R,V shortcuts.
                            GPT: UUID or L,S,H,U,R,V shortcuts.

                   <bootable>  Use '*' to mark an MBR partition as bootable.

                 Example:
                   , 4G     Creates a 4GiB partition at default start offset.

                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 1 MiB.
                /dev/loop0p2:\s
                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux
                /dev/loop0p2:\s
                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
    }

    /** --wipe never leaves the old GPT signature (with the warning), always wipes; a bad mode is an error. */
    @Test
    void wipeModes() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk -q /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=1M, uuid=11111111-2222-3333-4444-555555555555"),
                "", 0);
        expect(script("sfdisk -w never /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "size=1M"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Old situation:

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  4095    2048   1M Linux filesystem

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                The device contains 'gpt' signature and it may remain on the device. It is recommended to wipe the device with wipefs(8) or sfdisk --wipe, in order to avoid possible collisions.

                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 1 MiB.
                /dev/loop0p2: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 83 Linux
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR START  END SECTORS SIZE NAME UUID
                 1  2048 4095    2048   1M      12345678-01
                """, 0);
        expect("hexdump -C -s 512 -n 16 /dev/loop0",
                """
                00000200  45 46 49 20 50 41 52 54  00 00 01 00 5c 00 00 00  |EFI PART....\\...|
                00000210
                """, 0);
        expect("sfdisk -w bogus /dev/loop0",
                """
                sfdisk: unsupported wipe mode
                """, 1);
        expect(script("sfdisk -q -w always /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=1M, uuid=11111111-2222-3333-4444-555555555555"),
                "", 0);
        expect("hexdump -C -s 512 -n 16 /dev/loop0",
                """
                00000200  45 46 49 20 50 41 52 54  00 00 01 00 5c 00 00 00  |EFI PART....\\...|
                00000210
                """, 0);
    }

    /** Type strings by GUID, alias, name and hex, unknown types, table-length and --list-types. */
    @Test
    void typeNamesAndTableLength() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "table-length: 4",
                "size=1M, uuid=11111111-2222-3333-4444-555555555555, type=0FC63DAF-8483-4772-8E79-3D47DE8E7284",
                "size=1M, uuid=11111111-2222-3333-4444-666666666666, type=linux",
                "size=1M, uuid=11111111-2222-3333-4444-777777777777, type=\"EFI System\"",
                "size=1M, uuid=11111111-2222-3333-4444-888888888888, type=c12a7328-f81f-11d2-ba4b-00a0c93ec93b",
                "size=1M, uuid=11111111-2222-3333-4444-999999999999"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                The maximal number of partitions is 4 (default is 128).
                /dev/loop0p1: Created a new partition 1 of type 'unknown' and of size 1 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux filesystem' and of size 1 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'EFI System' and of size 1 MiB.
                /dev/loop0p4: Created a new partition 4 of type 'EFI System' and of size 1 MiB.
                All partitions used.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  4095    2048   1M unknown
                /dev/loop0p2  4096  6143    2048   1M Linux filesystem
                /dev/loop0p3  6144  8191    2048   1M EFI System
                /dev/loop0p4  8192 10239    2048   1M EFI System

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: gpt
                label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
                device: /dev/loop0
                unit: sectors
                first-lba: 2048
                last-lba: 131069
                table-length: 4
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=        2048, type=0FC63DAF-8483-4772-8E79-3D47DE8E7284, uuid=11111111-2222-3333-4444-555555555555
                /dev/loop0p2 : start=        4096, size=        2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-3333-4444-666666666666
                /dev/loop0p3 : start=        6144, size=        2048, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=11111111-2222-3333-4444-777777777777
                /dev/loop0p4 : start=        8192, size=        2048, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=11111111-2222-3333-4444-888888888888
                """, 0);
        expect("sfdisk -l /dev/loop0",
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  4095    2048   1M unknown
                /dev/loop0p2  4096  6143    2048   1M Linux filesystem
                /dev/loop0p3  6144  8191    2048   1M EFI System
                /dev/loop0p4  8192 10239    2048   1M EFI System
                """, 0);
        expect("partx -o NR,TYPE /dev/loop0",
                """
                NR                                 TYPE
                 1 0fc63daf-8483-4772-8e79-3d47de8e7284
                 2 0fc63daf-8483-4772-8e79-3d69d8477de4
                 3 c12a7328-f81f-11d2-ba4b-00a0c93ec93b
                 4 c12a7328-f81f-11d2-ba4b-00a0c93ec93b
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "size=1M, type=99",
                "size=1M, type=swap",
                "size=1M, type=ex",
                "size=1M, type=linuxex"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Old situation:

                Device       Start   End Sectors Size Type
                /dev/loop0p1  2048  4095    2048   1M unknown
                /dev/loop0p2  4096  6143    2048   1M Linux filesystem
                /dev/loop0p3  6144  8191    2048   1M EFI System
                /dev/loop0p4  8192 10239    2048   1M EFI System

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: Created a new partition 1 of type 'Unknown' and of size 1 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux swap / Solaris' and of size 1 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'Empty' and of size 1 MiB.
                /dev/loop0p4: Created a new partition 4 of type 'Linux extended' and of size 1 MiB.
                /dev/loop0p5: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 99 unknown
                /dev/loop0p2       4096  6143    2048   1M 82 Linux swap / Solaris
                /dev/loop0p3       6144  8191    2048   1M  0 Empty
                /dev/loop0p4       8192 10239    2048   1M 85 Linux extended

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "size=1M, type=99",
                "size=1M, type=swap",
                "size=1M, type=uefi",
                "size=1M, type=lvm"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x12345678

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 99 unknown
                /dev/loop0p2       4096  6143    2048   1M 82 Linux swap / Solaris
                /dev/loop0p3       6144  8191    2048   1M  0 Empty
                /dev/loop0p4       8192 10239    2048   1M 85 Linux extended

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: Created a new partition 1 of type 'Unknown' and of size 1 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux swap / Solaris' and of size 1 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'EFI (FAT-12/16/32)' and of size 1 MiB.
                /dev/loop0p4: Created a new partition 4 of type 'Linux LVM' and of size 1 MiB.
                All partitions used.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048  4095    2048   1M 99 unknown
                /dev/loop0p2       4096  6143    2048   1M 82 Linux swap / Solaris
                /dev/loop0p3       6144  8191    2048   1M ef EFI (FAT-12/16/32)
                /dev/loop0p4       8192 10239    2048   1M 8e Linux LVM

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/loop0",
                """
                label: dos
                label-id: 0x12345678
                device: /dev/loop0
                unit: sectors
                sector-size: 512

                /dev/loop0p1 : start=        2048, size=        2048, type=99
                /dev/loop0p2 : start=        4096, size=        2048, type=82
                /dev/loop0p3 : start=        6144, size=        2048, type=ef
                /dev/loop0p4 : start=        8192, size=        2048, type=8e
                """, 0);
        expect("sfdisk --label gpt -T",
                """
                Id  Name

                C12A7328-F81F-11D2-BA4B-00A0C93EC93B  EFI System
                024DEE41-33E7-11D3-9D69-0008C781F39F  MBR partition scheme
                D3BFE2DE-3DAF-11DF-BA40-E3A556D89593  Intel Fast Flash
                21686148-6449-6E6F-744E-656564454649  BIOS boot
                F4019732-066E-4E12-8273-346C5641494F  Sony boot partition
                BFBFAFE7-A34F-448A-9A5B-6213EB736C22  Lenovo boot partition
                9E1A2D38-C612-4316-AA26-8B49521E5A8B  PowerPC PReP boot
                7412F7D5-A156-4B13-81DC-867174929325  ONIE boot
                D4E6E2CD-4469-46F3-B5CB-1BFF57AFC149  ONIE config
                E3C9E316-0B5C-4DB8-817D-F92DF00215AE  Microsoft reserved
                EBD0A0A2-B9E5-4433-87C0-68B6B72699C7  Microsoft basic data
                5808C8AA-7E8F-42E0-85D2-E1E90434CFB3  Microsoft LDM metadata
                AF9B60A0-1431-4F62-BC68-3311714A69AD  Microsoft LDM data
                DE94BBA4-06D1-4D40-A16A-BFD50179D6AC  Windows recovery environment
                37AFFC90-EF7D-4E96-91C3-2D7AE055B174  IBM General Parallel Fs
                E75CAF8F-F680-4CEE-AFA3-B001E56EFC2D  Microsoft Storage Spaces
                75894C1E-3AEB-11D3-B7C1-7B03A0000000  HP-UX data
                E2A1E728-32E3-11D6-A682-7B03A0000000  HP-UX service
                0657FD6D-A4AB-43C4-84E5-0933C84B4F4F  Linux swap
                0FC63DAF-8483-4772-8E79-3D69D8477DE4  Linux filesystem
                3B8F8425-20E0-4F3B-907F-1A25A76F98E8  Linux server data
                44479540-F297-41B2-9AF7-D131D5F0458A  Linux root (x86)
                4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709  Linux root (x86-64)
                6523F8AE-3EB1-4E2A-A05A-18B695AE656F  Linux root (Alpha)
                D27F46ED-2919-4CB8-BD25-9531F3C16534  Linux root (ARC)
                69DAD710-2CE4-4E3C-B16C-21A1D49ABED3  Linux root (ARM)
                B921B045-1DF0-41C3-AF44-4C6F280D3FAE  Linux root (ARM-64)
                993D8D3D-F80E-4225-855A-9DAF8ED7EA97  Linux root (IA-64)
                77055800-792C-4F94-B39A-98C91B762BB6  Linux root (LoongArch-64)
                37C58C8A-D913-4156-A25F-48B1B64E07F0  Linux root (MIPS-32 LE)
                700BDA43-7A34-4507-B179-EEB93D7A7CA3  Linux root (MIPS-64 LE)
                1DE3F1EF-FA98-47B5-8DCD-4A860A654D78  Linux root (PPC)
                912ADE1D-A839-4913-8964-A10EEE08FBD2  Linux root (PPC64)
                C31C45E6-3F39-412E-80FB-4809C4980599  Linux root (PPC64LE)
                60D5A7FE-8E7D-435C-B714-3DD8162144E1  Linux root (RISC-V-32)
                72EC70A6-CF74-40E6-BD49-4BDA08E8F224  Linux root (RISC-V-64)
                08A7ACEA-624C-4A20-91E8-6E0FA67D23F9  Linux root (S390)
                5EEAD9A9-FE09-4A1E-A1D7-520D00531306  Linux root (S390X)
                C50CDD70-3862-4CC3-90E1-809A8C93EE2C  Linux root (TILE-Gx)
                8DA63339-0007-60C0-C436-083AC8230908  Linux reserved
                933AC7E1-2EB4-4F13-B844-0E14E2AEF915  Linux home
                A19D880F-05FC-4D3B-A006-743F0F84911E  Linux RAID
                E6D6D379-F507-44C2-A23C-238F2A3DF928  Linux LVM
                4D21B016-B534-45C2-A9FB-5C16E091FD2D  Linux variable data
                7EC6F557-3BC5-4ACA-B293-16EF5DF639D1  Linux temporary data
                75250D76-8CC6-458E-BD66-BD47CC81A812  Linux /usr (x86)
                8484680C-9521-48C6-9C11-B0720656F69E  Linux /usr (x86-64)
                E18CF08C-33EC-4C0D-8246-C6C6FB3DA024  Linux /usr (Alpha)
                7978A683-6316-4922-BBEE-38BFF5A2FECC  Linux /usr (ARC)
                7D0359A3-02B3-4F0A-865C-654403E70625  Linux /usr (ARM)
                B0E01050-EE5F-4390-949A-9101B17104E9  Linux /usr (ARM-64)
                4301D2A6-4E3B-4B2A-BB94-9E0B2C4225EA  Linux /usr (IA-64)
                E611C702-575C-4CBE-9A46-434FA0BF7E3F  Linux /usr (LoongArch-64)
                0F4868E9-9952-4706-979F-3ED3A473E947  Linux /usr (MIPS-32 LE)
                C97C1F32-BA06-40B4-9F22-236061B08AA8  Linux /usr (MIPS-64 LE)
                7D14FEC5-CC71-415D-9D6C-06BF0B3C3EAF  Linux /usr (PPC)
                2C9739E2-F068-46B3-9FD0-01C5A9AFBCCA  Linux /usr (PPC64)
                15BB03AF-77E7-4D4A-B12B-C0D084F7491C  Linux /usr (PPC64LE)
                B933FB22-5C3F-4F91-AF90-E2BB0FA50702  Linux /usr (RISC-V-32)
                BEAEC34B-8442-439B-A40B-984381ED097D  Linux /usr (RISC-V-64)
                CD0F869B-D0FB-4CA0-B141-9EA87CC78D66  Linux /usr (S390)
                8A4F5770-50AA-4ED3-874A-99B710DB6FEA  Linux /usr (S390X)
                55497029-C7C1-44CC-AA39-815ED1558630  Linux /usr (TILE-Gx)
                D13C5D3B-B5D1-422A-B29F-9454FDC89D76  Linux root verity (x86)
                2C7357ED-EBD2-46D9-AEC1-23D437EC2BF5  Linux root verity (x86-64)
                FC56D9E9-E6E5-4C06-BE32-E74407CE09A5  Linux root verity (Alpha)
                24B2D975-0F97-4521-AFA1-CD531E421B8D  Linux root verity (ARC)
                7386CDF2-203C-47A9-A498-F2ECCE45A2D6  Linux root verity (ARM)
                DF3300CE-D69F-4C92-978C-9BFB0F38D820  Linux root verity (ARM-64)
                86ED10D5-B607-45BB-8957-D350F23D0571  Linux root verity (IA-64)
                F3393B22-E9AF-4613-A948-9D3BFBD0C535  Linux root verity (LoongArch-64)
                D7D150D2-2A04-4A33-8F12-16651205FF7B  Linux root verity (MIPS-32 LE)
                16B417F8-3E06-4F57-8DD2-9B5232F41AA6  Linux root verity (MIPS-64 LE)
                98CFE649-1588-46DC-B2F0-ADD147424925  Linux root verity (PPC)
                9225A9A3-3C19-4D89-B4F6-EEFF88F17631  Linux root verity (PPC64)
                906BD944-4589-4AAE-A4E4-DD983917446A  Linux root verity (PPC64LE)
                AE0253BE-1167-4007-AC68-43926C14C5DE  Linux root verity (RISC-V-32)
                B6ED5582-440B-4209-B8DA-5FF7C419EA3D  Linux root verity (RISC-V-64)
                7AC63B47-B25C-463B-8DF8-B4A94E6C90E1  Linux root verity (S390)
                B325BFBE-C7BE-4AB8-8357-139E652D2F6B  Linux root verity (S390X)
                966061EC-28E4-4B2E-B4A5-1F0A825A1D84  Linux root verity (TILE-Gx)
                8F461B0D-14EE-4E81-9AA9-049B6FB97ABD  Linux /usr verity (x86)
                77FF5F63-E7B6-4633-ACF4-1565B864C0E6  Linux /usr verity (x86-64)
                8CCE0D25-C0D0-4A44-BD87-46331BF1DF67  Linux /usr verity (Alpha)
                FCA0598C-D880-4591-8C16-4EDA05C7347C  Linux /usr verity (ARC)
                C215D751-7BCD-4649-BE90-6627490A4C05  Linux /usr verity (ARM)
                6E11A4E7-FBCA-4DED-B9E9-E1A512BB664E  Linux /usr verity (ARM-64)
                6A491E03-3BE7-4545-8E38-83320E0EA880  Linux /usr verity (IA-64)
                F46B2C26-59AE-48F0-9106-C50ED47F673D  Linux /usr verity (LoongArch-64)
                46B98D8D-B55C-4E8F-AAB3-37FCA7F80752  Linux /usr verity (MIPS-32 LE)
                3C3D61FE-B5F3-414D-BB71-8739A694A4EF  Linux /usr verity (MIPS-64 LE)
                DF765D00-270E-49E5-BC75-F47BB2118B09  Linux /usr verity (PPC)
                BDB528A5-A259-475F-A87D-DA53FA736A07  Linux /usr verity (PPC64)
                EE2B9983-21E8-4153-86D9-B6901A54D1CE  Linux /usr verity (PPC64LE)
                CB1EE4E3-8CD0-4136-A0A4-AA61A32E8730  Linux /usr verity (RISC-V-32)
                8F1056BE-9B05-47C4-81D6-BE53128E5B54  Linux /usr verity (RISC-V-64)
                B663C618-E7BC-4D6D-90AA-11B756BB1797  Linux /usr verity (S390)
                31741CC4-1A2A-4111-A581-E00B447D2D06  Linux /usr verity (S390X)
                2FB4BF56-07FA-42DA-8132-6B139F2026AE  Linux /usr verity (TILE-Gx)
                5996FC05-109C-48DE-808B-23FA0830B676  Linux root verity sign. (x86)
                41092B05-9FC8-4523-994F-2DEF0408B176  Linux root verity sign. (x86-64)
                D46495B7-A053-414F-80F7-700C99921EF8  Linux root verity sign. (Alpha)
                143A70BA-CBD3-4F06-919F-6C05683A78BC  Linux root verity sign. (ARC)
                42B0455F-EB11-491D-98D3-56145BA9D037  Linux root verity sign. (ARM)
                6DB69DE6-29F4-4758-A7A5-962190F00CE3  Linux root verity sign. (ARM-64)
                E98B36EE-32BA-4882-9B12-0CE14655F46A  Linux root verity sign. (IA-64)
                5AFB67EB-ECC8-4F85-AE8E-AC1E7C50E7D0  Linux root verity sign. (LoongArch-64)
                C919CC1F-4456-4EFF-918C-F75E94525CA5  Linux root verity sign. (MIPS-32 LE)
                904E58EF-5C65-4A31-9C57-6AF5FC7C5DE7  Linux root verity sign. (MIPS-64 LE)
                1B31B5AA-ADD9-463A-B2ED-BD467FC857E7  Linux root verity sign. (PPC)
                F5E2C20C-45B2-4FFA-BCE9-2A60737E1AAF  Linux root verity sign. (PPC64)
                D4A236E7-E873-4C07-BF1D-BF6CF7F1C3C6  Linux root verity sign. (PPC64LE)
                3A112A75-8729-4380-B4CF-764D79934448  Linux root verity sign. (RISC-V-32)
                EFE0F087-EA8D-4469-821A-4C2A96A8386A  Linux root verity sign. (RISC-V-64)
                3482388E-4254-435A-A241-766A065F9960  Linux root verity sign. (S390)
                C80187A5-73A3-491A-901A-017C3FA953E9  Linux root verity sign. (S390X)
                B3671439-97B0-4A53-90F7-2D5A8F3AD47B  Linux root verity sign. (TILE-Gx)
                974A71C0-DE41-43C3-BE5D-5C5CCD1AD2C0  Linux /usr verity sign. (x86)
                E7BB33FB-06CF-4E81-8273-E543B413E2E2  Linux /usr verity sign. (x86-64)
                5C6E1C76-076A-457A-A0FE-F3B4CD21CE6E  Linux /usr verity sign. (Alpha)
                94F9A9A1-9971-427A-A400-50CB297F0F35  Linux /usr verity sign. (ARC)
                D7FF812F-37D1-4902-A810-D76BA57B975A  Linux /usr verity sign. (ARM)
                C23CE4FF-44BD-4B00-B2D4-B41B3419E02A  Linux /usr verity sign. (ARM-64)
                8DE58BC2-2A43-460D-B14E-A76E4A17B47F  Linux /usr verity sign. (IA-64)
                B024F315-D330-444C-8461-44BBDE524E99  Linux /usr verity sign. (LoongArch-64)
                3E23CA0B-A4BC-4B4E-8087-5AB6A26AA8A9  Linux /usr verity sign. (MIPS-32 LE)
                F2C2C7EE-ADCC-4351-B5C6-EE9816B66E16  Linux /usr verity sign. (MIPS-64 LE)
                7007891D-D371-4A80-86A4-5CB875B9302E  Linux /usr verity sign. (PPC)
                0B888863-D7F8-4D9E-9766-239FCE4D58AF  Linux /usr verity sign. (PPC64)
                C8BFBD1E-268E-4521-8BBA-BF314C399557  Linux /usr verity sign. (PPC64LE)
                C3836A13-3137-45BA-B583-B16C50FE5EB4  Linux /usr verity sign. (RISC-V-32)
                D2F9000A-7A18-453F-B5CD-4D32F77A7B32  Linux /usr verity sign. (RISC-V-64)
                17440E4F-A8D0-467F-A46E-3912AE6EF2C5  Linux /usr verity sign. (S390)
                3F324816-667B-46AE-86EE-9B0C0C6C11B4  Linux /usr verity sign. (S390X)
                4EDE75E2-6CCC-4CC8-B9C7-70334B087510  Linux /usr verity sign. (TILE-Gx)
                BC13C2FF-59E6-4262-A352-B275FD6F7172  Linux extended boot
                773f91ef-66d4-49b5-bd83-d683bf40ad16  Linux user's home
                516E7CB4-6ECF-11D6-8FF8-00022D09712B  FreeBSD data
                83BD6B9D-7F41-11DC-BE0B-001560B84F0F  FreeBSD boot
                516E7CB5-6ECF-11D6-8FF8-00022D09712B  FreeBSD swap
                516E7CB6-6ECF-11D6-8FF8-00022D09712B  FreeBSD UFS
                516E7CBA-6ECF-11D6-8FF8-00022D09712B  FreeBSD ZFS
                516E7CB8-6ECF-11D6-8FF8-00022D09712B  FreeBSD Vinum
                48465300-0000-11AA-AA11-00306543ECAC  Apple HFS/HFS+
                7C3457EF-0000-11AA-AA11-00306543ECAC  Apple APFS
                55465300-0000-11AA-AA11-00306543ECAC  Apple UFS
                52414944-0000-11AA-AA11-00306543ECAC  Apple RAID
                52414944-5F4F-11AA-AA11-00306543ECAC  Apple RAID offline
                426F6F74-0000-11AA-AA11-00306543ECAC  Apple boot
                4C616265-6C00-11AA-AA11-00306543ECAC  Apple label
                5265636F-7665-11AA-AA11-00306543ECAC  Apple TV recovery
                53746F72-6167-11AA-AA11-00306543ECAC  Apple Core storage
                69646961-6700-11AA-AA11-00306543ECAC  Apple Silicon boot
                52637672-7900-11AA-AA11-00306543ECAC  Apple Silicon recovery
                6A82CB45-1DD2-11B2-99A6-080020736631  Solaris boot
                6A85CF4D-1DD2-11B2-99A6-080020736631  Solaris root
                6A898CC3-1DD2-11B2-99A6-080020736631  Solaris /usr & Apple ZFS
                6A87C46F-1DD2-11B2-99A6-080020736631  Solaris swap
                6A8B642B-1DD2-11B2-99A6-080020736631  Solaris backup
                6A8EF2E9-1DD2-11B2-99A6-080020736631  Solaris /var
                6A90BA39-1DD2-11B2-99A6-080020736631  Solaris /home
                6A9283A5-1DD2-11B2-99A6-080020736631  Solaris alternate sector
                6A945A3B-1DD2-11B2-99A6-080020736631  Solaris reserved 1
                6A9630D1-1DD2-11B2-99A6-080020736631  Solaris reserved 2
                6A980767-1DD2-11B2-99A6-080020736631  Solaris reserved 3
                6A96237F-1DD2-11B2-99A6-080020736631  Solaris reserved 4
                6A8D2AC7-1DD2-11B2-99A6-080020736631  Solaris reserved 5
                49F48D32-B10E-11DC-B99B-0019D1879648  NetBSD swap
                49F48D5A-B10E-11DC-B99B-0019D1879648  NetBSD FFS
                49F48D82-B10E-11DC-B99B-0019D1879648  NetBSD LFS
                2DB519C4-B10F-11DC-B99B-0019D1879648  NetBSD concatenated
                2DB519EC-B10F-11DC-B99B-0019D1879648  NetBSD encrypted
                49F48DAA-B10E-11DC-B99B-0019D1879648  NetBSD RAID
                FE3A2A5D-4F32-41A7-B725-ACCC3285A309  ChromeOS kernel
                3CB8E202-3B7E-47DD-8A3C-7FF2A13CFCEC  ChromeOS root fs
                2E0A753D-9E48-43B0-8337-B15192CB1B5E  ChromeOS reserved
                85D5E45A-237C-11E1-B4B3-E89A8F7FC3A7  MidnightBSD data
                85D5E45E-237C-11E1-B4B3-E89A8F7FC3A7  MidnightBSD boot
                85D5E45B-237C-11E1-B4B3-E89A8F7FC3A7  MidnightBSD swap
                0394EF8B-237E-11E1-B4B3-E89A8F7FC3A7  MidnightBSD UFS
                85D5E45D-237C-11E1-B4B3-E89A8F7FC3A7  MidnightBSD ZFS
                85D5E45C-237C-11E1-B4B3-E89A8F7FC3A7  MidnightBSD Vinum
                45B0969E-9B03-4F30-B4C6-B4B80CEFF106  Ceph Journal
                45B0969E-9B03-4F30-B4C6-5EC00CEFF106  Ceph Encrypted Journal
                4FBD7E29-9D25-41B8-AFD0-062C0CEFF05D  Ceph OSD
                4FBD7E29-9D25-41B8-AFD0-5EC00CEFF05D  Ceph crypt OSD
                89C57F98-2FE5-4DC0-89C1-F3AD0CEFF2BE  Ceph disk in creation
                89C57F98-2FE5-4DC0-89C1-5EC00CEFF2BE  Ceph crypt disk in creation
                AA31E02A-400F-11DB-9590-000C2911D1B8  VMware VMFS
                9D275380-40AD-11DB-BF97-000C2911D1B8  VMware Diagnostic
                381CFCCC-7288-11E0-92EE-000C2911D0B2  VMware Virtual SAN
                77719A0C-A4A0-11E3-A47E-000C29745A24  VMware Virsto
                9198EFFC-31C0-11DB-8F78-000C2911D1B8  VMware Reserved
                824CC7A0-36A8-11E3-890A-952519AD3F61  OpenBSD data
                CEF5A9AD-73BC-4601-89F3-CDEEEEE321A1  QNX6 file system
                C91818F9-8025-47AF-89D2-F030D7000C2C  Plan 9 partition
                5B193300-FC78-40CD-8002-E86C45580B47  HiFive FSBL
                2E54B353-1271-4842-806F-E436D6AF6985  HiFive BBL
                42465331-3BA3-10F1-802A-4861696B7521  Haiku BFS
                6828311A-BA55-42A4-BCDE-A89BB5EDECAE  Marvell Armada 3700 Boot partition
                """, 0);
        expect("sfdisk -T",
                """
                Id  Name

                 0  Empty
                 1  FAT12
                 2  XENIX root
                 3  XENIX usr
                 4  FAT16 <32M
                 5  Extended
                 6  FAT16
                 7  HPFS/NTFS/exFAT
                 8  AIX
                 9  AIX bootable
                 a  OS/2 Boot Manager
                 b  W95 FAT32
                 c  W95 FAT32 (LBA)
                 e  W95 FAT16 (LBA)
                 f  W95 Ext'd (LBA)
                10  OPUS
                11  Hidden FAT12
                12  Compaq diagnostics
                14  Hidden FAT16 <32M
                16  Hidden FAT16
                17  Hidden HPFS/NTFS
                18  AST SmartSleep
                1b  Hidden W95 FAT32
                1c  Hidden W95 FAT32 (LBA)
                1e  Hidden W95 FAT16 (LBA)
                24  NEC DOS
                27  Hidden NTFS WinRE
                39  Plan 9
                3c  PartitionMagic recovery
                40  Venix 80286
                41  PPC PReP Boot
                42  SFS
                4d  QNX4.x
                4e  QNX4.x 2nd part
                4f  QNX4.x 3rd part
                50  OnTrack DM
                51  OnTrack DM6 Aux1
                52  CP/M
                53  OnTrack DM6 Aux3
                54  OnTrackDM6
                55  EZ-Drive
                56  Golden Bow
                5c  Priam Edisk
                61  SpeedStor
                63  GNU HURD or SysV
                64  Novell Netware 286
                65  Novell Netware 386
                70  DiskSecure Multi-Boot
                75  PC/IX
                80  Old Minix
                81  Minix / old Linux
                82  Linux swap / Solaris
                83  Linux
                84  OS/2 hidden or Intel hibernation
                85  Linux extended
                86  NTFS volume set
                87  NTFS volume set
                88  Linux plaintext
                8e  Linux LVM
                93  Amoeba
                94  Amoeba BBT
                9f  BSD/OS
                a0  IBM Thinkpad hibernation
                a5  FreeBSD
                a6  OpenBSD
                a7  NeXTSTEP
                a8  Darwin UFS
                a9  NetBSD
                ab  Darwin boot
                af  HFS / HFS+
                b7  BSDI fs
                b8  BSDI swap
                bb  Boot Wizard hidden
                bc  Acronis FAT32 LBA
                be  Solaris boot
                bf  Solaris
                c1  DRDOS/sec (FAT-12)
                c4  DRDOS/sec (FAT-16 < 32M)
                c6  DRDOS/sec (FAT-16)
                c7  Syrinx
                da  Non-FS data
                db  CP/M / CTOS / ...
                de  Dell Utility
                df  BootIt
                e1  DOS access
                e3  DOS R/O
                e4  SpeedStor
                ea  Linux extended boot
                eb  BeOS fs
                ee  GPT
                ef  EFI (FAT-12/16/32)
                f0  Linux/PA-RISC boot
                f1  SpeedStor
                f4  SpeedStor
                f2  DOS secondary
                f8  EBBR protective
                fb  VMware VMFS
                fc  VMware VMKCORE
                fd  Linux raid autodetect
                fe  LANstep
                ff  BBT
                """, 0);
    }

    /** --help, --version and getopt's messages for missing arguments, ambiguous and bad options. */
    @Test
    void usageAndOptionErrors() {
        sh.ok("disk add loop0 64MiB");
        expect("sfdisk --help",
                """

                Usage:
                 sfdisk [options] <dev> [[-N] <part>]
                 sfdisk [options] <command>

                Display or manipulate a disk partition table.

                Commands:
                 -A, --activate <dev> [<part> ...] list or set bootable (P)MBR partitions
                 -d, --dump <dev>                  dump partition table (usable for later input)
                 -J, --json <dev>                  dump partition table in JSON format
                 -B, --backup-pt-sectors <dev>     binary partition table backup (see -b and -O)
                 -g, --show-geometry [<dev> ...]   list geometry of all or specified devices
                 -l, --list [<dev> ...]            list partitions of each device
                 -F, --list-free [<dev> ...]       list unpartitioned free areas of each device
                 -r, --reorder <dev>               fix partitions order (by start offset)
                 -s, --show-size [<dev> ...]       list sizes of all or specified devices
                 -T, --list-types                  print the recognized types (see -X)
                 -V, --verify [<dev> ...]          test whether partitions seem correct
                     --delete <dev> [<part> ...]   delete all or specified partitions

                 --part-label <dev> <part> [<str>] print or change partition label
                 --part-type <dev> <part> [<type>] print or change partition type
                 --part-uuid <dev> <part> [<uuid>] print or change partition uuid
                 --part-attrs <dev> <part> [<str>] print or change partition attributes

                 --disk-id <dev> [<str>]           print or change disk label ID (UUID)
                 --relocate <oper> <dev>           move partition header

                Arguments:
                 <dev>                     device (usually disk) path
                 <part>                    partition number
                 <type>                    partition type, GUID for GPT, hex for MBR

                Options:
                 -a, --append              append partitions to existing partition table
                 -b, --backup              backup partition table sectors (see -O)
                     --bytes               print SIZE in bytes rather than in human readable format
                     --move-data[=<typescript>] move partition data after relocation (requires -N)
                     --move-use-fsync      use fsync after each write when move data
                 -f, --force               disable all consistency checking
                     --color[=<when>]      colorize output (auto, always or never)
                                             colors are enabled by default
                     --lock[=<mode>]       use exclusive device lock (yes, no or nonblock)
                 -N, --partno <num>        specify partition number
                 -n, --no-act              do everything except write to device
                     --no-reread           do not check whether the device is in use
                     --no-tell-kernel      do not tell kernel about changes
                 -O, --backup-file <path>  override default backup file name
                 -o, --output <list>       output columns
                 -q, --quiet               suppress extra info messages
                 -w, --wipe <mode>         wipe signatures (auto, always or never)
                 -W, --wipe-partitions <mode>  wipe signatures from new partitions (auto, always or never)
                 -X, --label <name>        specify label type (dos, gpt, ...)
                 -Y, --label-nested <name> specify nested label type (dos, bsd)

                 -G, --show-pt-geometry    deprecated, alias to --show-geometry
                 -L, --Linux               deprecated, only for backward compatibility
                 -u, --unit S              deprecated, only sector unit is supported

                 -h, --help                display this help
                 -v, --version             display version

                Available output columns:
                 gpt: Device Start End Sectors Size Type Type-UUID Attrs Name UUID
                 dos: Device Start End Sectors Cylinders Size Type Id Attrs Boot End-C/H/S
                      Start-C/H/S
                 bsd: Slice Start End Sectors Cylinders Size Type Bsize Cpg Fsize
                 sgi: Device Start End Sectors Cylinders Size Type Id Attrs
                 sun: Device Start End Sectors Cylinders Size Type Id Flags

                For more details see sfdisk(8).
                """, 0);
        expect("partx --help",
                """

                Usage:
                 partx [-a|-d|-s|-u] [--nr <n:m> | <partition>] <disk>

                Tell the kernel about the presence and numbering of partitions.

                Options:
                 -a, --add            add specified partitions or all of them
                 -d, --delete         delete specified partitions or all of them
                 -u, --update         update specified partitions or all of them
                 -s, --show           list partitions

                 -b, --bytes          print SIZE in bytes rather than in human readable format
                 -g, --noheadings     don't print headings for --show
                 -n, --nr <n:m>       specify the range of partitions (e.g. --nr 2:4)
                 -o, --output <list>  define which output columns to use
                     --output-all     output all columns
                 -P, --pairs          use key="value" output format
                 -r, --raw            use raw output format
                 -S, --sector-size <num>  overwrite sector size
                 -t, --type <type>    specify the partition type
                     --list-types     list supported partition types and exit
                 -v, --verbose        verbose mode

                 -h, --help           display this help
                 -V, --version        display version

                Available output columns:
                         NR  partition number
                      START  start of the partition in sectors
                        END  end of the partition in sectors
                    SECTORS  number of sectors
                       SIZE  human readable size
                       NAME  partition name
                       UUID  partition UUID
                       TYPE  partition type (a string, a UUID, or hex)
                      FLAGS  partition flags
                     SCHEME  partition table type (dos, gpt, ...)

                For more details see partx(8).
                """, 0);
        expect("sfdisk -v",
                """
                sfdisk from util-linux 2.38.1
                """, 0);
        expect("partx -V",
                """
                partx from util-linux 2.38.1
                """, 0);
        expect("sfdisk --label",
                """
                sfdisk: option '--label' requires an argument
                Try 'sfdisk --help' for more information.
                """, 1);
        expect("sfdisk --no /dev/loop0",
                """
                sfdisk: option '--no' is ambiguous; possibilities: '--no-act' '--no-reread' '--no-tell-kernel'
                Try 'sfdisk --help' for more information.
                """, 1);
        expect("sfdisk --no-act=1 /dev/loop0",
                """
                sfdisk: option '--no-act' doesn't allow an argument
                Try 'sfdisk --help' for more information.
                """, 1);
        expect("partx --nr",
                """
                partx: option '--nr' requires an argument
                Try 'partx --help' for more information.
                """, 1);
        expect("partx -n",
                """
                partx: option requires an argument -- 'n'
                Try 'partx --help' for more information.
                """, 1);
        expect("sfdisk --list-t",
                """
                Id  Name

                 0  Empty
                 1  FAT12
                 2  XENIX root
                 3  XENIX usr
                 4  FAT16 <32M
                 5  Extended
                 6  FAT16
                 7  HPFS/NTFS/exFAT
                 8  AIX
                 9  AIX bootable
                 a  OS/2 Boot Manager
                 b  W95 FAT32
                 c  W95 FAT32 (LBA)
                 e  W95 FAT16 (LBA)
                 f  W95 Ext'd (LBA)
                10  OPUS
                11  Hidden FAT12
                12  Compaq diagnostics
                14  Hidden FAT16 <32M
                16  Hidden FAT16
                17  Hidden HPFS/NTFS
                18  AST SmartSleep
                1b  Hidden W95 FAT32
                1c  Hidden W95 FAT32 (LBA)
                1e  Hidden W95 FAT16 (LBA)
                24  NEC DOS
                27  Hidden NTFS WinRE
                39  Plan 9
                3c  PartitionMagic recovery
                40  Venix 80286
                41  PPC PReP Boot
                42  SFS
                4d  QNX4.x
                4e  QNX4.x 2nd part
                4f  QNX4.x 3rd part
                50  OnTrack DM
                51  OnTrack DM6 Aux1
                52  CP/M
                53  OnTrack DM6 Aux3
                54  OnTrackDM6
                55  EZ-Drive
                56  Golden Bow
                5c  Priam Edisk
                61  SpeedStor
                63  GNU HURD or SysV
                64  Novell Netware 286
                65  Novell Netware 386
                70  DiskSecure Multi-Boot
                75  PC/IX
                80  Old Minix
                81  Minix / old Linux
                82  Linux swap / Solaris
                83  Linux
                84  OS/2 hidden or Intel hibernation
                85  Linux extended
                86  NTFS volume set
                87  NTFS volume set
                88  Linux plaintext
                8e  Linux LVM
                93  Amoeba
                94  Amoeba BBT
                9f  BSD/OS
                a0  IBM Thinkpad hibernation
                a5  FreeBSD
                a6  OpenBSD
                a7  NeXTSTEP
                a8  Darwin UFS
                a9  NetBSD
                ab  Darwin boot
                af  HFS / HFS+
                b7  BSDI fs
                b8  BSDI swap
                bb  Boot Wizard hidden
                bc  Acronis FAT32 LBA
                be  Solaris boot
                bf  Solaris
                c1  DRDOS/sec (FAT-12)
                c4  DRDOS/sec (FAT-16 < 32M)
                c6  DRDOS/sec (FAT-16)
                c7  Syrinx
                da  Non-FS data
                db  CP/M / CTOS / ...
                de  Dell Utility
                df  BootIt
                e1  DOS access
                e3  DOS R/O
                e4  SpeedStor
                ea  Linux extended boot
                eb  BeOS fs
                ee  GPT
                ef  EFI (FAT-12/16/32)
                f0  Linux/PA-RISC boot
                f1  SpeedStor
                f4  SpeedStor
                f2  DOS secondary
                f8  EBBR protective
                fb  VMware VMFS
                fc  VMware VMKCORE
                fd  Linux raid autodetect
                fe  LANstep
                ff  BBT
                """, 0);
        expect("sfdisk -N 1 /dev/loop0",
                """
                sfdisk: /dev/loop0: cannot modify partition 1: no partition table was found
                """, 1);
    }

    /** A disk named sda: partition names without p, and the Device column's width hint of 10. */
    @Test
    void sdDiskNames() {
        sh.ok("disk add sda 64MiB");
        expect(script("sfdisk /dev/sda",
                "label: dos",
                "label-id: 0x12345678",
                "start=2048, size=32768, type=83",
                "start=34816, size=20480, type=83, bootable",
                "size=10M"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/sda: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/sda1: Created a new partition 1 of type 'Linux' and of size 16 MiB.
                /dev/sda2: Created a new partition 2 of type 'Linux' and of size 10 MiB.
                /dev/sda3: Created a new partition 3 of type 'Linux' and of size 10 MiB.
                /dev/sda4: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device     Boot Start   End Sectors Size Id Type
                /dev/sda1        2048 34815   32768  16M 83 Linux
                /dev/sda2  *    34816 55295   20480  10M 83 Linux
                /dev/sda3       55296 75775   20480  10M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /dev/sda",
                """
                label: dos
                label-id: 0x12345678
                device: /dev/sda
                unit: sectors
                sector-size: 512

                /dev/sda1 : start=        2048, size=       32768, type=83
                /dev/sda2 : start=       34816, size=       20480, type=83, bootable
                /dev/sda3 : start=       55296, size=       20480, type=83
                """, 0);
        expect("partx -a /dev/sda",
                "", 0);
        expect("partx -s /dev/sda",
                """
                NR START   END SECTORS SIZE NAME UUID
                 1  2048 34815   32768  16M      12345678-01
                 2 34816 55295   20480  10M      12345678-02
                 3 55296 75775   20480  10M      12345678-03
                """, 0);
        expect("partx -o NR,UUID,TYPE,FLAGS,SCHEME -s /dev/sda",
                """
                NR UUID                                 TYPE FLAGS SCHEME
                 1 12345678-01                          0x83 0x0   dos
                 2 12345678-02                          0x83 0x80  dos
                 3 12345678-03                          0x83 0x0   dos
                """, 0);
        expect("partx -o NR,START,SIZE,TYPE -g -s /dev/sda",
                """
                 1  2048  16M 0x83
                 2 34816  10M 0x83
                 3 55296  10M 0x83
                """, 0);
        expect("partx -b -s /dev/sda",
                """
                NR START   END SECTORS     SIZE NAME UUID
                 1  2048 34815   32768 16777216      12345678-01
                 2 34816 55295   20480 10485760      12345678-02
                 3 55296 75775   20480 10485760      12345678-03
                """, 0);
        expect(script("sfdisk /dev/sda",
                "label: gpt",
                "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=16M, uuid=11111111-2222-3333-4444-000000000001, name=root"),
                """
                Checking that no-one is using this disk right now ... OK

                Disk /dev/sda: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x12345678

                Old situation:

                Device     Boot Start   End Sectors Size Id Type
                /dev/sda1        2048 34815   32768  16M 83 Linux
                /dev/sda2  *    34816 55295   20480  10M 83 Linux
                /dev/sda3       55296 75775   20480  10M 83 Linux

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new GPT disklabel (GUID: 01234567-89AB-CDEF-0123-456789ABCDEF).
                /dev/sda1: Created a new partition 1 of type 'Linux filesystem' and of size 16 MiB.
                /dev/sda2: Done.

                New situation:
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device     Start   End Sectors Size Type
                /dev/sda1   2048 34815   32768  16M Linux filesystem

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("sfdisk -l /dev/sda",
                """
                Disk /dev/sda: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device     Start   End Sectors Size Type
                /dev/sda1   2048 34815   32768  16M Linux filesystem
                """, 0);
    }

    /** The in-use check: an O_EXCL holder of p1 makes the O_EXCL open of the disk EBUSY. */
    @Test
    void diskInUseNeedsForce() {
        sh.ok("disk add loop0 64MiB");
        sh.ok(script("sfdisk /dev/loop0", "label: dos", "label-id: 0x12345678", "start=2048, size=32768, type=83"));
        sh.ok("partx -a /dev/loop0");
        Task holder = sh.kernel.spawn("python3", Credentials.ROOT);
        SysResult held = sh.kernel.open(holder, "/dev/loop0p1", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
        assertTrue(held.isOk(), held::toString);
        expect(script("sfdisk /dev/loop0", "label: dos", "label-id: 0x12345678", "start=2048, size=16384, type=83"),
                """
                Checking that no-one is using this disk right now ... FAILED

                This disk is currently in use - repartitioning is probably a bad idea.
                Umount all file systems, and swapoff all swap partitions on this disk.
                Use the --no-reread flag to suppress this check.

                sfdisk: Use the --force flag to overrule all checks.
                """, 1);
        expect(script("sfdisk --force /dev/loop0", "label: dos", "label-id: 0x12345678",
                        "start=2048, size=16384, type=83"),
                """
                Checking that no-one is using this disk right now ... FAILED

                This disk is currently in use - repartitioning is probably a bad idea.
                Umount all file systems, and swapoff all swap partitions on this disk.
                Use the --no-reread flag to suppress this check.

                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x12345678

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048 34815   32768  16M 83 Linux

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 8 MiB.
                /dev/loop0p2: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048 18431   16384   8M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Re-reading the partition table failed.: Device or resource busy
                The kernel still uses the old table. The new table will be used at the next reboot \
                or after you run partprobe(8) or partx(8).
                Syncing disks.
                """, 0);
        expect(script("sfdisk --no-reread /dev/loop0", "label: dos", "label-id: 0x12345678",
                        "start=2048, size=16384, type=83"),
                """
                Disk /dev/loop0: 64 MiB, 67108864 bytes, 131072 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x12345678

                Old situation:

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048 18431   16384   8M 83 Linux

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 8 MiB.
                /dev/loop0p2: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048 18431   16384   8M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Re-reading the partition table failed.: Device or resource busy
                The kernel still uses the old table. The new table will be used at the next reboot \
                or after you run partprobe(8) or partx(8).
                Syncing disks.
                """, 0);
        sh.kernel.close(holder, held.intValue());
    }

    private byte[] sector(String dev, long lba, int size) {
        Task t = sh.kernel.spawn("reader", Credentials.ROOT);
        SysResult fd = sh.kernel.open(t, dev, OpenFlags.O_RDONLY);
        assertTrue(fd.isOk(), fd::toString);
        byte[] b = new byte[size];
        SysResult r = sh.kernel.pread(t, fd.intValue(), b, 0, size, lba * size);
        sh.kernel.close(t, fd.intValue());
        return r.isOk() && r.value() == size ? b : null;
    }

    /** The project's own label readers (libblkid's rules) find what sfdisk wrote. */
    @Test
    void writesWhatTheLabelReadersFind() {
        sh.ok("disk add loop0 64MiB");
        sh.ok(script("sfdisk /dev/loop0", "label: dos", "label-id: 0x0000beef",
                "start=2048, size=8192, type=83", "start=10240, size=100000, type=5",
                "start=12288, size=8192, type=83", "start=22528, size=8192, type=82"));
        assertEquals(List.of(LabelPartition.dos(1, 2048, 8192, 0x83), LabelPartition.dos(2, 10240, 100000, 0x05),
                LabelPartition.dos(5, 12288, 8192, 0x83), LabelPartition.dos(6, 22528, 8192, 0x82)),
                DosLabel.read(lba -> sector("/dev/loop0", lba, 512), 512));
        sh.ok(script("sfdisk /dev/loop0", "label: gpt", "size=16M, type=S", "size=8M, type=R"));
        assertEquals(List.of(LabelPartition.gpt(1, 2048, 32768, GptLabel.LINUX_SWAP),
                LabelPartition.gpt(2, 34816, 16384, GptLabel.LINUX_RAID)),
                GptLabel.read(lba -> sector("/dev/loop0", lba, 512), 512, 131072));
        assertEquals(List.of(), DosLabel.read(lba -> sector("/dev/loop0", lba, 512), 512));
    }

    /** With the kernel's parsers compiled in, the BLKRRPART that ends the run creates the partitions. */
    @Test
    void kernelWithParsersPicksUpTheNewTable() {
        try (ShellHarness k = new ShellHarness()) {
            k.ok("disk add sda 64MiB");
            k.ok(script("sfdisk /dev/sda", "label: dos", "size=16M", "size=8M, type=5", "size=4M", "size=4M"));
            assertEquals("""
                    major minor  #blocks  name

                       8        0      65536 sda
                       8        1      16384 sda1
                       8        2          1 sda2
                       8        3       4096 sda3
                       8        4       4096 sda4
                    """, k.ok("cat /proc/partitions"));
            k.ok(script("sfdisk /dev/sda", "label: gpt", "size=10M", "size=20M"));
            assertEquals("20480\n40960\n", k.ok("cat /sys/block/sda/sda1/size /sys/block/sda/sda2/size"));
            assertEquals("", k.run("ls /sys/block/sda | grep sda3").output());
        }
    }

    /** Without label-id, the disk identifier comes from the process's seeded random source. */
    @Test
    void identifiersAreRandomButReproducible() {
        sh.ok("disk add loop0 64MiB");
        String first = sh.ok(script("sfdisk /dev/loop0", "label: gpt", "size=1M"));
        String id = first.replaceAll("(?s).*GUID: ([0-9A-F-]{36})\\).*", "$1");
        assertTrue(id.matches("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{2}4[0-9A-F]-[89AB][0-9A-F]{3}-[0-9A-F]{12}"), id);
        try (ShellHarness again = new ShellHarness(Profile.LINUX_6_18, KernelConfig.noPartitionParsers())) {
            again.ok("disk add loop0 64MiB");
            assertEquals(first, again.ok(script("sfdisk /dev/loop0", "label: gpt", "size=1M")));
        }
        String dos = sh.ok(script("sfdisk /dev/loop0", "label: dos", "size=1M"));
        assertTrue(dos.matches("(?s).*Created a new DOS \\(MBR\\) disklabel with disk identifier 0x[0-9a-f]{8}\\..*"), dos);
    }

    /** --list without devices lists every whole disk of /proc/partitions, two newlines apart. */
    @Test
    void listsAllDisks() {
        sh.ok("disk add sda 8MiB");
        sh.ok("disk add sdb 16MiB");
        sh.ok(script("sfdisk /dev/sdb", "label: dos", "label-id: 0x0000cafe", "size=1M"));
        sh.ok("partx -a /dev/sdb");
        expect("sfdisk -l", """
                Disk /dev/sda: 8 MiB, 8388608 bytes, 16384 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes


                Disk /dev/sdb: 16 MiB, 16777216 bytes, 32768 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: dos
                Disk identifier: 0x0000cafe

                Device     Boot Start   End Sectors Size Id Type
                /dev/sdb1        2048  4095    2048   1M 83 Linux
                """, 0);
        expect("sfdisk -s", "/dev/sda:      8192\n/dev/sdb:     16384\ntotal: 24576 blocks\n", 0);
        expect("sfdisk -l /dev/nonexist /dev/sda", """
                sfdisk: cannot open /dev/nonexist: No such file or directory


                Disk /dev/sda: 8 MiB, 8388608 bytes, 16384 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                """, 1);
        expect("sfdisk -l /dev/sda /dev/nonexist", """
                sfdisk: cannot open /dev/nonexist: No such file or directory
                Disk /dev/sda: 8 MiB, 8388608 bytes, 16384 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                """, 1);
        expect("sfdisk", "sfdisk: no disk device specified\n", 1);
        expect("sfdisk -d", "sfdisk: no disk device specified\n", 1);
    }

    /** The helpers behind the output: sizes as util-linux prints and parses them. */
    @Test
    void sizeStrings() {
        assertEquals("16M", Sizes.human(Sizes.SUFFIX_1LETTER, 16 << 20));
        assertEquals("48.8M", Sizes.human(Sizes.SUFFIX_1LETTER, 100000L * 512));
        assertEquals("1023.5 KiB", Sizes.human(Sizes.SUFFIX_SPACE | Sizes.SUFFIX_3LETTER, 2047L * 512));
        assertEquals("64 MiB", Sizes.human(Sizes.DECIMAL_2DIGITS | Sizes.SUFFIX_SPACE | Sizes.SUFFIX_3LETTER, 64 << 20));
        assertEquals("1.25 GiB", Sizes.human(Sizes.DECIMAL_2DIGITS | Sizes.SUFFIX_SPACE | Sizes.SUFFIX_3LETTER,
                5L << 28));
        assertEquals("512B", Sizes.human(Sizes.SUFFIX_1LETTER, 512));
        assertEquals("2G", Sizes.human(Sizes.SUFFIX_1LETTER, (2L << 30) - 1));
        assertEquals(new Sizes.Parsed(16 << 20, 2), Sizes.parse("16MiB"));
        assertEquals(new Sizes.Parsed(16_000_000, 2), Sizes.parse("16MB"));
        assertEquals(new Sizes.Parsed(1536L << 20, 3), Sizes.parse("1.5G"));
        assertEquals(new Sizes.Parsed(4096, 0), Sizes.parse("0x1000"));
        assertEquals(null, Sizes.parse("-1"));
        assertEquals(null, Sizes.parse("12Q"));
    }
    /** sfdisk and partx on an image file in the filesystem (live capture on a file in /tmp). */
    @Test
    void imageFile() {
        sh.ok("dd if=/dev/zero of=/tmp/f.img bs=1M count=8 2>/dev/null");
        expect(script("sfdisk /tmp/f.img", "label: dos", "label-id: 0x01010101", "size=1M"), """
                Checking that no-one is using this disk right now ... OK

                Disk /tmp/f.img: 8 MiB, 8388608 bytes, 16384 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x01010101.
                /tmp/f.img1: Created a new partition 1 of type 'Linux' and of size 1 MiB.
                /tmp/f.img2: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x01010101

                Device      Boot Start   End Sectors Size Id Type
                /tmp/f.img1       2048  4095    2048   1M 83 Linux

                The partition table has been altered.
                Syncing disks.
                """, 0);
        expect("sfdisk -d /tmp/f.img", """
                label: dos
                label-id: 0x01010101
                device: /tmp/f.img
                unit: sectors
                sector-size: 512

                /tmp/f.img1 : start=        2048, size=        2048, type=83
                """, 0);
        expect("partx -s /tmp/f.img", """
                NR START  END SECTORS SIZE NAME UUID
                 1  2048 4095    2048   1M      01010101-01
                """, 0);
        expect("partx -d /tmp/f.img", "partx: /tmp/f.img: cannot delete partitions\n", 1);
        expect(script("sfdisk -q /tmp/f.img", "label: gpt", "label-id: 01234567-89AB-CDEF-0123-456789ABCDEF",
                "size=1M, uuid=11111111-2222-3333-4444-555555555555"), "", 0);
        expect("sfdisk -l /tmp/f.img", """
                Disk /tmp/f.img: 8 MiB, 8388608 bytes, 16384 sectors
                Units: sectors of 1 * 512 = 512 bytes
                Sector size (logical/physical): 512 bytes / 512 bytes
                I/O size (minimum/optimal): 512 bytes / 512 bytes
                Disklabel type: gpt
                Disk identifier: 01234567-89AB-CDEF-0123-456789ABCDEF

                Device      Start   End Sectors Size Type
                /tmp/f.img1  2048  4095    2048   1M Linux filesystem
                """, 0);
    }
}
