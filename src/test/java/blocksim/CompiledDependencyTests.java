package blocksim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules, checked on the compiled classes (jdeps, in-process), so a fully qualified
 * name or a nested type counts as much as an import line: userland and the scenario language see
 * only the API and the uapi; the API depends on the uapi alone; the model's layers never reach up
 * to userland, the runner, the command line or the adapter.
 */
class CompiledDependencyTests {

    private static final Map<String, Set<String>> GRAPH = new TreeMap<>();

    @BeforeAll
    static void readTheClasses() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        // the module's own dependencies (picocli, slf4j, ...) are found where this JVM found them
        String deps = java.util.stream.Stream.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""))
                .flatMap(p -> java.util.Arrays.stream(p.split(java.io.File.pathSeparator)))
                .filter(p -> p.endsWith(".jar")).distinct().collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "--multi-release", "25", "--module-path", deps,
                "--ignore-missing-deps",
                "-verbose:package", "target/classes");
        assertEquals(0, rc, out.toString());
        Matcher m = Pattern.compile("^\\s+(blocksim[a-z.]*)\\s+->\\s+(blocksim[a-z.]*)\\s", Pattern.MULTILINE).matcher(out.toString());
        while (m.find()) {
            if (!m.group(1).equals(m.group(2))) {
                GRAPH.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        assertTrue(GRAPH.containsKey("blocksim.userland"), "jdeps read the classes: " + out.toString().lines().limit(5).toList());
    }

    private static void onlyOn(String pkg, Set<String> allowed) {
        for (Map.Entry<String, Set<String>> e : GRAPH.entrySet()) {
            if (e.getKey().equals(pkg) || e.getKey().startsWith(pkg + ".")) {
                for (String dep : e.getValue()) {
                    boolean ok = allowed.contains(dep) || dep.equals(pkg) || dep.startsWith(pkg + ".");
                    assertTrue(ok, e.getKey() + " depends on " + dep + " (allowed: " + allowed + ")");
                }
            }
        }
    }

    @Test
    void userlandSeesOnlyTheApi() {
        onlyOn("blocksim.userland", Set.of("blocksim.api", "blocksim.uapi"));
    }

    @Test
    void theApiDependsOnTheUapiAlone() {
        onlyOn("blocksim.api", Set.of("blocksim.uapi"));
        onlyOn("blocksim.uapi", Set.of());
    }

    @Test
    void theModelNeverReachesUp() {
        for (String low : List.of("blocksim.kernel", "blocksim.block", "blocksim.drivers", "blocksim.fs")) {
            for (String dep : GRAPH.getOrDefault(low, Set.of())) {
                assertTrue(!dep.equals("blocksim") && !dep.startsWith("blocksim.userland") && !dep.startsWith("blocksim.scenario")
                        && !dep.startsWith("blocksim.cli") && !dep.startsWith("blocksim.linux"), low + " depends on " + dep);
            }
        }
    }

    /** module-info: the API, the uapi and the entry points are exported; the model's internals are not. */
    @Test
    void theModuleExportsTheApiAndHidesTheModel() {
        java.lang.module.ModuleDescriptor d = java.lang.module.ModuleFinder.of(java.nio.file.Path.of("target/classes"))
                .find("blocksim").orElseThrow().descriptor();
        Set<String> exported = new TreeSet<>();
        d.exports().forEach(e -> exported.add(e.source()));
        assertTrue(exported.containsAll(Set.of("blocksim", "blocksim.api", "blocksim.uapi", "blocksim.userland",
                "blocksim.userland.tools", "blocksim.scenario", "blocksim.cli", "blocksim.linux")), exported.toString());
        for (String internal : List.of("blocksim.block", "blocksim.block.partitions", "blocksim.drivers", "blocksim.fs",
                "blocksim.kernel")) {
            assertTrue(!exported.contains(internal), internal + " is exported");
        }
        assertTrue(d.provides().stream().anyMatch(p -> p.service().equals("blocksim.KernelProvider")
                && p.providers().contains("blocksim.linux.LinuxKernelProvider")), "the adapter's provider");
    }
}
