package blocksim.userland.tools;

import blocksim.api.Errno;
import blocksim.api.Kernel;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.Loop;
import blocksim.uapi.LoopConfig;
import blocksim.uapi.LoopInfo64;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Proc;
import java.util.ArrayList;
import java.util.List;

/**
 * util-linux 2.38.1's {@code losetup} ({@code sys-utils/losetup.c}) over its loop context
 * ({@code lib/loopdev.c}), call for call: on a 6.18 kernel it reads a device's settings from
 * sysfs ({@code loop/backing_file}, {@code loop/offset}, ...) and lists the used devices in
 * {@code /sys/block}'s order; on 2.6.32 (before 2.6.37) it asks LOOP_GET_STATUS64 and walks
 * {@code /proc/partitions}. Setting up tries LOOP_CONFIGURE and falls back to LOOP_SET_FD plus
 * LOOP_SET_STATUS64 where the kernel lacks it; a failed setup is undone with LOOP_CLR_FD. The
 * messages and exit codes are the tool's own (compared line by line with the real losetup on the
 * live 6.18.44 kernel).
 */
final class Losetup {

    private static final int OPT_SIZELIMIT = 128;
    private static final int OPT_SHOW = 129;
    private static final int OPT_RAW = 130;
    private static final int OPT_DIO = 131;
    private static final int OPT_OUTPUT_ALL = 132;

    private static final List<Getopt.LongOpt> LONGOPTS = List.of(
            new Getopt.LongOpt("all", 0, 'a'),
            new Getopt.LongOpt("set-capacity", 1, 'c'),
            new Getopt.LongOpt("detach", 1, 'd'),
            new Getopt.LongOpt("detach-all", 0, 'D'),
            new Getopt.LongOpt("find", 0, 'f'),
            new Getopt.LongOpt("nooverlap", 0, 'L'),
            new Getopt.LongOpt("help", 0, 'h'),
            new Getopt.LongOpt("associated", 1, 'j'),
            new Getopt.LongOpt("json", 0, 'J'),
            new Getopt.LongOpt("list", 0, 'l'),
            new Getopt.LongOpt("sector-size", 1, 'b'),
            new Getopt.LongOpt("noheadings", 0, 'n'),
            new Getopt.LongOpt("offset", 1, 'o'),
            new Getopt.LongOpt("output", 1, 'O'),
            new Getopt.LongOpt("output-all", 0, OPT_OUTPUT_ALL),
            new Getopt.LongOpt("sizelimit", 1, OPT_SIZELIMIT),
            new Getopt.LongOpt("partscan", 0, 'P'),
            new Getopt.LongOpt("read-only", 0, 'r'),
            new Getopt.LongOpt("direct-io", 2, OPT_DIO),
            new Getopt.LongOpt("raw", 0, OPT_RAW),
            new Getopt.LongOpt("show", 0, OPT_SHOW),
            new Getopt.LongOpt("verbose", 0, 'v'),
            new Getopt.LongOpt("version", 0, 'V'));

    /** {@code excl[]}: rows of options that exclude each other, in ASCII order. */
    private static final int[][] EXCL = {
        {'D', 'a', 'c', 'd', 'f', 'j'},
        {'D', 'c', 'd', 'f', 'l'},
        {'D', 'c', 'd', 'f', 'O'},
        {'J', OPT_RAW},
    };

    /** The columns: name, width hint, right-aligned, JSON type (0 string, 1 number, 2 boolean), help. */
    private record Col(String name, double hint, boolean right, int json, String help) {
    }

    private static final int COL_NAME = 0;
    private static final int COL_AUTOCLR = 1;
    private static final int COL_BACK_FILE = 2;
    private static final int COL_BACK_INO = 3;
    private static final int COL_BACK_MAJMIN = 4;
    private static final int COL_MAJMIN = 5;
    private static final int COL_OFFSET = 6;
    private static final int COL_PARTSCAN = 7;
    private static final int COL_RO = 8;
    private static final int COL_SIZELIMIT = 9;
    private static final int COL_DIO = 10;
    private static final int COL_LOGSEC = 11;

    private static final Col[] INFOS = {
        new Col("NAME", 0.25, false, 0, "loop device name"),
        new Col("AUTOCLEAR", 1, true, 2, "autoclear flag set"),
        new Col("BACK-FILE", 0.3, false, 0, "device backing file"),
        new Col("BACK-INO", 4, true, 1, "backing file inode number"),
        new Col("BACK-MAJ:MIN", 6, false, 0, "backing file major:minor device number"),
        new Col("MAJ:MIN", 3, false, 0, "loop device major:minor number"),
        new Col("OFFSET", 5, true, 1, "offset from the beginning"),
        new Col("PARTSCAN", 1, true, 2, "partscan flag set"),
        new Col("RO", 1, true, 2, "read-only device"),
        new Col("SIZELIMIT", 5, true, 1, "size limit of the file in bytes"),
        new Col("DIO", 1, true, 2, "access backing file with direct-io"),
        new Col("LOG-SEC", 4, true, 1, "logical sector size in bytes"),
    };

    private final Proc p;
    private final List<Integer> columns = new ArrayList<>();
    private boolean noHeadings;
    private boolean raw;
    private boolean json;

    private Losetup(Proc p) {
        this.p = p;
    }

    static int run(Proc p) {
        return new Losetup(p).main();
    }

    // ---- messages ----

    private void warnx(String msg) {
        p.err().print(p.name() + ": " + msg + "\n");
    }

    private void warn(String msg, Errno e) {
        p.err().print(p.name() + ": " + msg + ": " + FdiskContext.strerror(e) + "\n");
    }

    /** The errno the last failing call left, for {@code warn()}. */
    private Errno errno;

    // ---- the loop context (lib/loopdev.c) ----

