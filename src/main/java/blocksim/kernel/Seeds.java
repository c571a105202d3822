package blocksim.kernel;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One root seed split into named streams, as TigerBeetle's VOPR splits its seed: each kind of
 * choice draws from a stream of its own, so a feature that draws more from one stream leaves the
 * choices drawn from every other unchanged, and a seed keeps meaning the same interleaving when
 * drivers or tools grow new draws.
 *
 * <p>Each stream's seed is derived from the root and the stream's name alone ({@code mix64} of the
 * root and the name's hash), never from the order streams are created or used in.
 */
final class Seeds {

    /** The kinds of choice a run makes. */
    public enum Stream {
        /** Which runnable task the scheduler runs next. */
        SCHEDULING,
        /** How long a driver or a loaded disk takes (scan delays). */
        DELAYS,
        /** Which I/O fails, and how (fault plans of the issues that follow). */
        FAULTS,
        /** What userland processes draw (label ids, UUIDs): one sub-stream per process. */
        USERLAND
    }

    private final long root;
    private final Map<Stream, SplittableRandom> streams = new EnumMap<>(Stream.class);

    public Seeds(long root) {
        this.root = root;
    }

    /** The root seed: what {@code --seed} sets and what a failing run prints first. */
    public long root() {
        return root;
    }

    /** A stream's own seed, from the root and the stream's name. */
    public long seedOf(Stream s) {
        return mix64(root ^ mix64(s.name().hashCode() * 0x9E3779B97F4A7C15L));
    }

    /** The stream's generator (one per Seeds, created on first use). */
    public SplittableRandom stream(Stream s) {
        return streams.computeIfAbsent(s, k -> new SplittableRandom(seedOf(k)));
    }

    /**
     * A userland process's own generator: from the USERLAND stream's seed and the process id, so
     * one process drawing more changes nothing for another.
     */
    public java.util.Random forProcess(int pid) {
        return new java.util.Random(mix64(seedOf(Stream.USERLAND) + pid * 0xBF58476D1CE4E5B9L));
    }

    /** SplitMix64's finaliser. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
