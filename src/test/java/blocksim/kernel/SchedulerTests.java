package blocksim.kernel;

import blocksim.api.Task;
import blocksim.api.Credentials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler: one task at a time, the clock moves only when nothing can run, deadlocks are reported. */
class SchedulerTests {

    static Task task(int pid, String name) {
        return new Task(pid, name, Credentials.ROOT);
    }

    @Test
    void theClockAdvancesOnlyWhenEveryTaskSleeps() {
        VirtualClock clock = new VirtualClock();
        Scheduler s = new Scheduler(clock, 1);
        List<String> log = new ArrayList<>();
        Scheduler.KThread a = s.spawn(task(2, "a"), "a", () -> {
            log.add("a@" + clock.nanos());
            s.sleep(3_000);
            log.add("a@" + clock.nanos());
        });
        Scheduler.KThread b = s.spawn(task(3, "b"), "b", () -> {
            s.sleep(1_000);
            log.add("b@" + clock.nanos());
        });
        assertNull(s.runUntil(() -> a.done() && b.done()));
        assertTrue(log.indexOf("a@0") < log.indexOf("b@1000"));
        assertEquals("a@3000", log.getLast());
        assertEquals(3_000, clock.nanos());
    }

    @Test
    void aTaskParkedWithNobodyToWakeItIsADeadlock() {
        Scheduler s = new Scheduler(new VirtualClock(), 1);
        Scheduler.KThread t = s.spawn(task(2, "vgscan"), "vgscan", () -> s.park("waits for bd_mutex of sda"));
        String deadlock = s.runUntil(t::done);
        assertEquals("task 2 (vgscan) waits for bd_mutex of sda", deadlock);
        s.shutdown();
        assertTrue(t.done());
    }

    @Test
    void killingASleeperUnwindsItsFinallyBlocks() {
        Scheduler s = new Scheduler(new VirtualClock(), 1);
        List<String> log = new ArrayList<>();
        Scheduler.KThread t = s.spawn(task(2, "sleep"), "sleep", () -> {
            try {
                s.sleep(Scheduler.FOREVER);
                log.add("woke");
            } finally {
                log.add("closed its files");
            }
        });
        s.runRunnable();
        assertEquals(Scheduler.State.SLEEPING, t.state());
        s.kill(t);
        assertTrue(t.done());
        assertEquals(List.of("closed its files"), log);
    }

    @Test
    void theSeedAloneDecidesTheOrderOfRunnableTasks() {
        List<String> first = order(7);
        assertEquals(first, order(7));
        boolean anotherSeedDiffers = false;
        for (long seed = 1; seed < 20 && !anotherSeedDiffers; seed++) {
            anotherSeedDiffers = !order(seed).equals(first);
        }
        assertTrue(anotherSeedDiffers, "some seed orders the tasks differently");
        assertNotEquals(0, first.size());
    }

    private static List<String> order(long seed) {
        Scheduler s = new Scheduler(new VirtualClock(), seed);
        List<String> log = new ArrayList<>();
        List<Scheduler.KThread> ts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = "t" + i;
            ts.add(s.spawn(task(i + 2, name), name, () -> {
                log.add(name);
                s.yieldNow();
                log.add(name);
            }));
        }
        s.runUntil(() -> ts.stream().allMatch(Scheduler.KThread::done));
        return log;
    }
}
