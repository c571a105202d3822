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

    /** The diff, as {@code --- expected / +++ actual / @@ ... @@} followed by one hunk of the whole output. */
    public static String diff(String file, int firstLine, List<String> expected, List<String> actual) {
        int n = expected.size();
        int m = actual.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = LineMatch.matches(expected.get(i), actual.get(j))
                        ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> body = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && LineMatch.matches(expected.get(i), actual.get(j))) {
                body.add(" " + actual.get(j));
                i++;
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                body.add("-" + expected.get(i));
                i++;
            } else {
                body.add("+" + actual.get(j));
                j++;
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("--- ").append(file).append(" (expected)\n");
        sb.append("+++ ").append(file).append(" (actual)\n");
        sb.append("@@ -").append(firstLine).append(',').append(n).append(" +").append(firstLine).append(',').append(m)
                .append(" @@\n");
        for (String l : body) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }
}
