package blocksim.uapi;

/**
 * A pointer to 8 bytes in the caller's memory: an {@code unsigned long} (BLKGETSIZE), a
 * {@code u64} (BLKGETSIZE64) or a {@code size_t}. Read {@link #get()} as unsigned.
 */
public final class LongCell implements IoctlArg {

    private long value;

    public LongCell() {
    }

    public LongCell(long value) {
        this.value = value;
    }

    public long get() {
        return value;
    }

    public void set(long value) {
        this.value = value;
    }

    @Override
    public String toString() {
        return "[" + Long.toUnsignedString(value) + "]";
    }
}
