package blocksim.userland;

import java.util.ArrayList;
import java.util.List;

/**
 * The parsed form of a command line: the subset of sh that transcripts use. A {@link Script} is a
 * list of and-or lists, each run in the foreground or (ending in {@code &}) as a background job.
 */
public final class ShellSyntax {

    private ShellSyntax() {
    }

    /** A whole command line. */
    public record Script(List<Job> jobs) {
    }

    /** An and-or list and whether it runs in the background; {@code text} is how it was written. */
    public record Job(AndOr body, boolean background, String text) {
    }

    /** Pipelines joined by {@code &&} / {@code ||}: {@code ops.get(i)} joins pipeline i and i+1. */
    public record AndOr(List<Pipeline> pipelines, List<String> ops) {
    }

    /** Commands joined by {@code |}. */
    public record Pipeline(List<Simple> commands) {
    }

    /** One command: its words, its redirections in order, and the user it runs as (null for root). */
    public record Simple(List<String> words, List<Redirect> redirects, String asUser) {
        public String name() {
            return words.getFirst();
        }

        public List<String> args() {
            return words.subList(1, words.size());
        }
    }

    /** Redirection kinds. */
    public enum RedirKind {
        /** {@code n< file}. */
        IN,
        /** {@code n> file}. */
        OUT,
        /** {@code n>> file}. */
        APPEND,
        /** {@code n>&m}. */
        DUP,
        /** {@code <<DELIM}: {@code target} holds the body. */
        HEREDOC
    }

    /** A redirection of descriptor {@code fd}. */
    public record Redirect(int fd, RedirKind kind, String target) {
    }

    /** A syntax error, with the 0-based line (within the command's text) where it was found. */
    public static final class SyntaxError extends Exception {
        private final int line;

        public SyntaxError(String message, int line) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    /** Splits a command's text (first line plus continuation lines) into jobs. */
    public static Script parse(String text) throws SyntaxError {
        return new Parser(text).script();
    }

    private static final class Parser {
        private final String s;
        private int pos;
        private int line;
        /** Heredocs whose bodies start at the next newline. */
        private final List<int[]> pendingHeredocs = new ArrayList<>();
        private final List<String[]> heredocDelims = new ArrayList<>();
        private final List<List<Redirect>> heredocOwners = new ArrayList<>();

        Parser(String s) {
            this.s = s;
        }

        Script script() throws SyntaxError {
            List<Job> jobs = new ArrayList<>();
            while (true) {
                skipBlanksAndNewlines();
                if (pos >= s.length()) {
                    break;
                }
                int start = pos;
                AndOr body = andOr();
                int end = pos;
                boolean bg = false;
                skipBlanks();
                if (peek("&&") || peek("||")) {
                    throw error("unexpected '" + s.substring(pos, pos + 2) + "'");
                }
                if (peek("&")) {
                    bg = true;
                    pos++;
                } else if (peek(";")) {
                    pos++;
                } else if (pos < s.length() && s.charAt(pos) != '\n') {
                    throw error("unexpected '" + s.charAt(pos) + "'");
                }
                jobs.add(new Job(body, bg, s.substring(start, end).strip()));
                readHeredocBodies();
            }
            if (!pendingHeredocs.isEmpty()) {
                throw new SyntaxError("here-document ends without its delimiter '" + heredocDelims.getFirst()[0] + "'",
                        pendingHeredocs.getFirst()[1]);
            }
            return new Script(jobs);
        }

        AndOr andOr() throws SyntaxError {
            List<Pipeline> ps = new ArrayList<>();
            List<String> ops = new ArrayList<>();
            ps.add(pipeline());
            while (true) {
                skipBlanks();
                if (peek("&&") || peek("||")) {
                    ops.add(s.substring(pos, pos + 2));
                    pos += 2;
                    skipBlanksAndNewlines();
                    ps.add(pipeline());
                } else {
                    return new AndOr(ps, ops);
                }
            }
        }

        Pipeline pipeline() throws SyntaxError {
            List<Simple> cmds = new ArrayList<>();
            cmds.add(simple());
            while (true) {
                skipBlanks();
                if (peek("|") && !peek("||")) {
                    pos++;
                    skipBlanksAndNewlines();
                    cmds.add(simple());
                } else {
                    return new Pipeline(cmds);
                }
            }
        }

        Simple simple() throws SyntaxError {
            List<String> words = new ArrayList<>();
            List<Redirect> redirs = new ArrayList<>();
            String asUser = null;
            while (true) {
                skipBlanks();
                if (pos >= s.length() || "\n;&|".indexOf(s.charAt(pos)) >= 0) {
                    break;
                }
                if (s.charAt(pos) == '#' && words.isEmpty() && redirs.isEmpty()) {
                    skipComment();
                    break;
                }
                if (s.charAt(pos) == '#') {
                    skipComment();
                    break;
                }
                Redirect r = redirect(redirs);
                if (r != null) {
                    redirs.add(r);
                    continue;
                }
                String w = word();
                if (words.isEmpty() && asUser == null && redirs.isEmpty() && w.equals("as")) {
                    skipBlanks();
                    String user = word();
                    if (user.isEmpty()) {
                        throw error("'as' needs a user name");
                    }
                    asUser = user;
                    continue;
                }
                words.add(w);
            }
            if (words.isEmpty()) {
                throw error(pos >= s.length() ? "a command is missing" : "a command is missing before '" + s.charAt(pos) + "'");
            }
            // redirs stays the parser's own list: here-document bodies are filled in after the line ends
            return new Simple(List.copyOf(words), java.util.Collections.unmodifiableList(redirs), asUser);
        }

