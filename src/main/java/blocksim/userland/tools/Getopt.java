package blocksim.userland.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * glibc's getopt_long() as util-linux tools use it: short options from an optstring
 * ("ab:c"), long options with unique-prefix abbreviations, arguments attached or separate,
 * operands permuted to the end, "--" ending the options, and glibc's error messages.
 */
final class Getopt {

    /** A long option: its name, whether it takes an argument (0 no, 1 required, 2 optional), its key. */
    record LongOpt(String name, int hasArg, int key) {
    }

    /** One parsed option: its key (the short letter or the long option's key) and argument. */
    record Opt(int key, String arg, String longName) {
    }

    /** Thrown for a bad option after its message has been formed. */
    static final class Bad extends Exception {
        Bad(String message) {
            super(message, null, false, false);
        }
    }

    private final String prog;
    private final String shortOpts;
    private final List<LongOpt> longOpts;
    final List<Opt> opts = new ArrayList<>();
    final List<String> operands = new ArrayList<>();

    Getopt(String prog, String shortOpts, List<LongOpt> longOpts) {
        this.prog = prog;
        this.shortOpts = shortOpts;
        this.longOpts = longOpts;
    }

    /** The message getopt printed for a bad option, or null; parsing stopped there. */
    String error;

    /**
     * Parses {@code args} up to the first bad option, whose message goes to {@link #error}: the
     * caller handles the options before it first, as a getopt loop would.
     */
    Getopt parse(List<String> args) {
        try {
            parseOrThrow(args);
        } catch (Bad e) {
            error = e.getMessage();
        }
        return this;
    }

    private void parseOrThrow(List<String> args) throws Bad {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                operands.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (a.startsWith("--")) {
                String body = a.substring(2);
                int eq = body.indexOf('=');
                String name = eq >= 0 ? body.substring(0, eq) : body;
                LongOpt match = null;
                List<LongOpt> candidates = new ArrayList<>();
                for (LongOpt lo : longOpts) {
                    if (lo.name.equals(name)) {
                        match = lo;
                        break;
                    }
                    if (lo.name.startsWith(name)) {
                        candidates.add(lo);
                    }
                }
                if (match == null) {
                    if (candidates.size() == 1) {
                        match = candidates.getFirst();
                    } else if (candidates.size() > 1) {
                        boolean same = true;
                        for (LongOpt c : candidates) {
                            same &= c.key == candidates.getFirst().key && c.hasArg == candidates.getFirst().hasArg;
                        }
                        if (same) {
                            match = candidates.getFirst();
                        } else {
                            StringBuilder m = new StringBuilder(prog + ": option '--" + name + "' is ambiguous; possibilities:");
                            for (LongOpt c : candidates) {
                                m.append(" '--").append(c.name).append('\'');
                            }
                            throw new Bad(m.toString());
                        }
                    }
                }
                if (match == null) {
                    throw new Bad(prog + ": unrecognized option '" + a + "'");
                }
                String arg = null;
                if (match.hasArg == 0) {
                    if (eq >= 0) {
                        throw new Bad(prog + ": option '--" + match.name + "' doesn't allow an argument");
                    }
                } else if (eq >= 0) {
                    arg = body.substring(eq + 1);
                } else if (match.hasArg == 1) {
                    if (i + 1 >= args.size()) {
                        throw new Bad(prog + ": option '--" + match.name + "' requires an argument");
                    }
                    arg = args.get(++i);
                }
                opts.add(new Opt(match.key, arg, match.name));
                continue;
            }
            if (a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    char c = a.charAt(k);
                    int idx = c == ':' ? -1 : shortOpts.indexOf(c);
                    if (idx < 0) {
                        throw new Bad(prog + ": invalid option -- '" + c + "'");
                    }
                    boolean takes = idx + 1 < shortOpts.length() && shortOpts.charAt(idx + 1) == ':';
                    if (!takes) {
                        opts.add(new Opt(c, null, null));
                        continue;
                    }
                    String arg;
                    if (k + 1 < a.length()) {
                        arg = a.substring(k + 1);
                    } else if (i + 1 < args.size()) {
                        arg = args.get(++i);
                    } else {
                        throw new Bad(prog + ": option requires an argument -- '" + c + "'");
                    }
                    opts.add(new Opt(c, arg, null));
                    break;
                }
                continue;
            }
            operands.add(a);
        }
    }
}
