package blocksim.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Credentials;
import blocksim.api.Errno;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.Scheduling;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import blocksim.userland.ShellHarness;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Freezing, per era: the errnos of FIFREEZE and FITHAW (section 6.5 of kernel-semantics.md; the
 * 6.18 answers measured on this machine with fsfreeze and python ioctls, the 2.6.32 ones read in
 * fs/ioctl.c, fs/block_dev.c:freeze_bdev and thaw_bdev), what waits for a thaw and what does not,
 * unmounting a frozen filesystem, and the emergency thaw.
 */
class FreezeTests {

    private static ShellHarness mounted(Profile profile, String type) {
        ShellHarness h = new ShellHarness(profile, KernelConfig.defaults());
        h.ok("disk add sdb 16MiB");
        h.ok("mkfs.ext4 -q -t " + type + " /dev/sdb");
        h.ok("mkdir /mnt/a /mnt/b");
        h.ok("mount /dev/sdb /mnt/a");
        h.ok("echo before > /mnt/a/old");
        return h;
    }

    private static SysResult ioctl(ShellHarness h, Task t, String path, long cmd) {
        int fd = h.kernel.open(t, path, OpenFlags.O_RDONLY).intValue();
        SysResult r = h.kernel.ioctl(t, fd, cmd, IoctlArg.NULL);
        h.kernel.close(t, fd);
        return r;
    }

    @Test
    void errnos618() {
        try (ShellHarness h = mounted(Profile.LINUX_6_18, "ext4")) {
            Task root = h.kernel.spawn("t", Credentials.ROOT);
            Task nobody = h.kernel.spawn("t", Credentials.NOBODY);
            assertEquals(Errno.EPERM, ioctl(h, nobody, "/mnt/a", Ioctl.FIFREEZE).errno());
            assertEquals(Errno.EINVAL, ioctl(h, root, "/mnt/a", Ioctl.FITHAW).errno(), "thaw of an unfrozen filesystem");
            assertTrue(ioctl(h, root, "/mnt/a/old", Ioctl.FIFREEZE).isOk(), "through an fd of a file");
            assertEquals(Errno.EBUSY, ioctl(h, root, "/mnt/a", Ioctl.FIFREEZE).errno(), "a second userspace freeze");
            assertTrue(ioctl(h, root, "/mnt/a", Ioctl.FITHAW).isOk());
            assertEquals(Errno.EINVAL, ioctl(h, root, "/mnt/a", Ioctl.FITHAW).errno());
            assertEquals(Errno.EOPNOTSUPP, ioctl(h, root, "/tmp", Ioctl.FIFREEZE).errno(), "tmpfs");
            assertEquals(Errno.EINVAL, ioctl(h, root, "/tmp", Ioctl.FITHAW).errno(), "tmpfs thaw: nothing frozen");
            assertEquals(Errno.EOPNOTSUPP, ioctl(h, root, "/dev/sdb", Ioctl.FIFREEZE).errno(), "a device node is on devtmpfs");
            assertEquals(Errno.EOPNOTSUPP, ioctl(h, root, "/proc/partitions", Ioctl.FIFREEZE).errno());
            assertEquals("fsfreeze: /mnt/a/old: is not a directory\n", h.run("fsfreeze -f /mnt/a/old").output());
        }
    }

    /** 2.6.32: FIFREEZE is freeze_bdev, which nests by count, and vanilla thaw_bdev returns 0 with nothing frozen. */
    @Test
    void errnos2632() {
        try (ShellHarness h = mounted(Profile.LINUX_2_6_32, "ext4")) {
            Task root = h.kernel.spawn("t", Credentials.ROOT);
            assertTrue(ioctl(h, root, "/mnt/a", Ioctl.FITHAW).isOk(), "vanilla thaw_bdev: 0 with nothing frozen");
            assertTrue(ioctl(h, root, "/mnt/a", Ioctl.FIFREEZE).isOk());
            assertTrue(ioctl(h, root, "/mnt/a", Ioctl.FIFREEZE).isOk(), "nested: the count is 2");
            assertTrue(ioctl(h, root, "/mnt/a", Ioctl.FITHAW).isOk());
            SuperBlock sb = h.kernel.filesystems().superOf(h.kernel.genhd().lookup("sdb").orElseThrow()).orElseThrow();
            assertEquals(SuperBlock.FREEZE_TRANS, sb.frozen(), "still frozen after one of two thaws");
            assertTrue(ioctl(h, root, "/mnt/a", Ioctl.FITHAW).isOk());
            assertEquals(SuperBlock.UNFROZEN, sb.frozen());
            assertEquals(Errno.EINVAL, ioctl(h, root, "/tmp", Ioctl.FITHAW).errno(), "no block device");
            assertEquals(Errno.EOPNOTSUPP, ioctl(h, root, "/tmp", Ioctl.FIFREEZE).errno());
        }
    }

