package blocksim.block;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The bytes of a disk, held sparsely in 4 KiB pages: pages never written read as zeros and take
 * no memory, so a 8 GiB disk costs only what is written to it.
 */
public final class DiskStore {

    static final int PAGE = 4096;

    private final long sizeBytes;
    /** Page index to page; only looked up by key, never iterated into output. */
    private final Map<Long, byte[]> pages = new HashMap<>();

    public DiskStore(long sizeBytes) {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("size " + sizeBytes);
        }
        this.sizeBytes = sizeBytes;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /** Copies {@code len} bytes at {@code pos} into {@code buf}; the range must lie inside the disk. */
    public void read(long pos, byte[] buf, int off, int len) {
        check(pos, len);
        while (len > 0) {
            long index = pos / PAGE;
            int inPage = (int) (pos % PAGE);
            int n = Math.min(len, PAGE - inPage);
            byte[] page = pages.get(index);
            if (page == null) {
                Arrays.fill(buf, off, off + n, (byte) 0);
            } else {
                System.arraycopy(page, inPage, buf, off, n);
            }
            pos += n;
            off += n;
            len -= n;
        }
    }

    /** Stores {@code len} bytes of {@code buf} at {@code pos}; the range must lie inside the disk. */
    public void write(long pos, byte[] buf, int off, int len) {
        check(pos, len);
        while (len > 0) {
            long index = pos / PAGE;
            int inPage = (int) (pos % PAGE);
            int n = Math.min(len, PAGE - inPage);
            byte[] page = pages.computeIfAbsent(index, i -> new byte[PAGE]);
            System.arraycopy(buf, off, page, inPage, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /** How many pages hold data (for memory benchmarks). */
    public int residentPages() {
        return pages.size();
    }

    private void check(long pos, int len) {
        if (pos < 0 || len < 0 || pos > sizeBytes - len) {
            throw new IllegalArgumentException("access " + pos + "+" + len + " outside disk of " + sizeBytes);
        }
    }
}
