package blocksim.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel log ring: what {@code dmesg} shows. Each finished record also goes to the SLF4J logger
 * {@code blocksim.kernel} at the matching level.
 *
 * <p>As in {@code kernel/printk/printk.c}, a message that does not end in a newline stays open and
 * later {@link #cont} text is appended to it; the next message with a level closes it. A record may
 * hold several lines (6.18's {@code handle_bad_sector} prints two in one call).
 */
public final class Printk {

    private static final Logger LOG = LoggerFactory.getLogger("blocksim.kernel");
    /** Bound on the ring, like {@code CONFIG_LOG_BUF_SHIFT}: the oldest records are dropped. */
    private static final int MAX_RECORDS = 1 << 16;

    /** The {@code KERN_*} levels. */
    public enum Level {
        EMERG, ALERT, CRIT, ERR, WARNING, NOTICE, INFO, DEBUG
    }

    /** One log record: when it was printed, its level and its text without the final newline. */
    public record Record(long nanos, Level level, String text) {
        /** As {@code dmesg} prints it: {@code [    1.234567] text}, later lines indented alike. */
        public String format() {
            long micros = nanos / 1000;
            String prefix = String.format("[%5d.%06d] ", micros / 1_000_000, micros % 1_000_000);
            return prefix + text.replace("\n", "\n" + " ".repeat(prefix.length()));
        }
    }

    private final VirtualClock clock;
    private final List<Record> records = new ArrayList<>();
    private StringBuilder open;
    private Level openLevel;
    private long openNanos;

    public Printk(VirtualClock clock) {
        this.clock = clock;
    }

    /** {@code printk(KERN_<level> text)}. Closes any open record first. */
    public void printk(Level level, String text) {
        flush();
        openLevel = level;
        openNanos = clock.nanos();
        open = new StringBuilder();
        append(text);
    }

    /** {@code printk(KERN_CONT text)}: continues the open record, or starts an INFO one. */
    public void cont(String text) {
        if (open == null) {
            printk(Level.INFO, text);
            return;
        }
        append(text);
    }

    private void append(String text) {
        open.append(text);
        if (open.length() > 0 && open.charAt(open.length() - 1) == '\n') {
            open.setLength(open.length() - 1);
            flush();
        }
    }

    /** Closes the open record, if any. */
    public void flush() {
        if (open == null) {
            return;
        }
        Record r = new Record(openNanos, openLevel, open.toString());
        open = null;
        if (records.size() == MAX_RECORDS) {
            records.removeFirst();
        }
        records.add(r);
        mirror(r);
    }

    private static void mirror(Record r) {
        switch (r.level()) {
            case EMERG, ALERT, CRIT, ERR -> LOG.error("{}", r.text());
            case WARNING -> LOG.warn("{}", r.text());
            case NOTICE, INFO -> LOG.info("{}", r.text());
            case DEBUG -> LOG.debug("{}", r.text());
        }
    }

    /** Every finished record, oldest first. */
    public List<Record> records() {
        flush();
        return Collections.unmodifiableList(records);
    }

    /** The whole ring as {@code dmesg} prints it, one record per line. */
    public String dmesg() {
        StringBuilder sb = new StringBuilder();
        for (Record r : records()) {
            sb.append(r.format()).append('\n');
        }
        return sb.toString();
    }

    /** The records' texts alone, for tests and for tools that strip timestamps. */
    public List<String> texts() {
        return records().stream().map(Record::text).toList();
    }
}
