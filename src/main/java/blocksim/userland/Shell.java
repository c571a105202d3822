package blocksim.userland;

import blocksim.api.Credentials;
import blocksim.api.Scheduling;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.OpenFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs parsed command lines as sh does, with every process a task of the kernel's scheduler:
 * and-or lists, pipelines whose members run side by side through {@link Io.Pipe}s, redirections
 * through the kernel (so {@code < /dev/sda1} holds the device open for as long as the command runs),
 * here-documents, {@code as USER}, and background jobs with {@code jobs}, {@code wait} and
 * {@code kill}. A background job's output is kept until it is waited for.
 */
public final class Shell {

    /** The exit status of a command line, or the deadlock that stopped it. */
    public record Outcome(int status, String deadlock, String error) {
    }

    /** A background job. */
    final class Job {
        final int id;
        final String text;
        final Io.Terminal output = new Io.Terminal();
        final List<Scheduling.TaskThread> threads = new ArrayList<>();
        final Scheduling.Completion finished;
        Scheduling.TaskThread interpreter;
        int status;
        boolean done;
        boolean killed;

        Job(int id, String text) {
            this.id = id;
            this.text = text;
            this.finished = scheduler.completion("job " + id + " (" + text + ")");
        }

        void finish(int st) {
            status = killed ? 143 : st;
            done = true;
            finished.completeAll();
        }

        /** {@code blocked}, {@code sleeping}, {@code running}, {@code done} or {@code exit K}. */
        String state() {
            if (done) {
                return status == 0 ? "done" : "exit " + status;
            }
            boolean sleeping = false;
            for (Scheduling.TaskThread t : threads) {
                if (t.state() == Scheduling.State.PARKED) {
                    return "blocked";
                }
                sleeping |= t.state() == Scheduling.State.SLEEPING;
            }
            return sleeping ? "sleeping" : "running";
        }
    }

    /** The users {@code as USER} knows. */
    public static final Map<String, Credentials> USERS = Map.of("root", Credentials.ROOT, "nobody", Credentials.NOBODY);

    private final TracingKernel kernel;
    private final Scheduling scheduler;
    private final Map<String, Tool> tools;
    private final Io.Terminal terminal;
    private final Task sh;
    private final TreeMap<Integer, Job> jobs = new TreeMap<>();
    private String runaway;

    /** The machine the shell's processes run on (the traced kernel's, untraced). */
    blocksim.api.Machine machine() {
        return kernel;
    }

    public Shell(TracingKernel kernel, Scheduling scheduler, Map<String, Tool> tools, Io.Terminal terminal) {
        this.kernel = kernel;
        this.scheduler = scheduler;
        this.tools = tools;
        this.terminal = terminal;
        this.sh = kernel.spawn("sh", Credentials.ROOT);
    }

    /** The command names a script uses that no tool answers to. */
    public List<String> unknownCommands(ShellSyntax.Script script) {
        List<String> unknown = new ArrayList<>();
        for (ShellSyntax.Job j : script.jobs()) {
            for (ShellSyntax.Pipeline p : j.body().pipelines()) {
                for (ShellSyntax.Simple c : p.commands()) {
                    if (!tools.containsKey(c.name()) && !unknown.contains(c.name())) {
                        unknown.add(c.name());
                    }
                }
            }
        }
        return unknown;
    }

    /** The users a script runs as that {@code as} does not know. */
    public static List<String> unknownUsers(ShellSyntax.Script script) {
        List<String> unknown = new ArrayList<>();
        for (ShellSyntax.Job j : script.jobs()) {
            for (ShellSyntax.Pipeline p : j.body().pipelines()) {
                for (ShellSyntax.Simple c : p.commands()) {
                    if (c.asUser() != null && !USERS.containsKey(c.asUser())) {
                        unknown.add(c.asUser());
                    }
                }
            }
        }
        return unknown;
    }

