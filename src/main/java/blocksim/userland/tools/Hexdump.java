package blocksim.userland.tools;

import blocksim.api.SysResult;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Io;
import blocksim.userland.Proc;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * util-linux {@code hexdump -C [-n LENGTH] [-s OFFSET] [FILE...]}: the canonical hex+ASCII display,
 * identical lines folded into {@code *}, and the final offset on a line of its own.
 */
public final class Hexdump {

    private Hexdump() {
    }

    public static int run(Proc p) {
        boolean canonical = false;
        long length = -1;
        long skip = 0;
        List<String> files = new ArrayList<>();
        List<String> args = p.args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-C" -> canonical = true;
                case "-n", "-s" -> {
                    if (i + 1 >= args.size()) {
                        p.error("option requires an argument -- '" + a.charAt(1) + "'");
                        return 1;
                    }
                    long v = Dd.number(args.get(++i));
                    if (v < 0) {
                        p.error("invalid " + (a.equals("-n") ? "length" : "offset") + " argument: '" + args.get(i) + "'");
                        return 1;
                    }
                    if (a.equals("-n")) {
                        length = v;
                    } else {
                        skip = v;
                    }
                }
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        p.error("invalid option -- '" + a.charAt(1) + "'");
                        return p.tryHelp();
                    }
                    files.add(a);
                }
            }
        }
        if (!canonical) {
            p.error("only the canonical format (-C) is supported");
            return 1;
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int status = 0;
        long need = length < 0 ? Long.MAX_VALUE : skip + length;
        if (files.isEmpty()) {
            byte[] b = p.readAll(p.in(), "stdin");
            if (b != null) {
                data.write(b, 0, (int) Math.min(b.length, need));
            }
        }
        for (String f : files) {
            SysResult r = p.open(f, OpenFlags.O_RDONLY);
            if (r.isError()) {
                p.error(f + ": " + r.errno().strerror());
                status = 1;
                continue;
            }
            Io.KernelFile file = new Io.KernelFile(p.kernel(), p.task(), r.intValue());
            byte[] buf = new byte[65536];
            while (data.size() < need) {
                int n = file.read(buf, 0, (int) Math.min(buf.length, need - data.size()));
                if (n <= 0) {
                    break;
                }
                data.write(buf, 0, n);
            }
            file.close();
        }
        byte[] all = data.toByteArray();
        int from = (int) Math.min(skip, all.length);
        int to = (int) Math.min(all.length, length < 0 ? all.length : skip + length);
        dump(p, all, from, to);
        return status;
    }

    private static void dump(Proc p, byte[] b, int from, int to) {
        byte[] prev = null;
        boolean starred = false;
        for (int off = from; off < to; off += 16) {
            int n = Math.min(16, to - off);
            byte[] line = Arrays.copyOfRange(b, off, off + n);
            if (prev != null && n == 16 && Arrays.equals(line, prev)) {
                if (!starred) {
                    p.out().println("*");
                    starred = true;
                }
                continue;
            }
            starred = false;
            prev = line;
            StringBuilder sb = new StringBuilder(String.format("%08x ", off));
            for (int i = 0; i < 16; i++) {
                if (i == 8) {
                    sb.append(' ');
                }
                sb.append(i < n ? String.format(" %02x", line[i] & 0xff) : "   ");
            }
            sb.append("  |");
            for (int i = 0; i < n; i++) {
                int c = line[i] & 0xff;
                sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
            }
            sb.append('|');
            p.out().println(sb.toString());
        }
        if (to > from || from > 0) {
            p.out().println(String.format("%08x", to));
        }
    }
}
