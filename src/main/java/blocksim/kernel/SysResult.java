package blocksim.kernel;

import java.util.Objects;

/**
 * What a system call returns: a non-negative value, or an {@link Errno}. Mirrors the kernel's
 * convention of returning {@code -errno}; note that some calls legitimately return positive values
 * other than 0 (2.6.32's BLKRRPART returns 1 on a disk whose whole device holds a mounted filesystem).
 */
public record SysResult(long value, Errno errno) {

    private static final SysResult ZERO = new SysResult(0, null);

    public SysResult {
        if (errno == null && value < 0) {
            throw new IllegalArgumentException("negative value without errno: " + value);
        }
    }

    public static SysResult ok() {
        return ZERO;
    }

    public static SysResult ok(long value) {
        return value == 0 ? ZERO : new SysResult(value, null);
    }

    public static SysResult fail(Errno errno) {
        return new SysResult(-1, Objects.requireNonNull(errno));
    }

    /** Maps the kernel convention: 0 or positive is success, negative is {@code -errno}. */
    public static SysResult ofKernel(int ret) {
        if (ret >= 0) {
            return ok(ret);
        }
        return fail(Errno.of(-ret).orElseThrow(() -> new IllegalArgumentException("unknown errno " + ret)));
    }

    public boolean isOk() {
        return errno == null;
    }

    public boolean isError() {
        return errno != null;
    }

    /** The value as an int (a file descriptor, a byte count). */
    public int intValue() {
        return Math.toIntExact(value);
    }

    /** strace style: {@code = 0}, {@code = 3}, {@code = -1 EBUSY (Device or resource busy)}. */
    @Override
    public String toString() {
        return errno == null ? "= " + value : "= -1 " + errno.name() + " (" + errno.strerror() + ")";
    }
}
