package blocksim.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.MountFlags;
import blocksim.uapi.OpenFlags;
import blocksim.userland.ShellHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mounts on the model: mkfs and mount(2), the exclusive claim a mount holds, read-only and bind
 * mounts, the mount table, and data that reaches the device only when written back. Expected
 * answers were measured on this machine's 6.18.44 with loop devices (mount, umount, mkfs.ext4,
 * python os.open) unless a comment names the 2.6.32 source.
 */
class MountTests {

    static ShellHarness fs(Profile profile) {
        ShellHarness h = new ShellHarness(profile, KernelConfig.defaults());
        h.ok("disk add sdb 16MiB");
        h.ok("mkfs.ext4 -q /dev/sdb");
        h.ok("mkdir /mnt/a /mnt/b");
        return h;
    }

    static boolean deviceHolds(ShellHarness h, String dev, String marker) {
        Task t = h.kernel.spawn("check", Credentials.ROOT);
        int fd = h.kernel.open(t, dev, OpenFlags.O_RDONLY).intValue();
        byte[] buf = new byte[1 << 20];
        StringBuilder all = new StringBuilder();
        for (long pos = 0; ; pos += buf.length) {
            SysResult r = h.kernel.pread(t, fd, buf, 0, buf.length, pos);
            if (r.value() <= 0) {
                break;
            }
            all.append(new String(buf, 0, r.intValue(), StandardCharsets.ISO_8859_1));
        }
        h.kernel.exit(t);
        return all.indexOf(marker) >= 0;
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void aFilesystemMadeByMkfsMountsAndKeepsItsFilesAcrossAnUnmount(Profile profile) {
        try (ShellHarness h = fs(profile)) {
            h.ok("mount /dev/sdb /mnt/a");
            assertEquals("lost+found\n", h.ok("ls /mnt/a"));
            h.ok("echo kept > /mnt/a/file");
            h.ok("umount /mnt/a");
            assertEquals("", h.ok("ls /mnt/a"), "the mount point's own directory is empty again");
            h.ok("mount /dev/sdb /mnt/b");
            assertEquals("kept\n", h.ok("cat /mnt/b/file"));
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void dataReachesTheDeviceOnlyWhenWrittenBack(Profile profile) {
        try (ShellHarness h = fs(profile)) {
            h.ok("mount /dev/sdb /mnt/a");
            h.ok("echo marker-one-xyz > /mnt/a/f");
            assertFalse(deviceHolds(h, "/dev/sdb", "marker-one-xyz"), "not synced: only in the page cache");
            h.ok("sync");
            assertTrue(deviceHolds(h, "/dev/sdb", "marker-one-xyz"));
            h.ok("echo marker-two-xyz > /mnt/a/g");
            h.ok("sleep 40");
            assertTrue(deviceHolds(h, "/dev/sdb", "marker-two-xyz"), "periodic writeback after dirty_expire (30 s)");
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void mountErrorsAreTheKernelsAndTheToolsMessages(Profile profile) {
        try (ShellHarness h = new ShellHarness(profile, KernelConfig.defaults())) {
            h.ok("disk add sdc 16MiB");
            h.ok("mkdir /mnt/a");
            Task root = h.kernel.spawn("t", Credentials.ROOT);
            assertEquals(Errno.EINVAL, h.kernel.mount(root, "/dev/sdc", "/mnt/a", "ext4", 0, null).errno());
            assertTrue(h.kernel.dmesg().contains("EXT4-fs (sdc): VFS: Can't find ext4 filesystem"), h.kernel.dmesg());
            assertEquals(Errno.ENODEV, h.kernel.mount(root, "/dev/sdc", "/mnt/a", "bogusfs", 0, null).errno());
            assertEquals(Errno.ENOENT, h.kernel.mount(root, "/dev/sdc", "/mnt/nothere", "ext4", 0, null).errno());
            assertEquals(Errno.ENOENT, h.kernel.mount(root, "/dev/nothere", "/mnt/a", "ext4", 0, null).errno());
            assertEquals(Errno.ENOTBLK, h.kernel.mount(root, "/dev/null", "/mnt/a", "ext4", 0, null).errno());
            Task user = h.kernel.spawn("t", Credentials.NOBODY);
            assertEquals(Errno.EPERM, h.kernel.mount(user, "/dev/sdc", "/mnt/a", "ext4", 0, null).errno());
            assertEquals(Errno.ENOENT, h.kernel.mount(user, "/dev/sdc", "/mnt/nothere", "ext4", 0, null).errno(),
                    "the target's walk comes before the capability check");
            ShellHarness.Run r = h.run("mount /dev/sdc /mnt/a");
            assertEquals(32, r.status());
            assertEquals("mount: /mnt/a: wrong fs type, bad option, bad superblock on /dev/sdc, missing codepage or helper"
                    + " program, or other error.\n       dmesg(1) may have more information after failed mount system call.\n",
                    r.output());
            assertEquals("mount: /mnt/a: unknown filesystem type 'bogusfs'.\n"
                    + "       dmesg(1) may have more information after failed mount system call.\n",
                    h.run("mount -t bogusfs /dev/sdc /mnt/a").output());
            assertEquals("mount: /mnt/x: mount point does not exist.\n"
                    + "       dmesg(1) may have more information after failed mount system call.\n",
                    h.run("mount /dev/sdc /mnt/x").output());
            assertEquals("mount: /mnt/a: special device /dev/sdz does not exist.\n"
                    + "       dmesg(1) may have more information after failed mount system call.\n",
                    h.run("mount /dev/sdz /mnt/a").output());
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void aMountedPartitionIsBusyForRereadAndDeleteAndForExclusiveOpens(Profile profile) {
        try (ShellHarness h = new ShellHarness(profile, KernelConfig.defaults())) {
            h.ok("disk add sdb 32MiB");
            Task root = h.kernel.spawn("t", Credentials.ROOT);
            int disk = h.kernel.open(root, "/dev/sdb", OpenFlags.O_RDWR).intValue();
            for (int pno = 1; pno <= 2; pno++) {
                SysResult add = h.kernel.ioctl(root, disk, Ioctl.BLKPG, BlkpgIoctlArg.add(pno, (pno * 8L) << 20, 8L << 20));
                assertTrue(add.isOk(), add::toString);
            }
            h.ok("mkfs.ext4 -q /dev/sdb1");
            h.ok("mkdir /mnt/a");
            h.ok("mount /dev/sdb1 /mnt/a");
            assertEquals(Errno.EBUSY, h.kernel.ioctl(root, disk, Ioctl.BLKRRPART, IoctlArg.NULL).errno());
            assertEquals(Errno.EBUSY, h.kernel.ioctl(root, disk, Ioctl.BLKPG,
                    BlkpgIoctlArg.del(1)).errno());
            assertEquals(Errno.EBUSY, h.kernel.open(root, "/dev/sdb1", OpenFlags.O_RDONLY | OpenFlags.O_EXCL).errno());
            assertEquals(Errno.EBUSY, h.kernel.open(root, "/dev/sdb", OpenFlags.O_RDONLY | OpenFlags.O_EXCL).errno());
            SysResult plain = h.kernel.open(root, "/dev/sdb1", OpenFlags.O_RDWR);
            assertTrue(plain.isOk(), "a plain read-write open of a mounted partition succeeds");
            h.kernel.close(root, plain.intValue());
            assertTrue(h.kernel.ioctl(root, disk, Ioctl.BLKPG, BlkpgIoctlArg.del(2)).isOk(),
                    "another partition can go while one is mounted");
            h.ok("umount /mnt/a");
            assertTrue(h.kernel.ioctl(root, disk, Ioctl.BLKPG, BlkpgIoctlArg.del(1)).isOk(), "free once unmounted");
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void readOnlyMountsAndTheSameDeviceTwice(Profile profile) {
        try (ShellHarness h = fs(profile)) {
            h.ok("mount -o ro /dev/sdb /mnt/a");
            assertEquals("touch: cannot touch '/mnt/a/x': Read-only file system\n", h.run("touch /mnt/a/x").output());
            assertEquals("mkdir: cannot create directory '/mnt/a/d': Read-only file system\n", h.run("mkdir /mnt/a/d").output());
            Task root = h.kernel.spawn("t", Credentials.ROOT);
            assertEquals(Errno.EBUSY, h.kernel.mount(root, "/dev/sdb", "/mnt/b", "ext4", 0, null).errno(),
                    "a second mount may not change the RO state");
            assertTrue(h.kernel.mount(root, "/dev/sdb", "/mnt/b", "ext4", MountFlags.MS_RDONLY, null).isOk(),
                    "the same superblock again");
            assertEquals(Errno.EBUSY, h.kernel.mount(root, "/dev/sdb", "/mnt/b", "ext4", MountFlags.MS_RDONLY, null).errno(),
                    "the same filesystem on the same mount point");
            assertEquals("mount: /mnt/b: /dev/sdb already mounted on /mnt/a.\n"
                    + "       dmesg(1) may have more information after failed mount system call.\n",
                    h.run("mount -o ro /dev/sdb /mnt/b").output());
            assertEquals(1, h.kernel.filesystems().superblocks().stream().filter(s -> s.bdev() != null).count(),
                    "one superblock for both mounts");
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void theMountTableInTheKernelsFormats(Profile profile) {
        try (ShellHarness h = fs(profile)) {
            h.ok("mount /dev/sdb /mnt/a");
            h.ok("mkdir /mnt/a/sub");
            h.ok("mount --bind /mnt/a/sub /mnt/b");
            String mounts = h.ok("cat /proc/mounts");
            String opts = profile == Profile.LINUX_6_18 ? "rw,relatime" : "rw,relatime,barrier=1,data=ordered";
            assertTrue(mounts.endsWith("/dev/sdb /mnt/a ext4 " + opts + " 0 0\n/dev/sdb /mnt/b ext4 " + opts + " 0 0\n"), mounts);
            String info = h.ok("cat /proc/self/mountinfo");
            assertTrue(info.contains(" 8:16 / /mnt/a rw,relatime - ext4 /dev/sdb rw"), info);
            assertTrue(info.contains(" 8:16 /sub /mnt/b rw,relatime - ext4 /dev/sdb rw"), info);
            h.ok("mount -t tmpfs none /mnt/a/sub");
            assertEquals(Errno.EBUSY, h.kernel.umount2(h.kernel.spawn("t", Credentials.ROOT), "/mnt/a", 0).errno(),
                    "a mount with a mount on it is busy");
            h.ok("umount /mnt/a/sub");
            h.ok("umount /mnt/b");
            h.ok("umount /mnt/a");
            assertFalse(h.ok("cat /proc/mounts").contains("sdb"));
            assertEquals("umount: /mnt/a: not mounted.\n", h.run("umount /mnt/a").output());
            assertEquals("umount: /mnt/nothere: no mount point specified.\n", h.run("umount /mnt/nothere").output());
        }
    }

    /** Which driver mounts what, and what it logs and shows: 6.18's ext4 serves all three; 2.6.32 has ext2 and ext3 drivers of its own. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void eachErasDriverLogsAndShowsItsOwnWay(Profile profile) {
        try (ShellHarness h = new ShellHarness(profile, KernelConfig.defaults())) {
            h.ok("disk add sdb 16MiB");
            h.ok("disk add sdc 16MiB");
            h.ok("mkfs.ext3 -q /dev/sdb");
            h.ok("mkfs.ext2 -q /dev/sdc");
            h.ok("mkdir /mnt/a /mnt/b");
            h.ok("mount /dev/sdb /mnt/a");
            h.ok("mount /dev/sdc /mnt/b");
            String log = h.kernel.dmesg();
            String mounts = h.ok("cat /proc/mounts");
            if (profile == Profile.LINUX_6_18) {
                assertTrue(log.matches("(?s).*EXT4-fs \\(sdb\\): mounted filesystem [0-9a-f-]{36} r/w with ordered data mode\\. Quota mode: none\\..*"), log);
                assertTrue(log.matches("(?s).*EXT4-fs \\(sdc\\): mounted filesystem [0-9a-f-]{36} r/w without journal\\. Quota mode: none\\..*"), log);
                assertTrue(mounts.contains("/dev/sdb /mnt/a ext3 rw,relatime 0 0\n"), mounts);
                assertTrue(mounts.contains("/dev/sdc /mnt/b ext2 rw,relatime 0 0\n"), mounts);
            } else {
                assertTrue(log.contains("kjournald starting.  Commit interval 5 seconds\n"), log);
                assertTrue(log.contains("EXT3 FS on sdb, internal journal\n"), log);
                assertTrue(log.contains("EXT3-fs: mounted filesystem with ordered data mode.\n"), log);
                assertFalse(log.lines().anyMatch(l -> l.contains("sdc") && !l.contains("unknown partition table")),
                        "2.6.32's ext2 logs nothing at mount: " + log);
                assertTrue(mounts.contains("/dev/sdb /mnt/a ext3 rw,relatime,errors=continue,data=ordered 0 0\n"), mounts);
                assertTrue(mounts.contains("/dev/sdc /mnt/b ext2 rw,relatime,errors=continue 0 0\n"), mounts);
            }
            h.ok("disk add sdd 16MiB");
            h.run("mount -t ext3 /dev/sdd /mnt/a");
            assertTrue(h.kernel.dmesg().contains(profile == Profile.LINUX_6_18 ? "EXT4-fs (sdd): VFS: Can't find ext4 filesystem"
                    : "VFS: Can't find ext3 filesystem on dev sdd."), h.kernel.dmesg());
        }
    }

    /** stat's default layout (coreutils 9.1, measured on this machine) from the model's inode numbers, links, sizes and times. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void statShowsTheInode(Profile profile) {
        try (ShellHarness h = fs(profile)) {
            h.ok("mount /dev/sdb /mnt/a");
            h.ok("sleep 2");
            h.ok("echo abc > /mnt/a/f");
            assertEquals("""
                      File: /mnt/a/f
                      Size: 4         \tBlocks: 8          IO Block: 4096   regular file
                    Device: 8,16\tInode: 12          Links: 1
                    Access: (0644/-rw-r--r--)  Uid: (    0/    root)   Gid: (    0/    root)
                    Access: 1970-01-01 00:00:02.000000000 +0000
                    Modify: 1970-01-01 00:00:02.000000000 +0000
                    Change: 1970-01-01 00:00:02.000000000 +0000
                     Birth: 1970-01-01 00:00:02.000000000 +0000
                    """, h.ok("stat /mnt/a/f"));
            h.ok("mkdir /mnt/a/d");
            assertEquals("4 directory 2\n", h.ok("stat -c '%h %F %i' /mnt/a"), "2, and one each for lost+found and d");
            assertEquals("stat: cannot statx '/mnt/a/x': No such file or directory\n", h.run("stat /mnt/a/x").output());
            h.ok("umount /mnt/a");
            h.ok("sleep 5");
            h.ok("mount /dev/sdb /mnt/a");
            assertEquals("1970-01-01 00:00:02.000000000 +0000\n", h.ok("stat -c %y /mnt/a/f"), "the time was written to the disk");
        }
    }
}
