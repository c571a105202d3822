package blocksim.linux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel log as /dev/kmsg gives it: one record per read, {@code prio,seq,usec,flags;text},
 * continuation lines (from messages with embedded newlines) as {@code \x0a}. Read without blocking.
 */
final class Kmsg {

    private Kmsg() {
    }

    private static final int O_NONBLOCK = 04000;

    /** A log record: its sequence number, time in microseconds since boot, and text. */
    record Record(long seq, long usec, String text) {
        String format() {
            String prefix = String.format("[%5d.%06d] ", usec / 1_000_000, usec % 1_000_000);
            return prefix + text.replace("\n", "\n" + " ".repeat(prefix.length()));
        }
    }

    /** Every record in the ring now. */
    static List<Record> all() {
        List<Record> out = new ArrayList<>();
        Libc.Ret fd = Libc.open("/dev/kmsg", O_NONBLOCK, 0);
        if (fd.failed()) {
            return out;
        }
        byte[] buf = new byte[8192];
        try {
            while (true) {
                Libc.Ret n = Libc.read((int) fd.value(), buf, 0, buf.length, -1);
                if (n.failed()) {
                    if (n.errno() == 32) {
                        continue; // EPIPE: a record was overwritten; keep reading
                    }
                    break; // EAGAIN: the end
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
                out.add(new Record(Long.parseLong(head[1]), Long.parseLong(head[2]), text));
            }
        } finally {
            Libc.close((int) fd.value());
        }
        return out;
    }

    static long lastSequence() {
        List<Record> all = all();
        return all.isEmpty() ? -1 : all.getLast().seq();
    }

    static List<Record> since(long seq) {
        return all().stream().filter(r -> r.seq() > seq).toList();
    }
}
