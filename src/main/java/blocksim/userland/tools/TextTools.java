package blocksim.userland.tools;

import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Io;
import blocksim.userland.Proc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The small text tools: echo, cat, grep, head, tail, with GNU coreutils' messages. */
public final class TextTools {

    private TextTools() {
    }

    /** {@code echo [-n] [-e] TEXT...}. */
    public static int echo(Proc p) {
        List<String> args = new ArrayList<>(p.args());
        boolean newline = true;
        boolean escapes = false;
        while (!args.isEmpty() && args.getFirst().matches("-[neE]+")) {
            String opt = args.removeFirst();
            newline &= !opt.contains("n");
            escapes = opt.contains("e") || (escapes && !opt.contains("E"));
        }
        String text = String.join(" ", args);
        if (escapes) {
            text = text.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
        }
        p.out().print(newline ? text + "\n" : text);
        return 0;
    }

    /** Opens each operand (or stdin for none or "-") and hands its bytes on; false on an error. */
    interface Sink {
        void accept(byte[] data);
    }

    private static boolean eachInput(Proc p, List<String> files, Sink sink) {
        boolean ok = true;
        if (files.isEmpty()) {
            files = List.of("-");
        }
        for (String f : files) {
            if (f.equals("-")) {
                byte[] data = p.readAll(p.in(), "-");
                if (data == null) {
                    ok = false;
                } else {
                    sink.accept(data);
                }
                continue;
            }
            SysResult r = p.open(f, OpenFlags.O_RDONLY);
            if (r.isError()) {
                p.error(f + ": " + r.errno().strerror());
                ok = false;
                continue;
            }
            Io.KernelFile file = new Io.KernelFile(p.kernel(), p.task(), r.intValue());
            byte[] data = p.readAll(file, f);
            file.close();
            if (data == null) {
                ok = false;
            } else {
                sink.accept(data);
            }
        }
        return ok;
    }

    /** {@code cat [FILE...]}: streams each file to stdout. */
    public static int cat(Proc p) {
        List<String> files = new ArrayList<>();
        for (String a : p.args()) {
            if (a.startsWith("-") && !a.equals("-")) {
                p.error("invalid option -- '" + a.substring(1, 2) + "'");
                return p.tryHelp();
            }
            files.add(a);
        }
        if (files.isEmpty()) {
            files.add("-");
        }
        boolean ok = true;
        byte[] buf = new byte[65536];
        for (String f : files) {
            Io.Input in;
            Io.KernelFile file = null;
            if (f.equals("-")) {
                in = p.in();
            } else {
                SysResult r = p.open(f, OpenFlags.O_RDONLY);
                if (r.isError()) {
                    p.error(f + ": " + r.errno().strerror());
                    ok = false;
                    continue;
                }
                file = new Io.KernelFile(p.kernel(), p.task(), r.intValue());
                in = file;
            }
            while (true) {
                int n = in.read(buf, 0, buf.length);
                if (n == 0) {
                    break;
                }
                if (n < 0) {
                    p.error(f + ": " + Errno.of(-n).map(Errno::strerror).orElse("error"));
                    ok = false;
                    break;
                }
                p.out().write(buf, 0, n);
            }
            if (file != null) {
                file.close();
            }
        }
        return ok ? 0 : 1;
    }

