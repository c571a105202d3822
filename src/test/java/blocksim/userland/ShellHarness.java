package blocksim.userland;

import blocksim.userland.tools.Tools;
import blocksim.SimKernel;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;

/** A model kernel and a shell for tests: run a command line, get what the screen shows and the status. */
public final class ShellHarness implements AutoCloseable {

    /** What a command line printed (stdout and stderr merged) and its exit status. */
    public record Run(String output, int status, String deadlock) {
    }

    public final SimKernel kernel;
    private final Io.Terminal terminal = new Io.Terminal();
    private final Shell shell;

    public ShellHarness(Profile profile, KernelConfig config) {
        this(profile, config, 1);
    }

    public ShellHarness(Profile profile, KernelConfig config, long seed) {
        kernel = SimKernel.boot(profile, config, seed);
        shell = new Shell(new TracingKernel(kernel, null, 1_000_000), kernel.scheduler(), Tools.standard(), terminal);
    }

    public ShellHarness() {
        this(Profile.LINUX_6_18, KernelConfig.defaults());
    }

    public Run run(String commandLine) {
        terminal.clear();
        try {
            Shell.Outcome o = shell.run(ShellSyntax.parse(commandLine));
            if (o.error() != null) {
                throw new IllegalStateException(o.error());
            }
            return new Run(terminal.text(), o.status(), o.deadlock());
        } catch (ShellSyntax.SyntaxError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Runs and returns the output, requiring status 0. */
    public String ok(String commandLine) {
        Run r = run(commandLine);
        if (r.status() != 0) {
            throw new AssertionError("'" + commandLine + "' exited " + r.status() + ": " + r.output());
        }
        return r.output();
    }

    @Override
    public void close() {
        shell.shutdown();
        kernel.close();
    }
}
