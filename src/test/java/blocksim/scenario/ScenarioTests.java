package blocksim.scenario;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import blocksim.SimKernelProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every lesson in scenarios/ runs on the model and every expectation holds: one test per file. */
class ScenarioTests {

    static List<Path> lessons() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("scenarios"))) {
            return s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyLessonPassesOnTheModel() throws IOException {
        List<Path> lessons = lessons();
        assertFalse(lessons.isEmpty(), "scenarios/ holds lessons");
        return lessons.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Scenario sc = ScenarioParser.parse(p);
            ScenarioRunner.Result r = ScenarioRunner.run(sc,
                    new ScenarioRunner.Options(new SimKernelProvider(), null, false, null));
            assertTrue(!r.skipped(), p + " runs on the model");
            if (!r.passed()) {
                fail(String.join("\n", r.failures()));
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyLessonMarkedForLinuxPassesOnTheLiveKernel() throws IOException {
        blocksim.KernelProvider linux = blocksim.KernelProvider.byName("linux").orElseThrow();
        List<Path> lessons = lessons();
        return lessons.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Scenario sc = ScenarioParser.parse(p);
            org.junit.jupiter.api.Assumptions.assumeTrue(sc.runsOn().contains("linux"), p + " is for the model only");
            org.junit.jupiter.api.Assumptions.assumeTrue(linux.available(),
                    () -> "live-kernel scenario skipped: " + linux.unavailableReason());
            ScenarioRunner.Result r = ScenarioRunner.run(sc, new ScenarioRunner.Options(linux, null, false, null));
            if (!r.passed()) {
                fail(String.join("\n", r.failures()));
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyLessonGivesTheSameOutputTwice() throws IOException {
        return lessons().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Scenario sc = ScenarioParser.parse(p);
            List<String> first = transcript(sc);
            List<String> second = transcript(sc);
            if (!first.equals(second)) {
                fail("two runs of " + p + " differ:\n" + first + "\n" + second);
            }
        }));
    }

    /** Everything a run printed, trace included, for comparing runs. */
    static List<String> transcript(Scenario sc) throws ScenarioError {
        List<String> trace = new java.util.ArrayList<>();
        ScenarioRunner.Result r = ScenarioRunner.run(sc,
                new ScenarioRunner.Options(new SimKernelProvider(), null, false, trace::add));
        trace.addAll(r.failures());
        return trace;
    }
}
