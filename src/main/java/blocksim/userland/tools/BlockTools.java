package blocksim.userland.tools;

import blocksim.api.Kernel;
import blocksim.api.SysResult;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Proc;
import java.util.List;

/**
 * util-linux 2.38.1's block-device tools: {@code blockdev} ({@code disk-utils/blockdev.c}), and
 * {@code addpart}, {@code delpart}, {@code resizepart}, which make one BLKPG call each with sizes
 * in 512-byte sectors. Each follows its C source's order of checks and messages.
 */
public final class BlockTools {

    private static final String VERSION = " from util-linux 2.38.1";

    private BlockTools() {
    }

    /** How a blockdev command passes its argument: the C type it points at, or none at all. */
    private enum Arg { NONE, USHRT, INT, UINT, LONG, ULONG, ULLONG }

    /**
     * One entry of blockdev's {@code bdcms[]}: {@code argval} is what the pointed-at variable
     * holds before the call; {@code argname} marks a command that takes a number; {@code noptr}
     * passes that number in the pointer's place; {@code noresult} prints nothing.
     */
    private record Cmd(String name, long ioctl, String ioctlName, Arg arg, long argval, String argname,
                       boolean noptr, boolean noresult, String help) {

        static Cmd get(String name, long ioctl, String ioctlName, Arg arg, String help) {
            return new Cmd(name, ioctl, ioctlName, arg, -1, null, false, false, help);
        }

        static Cmd set(String name, long ioctl, String ioctlName, long argval, String help) {
            return new Cmd(name, ioctl, ioctlName, Arg.INT, argval, null, false, true, help);
        }
    }

    private static final List<Cmd> CMDS = List.of(
            Cmd.set("--setro", Ioctl.BLKROSET, "BLKROSET", 1, "set read-only"),
            Cmd.set("--setrw", Ioctl.BLKROSET, "BLKROSET", 0, "set read-write"),
            Cmd.get("--getro", Ioctl.BLKROGET, "BLKROGET", Arg.INT, "get read-only"),
            Cmd.get("--getdiscardzeroes", Ioctl.BLKDISCARDZEROES, "BLKDISCARDZEROES", Arg.UINT,
                    "get discard zeroes support status"),
            Cmd.get("--getss", Ioctl.BLKSSZGET, "BLKSSZGET", Arg.INT, "get logical block (sector) size"),
            Cmd.get("--getpbsz", Ioctl.BLKPBSZGET, "BLKPBSZGET", Arg.UINT, "get physical block (sector) size"),
            Cmd.get("--getiomin", Ioctl.BLKIOMIN, "BLKIOMIN", Arg.UINT, "get minimum I/O size"),
            Cmd.get("--getioopt", Ioctl.BLKIOOPT, "BLKIOOPT", Arg.UINT, "get optimal I/O size"),
            Cmd.get("--getalignoff", Ioctl.BLKALIGNOFF, "BLKALIGNOFF", Arg.INT, "get alignment offset in bytes"),
            Cmd.get("--getmaxsect", Ioctl.BLKSECTGET, "BLKSECTGET", Arg.USHRT, "get max sectors per request"),
            Cmd.get("--getbsz", Ioctl.BLKBSZGET, "BLKBSZGET", Arg.INT, "get blocksize"),
            new Cmd("--setbsz", Ioctl.BLKBSZSET, "BLKBSZSET", Arg.INT, 0, "<bytes>", false, true,
                    "set blocksize on file descriptor opening the block device"),
            Cmd.get("--getsize", Ioctl.BLKGETSIZE, "BLKGETSIZE", Arg.ULONG,
                    "get 32-bit sector count (deprecated, use --getsz)"),
            Cmd.get("--getsize64", Ioctl.BLKGETSIZE64, "BLKGETSIZE64", Arg.ULLONG, "get size in bytes"),
            new Cmd("--setra", Ioctl.BLKRASET, "BLKRASET", Arg.INT, 0, "<sectors>", true, true, "set readahead"),
            Cmd.get("--getra", Ioctl.BLKRAGET, "BLKRAGET", Arg.LONG, "get readahead"),
            new Cmd("--setfra", Ioctl.BLKFRASET, "BLKFRASET", Arg.INT, 0, "<sectors>", true, true,
                    "set filesystem readahead"),
            Cmd.get("--getfra", Ioctl.BLKFRAGET, "BLKFRAGET", Arg.LONG, "get filesystem readahead"),
            new Cmd("--flushbufs", Ioctl.BLKFLSBUF, "BLKFLSBUF", Arg.NONE, 0, null, false, false, "flush buffers"),
            new Cmd("--rereadpt", Ioctl.BLKRRPART, "BLKRRPART", Arg.NONE, 0, null, false, false,
                    "reread partition table"));

