package blocksim.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct completion} ({@code kernel/sched/completion.c}): tasks wait until it is completed;
 * {@link #completeAll} wakes every waiter and lets later waiters pass at once.
 */
public final class Completion implements blocksim.api.Scheduling.Completion {

    private final Scheduler scheduler;
    private final String what;
    private final List<Scheduler.KThread> waiters = new ArrayList<>();
    private boolean done;

    public Completion(Scheduler scheduler, String what) {
        this.scheduler = scheduler;
        this.what = what;
    }

    /** {@code wait_for_completion}: parks the current task until {@link #completeAll}. */
    public void waitFor() {
        while (!done) {
            waiters.add(scheduler.current());
            scheduler.park("waits for " + what);
        }
    }

    /** {@code complete_all}. */
    public void completeAll() {
        done = true;
        for (Scheduler.KThread t : waiters) {
            scheduler.unpark(t);
        }
        waiters.clear();
    }

    public boolean done() {
        return done;
    }
}
