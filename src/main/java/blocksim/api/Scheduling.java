package blocksim.api;

import java.util.function.BooleanSupplier;

/**
 * The one CPU the model's tasks share, as userland and harnesses see it: simulated tasks run one
 * at a time on their own stacks, and every choice of which runs next, and every delay, comes from
 * the run's seed, so a run replays exactly. A task waits by parking (until another unparks it)
 * or sleeping (virtual time); nothing in it ever blocks a JVM thread.
 */
public interface Scheduling {

    /** Sleep this long to sleep for ever. */
    long FOREVER = Long.MAX_VALUE;

    /** What a task is doing. */
    enum State { RUNNABLE, SLEEPING, PARKED, DONE }

    /** A simulated task's thread of execution. */
    interface TaskThread {
        Task task();

        String name();

        State state();

        boolean done();

        /** What a parked or sleeping task waits for, as {@code --trace} and deadlock reports say. */
        String waitingFor();

        /** What ended it, if it ended by an exception. */
        Throwable failure();
    }

    /** A one-shot event tasks can wait for ({@code wait_for_completion}/{@code complete_all}). */
    interface Completion {
        /** Parks the calling task until {@link #completeAll()}, or returns at once after it. */
        void waitFor();

        void completeAll();

        boolean done();
    }

    /** Starts {@code body} as {@code task}'s thread; it runs when the scheduler picks it. */
    TaskThread spawn(Task task, String name, Runnable body);

    /** The task holding the CPU, or null when the driver runs. */
    TaskThread current();

    /** The calling task sleeps for {@code nanos} of virtual time. */
    void sleep(long nanos);

    /** The calling task waits until another unparks it; {@code why} is what it waits for. */
    void park(String why);

    void unpark(TaskThread t);

    /** Ends a task at its next switch (its finally blocks run). */
    void kill(TaskThread t);

    /** Runs tasks until none is runnable. */
    void runRunnable();

    /** Runs tasks until {@code done}; returns null, or a description of the deadlock that stopped it. */
    String runUntil(BooleanSupplier done);

    /** Ends every task. */
    void shutdown();

    /** The virtual clock, in nanoseconds since boot. */
    long nanos();

    /** The run's root seed. */
    long seed();

    /** A userland process's own random source, from the run's seed and its pid alone. */
    java.util.Random processRandom(int pid);

    /** A completion named {@code what} (for traces and deadlock reports). */
    Completion completion(String what);
}
