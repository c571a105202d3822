package blocksim.userland;

import blocksim.api.Errno;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A C stdio stream over an {@link Io.Output}, with glibc's buffering: stdout into a pipe or file is
 * written in 4096-byte blocks and at exit, stderr at once. Tools that flush explicitly (sfdisk does,
 * line by line) call {@link #flush}. That is what makes the merged output of a tool come out in the
 * same order as on the live system, where the transcript is read through a pipe.
 */
public final class Stdio {

    /** How writes reach the stream. */
    public enum Buffering { FULL, LINE, NONE }

    /** Raised in a process that writes to a pipe nobody reads: it dies of SIGPIPE. */
    public static final class BrokenPipe extends Error {
        BrokenPipe() {
            super("EPIPE", null, false, false);
        }
    }

    static final int BUFSIZ = 4096;

    private final Io.Output sink;
    private Buffering buffering;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private Errno error;

    public Stdio(Io.Output sink, Buffering buffering) {
        this.sink = sink;
        this.buffering = buffering;
    }

    public void setBuffering(Buffering b) {
        flush();
        this.buffering = b;
    }

    public Stdio print(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        write(b, 0, b.length);
        return this;
    }

    public Stdio println(String s) {
        return print(s + "\n");
    }

    public Stdio printf(String format, Object... args) {
        return print(String.format(format, args));
    }

    public void write(byte[] b, int off, int len) {
        buf.write(b, off, len);
        switch (buffering) {
            case NONE -> flush();
            case LINE -> {
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        flush();
                        break;
                    }
                }
            }
            case FULL -> {
                if (buf.size() >= BUFSIZ) {
                    flush();
                }
            }
        }
    }

    /** {@code fflush}: hands the buffered bytes to the stream. */
    public void flush() {
        if (buf.size() == 0) {
            return;
        }
        byte[] b = buf.toByteArray();
        buf.reset();
        int done = 0;
        while (done < b.length) {
            int n = sink.write(b, done, b.length - done);
            if (n == -Errno.EPIPE.number()) {
                throw new BrokenPipe();
            }
            if (n <= 0) {
                error = n < 0 ? Errno.of(-n).orElse(Errno.EIO) : Errno.EIO;
                return;
            }
            done += n;
        }
    }

    /** The first write error, if any ({@code ferror}). */
    public Errno error() {
        return error;
    }
}
