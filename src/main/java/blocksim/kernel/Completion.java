package blocksim.kernel;


/**
 * {@code struct completion} ({@code kernel/sched/completion.c}): tasks wait until it is completed;
 * {@link #completeAll} wakes every waiter and lets later waiters pass at once.
 */
public final class Completion implements blocksim.api.Scheduling.Completion {

    private final String what;
    private final WaitQueue waiters;
    private boolean done;

    public Completion(Scheduler scheduler, String what) {
        this.what = what;
        this.waiters = new WaitQueue(scheduler);
    }

    /** {@code wait_for_completion}: parks the current task until {@link #completeAll}. */
    @Override
    public void waitFor() {
        waiters.waitEvent(() -> done, () -> "waits for " + what);
    }

    /** {@code complete_all}. */
    @Override
    public void completeAll() {
        done = true;
        waiters.wakeUpAll();
    }

    @Override
    public boolean done() {
        return done;
    }
}
