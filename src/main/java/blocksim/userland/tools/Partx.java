package blocksim.userland.tools;

import blocksim.api.Kernel;
import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Proc;
import java.util.ArrayList;
import java.util.List;

/**
 * util-linux 2.38.1 {@code partx}: reads the partition table in userspace (libblkid's dos, gpt
 * and PMBR probers, {@link PartxProbe}) and shows it ({@code --show}, {@code --raw},
 * {@code --pairs}, {@code --list}) or tells the kernel about it with BLKPG: {@code --add} issues
 * ADD for each partition, {@code --delete} DEL for each number up to the highest partition the
 * kernel has in sysfs, {@code --update} DEL then ADD (RESIZE when the DEL is EBUSY). Sizes in the
 * BLKPG calls are bytes from 512-byte sectors. stdout is fully buffered and stderr is not, so in
 * a merged transcript the warnings come first, as with the real tool.
 */
public final class Partx {

    private static final int SLICES_MAX = 256;

    private enum Act { NONE, LIST, SHOW, ADD, UPD, DELETE }

    private static final String[] COLS = {"NR", "START", "END", "SECTORS", "SIZE", "NAME", "UUID", "TYPE", "FLAGS",
        "SCHEME"};
    private static final double[] HINTS = {0.25, 0.30, 0.30, 0.30, 0.30, 0.30, 36, 1, 0.1, 0.1};
    private static final boolean[] RIGHT = {true, true, true, true, true, false, false, true, false, false};
    private static final int COL_NR = 0;
    private static final int COL_START = 1;
    private static final int COL_END = 2;
    private static final int COL_SECTORS = 3;
    private static final int COL_SIZE = 4;
    private static final int COL_NAME = 5;
    private static final int COL_UUID = 6;
    private static final int COL_TYPE = 7;
    private static final int COL_FLAGS = 8;
    private static final int COL_SCHEME = 9;

    private final Proc p;
    private final Kernel k;
    private boolean verbose;
    private boolean bytes;
    private final List<Integer> columns = new ArrayList<>();

    /** usage() as the real tool prints it into a pipe. */
    private static final String USAGE = """

            Usage:
             partx [-a|-d|-s|-u] [--nr <n:m> | <partition>] <disk>

            Tell the kernel about the presence and numbering of partitions.

            Options:
             -a, --add            add specified partitions or all of them
             -d, --delete         delete specified partitions or all of them
             -u, --update         update specified partitions or all of them
             -s, --show           list partitions

             -b, --bytes          print SIZE in bytes rather than in human readable format
             -g, --noheadings     don't print headings for --show
             -n, --nr <n:m>       specify the range of partitions (e.g. --nr 2:4)
             -o, --output <list>  define which output columns to use
                 --output-all     output all columns
             -P, --pairs          use key="value" output format
             -r, --raw            use raw output format
             -S, --sector-size <num>  overwrite sector size
             -t, --type <type>    specify the partition type
                 --list-types     list supported partition types and exit
             -v, --verbose        verbose mode

             -h, --help           display this help
             -V, --version        display version

            Available output columns:
                     NR  partition number
                  START  start of the partition in sectors
                    END  end of the partition in sectors
                SECTORS  number of sectors
                   SIZE  human readable size
                   NAME  partition name
                   UUID  partition UUID
                   TYPE  partition type (a string, a UUID, or hex)
                  FLAGS  partition flags
                 SCHEME  partition table type (dos, gpt, ...)

            For more details see partx(8).
            """;

    private Partx(Proc p) {
        this.p = p;
        this.k = p.kernel();
    }

    /** Runs partx with the process's arguments. */
    public static int run(Proc p) {
        return new Partx(p).main();
    }

    private static final List<Getopt.LongOpt> LONGOPTS = List.of(
            new Getopt.LongOpt("bytes", 0, 'b'),
            new Getopt.LongOpt("noheadings", 0, 'g'),
            new Getopt.LongOpt("raw", 0, 'r'),
            new Getopt.LongOpt("list", 0, 'l'),
            new Getopt.LongOpt("show", 0, 's'),
            new Getopt.LongOpt("add", 0, 'a'),
            new Getopt.LongOpt("delete", 0, 'd'),
            new Getopt.LongOpt("update", 0, 'u'),
            new Getopt.LongOpt("type", 1, 't'),
            new Getopt.LongOpt("list-types", 0, 1000),
            new Getopt.LongOpt("nr", 1, 'n'),
            new Getopt.LongOpt("output", 1, 'o'),
            new Getopt.LongOpt("output-all", 0, 1001),
            new Getopt.LongOpt("pairs", 0, 'P'),
            new Getopt.LongOpt("sector-size", 1, 'S'),
            new Getopt.LongOpt("help", 0, 'h'),
            new Getopt.LongOpt("version", 0, 'V'),
            new Getopt.LongOpt("verbose", 0, 'v'));

