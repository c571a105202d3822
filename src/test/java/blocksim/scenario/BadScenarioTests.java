package blocksim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.SimKernelProvider;
import blocksim.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad scenario files get a message with file and line, never a stack trace. */
class BadScenarioTests {

    @TempDir
    Path dir;

    private String error(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        ScenarioError e = assertThrows(ScenarioError.class, () -> ScenarioRunner.run(ScenarioParser.parse(f),
                new ScenarioRunner.Options(new SimKernelProvider(), null, false, null)));
        return e.getMessage().substring(dir.toString().length() + 1);
    }

    /** A lesson that would run nothing is an error, never a pass (issue 14's "a runner that never lies"). */
    @Test
    void aLessonThatWouldRunNothingIsAnError() throws IOException, ScenarioError {
        assertEquals("x.md:1: no console block: the lesson would run nothing (a fenced block opened with ```console is"
                + " what blocksim runs)", error("x.md", "# a lesson\n\nSome prose.\n"));
        assertEquals("x.md:3: a fenced block 'shell-session' looks like a transcript but is not one: blocksim runs blocks"
                + " opened with ```console (exactly; attributes after a space are ignored)",
                error("x.md", "# t\n\n```shell-session\n$ echo hi\nhi\n```\n"));
        assertEquals("x.md:1: a fenced block 'Console' looks like a transcript but is not one: blocksim runs blocks"
                + " opened with ```console (exactly; attributes after a space are ignored)",
                error("x.md", "```Console\n$ echo hi\nhi\n```\n"));
        assertEquals("x.md:3: a console block inside a list item is not run: put it at the top level of the lesson",
                error("x.md", "- step one:\n\n  ```console\n  $ echo hi\n  hi\n  ```\n"));
        assertEquals("x.md:1: the console blocks hold no command (a line '$ COMMAND')", error("x.md", "```console\n```\n"));
    }

    /** A byte-order mark and CRLF line ends are read as what they mean; attributes after "console" are allowed. */
    @Test
    void aBomCrlfAndAttributesAreHandled() throws IOException, ScenarioError {
        Path f = dir.resolve("crlf.md");
        Files.writeString(f, "\uFEFF---\r\ntitle: t\r\n---\r\n\r\n```console title=\"demo\"\r\n$ echo hi\r\nhi\r\n```\r\n");
        Scenario sc = ScenarioParser.parse(f);
        assertEquals("t", sc.title());
        assertTrue(ScenarioRunner.run(sc, new ScenarioRunner.Options(new SimKernelProvider(), null, false, null)).passed());
    }

    @Test
    void anUnknownCommandNamesItsLine() throws IOException, ScenarioError {
        assertEquals("x.md:4: unknown command 'frobnicate'",
                error("x.md", "# t\n\n```console\n$ frobnicate /dev/sda\n```\n"));
    }

    @Test
    void anUnclosedHereDocumentNamesTheCommandsLine() throws IOException, ScenarioError {
        assertEquals("x.md:2: syntax error: here-document ends without its delimiter 'EOF'",
                error("x.md", "```console\n$ sfdisk /dev/sda <<EOF\n> label: dos\n```\n"));
    }

    @Test
    void anUnknownFrontMatterKeyNamesItsLine() throws IOException, ScenarioError {
        assertEquals("x.md:3: unknown front-matter key 'colour' (known: title, kernel, partitions, modules, runs-on, seed)",
                error("x.md", "---\ntitle: t\ncolour: red\n---\n"));
    }

    @Test
    void badFrontMatterValuesNameTheirLine() throws IOException, ScenarioError {
        assertEquals("x.md:2: unknown kernel 'linux-5.4' (known: linux-6.18, linux-2.6.32)",
                error("x.md", "---\nkernel: linux-5.4\n---\n"));
        assertEquals("x.md:2: unknown partition parser 'bsd' (known: msdos, efi, none)",
                error("y.md", "---\npartitions: [bsd]\n---\n").replace("y.md", "x.md"));
        assertTrue(error("z.md", "---\ntitle: [unclosed\n---\n").startsWith("z.md:"));
        assertEquals("m.md:3: unknown module 'nbd' (known: loop)",
                error("m.md", "---\ntitle: t\nmodules: {nbd: \"nbds_max=4\"}\n---\n"));
        assertEquals("n.md:2: unknown parameter 'max_parts' of module loop (known: max_part, max_loop)",
                error("n.md", "---\nmodules: {loop: \"max_parts=4\"}\n---\n"));
        assertEquals("o.md:2: loop max_part must be 0..255: 300",
                error("o.md", "---\nmodules: {loop: \"max_part=300\"}\n---\n"));
        assertEquals("p.md:2: loop max_loop needs a whole number, as max_loop=15",
                error("p.md", "---\nmodules: {loop: \"max_loop=many\"}\n---\n"));
    }

