package blocksim.scenario;

import blocksim.userland.tools.Tools;
import blocksim.KernelProvider;
import blocksim.userland.Io;
import blocksim.userland.Shell;
import blocksim.userland.ShellSyntax;
import blocksim.userland.TracingKernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a lesson's commands in order on one kernel and checks each command's output and exit
 * status against the transcript. A run is a pure function of (scenario, profile, seed) on the model.
 */
public final class ScenarioRunner {

    /** How many system calls one command may make before it is declared endless. */
    public static final long CALL_BUDGET = 1_000_000;

    /**
     * What to run on and how. {@code seed} overrides the front matter's when not null; {@code trace}
     * receives strace-style lines when not null; {@code callBudget} bounds each command.
     */
    public record Options(KernelProvider kernel, Long seed, boolean update, Consumer<String> trace, long callBudget) {
        public Options(KernelProvider kernel, Long seed, boolean update, Consumer<String> trace) {
            this(kernel, seed, update, trace, CALL_BUDGET);
        }
    }

    /** The result of one scenario: failures (each with its file:line and diff) or a skip. */
    public record Result(Scenario scenario, long seed, boolean skipped, String note, List<String> failures,
                         int commands, boolean updatable, List<CommandResult> results) {
        public Result(Scenario scenario, long seed, boolean skipped, String note, List<String> failures, int commands) {
            this(scenario, seed, skipped, note, failures, commands, false, List.of());
        }

        public boolean passed() {
            return !skipped && failures.isEmpty();
        }
    }

    /** One command's outcome: its line, its first line of text, and its failure report or null. */
    public record CommandResult(int line, String command, String failure) {
    }

    private ScenarioRunner() {
    }

    /** Checks what can be checked before running: syntax, commands, users, patterns. */
    static List<ShellSyntax.Script> prepare(Scenario sc) throws ScenarioError {
        String file = sc.path().toString();
        java.util.Set<String> known = Tools.standard().keySet();
        List<ShellSyntax.Script> scripts = new ArrayList<>();
        for (Scenario.Command c : sc.commands()) {
            ShellSyntax.Script script;
            try {
                script = ShellSyntax.parse(c.text());
            } catch (ShellSyntax.SyntaxError e) {
                throw new ScenarioError(file, c.line() + e.line(), "syntax error: " + e.getMessage());
            }
            for (ShellSyntax.Job j : script.jobs()) {
                for (ShellSyntax.Pipeline p : j.body().pipelines()) {
                    for (ShellSyntax.Simple s : p.commands()) {
                        if (!known.contains(s.name())) {
                            throw new ScenarioError(file, c.line(), "unknown command '" + s.name() + "'");
                        }
                    }
                }
            }
            List<String> users = Shell.unknownUsers(script);
            if (!users.isEmpty()) {
                throw new ScenarioError(file, c.line(), "unknown user '" + users.getFirst() + "' (known: root, nobody)");
            }
            for (int i = 0; i < c.expected().size(); i++) {
                String bad = LineMatch.badPattern(c.expected().get(i));
                if (bad != null) {
                    throw new ScenarioError(file, c.expectedLine() + i, "bad regular expression: " + bad);
                }
            }
            scripts.add(script);
        }
        return scripts;
    }