    @ParameterizedTest
    @EnumSource(Profile.class)
    void ext2FreezesIn618Only(Profile profile) {
        try (ShellHarness h = mounted(profile, "ext2")) {
            Task root = h.kernel.spawn("t", Credentials.ROOT);
            SysResult r = ioctl(h, root, "/mnt/a", Ioctl.FIFREEZE);
            if (profile == Profile.LINUX_6_18) {
                assertTrue(r.isOk());
            } else {
                assertEquals(Errno.EOPNOTSUPP, r.errno(), "2.6.32 ext2 has no ->freeze_fs");
            }
        }
    }

    /** The seed's sequence: the write waits for the thaw, then lands; reads and stat never wait. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void aWriterWaitsUntilTheThawAndReadsDoNot(Profile profile) {
        try (ShellHarness h = mounted(profile, "ext4")) {
            h.ok("fsfreeze -f /mnt/a");
            ShellHarness.Run bg = h.run("echo during > /mnt/a/new &");
            assertEquals(0, bg.status());
            assertTrue(h.ok("jobs").contains("blocked"), "the writer is parked");
            assertEquals("before\n", h.ok("cat /mnt/a/old"), "a read does not wait");
            assertEquals("old\n", h.run("ls /mnt/a").output().replace("lost+found\n", ""));
            h.ok("sync");
            h.ok("sync -f /mnt/a/old");
            h.ok("fsfreeze -u /mnt/a");
            h.ok("wait");
            assertEquals("during\n", h.ok("cat /mnt/a/new"));
        }
    }

    /**
     * Both eras: a change to the namespace or an inode (mkdir, rm, mv, touch's utimensat) on a
     * frozen ext4 waits and completes after the thaw (6.18 measured: each in percpu_rwsem_wait).
     */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void namespaceChangesWaitAndComplete(Profile profile) {
        try (ShellHarness h = mounted(profile, "ext4")) {
            h.ok("echo x > /mnt/a/victim");
            h.ok("fsfreeze -f /mnt/a");
            h.run("mkdir /mnt/a/d &");
            h.run("rm /mnt/a/victim &");
            h.run("mv /mnt/a/old /mnt/a/moved &");
            h.run("touch /mnt/a/old &");
            assertEquals(4, h.ok("jobs").lines().filter(l -> l.contains("blocked")).count(), h.ok("jobs"));
            assertEquals("lost+found\nold\nvictim\n", h.ok("ls /mnt/a"));
            h.ok("fsfreeze -u /mnt/a");
            h.ok("wait");
            assertEquals("d\nlost+found\nmoved\n", h.ok("ls /mnt/a"));
        }
    }

