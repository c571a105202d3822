package blocksim.kernel;

import blocksim.api.Task;

/**
 * A kernel mutex that knows its owner ({@code struct mutex}), so that code which assumes a lock is
 * held can assert it ({@code lockdep_assert_held}). A task that finds it held parks on it until the
 * owner unlocks (FIFO), through the {@link Scheduler}; the wait shows in {@code jobs} as "blocked"
 * and, if nothing will ever unlock it, in the deadlock report as {@code waits for NAME held by OWNER}.
 */
public final class Mutex {

    private final String name;
    private final WaitQueue waiters;
    private Object owner;

    /** A mutex outside any scheduler: it can only be taken when free. */
    public Mutex(String name) {
        this(name, null);
    }

    public Mutex(String name, Scheduler scheduler) {
        this.name = name;
        this.waiters = new WaitQueue(scheduler);
    }

    public String name() {
        return name;
    }

    /** {@code mutex_trylock}: takes the mutex if it is free. */
    public boolean tryLock(Object who) {
        if (owner != null) {
            return false;
        }
        owner = who;
        return true;
    }

    /** {@code mutex_lock}: waits, parked, while another task holds it (FIFO). */
    public void lock(Object who) {
        if (owner == who) {
            throw new IllegalStateException(name + " locked twice by " + who);
        }
        waiters.waitEvent(() -> tryLock(who), () -> "waits for " + name + " held by " + describe(owner));
    }

    static String describe(Object owner) {
        return owner instanceof Task t ? "task " + t.pid() + " (" + t.comm() + ")" : String.valueOf(owner);
    }

    /** {@code mutex_unlock}: only the owner may unlock; the first waiter is woken. */
    public void unlock(Object who) {
        if (owner != who) {
            throw new IllegalStateException(name + " unlocked by " + who + " but held by " + owner);
        }
        owner = null;
        waiters.wakeUp();
    }

    public boolean isLocked() {
        return owner != null;
    }

    public Object owner() {
        return owner;
    }

    /** {@code lockdep_assert_held}. */
    public void assertHeld() {
        if (owner == null) {
            throw new IllegalStateException(name + " must be held here");
        }
    }
}
