package blocksim.userland;

import blocksim.api.Scheduling;
import java.util.List;

/** The shell builtins that act on jobs ({@code jobs}, {@code wait}, {@code kill}) and {@code sleep}. */
public final class JobTools {

    private JobTools() {
    }

    /** {@code jobs}: {@code [N] STATE  COMMAND} per job. */
    public static int jobs(Proc p) {
        for (String line : p.shell().jobsListing()) {
            p.out().println(line);
        }
        return 0;
    }

    /** {@code wait [%N]}. */
    public static int waitJob(Proc p) {
        List<String> args = p.args();
        if (args.isEmpty()) {
            return p.shell().waitFor(null, p.out());
        }
        Integer id = jobId(args.getFirst());
        int status = id == null ? -1 : p.shell().waitFor(id, p.out());
        if (status < 0) {
            p.err().println("sh: wait: " + args.getFirst() + ": no such job");
            return 127;
        }
        return status;
    }

    /** {@code kill %N...}. */
    public static int kill(Proc p) {
        if (p.args().isEmpty()) {
            p.err().println("sh: kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ...");
            return 2;
        }
        int status = 0;
        for (String a : p.args()) {
            if (a.matches("-[A-Z0-9]+")) {
                continue;
            }
            Integer id = jobId(a);
            if (id == null || !p.shell().kill(id)) {
                p.err().println("sh: kill: " + a + ": no such job");
                status = 1;
            }
        }
        return status;
    }

    private static Integer jobId(String spec) {
        if (spec.matches("%[0-9]+")) {
            return Integer.parseInt(spec.substring(1));
        }
        return null;
    }

    /**
     * {@code sleep NUMBER[SUFFIX]...}: GNU coreutils' syntax (s, m, h, d; several operands add up;
     * {@code infinity}), plus {@code ms} as a blocksim extension for the model's fine-grained timing.
     */
    public static int sleep(Proc p) {
        if (p.args().isEmpty()) {
            p.error("missing operand");
            return p.tryHelp();
        }
        long total = 0;
        for (String a : p.args()) {
            long n = parseDuration(a);
            if (n < 0) {
                p.error("invalid time interval '" + a + "'");
                return p.tryHelp();
            }
            total = n == Scheduling.FOREVER || total == Scheduling.FOREVER ? Scheduling.FOREVER : total + n;
        }
        p.sleep(total);
        return 0;
    }

    /** Nanoseconds for a sleep operand, {@link Scheduling#FOREVER} for infinity, -1 if invalid. */
    public static long parseDuration(String a) {
        return blocksim.api.Durations.parse(a);
    }
}
