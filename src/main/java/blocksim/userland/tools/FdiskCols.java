package blocksim.userland.tools;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of libsmartcols (2.38) that sfdisk and partx print through, for output that is not a
 * terminal: column widths from the header, the data and the width hint (a hint of 1 or more is
 * a minimum for columns whose data reaches the header's width), one space between columns,
 * right-aligned number columns, no padding after the last column; and the raw ({@code -r}) and
 * export ({@code -P}) formats.
 */
final class FdiskCols {

    /** Output formats. */
    enum Format { HUMAN, RAW, EXPORT }

    private record Column(String name, double hint, boolean right) {
    }

    private final List<Column> columns = new ArrayList<>();
    private final List<String[]> lines = new ArrayList<>();
    private Format format = Format.HUMAN;
    private boolean noHeadings;

    FdiskCols format(Format f) {
        this.format = f;
        return this;
    }

    FdiskCols noHeadings(boolean on) {
        this.noHeadings = on;
        return this;
    }

    FdiskCols column(String name, double hint, boolean right) {
        columns.add(new Column(name, hint, right));
        return this;
    }

    /** A line; null cells have no data. */
    FdiskCols line(String... cells) {
        lines.add(cells.clone());
        return this;
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    private String cell(String[] line, int i) {
        return i < line.length && line[i] != null ? line[i] : "";
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The table as scols_print_table() writes it (nothing at all without lines). */
    String render() {
        StringBuilder out = new StringBuilder();
        if (lines.isEmpty()) {
            return "";
        }
        int n = columns.size();
        int[] widths = new int[n];
        for (int c = 0; c < n; c++) {
            Column col = columns.get(c);
            int min = Math.max(1, width(col.name));
            int w = 0;
            for (String[] l : lines) {
                w = Math.max(w, width(cell(l, c)));
            }
            if (w < min) {
                w = min;
            } else if (col.hint >= 1 && w < (int) col.hint && min < (int) col.hint) {
                w = (int) col.hint;
            }
            widths[c] = w;
        }
        boolean headings = !noHeadings && format != Format.EXPORT;
        if (headings) {
            String[] header = new String[n];
            for (int c = 0; c < n; c++) {
                header[c] = columns.get(c).name;
            }
            printLine(out, header, widths);
        }
        for (String[] l : lines) {
            printLine(out, l, widths);
        }
        return out.toString();
    }

    private void printLine(StringBuilder out, String[] line, int[] widths) {
        int n = columns.size();
        for (int c = 0; c < n; c++) {
            Column col = columns.get(c);
            String data = cell(line, c);
            boolean last = c == n - 1;
            switch (format) {
                case RAW -> {
                    out.append(nonblank(data));
                    if (!last) {
                        out.append(' ');
                    }
                }
                case EXPORT -> {
                    out.append(col.name).append('=').append(quoted(data));
                    if (!last) {
                        out.append(' ');
                    }
                }
                case HUMAN -> {
                    int len = width(data);
                    int w = widths[c];
                    if (last && len < w && !col.right) {
                        w = len;
                    }
                    if (!data.isEmpty() && col.right) {
                        out.append(" ".repeat(Math.max(0, w - len)));
                        len = Math.max(len, w);
                    }
                    out.append(data);
                    if (last) {
                        break;
                    }
                    out.append(" ".repeat(Math.max(0, w - len)));
                    out.append(' ');
                }
            }
        }
        out.append('\n');
    }

    /** fputs_nonblank(): blanks, backslashes and unprintable bytes as \xNN. */
    static String nonblank(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c == ' ' || c == '\t' || c == '\\' || c < 0x20 || c >= 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** fputs_quoted(): in double quotes, with " \ ` $ and unprintable bytes as \xNN. */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c == '"' || c == '\\' || c == '`' || c == '$' || c < 0x20 || c >= 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.append((char) c);
            }
        }
        return b.append('"').toString();
    }
}
