package blocksim.kernel;

/**
 * Simulated time since boot, in nanoseconds. It advances only when the model says so (a task
 * sleeps, a scan takes time); it never reads the wall clock, so every run is repeatable.
 */
public final class VirtualClock {

    private long nanos;

    public long nanos() {
        return nanos;
    }

    /** Moves time forward by {@code delta} nanoseconds (never backward). */
    public void advance(long delta) {
        if (delta < 0) {
            throw new IllegalArgumentException("time runs forward: " + delta);
        }
        nanos = Math.addExact(nanos, delta);
    }
}