    /** Runs a command line: foreground jobs to completion, background ones as far as they can go. */
    public Outcome run(ShellSyntax.Script script) {
        int status = 0;
        for (ShellSyntax.Job j : script.jobs()) {
            kernel.resetBudget();
            runaway = null;
            if (j.background()) {
                startJob(j);
                scheduler.runRunnable();
                status = 0;
                continue;
            }
            int[] result = {0};
            Scheduling.TaskThread t = scheduler.spawn(sh, "sh", () -> result[0] = runAndOr(j.body(), terminal, null));
            String deadlock = scheduler.runUntil(t::done);
            if (deadlock != null) {
                scheduler.kill(t);
                return new Outcome(1, "deadlock: " + deadlock, null);
            }
            if (runaway != null) {
                return new Outcome(1, null, runaway);
            }
            if (t.failure() != null) {
                return new Outcome(1, null, "internal error: " + t.failure());
            }
            status = result[0];
            scheduler.runRunnable();
        }
        return new Outcome(status, null, null);
    }

    private void startJob(ShellSyntax.Job j) {
        int id = jobs.isEmpty() ? 1 : jobs.lastKey() + 1;
        Job job = new Job(id, j.text());
        jobs.put(id, job);
        job.interpreter = scheduler.spawn(sh, "sh", () -> {
            int st = 1;
            try {
                st = runAndOr(j.body(), job.output, job);
            } finally {
                job.finish(st);
            }
        });
    }

    /** Kills every job still running (the end of a transcript). */
    public void shutdown() {
        for (Job job : jobs.values()) {
            killJob(job);
        }
        scheduler.shutdown();
    }

    private void killJob(Job job) {
        job.killed = true;
        for (Scheduling.TaskThread t : new ArrayList<>(job.threads)) {
            scheduler.kill(t);
        }
        scheduler.kill(job.interpreter);
    }

    private int runAndOr(ShellSyntax.AndOr body, Io.Output screen, Job job) {
        int status = runPipeline(body.pipelines().getFirst(), screen, job);
        for (int i = 0; i < body.ops().size(); i++) {
            boolean and = body.ops().get(i).equals("&&");
            if (and == (status == 0)) {
                status = runPipeline(body.pipelines().get(i + 1), screen, job);
            }
        }
        return status;
    }

    private int runPipeline(ShellSyntax.Pipeline p, Io.Output screen, Job job) {
        List<ShellSyntax.Simple> cmds = p.commands();
        List<Scheduling.TaskThread> members = new ArrayList<>();
        int[] statuses = new int[cmds.size()];
        Scheduling.TaskThread me = scheduler.current();
        int[] remaining = {cmds.size()};
        Io.Input nextIn = null;
        for (int i = 0; i < cmds.size(); i++) {
            ShellSyntax.Simple c = cmds.get(i);
            Io.Pipe pipe = i + 1 < cmds.size() ? new Io.Pipe(scheduler) : null;
            Io.Input in = nextIn;
            Io.Output out = pipe != null ? pipe.writer : null;
            int index = i;
            Credentials creds = c.asUser() == null ? Credentials.ROOT : USERS.get(c.asUser());
            Task task = kernel.spawn(c.name(), creds);
            Scheduling.TaskThread t = scheduler.spawn(task, c.name(), () -> {
                try {
                    statuses[index] = runSimple(c, task, in, out, screen, job);
                } finally {
                    if (--remaining[0] == 0) {
                        scheduler.unpark(me);
                    }
                }
            });
            members.add(t);
            if (job != null) {
                job.threads.add(t);
            }
            nextIn = pipe != null ? pipe.reader : null;
        }
        while (remaining[0] > 0) {
            scheduler.park("waits for " + String.join(" | ", cmds.stream().map(ShellSyntax.Simple::name).toList()));
        }
        if (job != null) {
            job.threads.removeAll(members);
        }
        return statuses[statuses.length - 1];
    }

