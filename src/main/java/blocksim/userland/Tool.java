package blocksim.userland;

/**
 * A command that a transcript can run. Written once against {@link blocksim.api.Kernel}, with the real
 * tool's options and messages, so it runs unchanged on the model and on a live kernel.
 */
@FunctionalInterface
public interface Tool {

    /** Runs with the process's arguments and streams; returns the exit status. */
    int run(Proc p);
}
