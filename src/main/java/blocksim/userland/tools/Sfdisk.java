package blocksim.userland.tools;

import blocksim.api.Kernel;
import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.Ioctl;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Io;
import blocksim.userland.Proc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * util-linux 2.38.1 {@code sfdisk}: the script mode ({@code sfdisk DEV < script}) that creates a
 * dos or gpt label and its partitions with libfdisk's rules and writes it, then asks the kernel
 * to re-read it (BLKRRPART); {@code --dump}, {@code --list}, {@code --list-types},
 * {@code --show-size} and {@code --show-geometry}; with the real tool's messages, stdout fully
 * buffered and flushed before each warning, as sfdisk's ask callback does.
 */
public final class Sfdisk {

    private enum Act { FDISK, DUMP, LIST, LIST_TYPES, SHOW_SIZE, SHOW_GEOM, ACTIVATE, DELETE, OTHER }

    private static final int DONE_EOF = 1;
    private static final int DONE_ABORT = 2;
    private static final int DONE_WRITE = 3;
    private static final int DONE_ASK = 4;
    private static final String PROMPT = ">>> ";

    private final Proc p;
    private final FdiskContext cxt;
    private Act act;
    private int partno = -1;
    private String label;
    private boolean quiet;
    private boolean noreread;
    private boolean force;
    private boolean append;
    private boolean notell;
    private boolean noact;
    private boolean bytes;
    private boolean json;
    /** --wipe: 0 auto, 1 never, 2 always. */
    private int wipemode;
    private String prompt;
    /** Working on the protective MBR of a GPT disk (a nested context: no re-read). */
    private boolean nested;

    /** usage() as the real tool prints it into a pipe. */
    private static final String USAGE = """

            Usage:
             sfdisk [options] <dev> [[-N] <part>]
             sfdisk [options] <command>

            Display or manipulate a disk partition table.

            Commands:
             -A, --activate <dev> [<part> ...] list or set bootable (P)MBR partitions
             -d, --dump <dev>                  dump partition table (usable for later input)
             -J, --json <dev>                  dump partition table in JSON format
             -B, --backup-pt-sectors <dev>     binary partition table backup (see -b and -O)
             -g, --show-geometry [<dev> ...]   list geometry of all or specified devices
             -l, --list [<dev> ...]            list partitions of each device
             -F, --list-free [<dev> ...]       list unpartitioned free areas of each device
             -r, --reorder <dev>               fix partitions order (by start offset)
             -s, --show-size [<dev> ...]       list sizes of all or specified devices
             -T, --list-types                  print the recognized types (see -X)
             -V, --verify [<dev> ...]          test whether partitions seem correct
                 --delete <dev> [<part> ...]   delete all or specified partitions

             --part-label <dev> <part> [<str>] print or change partition label
             --part-type <dev> <part> [<type>] print or change partition type
             --part-uuid <dev> <part> [<uuid>] print or change partition uuid
             --part-attrs <dev> <part> [<str>] print or change partition attributes

             --disk-id <dev> [<str>]           print or change disk label ID (UUID)
             --relocate <oper> <dev>           move partition header

            Arguments:
             <dev>                     device (usually disk) path
             <part>                    partition number
             <type>                    partition type, GUID for GPT, hex for MBR

            Options:
             -a, --append              append partitions to existing partition table
             -b, --backup              backup partition table sectors (see -O)
                 --bytes               print SIZE in bytes rather than in human readable format
                 --move-data[=<typescript>] move partition data after relocation (requires -N)
                 --move-use-fsync      use fsync after each write when move data
             -f, --force               disable all consistency checking
                 --color[=<when>]      colorize output (auto, always or never)
                                         colors are enabled by default
                 --lock[=<mode>]       use exclusive device lock (yes, no or nonblock)
             -N, --partno <num>        specify partition number
             -n, --no-act              do everything except write to device
                 --no-reread           do not check whether the device is in use
                 --no-tell-kernel      do not tell kernel about changes
             -O, --backup-file <path>  override default backup file name
             -o, --output <list>       output columns
             -q, --quiet               suppress extra info messages
             -w, --wipe <mode>         wipe signatures (auto, always or never)
             -W, --wipe-partitions <mode>  wipe signatures from new partitions (auto, always or never)
             -X, --label <name>        specify label type (dos, gpt, ...)
             -Y, --label-nested <name> specify nested label type (dos, bsd)

             -G, --show-pt-geometry    deprecated, alias to --show-geometry
             -L, --Linux               deprecated, only for backward compatibility
             -u, --unit S              deprecated, only sector unit is supported

             -h, --help                display this help
             -v, --version             display version

            Available output columns:
             gpt: Device Start End Sectors Size Type Type-UUID Attrs Name UUID
             dos: Device Start End Sectors Cylinders Size Type Id Attrs Boot End-C/H/S
                  Start-C/H/S
             bsd: Slice Start End Sectors Cylinders Size Type Bsize Cpg Fsize
             sgi: Device Start End Sectors Cylinders Size Type Id Attrs
             sun: Device Start End Sectors Cylinders Size Type Id Flags

            For more details see sfdisk(8).
            """;

