package blocksim.cli;

import blocksim.KernelProvider;
import blocksim.scenario.Scenario;
import blocksim.scenario.ScenarioError;
import blocksim.scenario.ScenarioParser;
import blocksim.scenario.ScenarioRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code blocksim}: runs lessons (Markdown transcripts) on the model or another kernel. */
@Command(name = "blocksim", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "The Linux block layer as a testable model: run transcripts against it.",
        subcommands = {Main.Run.class, Main.Explore.class, Main.Kernels.class, Main.Cleanup.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** No command: a usage error, as GNU tools answer one (a line, and where the help is). */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("blocksim: missing command (run, explore, kernels, cleanup)");
        err.println("Try 'blocksim --help' for more information.");
        return 2;
    }

    /** {@code blocksim run FILE...}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run scenarios (Markdown lessons) and check every command's output.",
            footer = {"", "Exit status: 0 when every expectation holds, 1 when one does not or a file is bad, "
                    + "2 on a usage error."})
    static final class Run implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE",
                description = "Scenario files, or directories of them; - reads one from standard input.")
        List<Path> files;

        @Option(names = "--kernel", paramLabel = "NAME", defaultValue = "sim",
                description = "The kernel to run on (default: ${DEFAULT-VALUE}; `blocksim kernels` lists them).")
        String kernel;

        @Option(names = "--seed", paramLabel = "N", description = "The scheduler seed, instead of the file's.")
        Long seed;

        @Option(names = "--update", description = "Rewrite each differing expected output with the actual one.")
        boolean update;

        @Option(names = "--trace", description = "Print every system call the commands make, strace style, on stderr.")
        boolean trace;

        @Option(names = "--junit-xml", paramLabel = "FILE",
                description = "Also write the results as JUnit XML (surefire's schema): a test suite per lesson, a test case per command.")
        Path junitXml;

        @Option(names = "--fail-fast", description = "Stop after the first lesson that fails.")
        boolean failFast;

        @Option(names = {"-q", "--quiet"}, description = "Print only failures and the summary line.")
        boolean quiet;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            KernelProvider provider = KernelProvider.byName(kernel).orElse(null);
            if (provider == null) {
                err.println("blocksim: no kernel named '" + kernel + "' (available: "
                        + String.join(", ", KernelProvider.all().stream().map(KernelProvider::name).toList()) + ")");
                return 2;
            }
            if (!provider.available()) {
                err.println("blocksim: kernel '" + kernel + "' cannot run here: " + provider.unavailableReason());
                return 2;
            }
            List<Path> paths;
            try {
                paths = expand(files);
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                err.println("blocksim: " + e.getMessage());
                return 1;
            }
            int passed = 0;
            int failed = 0;
            int skipped = 0;
            int updated = 0;
            JunitXml xml = junitXml == null ? null : new JunitXml();
            for (Path p : paths) {
                if (failFast && failed > 0) {
                    break;
                }
                try {
                    Scenario sc = p.toString().equals("-") ? ScenarioParser.parse(p, stdin()) : ScenarioParser.parse(p);
                    ScenarioRunner.Result r = ScenarioRunner.run(sc, new ScenarioRunner.Options(provider, seed, update,
                            trace ? line -> {
                                err.println(line);
                                err.flush();
                            } : null));
                    if (xml != null) {
                        xml.lesson(p.toString(), r);
                    }
                    if (r.skipped()) {
                        skipped++;
                        if (!quiet) {
                            out.println(p + ": skipped (" + r.note() + ")");
                        }
                    } else if (r.passed()) {
                        passed++;
                        if (!quiet) {
                            out.println(p + ": ok (" + r.commands() + " commands, seed " + r.seed() + ")");
                        }
                    } else if (update && r.updatable() && !p.toString().equals("-")) {
                        // --update did its job: the file now says what the commands print
                        updated++;
                        out.println(p + ": updated (" + r.failures().size() + " of " + r.commands()
                                + " commands had other output, seed " + r.seed() + ")");
                    } else {
                        failed++;
                        // the seed first: what replays this run exactly
                        out.println(p + ": seed " + r.seed() + " (replay: blocksim run --seed " + r.seed()
                                + (kernel.equals("sim") ? "" : " --kernel " + kernel) + " " + p + ")");
                        for (String f : r.failures()) {
                            out.print(f.endsWith("\n") ? f : f + "\n");
                        }
                        out.println(p + ": FAILED (" + r.failures().size() + " of " + r.commands() + " commands, seed "
                                + r.seed() + (update ? "; expected output updated" : "") + ")");
                    }
                } catch (ScenarioError e) {
                    failed++;
                    out.println(e.getMessage());
                    if (xml != null) {
                        xml.badFile(p.toString(), e.getMessage());
                    }
                }
                out.flush();
            }
            if (xml != null) {
                try {
                    Files.writeString(junitXml, xml.render(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    err.println("blocksim: " + junitXml + ": " + e.getMessage());
                    return 1;
                }
            }
            out.println(passed + " passed, " + failed + " failed" + (updated > 0 ? ", " + updated + " updated" : "")
                    + (skipped > 0 ? ", " + skipped + " skipped" : ""));
            return failed > 0 ? 1 : 0;
        }

        private static String stdin() throws ScenarioError {
            try {
                return new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new ScenarioError("-", 1, "cannot read standard input: " + e.getMessage());
            }
        }

        private static List<Path> expand(List<Path> files) throws java.io.IOException {
            List<Path> out = new java.util.ArrayList<>();
            for (Path f : files) {
                if (f.toString().equals("-")) {
                    out.add(f);
                } else if (Files.isDirectory(f)) {
                    int before = out.size();
                    try (Stream<Path> s = Files.list(f)) {
                        s.filter(x -> x.toString().endsWith(".md")).sorted().forEach(out::add);
                    }
                    if (out.size() == before) {
                        throw new java.io.IOException(f + ": no lessons (*.md) in this directory");
                    }
                } else if (Files.exists(f)) {
                    out.add(f);
                } else {
                    throw new java.io.IOException(f + ": No such file or directory");
                }
            }
            return out;
        }
    }

    /**
     * {@code blocksim explore --seeds A..B LESSON}: the lesson on the model once per seed, on the
     * machine's cores, reported in seed order (the same every run): each failing seed with its
     * first failing command, then the count. {@code blocksim run --seed N LESSON} replays one.
     */
    @Command(name = "explore", mixinStandardHelpOptions = true,
            description = "Run a lesson over many scheduler seeds and list which pass and which fail.",
            footer = {"", "Exit status: 0 when every seed passes, 1 when one fails or the file is bad, 2 on a usage error."})
    static final class Explore implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1", paramLabel = "LESSON", description = "The lesson to explore.")
        Path file;

        @Option(names = "--seeds", paramLabel = "A..B", required = true,
                description = "The seeds: a range A..B, or a list A,B,C.")
        String seeds;

        @Option(names = {"-j", "--jobs"}, paramLabel = "N",
                description = "Lessons run at once (default: the machine's cores).")
        Integer jobs;

        @Option(names = {"-q", "--quiet"}, description = "Print only the summary line.")
        boolean quiet;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Long> list;
            try {
                list = parseSeeds(seeds);
            } catch (IllegalArgumentException e) {
                err.println("blocksim: --seeds: " + e.getMessage());
                err.println("Try 'blocksim explore --help' for more information.");
                return 2;
            }
            Scenario sc;
            try {
                sc = ScenarioParser.parse(file);
            } catch (ScenarioError e) {
                out.println(e.getMessage());
                return 1;
            }
            KernelProvider sim = KernelProvider.byName("sim").orElseThrow();
            int n = jobs != null && jobs > 0 ? jobs : Runtime.getRuntime().availableProcessors();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
            List<java.util.concurrent.Future<String>> outcomes = new java.util.ArrayList<>();
            for (long seed : list) {
                outcomes.add(pool.submit(() -> {
                    ScenarioRunner.Result r = ScenarioRunner.run(sc, new ScenarioRunner.Options(sim, seed, false, null));
                    return r.results().stream().filter(c -> c.failure() != null).findFirst()
                            .map(c -> file + ":" + c.line() + ": $ " + c.command()).orElse(null);
                }));
            }
            pool.shutdown();
            List<Long> failing = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < list.size(); i++) {
                    String first = outcomes.get(i).get();
                    if (first != null) {
                        failing.add(list.get(i));
                        if (!quiet) {
                            out.println("seed " + list.get(i) + ": FAILED at " + first);
                        }
                    }
                }
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                out.println(c instanceof ScenarioError se ? se.getMessage() : file + ": " + c);
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
            out.println(file + ": " + list.size() + " seeds, " + (list.size() - failing.size()) + " passed, "
                    + failing.size() + " failed" + (failing.isEmpty() ? "" : " (replay one: blocksim run --seed "
                    + failing.getFirst() + " " + file + ")"));
            return failing.isEmpty() ? 0 : 1;
        }

        static List<Long> parseSeeds(String s) {
            List<Long> out = new java.util.ArrayList<>();
            for (String part : s.split(",")) {
                String[] r = part.trim().split("\\.\\.", -1);
                try {
                    long a = Long.parseLong(r[0]);
                    long b = r.length == 2 ? Long.parseLong(r[1]) : a;
                    if (r.length > 2 || b < a || b - a >= 1_000_000) {
                        throw new IllegalArgumentException("'" + part + "' is not a range A..B of at most a million seeds");
                    }
                    for (long x = a; x <= b; x++) {
                        out.add(x);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + part + "' is not a seed or a range A..B");
                }
            }
            return out;
        }
    }

    /** {@code blocksim kernels}: the kernels this build can run on. */
    @Command(name = "kernels", mixinStandardHelpOptions = true, description = "List the kernels scenarios can run on.")
    static final class Kernels implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            for (KernelProvider k : KernelProvider.all()) {
                spec.commandLine().getOut().println(k.name() + (k.available() ? "" : "  (unavailable: " + k.unavailableReason() + ")"));
            }
            return 0;
        }
    }

    /** {@code blocksim cleanup}: reclaims what killed runs left on this machine. */
    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = "Reclaim what runs that were killed left behind on this machine: thaw and unmount "
                    + "their filesystems, delete their partitions, detach their loop devices (only while still "
                    + "bound to the dead run's image), remove their directories. Safe while other runs are alive.",
            footer = {"", "Exit status: 0 when done (whatever there was to reclaim), 1 when a kernel that needs it "
                    + "cannot be used here (not root)."})
    static final class Cleanup implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            int status = 0;
            for (KernelProvider k : KernelProvider.all()) {
                if (k.name().equals("sim")) {
                    continue;
                }
                if (!k.available()) {
                    spec.commandLine().getErr().println("blocksim cleanup: " + k.name() + ": cannot clean up: "
                            + k.unavailableReason());
                    status = 1;
                    continue;
                }
                KernelProvider.Cleanup c = k.cleanup();
                c.lines().forEach(out::println);
                out.println("cleanup: " + k.name() + ": " + c.reclaimed() + " dead run" + (c.reclaimed() == 1 ? "" : "s")
                        + " reclaimed, " + c.alive() + " live run" + (c.alive() == 1 ? "" : "s") + " left alone");
            }
            return status;
        }
    }

    /** The version from the jar's manifest, or "dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"blocksim " + (v == null ? "dev" : v)};
        }
    }

    /** Runs the command line and returns its exit status (for tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args2) -> {
            // one line and where the help is, as picocli's and GNU tools' short form
            CommandLine c = ex.getCommandLine();
            c.getErr().println("blocksim: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            err.println("blocksim: internal error: " + ex);
            return 70;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(status);
    }
}
