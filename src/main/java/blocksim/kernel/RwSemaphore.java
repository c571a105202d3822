package blocksim.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader-writer semaphore on a {@link WaitQueue}: readers share it, a writer holds it alone, and
 * a writer that waits stops new readers from coming in, so it waits only for the readers already
 * inside. That is what the freeze of a filesystem needs from {@code sb_writers}: 6.18
 * {@code kernel/locking/percpu-rwsem.c} ({@code percpu_down_write} sets {@code block}, after which
 * {@code percpu_down_read} takes the slow path and waits), and the plain {@code rw_semaphore} of
 * {@code s_umount} ({@code kernel/locking/rwsem.c}) likewise queues readers behind a waiting
 * writer. A task that waits shows, in {@code jobs}, {@code --trace} and the deadlock report, which
 * tasks hold the semaphore: the wait-for chain.
 */
public final class RwSemaphore {

    private final String name;
    private final WaitQueue queue;
    /** Readers inside, with how many times each holds it. */
    private final Map<Object, Integer> readers = new LinkedHashMap<>();
    private Object writer;
    private int writersWaiting;

    public RwSemaphore(String name, Scheduler scheduler) {
        this.name = name;
        this.queue = new WaitQueue(scheduler);
    }

    public String name() {
        return name;
    }

    /** {@code down_read_trylock}: in when no writer holds it or waits for it. */
    public boolean tryDownRead(Object who) {
        if (writer != null || writersWaiting > 0) {
            return false;
        }
        readers.merge(who, 1, Integer::sum);
        return true;
    }

    /** {@code down_read} / {@code percpu_down_read}: waits while a writer holds it or waits for it. */
    public void downRead(Object who) {
        queue.waitEvent(() -> tryDownRead(who), () -> "waits for " + name + (writer != null
                ? " held for writing by " + Mutex.describe(writer)
                : ", which a writer waits for"));
    }

    /** {@code up_read}. */
    public void upRead(Object who) {
        Integer n = readers.get(who);
        if (n == null) {
            throw new IllegalStateException(name + " released for reading by " + who + ", which does not hold it");
        }
        if (n == 1) {
            readers.remove(who);
        } else {
            readers.put(who, n - 1);
        }
        if (readers.isEmpty()) {
            queue.wakeUpAll();
        }
    }

    /** {@code down_write_trylock}: in when nobody holds it. */
    public boolean tryDownWrite(Object who) {
        if (writer != null || !readers.isEmpty()) {
            return false;
        }
        writer = who;
        return true;
    }

    /**
     * {@code down_write} / {@code percpu_down_write}: from the moment it waits, new readers wait
     * behind it; it waits until the readers inside (and any writer) are gone.
     */
    public void downWrite(Object who) {
        if (writer == who) {
            throw new IllegalStateException(name + " taken for writing twice by " + who);
        }
        writersWaiting++;
        try {
            queue.waitEvent(() -> writer == null && readers.isEmpty(), () -> "waits for " + name + " held by "
                    + (writer != null ? Mutex.describe(writer) + " for writing" : holders() + " for reading"));
        } finally {
            writersWaiting--;
        }
        writer = who;
    }

    /** {@code up_write}: every waiter looks again (readers that queued behind the writer go in). */
    public void upWrite(Object who) {
        if (writer != who) {
            throw new IllegalStateException(name + " released for writing by " + who + " but held by " + writer);
        }
        writer = null;
        queue.wakeUpAll();
    }

    /** The writer, or null. */
    public Object writer() {
        return writer;
    }

    /** How many times readers hold it, all together. */
    public int readCount() {
        return readers.values().stream().mapToInt(Integer::intValue).sum();
    }

    private String holders() {
        List<String> who = new ArrayList<>();
        readers.keySet().forEach(r -> who.add(Mutex.describe(r)));
        return String.join(", ", who);
    }
}
