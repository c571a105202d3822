package blocksim.api;

/**
 * A failed system call's result used as a success ({@link SysResult#orThrow()}, or its value
 * read): unchecked, carrying the errno and, where known, the call, strace-style.
 */
public final class SyscallException extends RuntimeException {

    private final transient SysResult result;

    public SyscallException(SysResult result) {
        super(result.toString());
        this.result = result;
    }

    public Errno errno() {
        return result.errno();
    }

    /** The call, strace-style, or null when unknown. */
    public String call() {
        return result.call();
    }

    public SysResult result() {
        return result;
    }
}
