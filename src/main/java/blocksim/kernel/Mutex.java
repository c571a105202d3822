package blocksim.kernel;

/**
 * A kernel mutex that knows its owner ({@code struct mutex}), so that code which assumes a lock is
 * held can assert it ({@code lockdep_assert_held}). Model code runs one task at a time; a lock
 * attempt on a mutex another task holds is a trylock failure or, for {@link #lock}, a bug in the
 * caller until the scheduler parks tasks on wait queues.
 */
public final class Mutex {

    private final String name;
    private Object owner;

    public Mutex(String name) {
        this.name = name;
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

    /** {@code mutex_lock}. */
    public void lock(Object who) {
        if (!tryLock(who)) {
            throw new IllegalStateException(name + " is held by " + owner + "; " + who + " would sleep");
        }
    }

    /** {@code mutex_unlock}: only the owner may unlock. */
    public void unlock(Object who) {
        if (owner != who) {
            throw new IllegalStateException(name + " unlocked by " + who + " but held by " + owner);
        }
        owner = null;
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