    /** A frozen filesystem with nobody to thaw it: the run ends in the deadlock report, naming what the writer waits for. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void freezingWithNobodyToThawIsAReportedDeadlock(Profile profile) {
        try (ShellHarness h = mounted(profile, "ext4")) {
            h.ok("fsfreeze -f /mnt/a");
            ShellHarness.Run r = h.run("echo stuck > /mnt/a/log");
            assertNotNull(r.deadlock());
            assertTrue(r.deadlock().contains(profile == Profile.LINUX_6_18 ? "sb_writers of sdb" : "to thaw"), r.deadlock());
        }
    }

    /** umount of a frozen filesystem succeeds, the superblock lives on frozen and keeps the device. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void unmountingAFrozenFilesystem(Profile profile) {
        try (ShellHarness h = mounted(profile, "ext4")) {
            Task root = h.kernel.spawn("t", Credentials.ROOT);
            h.ok("fsfreeze -f /mnt/a");
            h.ok("umount /mnt/a");
            assertEquals(Errno.EBUSY, h.kernel.open(root, "/dev/sdb", OpenFlags.O_RDONLY | OpenFlags.O_EXCL).errno(),
                    "still claimed by the frozen superblock");
            assertEquals("/dev/sdb is apparently in use by the system; will not make a filesystem here!\n",
                    h.run("mkfs.ext4 -q /dev/sdb").output());
            SysResult again = h.kernel.mount(root, "/dev/sdb", "/mnt/b", "ext4", 0, null);
            if (profile == Profile.LINUX_6_18) {
                assertTrue(again.isOk(), "sget_dev finds the frozen superblock");
                assertTrue(h.run("echo x > /mnt/b/y").deadlock() != null, "still frozen");
                h.ok("fsfreeze -u /mnt/b");
                h.ok("echo x > /mnt/b/y");
            } else {
                assertEquals(Errno.EBUSY, again.errno(), "get_sb_bdev: bd_fsfreeze_count > 0");
            }
        }
    }

    /** A bind mount shares the superblock: frozen through one path, frozen through the other. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void aBindMountSharesTheFreeze(Profile profile) {
        try (ShellHarness h = mounted(profile, "ext4")) {
            h.ok("mount --bind /mnt/a /mnt/b");
            h.ok("fsfreeze -f /mnt/b");
            h.run("echo x > /mnt/a/through-a &");
            assertTrue(h.ok("jobs").contains("blocked"));
            assertEquals(Errno.EBUSY.number(), 16);
            assertEquals("mount: /mnt/a: mount point is busy.\n"
                    + "       dmesg(1) may have more information after failed mount system call.\n",
                    h.run("mount -o remount,ro /mnt/a").output());
            h.ok("fsfreeze -u /mnt/a");
            h.ok("wait");
            assertEquals("x\n", h.ok("cat /mnt/b/through-a"));
        }
    }

    /** The writes before a freeze are on the device while it is frozen: a copy then is consistent. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void aFreezeWritesEverythingBack(Profile profile) {
        try (ShellHarness h = mounted(profile, "ext4")) {
            h.ok("echo unsynced-data-123 > /mnt/a/f");
            assertTrue(!MountTests.deviceHolds(h, "/dev/sdb", "unsynced-data-123"));
            h.ok("fsfreeze -f /mnt/a");
            assertTrue(MountTests.deviceHolds(h, "/dev/sdb", "unsynced-data-123"));
            h.ok("disk add sdc 16MiB");
            h.ok("dd if=/dev/sdb of=/dev/sdc bs=1M status=none");
            h.ok("fsfreeze -u /mnt/a");
            h.ok("mount /dev/sdc /mnt/b");
            assertEquals("unsynced-data-123\n", h.ok("cat /mnt/b/f"));
        }
    }

    /** sysrq j: 6.18 thaws the userspace freeze and says so; 2.6.32's do_thaw_all never finishes. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void emergencyThaw(Profile profile) {
        try (ShellHarness h = mounted(profile, "ext4")) {
            h.ok("fsfreeze -f /mnt/a");
            h.ok("echo j > /proc/sysrq-trigger");
            h.ok("sleep 1");
            SuperBlock sb = h.kernel.filesystems().superOf(h.kernel.genhd().lookup("sdb").orElseThrow()).orElseThrow();
            String log = h.kernel.dmesg();
            if (profile == Profile.LINUX_6_18) {
                assertTrue(log.contains("sysrq: Emergency Thaw of all frozen filesystems"), log);
                assertTrue(log.contains("Emergency Thaw complete"), log);
                assertEquals(SuperBlock.UNFROZEN, sb.frozen());
            } else {
                assertTrue(log.contains("SysRq : Emergency Thaw of all frozen filesystems"), log);
                assertTrue(!log.contains("Emergency Thaw complete"), "vanilla 2.6.32 never completes: " + log);
            }
        }
    }

    /** 2.6.32: an unfrozen filesystem on a device makes do_thaw_all loop, printing "Emergency Thaw on" for ever. */
    @Test
    void emergencyThawLoopsOnAnUnfrozenFilesystemIn2632() {
        try (ShellHarness h = mounted(Profile.LINUX_2_6_32, "ext4")) {
            h.ok("echo j > /proc/sysrq-trigger");
            h.ok("sleep 1");
            long turns = h.kernel.dmesg().lines().filter(l -> l.endsWith("Emergency Thaw on sdb")).count();
            assertTrue(turns > 100, "the loop goes on: " + turns);
            assertTrue(!h.kernel.dmesg().contains("Emergency Thaw complete"));
            assertEquals("before\n", h.ok("cat /mnt/a/old"), "the rest of the system runs meanwhile");
        }
    }

