package blocksim.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;



import blocksim.api.Errno;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.testing.Sim;
import blocksim.uapi.OpenFlags;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Opens and closes of the whole disk and its partitions, with and without O_EXCL, in any order:
 * each exclusive open succeeds exactly when bd_may_claim allows it (the device has no other
 * holder; a partition's whole disk is not held by a real holder; a whole disk has no claimed
 * partition), the counters follow each era's rules, and every counter is back to zero once every
 * file is closed.
 */
class OpenCountProperties {

    /** Open device {@code part} (0 is the whole disk), or close the {@code index}-th open file. */
    record Step(boolean open, int part, boolean excl, int index) {
        @Override
        public String toString() {
            return open ? "open(/dev/sda" + (part == 0 ? "" : part) + (excl ? ", O_EXCL)" : ")") : "close(#" + index + ")";
        }
    }

    @Provide
    Arbitrary<Step> steps() {
        return Combinators.combine(Arbitraries.of(true, true, false), Arbitraries.integers().between(0, 3),
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 7)).as(Step::new);
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void claimsAndCountsFollowTheRulesIn618(@ForAll @Size(max = 40) List<@From("steps") Step> steps) {
        run(Profile.LINUX_6_18, steps);
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void claimsAndCountsFollowTheRulesIn2632(@ForAll @Size(max = 40) List<@From("steps") Step> steps) {
        run(Profile.LINUX_2_6_32, steps);
    }

    /** An open file as the reference sees it. */
    record Open(int fd, int part, boolean excl) {
    }

    private void run(Profile profile, List<Step> steps) {
        try (Sim sim = new Sim(profile).disk("sda", 64 << 20)) {
            int setup = sim.openRw("/dev/sda");
            for (int p = 1; p <= 3; p++) {
                sim.add(setup, p, (long) p << 20, 1 << 20);
            }
            sim.kernel.close(sim.root, setup);
            List<Open> open = new ArrayList<>();
            List<String> trace = new ArrayList<>();
            for (Step s : steps) {
                if (s.open()) {
                    Errno expected = s.excl() && !mayClaim(open, s.part()) ? Errno.EBUSY : null;
                    SysResult r = sim.kernel.open(sim.root, "/dev/sda" + (s.part() == 0 ? "" : s.part()),
                            OpenFlags.O_RDONLY | (s.excl() ? OpenFlags.O_EXCL : 0));
                    trace.add(s + " " + r);
                    if (r.errno() != expected) {
                        fail("expected " + expected + " at the end of:\n  " + String.join("\n  ", trace));
                    }
                    if (r.isOk()) {
                        open.add(new Open(r.intValue(), s.part(), s.excl()));
                    }
                } else if (!open.isEmpty()) {
                    Open o = open.remove(s.index() % open.size());
                    sim.kernel.close(sim.root, o.fd());
                    trace.add("close(" + o.fd() + ") = 0");
                }
                checkCounts(sim, profile, open, trace);
            }
            for (Open o : open) {
                sim.kernel.close(sim.root, o.fd());
            }
            checkCounts(sim, profile, List.of(), trace);
        }
    }

    /** bd_may_claim, restated over the set of open files. */
    static boolean mayClaim(List<Open> open, int part) {
        for (Open o : open) {
            if (!o.excl()) {
                continue;
            }
            if (o.part() == part) {
                return false;
            }
            if (part != 0 && o.part() == 0) {
                return false;
            }
            if (part == 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkCounts(Sim sim, Profile profile, List<Open> open, List<String> trace) {
        String where = "after:\n  " + String.join("\n  ", trace);
        long wholeFds = open.stream().filter(o -> o.part() == 0).count();
        long partFds = open.size() - wholeFds;
        long openParts = open.stream().filter(o -> o.part() != 0).map(Open::part).distinct().count();
        BlockDevice whole = sim.bdev("sda");
        if ((profile == Profile.LINUX_6_18)) {
            assertEquals(wholeFds + partFds, whole.openers(), "whole bd_openers " + where);
            assertEquals(openParts, sim.gendisk("sda").openPartitions(), "open_partitions " + where);
        } else {
            assertEquals(wholeFds + openParts, whole.openers(), "whole bd_openers " + where);
            assertEquals(openParts, whole.partCount(), "bd_part_count " + where);
        }
        for (int p = 1; p <= 3; p++) {
            int part = p;
            assertEquals(open.stream().filter(o -> o.part() == part).count(), sim.bdev("sda" + p).openers(),
                    "sda" + p + " bd_openers " + where);
        }
        long claims = open.stream().filter(Open::excl).count();
        long wholeClaims = open.stream().filter(o -> o.excl() && o.part() == 0).count();
        assertEquals(claims + wholeClaims, whole.holders(), "whole bd_holders " + where);
    }
}
