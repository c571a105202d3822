package blocksim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;



import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Package rules, read from the sources: the packages of the main code depend on each other without
 * cycles, the model's lower layers never reach up to the syscall surface or userland, and model
 * code never reads the wall clock, starts threads or uses unseeded randomness.
 */
class ArchitectureTests {

    static final Path MAIN = Path.of("src/main/java");
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?(blocksim(?:\\.[a-z]+)*)\\.[A-Z]", Pattern.MULTILINE);

    static Map<String, Set<String>> packageGraph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> deps = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    @Test
    void packageDependenciesHaveNoCycles() throws IOException {
        Map<String, Set<String>> graph = packageGraph();
        for (String start : graph.keySet()) {
            List<String> path = new ArrayList<>();
            assertTrue(!reaches(graph, start, start, path, new TreeSet<>()), () -> "cycle: " + start + " -> " + path);
        }
    }

    private static boolean reaches(Map<String, Set<String>> g, String from, String target, List<String> path,
                                   Set<String> seen) {
        for (String next : g.getOrDefault(from, Set.of())) {
            path.add(next);
            if (next.equals(target) || (seen.add(next) && reaches(g, next, target, path, seen))) {
                return true;
            }
            path.removeLast();
        }
        return false;
    }

    @Test
    void theModelsLowerLayersDoNotReachUp() throws IOException {
        Map<String, Set<String>> graph = packageGraph();
        for (String low : List.of("blocksim.kernel", "blocksim.uapi", "blocksim.block", "blocksim.block.partitions")) {
            for (String dep : graph.getOrDefault(low, Set.of())) {
                assertTrue(!dep.equals("blocksim") && !dep.startsWith("blocksim.userland") && !dep.startsWith("blocksim.drivers")
                        && !dep.startsWith("blocksim.demo"), low + " depends on " + dep);
            }
        }
        assertEquals(Set.of("blocksim.api"), graph.getOrDefault("blocksim.kernel", Set.of()),
                "kernel basics depend on the API alone");
        assertTrue(Set.of("blocksim.uapi").containsAll(graph.getOrDefault("blocksim.api", Set.of())),
                "the API depends on the uapi alone: " + graph.get("blocksim.api"));
    }

    @Test
    void foreignFunctionCodeLivesOnlyInTheNativeAdapter() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains("java.lang.foreign")) {
                    assertTrue(f.toString().contains("blocksim/linux/"), f + " uses java.lang.foreign");
                }
            }
        }
    }

    @Test
    void modelCodeIsDeterministic() throws IOException {
        List<Pattern> banned = Stream.of("System\\.currentTimeMillis", "System\\.nanoTime", "Instant\\.now",
                "new Thread\\b", "Thread\\.of(Virtual|Platform)", "new Random\\(\\)", "Math\\.random", "ThreadLocalRandom", "LocalDateTime\\.now",
                "\\bHashSet<", "\\bHashMap<").map(Pattern::compile).toList();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                for (Pattern b : banned) {
                    // DiskStore's page map is only ever looked up by key, never iterated.
                    boolean allowed = b.pattern().contains("HashMap") && f.endsWith("DiskStore.java")
                            // the scheduler gives each simulated task a stack of its own and alone decides
                            // which one runs: it is the one place that creates JVM threads
                            || b.pattern().contains("Thread\\.of") && f.endsWith("kernel/Scheduler.java")
                            // the native adapter runs unprivileged calls on a thread that drops its own
                            // capabilities, and cleans up from a shutdown hook
                            || b.pattern().contains("Thread\\.of") && f.toString().contains("blocksim/linux/")
                            // and waits in real time where the live machine does (udevd's queue)
                            || b.pattern().contains("nanoTime") && f.toString().contains("blocksim/linux/");
                    assertTrue(allowed || !b.matcher(text).find(), f + " uses " + b);
                }
            }
        }
    }

    /**
     * The model's code never decides by era itself: only the rules records (and the places that
     * name a default profile or the live kernel's) mention an era constant.
     */
    @Test
    void onlyTheRulesRecordsDecideByEra() throws IOException {
        Pattern era = Pattern.compile("case LINUX_|Profile\\.LINUX_2_6_32|\\.modern\\(\\)");
        List<String> asking = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString();
                boolean allowed = name.endsWith("Rules.java") || name.equals("Profile.java")
                        // userland's tools are the distribution's of each era (lvm2 2.02 or 2.03), not the kernel's
                        || name.equals("Lvm.java");
                if (!allowed && era.matcher(Files.readString(f)).find()) {
                    asking.add(MAIN.relativize(f).toString());
                }
            }
        }
        assertTrue(asking.isEmpty(), "decide by era outside the rules records: " + asking);
    }
}