    /** {@code find_cmd}. */
    private static Cmd find(String name) {
        return CMDS.stream().filter(c -> c.name.equals(name)).findFirst().orElse(null);
    }

    private static String blockdevUsage() {
        StringBuilder u = new StringBuilder("""

                Usage:
                 blockdev [-v|-q] commands devices
                 blockdev --report [devices]
                 blockdev -h|-V

                Call block device ioctls from the command line.

                Options:
                 -q             quiet mode
                 -v             verbose mode
                     --report   print report for specified (or all) devices

                 -h, --help     display this help
                 -V, --version  display version

                Available commands:
                """);
        u.append(String.format(" %-25s get size in 512-byte sectors%n", "--getsz"));
        for (Cmd c : CMDS) {
            if (c.argname != null) {
                u.append(String.format(" %s %-" + (24 - c.name.length()) + "s %s%n", c.name, c.argname, c.help));
            } else {
                u.append(String.format(" %-25s %s%n", c.name, c.help));
            }
        }
        return u.append("\nFor more details see blockdev(8).\n").toString();
    }

    /**
     * {@code blockdev [-v|-q] COMMAND... DEVICE...}, {@code blockdev --report [DEVICE...]}: the
     * commands end at the first argument that is neither a command (with its number) nor starts
     * with '-'; each device is opened read-only in turn and every command runs on it, so an
     * unknown option is reported only once a device is open. The first failing ioctl ends the run.
     */
    public static int blockdev(Proc p) {
        List<String> argv = p.args();
        if (argv.isEmpty()) {
            p.error("not enough arguments");
            return p.tryHelp();
        }
        String first = argv.getFirst();
        if (first.equals("-V") || first.equals("--version")) {
            p.out().print(version(p));
            return 0;
        }
        if (first.equals("-h") || first.equals("--help")) {
            p.out().print(blockdevUsage());
            return 0;
        }
        if (first.equals("--report")) {
            p.out().print("RO    RA   SSZ   BSZ        StartSec            Size   Device\n");
            if (argv.size() > 1) {
                argv.subList(1, argv.size()).forEach(dev -> reportDevice(p, dev, false));
            } else {
                reportAllDevices(p);
            }
            return 0;
        }
        int d = 0;
        for (; d < argv.size(); d++) {
            String a = argv.get(d);
            Cmd c = find(a);
            if (c != null) {
                if (c.argname != null) {
                    d++;
                }
                continue;
            }
            if (a.equals("--getsz")) {
                continue;
            }
            if (a.equals("--")) {
                d++;
                break;
            }
            if (!a.startsWith("-")) {
                break;
            }
        }
        if (d >= argv.size()) {
            p.error("no device specified");
            return p.tryHelp();
        }
        for (String dev : argv.subList(d, argv.size())) {
            SysResult r = p.open(dev, OpenFlags.O_RDONLY);
            if (r.isError()) {
                p.error("cannot open " + dev + ": " + r.errno().strerror());
                return 1;
            }
            int status = commands(p, r.intValue(), argv.subList(0, d));
            if (status >= 0) {
                return status;
            }
            p.close(r.intValue());
        }
        return 0;
    }