    private Sfdisk(Proc p) {
        this.p = p;
        this.cxt = new FdiskContext(p);
    }

    /** Runs sfdisk with the process's arguments. */
    public static int run(Proc p) {
        return new Sfdisk(p).main();
    }

    private static final List<Getopt.LongOpt> LONGOPTS = List.of(
            new Getopt.LongOpt("activate", 0, 'A'),
            new Getopt.LongOpt("append", 0, 'a'),
            new Getopt.LongOpt("backup-pt-sectors", 0, 'B'),
            new Getopt.LongOpt("backup", 0, 'b'),
            new Getopt.LongOpt("backup-file", 1, 'O'),
            new Getopt.LongOpt("bytes", 0, 1000),
            new Getopt.LongOpt("color", 2, 1001),
            new Getopt.LongOpt("lock", 2, 1002),
            new Getopt.LongOpt("delete", 0, 1003),
            new Getopt.LongOpt("dump", 0, 'd'),
            new Getopt.LongOpt("help", 0, 'h'),
            new Getopt.LongOpt("force", 0, 'f'),
            new Getopt.LongOpt("json", 0, 'J'),
            new Getopt.LongOpt("label", 1, 'X'),
            new Getopt.LongOpt("label-nested", 1, 'Y'),
            new Getopt.LongOpt("list", 0, 'l'),
            new Getopt.LongOpt("list-free", 0, 'F'),
            new Getopt.LongOpt("list-types", 0, 'T'),
            new Getopt.LongOpt("no-act", 0, 'n'),
            new Getopt.LongOpt("no-reread", 0, 1004),
            new Getopt.LongOpt("no-tell-kernel", 0, 1005),
            new Getopt.LongOpt("move-data", 2, 1006),
            new Getopt.LongOpt("move-use-fsync", 0, 1007),
            new Getopt.LongOpt("output", 1, 'o'),
            new Getopt.LongOpt("partno", 1, 'N'),
            new Getopt.LongOpt("reorder", 0, 'r'),
            new Getopt.LongOpt("show-geometry", 0, 'g'),
            new Getopt.LongOpt("quiet", 0, 'q'),
            new Getopt.LongOpt("verify", 0, 'V'),
            new Getopt.LongOpt("version", 0, 'v'),
            new Getopt.LongOpt("wipe", 1, 'w'),
            new Getopt.LongOpt("wipe-partitions", 1, 'W'),
            new Getopt.LongOpt("relocate", 0, 1008),
            new Getopt.LongOpt("part-uuid", 0, 1009),
            new Getopt.LongOpt("part-label", 0, 1010),
            new Getopt.LongOpt("part-type", 0, 1011),
            new Getopt.LongOpt("part-attrs", 0, 1012),
            new Getopt.LongOpt("disk-id", 0, 1013),
            new Getopt.LongOpt("show-pt-geometry", 0, 'G'),
            new Getopt.LongOpt("unit", 1, 'u'),
            new Getopt.LongOpt("Linux", 0, 'L'),
            new Getopt.LongOpt("show-size", 0, 's'),
            new Getopt.LongOpt("change-id", 0, 1014),
            new Getopt.LongOpt("id", 0, 'c'),
            new Getopt.LongOpt("print-id", 0, 1015));

    /** errx(): "sfdisk: msg" on stderr (stdout is not flushed first, as in glibc). */
    private int errx(String msg) {
        p.err().print(p.name() + ": " + msg + "\n");
        return 1;
    }

    private int main() {
        Getopt g = new Getopt(p.name(), "aAbBcdfFgGhJlLo:O:nN:qrsTu:vVX:Y:w:W:", LONGOPTS);
        g.parse(p.args());
        boolean verify = false;
        for (Getopt.Opt o : g.opts) {
            switch (o.key()) {
                case 'a' -> append = true;
                case 'd' -> act = Act.DUMP;
                case 'J' -> {
                    json = true;
                    act = Act.DUMP;
                }
                case 'f' -> force = true;
                case 'g', 'G' -> act = Act.SHOW_GEOM;
                case 'h' -> {
                    p.out().print(USAGE);
                    return 0;
                }
                case 'l' -> act = Act.LIST;
                case 'n' -> noact = true;
                case 'N' -> {
                    Strutils.Num n = Strutils.u32(o.arg());
                    if (!n.ok()) {
                        return errx(n.message("failed to parse partition number", o.arg()));
                    }
                    partno = (int) (n.value() - 1);
                }
                case 'q' -> quiet = true;
                case 's' -> act = Act.SHOW_SIZE;
                case 'T' -> act = Act.LIST_TYPES;
                case 'u' -> {
                    if (!o.arg().startsWith("S")) {
                        return errx("unsupported unit '" + (o.arg().isEmpty() ? "" : o.arg().charAt(0)) + "'");
                    }
                }
                case 'v' -> {
                    p.out().print("sfdisk from util-linux 2.38.1\n");
                    return 0;
                }
                case 'V' -> verify = true;
                case 'X' -> label = o.arg();
                case 1000 -> bytes = true;
                case 'w', 'W' -> {
                    int m = switch (o.arg().toLowerCase(java.util.Locale.ROOT)) {
                        case "auto" -> 0;
                        case "never" -> 1;
                        case "always" -> 2;
                        default -> -1;
                    };
                    if (m < 0) {
                        return errx("unsupported wipe mode");
                    }
                    if (o.key() == 'w') {
                        wipemode = m;
                    }
                }
                case 1004 -> noreread = true;
                case 1005 -> notell = true;
                case 'L' -> {
                    p.err().print(p.name() + ": --Linux option is unnecessary and deprecated\n");
                }
                case 'A' -> act = Act.ACTIVATE;
                case 1003 -> act = Act.DELETE;
                case 'B', 'F', 'r', 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 'c' -> act = Act.OTHER;
                default -> {
                }
            }
        }
        if (g.error != null) {
            p.err().print(g.error + "\n");
            return p.tryHelp();
        }
        if (act == null) {
            act = verify ? Act.OTHER : Act.FDISK;
        }
        cxt.quiet = quiet;
        cxt.protectBootbits = wipemode != 2;
        List<String> args = g.operands;
        return switch (act) {
            case FDISK -> commandFdisk(args);
            case DUMP -> commandDump(args);
            case LIST -> commandList(args);
            case LIST_TYPES -> commandListTypes();
            case SHOW_SIZE -> commandShowSize(args);
            case SHOW_GEOM -> commandShowGeometry(args);
            case ACTIVATE -> commandActivate(args);
            case DELETE -> commandDelete(args);
            case OTHER -> errx("this command is not supported by the simulator");
        };
    }