        Redirect redirect(List<Redirect> owner) throws SyntaxError {
            int save = pos;
            int fd = -1;
            int p = pos;
            while (p < s.length() && Character.isDigit(s.charAt(p))) {
                p++;
            }
            if (p < s.length() && (s.charAt(p) == '<' || s.charAt(p) == '>') && p > pos) {
                fd = Integer.parseInt(s.substring(pos, p));
                pos = p;
            }
            if (peek("<<")) {
                pos += 2;
                boolean strip = false;
                if (peek("-")) {
                    strip = true;
                    pos++;
                }
                skipBlanks();
                String delim = word();
                if (delim.isEmpty()) {
                    throw error("'<<' needs a delimiter");
                }
                Redirect r = new Redirect(fd < 0 ? 0 : fd, RedirKind.HEREDOC, null);
                pendingHeredocs.add(new int[] {strip ? 1 : 0, line});
                heredocDelims.add(new String[] {delim});
                heredocOwners.add(owner);
                return r;
            }
            RedirKind kind;
            if (peek(">>")) {
                kind = RedirKind.APPEND;
                pos += 2;
            } else if (peek(">&") || peek("<&")) {
                kind = RedirKind.DUP;
                pos += 2;
            } else if (peek(">")) {
                kind = RedirKind.OUT;
                pos++;
            } else if (peek("<")) {
                kind = RedirKind.IN;
                pos++;
            } else {
                pos = save;
                return null;
            }
            skipBlanks();
            String target = word();
            if (target.isEmpty()) {
                throw error("a redirection needs a target");
            }
            if (kind == RedirKind.DUP && !target.matches("[0-9]+")) {
                throw error("'>&' needs a descriptor number");
            }
            int defFd = kind == RedirKind.IN ? 0 : 1;
            return new Redirect(fd < 0 ? defFd : fd, kind, target);
        }

        /** After a newline, the bodies of pending heredocs follow, each ended by its delimiter. */
        void readHeredocBodies() throws SyntaxError {
            if (pendingHeredocs.isEmpty()) {
                return;
            }
            if (pos < s.length() && s.charAt(pos) != '\n') {
                return;
            }
            for (int i = 0; i < pendingHeredocs.size(); i++) {
                boolean strip = pendingHeredocs.get(i)[0] == 1;
                String delim = heredocDelims.get(i)[0];
                StringBuilder body = new StringBuilder();
                boolean closed = false;
                while (pos < s.length()) {
                    pos++;
                    line++;
                    int eol = s.indexOf('\n', pos);
                    if (eol < 0) {
                        eol = s.length();
                    }
                    String l = s.substring(pos, eol);
                    pos = eol;
                    if (strip) {
                        l = l.replaceFirst("^\t+", "");
                    }
                    if (l.equals(delim)) {
                        closed = true;
                        break;
                    }
                    body.append(l).append('\n');
                }
                if (!closed) {
                    throw new SyntaxError("here-document ends without its delimiter '" + delim + "'",
                            pendingHeredocs.get(i)[1]);
                }
                List<Redirect> owner = heredocOwners.get(i);
                for (int k = 0; k < owner.size(); k++) {
                    Redirect r = owner.get(k);
                    if (r.kind() == RedirKind.HEREDOC && r.target() == null) {
                        owner.set(k, new Redirect(r.fd(), r.kind(), body.toString()));
                        break;
                    }
                }
            }
            pendingHeredocs.clear();
            heredocDelims.clear();
            heredocOwners.clear();
        }

        String word() throws SyntaxError {
            StringBuilder w = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>') {
                    break;
                }
                if (c == '\\') {
                    if (pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                        pos += 2;
                        line++;
                        continue;
                    }
                    if (pos + 1 < s.length()) {
                        w.append(s.charAt(pos + 1));
                    }
                    pos += 2;
                } else if (c == '\'') {
                    int end = s.indexOf('\'', pos + 1);
                    if (end < 0) {
                        throw error("unterminated quote (')");
                    }
                    line += count(s.substring(pos, end));
                    w.append(s, pos + 1, end);
                    pos = end + 1;
                } else if (c == '"') {
                    pos++;
                    boolean closed = false;
                    while (pos < s.length()) {
                        char d = s.charAt(pos);
                        if (d == '"') {
                            closed = true;
                            pos++;
                            break;
                        }
                        if (d == '\\' && pos + 1 < s.length() && "\"\\$`".indexOf(s.charAt(pos + 1)) >= 0) {
                            w.append(s.charAt(pos + 1));
                            pos += 2;
                            continue;
                        }
                        if (d == '\n') {
                            line++;
                        }
                        w.append(d);
                        pos++;
                    }
                    if (!closed) {
                        throw error("unterminated quote (\")");
                    }
                } else {
                    w.append(c);
                    pos++;
                }
            }
            return w.toString();
        }

        void skipComment() {
            while (pos < s.length() && s.charAt(pos) != '\n') {
                pos++;
            }
        }

        void skipBlanks() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t') {
                    pos++;
                } else if (c == '\\' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                    pos += 2;
                    line++;
                } else {
                    break;
                }
            }
        }

        void skipBlanksAndNewlines() throws SyntaxError {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t') {
                    pos++;
                } else if (c == '\n') {
                    readHeredocBodies();
                    if (pos < s.length() && s.charAt(pos) == '\n') {
                        pos++;
                        line++;
                    }
                } else if (c == '#') {
                    skipComment();
                } else {
                    break;
                }
            }
        }

        boolean peek(String t) {
            return s.startsWith(t, pos);
        }

        SyntaxError error(String msg) {
            return new SyntaxError(msg, line);
        }

        private static int count(String t) {
            return (int) t.chars().filter(ch -> ch == '\n').count();
        }
    }
}
