package blocksim.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import blocksim.SimKernel;
import blocksim.api.Credentials;
import blocksim.api.DiskSpec;
import blocksim.api.Host;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.fs.SuperBlock;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.MountFlags;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Io;
import blocksim.userland.Shell;
import blocksim.userland.ShellSyntax;
import blocksim.userland.TracingKernel;
import blocksim.userland.tools.Tools;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The model against the live kernel for filesystems: the same random sequence of mounts (rw, ro,
 * remounts), umounts, freezes, thaws, writes, reads, creates, removals, truncates, syncs, O_EXCL
 * opens and BLKRRPART of the disk runs on a fresh ext4 on each kernel (the model's mkfs on the
 * model, the machine's mke2fs on the live kernel). After every step both must have answered the
 * same (the errno, or what was read). Calls that would wait for a thaw are not made while the
 * model says the filesystem is frozen; should the live kernel block anyway, the property fails
 * (after two seconds) rather than hang, and the run's cleanup thaws it.
 */
class FsDifferentialProperties {

    private static final SharedLive LIVE = new SharedLive("fs differential", Map.of("loop0", DiskSpec.of("loop0", 32L << 20)));

    enum Op { MOUNT, MOUNT_RO, UMOUNT, FREEZE, THAW, WRITE, READ, MKDIR, UNLINK, TRUNCATE, RENAME, STAT, SYNC, SYNCFS,
        EXCL, REREAD, REMOUNT_RO, REMOUNT_RW }

    @AfterContainer
    static void closeLive() {
        LIVE.close();
    }

    @Provide
    Arbitrary<List<Op>> sequences() {
        return Arbitraries.of(Op.class).list().ofMinSize(4).ofMaxSize(24);
    }

    private static void shell(Host k, String line) {
        Io.Terminal term = new Io.Terminal();
        Shell sh = new Shell(new TracingKernel(k, null, 1_000_000), k.scheduler(), Tools.standard(), term);
        try {
            Shell.Outcome o = sh.run(ShellSyntax.parse(line));
            assertEquals(0, o.status(), line + ": " + term.text());
        } catch (ShellSyntax.SyntaxError e) {
            throw new IllegalStateException(e);
        }
    }

    private static String ans(SysResult r) {
        return r.isOk() ? "ok" : r.errno().name();
    }

    private static String onDir(Host k, Task t, long cmd) {
        SysResult o = k.open(t, "/mnt/a", OpenFlags.O_RDONLY);
        if (o.isError()) {
            return "open " + o.errno();
        }
        String r = ans(k.ioctl(t, o.intValue(), cmd, IoctlArg.NULL));
        k.close(t, o.intValue());
        return r;
    }

    private static String apply(Host k, Task t, Op op) {
        return switch (op) {
            case MOUNT -> ans(k.mount(t, "/dev/loop0", "/mnt/a", "ext4", MountFlags.MS_RELATIME, null));
            case MOUNT_RO -> ans(k.mount(t, "/dev/loop0", "/mnt/a", "ext4", MountFlags.MS_RELATIME | MountFlags.MS_RDONLY, null));
            case UMOUNT -> ans(k.umount2(t, "/mnt/a", 0));
            case FREEZE -> onDir(k, t, Ioctl.FIFREEZE);
            case THAW -> onDir(k, t, Ioctl.FITHAW);
            case WRITE -> {
                SysResult o = k.open(t, "/mnt/a/f", OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_APPEND);
                if (o.isError()) {
                    yield "open " + o.errno();
                }
                byte[] b = "x\n".getBytes(StandardCharsets.UTF_8);
                String r = ans(k.write(t, o.intValue(), b, 0, b.length));
                k.close(t, o.intValue());
                yield r;
            }
            case READ -> {
                SysResult o = k.open(t, "/mnt/a/f", OpenFlags.O_RDONLY);
                if (o.isError()) {
                    yield "open " + o.errno();
                }
                byte[] b = new byte[4096];
                SysResult n = k.read(t, o.intValue(), b, 0, b.length);
                k.close(t, o.intValue());
                yield n.isOk() ? new String(b, 0, n.intValue(), StandardCharsets.UTF_8) : n.errno().name();
            }
            case MKDIR -> ans(k.mkdir(t, "/mnt/a/d", 0755));
            case UNLINK -> ans(k.unlink(t, "/mnt/a/f"));
            case TRUNCATE -> ans(k.truncate(t, "/mnt/a/f", 1));
            case RENAME -> ans(k.rename(t, "/mnt/a/f", "/mnt/a/g"));
            case STAT -> {
                var st = k.stat(t, "/mnt/a/f");
                yield st.isOk() ? "size " + st.stat().size() : st.errno().name();
            }
            case SYNC -> ans(k.sync(t));
            case SYNCFS -> {
                SysResult o = k.open(t, "/mnt/a", OpenFlags.O_RDONLY);
                String r = o.isOk() ? ans(k.syncfs(t, o.intValue())) : "open " + o.errno();
                if (o.isOk()) {
                    k.close(t, o.intValue());
                }
                yield r;
            }
            case EXCL -> {
                SysResult o = k.open(t, "/dev/loop0", OpenFlags.O_RDONLY | OpenFlags.O_EXCL);
                if (o.isOk()) {
                    k.close(t, o.intValue());
                }
                yield ans(o);
            }
            case REREAD -> {
                SysResult o = k.open(t, "/dev/loop0", OpenFlags.O_RDONLY);
                String r = ans(k.ioctl(t, o.intValue(), Ioctl.BLKRRPART, IoctlArg.NULL));
                k.close(t, o.intValue());
                yield r;
            }
            case REMOUNT_RO -> ans(k.mount(t, "/dev/loop0", "/mnt/a", null,
                    MountFlags.MS_REMOUNT | MountFlags.MS_RDONLY | MountFlags.MS_RELATIME, null));
            case REMOUNT_RW -> ans(k.mount(t, "/dev/loop0", "/mnt/a", null, MountFlags.MS_REMOUNT | MountFlags.MS_RELATIME, null));
        };
    }

    /** Whether the op could wait for a thaw (a write or a change to the namespace or an inode). */
    private static boolean waits(Op op) {
        return switch (op) {
            case WRITE, MKDIR, UNLINK, TRUNCATE, RENAME -> true;
            default -> false;
        };
    }

    private static boolean frozen(SimKernel sim) {
        return sim.filesystems().superblocks().stream().anyMatch(s -> s.frozen() != SuperBlock.UNFROZEN);
    }

    /** Back to an unfrozen, unmounted disk with a fresh filesystem on the live kernel. */
    private static void reset(LinuxKernel live, Task root) {
        Reclaim.thawAll("/var/tmp/blocksim", l -> { });
        while (live.umount2(root, "/mnt/a", 0).isOk()) {
            // a stack of mounts: take them all
        }
        live.thawOrphans();
        shell(live, "mkfs.ext4 -q -F /dev/loop0");
        live.mkdir(root, "/mnt/a", 0755);
        live.unlink(root, "/mnt/a/f");
        live.unlink(root, "/mnt/a/g");
        live.rmdir(root, "/mnt/a/d");
    }

    @Property(tries = 60)
    void mountsFreezesAndWritesAnswerAsTheLiveKernelDoes(@ForAll("sequences") List<Op> ops) throws Exception {
        LinuxKernel live = LIVE.get();
        Task lr = live.spawn("diff", Credentials.ROOT);
        reset(live, lr);
        try (SimKernel sim = SimKernel.boot(Profile.LINUX_6_18, KernelConfig.noPartitionParsers())) {
            sim.diskAdd(DiskSpec.of("loop0", 32L << 20));
            shell(sim, "mkfs.ext4 -q /dev/loop0");
            Task sr = sim.spawn("diff", Credentials.ROOT);
            sim.mkdir(sr, "/mnt/a", 0755);
            List<String> done = new ArrayList<>();
            for (Op op : ops) {
                if (waits(op) && frozen(sim)) {
                    continue;
                }
                String want = apply(sim, sr, op);
                CompletableFuture<String> real = CompletableFuture.supplyAsync(() -> apply(live, lr, op));
                String got;
                try {
                    got = real.get(2, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    Reclaim.thawAll("/var/tmp/blocksim", l -> { });
                    got = "blocked on the live kernel: " + real.get(10, TimeUnit.SECONDS);
                }
                done.add(op + " -> " + want);
                LIVE.steps++;
                if (!want.equals(got)) {
                    fail("after " + done + ": the model answered " + want + ", the live kernel " + got);
                }
            }
            LIVE.sequences++;
        } finally {
            reset(live, lr);
        }
    }
}
