package blocksim.userland.tools;

import blocksim.api.Kernel;
import blocksim.api.SysResult;
import blocksim.userland.Proc;
import java.util.ArrayList;
import java.util.List;

/** ls, mkdir, rm, touch, cp, mv and stat, with coreutils' messages. */
public final class FileTools {

    private FileTools() {
    }

    /**
     * {@code ls [-1] [-l] [PATH...]}: names one per line (the output is not a terminal), sorted
     * as coreutils sorts them in the C locale (by bytes), whatever order readdir gave (6.18 sysfs
     * lists in kernfs hash order).
     */
    public static int ls(Proc p) {
        boolean longFormat = false;
        List<String> paths = new ArrayList<>();
        for (String a : p.args()) {
            if (a.startsWith("-") && a.length() > 1) {
                for (char c : a.substring(1).toCharArray()) {
                    if (c == 'l') {
                        longFormat = true;
                    } else if (c != '1') {
                        p.error("invalid option -- '" + c + "'");
                        p.tryHelp();
                        return 2;
                    }
                }
            } else {
                paths.add(a);
            }
        }
        if (paths.isEmpty()) {
            paths.add("/");
        }
        int status = 0;
        List<String> dirs = new ArrayList<>();
        for (String path : paths) {
            Kernel.StatResult st = p.kernel().stat(p.task(), path);
            if (!st.isOk()) {
                p.error("cannot access '" + path + "': " + st.errno().strerror());
                status = 2;
                continue;
            }
            if (st.stat().type() == Kernel.Stat.Type.DIRECTORY) {
                dirs.add(path);
            } else {
                p.out().println(longFormat ? longLine(st.stat(), path) : path);
            }
        }
        boolean headers = paths.size() > 1;
        for (int i = 0; i < dirs.size(); i++) {
            String dir = dirs.get(i);
            Kernel.ListResult l = p.kernel().list(p.task(), dir);
            if (!l.isOk()) {
                p.error("cannot open directory '" + dir + "': " + l.errno().strerror());
                status = 2;
                continue;
            }
            if (headers) {
                if (i > 0 || dirs.size() < paths.size()) {
                    p.out().println("");
                }
                p.out().println(dir + ":");
            }
            List<String> names = new ArrayList<>(l.names());
            names.sort(java.util.Comparator.naturalOrder());
            for (String name : names) {
                if (longFormat) {
                    Kernel.StatResult st = p.kernel().stat(p.task(), dir.endsWith("/") ? dir + name : dir + "/" + name);
                    p.out().println(st.isOk() ? longLine(st.stat(), name) : name);
                } else {
                    p.out().println(name);
                }
            }
        }
        return status;
    }

