package blocksim.cli;

import blocksim.scenario.ScenarioRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * The results of a {@code blocksim run} in the JUnit XML that surefire writes and CI servers read:
 * {@code <testsuites>} holding a {@code <testsuite>} per lesson (named by its path) and a
 * {@code <testcase>} per command ({@code LINE: $ COMMAND}), with a {@code <failure>} holding the
 * diff where the output differed, a {@code <skipped>} lesson when the kernel is not in its
 * {@code runs-on}, and an {@code <error>} for a file that could not be run. Times are 0: the
 * model's time is virtual, and the file stays the same from run to run.
 */
final class JunitXml {

    private final List<String> suites = new ArrayList<>();
    private int tests;
    private int failures;
    private int errors;
    private int skipped;

    void lesson(String path, ScenarioRunner.Result r) {
        StringBuilder b = new StringBuilder();
        if (r.skipped()) {
            tests++;
            skipped++;
            b.append(suite(path, 1, 0, 0, 1));
            b.append("    <testcase classname=\"").append(attr(path)).append("\" name=\"lesson\" time=\"0\">\n");
            b.append("      <skipped message=\"").append(attr(r.note())).append("\"/>\n");
            b.append("    </testcase>\n  </testsuite>\n");
            suites.add(b.toString());
            return;
        }
        int f = (int) r.results().stream().filter(c -> c.failure() != null).count();
        tests += r.results().size();
        failures += f;
        b.append(suite(path, r.results().size(), f, 0, 0));
        for (ScenarioRunner.CommandResult c : r.results()) {
            b.append("    <testcase classname=\"").append(attr(path)).append("\" name=\"")
                    .append(attr(c.line() + ": $ " + c.command())).append("\" time=\"0\"");
            if (c.failure() == null) {
                b.append("/>\n");
            } else {
                b.append(">\n      <failure message=\"").append(attr(firstLine(c.failure()))).append("\">")
                        .append(text(c.failure())).append("</failure>\n    </testcase>\n");
            }
        }
        b.append("  </testsuite>\n");
        suites.add(b.toString());
    }

    void badFile(String path, String message) {
        tests++;
        errors++;
        suites.add(suite(path, 1, 0, 1, 0) + "    <testcase classname=\"" + attr(path) + "\" name=\"lesson\" time=\"0\">\n"
                + "      <error message=\"" + attr(message) + "\"/>\n    </testcase>\n  </testsuite>\n");
    }

    String render() {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<testsuites name=\"blocksim\" tests=\"").append(tests).append("\" failures=\"").append(failures)
                .append("\" errors=\"").append(errors).append("\" skipped=\"").append(skipped).append("\" time=\"0\">\n");
        suites.forEach(b::append);
        return b.append("</testsuites>\n").toString();
    }

    private static String suite(String path, int tests, int failures, int errors, int skipped) {
        return "  <testsuite name=\"" + attr(path) + "\" tests=\"" + tests + "\" failures=\"" + failures + "\" errors=\""
                + errors + "\" skipped=\"" + skipped + "\" time=\"0\">\n";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Text as XML 1.0 allows it: the five entities, and control characters other than tab and newline as {@code \xNN}. */
    static String text(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' || c == 0xfffe || c == 0xffff) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static String attr(String s) {
        return text(s == null ? "" : s).replace("\n", "&#10;").replace("\t", "&#9;");
    }
}
