package blocksim.uapi;

/** A pointer to an {@code int} in the caller's memory (BLKROGET, BLKROSET, BLKSSZGET, ...). */
public final class IntCell implements IoctlArg {

    private int value;

    public IntCell() {
    }

    public IntCell(int value) {
        this.value = value;
    }

    public int get() {
        return value;
    }

    public void set(int value) {
        this.value = value;
    }

    @Override
    public String toString() {
        return "[" + value + "]";
    }
}
