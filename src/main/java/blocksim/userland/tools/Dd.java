package blocksim.userland.tools;

import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Proc;
import java.util.Locale;

/**
 * GNU dd (coreutils 9.1): {@code if= of= bs= ibs= obs= count= skip= seek= conv= iflag= oflag=
 * status=}, with its messages and statistics on stderr. Time is the kernel's clock, so on the model a
 * copy takes no time and the rate reads "Infinity B/s", as GNU dd prints it.
 */
public final class Dd {

    private Dd() {
    }

    private static final class Opts {
        String in;
        String out;
        long ibs = 512;
        long obs = 512;
        long count = -1;
        long skip;
        long seek;
        boolean notrunc;
        boolean fsync;
        boolean sync;
        boolean skipBytes;
        boolean seekBytes;
        boolean countBytes;
        boolean direct;
        String status = "";
    }

    /** dd's numbers: a decimal with an optional multiplier (c w b kB K MB M GB G ... and xN products). */
    static long number(String s) {
        long product = 1;
        for (String part : s.split("x")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)([a-zA-Z]*)").matcher(part);
            if (!m.matches()) {
                return -1;
            }
            long mult = switch (m.group(2)) {
                case "" -> 1;
                case "c" -> 1;
                case "w" -> 2;
                case "b" -> 512;
                case "kB" -> 1000L;
                case "K", "KiB", "k" -> 1024L;
                case "MB" -> 1000_000L;
                case "M", "MiB" -> 1L << 20;
                case "GB" -> 1000_000_000L;
                case "G", "GiB" -> 1L << 30;
                case "TB" -> 1000_000_000_000L;
                case "T", "TiB" -> 1L << 40;
                default -> -1;
            };
            if (mult < 0) {
                return -1;
            }
            product = Math.multiplyExact(product, Math.multiplyExact(Long.parseLong(m.group(1)), mult));
        }
        return product;
    }

    public static int run(Proc p) {
        Opts o = new Opts();
        for (String a : p.args()) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                p.error("unrecognized operand '" + a + "'");
                return p.tryHelp();
            }
            String key = a.substring(0, eq);
            String val = a.substring(eq + 1);
            try {
                switch (key) {
                    case "if" -> o.in = val;
                    case "of" -> o.out = val;
                    case "bs" -> o.ibs = o.obs = positive(val);
                    case "ibs" -> o.ibs = positive(val);
                    case "obs" -> o.obs = positive(val);
                    case "count" -> o.count = nonNegative(val);
                    case "skip", "iseek" -> o.skip = nonNegative(val);
                    case "seek", "oseek" -> o.seek = nonNegative(val);
                    case "status" -> o.status = val;
                    case "conv" -> {
                        for (String c : val.split(",")) {
                            switch (c) {
                                case "notrunc" -> o.notrunc = true;
                                case "fsync", "fdatasync" -> o.fsync = true;
                                case "sync" -> o.sync = true;
                                case "noerror" -> { }
                                default -> throw new IllegalArgumentException("invalid conversion: '" + c + "'");
                            }
                        }
                    }
                    case "iflag", "oflag" -> {
                        for (String f : val.split(",")) {
                            switch (f) {
                                case "direct" -> o.direct = true;
                                case "skip_bytes" -> o.skipBytes = true;
                                case "seek_bytes" -> o.seekBytes = true;
                                case "count_bytes" -> o.countBytes = true;
                                case "sync", "dsync", "fullblock", "nonblock", "noatime", "nocache" -> { }
                                default -> throw new IllegalArgumentException("invalid input flag: '" + f + "'");
                            }
                        }
                    }
                    default -> {
                        p.error("unrecognized operand '" + a + "'");
                        return p.tryHelp();
                    }
                }
            } catch (IllegalArgumentException e) {
                p.error(e.getMessage() == null ? "invalid number: '" + val + "'" : e.getMessage());
                return p.tryHelp();
            }
        }
        return copy(p, o);
    }

    private static long positive(String v) {
        long n = number(v);
        if (n <= 0) {
            throw new IllegalArgumentException("invalid number: '" + v + "'");
        }
        return n;
    }

    private static long nonNegative(String v) {
        long n = number(v);
        if (n < 0) {
            throw new IllegalArgumentException("invalid number: '" + v + "'");
        }
        return n;
    }

    private static int copy(Proc p, Opts o) {
        long start = p.now();
        int inFd = -1;
        int outFd = -1;
        if (o.in != null) {
            SysResult r = p.open(o.in, OpenFlags.O_RDONLY | (o.direct ? OpenFlags.O_DIRECT : 0));
            if (r.isError()) {
                p.error("failed to open '" + o.in + "': " + r.errno().strerror());
                return 1;
            }
            inFd = r.intValue();
        }
        if (o.out != null) {
            int flags = OpenFlags.O_WRONLY | OpenFlags.O_CREAT | (o.notrunc || o.seek > 0 ? 0 : OpenFlags.O_TRUNC)
                    | (o.direct ? OpenFlags.O_DIRECT : 0);
            SysResult r = p.open(o.out, flags);
            if (r.isError()) {
                p.error("failed to open '" + o.out + "': " + r.errno().strerror());
                return 1;
            }
            outFd = r.intValue();
        }
        long[] stats = new long[5]; // full in, partial in, full out, partial out, bytes out
        int status = 0;
        try {
            if (o.skip > 0 && inFd >= 0) {
                long off = o.skipBytes ? o.skip : o.skip * o.ibs;
                if (p.kernel().lseek(p.task(), inFd, off, 0).isError()) {
                    p.error(o.in + ": cannot skip: " + Errno.EINVAL.strerror());
                    return printStats(p, o, stats, start, 1);
                }
            }
            if (o.seek > 0 && outFd >= 0) {
                long off = o.seekBytes ? o.seek : o.seek * o.obs;
                if (p.kernel().lseek(p.task(), outFd, off, 0).isError()) {
                    p.error(o.out + ": cannot seek: " + Errno.EINVAL.strerror());
                    return printStats(p, o, stats, start, 1);
                }
            }
            byte[] buf = new byte[(int) Math.min(o.ibs, 64 << 20)];
            long remaining = o.count;
            while (remaining != 0) {
                int want = buf.length;
                if (o.countBytes && remaining > 0) {
                    want = (int) Math.min(want, remaining);
                }
                int n;
                if (inFd >= 0) {
                    SysResult r = p.kernel().read(p.task(), inFd, buf, 0, want);
                    if (r.isError()) {
                        p.error("error reading '" + o.in + "': " + r.errno().strerror());
                        status = 1;
                        break;
                    }
                    n = r.intValue();
                } else {
                    n = p.in().read(buf, 0, want);
                    if (n < 0) {
                        p.error("error reading 'standard input': "
                                + Errno.of(-n).map(Errno::strerror).orElse("error"));
                        status = 1;
                        break;
                    }
                }
                if (n == 0) {
                    break;
                }
                stats[n == want ? 0 : 1]++;
                if (o.sync && n < want) {
                    java.util.Arrays.fill(buf, n, want, (byte) 0);
                    n = want;
                }
                if (!write(p, o, outFd, buf, n, stats)) {
                    status = 1;
                    break;
                }
                if (remaining > 0) {
                    remaining = o.countBytes ? remaining - n : remaining - 1;
                }
            }
            if (status == 0 && o.fsync && outFd >= 0) {
                p.kernel().fsync(p.task(), outFd);
            }
        } finally {
            if (inFd >= 0) {
                p.close(inFd);
            }
            if (outFd >= 0) {
                p.close(outFd);
            }
        }
        return printStats(p, o, stats, start, status);
    }

    private static boolean write(Proc p, Opts o, int outFd, byte[] buf, int n, long[] stats) {
        if (outFd < 0) {
            p.out().write(buf, 0, n);
            p.out().flush();
            stats[n == o.obs ? 2 : 3]++;
            stats[4] += n;
            return true;
        }
        int done = 0;
        while (done < n) {
            SysResult r = p.kernel().write(p.task(), outFd, buf, done, n - done);
            if (r.isError()) {
                if (done > 0) {
                    stats[3]++;
                    stats[4] += done;
                }
                p.error("error writing '" + o.out + "': " + r.errno().strerror());
                return false;
            }
            done += r.intValue();
            if (r.intValue() == 0) {
                break;
            }
        }
        stats[done == o.obs ? 2 : 3]++;
        stats[4] += done;
        return true;
    }

    private static int printStats(Proc p, Opts o, long[] s, long start, int status) {
        if (o.status.equals("none")) {
            return status;
        }
        p.err().println(s[0] + "+" + s[1] + " records in");
        p.err().println(s[2] + "+" + s[3] + " records out");
        if (o.status.equals("noxfer")) {
            return status;
        }
        long bytes = s[4];
        long elapsed = p.now() - start;
        String time;
        String rate;
        if (elapsed > 0) {
            time = gFormat(elapsed / 1e9) + " s";
            rate = human(Math.round(bytes / (elapsed / 1e9)), false) + "/s";
        } else {
            time = "0 s";
            rate = "Infinity B/s";
        }
        String si = human(bytes, false);
        String iec = human(bytes, true);
        String amount;
        if (bytes < 1000) {
            amount = bytes + (bytes == 1 ? " byte" : " bytes");
        } else if (bytes < 1024) {
            amount = bytes + " bytes (" + si + ")";
        } else {
            amount = bytes + " bytes (" + si + ", " + iec + ")";
        }
        p.err().println(amount + " copied, " + time + ", " + rate);
        return status;
    }

    /** gnulib human_readable with autoscale, round to nearest, a space and a B suffix. */
    static String human(long n, boolean iec) {
        int base = iec ? 1024 : 1000;
        String[] prefixes = iec ? new String[] {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}
                : new String[] {"", "k", "M", "G", "T", "P", "E"};
        if (n < base) {
            return n + " B";
        }
        double v = n;
        int e = 0;
        while (v >= base && e < prefixes.length - 1) {
            v /= base;
            e++;
        }
        String num;
        if (v < 10) {
            double r = Math.round(v * 10) / 10.0;
            if (r >= 10) {
                num = "10";
            } else {
                num = String.format(Locale.ROOT, "%.1f", r);
            }
        } else {
            num = Long.toString(Math.round(v));
        }
        return num + " " + prefixes[e] + "B";
    }

    /** C's %g with 6 significant digits. */
    static String gFormat(double v) {
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) {
            String[] parts = s.split("e");
            String mant = parts[0].contains(".") ? parts[0].replaceAll("0+$", "").replaceAll("\\.$", "") : parts[0];
            int exp = Integer.parseInt(parts[1]);
            return mant + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
        }
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