    /** {@code do_commands}: runs every command on one device; an exit status ends the process, -1 goes on. */
    private static int commands(Proc p, int fd, List<String> cmds) {
        Kernel k = p.kernel();
        boolean verbose = false;
        for (int i = 0; i < cmds.size(); i++) {
            String a = cmds.get(i);
            if (a.equals("-v") || a.equals("-q")) {
                verbose = a.equals("-v");
                continue;
            }
            if (a.equals("--getsz")) {
                LongCell size = new LongCell();
                if (k.ioctl(p.task(), fd, Ioctl.BLKGETSIZE64, size).isError()) {
                    p.error("could not get device size");
                    return 1;
                }
                p.out().println(Long.toString(size.get() >>> 9));
                continue;
            }
            Cmd c = find(a);
            if (c == null) {
                p.error("Unknown command: " + a);
                return p.tryHelp();
            }
            IoctlArg arg;
            switch (c.arg) {
                case NONE -> arg = IoctlArg.NULL;
                case INT -> {
                    int iarg = (int) c.argval;
                    if (c.argname != null) {
                        if (i == cmds.size() - 1) {
                            p.error(c.name + " requires an argument");
                            return p.tryHelp();
                        }
                        String text = cmds.get(++i);
                        Strutils.Num n = Strutils.s32(text);
                        if (!n.ok()) {
                            p.error(n.message("failed to parse command argument", text));
                            return 1;
                        }
                        iarg = (int) n.value();
                    }
                    arg = c.noptr ? IoctlArg.Value.ofInt(iarg) : new IntCell(iarg);
                }
                case USHRT, UINT -> arg = new IntCell((int) c.argval);
                default -> arg = new LongCell(c.argval);
            }
            SysResult r = k.ioctl(p.task(), fd, c.ioctl, arg);
            if (r.isError()) {
                p.error("ioctl error on " + c.ioctlName + ": " + r.errno().strerror());
                if (verbose) {
                    p.out().println(c.help + " failed.");
                }
                return 1;
            }
            if (c.arg == Arg.NONE || c.noresult) {
                if (verbose) {
                    p.out().println(c.help + " succeeded.");
                }
                continue;
            }
            if (verbose) {
                p.out().print(c.help + ": ");
            }
            p.out().println(switch (arg) {
                case IntCell cell when c.arg == Arg.USHRT -> Integer.toString(cell.get() & 0xffff);
                case IntCell cell when c.arg == Arg.UINT -> Integer.toUnsignedString(cell.get());
                case IntCell cell -> Integer.toString(cell.get());
                case LongCell cell when c.arg == Arg.LONG -> Long.toString(cell.get());
                case LongCell cell -> Long.toUnsignedString(cell.get());
                default -> throw new IllegalStateException(c.name + " has no result");
            });
        }
        return -1;
    }

    /** {@code report_all_devices}: every line of /proc/partitions as {@code /dev/NAME}, quietly. */
    private static void reportAllDevices(Proc p) {
        String table = p.readSmall("/proc/partitions");
        if (table == null) {
            p.error("cannot open /proc/partitions: No such file or directory");
            return;
        }
        for (String line : table.split("\n")) {
            String[] w = line.strip().split("\\s+");
            if (w.length >= 4 && w[0].matches("\\d+") && w[1].matches("\\d+") && w[2].matches("\\d+")) {
                reportDevice(p, "/dev/" + w[3], true);
            }
        }
    }

