package blocksim.scenario;

/** A scenario file that cannot be run as written: the message names the file and line. */
public final class ScenarioError extends Exception {

    public ScenarioError(String file, int line, String message) {
        super(file + ":" + line + ": " + message);
    }
}
