package blocksim.userland.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.Credentials;
import blocksim.api.Task;
import blocksim.uapi.OpenFlags;
import blocksim.userland.ShellHarness;
import blocksim.userland.label.DosLabel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * partx: every expected transcript below was printed by the real util-linux 2.38.1 tools on a
 * 6.18 loop device (stdout and stderr merged through a pipe, so partx's unbuffered warnings come
 * before its fully buffered stdout), on a kernel without partition parsers: the partitions the
 * kernel has are exactly those partx added with BLKPG.
 */
class PartxTests {

    private final ShellHarness sh = new ShellHarness(Profile.LINUX_6_18, KernelConfig.noPartitionParsers());

    @AfterEach
    void close() {
        sh.close();
    }

    private static String script(String command, String... lines) {
        return SfdiskTests.script(command, lines);
    }

    private void expect(String command, String output, int status) {
        ShellHarness.Run r = sh.run(command);
        assertEquals(output, r.output(), command);
        assertEquals(status, r.status(), command);
    }

    /** /proc/partitions with the minors of 259 (blkext) left out: the kernel allocates them. */
    private void expectPartitions(String output) {
        ShellHarness.Run r = sh.run("cat /proc/partitions");
        assertEquals(SfdiskTests.normalize(output), SfdiskTests.normalize(r.output()));
    }

