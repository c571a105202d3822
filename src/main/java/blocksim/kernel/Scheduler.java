package blocksim.kernel;

import blocksim.api.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import blocksim.api.Scheduling;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * The only chooser of what runs next. Simulated tasks run one at a time: each has a stack of its
 * own (a JVM virtual thread used purely as a coroutine), and the scheduler hands a single "CPU"
 * from the driver to one task and back. The JVM never decides anything: a task runs only between
 * being handed the CPU and parking, sleeping or ending. Among runnable tasks the next one is drawn
 * from the seeded random source; the virtual clock moves only when no task can run, to the earliest
 * sleeper's wake-up time. When nothing can run and nobody sleeps, {@link #runUntil} reports a
 * deadlock instead of hanging.
 */
public final class Scheduler implements Scheduling {

    /** What a task is doing. */

    /** Thrown inside a task that was killed, at the point where it was parked or sleeping. */
    public static final class Killed extends Error {
        /** For a task that dies inside the kernel (an oops): it unwinds as a killed one does. */
        public Killed() {
            super("killed", null, false, false);
        }
    }

    /** A simulated thread of execution, bound to a {@link Task}. */
    public final class KThread implements Scheduling.TaskThread {
        private final long seq;
        private final Task task;
        private final String name;
        private final Runnable body;
        private final Semaphore go = new Semaphore(0);
        private State state = State.RUNNABLE;
        private long wakeAt;
        private String waitingFor;
        private boolean killed;
        private Throwable failure;
        private java.lang.Thread carrier;
        /** In a real system call that may block (the native adapter's {@link Scheduler#blocking}). */
        private volatile boolean inKernel;
        /** Killed while in the kernel: it unwinds on its own when the call returns, without the CPU. */
        private volatile boolean detached;

        private KThread(long seq, Task task, String name, Runnable body) {
            this.seq = seq;
            this.task = task;
            this.name = name;
            this.body = body;
        }

        public Task task() {
            return task;
        }

        public String name() {
            return name;
        }

        public State state() {
            return state;
        }

        public boolean done() {
            return state == State.DONE;
        }

        /** What a parked task waits for, in words (for {@code jobs} and deadlock reports). */
        public String waitingFor() {
            return waitingFor;
        }

        public long wakeAt() {
            return wakeAt;
        }

        /** The exception the task's body ended with, if any (a bug in the model or a tool). */
        public Throwable failure() {
            return failure;
        }

        @Override
        public String toString() {
            return "task " + task.pid() + " (" + name + ")";
        }
    }

    /** A sleeping task that never wakes. */

    private final VirtualClock clock;
    private final Seeds seeds;
    private final java.util.SplittableRandom picks;
    private final java.util.SplittableRandom delays;
    private final List<KThread> threads = new ArrayList<>();
    private final TreeSet<KThread> sleepers = new TreeSet<>(
            Comparator.comparingLong((KThread t) -> t.wakeAt).thenComparingLong(t -> t.seq));
    private final Semaphore back = new Semaphore(0);
    /** Tasks whose real blocking call returned, waiting to be given the CPU again. */
    private final java.util.concurrent.LinkedBlockingQueue<KThread> returned = new java.util.concurrent.LinkedBlockingQueue<>();
    /** How long a real call may take before its task counts as blocked (the native adapter's grace period). */
    private static final long GRACE_MS = 200;
    /** How long every task may sit in real calls, with nothing else to run, before that is a deadlock. */
    private static final long STUCK_MS = 3000;
    private java.util.function.Function<KThread, String> kernelState = t -> "";
    private java.util.function.Predicate<KThread> stillRunning = t -> false;
    private KThread current;
    private long nextSeq;
    private java.util.function.Consumer<String> trace;

    /** Where to report tasks that park or sleep ({@code --trace}); null for nowhere. */
    public void setTrace(java.util.function.Consumer<String> trace) {
        this.trace = trace;
    }

    private void traceWait(KThread t) {
        if (trace != null) {
            trace.accept(t.task.comm() + ": [task " + t.task.pid() + " " + t.waitingFor + "]");
        }
    }

    public Scheduler(VirtualClock clock, long seed) {
        this.clock = clock;
        this.seeds = new Seeds(seed);
        this.picks = seeds.stream(Seeds.Stream.SCHEDULING);
        this.delays = seeds.stream(Seeds.Stream.DELAYS);
    }

    /**
     * A value in [min, max] drawn from the DELAYS stream (load models: how long a slow disk
     * takes); drawing it changes no scheduling choice.
     */
    public long draw(long min, long max) {
        return min + (long) (delays.nextDouble() * (max - min + 1));
    }

    /** The root seed every choice of this run derives from. */
    public long seed() {
        return seeds.root();
    }

    @Override
    public long nanos() {
        return clock.nanos();
    }

    @Override
    public java.util.Random processRandom(int pid) {
        return seeds.forProcess(pid);
    }