    /** {@code struct loopdev_cxt}: the device, its descriptor, the settings to apply. */
    private final class Cxt {
        String device;
        int fd = -1;
        boolean rdwr;
        boolean rdonly;
        LoopInfo64 info;
        boolean infoFailed;
        final LoopConfig config = new LoopConfig();
        int blocksize;
        String filename;
        /** {@code LOOPDEV_FL_NOIOCTL}: sysfs alone describes devices (kernel 2.6.37 and later). */
        final boolean noIoctl;
        final boolean control;

        Cxt() {
            noIoctl = p.kernel().profile() == Profile.LINUX_6_18 && isDir("/sys/block");
            control = p.kernel().stat(p.task(), "/dev/loop-control").isOk();
        }

        void setDevice(String d) {
            if (fd >= 0) {
                p.close(fd);
            }
            fd = -1;
            info = null;
            infoFailed = false;
            blocksize = 0;
            config.fd = 0;
            config.blockSize = 0;
            config.info.copyFrom(new LoopInfo64());
            device = d == null ? null : d.startsWith("/") ? d : "/dev/" + d;
        }

        /** {@code loopcxt_get_fd}: the device open read-only unless read-write was asked for. */
        int fd() {
            if (fd < 0) {
                SysResult r = p.open(device, (rdwr ? OpenFlags.O_RDWR : OpenFlags.O_RDONLY) | OpenFlags.O_CLOEXEC);
                if (r.isError()) {
                    errno = r.errno();
                    return -1;
                }
                fd = r.intValue();
            }
            return fd;
        }

        void deinit() {
            setDevice(null);
        }

        /** The sysfs directory of the device ({@code sysfs_devname_to_devno}), or null. */
        String sysfs() {
            if (device == null) {
                return null;
            }
            String name = device.substring(device.lastIndexOf('/') + 1);
            return isDir("/sys/block/" + name) ? "/sys/block/" + name : null;
        }

        String sysRead(String attr) {
            String dir = sysfs();
            if (dir == null) {
                return null;
            }
            String s = p.readSmall(dir + "/" + attr);
            if (s == null) {
                errno = Errno.ENOENT;
                return null;
            }
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        }

