package blocksim.userland;

import blocksim.api.Kernel;
import blocksim.api.Errno;
import blocksim.api.Scheduling;
import blocksim.api.SysResult;
import blocksim.api.Task;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Where a process's standard streams lead: the terminal, a pipe, a file, a here-document. */
public final class Io {

    private Io() {
    }

    /** A readable stream. {@link #read} returns 0 at end of file, or a negative errno. */
    public interface Input {
        int read(byte[] b, int off, int len);

        default void close() {
        }
    }

    /** A writable stream. {@link #write} returns the bytes written or a negative errno (-EPIPE). */
    public interface Output {
        int write(byte[] b, int off, int len);

        default void close() {
        }
    }

    /** Nothing to read: the terminal in a non-interactive run. */
    public static final Input EMPTY = (b, off, len) -> 0;

    /** Fixed bytes: a here-document. */
    public static final class Bytes implements Input {
        private final byte[] data;
        private int pos;

        public Bytes(String text) {
            this.data = text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** The transcript's screen: stdout and stderr land here in the order they are written. */
    public static final class Terminal implements Output {
        /** What a command's output may hold: the rest is counted, not kept (a {@code cat} of a whole disk). */
        public static final int LIMIT = 1 << 20;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private long dropped;

        @Override
        public int write(byte[] b, int off, int len) {
            int keep = (int) Math.max(0, Math.min(len, LIMIT - bytes.size()));
            bytes.write(b, off, keep);
            dropped += len - keep;
            return len;
        }

        /**
         * The output as text: UTF-8, with NUL and bytes that are not UTF-8 shown as {@code \xNN},
         * and, past {@link #LIMIT} bytes, a last line that counts what was left out.
         */
        public String text() {
            String t = escaped(bytes.toByteArray());
            if (dropped > 0) {
                t += (t.endsWith("\n") || t.isEmpty() ? "" : "\n") + "[... " + dropped + " more bytes not shown]\n";
            }
            return t;
        }

        /** UTF-8 decoding that shows what it cannot decode, and NUL, as {@code \xNN}. */
        static String escaped(byte[] b) {
            java.nio.charset.CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b);
            java.nio.CharBuffer out = java.nio.CharBuffer.allocate(b.length + 16);
            StringBuilder sb = new StringBuilder(b.length);
            while (true) {
                java.nio.charset.CoderResult r = d.decode(in, out, true);
                out.flip();
                for (int i = 0; i < out.length(); i++) {
                    char c = out.charAt(i);
                    if (c == 0) {
                        sb.append("\\x00");
                    } else {
                        sb.append(c);
                    }
                }
                out.clear();
                if (r.isError()) {
                    for (int k = 0; k < r.length(); k++) {
                        sb.append(String.format("\\x%02x", in.get() & 0xff));
                    }
                    continue;
                }
                if (r.isUnderflow()) {
                    break;
                }
            }
            return sb.toString();
        }

        public void clear() {
            bytes.reset();
            dropped = 0;
        }

        /** Moves everything written here to {@code other}. */
        public void drainTo(Output other) {
            byte[] b = bytes.toByteArray();
            other.write(b, 0, b.length);
            bytes.reset();
            dropped = 0;
        }
    }

    /** A file descriptor in the kernel, read or written on behalf of a task. */
    public static final class KernelFile implements Input, Output {
        private final Kernel kernel;
        private final Task task;
        private final int fd;

        public KernelFile(Kernel kernel, Task task, int fd) {
            this.kernel = kernel;
            this.task = task;
            this.fd = fd;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            SysResult r = kernel.read(task, fd, b, off, len);
            return r.isOk() ? r.intValue() : -r.errno().number();
        }

        @Override
        public int write(byte[] b, int off, int len) {
            SysResult r = kernel.write(task, fd, b, off, len);
            return r.isOk() ? r.intValue() : -r.errno().number();
        }

        @Override
        public void close() {
            kernel.close(task, fd);
        }
    }

    /**
     * A pipe of 64 KiB between two processes: a writer parks while it is full, a reader while it is
     * empty and a writer is still open; writing after the reader closed is EPIPE (and SIGPIPE).
     */
    public static final class Pipe {
        static final int CAPACITY = 65536;
        private final Scheduling scheduler;
        private final byte[] buf = new byte[CAPACITY];
        private int head;
        private int count;
        private boolean readerOpen = true;
        private boolean writerOpen = true;
        private final List<Scheduling.TaskThread> waiting = new ArrayList<>();

        public Pipe(Scheduling scheduler) {
            this.scheduler = scheduler;
        }

        private void wakeAll() {
            for (Scheduling.TaskThread t : waiting) {
                scheduler.unpark(t);
            }
            waiting.clear();
        }

        private void waitHere(String why) {
            waiting.add(scheduler.current());
            scheduler.park(why);
        }

        public final Input reader = new Input() {
            @Override
            public int read(byte[] b, int off, int len) {
                while (count == 0) {
                    if (!writerOpen) {
                        return 0;
                    }
                    waitHere("reads an empty pipe");
                }
                int n = Math.min(len, count);
                for (int i = 0; i < n; i++) {
                    b[off + i] = buf[(head + i) % CAPACITY];
                }
                head = (head + n) % CAPACITY;
                count -= n;
                wakeAll();
                return n;
            }

            @Override
            public void close() {
                readerOpen = false;
                wakeAll();
            }
        };

        public final Output writer = new Output() {
            @Override
            public int write(byte[] b, int off, int len) {
                int done = 0;
                while (done < len) {
                    if (!readerOpen) {
                        return done > 0 ? done : -Errno.EPIPE.number();
                    }
                    if (count == CAPACITY) {
                        waitHere("writes a full pipe");
                        continue;
                    }
                    int n = Math.min(len - done, CAPACITY - count);
                    for (int i = 0; i < n; i++) {
                        buf[(head + count + i) % CAPACITY] = b[off + done + i];
                    }
                    count += n;
                    done += n;
                    wakeAll();
                }
                return done;
            }

            @Override
            public void close() {
                writerOpen = false;
                wakeAll();
            }
        };
    }

    /** Discards everything (stdout of a job whose output nobody will read). */
    public static final Output NULL = (b, off, len) -> len;
}
