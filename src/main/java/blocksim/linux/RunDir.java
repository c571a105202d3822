package blocksim.linux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's private directory, {@code /var/tmp/blocksim/run-PID-N}, and the base that holds every
 * run's. The run that owns a directory holds an exclusive {@code flock} on its {@code owner} file
 * (which also records the pid and the process start time) for as long as it lives; the lock dies
 * with the process, whatever kills it, so a directory whose owner file can be locked belongs to
 * a dead run and may be reclaimed ({@link Reclaim}).
 *
 * <p>Everything is reached through directory descriptors, never by following a link: the base
 * must be a real directory owned by root and writable by nobody else; a run's directory, its
 * images and its records are created with {@code O_EXCL|O_NOFOLLOW} and opened with
 * {@code O_NOFOLLOW}, and anything found there that is not a regular file or directory (a planted
 * symlink, device node or fifo) is refused.
 *
 * <p>A run creates its directory and locks it while holding a shared lock on the base; a reclaim
 * holds the base's lock exclusively, so it never sees a directory between its creation and its
 * owner's lock.
 */
final class RunDir implements AutoCloseable {

    /** Where runs live. On the machine's disk, not in memory: images are sparse but can be written. */
    static final String BASE = "/var/tmp/blocksim";
    static final String OWNER = "owner";
    static final String ROOT = "root";
    static final int MNT_DETACH = 2;

    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;

    /** The canonical path of this run's directory (what /sys/block/loopN/loop/backing_file shows). */
    final String path;
    final String name;
    /** An O_DIRECTORY descriptor of the run's directory, and of its lesson root. */
    private int dirfd;
    private int rootfd;
    private int lockfd;

    private RunDir(String path, String name, int dirfd, int lockfd) {
        this.path = path;
        this.name = name;
        this.dirfd = dirfd;
        this.lockfd = lockfd;
    }

    int fd() {
        return dirfd;
    }

    /** The directory the lesson's own paths ({@code /tmp}, {@code /mnt}, ...) live in. */
    int rootFd() {
        return rootfd;
    }

    String rootPath() {
        return path + "/" + ROOT;
    }

    /**
     * Opens the base, creating it (mode 0700) when it does not exist, and refuses one that is not
     * a directory owned by root that only root can write. Returns its descriptor.
     */
    static int openBase(boolean create) {
        if (create) {
            Libc.mkdir("/var/tmp", 01777);
            Libc.mkdir(BASE, 0700);
        }
        Libc.Ret fd = Libc.open(BASE, Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd.failed()) {
            if (!create && fd.errno() == 2) {
                return -1;
            }
            throw new IllegalStateException("cannot open " + BASE + " (errno " + fd.errno() + "); is it a symlink?");
        }
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        Libc.fstat((int) fd.value(), st);
        int mode = Stat.mode(st);
        if ((mode & S_IFMT) != S_IFDIR || Stat.uid(st) != 0 || (mode & 022) != 0) {
            Libc.close((int) fd.value());
            throw new IllegalStateException(BASE + " is not a directory owned by root that only root can write; "
                    + "refusing to use it");
        }
        return (int) fd.value();
    }

    /** The canonical path of an open directory. */
    static String pathOf(int fd) {
        String p = Libc.readlinkat(Libc.AT_FDCWD, "/proc/self/fd/" + fd);
        if (p == null) {
            throw new IllegalStateException("cannot read /proc/self/fd/" + fd);
        }
        return p;
    }

