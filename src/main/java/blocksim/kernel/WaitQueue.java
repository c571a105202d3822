package blocksim.kernel;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A wait queue ({@code wait_queue_head_t}, {@code include/linux/wait.h}) on the scheduler's
 * primitives: {@link #waitEvent} parks the calling task until its condition holds, re-checking it
 * at every wake-up, as {@code wait_event} does; {@link #wakeUp} wakes the first waiter
 * (an exclusive wait), {@link #wakeUpAll} every one. The wait shows in {@code jobs} as
 * "blocked", in {@code --trace} and in the deadlock report with what the task waits for, which
 * the caller describes when it parks (the holder of a lock, say, for the wait-for chain).
 * Mutexes, rw semaphores and completions keep their waiters here rather than each its own.
 */
public final class WaitQueue {

    private final Scheduler scheduler;
    private final ArrayDeque<Scheduler.KThread> waiters = new ArrayDeque<>();

    /** A queue outside any scheduler: nobody can wait on it, and waking it does nothing. */
    public WaitQueue(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * {@code wait_event}: returns at once when {@code condition} holds, else parks until a wake-up
     * finds it true. {@code why} says, at each park, what the task waits for.
     *
     * @throws IllegalStateException when the condition is false and no task can sleep here (the
     *                               caller holds the CPU outside the scheduler)
     */
    public void waitEvent(BooleanSupplier condition, Supplier<String> why) {
        while (!condition.getAsBoolean()) {
            if (scheduler == null || scheduler.current() == null) {
                throw new IllegalStateException(why.get() + ", and nothing can sleep here");
            }
            waiters.add(scheduler.current());
            scheduler.park(why.get());
        }
    }

    /** Wakes the first waiter, which re-checks its condition. */
    public void wakeUp() {
        Scheduler.KThread t = waiters.poll();
        if (t != null) {
            scheduler.unpark(t);
        }
    }

    /** Wakes every waiter. */
    public void wakeUpAll() {
        while (!waiters.isEmpty()) {
            scheduler.unpark(waiters.poll());
        }
    }

    /** How many tasks are queued. */
    public int waiting() {
        return waiters.size();
    }
}
