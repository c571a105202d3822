package blocksim.api;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a system call returns: a non-negative value, or an {@link Errno}. Mirrors the kernel's
 * convention of returning {@code -errno}; note that some calls legitimately return positive values
 * other than 0 (2.6.32's BLKRRPART returns 1 on a disk whose whole device holds a mounted filesystem).
 *
 * <p>A failed result never hands out its -1 silently: {@link #value()} and {@link #intValue()} of
 * a failure throw {@link SyscallException}, as does {@link #orThrow()}; test {@link #isOk()} or
 * read {@link #errno()} first. A failure names the call it came from, strace-style:
 * {@code open("/dev/sda1", O_RDWR) = -1 EBUSY (Device or resource busy)}.
 *
 * @param value the value of a success; -1 for a failure (not handed out)
 * @param errno null for a success
 * @param call  what was called, for a failure (null when unknown); not part of equality
 */
public record SysResult(long value, Errno errno, String call) {

    private static final SysResult ZERO = new SysResult(0, null, null);

    public SysResult {
        if (errno == null && value < 0) {
            throw new IllegalArgumentException("negative value without errno: " + value);
        }
    }

    /** A result without the call it came from. */
    public SysResult(long value, Errno errno) {
        this(value, errno, null);
    }

    public static SysResult ok() {
        return ZERO;
    }

    public static SysResult ok(long value) {
        return value == 0 ? ZERO : new SysResult(value, null, null);
    }

    public static SysResult fail(Errno errno) {
        return new SysResult(-1, Objects.requireNonNull(errno), null);
    }

    /** Maps the kernel convention: 0 or positive is success, negative is {@code -errno}. */
    public static SysResult ofKernel(int ret) {
        if (ret >= 0) {
            return ok(ret);
        }
        return fail(Errno.of(-ret).orElseThrow(() -> new IllegalArgumentException("unknown errno " + ret)));
    }

    /**
     * This result, naming its call when it failed ({@code call} is evaluated only then, so a
     * success costs nothing).
     */
    public SysResult during(Supplier<String> call) {
        return errno == null || this.call != null ? this : new SysResult(value, errno, call.get());
    }

    public boolean isOk() {
        return errno == null;
    }

    public boolean isError() {
        return errno != null;
    }

    /** The value of a success; a failure throws {@link SyscallException} instead of handing out -1. */
    @Override
    public long value() {
        if (errno != null) {
            throw new SyscallException(this);
        }
        return value;
    }

    /** The value as an int (a file descriptor, a byte count); a failure throws {@link SyscallException}. */
    public int intValue() {
        return Math.toIntExact(value());
    }

    /** This result when it succeeded; a failure throws {@link SyscallException}, carrying the errno and the call. */
    public SysResult orThrow() {
        if (errno != null) {
            throw new SyscallException(this);
        }
        return this;
    }

    /** The result alone, strace style: {@code = 0}, {@code = 3}, {@code = -1 EBUSY (Device or resource busy)}. */
    public String result() {
        return errno == null ? "= " + value : "= -1 " + errno.name() + " (" + errno.strerror() + ")";
    }

    /** strace style, with the call when known: {@code open("/dev/sda1", O_RDWR) = -1 EBUSY (Device or resource busy)}. */
    @Override
    public String toString() {
        return call == null ? result() : call + " " + result();
    }

    /** Equal when the value and errno are; the call is a description. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SysResult r && r.value == value && r.errno == errno;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value) * 31 + Objects.hashCode(errno);
    }
}
