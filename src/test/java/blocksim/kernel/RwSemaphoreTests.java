package blocksim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.Credentials;
import blocksim.api.Scheduling;
import blocksim.api.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Readers share, a writer waits for the readers inside and stops new ones (as a freeze stops new
 * writes through sb_writers), every waiter says whom it waits for, and a wait nobody can end is a
 * deadlock report naming the holders.
 */
class RwSemaphoreTests {

    static Task task(int pid, String comm) {
        return new Task(pid, comm, Credentials.ROOT);
    }

    @Test
    void aWaitingWriterStopsNewReadersAndGetsInWhenTheOldOnesLeave() {
        Scheduler s = new Scheduler(new VirtualClock(), 1);
        RwSemaphore sem = new RwSemaphore("sb_writers of sda1", s);
        List<String> log = new ArrayList<>();
        Task w1 = task(2, "writer1");
        Task fr = task(3, "fsfreeze");
        Task w2 = task(4, "writer2");
        Scheduler.KThread a = s.spawn(w1, "writer1", () -> {
            sem.downRead(w1);
            log.add("writer1 in");
            s.sleep(1_000);
            log.add("writer1 out");
            sem.upRead(w1);
        });
        Scheduler.KThread b = s.spawn(fr, "fsfreeze", () -> {
            s.sleep(10);
            sem.downWrite(fr);
            log.add("frozen");
            s.sleep(5_000);
            sem.upWrite(fr);
            log.add("thawed");
        });
        Scheduler.KThread c = s.spawn(w2, "writer2", () -> {
            s.sleep(20);
            sem.downRead(w2);
            log.add("writer2 in");
            sem.upRead(w2);
        });
        assertNull(s.runUntil(() -> a.done() && b.done() && c.done()));
        assertEquals(List.of("writer1 in", "writer1 out", "frozen", "thawed", "writer2 in"), log);
    }

    @Test
    void aBlockedTaskSaysWhomItWaitsFor() {
        Scheduler s = new Scheduler(new VirtualClock(), 1);
        RwSemaphore sem = new RwSemaphore("sb_writers of sda1", s);
        Task fr = task(2, "fsfreeze");
        Task w = task(3, "echo");
        assertTrue(sem.tryDownWrite(fr));
        Scheduler.KThread t = s.spawn(w, "echo", () -> sem.downRead(w));
        String deadlock = s.runUntil(t::done);
        assertEquals(Scheduling.State.PARKED, t.state());
        assertEquals("waits for sb_writers of sda1 held for writing by task 2 (fsfreeze)", t.waitingFor());
        assertEquals("task 3 (echo) waits for sb_writers of sda1 held for writing by task 2 (fsfreeze)", deadlock);
        s.shutdown();
    }

    @Test
    void readersShareAndAWriterNamesThemWhileItWaits() {
        Scheduler s = new Scheduler(new VirtualClock(), 1);
        RwSemaphore sem = new RwSemaphore("s_umount", s);
        Task r1 = task(2, "cat");
        Task r2 = task(3, "ls");
        Task w = task(4, "umount");
        assertTrue(sem.tryDownRead(r1));
        assertTrue(sem.tryDownRead(r2));
        assertEquals(2, sem.readCount());
        Scheduler.KThread t = s.spawn(w, "umount", () -> sem.downWrite(w));
        s.runUntil(t::done);
        assertEquals("waits for s_umount held by task 2 (cat), task 3 (ls) for reading", t.waitingFor());
        assertTrue(!sem.tryDownRead(task(5, "new")), "a waiting writer keeps new readers out");
        sem.upRead(r1);
        sem.upRead(r2);
        assertNull(s.runUntil(t::done));
        assertEquals(w, sem.writer());
    }
}