    @Override
    public Scheduling.Completion completion(String what) {
        return new blocksim.kernel.Completion(this, what);
    }

    /** The run's named streams. */
    public Seeds seeds() {
        return seeds;
    }

    public VirtualClock clock() {
        return clock;
    }

    /** The task holding the CPU, or null when the driver runs. */
    public KThread current() {
        return current;
    }

    /** Creates a runnable task; it first runs when the scheduler picks it. */
    public KThread spawn(Task task, String name, Runnable body) {
        KThread t = new KThread(nextSeq++, task, name, body);
        threads.add(t);
        t.carrier = java.lang.Thread.ofVirtual().name("blocksim-" + name).unstarted(() -> {
            t.go.acquireUninterruptibly();
            try {
                if (t.killed) {
                    throw new Killed();
                }
                t.body.run();
            } catch (Killed k) {
                // ended by kill; its owner cleans up
            } catch (Throwable e) {
                t.failure = e;
            } finally {
                t.state = State.DONE;
                if (!t.detached) {
                    back.release();
                }
            }
        });
        t.carrier.start();
        return t;
    }

    /**
     * Runs tasks until {@code done} holds, advancing the clock when no task can run. Returns null,
     * or a description of the deadlock when nothing can ever make {@code done} true.
     */
    public String runUntil(BooleanSupplier done) {
        if (current != null) {
            throw new IllegalStateException("runUntil from inside " + current);
        }
        long stuck = 0;
        while (!done.getAsBoolean()) {
            takeReturned();
            KThread next = pickRunnable();
            if (next != null) {
                stuck = 0;
                switchTo(next);
                continue;
            }
            boolean noTimer = sleepers.isEmpty() || sleepers.first().wakeAt == FOREVER;
            if (anyInKernel()) {
                if (awaitReturn(noTimer ? 100 : 20)) {
                    stuck = 0;
                    continue;
                }
                if (noTimer) {
                    stuck += 100;
                    if (stuck < STUCK_MS) {
                        continue;
                    }
                    return deadlock();
                }
            } else if (noTimer) {
                return deadlock();
            }
            KThread first = sleepers.first();
            clock.advance(first.wakeAt - clock.nanos());
            while (!sleepers.isEmpty() && sleepers.first().wakeAt <= clock.nanos()) {
                KThread t = sleepers.pollFirst();
                t.state = State.RUNNABLE;
            }
        }
        return null;
    }

    /** Runs every task that can run now, without moving the clock. */
    public void runRunnable() {
        KThread next;
        while ((next = pickRunnable()) != null) {
            switchTo(next);
        }
    }

