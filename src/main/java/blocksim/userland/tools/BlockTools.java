package blocksim.userland.tools;

import blocksim.Kernel;
import blocksim.kernel.SysResult;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Io;
import blocksim.userland.Proc;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * util-linux's block-device tools (2.38): {@code blockdev}, and {@code addpart}, {@code delpart},
 * {@code resizepart}, which make one BLKPG call each with sizes in 512-byte sectors.
 */
public final class BlockTools {

    private BlockTools() {
    }

    /** How a blockdev command passes its argument and prints its result. */
    private enum Arg { NONE, INT_GET, UINT_GET, USHRT_GET, LONG_GET, U64_GET, INT_SET, LONG_SET, SETBSZ }

    /** One entry of blockdev's {@code bdcms[]} table. */
    private record Cmd(String option, long ioctl, String ioctlName, Arg arg, int value) {
    }

    private static final List<Cmd> CMDS = List.of(
            new Cmd("--setro", Ioctl.BLKROSET, "BLKROSET", Arg.INT_SET, 1),
            new Cmd("--setrw", Ioctl.BLKROSET, "BLKROSET", Arg.INT_SET, 0),
            new Cmd("--getro", Ioctl.BLKROGET, "BLKROGET", Arg.INT_GET, 0),
            new Cmd("--getdiscardzeroes", Ioctl.BLKDISCARDZEROES, "BLKDISCARDZEROES", Arg.UINT_GET, 0),
            new Cmd("--getss", Ioctl.BLKSSZGET, "BLKSSZGET", Arg.INT_GET, 0),
            new Cmd("--getpbsz", Ioctl.BLKPBSZGET, "BLKPBSZGET", Arg.UINT_GET, 0),
            new Cmd("--getiomin", Ioctl.BLKIOMIN, "BLKIOMIN", Arg.UINT_GET, 0),
            new Cmd("--getioopt", Ioctl.BLKIOOPT, "BLKIOOPT", Arg.UINT_GET, 0),
            new Cmd("--getalignoff", Ioctl.BLKALIGNOFF, "BLKALIGNOFF", Arg.INT_GET, 0),
            new Cmd("--getmaxsect", Ioctl.BLKSECTGET, "BLKSECTGET", Arg.USHRT_GET, 0),
            new Cmd("--getbsz", Ioctl.BLKBSZGET, "BLKBSZGET", Arg.INT_GET, 0),
            new Cmd("--setbsz", Ioctl.BLKBSZSET, "BLKBSZSET", Arg.SETBSZ, 0),
            new Cmd("--getsize", Ioctl.BLKGETSIZE, "BLKGETSIZE", Arg.LONG_GET, 0),
            new Cmd("--getsize64", Ioctl.BLKGETSIZE64, "BLKGETSIZE64", Arg.U64_GET, 0),
            new Cmd("--setra", Ioctl.BLKRASET, "BLKRASET", Arg.LONG_SET, 0),
            new Cmd("--getra", Ioctl.BLKRAGET, "BLKRAGET", Arg.LONG_GET, 0),
            new Cmd("--setfra", Ioctl.BLKFRASET, "BLKFRASET", Arg.LONG_SET, 0),
            new Cmd("--getfra", Ioctl.BLKFRAGET, "BLKFRAGET", Arg.LONG_GET, 0),
            new Cmd("--getdiskseq", Ioctl.BLKGETDISKSEQ, "BLKGETDISKSEQ", Arg.U64_GET, 0),
            new Cmd("--flushbufs", Ioctl.BLKFLSBUF, "BLKFLSBUF", Arg.NONE, 0),
            new Cmd("--rereadpt", Ioctl.BLKRRPART, "BLKRRPART", Arg.NONE, 0));

    private static Cmd find(String option) {
        return CMDS.stream().filter(c -> c.option.equals(option)).findFirst().orElse(null);
    }

    private static boolean isCommand(String a) {
        return a.equals("--getsz") || a.equals("--report") || find(a) != null;
    }

