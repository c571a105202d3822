package blocksim.scenario;

import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import java.nio.file.Path;
import java.util.List;

/**
 * A parsed lesson: its front matter and its commands in order. Lines are 1-based lines of the
 * file, so messages and diffs point at the text the author wrote.
 */
public record Scenario(Path path, String title, Profile profile, KernelConfig config, List<String> runsOn, long seed,
                       List<String> lines, List<Command> commands) {

    /**
     * One {@code $} command: its text (first line plus {@code >} continuation lines), the line it
     * starts on, its expected output lines (first at {@code expectedLine}), and the exit status the
     * {@code [N]} line expects.
     */
    public record Command(String text, int line, int expectedLine, List<String> expected, int status) {
        /** The lines this command occupies after its {@code $} and {@code >} lines, [N] included. */
        public int expectedLineCount() {
            return expected.size() + (status != 0 ? 1 : 0);
        }
    }
}