    private static String longLine(Kernel.Stat s, String name) {
        char type = switch (s.type()) {
            case DIRECTORY -> 'd';
            case BLOCK_DEVICE -> 'b';
            case CHAR_DEVICE -> 'c';
            case REGULAR -> '-';
        };
        StringBuilder mode = new StringBuilder().append(type);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            mode.append((s.perm() & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        String owner = s.uid() == 0 ? "root" : Integer.toString(s.uid());
        String group = s.gid() == 0 ? "root" : s.gid() == 6 ? "disk" : Integer.toString(s.gid());
        String size = s.type() == Kernel.Stat.Type.BLOCK_DEVICE || s.type() == Kernel.Stat.Type.CHAR_DEVICE
                ? s.rdevMajor() + ", " + s.rdevMinor() : Long.toString(s.size());
        return mode + " 1 " + owner + " " + group + " " + size + " " + name;
    }

    /** {@code mkdir [-p] DIR...}. */
    public static int mkdir(Proc p) {
        boolean parents = false;
        List<String> dirs = new ArrayList<>();
        for (String a : p.args()) {
            if (a.equals("-p")) {
                parents = true;
            } else {
                dirs.add(a);
            }
        }
        if (dirs.isEmpty()) {
            p.error("missing operand");
            return p.tryHelp();
        }
        int status = 0;
        for (String d : dirs) {
            SysResult r = p.kernel().mkdir(p.task(), d, 0755);
            if (r.isError() && !(parents && r.errno() == blocksim.api.Errno.EEXIST)) {
                p.error("cannot create directory '" + d + "': " + r.errno().strerror());
                status = 1;
            }
        }
        return status;
    }

    /** {@code rmdir DIR...}: rmdir(2) of each, "failed to remove 'D': ..." (coreutils 9.1). */
    public static int rmdir(Proc p) {
        if (p.args().isEmpty()) {
            p.error("missing operand");
            return p.tryHelp();
        }
        int status = 0;
        for (String d : p.args()) {
            SysResult r = p.kernel().rmdir(p.task(), d);
            if (r.isError()) {
                p.error("failed to remove '" + d + "': " + r.errno().strerror());
                status = 1;
            }
        }
        return status;
    }

    /** {@code rm [-f] FILE...}. */
    public static int rm(Proc p) {
        boolean force = false;
        List<String> files = new ArrayList<>();
        for (String a : p.args()) {
            if (a.equals("-f")) {
                force = true;
            } else {
                files.add(a);
            }
        }
        if (files.isEmpty() && !force) {
            p.error("missing operand");
            return p.tryHelp();
        }
        int status = 0;
        for (String f : files) {
            SysResult r = p.kernel().unlink(p.task(), f);
            if (r.isError()) {
                if (force && r.errno() == blocksim.api.Errno.ENOENT) {
                    continue;
                }
                String msg = r.errno() == blocksim.api.Errno.EISDIR ? "Is a directory" : r.errno().strerror();
                p.error("cannot remove '" + f + "': " + msg);
                status = 1;
            }
        }
        return status;
    }

    /**
     * {@code touch FILE...}: {@code open(O_WRONLY|O_CREAT|O_NOCTTY|O_NONBLOCK, 0666)} ("cannot touch
     * 'F': ..."), then {@code utimensat} with NULL times ("setting times of 'F': ..."), as coreutils
     * does; on a frozen filesystem the second waits (measured on 6.18).
     */
    public static int touch(Proc p) {
        if (p.args().isEmpty()) {
            p.error("missing file operand");
            return p.tryHelp();
        }
        int status = 0;
        for (String f : p.args()) {
            SysResult r = p.open(f, blocksim.uapi.OpenFlags.O_WRONLY | blocksim.uapi.OpenFlags.O_CREAT
                    | blocksim.uapi.OpenFlags.O_NONBLOCK);
            if (r.isError()) {
                p.error("cannot touch '" + f + "': " + r.errno().strerror());
                status = 1;
                continue;
            }
            p.close(r.intValue());
            SysResult u = p.kernel().utimensat(p.task(), f);
            if (u.isError()) {
                p.error("setting times of '" + f + "': " + u.errno().strerror());
                status = 1;
            }
        }
        return status;
    }

    /** {@code cp SOURCE DEST} (DEST a file or a directory): the bytes copied with read(2) and write(2). */
    public static int cp(Proc p) {
        List<String> ops = p.args();
        if (ops.size() < 2) {
            return missingOperand(p, ops);
        }
        String dest = ops.getLast();
        int status = 0;
        for (String src : ops.subList(0, ops.size() - 1)) {
            status = Math.max(status, copy(p, src, into(p, src, dest), "cp: cannot create regular file '%s': "));
        }
        return status;
    }

    /**
     * {@code truncate -s [+-<>/%]SIZE [-c] FILE...} (coreutils 9.1): each file opened
     * {@code O_WRONLY|O_CREAT} ({@code -c}: without O_CREAT, a missing file skipped) and set to the
     * size, absolute or relative to its own; K, M, G, T are powers of 1024 (KiB too), KB, MB, ...
     * of 1000.
     */
    public static int truncate(Proc p) {
        String spec = null;
        boolean noCreate = false;
        List<String> files = new ArrayList<>();
        List<String> args = p.args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-s") || a.equals("--size")) {
                if (++i >= args.size()) {
                    p.error("option requires an argument -- 's'");
                    return p.tryHelp();
                }
                spec = args.get(i);
            } else if (a.startsWith("--size=")) {
                spec = a.substring(7);
            } else if (a.startsWith("-s") && a.length() > 2) {
                spec = a.substring(2);
            } else if (a.equals("-c") || a.equals("--no-create")) {
                noCreate = true;
            } else {
                files.add(a);
            }
        }
        if (spec == null) {
            p.error("you must specify either \u2018--size\u2019 or \u2018--reference\u2019");
            return p.tryHelp();
        }
        if (files.isEmpty()) {
            p.error("missing file operand");
            return p.tryHelp();
        }
        char rel = "+-<>/%".indexOf(spec.isEmpty() ? 'x' : spec.charAt(0)) >= 0 ? spec.charAt(0) : 0;
        Long n = coreutilsSize(rel == 0 ? spec : spec.substring(1));
        if (n == null) {
            p.error("Invalid number: \u2018" + spec + "\u2019"); // gnulib's quote(): curly in a UTF-8 locale
            return 1;
        }
        int status = 0;
        for (String f : files) {
            SysResult o = p.open(f, blocksim.uapi.OpenFlags.O_WRONLY | (noCreate ? 0 : blocksim.uapi.OpenFlags.O_CREAT)
                    | blocksim.uapi.OpenFlags.O_NONBLOCK);
            if (o.isError()) {
                if (noCreate && o.errno() == blocksim.api.Errno.ENOENT) {
                    continue;
                }
                p.error("cannot open '" + f + "' for writing: " + o.errno().strerror());
                status = 1;
                continue;
            }
            int fd = o.intValue();
            Kernel.StatResult st = p.kernel().fstat(p.task(), fd);
            long cur = st.isOk() ? st.stat().size() : 0;
            long size = switch (rel) {
                case '+' -> cur + n;
                case '-' -> Math.max(0, cur - n);
                case '<' -> Math.min(cur, n);
                case '>' -> Math.max(cur, n);
                case '/' -> n == 0 ? cur : cur / n * n;
                case '%' -> n == 0 ? cur : (cur + n - 1) / n * n;
                default -> n;
            };
            SysResult r = p.kernel().ftruncate(p.task(), fd, size);
            if (r.isError()) {
                p.error("failed to truncate '" + f + "' at " + size + " bytes: " + r.errno().strerror());
                status = 1;
            }
            p.close(fd);
        }
        return status;
    }