    private static SuperBlock sbOf(ShellHarness h) {
        return h.kernel.filesystems().superOf(h.kernel.genhd().lookup("sdb").orElseThrow()).orElseThrow();
    }

    /**
     * 6.18 freeze holders (fs/super.c may_freeze, may_unfreeze): a userspace FIFREEZE joins a
     * kernel freeze; FITHAW then drops only its own reference, and with only the kernel's left it
     * is EINVAL; sysrq j leaves the kernel's; an exclusive kernel freeze is undone only by its owner.
     */
    @Test
    void kernelAndUserspaceHolders618() {
        try (ShellHarness h = mounted(Profile.LINUX_6_18, "ext4")) {
            Filesystems fss = h.kernel.filesystems();
            SuperBlock sb = sbOf(h);
            Task k = h.kernel.spawn("kworker", Credentials.ROOT);
            Task root = h.kernel.spawn("t", Credentials.ROOT);
            assertEquals(0, fss.freezeSuper(sb, Filesystems.FREEZE_HOLDER_KERNEL, null, k));
            assertEquals(Errno.EBUSY.number(), -fss.freezeSuper(sb, Filesystems.FREEZE_HOLDER_KERNEL, null, k),
                    "a second kernel freeze without MAY_NEST");
            assertTrue(ioctl(h, root, "/mnt/a", Ioctl.FIFREEZE).isOk(), "userspace joins a kernel freeze");
            assertEquals(1, sb.kernelHolders());
            assertEquals(1, sb.userHolders());
            assertTrue(ioctl(h, root, "/mnt/a", Ioctl.FITHAW).isOk());
            assertEquals(SuperBlock.FREEZE_COMPLETE, sb.frozen(), "the kernel's freeze stays");
            assertEquals(Errno.EINVAL, ioctl(h, root, "/mnt/a", Ioctl.FITHAW).errno(), "only the kernel holds it");
            h.ok("echo j > /proc/sysrq-trigger");
            h.ok("sleep 1");
            assertEquals(SuperBlock.FREEZE_COMPLETE, sb.frozen(), "sysrq j does not release a kernel holder");
            assertEquals(0, fss.thawSuper(sb, Filesystems.FREEZE_HOLDER_KERNEL, null, k));
            assertEquals(SuperBlock.UNFROZEN, sb.frozen());

            Object owner = "filesystems_freeze";
            int excl = Filesystems.FREEZE_EXCL | Filesystems.FREEZE_HOLDER_KERNEL;
            assertEquals(0, fss.freezeSuper(sb, excl, owner, k));
            assertEquals(Errno.EINVAL.number(), -fss.thawSuper(sb, Filesystems.FREEZE_HOLDER_KERNEL, null, k),
                    "the last kernel reference is the exclusive owner's");
            assertEquals(Errno.EINVAL.number(), -fss.thawSuper(sb, excl, "someone else", k));
            assertEquals(0, fss.thawSuper(sb, excl, owner, k));
            assertEquals(SuperBlock.UNFROZEN, sb.frozen());
        }
    }