    @Test
    void unclosedFrontMatterAndBlocksAreReported() throws IOException, ScenarioError {
        assertEquals("x.md:1: front matter is not closed: a line '---' is missing", error("x.md", "---\ntitle: t\n"));
        assertEquals("x.md:3: console block is not closed (a line '```' is missing)",
                error("x.md", "text\n\n```console\n$ echo hi\n"));
    }

    @Test
    void outputBeforeAnyCommandAndUnknownUsersAreReported() throws IOException, ScenarioError {
        assertEquals("x.md:2: output before any command (a line '$ COMMAND' is missing)",
                error("x.md", "```console\nhello\n$ echo hello\n```\n"));
        assertEquals("x.md:2: unknown user 'alice' (known: root, nobody)",
                error("x.md", "```console\n$ as alice echo hi\n```\n"));
    }

    @Test
    void aBadRegularExpressionNamesItsLine() throws IOException, ScenarioError {
        assertTrue(error("x.md", "```console\n$ echo hi\nh(i (re)\n```\n").startsWith("x.md:3: bad regular expression"));
    }

    @Test
    void aCommandThatWouldRunForeverIsStoppedWithFileAndLine() throws IOException, ScenarioError {
        Path f = dir.resolve("forever.md");
        Files.writeString(f, "```console\n$ cat /dev/zero > /dev/null\n```\n");
        ScenarioRunner.Result r = ScenarioRunner.run(ScenarioParser.parse(f),
                new ScenarioRunner.Options(new SimKernelProvider(), null, false, null, 10_000));
        assertEquals(f + ":2: cat: stopped after 10000 system calls: it would never finish", r.failures().getFirst());
    }

    @Test
    void aForegroundCommandThatCanNeverFinishIsADeadlockNotAHang() throws IOException, ScenarioError {
        Path f = dir.resolve("sleep.md");
        Files.writeString(f, "```console\n$ sleep infinity\ndeadlock: task 2 (sh) waits for sleep; task 3 (sleep) sleeps forever\n```\n");
        ScenarioRunner.Result r = ScenarioRunner.run(ScenarioParser.parse(f),
                new ScenarioRunner.Options(new SimKernelProvider(), null, false, null));
        assertTrue(r.passed(), String.valueOf(r.failures()));
    }

    @Test
    void theCommandLinePrintsErrorsWithoutAStackTrace() throws IOException, ScenarioError {
        Path f = dir.resolve("bad.md");
        Files.writeString(f, "```console\n$ nosuchtool\n```\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(out), new PrintWriter(err), "run", f.toString());
        assertEquals(1, status);
        assertEquals(f + ":2: unknown command 'nosuchtool'\n0 passed, 1 failed\n", out.toString());
        assertEquals("", err.toString());
        status = Main.execute(new PrintWriter(out), new PrintWriter(err), "run", dir.resolve("missing.md").toString());
        assertEquals(1, status);
        assertTrue(err.toString().contains("missing.md: No such file or directory"), err.toString());
        assertEquals(2, Main.execute(new PrintWriter(out), new PrintWriter(err), "run", "--kernel", "vm", f.toString()));
        assertTrue(err.toString().contains("blocksim: no kernel named 'vm' (available: linux, sim)"), err.toString());
    }

    /**
     * Output of any size: a 1 GiB disk read to the terminal is kept to {@code Terminal.LIMIT} bytes
     * with a count of the rest, NUL shows as {@code \\x00}, and the diff is bounded in lines and in
     * line length; two long outputs that share nothing are diffed without aligning them.
     */
    @Test
    void outputOfAnySizeIsBoundedEscapedAndCut() throws IOException, ScenarioError {
        Path f = dir.resolve("big.md");
        Files.writeString(f, "```console\n$ disk add sda 1GiB\n$ cat /dev/sda\n```\n");
        ScenarioRunner.Result r = ScenarioRunner.run(ScenarioParser.parse(f),
                new ScenarioRunner.Options(new SimKernelProvider(), null, false, null));
        String diff = r.failures().getFirst();
        assertTrue(diff.contains("+\\x00\\x00"), "NUL escaped");
        assertTrue(diff.contains("more characters not shown]"), "the long line cut");
        assertTrue(diff.contains("+[... " + ((1L << 30) - blocksim.userland.Io.Terminal.LIMIT) + " more bytes not shown]"),
                "what was not kept is counted");
        assertTrue(diff.length() < 10_000, "the report stays small: " + diff.length());
        java.util.List<String> a = new java.util.ArrayList<>();
        java.util.List<String> b = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            a.add("same " + i % 7);
            b.add("other " + i);
        }
        String big = UnifiedDiff.diff("x.md", 3, a, b);
        assertTrue(big.startsWith("--- x.md (expected)\n+++ x.md (actual)\n@@ -3,20000 +3,20000 @@\n-same 0\n"), big.substring(0, 80));
        assertTrue(big.endsWith("[... 39600 more lines of the diff not shown]\n"));
    }

