package blocksim.linux;

import blocksim.api.Host;
import blocksim.api.Kernel;
import blocksim.SimKernel;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.OpenFlags;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;

/** Helpers shared by the tests that run on both kernels. */
final class Live {

    private Live() {
    }

    /** Skips the calling test, saying why, when this machine cannot run the adapter. */
    static void assumeAvailable() {
        String reason = LinuxKernel.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "live-kernel test skipped: " + reason);
    }

    /** A kernel by name: the model configured like the live one, or the live one. */
    static Host boot(String which) {
        if (which.equals("linux")) {
            assumeAvailable();
            return LinuxKernel.start();
        }
        return SimKernel.boot(Profile.LINUX_6_18, KernelConfig.noPartitionParsers());
    }

    /** A partition as both kernels publish it in sysfs: number, start, size, read-only. */
    record Part(int number, long start, long size, int ro) {
    }

    /** The disk's partitions, read from /sys/block/DISK the same way on both kernels. */
    static TreeMap<Integer, Part> table(Kernel k, Task t, String disk) {
        TreeMap<Integer, Part> out = new TreeMap<>();
        Kernel.ListResult l = k.list(t, "/sys/block/" + disk);
        if (!l.isOk()) {
            throw new IllegalStateException("cannot list /sys/block/" + disk + ": " + l.errno());
        }
        for (String name : l.names()) {
            if (!name.startsWith(disk) || name.equals(disk)) {
                continue;
            }
            String dir = "/sys/block/" + disk + "/" + name + "/";
            int n = Integer.parseInt(cat(k, t, dir + "partition").strip());
            out.put(n, new Part(n, Long.parseLong(cat(k, t, dir + "start").strip()),
                    Long.parseLong(cat(k, t, dir + "size").strip()), Integer.parseInt(cat(k, t, dir + "ro").strip())));
        }
        return out;
    }

    static String cat(Kernel k, Task t, String path) {
        SysResult r = k.open(t, path, OpenFlags.O_RDONLY);
        if (r.isError()) {
            throw new IllegalStateException("open " + path + ": " + r);
        }
        byte[] buf = new byte[4096];
        SysResult n = k.read(t, r.intValue(), buf, 0, buf.length);
        k.close(t, r.intValue());
        return new String(buf, 0, n.intValue(), StandardCharsets.UTF_8);
    }

    static int getro(Kernel k, Task t, int fd) {
        IntCell c = new IntCell();
        k.ioctl(t, fd, Ioctl.BLKROGET, c);
        return c.get();
    }

    /**
     * Runs a sequence on the model and on the live kernel in lockstep: each step on both, then
     * their answers and the disk's partition tables must agree; the first difference fails with
     * the steps so far. Returns the number of steps compared.
     */
    static <S> int lockstep(String disk, List<S> sequence, Kernel model, Task modelTask,
                            java.util.function.Function<S, String> onModel, Kernel live, Task liveTask,
                            java.util.function.Function<S, String> onLive) {
        List<String> trace = new java.util.ArrayList<>();
        int compared = 0;
        for (S s : sequence) {
            String ra = onModel.apply(s);
            String rb = onLive.apply(s);
            trace.add(s + " = " + ra);
            if (!ra.equals(rb)) {
                org.junit.jupiter.api.Assertions.fail("on " + disk + " the model answered " + ra + " but the live kernel "
                        + rb + " after:\n  " + String.join("\n  ", trace));
            }
            java.util.Map<Integer, Part> ta = table(model, modelTask, disk);
            java.util.Map<Integer, Part> tb = table(live, liveTask, disk);
            if (!ta.equals(tb)) {
                org.junit.jupiter.api.Assertions.fail("on " + disk + " the partition tables differ, model " + ta.values()
                        + ", live " + tb.values() + ", after:\n  " + String.join("\n  ", trace));
            }
            compared++;
        }
        return compared;
    }

    static List<String> names() {
        return List.of("sim", "linux");
    }
}