    private static int usage(Proc p) {
        p.err().println("Try 'blockdev --help' for more information.");
        return 1;
    }

    /**
     * {@code blockdev [-q] [-v] COMMAND... DEVICE...} and {@code blockdev --report [DEVICE...]}:
     * each device is opened read-only and the commands run on it in order; the first failing ioctl
     * prints {@code blockdev: ioctl error on NAME: strerror} and ends the run with 1.
     */
    public static int blockdev(Proc p) {
        List<String> args = p.args();
        if (args.isEmpty()) {
            p.err().println("Usage:");
            p.err().println(" blockdev [-v|-q] commands devices");
            p.err().println(" blockdev --report [devices]");
            p.err().println(" blockdev -h|-V");
            return 1;
        }
        int first = 0;
        boolean verbose = false;
        while (first < args.size() && (args.get(first).equals("-v") || args.get(first).equals("-q"))) {
            verbose = args.get(first).equals("-v");
            first++;
        }
        if (first < args.size() && args.get(first).equals("--report")) {
            return report(p, args.subList(first + 1, args.size()));
        }
        int d = first;
        while (d < args.size() && args.get(d).startsWith("-")) {
            String a = args.get(d);
            if (!isCommand(a)) {
                p.error("Unknown command: " + a);
                return usage(p);
            }
            Cmd c = find(a);
            d += c != null && (c.arg == Arg.SETBSZ || c.arg == Arg.LONG_SET) ? 2 : 1;
        }
        if (d >= args.size()) {
            p.error("no device specified");
            return usage(p);
        }
        if (d == first) {
            p.error("no commands specified");
            return usage(p);
        }
        for (String dev : args.subList(d, args.size())) {
            SysResult r = p.open(dev, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
            if (r.isError()) {
                p.error("cannot open " + dev + ": " + r.errno().strerror());
                return 1;
            }
            int fd = r.intValue();
            int status = commands(p, fd, args.subList(first, d), verbose);
            p.close(fd);
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    private static int commands(Proc p, int fd, List<String> cmds, boolean verbose) {
        Kernel k = p.kernel();
        for (int i = 0; i < cmds.size(); i++) {
            String a = cmds.get(i);
            if (a.equals("--getsz")) {
                LongCell size = new LongCell();
                SysResult r = k.ioctl(p.task(), fd, Ioctl.BLKGETSIZE64, size);
                if (r.isError()) {
                    p.error("could not get device size");
                    return 1;
                }
                p.out().println(Long.toUnsignedString(size.get() >>> 9));
                continue;
            }
            Cmd c = find(a);
            IoctlArg arg;
            switch (c.arg) {
                case NONE -> arg = IoctlArg.NULL;
                case INT_SET -> arg = new IntCell(c.value);
                case SETBSZ, LONG_SET -> {
                    String v = cmds.get(++i);
                    long n;
                    try {
                        n = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        n = 0;
                    }
                    arg = c.arg == Arg.SETBSZ ? new IntCell((int) n) : new LongCell(n);
                }
                case LONG_GET, U64_GET -> arg = new LongCell();
                default -> arg = new IntCell();
            }
            SysResult r = k.ioctl(p.task(), fd, c.ioctl, arg);
            if (r.isError()) {
                p.error("ioctl error on " + c.ioctlName + ": " + r.errno().strerror());
                if (verbose) {
                    p.out().println(c.option + " failed.");
                }
                return 1;
            }
            switch (c.arg) {
                case INT_GET, UINT_GET, USHRT_GET -> {
                    int v = ((IntCell) arg).get();
                    String text = c.arg == Arg.INT_GET ? Integer.toString(v)
                            : c.arg == Arg.USHRT_GET ? Integer.toString(v & 0xffff) : Integer.toUnsignedString(v);
                    p.out().println(verbose ? String.format("%-30s%s", c.option, text) : text);
                }
                case LONG_GET, U64_GET -> {
                    long v = ((LongCell) arg).get();
                    p.out().println(c.arg == Arg.U64_GET ? Long.toUnsignedString(v) : Long.toString(v));
                }
                default -> {
                    if (verbose) {
                        p.out().println(c.option + " succeeded.");
                    }
                }
            }
        }
        return 0;
    }

    /** {@code blockdev --report}: one line per device with its read-only flag, read-ahead, sizes and start. */
    private static int report(Proc p, List<String> devices) {
        p.out().println("RO    RA   SSZ   BSZ        StartSec            Size   Device");
        int status = 0;
        for (String dev : devices) {
            SysResult r = p.open(dev, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
            if (r.isError()) {
                p.error("cannot open " + dev + ": " + r.errno().strerror());
                status = 1;
                continue;
            }
            int fd = r.intValue();
            IntCell ro = new IntCell();
            LongCell ra = new LongCell();
            IntCell ssz = new IntCell();
            IntCell bsz = new IntCell();
            LongCell size = new LongCell();
            Kernel k = p.kernel();
            k.ioctl(p.task(), fd, Ioctl.BLKROGET, ro);
            k.ioctl(p.task(), fd, Ioctl.BLKRAGET, ra);
            k.ioctl(p.task(), fd, Ioctl.BLKSSZGET, ssz);
            k.ioctl(p.task(), fd, Ioctl.BLKBSZGET, bsz);
            k.ioctl(p.task(), fd, Ioctl.BLKGETSIZE64, size);
            long start = partitionStart(p, dev);
            p.out().printf("%s %5d %5d %5d %15d %15d   %s%n", ro.get() != 0 ? "ro" : "rw", ra.get(), ssz.get(),
                    bsz.get(), Math.max(start, 0), size.get(), dev);
            p.close(fd);
        }
        return status;
    }

    /** The start sector sysfs gives for a partition device, 0 for a whole disk, -1 if unknown. */
    static long partitionStart(Proc p, String dev) {
        String name = dev.substring(dev.lastIndexOf('/') + 1);
        Kernel.ListResult disks = p.kernel().list(p.task(), "/sys/block");
        if (!disks.isOk()) {
            return -1;
        }
        for (String disk : disks.names()) {
            if (disk.equals(name)) {
                return 0;
            }
            String text = readSmall(p, "/sys/block/" + disk + "/" + name + "/start");
            if (text != null) {
                return Long.parseLong(text.strip());
            }
        }
        return -1;
    }

    /** A small file's content, or null when it cannot be read. */
    static String readSmall(Proc p, String path) {
        SysResult r = p.open(path, OpenFlags.O_RDONLY);
        if (r.isError()) {
            return null;
        }
        Io.KernelFile f = new Io.KernelFile(p.kernel(), p.task(), r.intValue());
        byte[] buf = new byte[4096];
        int n = f.read(buf, 0, buf.length);
        f.close();
        return n < 0 ? null : new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** util-linux getopt-style handling: a leading '-' operand is an invalid option. */
    private static String badOption(List<String> args) {
        for (String a : args) {
            if (a.startsWith("-") && a.length() > 1 && !a.equals("--")) {
                return a.substring(1, 2);
            }
        }
        return null;
    }

    private static int tooFew(Proc p) {
        p.error("not enough arguments");
        p.err().println("Try '" + p.name() + " --help' for more information.");
        return 1;
    }

    /** strtou32_or_err / strtou64_or_err: an unsigned decimal, or null after the error message. */
    private static Long number(Proc p, String text, String what, boolean u32) {
        if (text.matches("[0-9]+")) {
            try {
                long v = Long.parseLong(text);
                if (!u32 || v <= 0xffff_ffffL) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // falls through to the error
            }
        }
        p.error(what + ": '" + text + "'");
        return null;
    }

    private static List<String> operands(Proc p) {
        return p.args().stream().filter(a -> !a.equals("--")).toList();
    }

    private static int preamble(Proc p, int want) {
        String bad = badOption(p.args().stream().takeWhile(a -> !a.equals("--")).toList());
        if (bad != null) {
            p.error("invalid option -- '" + bad + "'");
            p.err().println("Try '" + p.name() + " --help' for more information.");
            return 1;
        }
        return operands(p).size() != want ? tooFew(p) : 0;
    }

    private static int blkpg(Proc p, String dev, BlkpgIoctlArg arg, String failure) {
        SysResult r = p.open(dev, OpenFlags.O_RDONLY);
        if (r.isError()) {
            p.error("cannot open " + dev + ": " + r.errno().strerror());
            return 1;
        }
        SysResult res = p.kernel().ioctl(p.task(), r.intValue(), Ioctl.BLKPG, arg);
        p.close(r.intValue());
        if (res.isError()) {
            p.error(failure + ": " + res.errno().strerror());
            return 1;
        }
        return 0;
    }

    /** {@code addpart DISK PARTNO START LENGTH} (START and LENGTH in 512-byte sectors). */
    public static int addpart(Proc p) {
        int bad = preamble(p, 4);
        if (bad != 0) {
            return bad;
        }
        List<String> a = operands(p);
        SysResult r = p.open(a.get(0), OpenFlags.O_RDONLY);
        if (r.isError()) {
            p.error("cannot open " + a.get(0) + ": " + r.errno().strerror());
            return 1;
        }
        p.close(r.intValue());
        Long pno = number(p, a.get(1), "invalid partition number argument", true);
        Long start = pno == null ? null : number(p, a.get(2), "invalid start argument", false);
        Long length = start == null ? null : number(p, a.get(3), "invalid length argument", false);
        if (length == null) {
            return 1;
        }
        return blkpg(p, a.get(0), BlkpgIoctlArg.add(pno.intValue(), start << 9, length << 9), "failed to add partition");
    }

    /** {@code delpart DISK PARTNO}. */
    public static int delpart(Proc p) {
        int bad = preamble(p, 2);
        if (bad != 0) {
            return bad;
        }
        List<String> a = operands(p);
        SysResult r = p.open(a.get(0), OpenFlags.O_RDONLY);
        if (r.isError()) {
            p.error("cannot open " + a.get(0) + ": " + r.errno().strerror());
            return 1;
        }
        p.close(r.intValue());
        Long pno = number(p, a.get(1), "invalid partition number argument", true);
        if (pno == null) {
            return 1;
        }
        return blkpg(p, a.get(0), BlkpgIoctlArg.del(pno.intValue()), "failed to remove partition");
    }

    /**
     * {@code resizepart DISK PARTNO LENGTH}: the start comes from sysfs (the partition's
     * {@code start} file); a partition sysfs does not know is reported before any ioctl.
     */
    public static int resizepart(Proc p) {
        int bad = preamble(p, 3);
        if (bad != 0) {
            return bad;
        }
        List<String> a = operands(p);
        String dev = a.get(0);
        SysResult r = p.open(dev, OpenFlags.O_RDONLY);
        if (r.isError()) {
            p.error("cannot open " + dev + ": " + r.errno().strerror());
            return 1;
        }
        p.close(r.intValue());
        Long pno = number(p, a.get(1), "invalid partition number argument", true);
        if (pno == null) {
            return 1;
        }
        String disk = dev.substring(dev.lastIndexOf('/') + 1);
        String part = Character.isDigit(disk.charAt(disk.length() - 1)) ? disk + "p" + pno : disk + pno;
        String start = readSmall(p, "/sys/block/" + disk + "/" + part + "/start");
        if (start == null) {
            p.error(dev + ": failed to get start of the partition number " + a.get(1) + ": No such file or directory");
            return 1;
        }
        Long length = number(p, a.get(2), "invalid length argument", false);
        if (length == null) {
            return 1;
        }
        long startSect = Long.parseLong(start.strip());
        return blkpg(p, dev, BlkpgIoctlArg.resize(pno.intValue(), startSect << 9, length << 9),
                "failed to resize partition");
    }
}
