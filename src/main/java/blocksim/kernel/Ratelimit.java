package blocksim.kernel;

/**
 * {@code lib/ratelimit.c:___ratelimit} on the virtual clock: at most {@code burst} messages per
 * {@code interval} (a new interval opens once time is strictly past the old one's end, as
 * {@code time_is_before_jiffies}); when it opens after messages were suppressed, it first reports
 * {@code "<func>: N callbacks suppressed"} at KERN_WARNING.
 */
public final class Ratelimit {

    /** {@code DEFAULT_RATELIMIT_INTERVAL}: 5 seconds. */
    public static final long DEFAULT_INTERVAL_NANOS = 5_000_000_000L;
    /** {@code DEFAULT_RATELIMIT_BURST}. */
    public static final int DEFAULT_BURST = 10;

    private final VirtualClock clock;
    private final Printk printk;
    private final String func;
    private final long interval;
    private final int burst;
    private long begin = -1;
    private int printed;
    private int missed;

    public Ratelimit(VirtualClock clock, Printk printk, String func, long interval, int burst) {
        this.clock = clock;
        this.printk = printk;
        this.func = func;
        this.interval = interval;
        this.burst = burst;
    }

    /** True when the caller may print now. */
    public boolean allow() {
        long now = clock.nanos();
        if (begin < 0) {
            begin = now;
        }
        if (now - begin > interval) {
            if (missed > 0) {
                printk.printk(Printk.Level.WARNING, func + ": " + missed + " callbacks suppressed\n");
            }
            begin = now;
            printed = 0;
            missed = 0;
        }
        if (printed < burst) {
            printed++;
            return true;
        }
        missed++;
        return false;
    }
}