    /** Creates and locks a new run directory with its lesson root. */
    static RunDir create() {
        int base = openBase(true);
        try {
            Libc.flock(base, Libc.LOCK_SH);
            String basePath = pathOf(base);
            long pid = ProcessHandle.current().pid();
            for (int i = 0; i < 10_000; i++) {
                String name = "run-" + pid + "-" + i;
                if (Libc.mkdirat(base, name, 0700).failed()) {
                    continue;
                }
                Libc.Ret d = Libc.openat(base, name, Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
                if (d.failed()) {
                    throw new IllegalStateException("cannot open " + basePath + "/" + name);
                }
                int dirfd = (int) d.value();
                int lock = createFile(dirfd, OWNER);
                if (Libc.flock(lock, Libc.LOCK_EX | Libc.LOCK_NB).failed()) {
                    throw new IllegalStateException("cannot lock " + basePath + "/" + name + "/" + OWNER);
                }
                byte[] owner = (pid + " " + startTime(pid) + "\n").getBytes(StandardCharsets.US_ASCII);
                Libc.write(lock, owner, 0, owner.length);
                RunDir r = new RunDir(basePath + "/" + name, name, dirfd, lock);
                r.rootfd = r.mkdirs();
                return r;
            }
            throw new IllegalStateException("cannot create a run directory under " + basePath);
        } finally {
            Libc.flock(base, Libc.LOCK_UN);
            Libc.close(base);
        }
    }

    /** MS_NOSUID | MS_NODEV | MS_NOEXEC: nothing in the lesson's root runs or opens a device. */
    private static final long ROOT_MOUNT_FLAGS = 0x2 | 0x4 | 0x8;
    /** The lesson root's tmpfs options: a size cap, so that no lesson can fill the machine's memory. */
    static final String ROOT_MOUNT_DATA = "mode=0755,size=1g,nr_inodes=65536";

    /**
     * The lesson's root: a tmpfs of its own (the model's root is tmpfs-like, so files, directories,
     * sparse files and SEEK_DATA/SEEK_HOLE, lseek on directories and FIFREEZE answer as the
     * model's do), mounted nosuid, nodev, noexec below the run's directory, where teardown and
     * {@link Reclaim} unmount it.
     */
    private int mkdirs() {
        Libc.mkdirat(dirfd, ROOT, 0755);
        if (Libc.mount("tmpfs", path + "/" + ROOT, "tmpfs", ROOT_MOUNT_FLAGS, ROOT_MOUNT_DATA).failed()) {
            throw new IllegalStateException("cannot mount the lesson's tmpfs on " + path + "/" + ROOT);
        }
        int root = openDir(dirfd, ROOT);
        for (String d : List.of("tmp", "mnt", "etc", "var")) {
            Libc.mkdirat(root, d, d.equals("tmp") ? 01777 : 0755);
        }
        int var = openDir(root, "var");
        Libc.mkdirat(var, "log", 0755);
        Libc.close(var);
        return root;
    }

    static int openDir(int dirfd, String name) {
        Libc.Ret d = Libc.openat(dirfd, name, Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (d.failed()) {
            throw new IllegalStateException("cannot open directory " + name + " (errno " + d.errno() + ")");
        }
        return (int) d.value();
    }

    /** Creates a new regular file, 0600, refusing anything already there (a planted link or node). */
    static int createFile(int dirfd, String name) {
        Libc.Ret f = Libc.openat(dirfd, name,
                Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0600);
        if (f.failed()) {
            throw new IllegalStateException("cannot create " + name + ": "
                    + (f.errno() == 17 ? "something is already there" : "errno " + f.errno()));
        }
        return (int) f.value();
    }

    int createFile(String name) {
        return createFile(dirfd, name);
    }

    /** Writes a small record file (created new) in the run's directory. */
    void record(String file, String text) {
        Libc.unlinkat(dirfd, file, 0);
        int fd = createFile(file);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        Libc.write(fd, b, 0, b.length);
        Libc.close(fd);
    }

    /** A record file's text, or null when it is missing or not a regular file. */
    static String readRecord(int dirfd, String file) {
        Libc.Ret fd = Libc.openat(dirfd, file, Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd.failed()) {
            return null;
        }
        try {
            byte[] st = new byte[(int) Libc.STAT_SIZE];
            Libc.fstat((int) fd.value(), st);
            if ((Stat.mode(st) & S_IFMT) != S_IFREG) {
                return null;
            }
            byte[] buf = new byte[4096];
            Libc.Ret n = Libc.read((int) fd.value(), buf, 0, buf.length);
            return n.failed() ? null : new String(buf, 0, (int) n.value(), StandardCharsets.UTF_8);
        } finally {
            Libc.close((int) fd.value());
        }
    }

    /** The start time of a process (clock ticks since boot, field 22 of /proc/PID/stat), or -1. */
    static long startTime(long pid) {
        Libc.Ret fd = Libc.open("/proc/" + pid + "/stat", Libc.O_CLOEXEC, 0);
        if (fd.failed()) {
            return -1;
        }
        try {
            byte[] buf = new byte[4096];
            Libc.Ret n = Libc.read((int) fd.value(), buf, 0, buf.length);
            if (n.failed()) {
                return -1;
            }
            String s = new String(buf, 0, (int) n.value(), StandardCharsets.US_ASCII);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[19]);
        } finally {
            Libc.close((int) fd.value());
        }
    }

    /**
     * Removes everything below {@code dirfd} without following a link: directories are entered
     * only through {@code O_NOFOLLOW|O_DIRECTORY}, everything else is unlinked where it is. Stops
     * at mount points (another filesystem is not the run's to empty), which the caller unmounts first.
     */
    static void removeContents(int dirfd) {
        int[] err = new int[1];
        List<String> names = Libc.list(dirfd, err);
        if (names == null) {
            return;
        }
        byte[] st = new byte[(int) Libc.STAT_SIZE];
        byte[] self = new byte[(int) Libc.STAT_SIZE];
        Libc.fstat(dirfd, self);
        for (String n : names) {
            if (Libc.fstatat(dirfd, n, st, Libc.AT_SYMLINK_NOFOLLOW).failed()) {
                continue;
            }
            if ((Stat.mode(st) & S_IFMT) == S_IFDIR) {
                if (Stat.dev(st) != Stat.dev(self)) {
                    continue;
                }
                Libc.Ret sub = Libc.openat(dirfd, n, Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
                if (!sub.failed()) {
                    removeContents((int) sub.value());
                    Libc.close((int) sub.value());
                }
                Libc.unlinkat(dirfd, n, Libc.AT_REMOVEDIR);
            } else {
                Libc.unlinkat(dirfd, n, 0);
            }
        }
    }

    /** Names in the run's directory. */
    List<String> list() {
        int[] err = new int[1];
        List<String> l = Libc.list(dirfd, err);
        return l == null ? new ArrayList<>() : l;
    }

    /**
     * Removes the run's directory and everything in it, the owner file last, then lets the lock go.
     * The caller has torn down every device and mount first.
     */
    @Override
    public void close() {
        if (dirfd < 0) {
            return;
        }
        if (rootfd >= 0) {
            Libc.close(rootfd);
            rootfd = -1;
        }
        // a frozen filesystem left behind would hang the machine: thaw, then unmount
        Reclaim.thawAll(path, l -> { });
        Reclaim.unmountAll(path, null, l -> { });
        for (String n : list()) {
            if (!n.equals(OWNER)) {
                byte[] st = new byte[(int) Libc.STAT_SIZE];
                if (!Libc.fstatat(dirfd, n, st, Libc.AT_SYMLINK_NOFOLLOW).failed() && (Stat.mode(st) & S_IFMT) == S_IFDIR) {
                    int sub = openDir(dirfd, n);
                    removeContents(sub);
                    Libc.close(sub);
                    Libc.unlinkat(dirfd, n, Libc.AT_REMOVEDIR);
                } else {
                    Libc.unlinkat(dirfd, n, 0);
                }
            }
        }
        Libc.unlinkat(dirfd, OWNER, 0);
        Libc.close(dirfd);
        dirfd = -1;
        int base = openBase(false);
        if (base >= 0) {
            Libc.unlinkat(base, name, Libc.AT_REMOVEDIR);
            Libc.close(base);
        }
        Libc.close(lockfd);
        lockfd = -1;
    }

    /** Fields of a raw x86_64 {@code struct stat}. */
    static final class Stat {
        private Stat() {
        }

        static long dev(byte[] st) {
            return java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        }

        static long ino(byte[] st) {
            return java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8);
        }

        static int mode(byte[] st) {
            return java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(24);
        }

        static int uid(byte[] st) {
            return java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(28);
        }
    }
}