    // ---- devices --------------------------------------------------------------------------------

    /** assign_device(): opens the device or exits with "cannot open". */
    private boolean assignDevice(String devname, boolean rdonly) {
        Errno e = cxt.assign(devname, rdonly);
        if (e != null) {
            errx("cannot open " + devname + ": " + e.strerror());
            return false;
        }
        return true;
    }

    private void deassign(boolean nosync) {
        if (cxt.fd < 0) {
            return;
        }
        if (!cxt.readonly) {
            cxt.fsync();
        }
        p.kernel().close(p.task(), cxt.fd);
        cxt.fd = -1;
        if (!cxt.readonly && !nosync) {
            cxt.info("Syncing disks.");
        }
    }

    /** The whole disks listed in /proc/partitions, as next_proc_partition() finds them. */
    private List<String> procPartitions() {
        List<String> out = new ArrayList<>();
        SysResult r = p.open("/proc/partitions", OpenFlags.O_RDONLY);
        if (r.isError()) {
            p.err().print(p.name() + ": cannot open /proc/partitions: " + r.errno().strerror() + "\n");
            return out;
        }
        Io.KernelFile f = new Io.KernelFile(p.kernel(), p.task(), r.intValue());
        byte[] data = p.readAll(f, "/proc/partitions");
        f.close();
        if (data == null) {
            return out;
        }
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            String[] w = line.trim().split("\\s+");
            if (w.length != 4 || !w[0].matches("\\d+")) {
                continue;
            }
            String name = w[3];
            Kernel.StatResult st = p.kernel().stat(p.task(), "/sys/block/" + name);
            if (!st.isOk()) {
                continue;
            }
            out.add("/dev/" + name);
        }
        return out;
    }

    // ---- listing ------------------------------------------------------------------------------

    /**
     * libfdisk's {@code fdisk_get_devmodel}: {@code /sys/block/DISK/device/model} with its trailing
     * blanks cut, or null for a disk without one (or a partition's path).
     */
    private String devModel() {
        String name = cxt.devPath.startsWith("/dev/") ? cxt.devPath.substring(5) : null;
        String m = name == null ? null : p.readSmall("/sys/block/" + name + "/device/model");
        if (m == null) {
            return null;
        }
        m = m.strip();
        return m.isEmpty() ? null : m;
    }

    /** list_disk_geometry(). */
    private void listDiskGeometry() {
        long b = cxt.totalSectors * cxt.sectorSize;
        cxt.info("Disk " + cxt.devPath + ": "
                + Sizes.human(Sizes.DECIMAL_2DIGITS | Sizes.SUFFIX_SPACE | Sizes.SUFFIX_3LETTER, b)
                + ", " + b + " bytes, " + cxt.totalSectors + " sectors");
        String model = devModel();
        if (model != null) {
            cxt.info("Disk model: " + model);
        }
        cxt.info("Units: sectors of 1 * " + cxt.sectorSize + " = " + cxt.sectorSize + " bytes");
        cxt.info("Sector size (logical/physical): " + cxt.sectorSize + " bytes / " + cxt.phySectorSize + " bytes");
        long optimal = cxt.optimalIoSize != 0 ? cxt.optimalIoSize : cxt.ioSize;
        cxt.info("I/O size (minimum/optimal): " + cxt.minIoSize + " bytes / " + optimal + " bytes");
        if (cxt.alignmentOffset != 0) {
            cxt.info("Alignment offset: " + cxt.alignmentOffset + " bytes");
        }
        listDiskIdentifier();
    }

    /** list_disk_identifier(). */
    private void listDiskIdentifier() {
        if (cxt.hasLabel()) {
            cxt.info("Disklabel type: " + cxt.label.name());
            cxt.info("Disk identifier: " + cxt.label.diskId());
        }
    }

    private List<FdiskLabel.Part> partitions() {
        List<FdiskLabel.Part> out = new ArrayList<>();
        if (cxt.label == null) {
            return out;
        }
        for (int i = 0; i < cxt.label.nPartsMax(); i++) {
            FdiskLabel.Part pa = cxt.label.partition(i);
            if (pa != null) {
                out.add(pa);
            }
        }
        return out;
    }

    private String sizeString(long sectors) {
        long sz = sectors * cxt.sectorSize;
        return bytes ? Long.toString(sz) : Sizes.human(Sizes.SUFFIX_1LETTER, sz);
    }

    /** list_disklabel(): the partition table and the warnings after it. */
    private void listDisklabel() {
        List<FdiskLabel.Part> parts = partitions();
        if (parts.isEmpty()) {
            return;
        }
        boolean dos = cxt.label instanceof FdiskDos;
        FdiskCols t = new FdiskCols();
        t.column("Device", 10, false);
        if (dos) {
            t.column("Boot", 1, false);
        }
        t.column("Start", 5, true).column("End", 5, true).column("Sectors", 5, true).column("Size", 5, true);
        if (dos) {
            t.column("Id", 2, true);
        }
        t.column("Type", 0.1, false);
        for (FdiskLabel.Part pa : parts) {
            List<String> row = new ArrayList<>();
            row.add(FdiskContext.partname(cxt.devPath, pa.partno + 1));
            if (dos) {
                row.add(pa.boot ? "*" : null);
            }
            row.add(Long.toString(pa.start));
            row.add(Long.toString(pa.end()));
            row.add(Long.toString(pa.size));
            row.add(sizeString(pa.size));
            if (dos) {
                row.add(Integer.toHexString(pa.type.code()));
            }
            row.add(pa.type.name());
            t.line(row.toArray(new String[0]));
        }
        cxt.info("");
        p.out().print(t.render());
        boolean post = false;
        for (FdiskLabel.Part pa : parts) {
            if (!cxt.lbaIsPhyAligned(pa.start)) {
                if (!post) {
                    cxt.info("");
                }
                cxt.warnx("Partition " + (pa.partno + 1) + " does not start on physical sector boundary.");
                post = true;
            }
        }
        long last = 0;
        boolean wrong = false;
        for (FdiskLabel.Part pa : parts) {
            if (pa.start < last) {
                wrong = true;
                break;
            }
            last = pa.start;
        }
        if (wrong) {
            if (!post) {
                cxt.info("");
            }
            cxt.info("Partition table entries are not in disk order.");
        }
    }

    private int commandList(List<String> args) {
        cxt.listOnly = true;
        List<String> devs = args.isEmpty() ? procPartitions() : args;
        int fail = 0;
        for (int i = 0; i < devs.size(); i++) {
            String dev = devs.get(i);
            Errno e = cxt.assign(dev, true);
            if (e != null) {
                if (!args.isEmpty() || e == Errno.EACCES) {
                    p.err().print(p.name() + ": cannot open " + dev + ": " + e.strerror() + "\n");
                }
                fail++;
                continue;
            }
            if (i > 0) {
                p.out().print("\n\n");
            }
            listDiskGeometry();
            if (cxt.hasLabel()) {
                listDisklabel();
            }
            deassign(true);
        }
        return fail == 0 ? 0 : 1;
    }

    private int commandDump(List<String> args) {
        if (args.isEmpty()) {
            return errx("no disk device specified");
        }
        String devname = args.getFirst();
        if (!assignDevice(devname, true)) {
            return 1;
        }
        if (!cxt.hasLabel()) {
            deassign(true);
            return errx(devname + ": does not contain a recognized partition table");
        }
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"label", cxt.label.name()});
        headers.add(new String[] {"label-id", cxt.label.diskId()});
        headers.add(new String[] {"device", devname});
        headers.add(new String[] {"unit", "sectors"});
        if (cxt.label instanceof FdiskGpt gpt) {
            headers.add(new String[] {"first-lba", Long.toString(gpt.firstUsableLba())});
            headers.add(new String[] {"last-lba", Long.toString(gpt.lastUsableLba())});
            if (gpt.nPartsMax() != FdiskGpt.NPARTITIONS) {
                headers.add(new String[] {"table-length", Integer.toString(gpt.nPartsMax())});
            }
        }
        if (cxt.grain != FdiskContext.MIB) {
            headers.add(new String[] {"grain", Long.toString(cxt.grain)});
        }
        headers.add(new String[] {"sector-size", Integer.toString(cxt.sectorSize)});
        List<FdiskLabel.Part> parts = partitions();
        boolean dos = cxt.label instanceof FdiskDos;
        StringBuilder out = new StringBuilder();
        if (json) {
            dumpJson(out, headers, parts, devname, dos);
        } else {
            for (String[] h : headers) {
                out.append(h[0]).append(": ").append(h[1]).append('\n');
            }
            if (!parts.isEmpty()) {
                out.append('\n');
            }
            for (FdiskLabel.Part pa : parts) {
                out.append(FdiskContext.partname(devname, pa.partno + 1)).append(" :");
                out.append(String.format(" start=%12d", pa.start));
                out.append(String.format(", size=%12d", pa.size));
                out.append(", type=").append(typeString(pa));
                if (pa.uuid != null) {
                    out.append(", uuid=").append(pa.uuid);
                }
                if (pa.name != null && !pa.name.isEmpty()) {
                    out.append(", name=").append(FdiskCols.quoted(pa.name));
                }
                if (pa.attrs != null && !dos) {
                    out.append(", attrs=\"").append(pa.attrs).append('"');
                }
                if (pa.boot) {
                    out.append(", bootable");
                }
                out.append('\n');
            }
        }
        p.out().print(out.toString());
        deassign(true);
        return 0;
    }

    private static String typeString(FdiskLabel.Part pa) {
        if (pa.type.typestr() != null && !pa.type.typestr().isEmpty()) {
            return pa.type.typestr();
        }
        return Integer.toHexString(pa.type.code());
    }

    /** fputs_quoted_json() (lib/jsonwrt.c, shared by libfdisk and libsmartcols). */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"', '\\' -> b.append('\\').append(c);
                case '\b' -> b.append("\\b");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\f' -> b.append("\\f");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u00%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** write_file_json(): libfdisk's JSON dump, three spaces per level. */
    private static void dumpJson(StringBuilder out, List<String[]> headers, List<FdiskLabel.Part> parts,
                                 String devname, boolean dos) {
        out.append("{\n   \"partitiontable\": {");
        boolean first = true;
        for (String[] h : headers) {
            String name = h[0];
            boolean num = false;
            switch (name) {
                case "first-lba" -> {
                    name = "firstlba";
                    num = true;
                }
                case "last-lba" -> {
                    name = "lastlba";
                    num = true;
                }
                case "sector-size" -> {
                    name = "sectorsize";
                    num = true;
                }
                case "label-id" -> name = "id";
                default -> {
                }
            }
            out.append(first ? "\n" : ",\n").append("      ").append(jsonString(name)).append(": ")
                    .append(num ? h[1] : jsonString(h[1]));
            first = false;
        }
        if (!parts.isEmpty()) {
            out.append(",\n      \"partitions\": [\n");
            for (int i = 0; i < parts.size(); i++) {
                FdiskLabel.Part pa = parts.get(i);
                out.append(i == 0 ? "         {" : "},{");
                List<String> fields = new ArrayList<>();
                fields.add("\"node\": " + jsonString(FdiskContext.partname(devname, pa.partno + 1)));
                fields.add("\"start\": " + pa.start);
                fields.add("\"size\": " + pa.size);
                fields.add("\"type\": " + jsonString(typeString(pa)));
                if (pa.uuid != null) {
                    fields.add("\"uuid\": " + jsonString(pa.uuid));
                }
                if (pa.name != null && !pa.name.isEmpty()) {
                    fields.add("\"name\": " + jsonString(pa.name));
                }
                if (pa.attrs != null && !dos) {
                    fields.add("\"attrs\": " + jsonString(pa.attrs));
                }
                if (pa.boot) {
                    fields.add("\"bootable\": true");
                }
                out.append("\n            ").append(String.join(",\n            ", fields)).append("\n         ");
            }
            out.append("}\n      ]");
        }
        out.append("\n   }\n}\n");
    }

    private int commandListTypes() {
        String name = label != null ? label : "dos";
        String l = FdiskScript.labelName(name);
        if (l == null || !(l.equals("dos") || l.equals("gpt"))) {
            return errx("unsupported label '" + name + "'");
        }
        StringBuilder out = new StringBuilder("Id  Name\n\n");
        if (l.equals("dos")) {
            for (FdiskTypes.Type t : FdiskTypes.DOS) {
                out.append(String.format("%2x  %s%n", t.code(), t.name()));
            }
        } else {
            for (FdiskTypes.Type t : FdiskTypes.GPT) {
                out.append(t.typestr()).append("  ").append(t.name()).append('\n');
            }
        }
        p.out().print(out.toString());
        return 0;
    }

    private Long deviceSectors(String dev, boolean silent) {
        SysResult r = p.open(dev, OpenFlags.O_RDONLY);
        if (r.isError()) {
            if (!silent) {
                p.err().print(p.name() + ": cannot open " + dev + ": " + r.errno().strerror() + "\n");
            }
            return null;
        }
        LongCell c = new LongCell();
        SysResult ir = p.kernel().ioctl(p.task(), r.intValue(), Ioctl.BLKGETSIZE64, c);
        p.close(r.intValue());
        if (ir.isError()) {
            if (!silent) {
                p.err().print(p.name() + ": Cannot get size of " + dev + ": " + ir.errno().strerror() + "\n");
            }
            return null;
        }
        return c.get() >>> 9;
    }

    private int commandShowSize(List<String> args) {
        if (!args.isEmpty()) {
            for (String dev : args) {
                Long sz = deviceSectors(dev, false);
                if (sz != null) {
                    p.out().print(sz / 2 + "\n");
                }
            }
            return 0;
        }
        long total = 0;
        for (String dev : procPartitions()) {
            Long sz = deviceSectors(dev, true);
            if (sz != null) {
                p.out().print(String.format("%s: %9d%n", dev, sz / 2));
                total += sz / 2;
            }
        }
        if (total != 0) {
            p.out().print("total: " + total + " blocks\n");
        }
        return 0;
    }

    private int commandShowGeometry(List<String> args) {
        cxt.listOnly = true;
        List<String> devs = args.isEmpty() ? procPartitions() : args;
        for (String dev : devs) {
            if (!assignDevice(dev, true)) {
                return 1;
            }
            cxt.info(dev + ": " + cxt.cylinders + " cylinders, " + cxt.heads + " heads, " + cxt.sectors
                    + " sectors/track");
            deassign(true);
        }
        return 0;
    }

    /** sfdisk --delete DEV [N...]. */
    private int commandDelete(List<String> args) {
        if (args.isEmpty()) {
            return errx("no disk device specified");
        }
        String devname = args.getFirst();
        if (!assignDevice(devname, false)) {
            return 1;
        }
        if (cxt.label == null) {
            return errx(devname + ": partition 1: failed to delete");
        }
        if (args.size() == 1) {
            int nparts = cxt.label.nPartsMax();
            for (int i = 0; i < nparts; i++) {
                if (cxt.label.partition(i) != null && cxt.label.delete(i) != 0) {
                    return errx(devname + ": partition " + (i + 1) + ": failed to delete");
                }
            }
        } else {
            for (String a : args.subList(1, args.size())) {
                Strutils.Num n = Strutils.u32(a);
                if (!n.ok()) {
                    return errx(n.message("failed to parse partition number", a));
                }
                if (cxt.label.delete((int) (n.value() - 1)) != 0) {
                    return errx(devname + ": partition " + n.value() + ": failed to delete");
                }
            }
        }
        return writeChanges() == 0 ? 0 : 1;
    }

    /** sfdisk --activate DEV [N...|-]: list or set the bootable flags (of the PMBR on a GPT disk). */
    private int commandActivate(List<String> args) {
        if (args.isEmpty()) {
            return errx("no disk device specified");
        }
        String devname = args.getFirst();
        boolean listonly = args.size() == 1;
        if (!assignDevice(devname, listonly)) {
            return 1;
        }
        if (cxt.label instanceof FdiskGpt) {
            if (FdiskDos.isHybrid(cxt.firstSector)) {
                return errx("toggle boot flags is unsupported for Hybrid GPT/MBR");
            }
            FdiskDos pmbr = new FdiskDos(cxt);
            cxt.listOnly = true;
            pmbr.probe();
            cxt.label = pmbr;
            nested = true;
            cxt.info("Activation is unsupported for GPT -- entering nested PMBR.");
        } else if (!(cxt.label instanceof FdiskDos)) {
            return errx("toggle boot flags is supported for MBR or PMBR only");
        }
        FdiskDos dos = (FdiskDos) cxt.label;
        int nparts = dos.nPartsMax();
        for (int i = 0; i < nparts; i++) {
            FdiskLabel.Part pa = dos.partition(i);
            if (pa == null || !pa.boot) {
                continue;
            }
            if (listonly) {
                p.out().print(FdiskContext.partname(devname, i + 1) + "\n");
            } else {
                dos.toggleBootable(i);
            }
        }
        for (int i = 1; i < args.size(); i++) {
            if (i == 1 && args.get(1).equals("-")) {
                break;
            }
            Strutils.Num n = Strutils.u32(args.get(i));
            if (!n.ok()) {
                return errx(n.message("failed to parse partition number", args.get(i)));
            }
            if (dos.toggleBootable((int) (n.value() - 1)) != 0) {
                return errx(devname + ": partition " + (i + 1) + ": failed to toggle bootable flag");
            }
        }
        if (listonly) {
            deassign(true);
            return 0;
        }
        return writeChanges() == 0 ? 0 : 1;
    }

    // ---- script mode --------------------------------------------------------------------------

    private boolean hasContainerOrUnused() {
        if (cxt.label == null) {
            return false;
        }
        for (int i = 0; i < cxt.label.nPartsMax(); i++) {
            FdiskLabel.Part pa = cxt.label.partition(i);
            if (pa == null || pa.container) {
                return true;
            }
        }
        return false;
    }

    private int lastPtPartno() {
        int n = 0;
        for (FdiskLabel.Part pa : partitions()) {
            n = Math.max(n, pa.partno);
        }
        return n;
    }

    private void refreshPrompt(String devname, int nextPartno, boolean created) {
        if (created) {
            String partname = FdiskContext.partname(devname, nextPartno + 1);
            if (prompt == null || !prompt.startsWith(partname)) {
                prompt = partname + ": ";
            }
        } else if (prompt == null || !prompt.startsWith(PROMPT)) {
            prompt = PROMPT;
        }
    }

    private static boolean ignorePartition(FdiskLabel.Part pa) {
        if (!pa.hasStart() && !pa.startDefault) {
            return true;
        }
        if (!pa.hasSize() && !pa.endDefault) {
            return true;
        }
        return pa.hasStart() && pa.start == 0 && pa.hasSize() && pa.size == 0;
    }

    /** fdisk_apply_script_headers(): a new label from the script's "label" header. */
    private int applyScriptHeaders(FdiskScript dp) {
        cxt.script = dp;
        String name = dp.header("label");
        if (name == null) {
            return -Errno.EINVAL.number();
        }
        String l = FdiskScript.labelName(name);
        if (l == null) {
            return -Errno.EINVAL.number();
        }
        return cxt.createLabel(l);
    }

    private static final String FDISK_HELP = """

            Help:

             Commands:
               write    write table to disk and exit
               quit     show new situation and wait for user's feedback before write
               abort    exit sfdisk shell
               print    display the partition table
               help     show this help text

               Ctrl-D   the same as 'quit'

             Input format:
               <start>, <size>, <type>, <bootable>

               <start>  Beginning of the partition in sectors, or bytes if
                        specified in the format <number>{K,M,G,T,P,E,Z,Y}.
                        The default is the first free space.

               <size>   Size of the partition in sectors, or bytes if
                        specified in the format <number>{K,M,G,T,P,E,Z,Y}.
                        The default is all available space.

               <type>   The partition type.  Default is a Linux data partition.
                        MBR: hex or L,S,Ex,X,U,R,V shortcuts.
                        GPT: UUID or L,S,H,U,R,V shortcuts.

               <bootable>  Use '*' to mark an MBR partition as bootable.

             Example:
               , 4G     Creates a 4GiB partition at default start offset.

            """;

    private int loopControlCommands(FdiskScript dp, String buf) {
        String s = buf.stripLeading();
        switch (s) {
            case "print" -> {
                listDisklabel();
                return 0;
            }
            case "help" -> {
                p.out().print(FDISK_HELP);
                return 0;
            }
            case "quit" -> {
                return DONE_ASK;
            }
            case "write" -> {
                return DONE_WRITE;
            }
            case "abort" -> {
                return DONE_ABORT;
            }
            default -> {
                cxt.warnx("line " + dp.nlines + ": unsupported command");
                return -Errno.EINVAL.number();
            }
        }
    }

    private int commandFdisk(List<String> args) {
        int created = 0;
        int ignored = 0;
        String devname = args.isEmpty() ? null : args.getFirst();
        if (partno < 0 && args.size() > 1) {
            Strutils.Num n = Strutils.u32(args.get(1));
            if (!n.ok()) {
                return errx(n.message("failed to parse partition number", args.get(1)));
            }
            partno = (int) n.value();
        }
        if (devname == null) {
            return errx("no disk device specified");
        }
        if (!assignDevice(devname, false)) {
            return 1;
        }
        FdiskScript dp = new FdiskScript(cxt, p.readStdin());
        cxt.script = dp;
        int nextPartno = -1;
        if (partno >= 0) {
            if (!cxt.hasLabel()) {
                return errx(devname + ": cannot modify partition " + (partno + 1) + ": no partition table was found");
            }
            int n = cxt.label.nPartsMax();
            if (partno > n) {
                return errx(devname + ": cannot modify partition " + (partno + 1)
                        + ": partition table contains only " + n + " partitions");
            }
            return errx("modifying a partition (-N) is not supported by the simulator");
        }
        if (append) {
            created = 1;
            nextPartno = lastPtPartno() + 1;
        }
        if (!noact && !noreread) {
            if (!quiet) {
                p.out().print("Checking that no-one is using this disk right now ...");
            }
            if (cxt.deviceIsUsed()) {
                if (!quiet) {
                    p.out().print(" FAILED\n\n");
                }
                cxt.warnx("This disk is currently in use - repartitioning is probably a bad idea.\n"
                        + "Umount all file systems, and swapoff all swap partitions on this disk.\n"
                        + "Use the --no-reread flag to suppress this check.\n");
                if (!force) {
                    return errx("Use the --force flag to overrule all checks.");
                }
            } else if (!quiet) {
                p.out().print(" OK\n\n");
            }
        }
        if (cxt.collision != null) {
            followWipeMode();
        }
        if (!quiet) {
            listDiskGeometry();
            if (cxt.hasLabel()) {
                cxt.info("\nOld situation:");
                listDisklabel();
            }
        }
        String lbl;
        if (label != null) {
            lbl = label;
        } else if (cxt.hasLabel()) {
            lbl = cxt.label.name();
        } else {
            lbl = "dos";
        }
        dp.setHeader("label", lbl);
        if (!quiet) {
            p.out().print("\n");
        }
        int rc;
        while (true) {
            if (nextPartno == -1) {
                nextPartno = dp.table.size();
            }
            if (created != 0 && partno < 0 && cxt.label != null && nextPartno == cxt.label.nPartsMax()
                    && !hasContainerOrUnused()) {
                cxt.info("All partitions used.");
                rc = DONE_ASK;
                break;
            }
            refreshPrompt(devname, nextPartno, created != 0);
            if (prompt != null && !quiet) {
                p.out().print(prompt);
            }
            rc = dp.readLine();
            if (rc == FdiskScript.ENOTSUP) {
                cxt.warnx("Unknown script header '" + dp.buf + "' -- ignore.");
                continue;
            }
            if (rc < 0) {
                rc = loopControlCommands(dp, dp.buf);
                if (rc != 0) {
                    break;
                }
                continue;
            }
            if (rc == FdiskScript.EOF) {
                rc = DONE_EOF;
                if (!quiet) {
                    p.out().print("Done.\n");
                }
                break;
            }
            int nparts = dp.table.size();
            if (nparts != 0) {
                FdiskLabel.Part pa = dp.table.get(nparts - 1);
                if (ignorePartition(pa)) {
                    cxt.info("Ignoring partition.");
                    nextPartno++;
                    ignored++;
                    continue;
                }
                if (created == 0) {
                    rc = applyScriptHeaders(dp);
                    created = rc == 0 ? 1 : 0;
                    if (rc != 0) {
                        cxt.warn("Failed to apply script headers, disk label not created",
                                Errno.of(-rc).orElse(Errno.EINVAL));
                    }
                    if (rc == 0 && cxt.collision != null) {
                        followWipeMode();
                    }
                }
                int curPartno = -1;
                if (rc == 0) {
                    if (!quiet && (prompt == null || prompt.startsWith(PROMPT))) {
                        refreshPrompt(devname, nextPartno, created != 0);
                        p.out().print(prompt);
                    }
                    int r = cxt.label.add(pa);
                    if (r < 0) {
                        rc = r;
                        cxt.warn("Failed to add #" + (nextPartno + 1) + " partition",
                                Errno.of(-rc).orElse(Errno.EINVAL));
                    } else {
                        curPartno = r;
                    }
                }
                if (rc == 0) {
                    nextPartno = curPartno + 1;
                } else {
                    dp.table.remove(pa);
                }
            } else {
                cxt.info("Script header accepted.");
            }
            if (rc != 0) {
                rc = DONE_ABORT;
                break;
            }
        }
        if ((rc == DONE_EOF || rc == DONE_WRITE) && created == 0 && dp.forceLabel
                && dp.table.size() == ignored && dp.header("label") != null) {
            int xrc = applyScriptHeaders(dp);
            if (xrc != 0) {
                cxt.warnx("Failed to apply script headers, disk label not created.");
                rc = DONE_ABORT;
            }
        }
        if (!quiet && rc != DONE_ABORT) {
            cxt.info("\nNew situation:");
            listDiskIdentifier();
            listDisklabel();
        }
        switch (rc) {
            case DONE_ASK, DONE_EOF, DONE_WRITE -> rc = writeChanges();
            default -> cxt.info("Leaving.\n");
        }
        if (cxt.fd >= 0 && rc != 0) {
            p.kernel().close(p.task(), cxt.fd);
            cxt.fd = -1;
        }
        return rc == 0 ? 0 : 1;
    }

    /** follow_wipe_mode() in the default "auto" mode, not interactive. */
    private void followWipeMode() {
        boolean dowipe = wipemode == 2 || (cxt.ptCollision && wipemode != 1);
        cxt.wipe = dowipe;
        if (quiet) {
            return;
        }
        if (dowipe && !cxt.ptCollision) {
            cxt.warnx("The device contains '" + cxt.collision + "' signature and it may be removed by a write "
                    + "command. See sfdisk(8) man page and --wipe option for more details.");
            p.out().print("\n");
        } else if (!dowipe) {
            cxt.warnx("The device contains '" + cxt.collision + "' signature and it may remain on the device. "
                    + "It is recommended to wipe the device with wipefs(8) or sfdisk --wipe, in order to avoid "
                    + "possible collisions.");
            p.err().print("\n");
        }
    }

    private int writeChanges() {
        int rc = 0;
        if (noact) {
            cxt.info("The partition table is unchanged (--no-act).");
        } else {
            rc = cxt.writeLabel();
        }
        if (!noact && rc == 0) {
            cxt.info("\nThe partition table has been altered.");
            if (!notell) {
                p.sleep(250_000_000L);
                if (!nested) {
                    rereadPartitionTable();
                }
            }
        }
        if (rc == 0) {
            deassign(noact || notell);
        }
        return rc;
    }

    /** fdisk_reread_partition_table(). */
    private void rereadPartitionTable() {
        if (!cxt.blockDevice) {
            return;
        }
        cxt.info("Calling ioctl() to re-read partition table.");
        SysResult r = p.kernel().ioctl(p.task(), cxt.fd, Ioctl.BLKRRPART, IoctlArg.NULL);
        if (r.isError()) {
            cxt.warn("Re-reading the partition table failed.", r.errno());
            cxt.info("The kernel still uses the old table. The new table will be used at the next reboot "
                    + "or after you run partprobe(8) or partx(8).");
        }
    }
}
