package blocksim.api;

/**
 * A simulated process: a pid, a command name ({@code current->comm}, at most 15 characters as in
 * the kernel) and its credentials. Its file descriptors live in the kernel that spawned it.
 */
public final class Task {

    /** {@code TASK_COMM_LEN} - 1. */
    public static final int COMM_LEN = 15;

    private final int pid;
    private final String comm;
    private final Credentials credentials;

    public Task(int pid, String comm, Credentials credentials) {
        this.pid = pid;
        this.comm = comm.length() > COMM_LEN ? comm.substring(0, COMM_LEN) : comm;
        this.credentials = credentials;
    }

    public int pid() {
        return pid;
    }

    public String comm() {
        return comm;
    }

    public Credentials credentials() {
        return credentials;
    }

    /** {@code capable(CAP_SYS_ADMIN)}. */
    public boolean capSysAdmin() {
        return credentials.capSysAdmin();
    }

    @Override
    public String toString() {
        return comm + "[" + pid + "]";
    }
}
