package blocksim.api;

/**
 * A programming error in a call through the Java API, one that no C program could make: a null
 * where an object is needed, a {@link Task} that this kernel never spawned or that has exited, a
 * buffer range outside its array, a memory cell where a request takes a number. Both kernels throw
 * it, with the same message, before anything happens; everything a C program could pass is
 * answered with an errno instead.
 */
public final class MisuseException extends IllegalArgumentException {

    public MisuseException(String message) {
        super(message);
    }

    /** {@code what} must not be null. */
    public static <T> T requireNonNull(T value, String what) {
        if (value == null) {
            throw new MisuseException(what + " is null");
        }
        return value;
    }

    /** {@code off} and {@code len} must lie inside {@code buf}, as Java's own I/O requires. */
    public static void checkRange(byte[] buf, int off, int len) {
        requireNonNull(buf, "the buffer");
        if (off < 0 || len < 0 || off > buf.length - len) {
            throw new MisuseException("buffer range [" + off + ", " + off + " + " + len + ") outside an array of "
                    + buf.length + " bytes");
        }
    }

    /** The task is not one of this kernel's live tasks. */
    public static MisuseException unknownTask(Task task) {
        return new MisuseException(task + " was not spawned by this kernel or has exited");
    }
}