    /** {@code grep [-c] [-v] [-E] [-F] [-q] PATTERN [FILE...]}: exit 1 when nothing matched, 2 on error. */
    public static int grep(Proc p) {
        List<String> args = new ArrayList<>(p.args());
        boolean count = false;
        boolean invert = false;
        boolean fixed = false;
        boolean quiet = false;
        while (!args.isEmpty() && args.getFirst().startsWith("-") && args.getFirst().length() > 1) {
            String opt = args.removeFirst();
            if (opt.equals("--")) {
                break;
            }
            for (char c : opt.substring(1).toCharArray()) {
                switch (c) {
                    case 'c' -> count = true;
                    case 'v' -> invert = true;
                    case 'F' -> fixed = true;
                    case 'q' -> quiet = true;
                    case 'E' -> { }
                    default -> {
                        p.error("invalid option -- '" + c + "'");
                        p.err().println("Usage: grep [OPTION]... PATTERNS [FILE]...");
                        p.tryHelp();
                        return 2;
                    }
                }
            }
        }
        if (args.isEmpty()) {
            p.err().println("Usage: grep [OPTION]... PATTERNS [FILE]...");
            p.tryHelp();
            return 2;
        }
        String pattern = args.removeFirst();
        Pattern re;
        try {
            re = Pattern.compile(fixed ? Pattern.quote(pattern) : pattern);
        } catch (PatternSyntaxException e) {
            p.error("invalid regular expression: " + pattern);
            return 2;
        }
        boolean multi = args.size() > 1;
        int[] matches = {0};
        boolean inv = invert;
        boolean cnt = count;
        boolean q = quiet;
        List<String> names = args.isEmpty() ? List.of("(standard input)") : args;
        int[] idx = {0};
        boolean ok = eachInput(p, args, data -> {
            String name = names.get(Math.min(idx[0]++, names.size() - 1));
            int n = 0;
            for (String line : lines(data)) {
                if (re.matcher(line).find() != inv) {
                    n++;
                    if (!cnt && !q) {
                        p.out().println(multi ? name + ":" + line : line);
                    }
                }
            }
            if (cnt && !q) {
                p.out().println(multi ? name + ":" + n : Integer.toString(n));
            }
            matches[0] += n;
        });
        if (!ok) {
            return 2;
        }
        return matches[0] > 0 ? 0 : 1;
    }

    /** The lines of a text, without their newlines (a last line without one counts too). */
    static List<String> lines(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!out.isEmpty() && out.getLast().isEmpty()) {
            out.removeLast();
        }
        return out;
    }

    /** head streams: it reads only as much as it prints, then stops (closing a pipe behind it). */
    private static int head(Proc p, List<String> files, long n, boolean bytes) {
        boolean ok = true;
        for (String f : files.isEmpty() ? List.of("-") : files) {
            Io.Input in = p.in();
            Io.KernelFile file = null;
            if (!f.equals("-")) {
                SysResult r = p.open(f, OpenFlags.O_RDONLY);
                if (r.isError()) {
                    p.error("cannot open '" + f + "' for reading: " + r.errno().strerror());
                    ok = false;
                    continue;
                }
                file = new Io.KernelFile(p.kernel(), p.task(), r.intValue());
                in = file;
            }
            long left = n;
            byte[] buf = new byte[4096];
            while (left > 0) {
                int got = in.read(buf, 0, bytes ? (int) Math.min(buf.length, left) : buf.length);
                if (got <= 0) {
                    break;
                }
                int take = got;
                if (bytes) {
                    left -= got;
                } else {
                    for (int i = 0; i < got; i++) {
                        if (buf[i] == '\n' && --left == 0) {
                            take = i + 1;
                            break;
                        }
                    }
                }
                p.out().write(buf, 0, take);
            }
            if (file != null) {
                file.close();
            }
        }
        return ok ? 0 : 1;
    }

    /** {@code head [-n N] [-c N] [FILE...]} and {@code tail [-n N] [-c N] [FILE...]}. */
    public static int headTail(Proc p, boolean head) {
        List<String> args = new ArrayList<>(p.args());
        long n = 10;
        boolean bytes = false;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            if (a.equals("-n") || a.equals("-c")) {
                if (i + 1 >= args.size()) {
                    p.error("option requires an argument -- '" + a.charAt(1) + "'");
                    return 1;
                }
                value = args.get(++i);
                bytes = a.equals("-c");
            } else if (a.matches("-[nc].+")) {
                value = a.substring(2);
                bytes = a.charAt(1) == 'c';
            } else if (a.matches("-[0-9]+")) {
                value = a.substring(1);
            } else {
                files.add(a);
                continue;
            }
            try {
                n = Long.parseLong(value);
            } catch (NumberFormatException e) {
                p.error("invalid number of " + (bytes ? "bytes" : "lines") + ": '" + value + "'");
                return 1;
            }
        }
        if (head) {
            return head(p, files, n, bytes);
        }
        long count = n;
        boolean byBytes = bytes;
        boolean ok = eachInput(p, files, data -> {
            if (byBytes) {
                int len = (int) Math.min(count, data.length);
                p.out().write(data, data.length - len, len);
                return;
            }
            List<String> ls = lines(data);
            boolean lastHasNewline = data.length > 0 && data[data.length - 1] == '\n';
            int from = (int) Math.max(0, ls.size() - count);
            for (int i = from; i < ls.size(); i++) {
                boolean last = i == ls.size() - 1;
                p.out().print(ls.get(i) + (last && !lastHasNewline ? "" : "\n"));
            }
        });
        return ok ? 0 : 1;
    }
}
