package blocksim.api;

import java.math.BigDecimal;

/**
 * Durations as the tools write them: GNU sleep's {@code NUMBER[smhd]} and {@code infinity}, plus
 * {@code ms} (a blocksim extension for the model's fine timing); and ranges {@code MIN-MAX}.
 */
public final class Durations {

    private Durations() {
    }

    /** Nanoseconds, {@link Scheduling#FOREVER} for infinity, or -1 if the text is not a duration. */
    public static long parse(String a) {
        if (a.equals("infinity") || a.equals("inf")) {
            return Scheduling.FOREVER;
        }
        String num = a;
        long unit = 1_000_000_000L;
        if (a.endsWith("ms")) {
            num = a.substring(0, a.length() - 2);
            unit = 1_000_000L;
        } else if (!a.isEmpty() && "smhd".indexOf(a.charAt(a.length() - 1)) >= 0) {
            num = a.substring(0, a.length() - 1);
            unit = switch (a.charAt(a.length() - 1)) {
                case 'm' -> 60_000_000_000L;
                case 'h' -> 3_600_000_000_000L;
                case 'd' -> 86_400_000_000_000L;
                default -> 1_000_000_000L;
            };
        }
        if (!num.matches("[0-9]*\\.?[0-9]+|[0-9]+\\.")) {
            return -1;
        }
        BigDecimal nanos = new BigDecimal(num).multiply(BigDecimal.valueOf(unit));
        return nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0 ? Scheduling.FOREVER : nanos.longValue();
    }

    /** {min, max} in nanoseconds for {@code DURATION} or {@code MIN-MAX}, or null. */
    public static long[] parseRange(String text) {
        String[] parts = text.split("-", -1);
        if (parts.length > 2) {
            return null;
        }
        long min = parse(parts[0]);
        long max = parts.length == 2 ? parse(parts[1]) : min;
        if (min < 0 || max < min || max == Scheduling.FOREVER) {
            return null;
        }
        return new long[] {min, max};
    }
}
