package blocksim.userland.tools;

/**
 * util-linux's size helpers ({@code lib/strutils.c}): {@code size_to_human_string} as sfdisk,
 * partx and friends print sizes ("16M", "48.8 MiB", "64 MiB"), and {@code parse_size} as they read
 * them ("16MiB", "1G", "0.5MB").
 */
public final class Sizes {

    private Sizes() {
    }

    /** {@code SIZE_SUFFIX_1LETTER}: "16M". */
    public static final int SUFFIX_1LETTER = 0;
    /** {@code SIZE_SUFFIX_3LETTER}: "16MiB". */
    public static final int SUFFIX_3LETTER = 1 << 0;
    /** {@code SIZE_SUFFIX_SPACE}: "16 MiB". */
    public static final int SUFFIX_SPACE = 1 << 1;
    /** {@code SIZE_DECIMAL_2DIGITS}: two digits after the point ("1.25 GiB"). */
    public static final int DECIMAL_2DIGITS = 1 << 2;

    private static int exponent(long n) {
        int shift;
        for (shift = 10; shift <= 60; shift += 10) {
            if (Long.compareUnsigned(n, 1L << shift) < 0) {
                break;
            }
        }
        return shift - 10;
    }

    /** {@code size_to_human_string(options, bytes)}, bytes taken as unsigned. */
    public static String human(int options, long bytes) {
        StringBuilder suffix = new StringBuilder();
        if ((options & SUFFIX_SPACE) != 0) {
            suffix.append(' ');
        }
        int exp = exponent(bytes);
        char c = "BKMGTPE".charAt(exp == 0 ? 0 : exp / 10);
        long dec = exp == 0 ? bytes : Long.divideUnsigned(bytes, 1L << exp);
        long frac = exp == 0 ? 0 : Long.remainderUnsigned(bytes, 1L << exp);
        suffix.append(c);
        if ((options & SUFFIX_3LETTER) != 0 && c != 'B') {
            suffix.append("iB");
        }
        if (frac != 0) {
            if (Long.compareUnsigned(frac, Long.divideUnsigned(-1L, 1000)) >= 0) {
                frac = ((frac / 1024) * 1000) / (1L << (exp - 10));
            } else {
                frac = (frac * 1000) / (1L << exp);
            }
            if ((options & DECIMAL_2DIGITS) != 0) {
                frac = (frac + 5) / 10;
            } else {
                frac = ((frac + 50) / 100) * 10;
            }
            if (frac == 100) {
                dec++;
                frac = 0;
            }
        }
        int d = (int) dec;
        if (frac != 0) {
            String s = d + "." + String.format("%02d", frac);
            if (s.endsWith("0")) {
                s = s.substring(0, s.length() - 1);
            }
            return s + suffix;
        }
        return d + suffix.toString();
    }

    /** A parsed size: the value and the power of its suffix (K=1, M=2, ...; 0 without). */
    public record Parsed(long value, int power) {
    }

    /**
     * {@code parse_size()}: a number (decimal, 0x hex or 0 octal as strtoumax with base 0) with an
     * optional suffix K, M, G, T, P, E (or KiB.. for 2^N, KB.. for 10^N), and an optional
     * fraction before the suffix. Returns null for anything it rejects (a sign, junk, overflow).
     */
    public static Parsed parse(String str) {
        if (str == null || str.isEmpty()) {
            return null;
        }
        int i = 0;
        while (i < str.length() && Character.isWhitespace(str.charAt(i))) {
            i++;
        }
        if (i < str.length() && str.charAt(i) == '-') {
            return null;
        }
        if (i < str.length() && str.charAt(i) == '+') {
            i++;
        }
        int[] end = {i};
        Long x = strtoumax(str, end);
        if (x == null) {
            return null;
        }
        int p = end[0];
        if (p >= str.length()) {
            return new Parsed(x, 0);
        }
        long frac = 0;
        int fracZeros = 0;
        int base;
        while (true) {
            String rest = str.substring(p);
            if (rest.length() == 3 && rest.charAt(1) == 'i' && (rest.charAt(2) == 'B' || rest.charAt(2) == 'b')) {
                base = 1024;
            } else if (rest.length() == 2 && (rest.charAt(1) == 'B' || rest.charAt(1) == 'b')) {
                base = 1000;
            } else if (rest.length() > 1) {
                if (frac == 0 && rest.charAt(0) == '.') {
                    int q = p + 1;
                    while (q < str.length() && str.charAt(q) == '0') {
                        fracZeros++;
                        q++;
                    }
                    if (q < str.length() && Character.isDigit(str.charAt(q))) {
                        int[] fe = {q};
                        Long f = strtoumax(str, fe);
                        if (f == null) {
                            return null;
                        }
                        frac = f;
                        q = fe[0];
                    }
                    if (frac != 0 && q >= str.length()) {
                        return null;
                    }
                    p = q;
                    continue;
                }
                return null;
            } else {
                base = 1024;
            }
            break;
        }
        if (p >= str.length()) {
            return null;
        }
        char s = str.charAt(p);
        int pwr = "KMGTPEZY".indexOf(s) + 1;
        if (pwr == 0) {
            pwr = "kmgtpezy".indexOf(s) + 1;
        }
        if (pwr == 0) {
            return null;
        }
        long value = x;
        for (int k = 0; k < pwr; k++) {
            if (Long.compareUnsigned(Long.divideUnsigned(-1L, base), value) < 0) {
                return null;
            }
            value *= base;
        }
        if (frac != 0) {
            long fracDiv = 10;
            long fracPoz = 1;
            long fracBase = 1;
            for (int k = 0; k < pwr; k++) {
                fracBase *= base;
            }
            while (fracDiv < frac) {
                fracDiv *= 10;
            }
            for (int k = 0; k < fracZeros; k++) {
                fracDiv *= 10;
            }
            do {
                long seg = frac % 10;
                long segDiv = fracDiv / fracPoz;
                frac /= 10;
                fracPoz *= 10;
                if (seg != 0 && segDiv / seg != 0) {
                    value += fracBase / (segDiv / seg);
                }
            } while (frac != 0);
        }
        return new Parsed(value, pwr);
    }

    /** strtoumax(str, &end, 0) from {@code end[0]}: null when no digits (or overflow). */
    static Long strtoumax(String str, int[] end) {
        int i = end[0];
        int radix = 10;
        if (i + 1 < str.length() && str.charAt(i) == '0' && (str.charAt(i + 1) == 'x' || str.charAt(i + 1) == 'X')
                && i + 2 < str.length() && Character.digit(str.charAt(i + 2), 16) >= 0) {
            radix = 16;
            i += 2;
        } else if (i < str.length() && str.charAt(i) == '0') {
            radix = 8;
        }
        int start = i;
        long v = 0;
        while (i < str.length() && Character.digit(str.charAt(i), radix) >= 0) {
            long nv = v * radix + Character.digit(str.charAt(i), radix);
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, radix)) > 0 || Long.compareUnsigned(nv, v) < 0) {
                return null;
            }
            v = nv;
            i++;
        }
        if (i == start) {
            return null;
        }
        end[0] = i;
        return v;
    }
}
