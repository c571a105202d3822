package blocksim.userland.abuse;

/**
 * A fault an {@link AbuseServer} injects, in the manner of nbdkit's error and delay filters: for
 * the reads, the writes or both, of bios touching sectors {@code first} to {@code last}, with
 * probability {@code probability} (drawn from the server's seeded random source): fail the bio
 * with a media failure ({@link Kind#ERROR}), wait {@code millis} before serving it
 * ({@link Kind#DELAY}), or die there, leaving the bio queued ({@link Kind#DIE}).
 */
public record Fault(Op op, long first, long last, Kind kind, long millis, double probability) {

    /** Which requests a fault is for. */
    public enum Op { READ, WRITE, ANY }

    /** What a fault does. */
    public enum Kind { ERROR, DELAY, DIE }

    /** Whether it applies to a bio of this command ({@code ABUSE_READ} 0, {@code ABUSE_WRITE} 1) and range. */
    boolean matches(int command, long sector, long sectors) {
        boolean opOk = op == Op.ANY || (op == Op.READ) == (command == 0);
        return opOk && sector <= last && sector + sectors - 1 >= first;
    }

    /**
     * {@code OP:FIRST-LAST:ACTION[:PROBABILITY]}: OP read, write or any; ACTION eio, delay=MS or
     * die; null when malformed.
     */
    public static Fault parse(String s) {
        String[] f = s.split(":");
        if (f.length < 3 || f.length > 4) {
            return null;
        }
        try {
            Op op = Op.valueOf(f[0].toUpperCase());
            String[] r = f[1].split("-", 2);
            long first = Long.parseLong(r[0]);
            long last = r.length > 1 ? Long.parseLong(r[1]) : first;
            double p = f.length == 4 ? Double.parseDouble(f[3]) : 1.0;
            if (f[2].equals("eio")) {
                return new Fault(op, first, last, Kind.ERROR, 0, p);
            }
            if (f[2].equals("die")) {
                return new Fault(op, first, last, Kind.DIE, 0, p);
            }
            if (f[2].startsWith("delay=")) {
                return new Fault(op, first, last, Kind.DELAY, Long.parseLong(f[2].substring(6)), p);
            }
            return null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