    /** Show in every format, then add, delete and update, with the kernel's partitions after each step. */
    @Test
    void showAddDeleteUpdate() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "start=2048, size=32768, type=83",
                "start=34816, size=32768, type=83"),
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
                /dev/loop0p2: Created a new partition 2 of type 'Linux' and of size 16 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048 34815   32768  16M 83 Linux
                /dev/loop0p2      34816 67583   32768  16M 83 Linux

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

                /dev/loop0p1 : start=        2048, size=       32768, type=83
                /dev/loop0p2 : start=       34816, size=       32768, type=83
                """, 0);
        expect("partx -s /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID
                 1  2048 34815   32768  16M      12345678-01
                 2 34816 67583   32768  16M      12345678-02
                """, 0);
        expect("partx -r /dev/loop0",
                """
                NR START END SECTORS SIZE NAME UUID
                1 2048 34815 32768 16M  12345678-01
                2 34816 67583 32768 16M  12345678-02
                """, 0);
        expect("partx -P /dev/loop0",
                """
                NR="1" START="2048" END="34815" SECTORS="32768" SIZE="16M" NAME="" UUID="12345678-01"
                NR="2" START="34816" END="67583" SECTORS="32768" SIZE="16M" NAME="" UUID="12345678-02"
                """, 0);
        expect("partx -l /dev/loop0",
                """
                # 1:      2048-    34815 (    32768 sectors,     16 MB)
                # 2:     34816-    67583 (    32768 sectors,     16 MB)
                """, 0);
        expect("partx -o NR,START,END,SECTORS,SIZE,NAME,UUID,TYPE,FLAGS,SCHEME /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID                                 TYPE FLAGS SCHEME
                 1  2048 34815   32768  16M      12345678-01                          0x83 0x0   dos
                 2 34816 67583   32768  16M      12345678-02                          0x83 0x0   dos
                """, 0);
        expect("partx -v -a /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'dos' detected
                range recount: max partno=2, lower=0, upper=0
                /dev/loop0: partition #1 added
                /dev/loop0: partition #2 added
                """, 0);
        expectPartitions("""
                major minor  #blocks  name

                   7        0      65536 loop0
                 259        0      16384 loop0p1
                 259        1      16384 loop0p2
                """);
        expect("partx -a /dev/loop0",
                """
                partx: /dev/loop0: error adding partitions 1-2
                """, 1);
        expect("partx -a --nr 1 /dev/loop0",
                """
                partx: /dev/loop0: error adding partition 1
                """, 1);
        expect("partx -v -a /dev/loop0",
                """
                partx: /dev/loop0: adding partition #1 failed: Device or resource busy
                partx: /dev/loop0: adding partition #2 failed: Device or resource busy
                partx: /dev/loop0: error adding partitions 1-2
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'dos' detected
                range recount: max partno=2, lower=0, upper=0
                """, 1);
        expect("partx -d --nr 1 /dev/loop0",
                "", 0);
        expect("partx --delete --nr 1 /dev/loop0",
                "", 0);
        expect("partx -v --delete --nr 1 /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 1, upper: 1
                /dev/loop0: partition #1 doesn't exist
                """, 0);
        expect("partx -a /dev/loop0",
                """
                partx: /dev/loop0: error adding partition 2
                """, 1);
        expect("partx --delete /dev/loop0",
                "", 0);
        expect("partx --delete /dev/loop0",
                """
                partx: specified range <1:0> does not make sense
                """, 1);
        expect("partx -v --delete /dev/loop0",
                """
                partx: specified range <1:0> does not make sense
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                """, 1);
        expect("partx -v --add /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'dos' detected
                range recount: max partno=2, lower=0, upper=0
                /dev/loop0: partition #1 added
                /dev/loop0: partition #2 added
                """, 0);
        expect("partx --delete --nr 5 /dev/loop0",
                "", 0);
        expect("partx --add --nr 5 /dev/loop0",
                "", 0);
        expect("partx --add --nr 3 /dev/loop0",
                "", 0);
        expect("partx --nr 0 --show /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID
                 1  2048 34815   32768  16M      12345678-01
                 2 34816 67583   32768  16M      12345678-02
                """, 0);
        expect("partx --show /dev/loop0p1",
                """
                NR START   END SECTORS SIZE NAME UUID
                 1  2048 34815   32768  16M      12345678-01
                """, 0);
        expect("partx -v -u /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'dos' detected
                /dev/loop0: partition #1 added
                /dev/loop0: partition #2 added
                """, 0);
        expectPartitions("""
                major minor  #blocks  name

                   7        0      65536 loop0
                 259        0      16384 loop0p1
                 259        1      16384 loop0p2
                """);
        expect("partx -u /dev/loop0",
                "", 0);
        expect("partx --show /tmp/nonexist",
                """
                partx: stat of /tmp/nonexist failed: No such file or directory
                """, 1);
    }

    /** With p1 held open: sfdisk's re-read fails with EBUSY, partx -u resizes p1, -d and -a report p1, --no-reread, --no-act and --no-tell-kernel. */
    @Test
    void busyPartition() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "start=2048, size=32768, type=83",
                "start=34816, size=32768, type=83"),
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
                /dev/loop0p2: Created a new partition 2 of type 'Linux' and of size 16 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048 34815   32768  16M 83 Linux
                /dev/loop0p2      34816 67583   32768  16M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("partx -a /dev/loop0",
                "", 0);
        expect("sleep 100 < /dev/loop0p1 &",
                "", 0);
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "start=2048, size=16384, type=83",
                "start=34816, size=32768, type=83"),
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
                /dev/loop0p1       2048 34815   32768  16M 83 Linux
                /dev/loop0p2      34816 67583   32768  16M 83 Linux

                >>> Script header accepted.
                >>> Script header accepted.
                >>> Created a new DOS (MBR) disklabel with disk identifier 0x12345678.
                /dev/loop0p1: Created a new partition 1 of type 'Linux' and of size 8 MiB.
                /dev/loop0p2: Created a new partition 2 of type 'Linux' and of size 16 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048 18431   16384   8M 83 Linux
                /dev/loop0p2      34816 67583   32768  16M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Re-reading the partition table failed.: Device or resource busy
                The kernel still uses the old table. The new table will be used at the next reboot or after you run partprobe(8) or partx(8).
                Syncing disks.
                """, 0);
        expectPartitions("""
                major minor  #blocks  name

                   7        0      65536 loop0
                 259        0      16384 loop0p1
                 259        1      16384 loop0p2
                """);
        expect("partx -v -u /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'dos' detected
                /dev/loop0: partition #1 resized
                /dev/loop0: partition #2 added
                """, 0);
        expect("cat /sys/block/loop0/loop0p1/size",
                """
                16384
                """, 0);
        expect("partx -u /dev/loop0",
                "", 0);
        expect("partx -d /dev/loop0",
                """
                partx: /dev/loop0: error deleting partition 1
                """, 1);
        expect("partx -v -d --nr 1 /dev/loop0",
                """
                partx: /dev/loop0: deleting partition #1 failed: Device or resource busy
                partx: /dev/loop0: error deleting partition 1
                partition: none, disk: /dev/loop0, lower: 1, upper: 1
                """, 1);
        expect("partx -v -a /dev/loop0",
                """
                partx: /dev/loop0: adding partition #1 failed: Device or resource busy
                partx: /dev/loop0: error adding partition 1
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'dos' detected
                range recount: max partno=2, lower=0, upper=0
                /dev/loop0: partition #2 added
                """, 1);
        expect("partx -a /dev/loop0",
                """
                partx: /dev/loop0: error adding partitions 1-2
                """, 1);
        expect(script("sfdisk --no-reread /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
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
                /dev/loop0p2      34816 67583   32768  16M 83 Linux

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
                The kernel still uses the old table. The new table will be used at the next reboot or after you run partprobe(8) or partx(8).
                Syncing disks.
                """, 0);
        expect(script("sfdisk -n /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
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
                The partition table is unchanged (--no-act).
                """, 0);
        expect(script("sfdisk --force --no-tell-kernel /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "start=2048, size=16384, type=83"),
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
                """, 0);
        expect("partx -v -u /dev/loop0",
                """
                partx: /dev/loop0: no partition #2: Device or resource busy
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'dos' detected
                /dev/loop0: partition #1 resized
                """, 0);
    }

    /** Type filters, sector-size override, column lists, ranges in every form and verbose add/update/delete over an extended partition. */
    @Test
    void rangesColumnsAndFilters() {
        sh.ok("disk add loop0 64MiB");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "start=2048, size=32768, type=83",
                "start=34816, size=32768, type=7",
                "start=67584, size=16384, type=5",
                "start=69632, size=4096, type=82"),
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
                /dev/loop0p2: Created a new partition 2 of type 'HPFS/NTFS/exFAT' and of size 16 MiB.
                /dev/loop0p3: Created a new partition 3 of type 'Extended' and of size 8 MiB.
                /dev/loop0p4: Created a new partition 5 of type 'Linux swap / Solaris' and of size 2 MiB.
                /dev/loop0p6: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048 34815   32768  16M 83 Linux
                /dev/loop0p2      34816 67583   32768  16M  7 HPFS/NTFS/exFAT
                /dev/loop0p3      67584 83967   16384   8M  5 Extended
                /dev/loop0p5      69632 73727    4096   2M 82 Linux swap / Solaris

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Syncing disks.
                """, 0);
        expect("partx -t dos -s /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID
                 1  2048 34815   32768  16M      12345678-01
                 2 34816 67583   32768  16M      12345678-02
                 3 67584 83967   16384   8M      12345678-03
                 5 69632 73727    4096   2M      12345678-05
                """, 0);
        expect("partx -t gpt -s /dev/loop0",
                """
                partx: /dev/loop0: failed to read partition table
                """, 1);
        expect("partx -S 4096 /dev/loop0",
                """
                NR  START    END SECTORS SIZE NAME UUID
                 1  16384 278527  262144 128M      12345678-01
                 2 278528 540671  262144 128M      12345678-02
                 3 540672 671743  131072  64M      12345678-03
                """, 0);
        expect("partx --output-all /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID                                 TYPE FLAGS SCHEME
                 1  2048 34815   32768  16M      12345678-01                          0x83 0x0   dos
                 2 34816 67583   32768  16M      12345678-02                           0x7 0x0   dos
                 3 67584 83967   16384   8M      12345678-03                           0x5 0x0   dos
                 5 69632 73727    4096   2M      12345678-05                          0x82 0x0   dos
                """, 0);
        expect("partx -o +TYPE /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID                                 TYPE
                 1  2048 34815   32768  16M      12345678-01                          0x83
                 2 34816 67583   32768  16M      12345678-02                           0x7
                 3 67584 83967   16384   8M      12345678-03                           0x5
                 5 69632 73727    4096   2M      12345678-05                          0x82
                """, 0);
        expect("partx -o nr,Type /dev/loop0",
                """
                NR TYPE
                 1 0x83
                 2  0x7
                 3  0x5
                 5 0x82
                """, 0);
        expect("partx --nr -1 /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID
                 5 69632 73727    4096   2M      12345678-05
                """, 0);
        expect("partx --nr 2: /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID
                 2 34816 67583   32768  16M      12345678-02
                 3 67584 83967   16384   8M      12345678-03
                 5 69632 73727    4096   2M      12345678-05
                """, 0);
        expect("partx --nr :2 /dev/loop0",
                """
                NR START   END SECTORS SIZE NAME UUID
                 1  2048 34815   32768  16M      12345678-01
                 2 34816 67583   32768  16M      12345678-02
                """, 0);
        expect("partx --nr 2-3 -o NR /dev/loop0",
                """
                NR
                 2
                 3
                """, 0);
        expect("partx --nr=3 -l /dev/loop0",
                """
                # 3:     67584-    83967 (    16384 sectors,      8 MB)
                """, 0);
        expect("partx -gr /dev/loop0",
                """
                1 2048 34815 32768 16M  12345678-01
                2 34816 67583 32768 16M  12345678-02
                3 67584 83967 16384 8M  12345678-03
                5 69632 73727 4096 2M  12345678-05
                """, 0);
        expect("partx --list-types",
                """
                aix
                sgi
                sun
                dos
                gpt
                PMBR
                mac
                ultrix
                bsd
                unixware
                solaris
                minix
                atari
                """, 0);
        expect("partx -v -a --nr 5 /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 5, upper: 5
                /dev/loop0: partition table type 'dos' detected
                range recount: max partno=5, lower=5, upper=5
                /dev/loop0: partition #5 added
                """, 0);
        expect("partx -v -a /dev/loop0",
                """
                partx: /dev/loop0: adding partition #5 failed: Device or resource busy
                partx: /dev/loop0: error adding partition 5
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'dos' detected
                range recount: max partno=5, lower=0, upper=0
                /dev/loop0: partition #1 added
                /dev/loop0: partition #2 added
                /dev/loop0: partition #3 added
                """, 1);
        expectPartitions("""
                major minor  #blocks  name

                   7        0      65536 loop0
                 259        1      16384 loop0p1
                 259        2      16384 loop0p2
                 259        3          1 loop0p3
                 259        0       2048 loop0p5
                """);
        expect("cat /sys/block/loop0/loop0p3/size",
                """
                2
                """, 0);
        expect("partx -v -u --nr 3:5 /dev/loop0",
                """
                partx: /dev/loop0: no partition #4: Success
                partition: none, disk: /dev/loop0, lower: 3, upper: 5
                /dev/loop0: partition table type 'dos' detected
                /dev/loop0: partition #3 added
                /dev/loop0: partition #5 added
                """, 0);
        expect("partx -v -d --nr -2 /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: -2, upper: -2
                /dev/loop0: partition #4 doesn't exist
                """, 0);
        expect("partx -v -d --nr 1:3 /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 1, upper: 3
                /dev/loop0: partition #1 removed
                /dev/loop0: partition #2 removed
                /dev/loop0: partition #3 removed
                """, 0);
        expect("partx -v -d /dev/loop0",
                """
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition #1 doesn't exist
                /dev/loop0: partition #2 doesn't exist
                /dev/loop0: partition #3 doesn't exist
                /dev/loop0: partition #4 doesn't exist
                /dev/loop0: partition #5 removed
                """, 0);
        expect("partx -v -u /dev/loop0",
                """
                partx: /dev/loop0: no partition #4: No such device or address
                partition: none, disk: /dev/loop0, lower: 0, upper: 0
                /dev/loop0: partition table type 'dos' detected
                /dev/loop0: partition #1 added
                /dev/loop0: partition #2 added
                /dev/loop0: partition #3 added
                """, 0);
        expect("partx -d /dev/loop0",
                "", 0);
        expect("partx -u --nr 9 /dev/loop0",
                "", 0);
        expect("partx -a --nr 9 /dev/loop0",
                "", 0);
        expect("partx -d --nr 9 /dev/loop0",
                "", 0);
    }

    /** A loop device without partscan (BLKRRPART is EINVAL but BLKPG works), partition arguments, ranges and option errors. */
    @Test
    void noPartscanAndArguments() {
        sh.ok("disk add loop0 64MiB --no-partscan");
        expect(script("sfdisk /dev/loop0",
                "label: dos",
                "label-id: 0x12345678",
                "start=2048, size=32768, type=83",
                "start=34816, size=32768, type=83"),
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
                /dev/loop0p2: Created a new partition 2 of type 'Linux' and of size 16 MiB.
                /dev/loop0p3: Done.

                New situation:
                Disklabel type: dos
                Disk identifier: 0x12345678

                Device       Boot Start   End Sectors Size Id Type
                /dev/loop0p1       2048 34815   32768  16M 83 Linux
                /dev/loop0p2      34816 67583   32768  16M 83 Linux

                The partition table has been altered.
                Calling ioctl() to re-read partition table.
                Re-reading the partition table failed.: Invalid argument
                The kernel still uses the old table. The new table will be used at the next reboot or after you run partprobe(8) or partx(8).
                Syncing disks.
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
                "size=1M, uuid=11111111-2222-3333-4444-555555555555"),
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
                /dev/loop0p1       2048 34815   32768  16M 83 Linux
                /dev/loop0p2      34816 67583   32768  16M 83 Linux

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
                Re-reading the partition table failed.: Invalid argument
                The kernel still uses the old table. The new table will be used at the next reboot or after you run partprobe(8) or partx(8).
                Syncing disks.
                """, 0);
        expect("partx -a /dev/loop0",
                """
                partx: /dev/loop0: error adding partition 1
                """, 1);
        expect("partx -d /dev/loop0",
                "", 0);
        expect("partx -a /dev/loop0",
                "", 0);
        expectPartitions("""
                major minor  #blocks  name

                   7        0      65536 loop0
                 259        2       1024 loop0p1
                """);
        expect("partx -s /dev/loop0p1",
                """
                NR START  END SECTORS SIZE NAME UUID
                 1  2048 4095    2048   1M      11111111-2222-3333-4444-555555555555
                """, 0);
        expect("partx /dev/loop0p1 /dev/loop0",
                """
                NR START  END SECTORS SIZE NAME UUID
                 1  2048 4095    2048   1M      11111111-2222-3333-4444-555555555555
                """, 0);
        expect("partx -s - /dev/loop0p1",
                """
                partx: /dev/loop0p1: failed to read partition table
                """, 1);
        expect("partx -d /dev/loop0p1",
                "", 0);
        expectPartitions("""
                major minor  #blocks  name

                   7        0      65536 loop0
                """);
        expect("partx -a -d /dev/loop0",
                """
                partx: mutually exclusive arguments: --pairs --add --delete --list --raw --show --update
                """, 1);
        expect("partx -s --nr 2:1 /dev/loop0",
                """
                partx: specified range <2:1> does not make sense
                """, 1);
        expect("partx -s --nr x /dev/loop0",
                """
                partx: failed to parse --nr <M-N> range
                """, 1);
        expect("partx -o FOO /dev/loop0",
                """
                partx: unknown column: FOO
                """, 1);
        expect("partx",
                """
                partx: bad usage
                Try 'partx --help' for more information.
                """, 1);
        expect("partx --bogus /dev/loop0",
                """
                partx: unrecognized option '--bogus'
                Try 'partx --help' for more information.
                """, 1);
        expect("partx -s /dev/sda1 /dev/sdb",
                """
                partx: partition and disk name do not match
                """, 1);
    }

    /** The extended partition is added as 2 sectors, and partx reads the kernel's numbers from sysfs. */
    @Test
    void extendedPartitionIsTwoSectorsAndSysfsBoundsDelete() {
        sh.ok("disk add sda 64MiB");
        sh.ok(script("sfdisk /dev/sda", "label: dos", "label-id: 0x12345678", "start=2048, size=8192",
                "start=10240, size=20480, type=5", "start=12288, size=2048"));
        sh.ok("partx -a /dev/sda");
        assertEquals("2048\n8192\n10240\n2\n12288\n2048\n", sh.ok("cat /sys/block/sda/sda1/start /sys/block/sda/sda1/size "
                + "/sys/block/sda/sda2/start /sys/block/sda/sda2/size /sys/block/sda/sda5/start /sys/block/sda/sda5/size"));
        sh.ok("addpart /dev/sda 9 40960 2048");
        expect("partx -v -d /dev/sda", """
                partition: none, disk: /dev/sda, lower: 0, upper: 0
                /dev/sda: partition #1 removed
                /dev/sda: partition #2 removed
                /dev/sda: partition #3 doesn't exist
                /dev/sda: partition #4 doesn't exist
                /dev/sda: partition #5 removed
                /dev/sda: partition #6 doesn't exist
                /dev/sda: partition #7 doesn't exist
                /dev/sda: partition #8 doesn't exist
                /dev/sda: partition #9 removed
                """, 0);
        expect("partx -d /dev/sda", "partx: specified range <1:0> does not make sense\n", 1);
    }

    /** --update after the table changed: DEL then ADD for free partitions, RESIZE for the busy one (live capture). */
    @Test
    void updateResizesBusyPartitions() {
        sh.ok("disk add sda 64MiB");
        sh.ok(script("sfdisk /dev/sda", "label: gpt", "size=8M", "size=8M", "size=8M"));
        sh.ok("partx -a /dev/sda");
        sh.ok("sleep 100 < /dev/sda2 &");
        expect(script("sfdisk --no-reread -q /dev/sda", "label: gpt", "size=8M", "size=4M", "size=12M"),
                "Re-reading the partition table failed.: Device or resource busy\n", 0);
        expect("partx -v -u /dev/sda", """
                partition: none, disk: /dev/sda, lower: 0, upper: 0
                /dev/sda: partition table type 'gpt' detected
                /dev/sda: partition #1 added
                /dev/sda: partition #2 resized
                /dev/sda: partition #3 added
                """, 0);
        assertEquals("2048\n16384\n18432\n8192\n26624\n24576\n", sh.ok("cat /sys/block/sda/sda1/start "
                + "/sys/block/sda/sda1/size /sys/block/sda/sda2/start /sys/block/sda/sda2/size "
                + "/sys/block/sda/sda3/start /sys/block/sda/sda3/size"));
    }

    private void writeMbr(String dev, DosLabel label) {
        Task t = sh.kernel.spawn("mbr", Credentials.ROOT);
        int fd = sh.kernel.open(t, dev, OpenFlags.O_RDWR).intValue();
        byte[] mbr = label.sector0();
        assertEquals(512, sh.kernel.pwrite(t, fd, mbr, 0, mbr.length, 0).value());
        sh.kernel.exit(t);
    }

    /**
     * libblkid probes inside primaries of the nested types (82 Solaris x86, a5/a6/a9 BSD, 81,
     * 63), and a nested probe of a partition that runs past the end of the device fails the whole
     * probe with ENOSPC (blkid_partitions_do_subprobe). Captured on a 64 MiB loop device.
     */
    @Test
    void aNestedTypePrimaryPastTheEndFailsTheProbe() {
        sh.ok("disk add loop0 64MiB");
        writeMbr("/dev/loop0", new DosLabel(512, 0x12345678).primary(1, 2048, 2048, 0x83, false)
                .primary(2, 4096, 200000, 0x82, false));
        expect("partx -s /dev/loop0", "partx: /dev/loop0: failed to read partition table\n", 1);
        writeMbr("/dev/loop0", new DosLabel(512, 0x12345678).primary(1, 2048, 2048, 0x83, false)
                .primary(2, 4096, 200000, 0x83, false));
        expect("partx -s /dev/loop0", """
                NR START    END SECTORS  SIZE NAME UUID
                 1  2048   4095    2048    1M      12345678-01
                 2  4096 204095  200000 97.7M      12345678-02
                """, 0);
    }

    /** -S 4096 on a 512-byte disk: the swap partition's nested probe now runs past the end. */
    @Test
    void aLargerSectorSizeCanPushANestedProbePastTheEnd() {
        sh.ok("disk add loop0 64MiB");
        sh.ok(script("sfdisk -q /dev/loop0", "label: dos", "label-id: 0x5fca2f22", "start=2048, size=8192, type=83",
                "start=10240, size=8192, type=82", "start=18432, size=40960, type=5", "start=20480, size=4096, type=83"));
        expect("partx -s -o NR,START,SECTORS,TYPE /dev/loop0", """
                NR START SECTORS TYPE
                 1  2048    8192 0x83
                 2 10240    8192 0x82
                 3 18432   40960  0x5
                 5 20480    4096 0x83
                """, 0);
        expect("partx -s -S 4096 /dev/loop0", "partx: /dev/loop0: failed to read partition table\n", 1);
    }
}