    public static Result run(Scenario sc, Options o) throws ScenarioError {
        long seed = o.seed() != null ? o.seed() : sc.seed();
        if (!sc.runsOn().contains(o.kernel().name())) {
            return new Result(sc, seed, true, "runs-on " + sc.runsOn() + " lacks " + o.kernel().name(), List.of(), 0);
        }
        List<ShellSyntax.Script> scripts = prepare(sc);
        String file = sc.path().toString();
        KernelProvider.Booted booted;
        try {
            booted = o.kernel().boot(sc.profile(), sc.config(), seed);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a kernel that cannot be this lesson's (the live kernel is one era): the lesson's error
            throw new ScenarioError(sc.path().toString(), frontMatterLine(sc, "kernel"), e.getMessage());
        }
        TracingKernel kernel = new TracingKernel(booted.kernel(), o.trace(), o.callBudget());
        booted.scheduler().setTrace(o.trace());
        Io.Terminal terminal = new Io.Terminal();
        Shell shell = new Shell(kernel, booted.scheduler(), Tools.standard(), terminal);
        List<String> failures = new ArrayList<>();
        List<CommandResult> results = new ArrayList<>();
        List<List<String>> actuals = new ArrayList<>();
        try {
            for (int i = 0; i < sc.commands().size(); i++) {
                Scenario.Command c = sc.commands().get(i);
                if (o.trace() != null) {
                    o.trace().accept("$ " + c.text().replace("\n", "\n> "));
                }
                terminal.clear();
                Shell.Outcome out = shell.run(scripts.get(i));
                List<String> actual = lines(terminal.text());
                String first = c.text().lines().findFirst().orElse("");
                if (out.error() != null) {
                    failures.add(file + ":" + c.line() + ": " + out.error());
                    results.add(new CommandResult(c.line(), first, failures.getLast()));
                    actuals.add(null);
                    continue;
                }
                if (out.deadlock() != null) {
                    actual.add(out.deadlock());
                } else if (out.status() != 0) {
                    actual.add("[" + out.status() + "]");
                }
                List<String> expected = new ArrayList<>(c.expected());
                if (c.status() != 0) {
                    expected.add("[" + c.status() + "]");
                }
                actuals.add(actual);
                if (!UnifiedDiff.same(expected, actual)) {
                    failures.add(file + ":" + c.line() + ": output differs for: $ " + first
                            + "\n" + UnifiedDiff.diff(file, c.expectedLine(), expected, actual));
                    results.add(new CommandResult(c.line(), first, failures.getLast()));
                } else {
                    results.add(new CommandResult(c.line(), first, null));
                }
            }
        } finally {
            shell.shutdown();
            kernel.close();
        }
        boolean rewritten = false;
        if (o.update() && !failures.isEmpty()) {
            update(sc, actuals);
            rewritten = actuals.stream().allMatch(java.util.Objects::nonNull);
        }
        return new Result(sc, seed, false, null, failures, sc.commands().size(), rewritten, List.copyOf(results));
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!out.isEmpty() && out.getLast().isEmpty()) {
            out.removeLast();
        }
        return out;
    }

    /** The line of a front-matter key, or 1. */
    private static int frontMatterLine(Scenario sc, String key) {
        List<String> lines = sc.lines();
        if (!lines.isEmpty() && lines.getFirst().equals("---")) {
            for (int i = 1; i < lines.size() && !lines.get(i).equals("---"); i++) {
                if (lines.get(i).startsWith(key + ":")) {
                    return i + 1;
                }
            }
        }
        return 1;
    }

    /** Rewrites each differing command's expected output with what it printed. */
    private static void update(Scenario sc, List<List<String>> actuals) throws ScenarioError {
        List<String> lines = new ArrayList<>(sc.lines());
        for (int i = sc.commands().size() - 1; i >= 0; i--) {
            Scenario.Command c = sc.commands().get(i);
            List<String> actual = actuals.get(i);
            if (actual == null) {
                continue;
            }
            List<String> expected = new ArrayList<>(c.expected());
            if (c.status() != 0) {
                expected.add("[" + c.status() + "]");
            }
            if (UnifiedDiff.same(expected, actual)) {
                continue;
            }
            int from = c.expectedLine() - 1;
            for (int k = 0; k < c.expectedLineCount(); k++) {
                lines.remove(from);
            }
            lines.addAll(from, actual);
        }
        try {
            Files.writeString(sc.path(), String.join("\n", lines), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioError(sc.path().toString(), 1, "cannot write: " + e.getMessage());
        }
    }
}
