package blocksim.userland;

import blocksim.api.Host;
import blocksim.api.Scheduling;
import blocksim.api.Kernel;
import blocksim.api.DiskSpec;
import blocksim.api.Credentials;
import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Wraps the kernel the tools talk to: prints each system call strace-style when tracing
 * ({@code blockdev: ioctl(3</dev/sda>, BLKRRPART) = -1 EBUSY (Device or resource busy)}), and
 * counts calls so that a command that would never finish is stopped with a message instead of
 * hanging the run.
 */
public final class TracingKernel implements Host {

    /** Thrown in a task that made more system calls than a command may make. */
    public static final class Runaway extends Error {
        Runaway(String message) {
            super(message, null, false, false);
        }
    }

    private final Host kernel;
    private final Consumer<String> trace;
    private final long budget;
    private long calls;
    /** "pid:fd" to the path it was opened with. */
    private final Map<String, String> fdNames = new TreeMap<>();

    /**
     * @param trace  where trace lines go, or null for no trace
     * @param budget how many system calls one command may make
     */
    public TracingKernel(Host kernel, Consumer<String> trace, long budget) {
        this.kernel = kernel;
        this.trace = trace;
        this.budget = budget;
    }

    /** Starts counting afresh (a new command). */
    public void resetBudget() {
        calls = 0;
    }

    public Host inner() {
        return kernel;
    }

    private void count() {
        if (++calls > budget) {
            throw new Runaway("stopped after " + budget + " system calls: it would never finish");
        }
    }

    private SysResult log(Task t, String call, SysResult r) {
        if (trace != null) {
            trace.accept(t.comm() + ": " + call + " " + r.result());
        }
        return r;
    }

    private String fd(Task t, int fd) {
        String name = fdNames.get(t.pid() + ":" + fd);
        return name == null ? Integer.toString(fd) : fd + "<" + name + ">";
    }

    @Override
    public Scheduling scheduler() {
        return kernel.scheduler();
    }

    @Override
    public String name() {
        return kernel.name();
    }

    @Override
    public Profile profile() {
        return kernel.profile();
    }

    @Override
    public Task spawn(String comm, Credentials credentials) {
        return kernel.spawn(comm, credentials);
    }

    @Override
    public void exit(Task task) {
        kernel.exit(task);
        fdNames.keySet().removeIf(k -> k.startsWith(task.pid() + ":"));
    }

    @Override
    public SysResult open(Task task, String path, int flags) {
        count();
        SysResult r = kernel.open(task, path, flags);
        if (r.isOk()) {
            fdNames.put(task.pid() + ":" + r.intValue(), path);
        }
        return log(task, "openat(AT_FDCWD, \"" + path + "\", " + OpenFlags.describe(flags) + ")", r);
    }

    @Override
    public SysResult close(Task task, int fd) {
        count();
        String d = fd(task, fd);
        SysResult r = kernel.close(task, fd);
        fdNames.remove(task.pid() + ":" + fd);
        return log(task, "close(" + d + ")", r);
    }

    @Override
    public SysResult read(Task task, int fd, byte[] buf, int off, int len) {
        count();
        return log(task, "read(" + fd(task, fd) + ", ..., " + len + ")", kernel.read(task, fd, buf, off, len));
    }

    @Override
    public SysResult write(Task task, int fd, byte[] buf, int off, int len) {
        count();
        return log(task, "write(" + fd(task, fd) + ", ..., " + len + ")", kernel.write(task, fd, buf, off, len));
    }

    @Override
    public SysResult pread(Task task, int fd, byte[] buf, int off, int len, long pos) {
        count();
        return log(task, "pread64(" + fd(task, fd) + ", ..., " + len + ", " + pos + ")",
                kernel.pread(task, fd, buf, off, len, pos));
    }

    @Override
    public SysResult pwrite(Task task, int fd, byte[] buf, int off, int len, long pos) {
        count();
        return log(task, "pwrite64(" + fd(task, fd) + ", ..., " + len + ", " + pos + ")",
                kernel.pwrite(task, fd, buf, off, len, pos));
    }

    @Override
    public SysResult lseek(Task task, int fd, long offset, int whence) {
        count();
        String w = switch (whence) {
            case 0 -> "SEEK_SET";
            case 1 -> "SEEK_CUR";
            case 2 -> "SEEK_END";
            default -> Integer.toString(whence);
        };
        return log(task, "lseek(" + fd(task, fd) + ", " + offset + ", " + w + ")", kernel.lseek(task, fd, offset, whence));
    }

    @Override
    public SysResult fsync(Task task, int fd) {
        count();
        return log(task, "fsync(" + fd(task, fd) + ")", kernel.fsync(task, fd));
    }

    @Override
    public SysResult fdatasync(Task task, int fd) {
        count();
        return log(task, "fdatasync(" + fd(task, fd) + ")", kernel.fdatasync(task, fd));
    }

    @Override
    public SysResult ftruncate(Task task, int fd, long length) {
        count();
        return log(task, "ftruncate(" + fd(task, fd) + ", " + length + ")", kernel.ftruncate(task, fd, length));
    }

