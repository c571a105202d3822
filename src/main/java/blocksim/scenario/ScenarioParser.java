package blocksim.scenario;

import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads a lesson: YAML front matter between {@code ---} lines (snakeyaml-engine), then the
 * Markdown (commonmark), whose fenced blocks with the info string {@code console} are transcripts.
 * Every error names the file and line.
 */
public final class ScenarioParser {

    static final Set<String> KEYS = Set.of("title", "kernel", "partitions", "runs-on", "seed");

    private ScenarioParser() {
    }

    public static Scenario parse(Path path) throws ScenarioError {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ScenarioError(path.toString(), 1, "not UTF-8 text");
        } catch (IOException e) {
            throw new ScenarioError(path.toString(), 1, "cannot read: " + e.getMessage());
        }
        return parse(path, text);
    }

    /** Info strings that mean a terminal session elsewhere but are not this format's (case aside). */
    private static final List<String> NEAR_MISSES = List.of("console", "shell-session", "sh-session", "shellsession",
            "console-session", "terminal", "session");

    public static Scenario parse(Path path, String text) throws ScenarioError {
        String file = path.toString();
        // a UTF-8 byte-order mark and CRLF (or CR) line ends are read as what they mean
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        text = text.replace("\r\n", "\n").replace('\r', '\n');
        List<String> lines = List.of(text.split("\n", -1));
        String title = path.getFileName().toString();
        Profile profile = Profile.LINUX_6_18;
        KernelConfig config = KernelConfig.defaults();
        List<String> runsOn = List.of("sim");
        long seed = 1;
        int bodyStart = 0;
        if (!lines.isEmpty() && lines.getFirst().equals("---")) {
            int end = -1;
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).equals("---") || lines.get(i).equals("...")) {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                throw new ScenarioError(file, 1, "front matter is not closed: a line '---' is missing");
            }
            Map<String, Object> fm = yaml(file, lines.subList(1, end));
            for (Map.Entry<String, Object> e : fm.entrySet()) {
                int line = keyLine(lines, end, e.getKey());
                Object v = e.getValue();
                switch (e.getKey()) {
                    case "title" -> title = String.valueOf(v);
                    case "kernel" -> profile = Profile.byId(String.valueOf(v)).orElseThrow(() -> new ScenarioError(file,
                            line, "unknown kernel '" + v + "' (known: linux-6.18, linux-2.6.32)"));
                    case "partitions" -> config = config.withPartitionParsers(parsers(file, line, v));
                    case "runs-on" -> runsOn = runsOn(file, line, v);
                    case "seed" -> {
                        if (!(v instanceof Number n)) {
                            throw new ScenarioError(file, line, "seed must be a whole number, not '" + v + "'");
                        }
                        seed = n.longValue();
                    }
                    case "modules" -> config = modules(file, line, v, config);
                    default -> throw new ScenarioError(file, line, "unknown front-matter key '" + e.getKey()
                            + "' (known: title, kernel, partitions, modules, runs-on, seed)");
                }
            }
            bodyStart = end + 1;
        }
        List<Scenario.Command> commands = new ArrayList<>();
        List<int[]> blocks = consoleBlocks(file, lines, bodyStart);
        if (blocks.isEmpty()) {
            throw new ScenarioError(file, 1, "no console block: the lesson would run nothing (a fenced block opened"
                    + " with ```console is what blocksim runs)");
        }
        for (int[] block : blocks) {
            commands.addAll(commands(file, lines, block[0], block[1]));
        }
        if (commands.isEmpty()) {
            throw new ScenarioError(file, blocks.getFirst()[0], "the console blocks hold no command (a line '$ COMMAND')");
        }
        return new Scenario(path, title, profile, config, runsOn, seed, lines, commands);
    }

    private static Map<String, Object> yaml(String file, List<String> fmLines) throws ScenarioError {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().build()).loadFromString(String.join("\n", fmLines));
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 2).orElse(2);
            throw new ScenarioError(file, line, "bad front matter: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ScenarioError(file, 2, "bad front matter: " + e.getMessage());
        }
        if (doc == null) {
            return Map.of();
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw new ScenarioError(file, 2, "front matter must be a map of keys to values");
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static int keyLine(List<String> lines, int end, String key) {
        for (int i = 1; i < end; i++) {
            if (lines.get(i).startsWith(key + ":")) {
                return i + 1;
            }
        }
        return 2;
    }

    private static List<String> asList(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(v));
    }

    /**
     * {@code modules: {loop: "max_part=15 max_loop=4"}}: the loop module's parameters at boot, as
     * {@code modprobe loop max_part=15} would give them.
     */
    private static KernelConfig modules(String file, int line, Object v, KernelConfig config) throws ScenarioError {
        if (!(v instanceof Map<?, ?> m)) {
            throw new ScenarioError(file, line, "modules must map a module to its parameters, as modules: {loop: \"max_part=15\"}");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!"loop".equals(String.valueOf(e.getKey()))) {
                throw new ScenarioError(file, line, "unknown module '" + e.getKey() + "' (known: loop)");
            }
            for (String param : String.valueOf(e.getValue()).trim().split("\\s+")) {
                if (param.isEmpty()) {
                    continue;
                }
                String[] kv = param.split("=", 2);
                int n;
                try {
                    n = kv.length == 2 ? Integer.parseInt(kv[1]) : -1;
                } catch (NumberFormatException x) {
                    n = -1;
                }
                try {
                    config = switch (kv[0]) {
                        case "max_part" -> n >= 0 ? config.withLoopMaxPart(n) : null;
                        case "max_loop" -> n >= 0 ? config.withLoopMaxLoop(n) : null;
                        default -> throw new ScenarioError(file, line, "unknown parameter '" + kv[0]
                                + "' of module loop (known: max_part, max_loop)");
                    };
                } catch (IllegalArgumentException x) {
                    throw new ScenarioError(file, line, x.getMessage());
                }
                if (config == null) {
                    throw new ScenarioError(file, line, "loop " + kv[0] + " needs a whole number, as " + kv[0] + "=15");
                }
            }
        }
        return config;
    }

    private static List<String> parsers(String file, int line, Object v) throws ScenarioError {
        List<String> names = asList(v);
        if (names.equals(List.of("none"))) {
            return List.of();
        }
        for (String n : names) {
            if (!KernelConfig.KNOWN_PARSERS.contains(n)) {
                throw new ScenarioError(file, line, "unknown partition parser '" + n + "' (known: msdos, efi, none)");
            }
        }
        return names;
    }

    private static List<String> runsOn(String file, int line, Object v) throws ScenarioError {
        List<String> names = asList(v);
        for (String n : names) {
            if (!n.equals("sim") && !n.equals("linux")) {
                throw new ScenarioError(file, line, "unknown kernel '" + n + "' in runs-on (known: sim, linux)");
            }
        }
        return names;
    }

    /** The console blocks as [first content line, end line) pairs, 0-based into {@code lines}. */
    private static List<int[]> consoleBlocks(String file, List<String> lines, int bodyStart) throws ScenarioError {
        String body = String.join("\n", lines.subList(bodyStart, lines.size()));
        Node doc = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS).build().parse(body);
        List<int[]> blocks = new ArrayList<>();
        List<ScenarioError> errors = new ArrayList<>();
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(FencedCodeBlock block) {
                String info = block.getInfo() == null ? "" : block.getInfo().strip();
                String word = info.split("[\\s{]", 2)[0];
                List<SourceSpan> spans = block.getSourceSpans();
                int first = spans.getFirst().getLineIndex() + bodyStart;
                if (!word.equals("console")) {
                    if (NEAR_MISSES.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                        errors.add(new ScenarioError(file, first + 1, "a fenced block '" + info + "' looks like a transcript"
                                + " but is not one: blocksim runs blocks opened with ```console (exactly; attributes after"
                                + " a space are ignored)"));
                    }
                    return;
                }
                if (block.getParent() instanceof org.commonmark.node.ListItem
                        || block.getParent() != null && block.getParent().getParent() instanceof org.commonmark.node.ListItem) {
                    errors.add(new ScenarioError(file, first + 1, "a console block inside a list item is not run: put it"
                            + " at the top level of the lesson"));
                    return;
                }
                int last = spans.getLast().getLineIndex() + bodyStart;
                String closing = lines.get(last).strip();
                String fence = block.getFenceCharacter() != null
                        ? String.valueOf(block.getFenceCharacter()).repeat(block.getOpeningFenceLength()) : "```";
                boolean closed = last > first && closing.startsWith(fence) && closing.replace(fence.substring(0, 1), "").isEmpty();
                if (!closed) {
                    errors.add(new ScenarioError(file, first + 1, "console block is not closed (a line '" + fence + "' is missing)"));
                    return;
                }
                blocks.add(new int[] {first + 1, last});
            }
        });
        if (!errors.isEmpty()) {
            throw errors.getFirst();
        }
        return blocks;
    }

    private static List<Scenario.Command> commands(String file, List<String> lines, int from, int to) throws ScenarioError {
        List<Scenario.Command> out = new ArrayList<>();
        int i = from;
        while (i < to && !lines.get(i).startsWith("$")) {
            String l = lines.get(i);
            if (!l.isBlank() && !l.startsWith("#")) {
                throw new ScenarioError(file, i + 1, "output before any command (a line '$ COMMAND' is missing)");
            }
            i++;
        }
        while (i < to) {
            String first = lines.get(i);
            if (!first.startsWith("$ ") || first.substring(2).isBlank()) {
                throw new ScenarioError(file, i + 1, "empty command after '$'");
            }
            int cmdLine = i + 1;
            StringBuilder text = new StringBuilder(first.substring(2));
            i++;
            while (i < to && (lines.get(i).startsWith("> ") || lines.get(i).equals(">"))) {
                text.append('\n').append(lines.get(i).length() > 2 ? lines.get(i).substring(2) : "");
                i++;
            }
            int expectedLine = i + 1;
            List<String> expected = new ArrayList<>();
            while (i < to && !lines.get(i).startsWith("$")) {
                expected.add(lines.get(i));
                i++;
            }
            int status = 0;
            if (!expected.isEmpty() && expected.getLast().matches("\\[[0-9]+]")) {
                status = Integer.parseInt(expected.getLast().substring(1, expected.getLast().length() - 1));
                expected.removeLast();
            }
            out.add(new Scenario.Command(text.toString(), cmdLine, expectedLine, List.copyOf(expected), status));
        }
        return out;
    }
}