    /** Runs one command in its own task: redirections, the tool, then every descriptor closed. */
    private int runSimple(ShellSyntax.Simple c, Task task, Io.Input pipeIn, Io.Output pipeOut, Io.Output screen, Job job) {
        Io.Input in = pipeIn != null ? pipeIn : Io.EMPTY;
        Io.Output out = pipeOut != null ? pipeOut : screen;
        Io.Output err = screen;
        List<Io.KernelFile> opened = new ArrayList<>();
        Stdio stdout = null;
        try {
            for (ShellSyntax.Redirect r : c.redirects()) {
                switch (r.kind()) {
                    case HEREDOC -> in = new Io.Bytes(r.target());
                    case DUP -> {
                        Io.Output target = r.target().equals("1") ? out : r.target().equals("2") ? err : null;
                        if (target == null) {
                            new Stdio(err, Stdio.Buffering.NONE).println("sh: " + r.target() + ": Bad file descriptor");
                            return 1;
                        }
                        if (r.fd() == 1) {
                            out = target;
                        } else if (r.fd() == 2) {
                            err = target;
                        }
                    }
                    default -> {
                        int flags = switch (r.kind()) {
                            case IN -> OpenFlags.O_RDONLY;
                            case OUT -> OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC;
                            default -> OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_APPEND;
                        };
                        SysResult res = kernel.open(task, r.target(), flags);
                        if (res.isError()) {
                            new Stdio(err, Stdio.Buffering.NONE).println("sh: " + r.target() + ": " + res.errno().strerror());
                            return 1;
                        }
                        Io.KernelFile f = new Io.KernelFile(kernel, task, res.intValue());
                        opened.add(f);
                        if (r.fd() == 0) {
                            in = f;
                        } else if (r.fd() == 1) {
                            out = f;
                        } else if (r.fd() == 2) {
                            err = f;
                        }
                    }
                }
            }
            stdout = new Stdio(out, Stdio.Buffering.FULL);
            Stdio stderr = new Stdio(err, Stdio.Buffering.NONE);
            Proc p = new Proc(kernel, task, scheduler, c.words(), in, stdout, stderr, this);
            int status;
            try {
                status = tools.get(c.name()).run(p);
                stdout.flush();
            } catch (Stdio.BrokenPipe e) {
                status = 141;
            } catch (TracingKernel.Runaway e) {
                runaway = c.name() + ": " + e.getMessage();
                status = 1;
            } catch (blocksim.api.Oops e) {
                // the kernel killed it with SIGSEGV; the shell says so
                stdout.flush();
                new Stdio(screen, Stdio.Buffering.NONE).println("Segmentation fault");
                status = 139;
            }
            return status;
        } finally {
            if (pipeOut != null) {
                pipeOut.close();
            }
            if (pipeIn != null) {
                pipeIn.close();
            }
            for (Io.KernelFile f : opened) {
                f.close();
            }
            kernel.exit(task);
        }
    }

    // ---- job control builtins (used by the jobs, wait and kill tools) ----

    /** {@code jobs}: one line per job; finished jobs are reported once, then forgotten. */
    List<String> jobsListing() {
        List<String> lines = new ArrayList<>();
        for (Job job : new ArrayList<>(jobs.values())) {
            lines.add("[" + job.id + "] " + job.state() + "  " + job.text);
            if (job.done) {
                jobs.remove(job.id);
            }
        }
        return lines;
    }

    /**
     * {@code wait [%N]}: parks the caller until the job (or every job) has finished, then prints
     * its output. Returns the job's status, or -1 if there is no such job.
     */
    int waitFor(Integer id, Stdio out) {
        List<Job> targets = new ArrayList<>();
        if (id == null) {
            targets.addAll(jobs.values());
        } else if (jobs.containsKey(id)) {
            targets.add(jobs.get(id));
        } else {
            return -1;
        }
        int status = 0;
        for (Job job : targets) {
            job.finished.waitFor();
            out.flush();
            job.output.drainTo(new Io.Output() {
                @Override
                public int write(byte[] b, int off, int len) {
                    out.write(b, off, len);
                    return len;
                }
            });
            out.flush();
            jobs.remove(job.id);
            status = job.status;
        }
        return id == null ? 0 : status;
    }

    /** {@code kill %N}: ends the job's processes (their files are closed). False if no such job. */
    boolean kill(int id) {
        Job job = jobs.get(id);
        if (job == null) {
            return false;
        }
        if (!job.done) {
            killJob(job);
            job.finished.waitFor();
        }
        return true;
    }

    /** The job numbers in use. */
    Set<Integer> jobIds() {
        return jobs.keySet();
    }


}