        Long sysU64(String attr) {
            String s = sysRead(attr);
            if (s == null) {
                return null;
            }
            try {
                return Long.parseUnsignedLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** {@code loopcxt_get_info}: LOOP_GET_STATUS64, once. */
        LoopInfo64 info() {
            if (infoFailed) {
                errno = Errno.EINVAL;
                return null;
            }
            if (info != null) {
                return info;
            }
            int f = fd();
            if (f < 0) {
                return null;
            }
            LoopInfo64 i = new LoopInfo64();
            SysResult r = p.kernel().ioctl(p.task(), f, Loop.LOOP_GET_STATUS64, i);
            if (r.isOk()) {
                info = i;
                return i;
            }
            errno = r.errno();
            infoFailed = true;
            return null;
        }

        String backingFile() {
            String res = sysRead("loop/backing_file");
            if (res == null && !noIoctl) {
                LoopInfo64 lo = info();
                if (lo != null) {
                    lo.fileName[Loop.LO_NAME_SIZE - 2] = '*';
                    lo.fileName[Loop.LO_NAME_SIZE - 1] = 0;
                    res = lo.fileNameString();
                }
            }
            return res;
        }

        Long offset() {
            return fromSysfsOrInfo("loop/offset", lo -> lo.offset);
        }

        Long sizelimit() {
            return fromSysfsOrInfo("loop/sizelimit", lo -> lo.sizelimit);
        }

        /** A number from sysfs or, where the ioctls are used (before 2.6.37), from LOOP_GET_STATUS64. */
        private Long fromSysfsOrInfo(String attr, java.util.function.ToLongFunction<LoopInfo64> field) {
            Long v = sysU64(attr);
            if (v == null && !noIoctl) {
                LoopInfo64 lo = info();
                return lo == null ? null : field.applyAsLong(lo);
            }
            return v;
        }

        Long blocksize() {
            Long v = sysU64("queue/logical_block_size");
            if (v == null) {
                int f = fd();
                if (f < 0) {
                    return null;
                }
                IntCell c = new IntCell();
                if (p.kernel().ioctl(p.task(), f, Ioctl.BLKSSZGET, c).isError()) {
                    return null;
                }
                return (long) c.get();
            }
            return v;
        }

        boolean flag(String attr, int bit) {
            Long v = sysU64(attr);
            if (v != null) {
                return v != 0;
            }
            if (!noIoctl) {
                LoopInfo64 lo = info();
                return lo != null && (lo.flags & bit) != 0;
            }
            return false;
        }

        boolean autoclear() {
            return flag("loop/autoclear", Loop.LO_FLAGS_AUTOCLEAR);
        }

        boolean readonly() {
            return flag("ro", Loop.LO_FLAGS_READ_ONLY);
        }

        boolean dio() {
            return flag("loop/dio", Loop.LO_FLAGS_DIRECT_IO);
        }

        /** {@code loopcxt_is_partscan}: the sysfs flag, else {@code loopmod_supports_partscan}. */
        boolean partscan() {
            Long v = sysU64("loop/partscan");
            if (v != null) {
                return v != 0;
            }
            if (p.kernel().profile() == Profile.LINUX_6_18) {
                return true; // kernels since 3.2 always can
            }
            String mp = p.readSmall("/sys/module/loop/parameters/max_part");
            return mp != null && !mp.trim().equals("0");
        }

        /** {@code lo_device} and {@code lo_inode} of LOOP_GET_STATUS64 (ioctl only). */
        long[] backingDevIno() {
            LoopInfo64 lo = info();
            return lo == null ? null : new long[] {lo.device, lo.inode};
        }

        /** {@code loopcxt_is_used}: the device's backing file is {@code st} (or named {@code file}), at the offset. */
        boolean isUsed(Kernel.Stat st, String file, long off, long size, boolean withOffset, boolean withSize) {
            boolean found = false;
            long[] di = st != null ? backingDevIno() : null;
            if (di != null) {
                if (di[1] == st.ino() && di[0] == devno(st.devMajor(), st.devMinor())) {
                    found = true;
                } else {
                    return false;
                }
            }
            if (!found && file != null) {
                String name = backingFile();
                found = name != null && name.equals(file);
            }
            if (!found) {
                return false;
            }
            if (withOffset) {
                Long o = offset();
                boolean rc = o != null && o == off;
                if (rc && withSize) {
                    Long s = sizelimit();
                    return s != null && s == size;
                }
                return rc;
            }
            return true;
        }

        /** {@code loopcxt_setup_device}. Returns 0 or {@code -errno}. */
        int setupDevice() {
            int mode = (config.info.flags & Loop.LO_FLAGS_READ_ONLY) != 0 ? OpenFlags.O_RDONLY : OpenFlags.O_RDWR;
            int flags = OpenFlags.O_CLOEXEC | ((config.info.flags & Loop.LO_FLAGS_DIRECT_IO) != 0 ? OpenFlags.O_DIRECT : 0);
            SysResult f = p.open(filename, mode | flags);
            if (f.isError() && mode != OpenFlags.O_RDONLY && (f.errno() == Errno.EROFS || f.errno() == Errno.EACCES)) {
                mode = OpenFlags.O_RDONLY;
                f = p.open(filename, mode | flags);
            }
            if (f.isError()) {
                errno = f.errno();
                return -errno.number();
            }
            int fileFd = f.intValue();
            boolean wantRw = mode != OpenFlags.O_RDONLY;
            if (fd >= 0 && rdwr != wantRw) {
                p.close(fd);
                fd = -1;
            }
            if (wantRw) {
                rdwr = true;
                rdonly = false;
                config.info.flags &= ~Loop.LO_FLAGS_READ_ONLY;
            } else {
                rdonly = true;
                rdwr = false;
                config.info.flags |= Loop.LO_FLAGS_READ_ONLY;
            }
            int devFd = fd();
            if (devFd < 0) {
                p.close(fileFd);
                return -errno.number();
            }
            config.fd = fileFd;
            if (blocksize > 0) {
                config.blockSize = blocksize;
            }
            int rc = 0;
            Errno errsv = null;
            SysResult r = p.kernel().ioctl(p.task(), devFd, Loop.LOOP_CONFIGURE, config);
            boolean fallback = false;
            if (r.isError()) {
                errsv = r.errno();
                if (errsv != Errno.EINVAL && errsv != Errno.ENOTTY && errsv != Errno.ENOSYS) {
                    return fail(fileFd, devFd, errsv);
                }
                fallback = true;
            }
            if (fallback) {
                r = p.kernel().ioctl(p.task(), devFd, Loop.LOOP_SET_FD, new IoctlArg.Value(fileFd));
                if (r.isError()) {
                    return fail(fileFd, devFd, r.errno());
                }
                if (blocksize > 0) {
                    r = p.kernel().ioctl(p.task(), devFd, Loop.LOOP_SET_BLOCK_SIZE, new IoctlArg.Value(blocksize));
                    if (r.isError()) {
                        return fail(fileFd, devFd, r.errno());
                    }
                }
                r = p.kernel().ioctl(p.task(), devFd, Loop.LOOP_SET_STATUS64, config.info);
                if (r.isError()) {
                    return fail(fileFd, devFd, r.errno());
                }
            }
            rc = checkSize(fileFd);
            if (rc < 0) {
                return fail(fileFd, devFd, errno);
            }
            p.close(fileFd);
            config.info.copyFrom(new LoopInfo64());
            info = null;
            infoFailed = false;
            return 0;
        }

        private int fail(int fileFd, int devFd, Errno e) {
            p.close(fileFd);
            if (e != Errno.EBUSY) {
                p.kernel().ioctl(p.task(), devFd, Loop.LOOP_CLR_FD, IoctlArg.NULL);
            }
            errno = e;
            return -e.number();
        }

        /** {@code loopcxt_check_size}: with an offset or size limit, the device must have the size the file gives. */
        private int checkSize(int fileFd) {
            if (config.info.offset == 0 && config.info.sizelimit == 0) {
                return 0;
            }
            Kernel.StatResult st = p.kernel().fstat(p.task(), fileFd);
            if (!st.isOk()) {
                errno = st.errno();
                return -1;
            }
            long expected = st.stat().size();
            if (st.stat().type() == Kernel.Stat.Type.BLOCK_DEVICE) {
                LongCell c = new LongCell();
                if (p.kernel().ioctl(p.task(), fileFd, Ioctl.BLKGETSIZE64, c).isError()) {
                    return -1;
                }
                expected = c.get();
            }
            if (expected == 0 || Long.compareUnsigned(expected, config.info.offset) <= 0) {
                return 0;
            }
            if (config.info.offset > 0) {
                expected -= config.info.offset;
            }
            if (config.info.sizelimit > 0 && Long.compareUnsigned(config.info.sizelimit, expected) < 0) {
                expected = config.info.sizelimit;
            }
            LongCell size = new LongCell();
            if (p.kernel().ioctl(p.task(), fd(), Ioctl.BLKGETSIZE64, size).isError()) {
                return -1;
            }
            expected = (expected >>> 9) << 9;
            if (expected != size.get()) {
                if (p.kernel().ioctl(p.task(), fd(), Loop.LOOP_SET_CAPACITY, IoctlArg.NULL).isError()) {
                    errno = Errno.ERANGE;
                    return -1;
                }
                p.kernel().ioctl(p.task(), fd(), Ioctl.BLKGETSIZE64, size);
                if (expected != size.get()) {
                    errno = Errno.ERANGE;
                    return -1;
                }
            }
            return 0;
        }

        /** {@code loopcxt_find_unused}: LOOP_CTL_GET_FREE, else the first device no file is bound to. */
        int findUnused() {
            int rc = -1;
            if (control) {
                SysResult ctl = p.open("/dev/loop-control", OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC);
                if (ctl.isOk()) {
                    SysResult n = p.kernel().ioctl(p.task(), ctl.intValue(), Loop.LOOP_CTL_GET_FREE, IoctlArg.NULL);
                    p.close(ctl.intValue());
                    if (n.isOk()) {
                        setDevice("loop" + n.intValue());
                        return 0;
                    }
                    errno = n.errno();
                } else {
                    errno = ctl.errno();
                }
            }
            for (String name : candidates()) {
                setDevice(name);
                if (isLoopdev(device) && offset() == null) {
                    return 0;
                }
            }
            setDevice(null);
            return rc;
        }

        /** The first eight device names, then every {@code loopN} of /dev in number order. */
        private List<String> candidates() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                out.add("loop" + i);
            }
            Kernel.ListResult l = p.kernel().list(p.task(), "/dev");
            if (l.isOk()) {
                l.names().stream().filter(n -> n.matches("loop[0-9]+")).map(n -> Integer.parseInt(n.substring(4)))
                        .filter(n -> n >= 8).sorted().forEach(n -> out.add("loop" + n));
            }
            return out;
        }

