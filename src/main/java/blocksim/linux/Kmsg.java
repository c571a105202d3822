package blocksim.linux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel log as /dev/kmsg gives it, from the moment a reader opens: one record per read,
 * {@code prio,seq,usec,flags;text}, continuation lines (from messages with embedded newlines) as
 * {@code \x0a}. The reader seeks to the end when it opens ({@code SEEK_END} on /dev/kmsg places
 * it after the last record, {@code kernel/printk/printk.c:devkmsg_llseek}), so starting costs the
 * same whatever the ring holds, and it reads without blocking.
 */
final class Kmsg implements AutoCloseable {

    private static final int SEEK_END = 2;
    private static final int EPIPE = 32;

    /** A log record: its sequence number, time in microseconds since boot, and text. */
    record Record(long seq, long usec, String text) {
        String format() {
            String prefix = String.format("[%5d.%06d] ", usec / 1_000_000, usec % 1_000_000);
            return prefix + text.replace("\n", "\n" + " ".repeat(prefix.length()));
        }
    }

    private int fd;
    private final List<Record> seen = new ArrayList<>();
    private final byte[] buf = new byte[8192];

    private Kmsg(int fd) {
        this.fd = fd;
    }

    /** A reader placed after the last record now, or one that reads nothing when /dev/kmsg cannot be opened. */
    static Kmsg fromNow() {
        Libc.Ret fd = Libc.open("/dev/kmsg", Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd.failed()) {
            return new Kmsg(-1);
        }
        Libc.lseek((int) fd.value(), 0, SEEK_END);
        return new Kmsg((int) fd.value());
    }

    /** Every record logged since the reader opened. */
    synchronized List<Record> records() {
        if (fd < 0) {
            return seen;
        }
        while (true) {
            Libc.Ret n = Libc.read(fd, buf, 0, buf.length);
            if (n.failed()) {
                if (n.errno() == EPIPE) {
                    continue; // a record was overwritten before we read it; the next read goes on
                }
                break; // EAGAIN: nothing more for now
            }
            if (n.value() == 0) {
                break;
            }
            String rec = new String(buf, 0, (int) n.value(), StandardCharsets.UTF_8);
            int semi = rec.indexOf(';');
            String[] head = rec.substring(0, semi).split(",");
            String text = rec.substring(semi + 1);
            int nl = text.indexOf('\n');
            text = (nl >= 0 ? text.substring(0, nl) : text).replace("\\x0a", "\n");
            seen.add(new Record(Long.parseLong(head[1]), Long.parseLong(head[2]), text));
        }
        return seen;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            records();
            Libc.close(fd);
            fd = -1;
        }
    }
}
