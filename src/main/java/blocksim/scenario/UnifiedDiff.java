package blocksim.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of expected against actual output lines, where "equal" means {@link LineMatch}
 * accepts the expected line for the actual one. Line numbers are the file's, for the expected side.
 */
final class UnifiedDiff {

    private UnifiedDiff() {
    }

    /** Whether every expected line matches its actual line, in order and count. */
    public static boolean same(List<String> expected, List<String> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!LineMatch.matches(expected.get(i), actual.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Above this many cells the diff does not search for the longest common subsequence. */
    static final long MAX_CELLS = 1_000_000;
    /** At most this many lines of a diff's body are shown; the rest are counted. */
    static final int MAX_BODY = 400;
    /** A diff line is shown up to this many characters. */
    static final int MAX_LINE = 1000;

    /**
     * The diff, as {@code --- expected / +++ actual / @@ ... @@} followed by one hunk of the whole
     * output. Memory stays bounded whatever the sizes: when the two sides are too long to align
     * line by line, their common head and tail are kept as context and the middle is shown as
     * removed and added; a body longer than {@link #MAX_BODY} lines is cut with a count.
     */
    public static String diff(String file, int firstLine, List<String> expected, List<String> actual) {
        int n = expected.size();
        int m = actual.size();
        List<String> body = new ArrayList<>();
        if ((long) (n + 1) * (m + 1) <= MAX_CELLS) {
            align(expected, 0, n, actual, 0, m, body);
        } else {
            int head = 0;
            while (head < n && head < m && LineMatch.matches(expected.get(head), actual.get(head))) {
                head++;
            }
            int tail = 0;
            while (tail < n - head && tail < m - head
                    && LineMatch.matches(expected.get(n - 1 - tail), actual.get(m - 1 - tail))) {
                tail++;
            }
            for (int k = 0; k < head; k++) {
                body.add(" " + actual.get(k));
            }
            if ((long) (n - head - tail + 1) * (m - head - tail + 1) <= MAX_CELLS) {
                align(expected, head, n - tail, actual, head, m - tail, body);
            } else {
                for (int k = head; k < n - tail; k++) {
                    body.add("-" + expected.get(k));
                }
                for (int k = head; k < m - tail; k++) {
                    body.add("+" + actual.get(k));
                }
            }
            for (int k = m - tail; k < m; k++) {
                body.add(" " + actual.get(k));
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("--- ").append(file).append(" (expected)\n");
        sb.append("+++ ").append(file).append(" (actual)\n");
        sb.append("@@ -").append(firstLine).append(',').append(n).append(" +").append(firstLine).append(',').append(m)
                .append(" @@\n");
        for (int k = 0; k < Math.min(body.size(), MAX_BODY); k++) {
            String l = body.get(k);
            if (l.length() > MAX_LINE) {
                l = l.substring(0, MAX_LINE) + "[... " + (l.length() - MAX_LINE) + " more characters not shown]";
            }
            sb.append(l).append('\n');
        }
        if (body.size() > MAX_BODY) {
            sb.append("[... ").append(body.size() - MAX_BODY).append(" more lines of the diff not shown]\n");
        }
        return sb.toString();
    }

    /** The longest-common-subsequence alignment of expected[i0, n) against actual[j0, m). */
    private static void align(List<String> expected, int i0, int n, List<String> actual, int j0, int m, List<String> body) {
        int[][] lcs = new int[n - i0 + 1][m - j0 + 1];
        for (int i = n - 1; i >= i0; i--) {
            for (int j = m - 1; j >= j0; j--) {
                lcs[i - i0][j - j0] = LineMatch.matches(expected.get(i), actual.get(j))
                        ? lcs[i - i0 + 1][j - j0 + 1] + 1 : Math.max(lcs[i - i0 + 1][j - j0], lcs[i - i0][j - j0 + 1]);
            }
        }
        int i = i0;
        int j = j0;
        while (i < n || j < m) {
            if (i < n && j < m && LineMatch.matches(expected.get(i), actual.get(j))) {
                body.add(" " + actual.get(j));
                i++;
                j++;
            } else if (i < n && (j == m || lcs[i - i0 + 1][j - j0] >= lcs[i - i0][j - j0 + 1])) {
                body.add("-" + expected.get(i));
                i++;
            } else {
                body.add("+" + actual.get(j));
                j++;
            }
        }
    }
}