    @Override
    public StatResult fstat(Task task, int fd) {
        count();
        StatResult r = kernel.fstat(task, fd);
        if (trace != null) {
            trace.accept(task.comm() + ": fstat(" + fd(task, fd) + ", ...) "
                    + (r.isOk() ? SysResult.ok() : SysResult.fail(r.errno())));
        }
        return r;
    }

    @Override
    public SysResult mount(Task task, String source, String target, String fstype, long flags, String data) {
        count();
        return log(task, blocksim.uapi.Strace.mount(source, target, fstype, flags, data),
                kernel.mount(task, source, target, fstype, flags, data));
    }

    @Override
    public SysResult umount2(Task task, String target, int flags) {
        count();
        return log(task, blocksim.uapi.Strace.umount2(target, flags), kernel.umount2(task, target, flags));
    }

    @Override
    public SysResult sync(Task task) {
        count();
        return log(task, "sync()", kernel.sync(task));
    }

    @Override
    public SysResult syncfs(Task task, int fd) {
        count();
        return log(task, "syncfs(" + fd + ")", kernel.syncfs(task, fd));
    }

    @Override
    public SysResult utimensat(Task task, String path) {
        count();
        return log(task, "utimensat(AT_FDCWD, " + blocksim.uapi.Strace.quote(path) + ", NULL, 0)", kernel.utimensat(task, path));
    }

    @Override
    public SysResult poll(Task task, int fd, int events, long timeoutMillis) {
        count();
        return log(task, "poll([{fd=" + fd + ", events=0x" + Integer.toHexString(events) + "}], 1, " + timeoutMillis + ")",
                kernel.poll(task, fd, events, timeoutMillis));
    }

    @Override
    public SysResult fallocate(Task task, int fd, int mode, long offset, long len) {
        count();
        return log(task, "fallocate(" + fd + ", " + mode + ", " + offset + ", " + len + ")",
                kernel.fallocate(task, fd, mode, offset, len));
    }

    @Override
    public SysResult rename(Task task, String from, String to) {
        count();
        return log(task, blocksim.uapi.Strace.rename(from, to), kernel.rename(task, from, to));
    }

    @Override
    public SysResult truncate(Task task, String path, long length) {
        count();
        return log(task, blocksim.uapi.Strace.truncate(path, length), kernel.truncate(task, path, length));
    }

    @Override
    public SysResult rmdir(Task task, String path) {
        count();
        return log(task, "rmdir(\"" + path + "\")", kernel.rmdir(task, path));
    }

    @Override
    public SysResult ioctl(Task task, int fd, long request, IoctlArg arg) {
        count();
        String d = fd(task, fd);
        SysResult r = kernel.ioctl(task, fd, request, arg);
        String a = arg instanceof IoctlArg.Null ? "" : ", " + arg;
        return log(task, "ioctl(" + d + ", " + Ioctl.name(request) + a + ")", r);
    }

    @Override
    public SysResult mkdir(Task task, String path, int mode) {
        count();
        return log(task, String.format("mkdir(\"%s\", 0%o)", path, mode), kernel.mkdir(task, path, mode));
    }

    @Override
    public SysResult unlink(Task task, String path) {
        count();
        return log(task, "unlink(\"" + path + "\")", kernel.unlink(task, path));
    }

    @Override
    public StatResult stat(Task task, String path) {
        count();
        StatResult r = kernel.stat(task, path);
        if (trace != null) {
            trace.accept(task.comm() + ": stat(\"" + path + "\", ...) "
                    + (r.isOk() ? SysResult.ok() : SysResult.fail(r.errno())));
        }
        return r;
    }

    @Override
    public ListResult list(Task task, String path) {
        count();
        ListResult r = kernel.list(task, path);
        if (trace != null) {
            trace.accept(task.comm() + ": getdents64(\"" + path + "\", ...) "
                    + (r.isOk() ? SysResult.ok(r.names().size()) : SysResult.fail(r.errno())));
        }
        return r;
    }

    @Override
    public void diskAdd(DiskSpec spec) {
        kernel.diskAdd(spec);
    }

    @Override
    public SysResult diskRemove(String name) {
        return kernel.diskRemove(name);
    }

    @Override
    public SysResult insmod(Task task, String module, java.util.List<String> params) {
        count();
        return log(task, "init_module(\"" + module + "\", \"" + String.join(" ", params) + "\")",
                kernel.insmod(task, module, params));
    }

    @Override
    public SysResult rmmod(Task task, String module) {
        count();
        return log(task, "delete_module(\"" + module + "\")", kernel.rmmod(task, module));
    }

    @Override
    public SysResult udevSettle(Task task, long timeoutNanos) {
        count();
        return log(task, "settle(" + timeoutNanos / 1_000_000 + " ms)", kernel.udevSettle(task, timeoutNanos));
    }

    @Override
    public String dmesg() {
        return kernel.dmesg();
    }

    @Override
    public java.util.Optional<Ran> hostProgram(Task task, java.util.List<String> argv) {
        return kernel.hostProgram(task, argv);
    }

    @Override
    public void close() {
        kernel.close();
    }
}
