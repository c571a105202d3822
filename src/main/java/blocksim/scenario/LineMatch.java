package blocksim.scenario;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How an expected line matches an actual one: exactly, or as a Java regular expression (a line
 * ending in {@code " (re)"}, matched against the whole line), or as a glob ({@code " (glob)"}:
 * {@code *} any run of characters, {@code ?} one character, {@code \} escapes).
 */
final class LineMatch {

    private LineMatch() {
    }

    public static boolean matches(String expected, String actual) {
        if (expected.endsWith(" (re)")) {
            try {
                return Pattern.compile(expected.substring(0, expected.length() - 5)).matcher(actual).matches();
            } catch (PatternSyntaxException e) {
                return false;
            }
        }
        if (expected.endsWith(" (glob)")) {
            return globToRegex(expected.substring(0, expected.length() - 7)).matcher(actual).matches();
        }
        return expected.equals(actual);
    }

    /** A regular-expression line that does not compile: the text of the problem, or null. */
    public static String badPattern(String expected) {
        if (!expected.endsWith(" (re)")) {
            return null;
        }
        try {
            Pattern.compile(expected.substring(0, expected.length() - 5));
            return null;
        } catch (PatternSyntaxException e) {
            return e.getDescription();
        }
    }

    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\' && i + 1 < glob.length()) {
                re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