    /** Usage errors are one line and a pointer to --help (status 2); --update that rewrote the file is a success. */
    @Test
    void usageErrorsAreShortAndUpdateSucceeds() throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(out), new PrintWriter(err), "run", "--bogus", "x.md"));
        assertEquals("blocksim: Unknown option: '--bogus'\nTry 'blocksim run --help' for more information.\n",
                err.toString());
        assertEquals("", out.toString(), "no usage text");
        StringWriter err2 = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err2)));
        assertEquals("blocksim: missing command (run, explore, kernels, cleanup)\nTry 'blocksim --help' for more information.\n",
                err2.toString());
        Path f = dir.resolve("u.md");
        Files.writeString(f, "```console\n$ echo new\nold\n```\n");
        StringWriter out3 = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(out3), new PrintWriter(new StringWriter()), "run", "--update", f.toString()));
        assertEquals("```console\n$ echo new\nnew\n```\n", Files.readString(f));
        assertTrue(out3.toString().endsWith("0 passed, 0 failed, 1 updated\n"), out3.toString());
        assertEquals(0, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "run", f.toString()));
    }

    /** For CI: --junit-xml (a suite per lesson, a case per command, the diff in the failure), -q, --fail-fast. */
    @Test
    void junitXmlQuietAndFailFast() throws Exception {
        Path good = dir.resolve("a.md");
        Files.writeString(good, "```console\n$ echo one\none\n$ echo two\ntwo\n```\n");
        Path bad = dir.resolve("b.md");
        Files.writeString(bad, "```console\n$ echo '<x> & y'\nnot this\n```\n");
        Path xml = dir.resolve("r.xml");
        StringWriter out = new StringWriter();
        assertEquals(1, Main.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "run", "-q",
                "--junit-xml", xml.toString(), good.toString(), bad.toString()));
        assertTrue(!out.toString().contains(": ok ("), "-q prints no ok lines: " + out);
        assertTrue(out.toString().endsWith("1 passed, 1 failed\n"), out.toString());
        org.w3c.dom.Document d = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(xml.toFile());
        org.w3c.dom.Element root = d.getDocumentElement();
        assertEquals("testsuites", root.getTagName());
        assertEquals("3", root.getAttribute("tests"));
        assertEquals("1", root.getAttribute("failures"));
        org.w3c.dom.NodeList cases = d.getElementsByTagName("testcase");
        assertEquals("2: $ echo one", ((org.w3c.dom.Element) cases.item(0)).getAttribute("name"));
        assertEquals("2: $ echo '<x> & y'", ((org.w3c.dom.Element) cases.item(2)).getAttribute("name"));
        assertTrue(d.getElementsByTagName("failure").item(0).getTextContent().contains("+<x> & y"));
        StringWriter out2 = new StringWriter();
        assertEquals(1, Main.execute(new PrintWriter(out2), new PrintWriter(new StringWriter()), "run", "--fail-fast",
                bad.toString(), good.toString()));
        assertTrue(out2.toString().endsWith("0 passed, 1 failed\n"), "stopped after the first failure: " + out2);
    }

    /** explore: the race lesson over seeds, in parallel and serially alike; its own seed passes; bad ranges are usage errors. */
    @Test
    void exploreListsTheFailingSeedsTheSameOnAnyNumberOfCores() {
        String lesson = "scenarios/10-initrd-vgscan-race.md";
        StringWriter par = new StringWriter();
        StringWriter ser = new StringWriter();
        int a = Main.execute(new PrintWriter(par), new PrintWriter(new StringWriter()), "explore", "-j", "4", "--seeds", "1..24", lesson);
        int b = Main.execute(new PrintWriter(ser), new PrintWriter(new StringWriter()), "explore", "-j", "1", "--seeds", "1..24", lesson);
        assertEquals(par.toString(), ser.toString());
        assertEquals(1, a, "some seed differs from the lesson's transcript");
        assertEquals(a, b);
        assertTrue(!par.toString().contains("seed 3: FAILED"), "seed 3 is the lesson's own: " + par);
        assertTrue(par.toString().contains("seed 5: FAILED at " + lesson + ":48: $ vgscan"), par.toString());
        assertTrue(par.toString().endsWith(" failed (replay one: blocksim run --seed 1 " + lesson + ")\n"), par.toString());
        assertEquals(0, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "explore",
                "--seeds", "3", lesson));
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "explore", "--seeds", "9..2", lesson));
        assertTrue(err.toString().startsWith("blocksim: --seeds: '9..2' is not a range"), err.toString());
    }

    /** A lesson of an era the chosen kernel is not: an ordinary error with file and line, not an internal one. */
    @Test
    void anEraTheKernelIsNotIsALessonError() throws IOException, ScenarioError {
        Path f = dir.resolve("e.md");
        Files.writeString(f, "---\ntitle: t\nkernel: linux-2.6.32\n---\n\n```console\n$ echo hi\nhi\n```\n");
        blocksim.KernelProvider oneEra = new blocksim.KernelProvider() {
            @Override
            public String name() {
                return "sim";
            }

            @Override
            public boolean available() {
                return true;
            }

            @Override
            public String unavailableReason() {
                return null;
            }

            @Override
            public Booted boot(blocksim.api.Profile profile, blocksim.api.KernelConfig config, long seed) {
                throw new IllegalArgumentException("the live kernel is linux-6.18, not " + profile.id());
            }
        };
        ScenarioError e = assertThrows(ScenarioError.class, () -> ScenarioRunner.run(ScenarioParser.parse(f),
                new ScenarioRunner.Options(oneEra, null, false, null)));
        assertEquals(f + ":3: the live kernel is linux-6.18, not linux-2.6.32", e.getMessage());
    }

    @Test
    void aMismatchPrintsFileLineAndAUnifiedDiff() throws IOException, ScenarioError {
        Path f = dir.resolve("m.md");
        Files.writeString(f, "```console\n$ echo hello\nhullo\n```\n");
        ScenarioRunner.Result r = ScenarioRunner.run(ScenarioParser.parse(f),
                new ScenarioRunner.Options(new SimKernelProvider(), null, false, null));
        assertEquals(f + ":2: output differs for: $ echo hello\n--- " + f + " (expected)\n+++ " + f + " (actual)\n"
                + "@@ -3,1 +3,1 @@\n-hullo\n+hello\n", r.failures().getFirst());
    }

    @Test
    void updateRewritesTheExpectedOutputInPlace() throws IOException, ScenarioError {
        Path f = dir.resolve("u.md");
        Files.writeString(f, "```console\n$ echo hello\nhullo\n$ false\n$ echo same\nsame\n```\n");
        ScenarioRunner.run(ScenarioParser.parse(f), new ScenarioRunner.Options(new SimKernelProvider(), null, true, null));
        assertEquals("```console\n$ echo hello\nhello\n$ false\n[1]\n$ echo same\nsame\n```\n", Files.readString(f));
        assertTrue(ScenarioRunner.run(ScenarioParser.parse(f),
                new ScenarioRunner.Options(new SimKernelProvider(), null, false, null)).passed());
    }

    @Test
    void regularExpressionAndGlobLinesMatch() throws IOException, ScenarioError {
        Path f = dir.resolve("re.md");
        Files.writeString(f, "```console\n$ echo 512 bytes copied, 0.001 s\n[0-9]+ bytes copied, .* s (re)\n"
                + "$ echo abc.def\na?c.* (glob)\n```\n");
        assertTrue(ScenarioRunner.run(ScenarioParser.parse(f),
                new ScenarioRunner.Options(new SimKernelProvider(), null, false, null)).passed());
    }
}
