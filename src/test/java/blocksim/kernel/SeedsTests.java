package blocksim.kernel;

import blocksim.api.Task;
import blocksim.api.Credentials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** One root seed, named streams: drawing more from one stream changes nothing drawn from another. */
class SeedsTests {

    private static List<Integer> draws(SplittableRandom r, int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(r.nextInt(1000));
        }
        return out;
    }

    @Test
    void eachStreamIsItsOwn() {
        Seeds plain = new Seeds(42);
        Seeds busy = new Seeds(42);
        List<Integer> a = draws(plain.stream(Seeds.Stream.SCHEDULING), 50);
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            draws(busy.stream(Seeds.Stream.DELAYS), i % 3);
            draws(busy.stream(Seeds.Stream.FAULTS), 2);
            b.addAll(draws(busy.stream(Seeds.Stream.SCHEDULING), 1));
        }
        assertEquals(a, b, "the scheduling stream does not see the other streams' draws");
        assertNotEquals(plain.seedOf(Seeds.Stream.SCHEDULING), plain.seedOf(Seeds.Stream.DELAYS));
        assertNotEquals(new Seeds(43).seedOf(Seeds.Stream.SCHEDULING), plain.seedOf(Seeds.Stream.SCHEDULING));
        assertEquals(new Seeds(42).forProcess(7).nextLong(), plain.forProcess(7).nextLong());
        assertNotEquals(plain.forProcess(7).nextLong(), plain.forProcess(8).nextLong());
    }

    /** The order three tasks run in, when one of them draws {@code delayDraws} delays per turn. */
    private static List<String> interleaving(long seed, int delayDraws) {
        Scheduler s = new Scheduler(new VirtualClock(), seed);
        List<String> order = new ArrayList<>();
        List<Scheduler.KThread> ts = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            ts.add(s.spawn(new Task(2 + ts.size(), name, Credentials.ROOT), name, () -> {
                for (int i = 0; i < 20; i++) {
                    order.add(name);
                    if (name.equals("b")) {
                        for (int d = 0; d < delayDraws; d++) {
                            s.draw(0, 1_000_000);
                        }
                    }
                    s.yieldNow();
                }
            }));
        }
        assertNull(s.runUntil(() -> ts.stream().allMatch(Scheduler.KThread::done)));
        return order;
    }

    @Test
    void delaysDrawnByADriverLeaveTheSchedulersChoicesAlone() {
        for (long seed = 1; seed <= 20; seed++) {
            assertEquals(interleaving(seed, 0), interleaving(seed, 5), "seed " + seed);
        }
        assertNotEquals(interleaving(1, 0), interleaving(2, 0), "and the seed does choose the interleaving");
    }
}
