package blocksim.block;

import blocksim.api.Task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A block I/O request ({@code struct bio}, {@code include/linux/blk_types.h}): a read or write of
 * whole 512-byte sectors of a block device from {@code sector} ({@code bi_iter.bi_sector}, the
 * device's own until the partition remap makes it the disk's), through a list of segments
 * ({@code bi_io_vec}: a buffer, an offset into it, a length; at most {@link #MAX_VECS} of at most
 * a page each). A driver completes it, now or later, with {@link #endio} ({@code bio_endio}): 0
 * or a negative errno ({@code bi_status}). A bio split by the queue's limits completes when all
 * its pieces have ({@code bio_chain}), with the first error.
 */
public final class Bio {

    /** {@code BIO_MAX_VECS} (6.18) and {@code BIO_MAX_PAGES} (2.6.32): 256 in both eras. */
    public static final int MAX_VECS = 256;
    /** {@code PAGE_SIZE}: the most a segment carries. */
    public static final int PAGE = 4096;

    /** {@code REQ_OP_READ} (0) and {@code REQ_OP_WRITE} (1). */
    public enum Op {
        READ(0), WRITE(1);

        private final int opf;

        Op(int opf) {
            this.opf = opf;
        }

        /** The value {@code bi_opf} (6.18) / {@code bi_rw} (2.6.32) carries for this op. */
        public int opf() {
            return opf;
        }
    }

    /** A segment ({@code struct bio_vec}): {@code len} bytes of {@code buf} from {@code off}. */
    public record Vec(byte[] buf, int off, int len) {
    }

    private final Op op;
    BlockDevice bdev;
    long sector;
    private final List<Vec> vecs;
    private int status;
    private boolean ended;
    private Bio parent;
    private int remaining = 1;
    /** Who is told when the bio ends (the submitter waiting for it), or null. */
    Runnable onEnd;
    /** The task that submitted it ({@code submit_bio} runs in the submitter's context), or null. */
    Task submitter;

    private Bio(Op op, BlockDevice bdev, long sector, List<Vec> vecs) {
        this.op = op;
        this.bdev = bdev;
        this.sector = sector;
        this.vecs = vecs;
    }

    /**
     * A bio over {@code len} bytes of {@code buf} from {@code off}, cut into page-sized segments
     * as the pages of a user buffer would be.
     */
    public Bio(Op op, BlockDevice bdev, long sector, byte[] buf, int off, int len) {
        this(op, bdev, sector, segments(buf, off, len));
    }

    private static List<Vec> segments(byte[] buf, int off, int len) {
        if (len % 512 != 0 || off < 0 || len < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("bio of " + len + " bytes at " + off);
        }
        List<Vec> v = new ArrayList<>();
        for (int done = 0; done < len; done += PAGE) {
            v.add(new Vec(buf, off + done, Math.min(PAGE, len - done)));
        }
        if (v.size() > MAX_VECS) {
            throw new IllegalArgumentException("a bio of " + v.size() + " segments: the most is " + MAX_VECS);
        }
        return v;
    }

    /** The task that submitted it, or null for a bio no task submitted. */
    public Task submitter() {
        return submitter;
    }

    public Op op() {
        return op;
    }

    /** The device the bio is for: after the remap, the whole disk. */
    public BlockDevice bdev() {
        return bdev;
    }

    /** {@code bi_iter.bi_sector}. */
    public long sector() {
        return sector;
    }

    public List<Vec> vecs() {
        return Collections.unmodifiableList(vecs);
    }

    /** {@code bio_sectors()}. */
    public int sectors() {
        int n = 0;
        for (Vec v : vecs) {
            n += v.len();
        }
        return n / 512;
    }

    /** The bytes it carries. */
    public int len() {
        return sectors() * 512;
    }

    public boolean ended() {
        return ended;
    }

    /** {@code bi_status}: 0 or a negative errno. */
    public int status() {
        return status;
    }

    /**
     * {@code bio_split}: a new bio of the first {@code sectors} sectors, chained to this one
     * ({@code bio_chain}: this bio ends when both have); this one keeps the rest.
     */
    Bio split(int sectors) {
        int bytes = sectors * 512;
        List<Vec> front = new ArrayList<>();
        List<Vec> back = new ArrayList<>();
        int at = 0;
        for (Vec v : vecs) {
            if (at + v.len() <= bytes) {
                front.add(v);
            } else if (at >= bytes) {
                back.add(v);
            } else {
                int cut = bytes - at;
                front.add(new Vec(v.buf(), v.off(), cut));
                back.add(new Vec(v.buf(), v.off() + cut, v.len() - cut));
            }
            at += v.len();
        }
        Bio piece = new Bio(op, bdev, sector, front);
        piece.parent = this;
        piece.submitter = submitter;
        remaining++;
        vecs.clear();
        vecs.addAll(back);
        sector += sectors;
        return piece;
    }

    /**
     * {@code bio_endio}: the driver is done with it. The first error of a chain is kept; the
     * parent ends when its last piece has. Ending a bio twice is a driver bug the kernel would
     * trip over; here it throws.
     */
    public void endio(int error) {
        if (ended) {
            throw new IllegalStateException("bio of " + bdev + " sector " + sector + " ended twice");
        }
        ended = true;
        if (status == 0) {
            status = error;
        }
        if (parent != null) {
            parent.childEnded(status);
        } else if (--remaining == 0) {
            done();
        }
    }

    private void childEnded(int error) {
        if (status == 0) {
            status = error;
        }
        if (--remaining == 0 && ended) {
            done();
        }
    }

    private void done() {
        if (onEnd != null) {
            onEnd.run();
        }
    }

    /** Whether the whole chain is done (this bio and every piece split off it). */
    public boolean complete() {
        return ended && remaining == 0;
    }

    @Override
    public String toString() {
        return op.name().toLowerCase() + " of " + sectors() + " sectors at " + sector + " of " + bdev;
    }
}
