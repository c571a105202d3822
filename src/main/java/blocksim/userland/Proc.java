package blocksim.userland;

import blocksim.api.Kernel;
import blocksim.api.Errno;
import blocksim.api.Scheduling;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.OpenFlags;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A running tool: its task (the identity its system calls carry), its arguments and its three
 * standard streams. Tools make every system call through {@link #kernel()} on behalf of
 * {@link #task()}.
 */
public final class Proc {

    private final Kernel kernel;
    private final Task task;
    private final Scheduling scheduler;
    private final List<String> argv;
    private final Io.Input in;
    private final Stdio out;
    private final Stdio err;
    private final Shell shell;

    Proc(Kernel kernel, Task task, Scheduling scheduler, List<String> argv, Io.Input in, Stdio out, Stdio err,
         Shell shell) {
        this.kernel = kernel;
        this.task = task;
        this.scheduler = scheduler;
        this.argv = argv;
        this.in = in;
        this.out = out;
        this.err = err;
        this.shell = shell;
    }

    /**
     * The machine this process runs on, for the tools that stand for what no system call does
     * ({@code disk}, {@code insmod}, {@code rmmod}, {@code udevadm}, {@code dmesg}).
     */
    public blocksim.api.Machine machine() {
        return shell.machine();
    }

    public Kernel kernel() {
        return kernel;
    }

    public Task task() {
        return task;
    }

    /** The command name ({@code argv[0]}), which tools put before their messages. */
    public String name() {
        return argv.getFirst();
    }

    /** The arguments after the command name. */
    public List<String> args() {
        return argv.subList(1, argv.size());
    }

    public Io.Input in() {
        return in;
    }

    public Stdio out() {
        return out;
    }

    public Stdio err() {
        return err;
    }

    Shell shell() {
        return shell;
    }

    /** Sleeps for {@code nanos} of the kernel's time ({@link Scheduling#FOREVER} for ever). */
    public void sleep(long nanos) {
        scheduler.sleep(nanos);
    }

    /**
     * A random source for this process (disk identifiers, GUIDs), derived from the run's seed and
     * the process id, so the same scenario and seed give the same bytes.
     */
    public java.util.Random random() {
        return scheduler.processRandom(task.pid());
    }

    /**
     * {@code fork()} for a program that needs a child: a new process of the same name and
     * identity, running {@code body} beside this one and sharing its standard streams. The child
     * has no descriptors of the parent's (the Kernel interface has no fork); it opens what it
     * uses. Its descriptors are closed when it ends.
     */
    public Scheduling.TaskThread fork(java.util.function.Consumer<Proc> body) {
        Task child = kernel.spawn(task.comm(), task.credentials());
        Proc p = new Proc(kernel, child, scheduler, argv, in, out, err, shell);
        return scheduler.spawn(child, task.comm(), () -> {
            try {
                body.accept(p);
            } finally {
                kernel.exit(child);
            }
        });
    }

    /** The kernel's clock, in nanoseconds since boot. */
    public long now() {
        return scheduler.nanos();
    }

    /** Prints {@code name: message} on stderr, as tools report errors. */
    public void error(String message) {
        err.println(name() + ": " + message);
    }

    /** {@code errtryhelp()}: the pointer to --help on stderr; returns the exit status 1. */
    public int tryHelp() {
        err.println("Try '" + name() + " --help' for more information.");
        return 1;
    }

    public SysResult open(String path, int flags) {
        return kernel.open(task, path, flags);
    }

    public void close(int fd) {
        kernel.close(task, fd);
    }

    /** Reads a whole stream (stdin, an open file), or returns null after printing the error. */
    public byte[] readAll(Io.Input input, String what) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (true) {
            int n = input.read(buf, 0, buf.length);
            if (n == 0) {
                return data.toByteArray();
            }
            if (n < 0) {
                error(what + ": " + Errno.of(-n).map(Errno::strerror).orElse("error " + (-n)));
                return null;
            }
            data.write(buf, 0, n);
        }
    }

    /** A small file's content (a sysfs attribute, say) in one read, or null when it cannot be read. */
    public String readSmall(String path) {
        SysResult r = open(path, OpenFlags.O_RDONLY);
        if (r.isError()) {
            return null;
        }
        byte[] buf = new byte[4096];
        SysResult n = kernel.read(task, r.intValue(), buf, 0, buf.length);
        close(r.intValue());
        return n.isError() ? null : new String(buf, 0, n.intValue(), StandardCharsets.UTF_8);
    }

    /** All of stdin as text. */
    public String readStdin() {
        byte[] b = readAll(in, "standard input");
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }
}
