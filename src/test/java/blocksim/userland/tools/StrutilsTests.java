package blocksim.userland.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import blocksim.api.Errno;
import org.junit.jupiter.api.Test;

/**
 * util-linux 2.38.1 number parsing; every case was run through addpart, delpart or blockdev on
 * the live system, and the message is what those tools printed.
 */
class StrutilsTests {

    private static String u32(String s) {
        return show(Strutils.u32(s), s);
    }

    private static String u64(String s) {
        return show(Strutils.u64(s), s);
    }

    private static String s32(String s) {
        return show(Strutils.s32(s), s);
    }

    private static String show(Strutils.Num n, String s) {
        return n.ok() ? Long.toUnsignedString(n.value()) : n.message("arg", s);
    }

    @Test
    void blanksAndASignMayLeadButNothingMayFollow() {
        assertEquals("1", u32("+1"));
        assertEquals("1", u32(" 1"));
        assertEquals("0", u32(" -0"), "minus zero is zero, not negative");
        assertEquals("arg: 'x'", u32("x"));
        assertEquals("arg: ''", u32(""));
        assertEquals("arg: '0x10'", u64("0x10"), "base 10 only");
        assertEquals("arg: '12abc'", s32("12abc"));
        assertEquals("40", s32(" 40"));
    }

    @Test
    void negativeAndOutOfRangeNumbersAreErange() {
        assertEquals("arg: ' -5': Numerical result out of range", u64(" -5"));
        assertEquals("arg: ' -1x': Numerical result out of range", u32(" -1x"), "the sign is seen before the junk");
        assertEquals("arg: '4294967296': Numerical result out of range", u32("4294967296"));
        assertEquals("4294967295", u32("4294967295"));
        assertEquals("18446744073709551615", u64("18446744073709551615"));
        assertEquals("arg: '18446744073709551616': Numerical result out of range", u64("18446744073709551616"));
        assertEquals("arg: '99999999999': Numerical result out of range", s32("99999999999"));
        assertEquals("arg: '2147483648': Numerical result out of range", s32("2147483648"));
        assertEquals("arg: '99999999999999999999x': Numerical result out of range", s32("99999999999999999999x"),
                "strtoimax's overflow is seen before the junk");
        assertEquals(-2147483648L, Strutils.s32("-2147483648").value());
        assertEquals(-8L, Strutils.s32("-8").value());
        assertEquals(Errno.ERANGE, Strutils.u64("-1").errno());
    }
}