        /** The used devices in the kernel's order: /sys/block (or /proc/partitions before 2.6.37). */
        List<String> used() {
            List<String> out = new ArrayList<>();
            if (noIoctl) {
                Kernel.ListResult l = p.kernel().list(p.task(), "/sys/block");
                if (l.isOk()) {
                    for (String n : l.names()) {
                        if (n.startsWith("loop") && p.kernel().stat(p.task(), "/sys/block/" + n + "/loop/backing_file").isOk()) {
                            out.add(n);
                        }
                    }
                }
                return out;
            }
            String parts = p.readSmall("/proc/partitions");
            if (parts != null) {
                for (String line : parts.split("\n")) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 4 && f[0].equals(String.valueOf(Loop.LOOP_MAJOR))) {
                        setDevice(f[3]);
                        if (isLoopdev(device) && offset() != null) {
                            out.add(f[3]);
                        }
                    }
                }
            }
            setDevice(null);
            return out;
        }
    }

    /** {@code new_encode_dev}-style number userspace compares with st_dev. */
    private static long devno(int major, int minor) {
        return (minor & 0xffL) | ((long) major << 8) | ((long) (minor & ~0xff) << 12);
    }

    private boolean isDir(String path) {
        Kernel.StatResult st = p.kernel().stat(p.task(), path);
        return st.isOk() && st.stat().type() == Kernel.Stat.Type.DIRECTORY;
    }

    /** {@code is_loopdev}: a block device of major 7 (errno ENODEV when not). */
    private boolean isLoopdev(String path) {
        Kernel.StatResult st = p.kernel().stat(p.task(), path);
        if (st.isOk() && st.stat().type() == Kernel.Stat.Type.BLOCK_DEVICE && st.stat().rdevMajor() == Loop.LOOP_MAJOR) {
            return true;
        }
        errno = Errno.ENODEV;
        return false;
    }

    // ---- output ----

    private int printfLoopdev(Cxt lc) {
        String fname = lc.backingFile();
        if (fname == null) {
            return -1;
        }
        long[] di = lc.backingDevIno();
        long dev = di == null ? 0 : di[0];
        long ino = di == null ? 0 : di[1];
        StringBuilder b = new StringBuilder();
        if (dev == 0 && ino == 0) {
            b.append(lc.device).append(": []: (").append(fname).append(")");
        } else {
            b.append(lc.device).append(": [").append(String.format("%04d", dev)).append("]:")
                    .append(Long.toUnsignedString(ino)).append(" (").append(fname).append(")");
        }
        Long off = lc.offset();
        if (off != null && off != 0) {
            b.append(", offset ").append(Long.toUnsignedString(off));
        }
        Long size = lc.sizelimit();
        if (size != null && size != 0) {
            b.append(", sizelimit ").append(Long.toUnsignedString(size));
        }
        if (dev != 0 || ino != 0) {
            LoopInfo64 lo = lc.info();
            if (lo != null) {
                String e = cryptName(lo);
                if (e != null) {
                    b.append(", encryption ").append(e).append(" (type ").append(Integer.toUnsignedString(lo.encryptType))
                            .append(")");
                }
            }
        }
        p.out().print(b.append('\n').toString());
        return 0;
    }

    /** The crypt name losetup prints: the structure's, or "XOR" for type 1; null for none. */
    private static String cryptName(LoopInfo64 lo) {
        int n = 0;
        while (n < lo.cryptName.length && lo.cryptName[n] != 0) {
            n++;
        }
        String e = new String(lo.cryptName, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        if (e.isEmpty() && lo.encryptType == 1) {
            e = "XOR";
        }
        return e.isEmpty() ? null : e;
    }

    private String[] row(Cxt lc) {
        String[] cells = new String[columns.size()];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = switch (columns.get(i)) {
                case COL_NAME -> lc.device;
                case COL_BACK_FILE -> lc.backingFile();
                case COL_OFFSET -> num(lc.offset());
                case COL_SIZELIMIT -> num(lc.sizelimit());
                case COL_BACK_MAJMIN -> {
                    long[] di = lc.backingDevIno();
                    if (di == null || di[0] == 0) {
                        yield null;
                    }
                    long d = di[0];
                    yield String.format("%8d:%-3d", (d >> 8) & 0xfff, (d & 0xff) | ((d >> 12) & ~0xffL));
                }
                case COL_MAJMIN -> {
                    Kernel.StatResult st = p.kernel().stat(p.task(), lc.device);
                    yield st.isOk() && st.stat().type() == Kernel.Stat.Type.BLOCK_DEVICE
                            && st.stat().rdevMajor() == Loop.LOOP_MAJOR
                            ? String.format("%3d:%-3d", st.stat().rdevMajor(), st.stat().rdevMinor()) : null;
                }
                case COL_BACK_INO -> {
                    long[] di = lc.backingDevIno();
                    yield di == null || di[1] == 0 ? null : Long.toUnsignedString(di[1]);
                }
                case COL_AUTOCLR -> lc.autoclear() ? "1" : "0";
                case COL_RO -> lc.readonly() ? "1" : "0";
                case COL_DIO -> lc.dio() ? "1" : "0";
                case COL_PARTSCAN -> lc.partscan() ? "1" : "0";
                case COL_LOGSEC -> num(lc.blocksize());
                default -> null;
            };
        }
        return cells;
    }

    private static String num(Long v) {
        return v == null ? null : Long.toString(v);
    }

    private int showTable(Cxt lc, String file, long offset, boolean withOffset, boolean oneDevice) {
        List<String[]> rows = new ArrayList<>();
        if (oneDevice) {
            rows.add(row(lc));
        } else {
            forEachUsed(lc, file, offset, withOffset, () -> rows.add(row(lc)));
        }
        if (json) {
            p.out().print(rows.isEmpty() ? "" : renderJson(rows));
            return 0;
        }
        FdiskCols t = new FdiskCols().format(raw ? FdiskCols.Format.RAW : FdiskCols.Format.HUMAN).noHeadings(noHeadings);
        for (int id : columns) {
            t.column(INFOS[id].name(), INFOS[id].hint(), INFOS[id].right());
        }
        rows.forEach(t::line);
        p.out().print(t.render());
        return 0;
    }

    /** libsmartcols' JSON ({@code lib/jsonwrt.c}): three-space indents, {@code null} for no data. */
    private String renderJson(List<String[]> rows) {
        StringBuilder b = new StringBuilder("{\n   \"loopdevices\": [\n");
        for (int r = 0; r < rows.size(); r++) {
            b.append(r == 0 ? "      {\n" : ",{\n");
            String[] cells = rows.get(r);
            for (int c = 0; c < cells.length; c++) {
                Col col = INFOS[columns.get(c)];
                String data = cells[c] == null ? "" : cells[c];
                b.append("         ").append(Sfdisk.jsonString(col.name().toLowerCase(java.util.Locale.ROOT))).append(": ");
                switch (col.json()) {
                    case 1 -> b.append(data.isEmpty() ? "null" : data);
                    case 2 -> b.append(data.isEmpty() || data.charAt(0) == '0' || data.charAt(0) == 'N'
                            || data.charAt(0) == 'n' ? "false" : "true");
                    default -> b.append(data.isEmpty() ? "null" : Sfdisk.jsonString(data));
                }
                b.append(c + 1 < cells.length ? ",\n" : "\n");
            }
            b.append("      }");
        }
        b.append("\n   ]\n}\n");
        return b.toString();
    }

    /**
     * The iterator over used devices of {@code show_table} and {@code show_all_loops}: with a file
     * (-j), only the devices bound to it (by device and inode, else by name, then by its
     * canonical name), at the offset when -o was given.
     */
    private void forEachUsed(Cxt lc, String file, long offset, boolean withOffset, Runnable action) {
        Kernel.StatResult st = file == null ? null : p.kernel().stat(p.task(), file);
        Kernel.Stat s = st != null && st.isOk() ? st.stat() : null;
        String cn = file == null ? null : MountTools.canonical(file);
        for (String name : lc.used()) {
            lc.setDevice(name);
            if (file != null && !lc.isUsed(s, file, offset, 0, withOffset, false)
                    && !lc.isUsed(s, cn, offset, 0, withOffset, false)) {
                continue;
            }
            action.run();
        }
    }

    private int showAllLoops(Cxt lc, String file, long offset, boolean withOffset) {
        forEachUsed(lc, file, offset, withOffset, () -> printfLoopdev(lc));
        return 0;
    }

    private int deleteLoop(Cxt lc) {
        int f = lc.fd();
        if (f >= 0) {
            SysResult r = p.kernel().ioctl(p.task(), f, Loop.LOOP_CLR_FD, IoctlArg.NULL);
            if (r.isOk()) {
                return 0;
            }
            errno = r.errno();
        }
        warn(lc.device + ": detach failed", errno);
        return -1;
    }

    private void usage() {
        StringBuilder b = new StringBuilder();
        b.append("\nUsage:\n");
        b.append(" losetup [options] [<loopdev>]\n");
        b.append(" losetup [options] -f | <loopdev> <file>\n");
        b.append("\nSet up and control loop devices.\n");
        b.append("\nOptions:\n");
        b.append(" -a, --all                     list all used devices\n");
        b.append(" -d, --detach <loopdev>...     detach one or more devices\n");
        b.append(" -D, --detach-all              detach all used devices\n");
        b.append(" -f, --find                    find first unused device\n");
        b.append(" -c, --set-capacity <loopdev>  resize the device\n");
        b.append(" -j, --associated <file>       list all devices associated with <file>\n");
        b.append(" -L, --nooverlap               avoid possible conflict between devices\n");
        b.append("\n");
        b.append(" -o, --offset <num>            start at offset <num> into file\n");
        b.append("     --sizelimit <num>         device is limited to <num> bytes of the file\n");
        b.append(" -b, --sector-size <num>       set the logical sector size to <num>\n");
        b.append(" -P, --partscan                create a partitioned loop device\n");
        b.append(" -r, --read-only               set up a read-only loop device\n");
        b.append("     --direct-io[=<on|off>]    open backing file with O_DIRECT\n");
        b.append("     --show                    print device name after setup (with -f)\n");
        b.append(" -v, --verbose                 verbose mode\n");
        b.append("\n");
        b.append(" -J, --json                    use JSON --list output format\n");
        b.append(" -l, --list                    list info about all or specified (default)\n");
        b.append(" -n, --noheadings              don't print headings for --list output\n");
        b.append(" -O, --output <cols>           specify columns to output for --list\n");
        b.append("     --output-all              output all columns\n");
        b.append("     --raw                     use raw --list output format\n");
        b.append("\n");
        b.append(" -h, --help                    display this help\n");
        b.append(" -V, --version                 display version\n");
        b.append("\nAvailable output columns:\n");
        for (Col c : INFOS) {
            b.append(String.format(" %12s  %s%n", c.name(), c.help()));
        }
        b.append("\nFor more details see losetup(8).\n");
        p.out().print(b.toString());
    }

    private static String longName(int c) {
        for (Getopt.LongOpt lo : LONGOPTS) {
            if (lo.key() == c) {
                return lo.name();
            }
        }
        return null;
    }

    /** {@code err_exclusive_options}: the message, or null when {@code c} conflicts with nothing seen. */
    private String exclusive(int c, int[] status) {
        for (int e = 0; e < EXCL.length && EXCL[e][0] <= c; e++) {
            for (int op : EXCL[e]) {
                if (op > c) {
                    break;
                }
                if (op != c) {
                    continue;
                }
                if (status[e] == 0) {
                    status[e] = c;
                } else if (status[e] != c) {
                    StringBuilder m = new StringBuilder(p.name() + ": mutually exclusive arguments:");
                    for (int x : EXCL[e]) {
                        String n = longName(x);
                        m.append(n != null ? " --" + n : " -" + (char) x);
                    }
                    return m.append('\n').toString();
                }
                break;
            }
        }
        return null;
    }

    /** {@code strtosize_or_err}. */
    private Long size(String arg, String what) {
        Sizes.Parsed s = Sizes.parse(arg);
        if (s == null) {
            p.err().print(p.name() + ": " + what + ": '" + arg + "': " + Errno.EINVAL.strerror() + "\n");
            return null;
        }
        return s.value();
    }

    private static final int A_CREATE = 1;
    private static final int A_DELETE = 2;
    private static final int A_DELETE_ALL = 3;
    private static final int A_SHOW = 4;
    private static final int A_SHOW_ONE = 5;
    private static final int A_FIND_FREE = 6;
    private static final int A_SET_CAPACITY = 7;
    private static final int A_SET_DIRECT_IO = 8;
    private static final int A_SET_BLOCKSIZE = 9;

    private int main() {
        Cxt lc = new Cxt();
        int act = 0;
        boolean withOffset = false;
        boolean withSize = false;
        boolean noOverlap = false;
        String file = null;
        long offset = 0;
        long sizelimit = 0;
        long blocksize = 0;
        boolean showdev = false;
        int loFlags = 0;
        String outarg = null;
        boolean list = false;
        boolean useDio = false;
        boolean setDio = false;
        boolean setBlocksize = false;
        int[] exclStatus = new int[EXCL.length];
        Getopt g = new Getopt(p.name(), "ab:c:d:Dfhj:JlLno:O:PrvV", LONGOPTS);
        g.parse(p.args());
        for (Getopt.Opt o : g.opts) {
            int c = o.key();
            String ex = exclusive(c, exclStatus);
            if (ex != null) {
                p.err().print(ex);
                return 1;
            }
            switch (c) {
                case 'a' -> act = A_SHOW;
                case 'b' -> {
                    setBlocksize = true;
                    Long v = size(o.arg(), "failed to parse logical block size");
                    if (v == null) {
                        return 1;
                    }
                    blocksize = v;
                }
                case 'c' -> {
                    act = A_SET_CAPACITY;
                    if (!isLoopdev(o.arg())) {
                        warn(o.arg() + ": failed to use device", errno);
                        return 1;
                    }
                    lc.setDevice(o.arg());
                }
                case 'r' -> loFlags |= Loop.LO_FLAGS_READ_ONLY;
                case 'd' -> {
                    act = A_DELETE;
                    if (!isLoopdev(o.arg())) {
                        warn(o.arg() + ": failed to use device", errno);
                        return 1;
                    }
                    lc.setDevice(o.arg());
                }
                case 'D' -> act = A_DELETE_ALL;
                case 'f' -> act = A_FIND_FREE;
                case 'J' -> json = true;
                case 'j' -> {
                    act = A_SHOW;
                    file = o.arg();
                }
                case 'l' -> list = true;
                case 'L' -> noOverlap = true;
                case 'n' -> noHeadings = true;
                case OPT_RAW -> raw = true;
                case 'o' -> {
                    Long v = size(o.arg(), "failed to parse offset");
                    if (v == null) {
                        return 1;
                    }
                    offset = v;
                    withOffset = true;
                }
                case 'O' -> {
                    outarg = o.arg();
                    list = true;
                }
                case OPT_OUTPUT_ALL -> {
                    columns.clear();
                    for (int i = 0; i < INFOS.length; i++) {
                        columns.add(i);
                    }
                }
                case 'P' -> loFlags |= Loop.LO_FLAGS_PARTSCAN;
                case OPT_SHOW -> showdev = true;
                case OPT_DIO -> {
                    useDio = true;
                    setDio = true;
                    if (o.arg() != null) {
                        if (o.arg().equals("on")) {
                            useDio = true;
                        } else if (o.arg().equals("off")) {
                            useDio = false;
                        } else {
                            p.err().print(p.name() + ": argument error: '" + o.arg() + "'\n");
                            return 1;
                        }
                    }
                    if (useDio) {
                        loFlags |= Loop.LO_FLAGS_DIRECT_IO;
                    }
                }
                case 'v' -> {
                }
                case OPT_SIZELIMIT -> {
                    Long v = size(o.arg(), "failed to parse size");
                    if (v == null) {
                        return 1;
                    }
                    sizelimit = v;
                    withSize = true;
                }
                case 'h' -> {
                    usage();
                    return 0;
                }
                case 'V' -> {
                    p.out().print("losetup from util-linux 2.38.1\n");
                    return 0;
                }
                default -> {
                    return p.tryHelp();
                }
            }
        }
        if (g.error != null) {
            p.err().print(g.error);
            return p.tryHelp();
        }
        List<String> argv = g.operands;
        int optind = 0;
        int argc = p.args().size() + 1;
        if (argc == 1) {
            act = A_SHOW;
            list = true;
        }
        if (act == 0 && argc == 2 && (raw || json)) {
            act = A_SHOW;
            list = true;
        }
        if (list && columns.isEmpty()) {
            columns.addAll(List.of(COL_NAME, COL_SIZELIMIT, COL_OFFSET, COL_AUTOCLR, COL_RO, COL_BACK_FILE, COL_DIO,
                    COL_LOGSEC));
        }
        if (act == A_FIND_FREE && optind < argv.size()) {
            act = A_CREATE;
            file = argv.get(optind++);
            if (optind < argv.size()) {
                warnx("unexpected arguments");
                return 1;
            }
        }
        if (list && act == 0 && optind == argv.size()) {
            act = A_SHOW;
        }
        if (act == 0 && optind + 1 == argv.size()) {
            if (setDio) {
                act = A_SET_DIRECT_IO;
                loFlags &= ~Loop.LO_FLAGS_DIRECT_IO;
            } else if (setBlocksize) {
                act = A_SET_BLOCKSIZE;
            } else {
                act = A_SHOW_ONE;
            }
            String d = argv.get(optind);
            if (!isLoopdev(d)) {
                warn(d + ": failed to use device", errno);
                return 1;
            }
            lc.setDevice(d);
            optind++;
        }
        if (act == 0) {
            act = A_CREATE;
            if (optind >= argv.size()) {
                warnx("no loop device specified");
                return 1;
            }
            lc.setDevice(argv.get(optind++));
            if (optind >= argv.size()) {
                warnx("no file specified");
                return 1;
            }
            file = argv.get(optind++);
        }
        if (act != A_CREATE && (sizelimit != 0 || loFlags != 0 || showdev)) {
            warnx("the options --{sizelimit,partscan,read-only,show} are allowed during loop device setup only");
            return 1;
        }
        if (withOffset && act != A_CREATE && (act != A_SHOW || file == null)) {
            warnx("the option --offset is not allowed in this context");
            return 1;
        }
        if (outarg != null) {
            // string_add_to_idarray: a list that starts with '+' adds to the columns, any other replaces them
            String listAdd = outarg;
            if (outarg.startsWith("+")) {
                listAdd = outarg.substring(1);
            } else {
                columns.clear();
            }
            for (String name : listAdd.split(",", -1)) {
                int id = -1;
                for (int i = 0; i < INFOS.length; i++) {
                    if (INFOS[i].name().equalsIgnoreCase(name)) {
                        id = i;
                    }
                }
                if (id < 0) {
                    warnx("unknown column: " + name);
                    return 1;
                }
                columns.add(id);
            }
        }
        int res = 0;
        switch (act) {
            case A_CREATE -> {
                res = createLoop(lc, noOverlap, loFlags, withOffset, withSize, file, offset, sizelimit, blocksize);
                if (res == 0) {
                    if (showdev) {
                        p.out().print(lc.device + "\n");
                    }
                    warnSize(file, sizelimit, offset, withOffset);
                }
            }
            case A_DELETE -> {
                res = deleteLoop(lc);
                while (optind < argv.size()) {
                    String d = argv.get(optind++);
                    if (!isLoopdev(d)) {
                        warn(d + ": failed to use device", errno);
                    } else {
                        lc.setDevice(d);
                    }
                    res += deleteLoop(lc);
                }
            }
            case A_DELETE_ALL -> {
                for (String name : lc.used()) {
                    lc.setDevice(name);
                    res += deleteLoop(lc);
                }
            }
            case A_FIND_FREE -> {
                res = lc.findUnused();
                if (res != 0) {
                    warn("cannot find an unused loop device", errno);
                } else {
                    p.out().print(lc.device + "\n");
                }
            }
            case A_SHOW -> res = list ? showTable(lc, file, offset, withOffset, false) : showAllLoops(lc, file, offset,
                    withOffset);
            case A_SHOW_ONE -> {
                res = list ? showTable(lc, null, 0, false, true) : printfLoopdev(lc);
                if (res != 0) {
                    warn(lc.device, errno);
                }
            }
            case A_SET_CAPACITY -> res = simple(lc, Loop.LOOP_SET_CAPACITY, IoctlArg.NULL, "set capacity failed");
            case A_SET_DIRECT_IO -> res = simple(lc, Loop.LOOP_SET_DIRECT_IO, new IoctlArg.Value(useDio ? 1 : 0),
                    "set direct io failed");
            case A_SET_BLOCKSIZE -> res = simple(lc, Loop.LOOP_SET_BLOCK_SIZE, new IoctlArg.Value(blocksize),
                    "set logical block size failed");
            default -> {
                warnx("bad usage");
                return p.tryHelp();
            }
        }
        lc.deinit();
        return res != 0 ? 1 : 0;
    }

    private int simple(Cxt lc, long request, IoctlArg arg, String what) {
        int f = lc.fd();
        SysResult r = f < 0 ? SysResult.fail(Errno.EINVAL) : p.kernel().ioctl(p.task(), f, request, arg);
        if (r.isError()) {
            warn(lc.device + ": " + what, r.errno());
            return -1;
        }
        return 0;
    }

    /** {@code warn_size}: a file under 512 bytes, or not a whole number of sectors, is warned about. */
    private void warnSize(String filename, long size, long offset, boolean withOffset) {
        if (size == 0) {
            Kernel.StatResult st = p.kernel().stat(p.task(), filename);
            if (!st.isOk() || st.stat().type() == Kernel.Stat.Type.BLOCK_DEVICE) {
                return;
            }
            size = st.stat().size();
            if (withOffset) {
                size -= offset;
            }
        }
        if (Long.compareUnsigned(size, 512) < 0) {
            warnx(filename + ": Warning: file is smaller than 512 bytes; the loop device may be useless or invisible "
                    + "for system tools.");
        } else if (size % 512 != 0) {
            warnx(filename + ": Warning: file does not fit into a 512-byte sector; the end of the file will be ignored.");
        }
    }

    /** {@code create_loop}: -L's reuse or refusal, then set up (on a free device, retrying a busy one). */
    private int createLoop(Cxt lc, boolean noOverlap, int loFlags, boolean withOffset, boolean withSize, String file,
                           long offset, long sizelimit, long blocksize) {
        boolean hasdev = lc.device != null;
        if (!hasdev && noOverlap) {
            int rc = findOverlap(lc, file, offset, sizelimit);
            if (rc == 1) {
                warnx(file + ": overlapping loop device exists");
                return 1;
            }
            if (rc == 2) {
                if (lc.readonly() && (loFlags & Loop.LO_FLAGS_READ_ONLY) == 0) {
                    warnx(file + ": overlapping read-only loop device exists");
                    return 1;
                }
                LoopInfo64 lo = lc.info();
                if (lo != null && lo.encryptType != 0) {
                    warnx(file + ": overlapping encrypted loop device exists");
                    return 1;
                }
                if (lo == null) {
                    warnx(file + ": failed to re-use loop device");
                    return 1;
                }
                lo.flags &= ~Loop.LO_FLAGS_AUTOCLEAR;
                lc.rdwr = false;
                if (p.kernel().ioctl(p.task(), lc.fd(), Loop.LOOP_SET_STATUS64, lo).isError()) {
                    warnx(file + ": failed to re-use loop device");
                    return 1;
                }
                return 0;
            }
        }
        if (hasdev && noOverlap) {
            Cxt lc2 = new Cxt();
            int rc = findOverlap(lc2, file, offset, sizelimit);
            lc2.deinit();
            if (rc != 0) {
                warnx(file + ": overlapping loop device exists");
                return 1;
            }
        }
        int ntries = 0;
        int rc;
        do {
            if (!hasdev && (rc = lc.findUnused()) != 0) {
                warnx("cannot find an unused loop device");
                break;
            }
            if (withOffset) {
                lc.config.info.offset = offset;
            }
            if (withSize) {
                lc.config.info.sizelimit = sizelimit;
            }
            if (loFlags != 0) {
                lc.config.info.flags = loFlags;
            }
            if (blocksize > 0) {
                lc.blocksize = (int) blocksize;
            }
            lc.filename = MountTools.canonical(file.startsWith("/") ? file : "/" + file);
            lc.config.info.setFileName(lc.filename);
            errno = null;
            rc = lc.setupDevice();
            if (rc == 0) {
                break;
            }
            if ((errno == Errno.EBUSY || errno == Errno.EAGAIN) && !hasdev && ntries < 64) {
                p.sleep(200_000_000L);
                ntries++;
                continue;
            }
            warn((hasdev && lc.fd < 0 ? lc.device : file) + ": failed to set up loop device", errno);
            break;
        } while (!hasdev);
        return rc == 0 ? 0 : 1;
    }

    /**
     * What {@code mount} got from {@link #forMount}: the loop device to mount and the descriptor that
     * keeps it from being auto-cleared until mount(2) is done, or the libmount message.
     */
    record MountLoop(String device, int fd, boolean readOnly, String error) {
    }

    /**
     * libmount 2.38.1 {@code mnt_context_setup_loopdev}: a device already bound to the same file,
     * offset and size limit is reused (one that is read-only refuses a read-write mount); an
     * overlapping one is an error; else a free device is set up with LO_FLAGS_AUTOCLEAR (and
     * READ_ONLY for a read-only mount), so that it goes when the filesystem lets go of it. The
     * device stays open until mount(2) has run, as libmount keeps it.
     */
    static MountLoop forMount(Proc p, String backing, long offset, long sizelimit, boolean ro) {
        Losetup l = new Losetup(p);
        Cxt lc = l.new Cxt();
        int rc = l.findOverlap(lc, backing, offset, sizelimit);
        if (rc == 1) {
            return new MountLoop(null, -1, false, "overlapping loop device exists for " + backing + ".");
        }
        if (rc == 2) {
            int fd = lc.fd();
            if (fd >= 0 && lc.info() != null) {
                if (lc.readonly() && !ro) {
                    return new MountLoop(null, -1, false, "cannot mount " + backing + " read-only.");
                }
                lc.fd = -1;
                return new MountLoop(lc.device, fd, lc.readonly(), null);
            }
        }
        lc = l.new Cxt();
        while (true) {
            if (lc.findUnused() != 0) {
                return new MountLoop(null, -1, false, "failed to setup loop device for " + backing + ".");
            }
            lc.filename = MountTools.canonical(backing);
            lc.config.info.setFileName(lc.filename);
            lc.config.info.offset = offset;
            lc.config.info.sizelimit = sizelimit;
            lc.config.info.flags = Loop.LO_FLAGS_AUTOCLEAR | (ro ? Loop.LO_FLAGS_READ_ONLY : 0);
            int r = lc.setupDevice();
            if (r == 0) {
                break;
            }
            if (r != -Errno.EBUSY.number()) {
                lc.deinit();
                return new MountLoop(null, -1, false, "failed to setup loop device for " + backing + ".");
            }
        }
        int fd = lc.fd();
        boolean readOnly = lc.readonly();
        lc.fd = -1;
        return new MountLoop(lc.device, fd, readOnly, null);
    }

    /** {@code loopcxt_find_overlap}: 0 none, 1 an overlap, 2 the same file, offset and size limit (lc is it). */
    private int findOverlap(Cxt lc, String file, long offset, long sizelimit) {
        Kernel.StatResult st = p.kernel().stat(p.task(), file);
        Kernel.Stat s = st.isOk() ? st.stat() : null;
        for (String name : lc.used()) {
            lc.setDevice(name);
            if (!lc.isUsed(s, file, offset, sizelimit, false, false)) {
                continue;
            }
            Long lcOffset = lc.offset();
            Long lcSize = lc.sizelimit();
            if (lcOffset == null || lcSize == null) {
                continue;
            }
            if (lcSize == sizelimit && lcOffset == offset) {
                return 2;
            }
            if (lcSize != 0 && Long.compareUnsigned(offset, lcOffset + lcSize) >= 0) {
                continue;
            }
            if (sizelimit != 0 && Long.compareUnsigned(offset + sizelimit, lcOffset) <= 0) {
                continue;
            }
            return 1;
        }
        lc.setDevice(null);
        return 0;
    }
}