    /**
     * {@code report_device}: the device opened O_RDONLY|O_NONBLOCK, its start from sysfs (0 for a
     * whole disk), and one line if every ioctl answers; a device that fails is named on stderr
     * unless {@code quiet}, and the report goes on.
     */
    private static void reportDevice(Proc p, String dev, boolean quiet) {
        SysResult r = p.open(dev, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
        if (r.isError()) {
            if (!quiet) {
                p.error("cannot open " + dev + ": " + r.errno().strerror());
            }
            return;
        }
        int fd = r.intValue();
        String start = reportStart(p, dev);
        IntCell ro = new IntCell();
        LongCell ra = new LongCell();
        IntCell ssz = new IntCell();
        IntCell bsz = new IntCell();
        LongCell size = new LongCell();
        Kernel k = p.kernel();
        if (k.ioctl(p.task(), fd, Ioctl.BLKROGET, ro).isOk() && k.ioctl(p.task(), fd, Ioctl.BLKRAGET, ra).isOk()
                && k.ioctl(p.task(), fd, Ioctl.BLKSSZGET, ssz).isOk() && k.ioctl(p.task(), fd, Ioctl.BLKBSZGET, bsz).isOk()
                && k.ioctl(p.task(), fd, Ioctl.BLKGETSIZE64, size).isOk()) {
            p.out().printf("%s %5d %5d %5d %s %15d   %s%n", ro.get() != 0 ? "ro" : "rw", ra.get(), ssz.get(),
                    bsz.get(), start, size.get(), dev);
        } else if (!quiet) {
            p.error("ioctl error on " + dev);
        }
        p.close(fd);
    }

    /**
     * The start column of {@code report_device}: a partition's {@code start} attribute ("N/A"
     * when it cannot be read), 0 for a whole disk or a file sysfs does not know.
     */
    private static String reportStart(Proc p, String dev) {
        int[] devno = Sysfs.devno(p, dev);
        Sysfs.Node node = devno == null ? null : Sysfs.find(p, devno);
        if (node == null || !node.isPartition()) {
            return String.format("%15d", 0);
        }
        String start = p.readSmall(node.path() + "/start");
        return start == null ? String.format("%15s", "N/A") : String.format("%15s", start.strip());
    }

    private static String version(Proc p) {
        return p.name() + VERSION + "\n";
    }

    /**
     * The options addpart, delpart and resizepart share ({@code getopt_long} with "Vh"): the
     * exit status of --help, --version or a bad option, or -1 to go on. The operand count is
     * checked against every argument, a "--" included, as the C code checks {@code argc}.
     */
    private static int options(Proc p, String usage, int operands) {
        Getopt g = new Getopt(p.name(), "Vh", List.of(new Getopt.LongOpt("help", 0, 'h'),
                new Getopt.LongOpt("version", 0, 'V'))).parse(p.args());
        if (!g.opts.isEmpty()) {
            p.out().print(g.opts.getFirst().key() == 'V' ? version(p) : "\nUsage:\n " + p.name() + " " + usage
                    + "\n\nOptions:\n -h, --help     display this help\n -V, --version  display version\n"
                    + "\nFor more details see " + p.name() + "(8).\n");
            return 0;
        }
        if (g.error != null) {
            p.err().println(g.error);
            return p.tryHelp();
        }
        if (p.args().size() != operands) {
            p.error("not enough arguments");
            return p.tryHelp();
        }
        return -1;
    }

    /**
     * resizepart's {@code get_partition_start}: the {@code start} attribute of partition {@code
     * pno} below the disk's sysfs directory, or null after the message. A file that is not a block
     * device fails before any sysfs access, with errno still 0 ("Success").
     */
    private static String partitionStart(Proc p, String dev, long pno, String pnoText) {
        int[] devno = Sysfs.devno(p, dev);
        Sysfs.Node disk = devno == null ? null : Sysfs.find(p, devno);
        Sysfs.Node part = disk == null ? null : Sysfs.partition(p, disk, pno);
        String start = part == null ? null : p.readSmall(part.path() + "/start");
        if (start == null) {
            p.error(dev + ": failed to get start of the partition number " + pnoText + ": "
                    + (devno == null ? "Success" : "No such file or directory"));
        }
        return start;
    }

    /** {@code open(disk, O_RDONLY)} or {@code err(..., "cannot open %s")}: the fd, or -1 after the message. */
    private static int openDisk(Proc p, String dev) {
        SysResult r = p.open(dev, OpenFlags.O_RDONLY);
        if (r.isError()) {
            p.error("cannot open " + dev + ": " + r.errno().strerror());
            return -1;
        }
        return r.intValue();
    }

    /** {@code strtou32_or_err} / {@code strtou64_or_err}: the number, or null after the message. */
    private static Long number(Proc p, String text, String what, boolean u32) {
        Strutils.Num n = u32 ? Strutils.u32(text) : Strutils.u64(text);
        if (!n.ok()) {
            p.error(n.message(what, text));
            return null;
        }
        return n.value();
    }

    /** The BLKPG call on the open disk; a failure is {@code err(..., failure)}. */
    private static int blkpg(Proc p, int fd, BlkpgIoctlArg arg, String failure) {
        SysResult res = p.kernel().ioctl(p.task(), fd, Ioctl.BLKPG, arg);
        if (res.isError()) {
            p.error(failure + ": " + res.errno().strerror());
            return 1;
        }
        return 0;
    }

    /**
     * {@code addpart DISK PARTNO START LENGTH} (START and LENGTH in 512-byte sectors): the disk is
     * opened first; the three numbers are arguments of one C call, which gcc on x86_64 evaluates
     * right to left, so a bad length is reported before a bad start or number.
     */
    public static int addpart(Proc p) {
        int status = options(p, "<disk device> <partition number> <start> <length>\n\n"
                + "Tell the kernel about the existence of a specified partition.", 4);
        if (status >= 0) {
            return status;
        }
        List<String> a = p.args();
        int fd = openDisk(p, a.get(0));
        Long length = fd < 0 ? null : number(p, a.get(3), "invalid length argument", false);
        Long start = length == null ? null : number(p, a.get(2), "invalid start argument", false);
        Long pno = start == null ? null : number(p, a.get(1), "invalid partition number argument", true);
        if (pno == null) {
            return 1;
        }
        return blkpg(p, fd, BlkpgIoctlArg.add(pno.intValue(), start << 9, length << 9), "failed to add partition");
    }

    /** {@code delpart DISK PARTNO}: the disk is opened before the number is read. */
    public static int delpart(Proc p) {
        int status = options(p, "<disk device> <partition number>\n\n"
                + "Tell the kernel to forget about a specified partition.", 2);
        if (status >= 0) {
            return status;
        }
        List<String> a = p.args();
        int fd = openDisk(p, a.get(0));
        Long pno = fd < 0 ? null : number(p, a.get(1), "invalid partition number argument", true);
        if (pno == null) {
            return 1;
        }
        return blkpg(p, fd, BlkpgIoctlArg.del(pno.intValue()), "failed to remove partition");
    }

    /**
     * {@code resizepart DISK PARTNO LENGTH}: the number is read before the disk is opened; the
     * start comes from sysfs (the partition's {@code start} file), and a partition sysfs does not
     * know is reported before the length is read.
     */
    public static int resizepart(Proc p) {
        int status = options(p, "<disk device> <partition number> <length>\n\n"
                + "Tell the kernel about the new size of a partition.", 3);
        if (status >= 0) {
            return status;
        }
        List<String> a = p.args();
        String dev = a.get(0);
        Long pno = number(p, a.get(1), "invalid partition number argument", true);
        int fd = pno == null ? -1 : openDisk(p, dev);
        if (fd < 0) {
            return 1;
        }
        String start = partitionStart(p, dev, pno, a.get(1));
        if (start == null) {
            return 1;
        }
        Long length = number(p, a.get(2), "invalid length argument", false);
        if (length == null) {
            return 1;
        }
        long startSect = Long.parseLong(start.strip());
        return blkpg(p, fd, BlkpgIoctlArg.resize(pno.intValue(), startSect << 9, length << 9),
                "failed to resize partition");
    }
}
