package blocksim.api;

/**
 * A task dying in the kernel ({@code die()} and {@code oops_end}: the task exits with SIGSEGV,
 * whatever locks it held staying held). Thrown from the kernel code where the oops happens; the
 * shell reports the process as a segmentation fault.
 */
public final class Oops extends Error {
    public Oops(String what) {
        super(what, null, false, false);
    }
}