    private static final String EXCL = "Padlrsu";

    private int errx(String msg) {
        p.err().print(p.name() + ": " + msg + "\n");
        return 1;
    }

    private void warnx(String msg) {
        p.err().print(p.name() + ": " + msg + "\n");
    }

    private void warn(String msg, Errno e) {
        p.err().print(p.name() + ": " + msg + ": " + FdiskContext.strerror(e) + "\n");
    }

    private static String longName(char c) {
        for (Getopt.LongOpt lo : LONGOPTS) {
            if (lo.key() == c) {
                return lo.name();
            }
        }
        return null;
    }

    private int main() {
        Getopt g = new Getopt(p.name(), "abdglrsuvn:t:o:PS:hV", LONGOPTS);
        g.parse(p.args());
        Act what = Act.NONE;
        int lower = 0;
        int upper = 0;
        boolean raw = false;
        boolean export = false;
        boolean noheadings = false;
        String type = null;
        String outarg = null;
        int sectorSize = 0;
        int exclSeen = 0;
        for (Getopt.Opt o : g.opts) {
            int c = o.key();
            if (c < 128 && EXCL.indexOf(c) >= 0) {
                if (exclSeen == 0) {
                    exclSeen = c;
                } else if (exclSeen != c) {
                    StringBuilder m = new StringBuilder(p.name() + ": mutually exclusive arguments:");
                    for (char x : EXCL.toCharArray()) {
                        m.append(" --").append(longName(x));
                    }
                    p.err().print(m + "\n");
                    return 1;
                }
            }
            switch (c) {
                case 'a' -> what = Act.ADD;
                case 'b' -> bytes = true;
                case 'd' -> what = Act.DELETE;
                case 'g' -> noheadings = true;
                case 'l' -> what = Act.LIST;
                case 'n' -> {
                    int[] r = parseRange(o.arg());
                    if (r == null) {
                        return errx("failed to parse --nr <M-N> range");
                    }
                    lower = r[0];
                    upper = r[1];
                }
                case 'o' -> outarg = o.arg();
                case 1001 -> {
                    columns.clear();
                    for (int i = 0; i < COLS.length; i++) {
                        columns.add(i);
                    }
                }
                case 'P' -> {
                    export = true;
                    what = Act.SHOW;
                }
                case 'r' -> {
                    raw = true;
                    what = Act.SHOW;
                }
                case 's' -> what = Act.SHOW;
                case 'S' -> {
                    Strutils.Num n = Strutils.u32(o.arg());
                    if (!n.ok()) {
                        return errx(n.message("invalid sector size argument", o.arg()));
                    }
                    sectorSize = (int) n.value();
                }
                case 't' -> type = o.arg();
                case 'u' -> what = Act.UPD;
                case 'v' -> verbose = true;
                case 1000 -> {
                    p.out().print("aix\nsgi\nsun\ndos\ngpt\nPMBR\nmac\nultrix\nbsd\nunixware\nsolaris\nminix\natari\n");
                    return 0;
                }
                case 'h' -> {
                    p.out().print(USAGE);
                    return 0;
                }
                case 'V' -> {
                    p.out().print("partx from util-linux 2.38.1\n");
                    return 0;
                }
                default -> {
                }
            }
        }
        if (g.error != null) {
            p.err().print(g.error + "\n");
            return p.tryHelp();
        }
        if (what == Act.NONE) {
            what = Act.SHOW;
        }
        if (what == Act.SHOW && columns.isEmpty()) {
            for (int i = COL_NR; i <= COL_UUID; i++) {
                columns.add(i);
            }
        }
        if (what == Act.SHOW && outarg != null) {
            String list = outarg;
            if (list.startsWith("+")) {
                list = list.substring(1);
            } else {
                columns.clear();
            }
            if (list.isEmpty()) {
                return 1;
            }
            for (String name : list.split(",", -1)) {
                int id = -1;
                for (int i = 0; i < COLS.length; i++) {
                    if (COLS[i].equalsIgnoreCase(name)) {
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

        List<String> args = g.operands;
        String device;
        String wholedisk;
        int[] diskDevno = null;
        int[] partDevno = null;
        if (args.size() == 2) {
            device = args.get(0);
            wholedisk = args.get(1);
            if (device.equals("-")) {
                device = null;
            } else if (!device.startsWith(wholedisk)) {
                return errx("partition and disk name do not match");
            }
        } else if (args.size() == 1) {
            device = args.getFirst();
            Kernel.StatResult st = k.stat(p.task(), device);
            if (!st.isOk()) {
                return errx("stat of " + device + " failed: " + st.errno().strerror());
            }
            wholedisk = null;
            if (st.stat().type() == Kernel.Stat.Type.BLOCK_DEVICE) {
                partDevno = new int[] {st.stat().rdevMajor(), st.stat().rdevMinor()};
                Sysfs.Node found = Sysfs.find(p, partDevno);
                if (found != null && found.isPartition()) {
                    wholedisk = "/dev/" + found.disk();
                    diskDevno = Sysfs.parseDevno(p.readSmall("/sys/block/" + found.disk() + "/dev"));
                }
            }
            if (wholedisk == null) {
                wholedisk = device;
                diskDevno = partDevno;
                device = null;
                partDevno = null;
            }
        } else {
            warnx("bad usage");
            return p.tryHelp();
        }
        if (device != null && (upper != 0 || lower != 0)) {
            return errx("--nr and <partition> are mutually exclusive");
        }
        if (device != null) {
            if (partDevno == null) {
                Kernel.StatResult st = k.stat(p.task(), device);
                if (st.isOk() && st.stat().type() == Kernel.Stat.Type.BLOCK_DEVICE) {
                    partDevno = new int[] {st.stat().rdevMajor(), st.stat().rdevMinor()};
                }
            }
            Integer n = partnoFromDevice(device, partDevno);
            if (n == null) {
                return errx(device + ": failed to get partition number");
            }
            lower = upper = n;
        }
        if (verbose) {
            p.out().print("partition: " + (device != null ? device : "none") + ", disk: " + wholedisk
                    + ", lower: " + lower + ", upper: " + upper + "\n");
        }
        if (what == Act.ADD || what == Act.DELETE) {
            Kernel.StatResult st = k.stat(p.task(), wholedisk);
            if (!st.isOk()) {
                return errx(wholedisk);
            }
            if (st.stat().type() == Kernel.Stat.Type.REGULAR) {
                if (what == Act.DELETE) {
                    return errx(wholedisk + ": cannot delete partitions");
                }
                return errx(wholedisk + ": partitioned loop devices unsupported");
            } else if (st.stat().type() != Kernel.Stat.Type.BLOCK_DEVICE) {
                return errx(wholedisk + ": not a block device");
            }
        }
        SysResult r = k.open(p.task(), wholedisk, OpenFlags.O_RDONLY);
        if (r.isError()) {
            return errx("cannot open " + wholedisk + ": " + r.errno().strerror());
        }
        int fd = r.intValue();
        int rc;
        try {
            if (what == Act.DELETE) {
                rc = delParts(fd, wholedisk, diskDevno, lower, upper);
            } else {
                PartxProbe.Table tab = probe(fd, sectorSize, type);
                if (tab == null) {
                    warnx(wholedisk + ": failed to read partition table");
                    rc = 1;
                } else {
                    if (verbose && !tab.type().equals("PMBR")) {
                        p.out().print(wholedisk + ": partition table type '" + tab.type() + "' detected\n");
                        if (tab.parts().isEmpty()) {
                            p.out().print(wholedisk + ": partition table with no partitions");
                        }
                    }
                    rc = switch (what) {
                        case SHOW -> showParts(tab, raw, export, noheadings, lower, upper);
                        case LIST -> listParts(tab, lower, upper);
                        case ADD -> addParts(fd, wholedisk, tab, lower, upper);
                        case UPD -> updParts(fd, wholedisk, diskDevno, tab, lower, upper);
                        default -> 0;
                    };
                }
            }
        } finally {
            p.close(fd);
        }
        return rc != 0 ? 1 : 0;
    }

    /** parse_range(): "M", "M:N", "M-N", ":N", "M:". */
    static int[] parseRange(String str) {
        int lower;
        int upper;
        if (str.startsWith(":")) {
            Long u = strtol(str.substring(1), true);
            if (u == null) {
                return null;
            }
            return new int[] {0, (int) (long) u};
        }
        int[] end = {0};
        Long l = strtolPrefix(str, end);
        if (l == null) {
            return null;
        }
        lower = upper = (int) (long) l;
        String rest = str.substring(end[0]);
        if (rest.equals(":")) {
            upper = 0;
        } else if (rest.startsWith("-") || rest.startsWith(":")) {
            Long u = strtol(rest.substring(1), true);
            if (u == null) {
                return null;
            }
            upper = (int) (long) u;
        }
        return new int[] {lower, upper};
    }

    private static Long strtol(String s, boolean whole) {
        int[] end = {0};
        Long v = strtolPrefix(s, end);
        if (v == null || (whole && end[0] != s.length())) {
            return null;
        }
        return v;
    }

    private static Long strtolPrefix(String s, int[] end) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        int start = i;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        int digits = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == digits) {
            return null;
        }
        try {
            long v = Long.parseLong(s.substring(start, i));
            if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                return null;
            }
            end[0] = i;
            return v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- sysfs --------------------------------------------------------------------------------

    /** get_partno_from_device(): sysfs "partition", else the trailing digits of the name. */
    private Integer partnoFromDevice(String partition, int[] devno) {
        if (devno != null) {
            Sysfs.Node found = Sysfs.find(p, devno);
            if (found != null && found.isPartition()) {
                String s = p.readSmall(found.path() + "/partition");
                if (s != null) {
                    try {
                        return Integer.parseInt(s.strip());
                    } catch (NumberFormatException e) {
                        // fall through to the name
                    }
                }
            }
        }
        int end = partition.length();
        if (end == 0 || !Character.isDigit(partition.charAt(end - 1))) {
            return null;
        }
        int q = end - 1;
        while (q > 0 && Character.isDigit(partition.charAt(q - 1))) {
            q--;
        }
        try {
            return Integer.parseInt(partition.substring(q));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** get_max_partno(): the highest "partition" of the disk's partitions in sysfs. */
    private int maxPartno(String disk, int[] devno) {
        if (devno == null) {
            devno = Sysfs.devno(p, disk);
        }
        if (devno == null || disk.lastIndexOf('/') < 0) {
            return SLICES_MAX;
        }
        String parent = disk.substring(disk.lastIndexOf('/') + 1);
        Sysfs.Node found = Sysfs.find(p, devno);
        if (found == null) {
            return SLICES_MAX;
        }
        String dir = found.path();
        Kernel.ListResult entries = k.list(p.task(), dir);
        if (!entries.isOk()) {
            return SLICES_MAX;
        }
        int partno = 0;
        for (String e : entries.names()) {
            if (!e.startsWith(parent)) {
                continue;
            }
            String s = p.readSmall(dir + "/" + e + "/partition");
            if (s == null) {
                continue;
            }
            try {
                int x = Integer.parseInt(s.strip());
                partno = Math.max(partno, x);
            } catch (NumberFormatException ignored) {
                // not a number
            }
        }
        return partno;
    }

    // ---- probing ------------------------------------------------------------------------------

    private PartxProbe.Table probe(int fd, int sectorSizeOverride, String type) {
        int ss = sectorSizeOverride;
        if (ss == 0) {
            IntCell c = new IntCell();
            ss = k.ioctl(p.task(), fd, Ioctl.BLKSSZGET, c).isOk() && c.get() > 0 ? c.get() : 512;
        }
        LongCell size = new LongCell();
        long bytesTotal;
        if (k.ioctl(p.task(), fd, Ioctl.BLKGETSIZE64, size).isOk()) {
            bytesTotal = size.get();
        } else {
            SysResult end = k.lseek(p.task(), fd, 0, 2);
            bytesTotal = end.isOk() ? end.value() : 0;
        }
        int sector = ss;
        PartxProbe.Reader reader = (off, len) -> {
            if (off < 0 || off + len > bytesTotal) {
                return null;
            }
            byte[] b = new byte[len];
            SysResult r = k.pread(p.task(), fd, b, 0, len, off);
            return r.isOk() && r.value() == len ? b : null;
        };
        PartxProbe.Table t = PartxProbe.probe(reader, sector, bytesTotal);
        if (t != null && type != null && !t.type().equals(type)) {
            return null;
        }
        return t;
    }

    // ---- actions ------------------------------------------------------------------------------

    private int maxPartnoOf(PartxProbe.Table tab) {
        int n = 0;
        for (PartxProbe.Part par : tab.parts()) {
            n = Math.max(n, par.partno());
        }
        return n;
    }

    /** recount_range_by_pt(); null after the "does not make sense" warning. */
    private int[] recount(PartxProbe.Table tab, int lower, int upper) {
        int n = maxPartnoOf(tab);
        if (lower < 0) {
            lower = n + lower + 1;
        }
        if (upper < 0) {
            upper = n + upper + 1;
        }
        if (lower > upper && upper != 0) {
            warnx("specified range <" + lower + ":" + upper + "> does not make sense");
            return null;
        }
        if (verbose) {
            p.out().print("range recount: max partno=" + n + ", lower=" + lower + ", upper=" + upper + "\n");
        }
        return new int[] {lower, upper};
    }

    private SysResult blkpg(int fd, BlkpgIoctlArg arg) {
        return k.ioctl(p.task(), fd, Ioctl.BLKPG, arg);
    }

    private int delParts(int fd, String device, int[] devno, int lower, int upper) {
        int rc = 0;
        FailedRange errors = new FailedRange("deleting", device);
        if (lower == 0) {
            lower = 1;
        }
        if (upper == 0 || lower < 0 || upper < 0) {
            int n = maxPartno(device, devno);
            if (upper == 0) {
                upper = n;
            } else if (upper < 0) {
                upper = n + upper + 1;
            }
            if (lower < 0) {
                lower = n + lower + 1;
            }
        }
        if (lower > upper) {
            warnx("specified range <" + lower + ":" + upper + "> does not make sense");
            return -1;
        }
        for (int i = lower; i <= upper; i++) {
            SysResult r = blkpg(fd, BlkpgIoctlArg.del(i));
            if (r.isOk()) {
                if (verbose) {
                    p.out().print(device + ": partition #" + i + " removed\n");
                }
                continue;
            }
            if (r.errno() == Errno.ENXIO) {
                if (verbose) {
                    p.out().print(device + ": partition #" + i + " doesn't exist\n");
                }
                continue;
            }
            rc = -1;
            if (verbose) {
                warn(device + ": deleting partition #" + i + " failed", r.errno());
            }
            errors.failed(i);
        }
        errors.finish();
        return rc;
    }

    /**
     * partx's error report: consecutive partition numbers that failed are reported as one range
     * ({@code error adding partitions 1-2}), a gap starts a new report.
     */
    private final class FailedRange {
        private final String what;
        private final String device;
        private int first;
        private int last;

        FailedRange(String what, String device) {
            this.what = what;
            this.device = device;
        }

        void failed(int n) {
            if (first != 0 && last + 1 != n) {
                finish();
            }
            if (first == 0) {
                first = n;
            }
            last = n;
        }

        void finish() {
            if (first == 0) {
                return;
            }
            warnx(device + ": error " + what + (first == last ? " partition " + first
                    : " partitions " + first + "-" + last));
            first = 0;
        }
    }

    private int addParts(int fd, String device, PartxProbe.Table tab, int lower, int upper) {
        int[] r = recount(tab, lower, upper);
        if (r == null) {
            return -1;
        }
        lower = r[0];
        upper = r[1];
        int rc = 0;
        FailedRange errors = new FailedRange("adding", device);
        for (PartxProbe.Part par : tab.parts()) {
            int n = par.partno();
            if ((lower != 0 && n < lower) || (upper != 0 && n > upper)) {
                continue;
            }
            long size = par.extended() ? Math.min(par.size(), 2) : par.size();
            SysResult res = blkpg(fd, BlkpgIoctlArg.add(n, par.start() << 9, size << 9));
            if (res.isOk()) {
                if (verbose) {
                    p.out().print(device + ": partition #" + n + " added\n");
                }
                continue;
            }
            rc = -1;
            if (verbose) {
                warn(device + ": adding partition #" + n + " failed", res.errno());
            }
            errors.failed(n);
        }
        errors.finish();
        return rc;
    }

    private int updParts(int fd, String device, int[] devno, PartxProbe.Table tab, int lower, int upper) {
        int rc = 0;
        FailedRange errors = new FailedRange("updating", device);
        int nparts = tab.parts().size();
        if (lower == 0) {
            lower = 1;
        }
        if (upper == 0 || lower < 0 || upper < 0) {
            int n = maxPartno(device, devno);
            if (upper == 0) {
                upper = Math.max(n, nparts);
            } else if (upper < 0) {
                upper = n + upper + 1;
            }
            if (lower < 0) {
                lower = n + lower + 1;
            }
        }
        if (lower > upper) {
            warnx("specified range <" + lower + ":" + upper + "> does not make sense");
            return -1;
        }
        Errno lastErrno = null;
        for (int n = lower; n <= upper; n++) {
            PartxProbe.Part par = null;
            for (PartxProbe.Part x : tab.parts()) {
                if (x.partno() == n) {
                    par = x;
                    break;
                }
            }
            if (par == null) {
                if (verbose) {
                    warn(device + ": no partition #" + n, lastErrno);
                }
                continue;
            }
            long start = par.start();
            long size = par.extended() ? Math.min(par.size(), 2) : par.size();
            SysResult del = blkpg(fd, BlkpgIoctlArg.del(n));
            Errno err = del.isOk() ? null : del.errno();
            if (err != null) {
                lastErrno = err;
            }
            if (err == Errno.ENXIO) {
                err = null;
            }
            if (err == Errno.EBUSY) {
                SysResult rs = blkpg(fd, BlkpgIoctlArg.resize(n, start << 9, size << 9));
                err = rs.isOk() ? null : rs.errno();
                if (err != null) {
                    lastErrno = err;
                }
                if (verbose) {
                    p.out().print(device + ": partition #" + n + " resized\n");
                }
                if (err == null) {
                    continue;
                }
            }
            if (err == null) {
                SysResult add = blkpg(fd, BlkpgIoctlArg.add(n, start << 9, size << 9));
                if (add.isOk()) {
                    if (verbose) {
                        p.out().print(device + ": partition #" + n + " added\n");
                    }
                    continue;
                }
                lastErrno = add.errno();
                continue;
            }
            rc = -1;
            if (verbose) {
                warn(device + ": updating partition #" + n + " failed", err);
            }
            errors.failed(n);
        }
        errors.finish();
        return rc;
    }

    private int listParts(PartxProbe.Table tab, int lower, int upper) {
        int[] r = recount(tab, lower, upper);
        if (r == null) {
            return -1;
        }
        StringBuilder out = new StringBuilder();
        for (PartxProbe.Part par : tab.parts()) {
            int n = par.partno();
            if ((r[0] != 0 && n < r[0]) || (r[1] != 0 && n > r[1])) {
                continue;
            }
            long start = par.start();
            long size = par.size();
            out.append(String.format("#%2d: %9d-%9d (%9d %s, %6d MB)%n", n, start, start + size - 1, size,
                    size == 1 ? "sector" : "sectors", (size << 9) / 1000000));
        }
        p.out().print(out.toString());
        return 0;
    }

    private int showParts(PartxProbe.Table tab, boolean raw, boolean export, boolean noheadings, int lower, int upper) {
        if (tab.parts().isEmpty()) {
            return 0;
        }
        FdiskCols t = new FdiskCols().format(export ? FdiskCols.Format.EXPORT
                : raw ? FdiskCols.Format.RAW : FdiskCols.Format.HUMAN).noHeadings(noheadings);
        for (int id : columns) {
            t.column(COLS[id], HINTS[id], RIGHT[id]);
        }
        int[] r = recount(tab, lower, upper);
        if (r == null) {
            return -1;
        }
        for (PartxProbe.Part par : tab.parts()) {
            int n = par.partno();
            if ((r[0] != 0 && n < r[0]) || (r[1] != 0 && n > r[1])) {
                continue;
            }
            String[] row = new String[columns.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = switch (columns.get(i)) {
                    case COL_NR -> Integer.toString(n);
                    case COL_START -> Long.toString(par.start());
                    case COL_END -> Long.toString(par.start() + par.size() - 1);
                    case COL_SECTORS -> Long.toString(par.size());
                    case COL_SIZE -> bytes ? Long.toString(par.size() << 9)
                            : Sizes.human(Sizes.SUFFIX_1LETTER, par.size() << 9);
                    case COL_NAME -> par.name();
                    case COL_UUID -> par.uuid();
                    case COL_TYPE -> par.typeString() != null ? par.typeString() : "0x" + Integer.toHexString(par.type());
                    case COL_FLAGS -> "0x" + Long.toHexString(par.flags());
                    case COL_SCHEME -> tab.type();
                    default -> null;
                };
            }
            t.line(row);
        }
        p.out().print(t.render());
        return 0;
    }
}
