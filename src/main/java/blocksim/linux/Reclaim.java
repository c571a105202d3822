package blocksim.linux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reclaims what dead runs left behind ({@code blocksim cleanup}, and every adapter start): a run
 * killed with SIGKILL, or a machine that lost power, leaves its directory under
 * {@link RunDir#BASE}, perhaps loop devices bound to its images, partitions on them, mounts under
 * its root and a frozen filesystem. For each run directory whose owner lock can be taken (its
 * owner is dead: the lock dies with the process), in this order:
 * <ol>
 *   <li>every mount under the directory, deepest first: thawed (FITHAW on its root; EINVAL when it
 *       was not frozen) and unmounted (lazily if it is busy);</li>
 *   <li>every loop device that sysfs shows bound to a file in the directory, and whose
 *       {@code LOOP_GET_STATUS64} names the very image recorded there (device and inode):
 *       partitions deleted, read-ahead and read-only flag put back, detached; a device bound to
 *       anything else is never touched;</li>
 *   <li>the directory, without following a link.</li>
 * </ol>
 * Safe while other runs are alive: a live run holds its lock, and the base's exclusive lock keeps
 * a run that is being created out of sight until it holds its own.
 */
public final class Reclaim {

    private Reclaim() {
    }

    private static final long FITHAW = 0xC0045878L;
    private static final int EBUSY = 16;
    private static final long MS_SILENT = 32768;
    private static final int MNT_DETACH = 2;

    /** What a reclaim did: the runs it reclaimed, and one line per action or refusal. */
    public record Report(int runsReclaimed, int runsAlive, List<String> lines) {
    }

    /** Reclaims every dead run's leftovers; {@code say} gets a line per action. */
    public static Report dead(Consumer<String> say) {
        List<String> lines = new ArrayList<>();
        Consumer<String> out = l -> {
            lines.add(l);
            say.accept(l);
        };
        int base = RunDir.openBase(false);
        if (base < 0) {
            return new Report(0, 0, lines);
        }
        int reclaimed = 0;
        int alive = 0;
        try {
            Libc.flock(base, Libc.LOCK_EX);
            String basePath = RunDir.pathOf(base);
            int[] err = new int[1];
            List<String> names = Libc.list(base, err);
            for (String name : names == null ? List.<String>of() : names) {
                if (!name.matches("run-[0-9]+-[0-9]+")) {
                    continue;
                }
                Libc.Ret d = Libc.openat(base, name, Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
                if (d.failed()) {
                    out.accept("cleanup: skipping " + basePath + "/" + name + ": not a directory");
                    continue;
                }
                int dirfd = (int) d.value();
                try {
                    Libc.Ret owner = Libc.openat(dirfd, RunDir.OWNER, Libc.O_RDWR | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
                    if (!owner.failed()) {
                        boolean locked = !Libc.flock((int) owner.value(), Libc.LOCK_EX | Libc.LOCK_NB).failed();
                        Libc.close((int) owner.value());
                        if (!locked) {
                            alive++;
                            continue;
                        }
                    }
                    String who = RunDir.readRecord(dirfd, RunDir.OWNER);
                    out.accept("cleanup: " + basePath + "/" + name + ": its run ("
                            + (who == null ? "no owner record" : "pid " + who.strip().split(" ")[0]) + ") is gone");
                    reclaimDir(basePath + "/" + name, dirfd, out);
                    RunDir.removeContents(dirfd);
                    if (Libc.unlinkat(base, name, Libc.AT_REMOVEDIR).failed()) {
                        out.accept("cleanup: could not remove " + basePath + "/" + name);
                    }
                    reclaimed++;
                } finally {
                    Libc.close(dirfd);
                }
            }
        } finally {
            Libc.flock(base, Libc.LOCK_UN);
            Libc.close(base);
        }
        return new Report(reclaimed, alive, lines);
    }

    /**
     * Thaws every mount at or below {@code dir}: FITHAW on its root until it fails (EINVAL once
     * nothing is frozen; 2.6.32-style nested freezes take several), so no writer is left waiting.
     */
    static void thawAll(String dir, Consumer<String> out) {
        for (String mp : mountsUnder(dir)) {
            Libc.Ret fd = Libc.open(mp, Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
            if (fd.failed()) {
                continue;
            }
            for (int i = 0; i < 64 && !Libc.ioctl((int) fd.value(), FITHAW, java.lang.foreign.MemorySegment.NULL).failed(); i++) {
                out.accept("cleanup: thawed " + mp);
            }
            Libc.close((int) fd.value());
        }
    }

    /**
     * A frozen filesystem that was unmounted lives on, frozen, holding its device (measured on
     * 6.18.44), where no mount table shows it. For each of {@code devices} (a loop device of the
     * run and its partitions) that is claimed yet mounted nowhere, this mounts it again on
     * {@code at} (read-write, else read-only: 6.18 reattaches the frozen superblock), thaws it
     * until FITHAW fails, and unmounts it, so nothing is left frozen.
     */
    static void thawOrphans(List<String> devices, String at, Consumer<String> out) {
        java.util.Set<String> mounted = new java.util.TreeSet<>();
        for (String line : read("/proc/self/mountinfo").split("\n")) {
            String[] halves = line.split(" - ", 2);
            String[] b = halves.length == 2 ? halves[1].split(" ") : new String[0];
            if (b.length > 1) {
                mounted.add(unescape(b[1]));
            }
        }
        for (String dev : devices) {
            Libc.Ret fd = Libc.open(dev, Libc.O_EXCL | Libc.O_CLOEXEC, 0);
            if (!fd.failed()) {
                Libc.close((int) fd.value());
                continue;
            }
            if (fd.errno() != EBUSY || mounted.contains(dev)) {
                continue;
            }
            Libc.mkdirat(Libc.AT_FDCWD, at, 0700);
            boolean done = false;
            for (String type : List.of("ext4", "ext3", "ext2")) {
                for (long flags : new long[] {MS_SILENT, MS_SILENT | 1}) {
                    if (done || Libc.mount(dev, at, type, flags, null).failed()) {
                        continue;
                    }
                    Libc.Ret d = Libc.open(at, Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
                    if (!d.failed()) {
                        for (int i = 0; i < 64 && !Libc.ioctl((int) d.value(), FITHAW, java.lang.foreign.MemorySegment.NULL).failed(); i++) {
                            out.accept("cleanup: thawed " + dev + ", which was frozen and unmounted");
                        }
                        Libc.close((int) d.value());
                    }
                    if (Libc.umount2(at, 0).failed()) {
                        Libc.umount2(at, MNT_DETACH);
                    }
                    done = true;
                }
            }
            Libc.unlinkat(Libc.AT_FDCWD, at, Libc.AT_REMOVEDIR);
        }
    }

    /** {@code /dev/loopN} and its partitions' nodes, from sysfs. */
    static List<String> loopAndPartitions(String loop) {
        List<String> out = new ArrayList<>(List.of("/dev/" + loop));
        try (var names = java.nio.file.Files.list(java.nio.file.Path.of("/sys/block", loop))) {
            names.map(p -> p.getFileName().toString()).filter(n -> n.matches(loop + "p[0-9]+")).sorted()
                    .forEach(n -> out.add("/dev/" + n));
        } catch (java.io.IOException e) {
            // no such device any more
        }
        return out;
    }

    /** A small file of the machine's, as text ("" when it cannot be read). */
    static String readText(String path) {
        return read(path);
    }

    private static String read(String path) {
        Libc.Ret fd = Libc.open(path, Libc.O_CLOEXEC, 0);
        if (fd.failed()) {
            return "";
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        try {
            while (true) {
                Libc.Ret n = Libc.read((int) fd.value(), buf, 0, buf.length);
                if (n.value() <= 0) {
                    break;
                }
                all.write(buf, 0, (int) n.value());
            }
        } finally {
            Libc.close((int) fd.value());
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** Unmounts every mount below {@code dir} (not {@code keep}), deepest first, lazily when busy. */
    static void unmountAll(String dir, String keep, Consumer<String> out) {
        for (String mp : mountsUnder(dir)) {
            if (mp.equals(keep)) {
                continue;
            }
            if (Libc.umount2(mp, 0).failed() && Libc.umount2(mp, MNT_DETACH).failed()) {
                out.accept("cleanup: could not unmount " + mp);
            } else {
                out.accept("cleanup: unmounted " + mp);
            }
        }
    }

    private static void reclaimDir(String dir, int dirfd, Consumer<String> out) {
        thawAll(dir, out);
        unmountAll(dir, null, out);
        for (int n : Loops.all()) {
            String backing = Loops.backingFile(n);
            if (backing == null || !backing.startsWith(dir + "/")) {
                continue;
            }
            String file = backing.substring(dir.length() + 1);
            if (file.endsWith(" (deleted)")) {
                file = file.substring(0, file.length() - " (deleted)".length());
            }
            Disk rec = Disk.read(dirfd, file);
            if (rec == null) {
                out.accept("cleanup: loop" + n + " is bound to " + backing + ", which has no record; leaving it alone");
                continue;
            }
            thawOrphans(loopAndPartitions("loop" + n), dir + "/reattach", out);
            if (Loops.teardown(n, rec.image(), rec.readAhead(), l -> out.accept("cleanup: " + l))) {
                out.accept("cleanup: detached loop" + n + " from " + backing);
            }
        }
    }

    /** Mount points at or below {@code dir}, deepest first, from /proc/self/mountinfo. */
    static List<String> mountsUnder(String dir) {
        List<String> out = new ArrayList<>();
        for (String line : read("/proc/self/mountinfo").split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 4) {
                String mp = unescape(f[4]);
                if (mp.startsWith(dir + "/")) {
                    out.add(mp);
                }
            }
        }
        out.sort(Comparator.comparingInt(String::length).reversed());
        return out;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal ({@code \040}). */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() + 0 && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A disk's record in its run's directory, {@code NAME.img.rec}: the image's device and inode
     * and the loop device's read-ahead before the run bound it. Written before the image is bound,
     * so a run killed at any point after leaves what its reclaim needs.
     */
    record Disk(Loops.Image image, long readAhead) {
        static String file(String image) {
            return image + ".rec";
        }

        String text() {
            return image.dev() + " " + image.ino() + " " + readAhead + "\n";
        }

        static Disk read(int dirfd, String image) {
            String t = RunDir.readRecord(dirfd, file(image));
            if (t == null) {
                return null;
            }
            String[] f = t.strip().split(" ");
            try {
                return new Disk(new Loops.Image(Long.parseLong(f[0]), Long.parseLong(f[1])), Long.parseLong(f[2]));
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
