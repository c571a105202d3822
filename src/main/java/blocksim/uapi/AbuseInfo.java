package blocksim.uapi;

/**
 * {@code struct abuse_info}: the device's settings. {@code ab_size}, {@code ab_flags},
 * {@code ab_blocksize} and {@code ab_max_queue} are read by ABUSE_SET_STATUS; ABUSE_GET_STATUS
 * fills every field (the others are read-only).
 */
public final class AbuseInfo implements IoctlArg {
    public long device;
    public long size;
    public int number;
    public int flags;
    public int blocksize;
    public int maxQueue;
    public int queueSize;
    public int errors;
    public int maxVecs;

    public AbuseInfo() {
    }

    /** The settings a server gives: size in bytes, block size, queue length, flags. */
    public AbuseInfo(long size, int blocksize, int maxQueue, int flags) {
        this.size = size;
        this.blocksize = blocksize;
        this.maxQueue = maxQueue;
        this.flags = flags;
    }

    @Override
    public String toString() {
        return "{ab_size=" + Long.toUnsignedString(size) + ", ab_number=" + number + ", ab_flags=" + flags
                + ", ab_blocksize=" + Integer.toUnsignedString(blocksize) + ", ab_max_queue=" + maxQueue
                + ", ab_queue_size=" + queueSize + ", ab_errors=" + errors + ", ab_max_vecs=" + maxVecs + "}";
    }
}
