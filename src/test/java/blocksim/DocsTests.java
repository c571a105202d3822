package blocksim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/kernel-map.md and docs/profiles.md are held to the code: every Java name a kernel-map row
 * starts with is a class, nested class or method that exists, with both eras' sources filled in;
 * every test that a profiles.md row says pins it exists; every era rule (a component of
 * {@code BlockRules}, {@code ParserRules}, {@code DriverRules}, {@code FsRules}) has a row in
 * profiles.md's "Where the code asks" with each era's value, and every row there is a rule.
 */
class DocsTests {

    static final Pattern ROW_NAME = Pattern.compile("^\\| `([A-Za-z0-9_.]+)(?:\\([^)]*\\))?`");

    /** Every class of a source tree, by simple name (nested ones as Outer.Inner too). */
    static Map<String, Class<?>> classes(Path root) throws IOException {
        Map<String, Class<?>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java")
                    && !p.endsWith("package-info.java")).toList()) {
                String fqn = root.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", "");
                try {
                    add(out, Class.forName(fqn), null);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(fqn, e);
                }
            }
        }
        return out;
    }

    private static void add(Map<String, Class<?>> out, Class<?> c, String outer) {
        String name = outer == null ? c.getSimpleName() : outer + "." + c.getSimpleName();
        out.putIfAbsent(name, c);
        for (Class<?> inner : c.getDeclaredClasses()) {
            add(out, inner, name);
        }
    }

    /** The class or method a dotted name means, or empty. */
    static Optional<String> resolve(Map<String, Class<?>> classes, String dotted) {
        if (classes.containsKey(dotted)) {
            return Optional.of(classes.get(dotted).getName());
        }
        int dot = dotted.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        Class<?> c = classes.get(dotted.substring(0, dot));
        String member = dotted.substring(dot + 1);
        if (c == null) {
            return Optional.empty();
        }
        boolean found = Arrays.stream(c.getDeclaredMethods()).map(Method::getName).anyMatch(member::equals)
                || Arrays.stream(c.getDeclaredFields()).anyMatch(f -> f.getName().equals(member));
        return found ? Optional.of(c.getName() + "." + member) : Optional.empty();
    }

    @Test
    void everyKernelMapRowNamesCodeThatExistsAndBothEras() throws IOException {
        Map<String, Class<?>> main = classes(Path.of("src/main/java"));
        List<String> stale = new ArrayList<>();
        int rows = 0;
        for (String line : Files.readAllLines(Path.of("docs/kernel-map.md"))) {
            Matcher m = ROW_NAME.matcher(line);
            if (!m.find()) {
                continue;
            }
            rows++;
            if (resolve(main, m.group(1)).isEmpty()) {
                stale.add(m.group(1));
            }
            String[] cells = line.split("\\|");
            assertTrue(cells.length >= 4 && !cells[2].isBlank() && !cells[3].isBlank(), "both eras' columns: " + line);
        }
        assertTrue(rows > 80, "rows read: " + rows);
        assertTrue(stale.isEmpty(), "kernel-map.md names code that does not exist: " + stale);
    }

    @Test
    void everyTestAProfilesRowNamesExists() throws IOException {
        Map<String, Class<?>> tests = classes(Path.of("src/test/java"));
        List<String> missing = new ArrayList<>();
        Pattern backticked = Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Tests|Properties)[A-Za-z0-9_.]*)`");
        for (String line : Files.readAllLines(Path.of("docs/profiles.md"))) {
            if (!line.startsWith("| ")) {
                continue;
            }
            String[] cells = line.split("\\|");
            for (String cell : List.of(cells[cells.length - 1], cells.length > 4 ? cells[4] : "")) {
                Matcher m = backticked.matcher(cell);
                while (m.find()) {
                    if (resolve(tests, m.group(1)).isEmpty()) {
                        missing.add(m.group(1));
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "profiles.md names tests that do not exist: " + missing);
    }

    static final List<Class<? extends Record>> RULES = List.of(blocksim.block.BlockRules.class,
            blocksim.block.partitions.ParserRules.class, blocksim.drivers.DriverRules.class, blocksim.fs.FsRules.class);

    @Test
    void everyEraRuleIsListedWithEachErasValue() throws Exception {
        Map<String, String[]> rows = new TreeMap<>();
        boolean in = false;
        for (String line : Files.readAllLines(Path.of("docs/profiles.md"))) {
            in |= line.startsWith("## Where the code asks");
            Matcher m = Pattern.compile("^\\| `([A-Za-z]+Rules\\.[A-Za-z0-9]+)` \\| ([^|]+) \\| ([^|]+) \\|").matcher(line);
            if (in && m.find()) {
                rows.put(m.group(1), new String[] {m.group(2).strip(), m.group(3).strip()});
            }
        }
        List<String> problems = new ArrayList<>();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (Class<? extends Record> rules : RULES) {
            Object old = rules.getField("LINUX_2_6_32").get(null);
            Object now = rules.getField("LINUX_6_18").get(null);
            for (java.lang.reflect.RecordComponent c : rules.getRecordComponents()) {
                String name = rules.getSimpleName() + "." + c.getName();
                seen.add(name);
                String[] row = rows.get(name);
                if (row == null) {
                    problems.add(name + " has no row");
                    continue;
                }
                String a = String.valueOf(c.getAccessor().invoke(old));
                String b = String.valueOf(c.getAccessor().invoke(now));
                if (!row[0].equals(a) || !row[1].equals(b)) {
                    problems.add(name + ": the row says " + row[0] + "/" + row[1] + ", the code " + a + "/" + b);
                }
            }
        }
        for (String r : rows.keySet()) {
            if (!seen.contains(r)) {
                problems.add(r + " is listed but is no rule");
            }
        }
        assertTrue(problems.isEmpty(), String.join("; ", problems));
    }
}