    /**
     * The next task to run: one of the runnable ones, in creation order, chosen by the seed when
     * there are several. Counts and walks the tasks without copying them (the same draws as
     * before, so every seed replays as it did).
     */
    private KThread pickRunnable() {
        int count = 0;
        for (KThread t : threads) {
            if (t.state == State.RUNNABLE) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        int k = count == 1 ? 0 : picks.nextInt(count);
        for (KThread t : threads) {
            if (t.state == State.RUNNABLE && k-- == 0) {
                return t;
            }
        }
        throw new IllegalStateException("runnable tasks changed while picking");
    }

    private void switchTo(KThread t) {
        current = t;
        t.go.release();
        back.acquireUninterruptibly();
        current = null;
        while (t.inKernel) {
            if (awaitReturn(GRACE_MS)) {
                if (t.state != State.RUNNABLE) {
                    break; // another task's call came back; this one is still out
                }
                // the real call came back within the grace period: the task goes on at once
                current = t;
                t.go.release();
                back.acquireUninterruptibly();
                current = null;
            } else if (!stillRunning.test(t)) {
                break; // asleep in the machine's kernel: blocked, and the others go on
            }
        }
        if (t.state == State.DONE) {
            threads.remove(t);
        }
    }

    /** The current task gives the CPU back and waits until it is picked again. */
    private void yieldCpu(KThread t) {
        back.release();
        t.go.acquireUninterruptibly();
        if (t.killed) {
            throw new Killed();
        }
    }

    private KThread self() {
        KThread t = current;
        if (t == null || java.lang.Thread.currentThread() != t.carrier) {
            throw new IllegalStateException("not called from a scheduled task");
        }
        return t;
    }

    /** The current task sleeps for {@code nanos} of virtual time ({@link #FOREVER} never wakes). */
    public void sleep(long nanos) {
        KThread t = self();
        t.state = State.SLEEPING;
        t.wakeAt = nanos == FOREVER ? FOREVER : Math.addExact(clock.nanos(), nanos);
        t.waitingFor = nanos == FOREVER ? "sleeps forever" : "sleeps until t=" + formatTime(t.wakeAt);
        traceWait(t);
        sleepers.add(t);
        yieldCpu(t);
        t.waitingFor = null;
    }

    /**
     * Runs a real system call that may block in the kernel (a write to a frozen filesystem on the
     * live machine) so that the simulated world goes on: the task gives the CPU back while the call
     * runs on its own thread. A call that returns within a short grace period continues as if it
     * had never left; one that does not shows as blocked (in {@code jobs}, {@code --trace}, the
     * deadlock report) until it returns, and then is given the CPU again like any woken task.
     * Outside a scheduled task the call simply runs. The model never uses this.
     */
    public <T> T blocking(String what, java.util.function.Supplier<T> call) {
        KThread t = current;
        if (t == null || java.lang.Thread.currentThread() != t.carrier) {
            return call.get();
        }
        t.state = State.PARKED;
        t.waitingFor = "waits in the kernel: " + what;
        t.inKernel = true;
        back.release();
        T result;
        try {
            result = call.get();
        } finally {
            if (t.detached) {
                t.inKernel = false;
            } else {
                returned.add(t);
            }
        }
        if (t.detached) {
            throw new Killed();
        }
        t.go.acquireUninterruptibly();
        t.waitingFor = null;
        if (t.killed) {
            throw new Killed();
        }
        return result;
    }

    /**
     * Whether a task whose real call has outlasted the grace period is still running on the
     * machine (state R) rather than asleep in its kernel: then it is waited for, not yet blocked.
     */
    public void setStillRunning(java.util.function.Predicate<KThread> running) {
        this.stillRunning = running;
    }

    /** How the deadlock report describes a task stuck in a real call (its state on the machine). */
    public void setKernelState(java.util.function.Function<KThread, String> describe) {
        this.kernelState = describe;
    }

    /** Makes tasks whose real call returned runnable again. */
    private void takeReturned() {
        KThread r;
        while ((r = returned.poll()) != null) {
            r.inKernel = false;
            if (r.state == State.PARKED) {
                r.state = State.RUNNABLE;
            }
        }
    }

    private boolean anyInKernel() {
        for (KThread t : threads) {
            if (t.inKernel) {
                return true;
            }
        }
        return false;
    }

    /** Waits in real time for a real call to return; true if one did. */
    private boolean awaitReturn(long millis) {
        try {
            KThread r = returned.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (r != null) {
                returned.add(r);
                takeReturned();
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            java.lang.Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code might_sleep()} / {@code cond_resched()} at a sleeping lock the kernel takes (a
     * driver's mutex): when called from a scheduled task, others that can run may run first, the
     * choice drawn from the seed like every other; from outside a task (a test calling in
     * directly) nothing happens.
     */
    public void condResched() {
        KThread t = current;
        if (t != null && java.lang.Thread.currentThread() == t.carrier) {
            yieldCpu(t);
        }
    }

    /** Lets other runnable tasks run; the current task stays runnable. */
    public void yieldNow() {
        yieldCpu(self());
    }

    /** Parks the current task until {@link #unpark}; {@code why} describes what it waits for. */
    public void park(String why) {
        KThread t = self();
        t.state = State.PARKED;
        t.waitingFor = why;
        traceWait(t);
        yieldCpu(t);
        t.waitingFor = null;
    }

    /** Makes a parked task runnable again. */
    @Override
    public void unpark(Scheduling.TaskThread thread) {
        KThread t = (KThread) thread;
        if (t.state == State.PARKED) {
            t.state = State.RUNNABLE;
        }
    }

    /**
     * Ends a task: a task that has not started never runs; a parked or sleeping one resumes only
     * to unwind (its {@code finally} blocks run), which happens before this returns.
     */
    @Override
    public void kill(Scheduling.TaskThread thread) {
        KThread t = (KThread) thread;
        if (t.state == State.DONE) {
            return;
        }
        takeReturned();
        if (t.inKernel) {
            // it cannot be stopped inside a real call: it unwinds by itself when the call returns
            t.killed = true;
            t.detached = true;
            threads.remove(t);
            return;
        }
        t.killed = true;
        sleepers.remove(t);
        t.state = State.RUNNABLE;
        if (current == null) {
            switchTo(t);
        }
    }

    /** Every task not yet done. */
    public List<KThread> live() {
        return threads.stream().filter(t -> t.state != State.DONE).toList();
    }

    /** Kills every remaining task (end of a run). */
    public void shutdown() {
        for (KThread t : new ArrayList<>(threads)) {
            kill(t);
        }
    }

    private String deadlock() {
        StringBuilder sb = new StringBuilder();
        for (KThread t : threads) {
            if (t.state == State.DONE) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(t).append(' ').append(t.waitingFor == null ? "is stuck" : t.waitingFor);
            if (t.inKernel) {
                sb.append(kernelState.apply(t));
            }
        }
        return sb.length() == 0 ? "nothing left to run" : sb.toString();
    }

    /** {@code 12.5s} style, for messages. */
    public static String formatTime(long nanos) {
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        return String.format("%.6fs", nanos / 1e9).replaceAll("0+s$", "s");
    }
}
