package blocksim.userland.tools;

import blocksim.api.Errno;
import java.math.BigInteger;

/**
 * The number parsing util-linux 2.38.1 tools share ({@code lib/strutils.c}): {@code
 * strtou32_or_err}, {@code strtou64_or_err} and {@code strtos32_or_err}, over glibc's base-10
 * {@code strtoimax}/{@code strtoumax}. White space and a sign may lead; anything after the digits
 * is rejected. A negative number for an unsigned parse and a number out of range fail with ERANGE,
 * which the tools print through {@code err()} (the message gains ": Numerical result out of
 * range"); everything else fails with EINVAL through {@code errx()}.
 */
final class Strutils {

    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final long U32_MAX = 0xffff_ffffL;

    private Strutils() {
    }

    /** A parsed number, or the errno the parse failed with. */
    record Num(long value, Errno errno) {

        boolean ok() {
            return errno == null;
        }

        /** What {@code str2unum_or_err} / {@code str2num_or_err} print after "tool: ". */
        String message(String what, String str) {
            String text = what + ": '" + str + "'";
            return errno == Errno.ERANGE ? text + ": " + errno.strerror() : text;
        }
    }

    /** {@code strtou32_or_err}: 0 .. 4294967295. */
    static Num u32(String str) {
        return unsigned(str, U32_MAX);
    }

    /** {@code strtou64_or_err}: 0 .. 2^64-1 (the value read as unsigned). */
    static Num u64(String str) {
        return unsigned(str, 0);
    }

    /** {@code strtos32_or_err}: -2147483648 .. 2147483647. */
    static Num s32(String str) {
        Scan s = scan(str);
        if (s == null) {
            return fail(Errno.EINVAL);
        }
        BigInteger v = s.negative ? s.magnitude.negate() : s.magnitude;
        // ul_strtos64: strtoimax's ERANGE first, then the digits must end the string
        if (v.bitLength() > 63) {
            return fail(Errno.ERANGE);
        }
        if (s.end != str.length()) {
            return fail(Errno.EINVAL);
        }
        long n = v.longValue();
        return n < Integer.MIN_VALUE || n > Integer.MAX_VALUE ? fail(Errno.ERANGE) : new Num(n, null);
    }

    /**
     * {@code ul_strtou64} and the bound of {@code str2unum_or_err} ({@code up} 0 for none): a
     * negative value is ERANGE even with junk after it, as strtoimax sees it first.
     */
    private static Num unsigned(String str, long up) {
        Scan s = scan(str);
        if (s == null) {
            return fail(Errno.EINVAL);
        }
        if (s.negative && s.magnitude.signum() != 0) {
            return fail(Errno.ERANGE);
        }
        if (s.magnitude.compareTo(U64_MAX) > 0) {
            return fail(Errno.ERANGE);
        }
        if (s.end != str.length()) {
            return fail(Errno.EINVAL);
        }
        long n = s.magnitude.longValue();
        return up != 0 && Long.compareUnsigned(n, up) > 0 ? fail(Errno.ERANGE) : new Num(n, null);
    }

    private static Num fail(Errno e) {
        return new Num(0, e);
    }

    /** The digits glibc's base-10 strtoimax reads, or null when there are none (end == str). */
    private record Scan(boolean negative, BigInteger magnitude, int end) {
    }

    private static Scan scan(String str) {
        int i = 0;
        while (i < str.length() && " \t\n\u000b\f\r".indexOf(str.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < str.length() && (str.charAt(i) == '+' || str.charAt(i) == '-')) {
            negative = str.charAt(i) == '-';
            i++;
        }
        int start = i;
        while (i < str.length() && str.charAt(i) >= '0' && str.charAt(i) <= '9') {
            i++;
        }
        return i == start ? null : new Scan(negative, new BigInteger(str.substring(start, i)), i);
    }
}
