package blocksim.userland.tools;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An sfdisk script as libfdisk (2.38.1 {@code script.c}) reads it, line by line: headers
 * ({@code label: gpt}) while no partition has been given, then partition lines in the dump
 * format ({@code /dev/sda1 : start=2048, size=8192, type=83, bootable}) or the simple format
 * ({@code 2048,8192,83,*} with defaults for empty fields).
 */
final class FdiskScript {

    /** A header that libfdisk does not know: the caller warns and goes on. */
    static final int ENOTSUP = -95;
    static final int EINVAL = -22;
    /** The end of the input. */
    static final int EOF = 1;

    private static final List<String> SUPPORTED = List.of("label", "unit", "label-id", "device", "grain",
            "first-lba", "last-lba", "table-length", "sector-size");

    private final Map<String, String> headers = new LinkedHashMap<>();
    final List<FdiskLabel.Part> table = new ArrayList<>();
    private final FdiskContext cxt;
    private final List<String> input;
    private int pos;
    int nlines;
    boolean forceLabel;
    /** The last line read, without its newline (what sfdisk's own commands are matched against). */
    String buf = "";

    FdiskScript(FdiskContext cxt, String text) {
        this.cxt = cxt;
        this.input = splitLines(text == null ? "" : text);
    }

    private static List<String> splitLines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                out.add(text.substring(start));
                break;
            }
            out.add(text.substring(start, nl));
            start = nl + 1;
        }
        return out;
    }

    String header(String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    void setHeader(String name, String value) {
        String key = null;
        for (String k : headers.keySet()) {
            if (k.equalsIgnoreCase(name)) {
                key = k;
            }
        }
        if (value == null) {
            if (key != null) {
                headers.remove(key);
            }
            return;
        }
        headers.put(key != null ? key : name, value);
    }

    Map<String, String> headers() {
        return headers;
    }

    /** Whether type names are read as GPT types (the label the script is about). */
    private boolean gptLabel() {
        String l = header("label");
        return l != null && l.equalsIgnoreCase("gpt");
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    /**
     * fdisk_script_read_line(): skips blank and comment lines, then parses one line. Returns 0,
     * {@link #EOF}, {@link #ENOTSUP} for an unknown header, or a negative errno.
     */
    int readLine() {
        String s;
        do {
            if (pos >= input.size()) {
                return EOF;
            }
            String line = input.get(pos++);
            nlines++;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            buf = line;
            s = skipBlank(line);
        } while (s.isEmpty() || s.charAt(0) == '#');
        return readBuffer(s);
    }

    private static String skipBlank(String s) {
        int i = 0;
        while (i < s.length() && blank(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    private int readBuffer(String s) {
        if (table.isEmpty() && isHeaderLine(s)) {
            return parseHeader(s);
        } else if (s.indexOf('=') >= 0) {
            return parseNameval(s);
        }
        return parseValcommas(s);
    }

    private static boolean isHeaderLine(String s) {
        int p = s.indexOf(':');
        return p > 0 && p + 1 < s.length() && s.indexOf('=') < 0;
    }

    private static String trim(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && space(s.charAt(a))) {
            a++;
        }
        while (b > a && space(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(a, b);
    }

    private int parseHeader(String s) {
        int colon = s.indexOf(':');
        String name = trim(s.substring(0, colon));
        String value = trim(s.substring(colon + 1));
        if (name.isEmpty() || value.isEmpty()) {
            return EINVAL;
        }
        if (!SUPPORTED.contains(name)) {
            // the C parser has cut the line at the colon and trimmed the name in place
            buf = buf.substring(0, buf.length() - buf.stripLeading().length()) + name;
            return ENOTSUP;
        }
        if (name.equals("label")) {
            if (labelName(value) == null) {
                return EINVAL;
            }
            forceLabel = true;
        } else if (name.equals("unit")) {
            if (!value.equals("sectors")) {
                return EINVAL;
            }
        }
        setHeader(name, value);
        return 0;
    }

    /** fdisk_get_label(): the label driver a name means ("mbr" is dos), or null. */
    static String labelName(String value) {
        if (value.equalsIgnoreCase("mbr") || value.equalsIgnoreCase("dos")) {
            return "dos";
        }
        if (value.equalsIgnoreCase("gpt")) {
            return "gpt";
        }
        for (String other : List.of("sun", "sgi", "bsd")) {
            if (value.equalsIgnoreCase(other)) {
                return other;
            }
        }
        return null;
    }

    // ---- tokens -------------------------------------------------------------------------------

    /** A cursor over a line, as the C parser's {@code char **str}. */
    private static final class Cursor {
        final String s;
        int p;

        Cursor(String s, int p) {
            this.s = s;
            this.p = p;
        }

        char at(int i) {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        char cur() {
            return at(p);
        }

        boolean end() {
            return p >= s.length();
        }

        void skipBlank() {
            while (!end() && blank(cur())) {
                p++;
            }
        }

        boolean startsWithIgnoreCase(String prefix) {
            return s.regionMatches(true, p, prefix, 0, prefix.length());
        }
    }

    /** next_token(): the next token (quotes removed), advancing past its terminator; or null. */
    private static String nextToken(Cursor c) {
        int tkBegin = -1;
        int tkEnd = -1;
        boolean openQuote = false;
        for (int i = c.p; i < c.s.length(); i++) {
            char ch = c.s.charAt(i);
            if (tkBegin < 0) {
                if (blank(ch)) {
                    continue;
                }
                tkBegin = ch == '"' ? i + 1 : i;
            }
            if (ch == '"') {
                openQuote = !openQuote;
            }
            if (openQuote) {
                continue;
            }
            if (blank(ch) || ch == ',' || ch == ';' || ch == '"') {
                tkEnd = i;
            } else if (i + 1 >= c.s.length()) {
                tkEnd = i + 1;
            }
            if (tkBegin >= 0 && tkEnd >= 0) {
                break;
            }
        }
        if (tkEnd < 0) {
            return null;
        }
        int end = tkEnd;
        if (c.at(end) == '"') {
            end++;
        }
        boolean terminated = false;
        if (blank(c.at(end))) {
            while (blank(c.at(end))) {
                end++;
            }
            terminated = true;
        }
        if (c.at(end) == ',' || c.at(end) == ';') {
            end++;
            terminated = true;
        } else if (end >= c.s.length()) {
            terminated = true;
        }
        if (!terminated) {
            return null;
        }
        while (blank(c.at(end))) {
            end++;
        }
        String tk = c.s.substring(Math.min(tkBegin, tkEnd), tkEnd);
        c.p = end;
        return tk;
    }

    /** is_default_value(): "", ",", ";", "-" or "- " mean the default. */
    private static boolean isDefault(Cursor c) {
        int p = c.p;
        while (blank(c.at(p))) {
            p++;
        }
        boolean blankAfter = false;
        if (c.at(p) == '-') {
            int x = ++p;
            while (blank(c.at(p))) {
                p++;
            }
            blankAfter = x < p;
        }
        if (c.at(p) == ';' || c.at(p) == ',') {
            c.p = p + 1;
            return true;
        }
        if (p >= c.s.length() || blankAfter) {
            c.p = p;
            return true;
        }
        return false;
    }

    private static String stripSign(String tk) {
        int i = 0;
        while (i < tk.length() && blank(tk.charAt(i))) {
            i++;
        }
        if (i < tk.length() && (tk.charAt(i) == '-' || tk.charAt(i) == '+')) {
            return tk.substring(i + 1);
        }
        return tk;
    }

    private int parseStart(FdiskLabel.Part pa, Cursor c) {
        if (isDefault(c)) {
            pa.startDefault = true;
            return 0;
        }
        String tk = nextToken(c);
        if (tk == null) {
            return EINVAL;
        }
        if (tk.equals("+")) {
            pa.startDefault = true;
            return 0;
        }
        Sizes.Parsed ps = Sizes.parse(stripSign(tk));
        pa.startDefault = false;
        if (ps == null) {
            return EINVAL;
        }
        long num = ps.value();
        if (ps.power() != 0) {
            num = Long.divideUnsigned(num, cxt.sectorSize);
        }
        pa.start = num;
        return 0;
    }

    private int parseSize(FdiskLabel.Part pa, Cursor c) {
        if (isDefault(c)) {
            pa.endDefault = true;
            return 0;
        }
        String tk = nextToken(c);
        if (tk == null) {
            return EINVAL;
        }
        if (tk.equals("+")) {
            pa.endDefault = true;
            return 0;
        }
        Sizes.Parsed ps = Sizes.parse(stripSign(tk));
        pa.endDefault = false;
        if (ps == null) {
            return EINVAL;
        }
        long num = ps.value();
        if (ps.power() != 0) {
            num = Long.divideUnsigned(num, cxt.sectorSize);
        } else {
            pa.sizeExplicit = true;
        }
        pa.size = num;
        return 0;
    }

    private static FdiskLabel.Part newTemplate() {
        FdiskLabel.Part pa = new FdiskLabel.Part();
        pa.startDefault = true;
        pa.endDefault = true;
        pa.partnoDefault = true;
        return pa;
    }

    /** partno_from_devname(): the trailing number of "/dev/sda3" minus one, or -1. */
    private static int partnoFromDevname(String s) {
        String t = s;
        int end = t.length();
        while (end > 0 && space(t.charAt(end - 1))) {
            end--;
        }
        int p = end;
        while (p > 0 && Character.isDigit(t.charAt(p - 1))) {
            p--;
        }
        if (p == end) {
            return -1;
        }
        try {
            long num = Long.parseLong(t.substring(p, end));
            if (num > Integer.MAX_VALUE) {
                return -1;
            }
            return (int) num - 1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private int parseNameval(String s) {
        FdiskLabel.Part pa = newTemplate();
        int colon = s.indexOf(':');
        int eq = s.indexOf('=');
        Cursor c;
        if (colon >= 0 && (eq < 0 || colon < eq)) {
            int pno = partnoFromDevname(s.substring(0, colon));
            if (pno >= 0) {
                pa.partnoDefault = false;
                pa.partno = pno;
            }
            c = new Cursor(s, colon + 1);
        } else {
            c = new Cursor(s, 0);
        }
        int rc = 0;
        while (rc == 0 && !c.end()) {
            c.skipBlank();
            if (c.startsWithIgnoreCase("start=")) {
                c.p += 6;
                rc = parseStart(pa, c);
            } else if (c.startsWithIgnoreCase("size=")) {
                c.p += 5;
                rc = parseSize(pa, c);
            } else if (c.startsWithIgnoreCase("bootable")) {
                String tk = nextToken(c);
                if (tk != null && tk.equalsIgnoreCase("bootable")) {
                    pa.boot = true;
                } else {
                    rc = EINVAL;
                }
            } else if (c.startsWithIgnoreCase("attrs=")) {
                c.p += 6;
                pa.attrs = nextToken(c);
                rc = pa.attrs == null ? EINVAL : 0;
            } else if (c.startsWithIgnoreCase("uuid=")) {
                c.p += 5;
                pa.uuid = nextToken(c);
                rc = pa.uuid == null ? EINVAL : 0;
            } else if (c.startsWithIgnoreCase("name=")) {
                c.p += 5;
                String n = nextToken(c);
                pa.name = n == null ? null : unhexmangle(n);
                rc = n == null ? EINVAL : 0;
            } else if (c.startsWithIgnoreCase("type=") || c.startsWithIgnoreCase("Id=")) {
                c.p += (c.cur() == 'I' || c.cur() == 'i') ? 3 : 5;
                String type = nextToken(c);
                if (type == null) {
                    rc = EINVAL;
                } else {
                    pa.type = FdiskTypes.parse(gptLabel(), type);
                }
            } else {
                rc = EINVAL;
                break;
            }
        }
        if (rc == 0) {
            table.add(pa);
        }
        return rc;
    }

    private int parseValcommas(String s) {
        FdiskLabel.Part pa = newTemplate();
        Cursor c = new Cursor(s, 0);
        int rc = 0;
        int item = -1;
        while (rc == 0 && !c.end()) {
            c.skipBlank();
            item++;
            int begin = c.p;
            switch (item) {
                case 0 -> rc = parseStart(pa, c);
                case 1 -> rc = parseSize(pa, c);
                case 2 -> {
                    pa.type = null;
                    if (c.cur() == ',' || c.cur() == ';' || isDefault(c)) {
                        break;
                    }
                    String str = nextToken(c);
                    if (str == null) {
                        rc = EINVAL;
                        break;
                    }
                    pa.type = FdiskTypes.parse(gptLabel(), str);
                }
                case 3 -> {
                    if (c.cur() == ',' || c.cur() == ';') {
                        break;
                    }
                    String tk = nextToken(c);
                    if ("*".equals(tk) || "+".equals(tk)) {
                        pa.boot = true;
                    } else if ("-".equals(tk)) {
                        pa.boot = false;
                    } else {
                        rc = EINVAL;
                    }
                }
                default -> {
                }
            }
            if (begin == c.p) {
                c.p++;
            }
        }
        if (rc == 0) {
            table.add(pa);
        }
        return rc;
    }

    /** unhexmangle_string(): "\x20" sequences back to bytes. */
    static String unhexmangle(String s) {
        if (!s.contains("\\x")) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\\' && i + 3 < b.length && b[i + 1] == 'x'
                    && Character.digit(b[i + 2], 16) >= 0 && Character.digit(b[i + 3], 16) >= 0) {
                out.write(Character.digit(b[i + 2], 16) << 4 | Character.digit(b[i + 3], 16));
                i += 3;
            } else {
                out.write(b[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