    /** coreutils' size suffixes: K/KiB powers of 1024, KB powers of 1000, up to E. */
    static Long coreutilsSize(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)(?:([KMGTPE])(iB|B)?)?").matcher(s);
        if (!m.matches()) {
            return null;
        }
        long v = Long.parseLong(m.group(1));
        if (m.group(2) != null) {
            int power = "KMGTPE".indexOf(m.group(2)) + 1;
            long base = "B".equals(m.group(3)) ? 1000 : 1024;
            for (int i = 0; i < power; i++) {
                v = Math.multiplyExact(v, base);
            }
        }
        return v;
    }

    /**
     * {@code fallocate -l LENGTH [-o OFFSET] [-n] FILE} (util-linux 2.38.1): the file opened
     * {@code O_WRONLY|O_CREAT}, then fallocate(2) (mode 0, or FALLOC_FL_KEEP_SIZE with -n);
     * "fallocate: fallocate failed: ..." on an error.
     */
    public static int fallocate(Proc p) {
        Long len = null;
        long offset = 0;
        int mode = 0;
        String file = null;
        List<String> args = p.args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("-l") || a.equals("--length") || a.equals("-o") || a.equals("--offset")) && i + 1 < args.size()) {
                Long v = utilSize(args.get(++i));
                if (v == null) {
                    p.error("invalid " + (a.contains("l") ? "length" : "offset") + " value specified");
                    return 1;
                }
                if (a.contains("l")) {
                    len = v;
                } else {
                    offset = v;
                }
            } else if (a.equals("-n") || a.equals("--keep-size")) {
                mode |= 1;
            } else if (a.startsWith("-")) {
                p.error("invalid option -- '" + a.substring(1) + "'");
                return p.tryHelp();
            } else {
                file = a;
            }
        }
        if (len == null) {
            p.error("no length argument specified");
            return 1;
        }
        if (file == null) {
            p.error("no filename specified");
            return 1;
        }
        SysResult o = p.open(file, blocksim.uapi.OpenFlags.O_WRONLY | blocksim.uapi.OpenFlags.O_CREAT);
        if (o.isError()) {
            p.error("cannot open " + file + ": " + o.errno().strerror());
            return 1;
        }
        SysResult r = p.kernel().fallocate(p.task(), o.intValue(), mode, offset, len);
        p.close(o.intValue());
        if (r.isError()) {
            p.error("fallocate failed: " + r.errno().strerror());
            return 1;
        }
        return 0;
    }

    /** util-linux's strtosize: K/KiB powers of 1024, KB powers of 1000. */
    private static Long utilSize(String s) {
        return coreutilsSize(s);
    }

    /** cp's and mv's message for fewer than two operands. */
    private static int missingOperand(Proc p, List<String> ops) {
        p.error(ops.isEmpty() ? "missing file operand" : "missing destination file operand after '" + ops.getFirst() + "'");
        return p.tryHelp();
    }

    /** DEST, or DEST/basename(SRC) when DEST is a directory. */
    private static String into(Proc p, String src, String dest) {
        Kernel.StatResult d = p.kernel().stat(p.task(), dest);
        if (d.isOk() && d.stat().type() == Kernel.Stat.Type.DIRECTORY) {
            String base = src.replaceAll("/+$", "");
            base = base.substring(base.lastIndexOf('/') + 1);
            return dest.endsWith("/") ? dest + base : dest + "/" + base;
        }
        return dest;
    }

    private static int copy(Proc p, String src, String dst, String createMsg) {
        Kernel.StatResult st = p.kernel().stat(p.task(), src);
        if (!st.isOk()) {
            p.error("cannot stat '" + src + "': " + st.errno().strerror());
            return 1;
        }
        if (st.stat().type() == Kernel.Stat.Type.DIRECTORY) {
            p.error("-r not specified; omitting directory '" + src + "'");
            return 1;
        }
        SysResult in = p.open(src, blocksim.uapi.OpenFlags.O_RDONLY);
        if (in.isError()) {
            p.error("cannot open '" + src + "' for reading: " + in.errno().strerror());
            return 1;
        }
        SysResult out = p.open(dst, blocksim.uapi.OpenFlags.O_WRONLY | blocksim.uapi.OpenFlags.O_CREAT
                | blocksim.uapi.OpenFlags.O_TRUNC);
        if (out.isError()) {
            p.err().println(String.format(createMsg, dst) + out.errno().strerror());
            p.close(in.intValue());
            return 1;
        }
        byte[] buf = new byte[65536];
        int status = 0;
        while (true) {
            SysResult n = p.kernel().read(p.task(), in.intValue(), buf, 0, buf.length);
            if (n.isError()) {
                p.error("error reading '" + src + "': " + n.errno().strerror());
                status = 1;
                break;
            }
            if (n.value() == 0) {
                break;
            }
            SysResult w = p.kernel().write(p.task(), out.intValue(), buf, 0, n.intValue());
            if (w.isError()) {
                p.error("error writing '" + dst + "': " + w.errno().strerror());
                status = 1;
                break;
            }
        }
        p.close(in.intValue());
        p.close(out.intValue());
        return status;
    }

    /**
     * {@code mv SOURCE DEST}: rename(2) (into DEST when it is a directory); across filesystems
     * (EXDEV) the file is copied and the source removed, as coreutils does.
     */
    public static int mv(Proc p) {
        List<String> ops = p.args();
        if (ops.size() < 2) {
            return missingOperand(p, ops);
        }
        String dest = ops.getLast();
        int status = 0;
        for (String src : ops.subList(0, ops.size() - 1)) {
            Kernel.StatResult st = p.kernel().stat(p.task(), src);
            if (!st.isOk()) {
                p.error("cannot stat '" + src + "': " + st.errno().strerror());
                status = 1;
                continue;
            }
            String to = into(p, src, dest);
            SysResult r = p.kernel().rename(p.task(), src, to);
            if (r.isOk()) {
                continue;
            }
            if (r.errno() == blocksim.api.Errno.EXDEV && st.stat().type() != Kernel.Stat.Type.DIRECTORY) {
                String msg = "mv: inter-device move failed: '" + src + "' to '" + to + "'; unable to remove target: ";
                int c = copy(p, src, to, msg.replace("%", "%%").replace("'" + to + "'", "'%s'"));
                if (c == 0) {
                    SysResult u = p.kernel().unlink(p.task(), src);
                    if (u.isError()) {
                        p.error("cannot remove '" + src + "': " + u.errno().strerror());
                        c = 1;
                    }
                }
                status = Math.max(status, c);
                continue;
            }
            p.error("cannot move '" + src + "' to '" + to + "': " + r.errno().strerror());
            status = 1;
        }
        return status;
    }

    /** coreutils 9.1's default {@code stat} layout: the file's lines, the device node's Device line. */
    private static final String DEFAULT = "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n"
            + "Device: %Hd,%Ld\tInode: %-10i  Links: %h\n"
            + "Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n";
    private static final String DEFAULT_DEVICE = "  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\n"
            + "Device: %Hd,%Ld\tInode: %-10i  Links: %-5h Device type: %Hr,%Lr\n"
            + "Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n";

    /**
     * {@code stat [-c FORMAT|--format=FORMAT|--printf=FORMAT] FILE...} (coreutils 9.1): the default
     * layout, or a format with %n %N %s %b %B %o %F %a %A %u %g %U %G %d %D %i %h %t %T %x %y %z %w
     * %X %Y %Z %W %%, the Hd/Ld/Hr/Lr halves of device numbers, and printf-style width, precision
     * and flags; "cannot statx 'F': ..." for what is not there.
     */
    public static int stat(Proc p) {
        String format = null;
        boolean printf = false;
        List<String> files = new ArrayList<>();
        List<String> args = p.args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-c") || a.equals("--format")) {
                if (++i >= args.size()) {
                    p.error("option requires an argument -- 'c'");
                    return p.tryHelp();
                }
                format = args.get(i);
            } else if (a.startsWith("--format=")) {
                format = a.substring(9);
            } else if (a.startsWith("--printf=")) {
                format = a.substring(9);
                printf = true;
            } else {
                files.add(a);
            }
        }
        if (files.isEmpty()) {
            p.error("missing operand");
            return p.tryHelp();
        }
        int status = 0;
        for (String f : files) {
            Kernel.StatResult st = p.kernel().stat(p.task(), f);
            if (!st.isOk()) {
                p.error("cannot statx '" + f + "': " + st.errno().strerror());
                status = 1;
                continue;
            }
            Kernel.Stat s = st.stat();
            boolean device = s.type() == Kernel.Stat.Type.BLOCK_DEVICE || s.type() == Kernel.Stat.Type.CHAR_DEVICE;
            String fmt = format != null ? format : device ? DEFAULT_DEVICE : DEFAULT;
            String line = render(fmt, f, s);
            if (format == null) {
                p.out().print(line);
            } else {
                p.out().print(printf ? line.replace("\\n", "\n").replace("\\t", "\t") : line + "\n");
            }
        }
        return status;
    }

    private static String render(String format, String name, Kernel.Stat s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                out.append(c);
                continue;
            }
            int j = i + 1;
            while (j < format.length() && "-+ #0123456789.".indexOf(format.charAt(j)) >= 0) {
                j++;
            }
            String spec = format.substring(i + 1, j);
            String half = "";
            if (j < format.length() && (format.charAt(j) == 'H' || format.charAt(j) == 'L')) {
                half = String.valueOf(format.charAt(j));
                j++;
            }
            if (j >= format.length()) {
                out.append(format, i, j);
                break;
            }
            char f = format.charAt(j);
            i = j;
            Object v = switch (f) {
                case 'n' -> name;
                case 'N' -> "'".equals("") ? name : name;
                case 's' -> s.size();
                case 'b' -> s.blocks();
                case 'B' -> 512L;
                case 'o' -> (long) s.blksize();
                case 'F' -> typeName(s);
                case 'a' -> Long.parseLong(Integer.toOctalString(s.perm()));
                case 'A' -> longLine(s, "").split(" ")[0];
                case 'u' -> (long) s.uid();
                case 'g' -> (long) s.gid();
                case 'U' -> s.uid() == 0 ? "root" : s.uid() == 65534 ? "nobody" : "UNKNOWN";
                case 'G' -> s.gid() == 0 ? "root" : s.gid() == 6 ? "disk" : s.gid() == 65534 ? "nogroup" : "UNKNOWN";
                case 'd' -> half.equals("H") ? (long) s.devMajor() : half.equals("L") ? (long) s.devMinor()
                        : ((long) s.devMajor() << 8) | s.devMinor();
                case 'D' -> Long.toHexString(((long) s.devMajor() << 8) | s.devMinor());
                case 'i' -> s.ino();
                case 'h' -> s.nlink();
                case 'r' -> half.equals("H") ? (long) s.rdevMajor() : half.equals("L") ? (long) s.rdevMinor()
                        : ((long) s.rdevMajor() << 8) | s.rdevMinor();
                case 't' -> Integer.toHexString(s.rdevMajor());
                case 'T' -> Integer.toHexString(s.rdevMinor());
                case 'x' -> time(s.atime());
                case 'y' -> time(s.mtime());
                case 'z' -> time(s.ctime());
                case 'w' -> s.btime() < 0 ? "-" : time(s.btime());
                case 'X' -> s.atime() / 1_000_000_000L;
                case 'Y' -> s.mtime() / 1_000_000_000L;
                case 'Z' -> s.ctime() / 1_000_000_000L;
                case 'W' -> s.btime() < 0 ? 0L : s.btime() / 1_000_000_000L;
                case '%' -> "%";
                default -> null;
            };
            if (v == null) {
                out.append('?');
            } else if (f == '%') {
                out.append('%');
            } else if (v instanceof Long n) {
                out.append(String.format("%" + spec.replace(".", "") + "d", n));
            } else {
                out.append(String.format("%" + spec + "s", v));
            }
        }
        return out.toString();
    }

    private static String typeName(Kernel.Stat s) {
        return switch (s.type()) {
            case DIRECTORY -> "directory";
            case BLOCK_DEVICE -> "block special file";
            case CHAR_DEVICE -> "character special file";
            case REGULAR -> s.size() == 0 ? "regular empty file" : "regular file";
        };
    }

    /** coreutils' time stamps: local time (the machine's is UTC) to the nanosecond and the offset. */
    private static String time(long nanos) {
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                (int) Math.floorMod(nanos, 1_000_000_000L), java.time.ZoneOffset.UTC);
        return String.format("%04d-%02d-%02d %02d:%02d:%02d.%09d +0000", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
    }
}