    /**
     * 6.18 block/bdev.c bdev_freeze and bdev_thaw (device-mapper's suspend): they nest by
     * bd_fsfreeze_count and freeze the mounted filesystem as a userspace holder with MAY_NEST, so
     * a FIFREEZE then is EBUSY (it does not nest), a FITHAW drops that reference; a thaw of
     * nothing is EINVAL; a new mount of a frozen device is EBUSY with "Can't mount, blockdev is
     * frozen"; sysrq j thaws the device-level freezes, saying so for each.
     */
    @Test
    void blockDeviceFreeze618() {
        try (ShellHarness h = mounted(Profile.LINUX_6_18, "ext4")) {
            Filesystems fss = h.kernel.filesystems();
            SuperBlock sb = sbOf(h);
            blocksim.block.BlockDevice sdb = sb.bdev();
            Task k = h.kernel.spawn("dm", Credentials.ROOT);
            Task root = h.kernel.spawn("t", Credentials.ROOT);
            assertEquals(0, fss.bdevFreeze(sdb, k));
            assertEquals(0, fss.bdevFreeze(sdb, k), "nested");
            assertEquals(2, sdb.fsfreezeCount());
            assertEquals(1, sb.userHolders(), "one freeze_super for both");
            assertEquals(Errno.EBUSY, ioctl(h, root, "/mnt/a", Ioctl.FIFREEZE).errno(),
                    "FIFREEZE does not nest with fs_bdev_freeze's userspace reference");
            h.ok("echo j > /proc/sysrq-trigger");
            h.ok("sleep 1");
            assertEquals(SuperBlock.UNFROZEN, sb.frozen());
            assertEquals(0, sdb.fsfreezeCount());
            assertEquals(2, h.kernel.dmesg().lines().filter(l -> l.endsWith("Emergency Thaw on sdb")).count(), h.kernel.dmesg());
            assertEquals(Errno.EINVAL.number(), -fss.bdevThaw(sdb, k));

            h.ok("disk add sdc 16MiB");
            h.ok("mkfs.ext4 -q /dev/sdc");
            blocksim.block.BlockDevice sdc = h.kernel.genhd().lookup("sdc").orElseThrow();
            assertEquals(0, fss.bdevFreeze(sdc, k), "a device nobody mounted: only synced");
            assertEquals(Errno.EBUSY, h.kernel.mount(root, "/dev/sdc", "/mnt/b", "ext4", 0, null).errno());
            assertTrue(h.kernel.dmesg().contains("sdc: Can't mount, blockdev is frozen"), h.kernel.dmesg());
            assertEquals(0, fss.bdevThaw(sdc, k));
            assertTrue(h.kernel.mount(root, "/dev/sdc", "/mnt/b", "ext4", 0, null).isOk());
        }
    }

    /** 2.6.32's writer waits for the thaw holding i_mutex, so a second writer of the file waits for the first; 6.18's holds nothing. */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void whatAWaitingWriterHolds(Profile profile) {
        try (ShellHarness h = mounted(profile, "ext4")) {
            h.ok("fsfreeze -f /mnt/a");
            h.run("echo one >> /mnt/a/old &");
            String dead = h.run("echo two >> /mnt/a/old").deadlock();
            assertNotNull(dead);
            if (profile == Profile.LINUX_2_6_32) {
                assertTrue(dead.matches(".*waits for i_mutex of sdb inode [0-9]+ held by task [0-9]+ \\(echo\\).*"), dead);
            } else {
                assertTrue(!dead.contains("i_mutex") && dead.contains("waits for sb_writers of sdb"), dead);
            }
        }
    }

    /**
     * What does not wait while frozen (measured on 6.18.44 with timeouts: each returned at once):
     * an O_WRONLY open of an existing file without O_TRUNC, fsync of a clean file, syncfs, sync,
     * stat, a read, and a write straight to the block device node.
     */
    @ParameterizedTest
    @EnumSource(Profile.class)
    void whatDoesNotWait(Profile profile) {
        try (ShellHarness h = mounted(profile, "ext4")) {
            Task t = h.kernel.spawn("t", Credentials.ROOT);
            h.ok("sync");
            h.ok("fsfreeze -f /mnt/a");
            SysResult w = h.kernel.open(t, "/mnt/a/old", OpenFlags.O_WRONLY);
            assertTrue(w.isOk(), w::toString);
            assertTrue(h.kernel.fsync(t, w.intValue()).isOk(), "a clean file's fsync");
            assertTrue(h.kernel.syncfs(t, w.intValue()).isOk());
            h.kernel.close(t, w.intValue());
            assertTrue(h.kernel.sync(t).isOk());
            assertTrue(h.kernel.stat(t, "/mnt/a/old").isOk());
            assertEquals("before\n", h.ok("cat /mnt/a/old"));
            assertEquals("", h.ok("dd if=/dev/zero of=/dev/sdb bs=512 count=1 seek=30000 conv=notrunc status=none"),
                    "a write to the device node is not the filesystem's");
            h.ok("fsfreeze -u /mnt/a");
        }
    }
}
