package blocksim.block.partitions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The state of one partition scan: {@code block/partitions/check.h:struct parsed_partitions}.
 * Parsers fill {@link #from}/{@link #size}/{@link #raid} slots 1..limit-1 and append to
 * {@link #ppBuf}, the text the scan logs.
 */
public final class ParsedPartitions {

    private final SectorSource disk;
    /** Name used in the log: the disk name, or {@code "p"} when it ends in a digit. */
    final String name;
    /** {@code state->limit}: slots 1..limit-1 may hold partitions. */
    final int limit;
    final long[] from;
    final long[] size;
    final boolean[] raid;
    /** {@code state->next}: the number the next logical (msdos extended) partition gets. */
    int next;
    /** {@code state->access_beyond_eod} (6.18): a parser asked for a sector past the end. */
    boolean accessBeyondEod;
    /** {@code state->pp_buf}: the scan's log text, starting with {@code " sda:"}. */
    final StringBuilder ppBuf = new StringBuilder();
    /**
     * Lines a parser printk'd on its own while it ran (the GPT code's {@code pr_warn} /
     * {@code KERN_WARNING} lines), one complete line each, without the trailing newline, in the
     * order they were printed. They are not part of {@link #ppBuf}: 6.18 prints {@code pp_buf} in
     * one piece only when the scan ends, so these lines come out before it. (2.6.32 had no
     * {@code pp_buf} and printk'd the scan text piece by piece as it went, so there a warning
     * actually landed in the middle of the " sda:" line; the caller decides how to render that.)
     */
    final List<String> warnings = new ArrayList<>();

    /**
     * @param disk  the disk being scanned
     * @param limit {@code state->limit}: {@code disk_max_parts()} in 2.6.32, 256 in 6.18
     */
    public ParsedPartitions(SectorSource disk, int limit) {
        if (limit < 1 || limit > 256) {
            throw new IllegalArgumentException("limit " + limit);
        }
        this.disk = disk;
        this.limit = limit;
        this.from = new long[limit];
        this.size = new long[limit];
        this.raid = new boolean[limit];
        String diskName = disk.diskName();
        ppBuf.append(' ').append(diskName).append(':');
        this.name = Character.isDigit(diskName.charAt(diskName.length() - 1)) ? "p" : diskName;
    }

    public SectorSource disk() {
        return disk;
    }

    public int limit() {
        return limit;
    }

    /** Partition {@code n}'s first 512-byte sector as parsed (0 when the slot is empty). */
    public long from(int n) {
        return from[n];
    }

    /** Partition {@code n}'s size in 512-byte sectors (0 when the slot is empty). */
    public long size(int n) {
        return size[n];
    }

    /** {@code ADDPART_FLAG_RAID}: the table marked slot {@code n} as Linux RAID. */
    public boolean raid(int n) {
        return raid[n];
    }

    public boolean accessBeyondEod() {
        return accessBeyondEod;
    }

    /** The scan's log text so far. */
    public String ppBuf() {
        return ppBuf.toString();
    }

    /** Clears the slots before the next parser runs ({@code memset(state->parts, 0, ...)}). */
    void clearSlots() {
        Arrays.fill(from, 0);
        Arrays.fill(size, 0);
        Arrays.fill(raid, false);
    }

    /**
     * {@code block/partitions/check.h:put_partition}: records slot {@code n} and logs
     * {@code " sda1"} (or {@code " p1"}) if {@code n} is below the limit; silently drops it otherwise.
     */
    void putPartition(int n, long start, long sectors) {
        if (n < limit) {
            from[n] = start;
            size[n] = sectors;
            ppBuf.append(' ').append(name).append(n);
        }
    }

    /**
     * {@code block/partitions/core.c:read_part_sector}: reads 512-byte sector {@code n}; past the
     * end of the disk it notes {@link #accessBeyondEod} and returns {@code null}, as does a failed read.
     */
    byte[] readPartSector(long n) {
        if (Long.compareUnsigned(n, disk.capacity()) >= 0) {
            accessBeyondEod = true;
            return null;
        }
        return disk.readSector(n);
    }

    /**
     * 2.6.32 {@code fs/partitions/check.c:read_dev_sector}: reads 512-byte sector {@code n} through
     * the block device's page cache. Unlike 6.18's {@link #readPartSector}, it has no end-of-disk
     * check: {@code block_read_full_page} hands back zero-filled buffers for blocks past
     * {@code i_size}, so a sector past the end reads as 512 zero bytes and nothing is noted.
     * A failed read inside the disk still returns {@code null}.
     */
    byte[] readDevSector(long n) {
        if (Long.compareUnsigned(n, disk.capacity()) >= 0) {
            return new byte[512];
        }
        return disk.readSector(n);
    }
}
