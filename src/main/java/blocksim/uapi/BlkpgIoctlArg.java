package blocksim.uapi;

/**
 * {@code struct blkpg_ioctl_arg}: {@code int op; int flags; int datalen; void *data;} (24 bytes on
 * x86_64, data at offset 16). {@code data == null} stands for a data pointer the kernel cannot
 * read (EFAULT when it copies the partition); {@code flags} and {@code datalen} are never checked.
 */
public record BlkpgIoctlArg(int op, int flags, int datalen, BlkpgPartition data) implements IoctlArg {

    public static final int SIZE = 24;
    /** {@code BLKPG_ADD_PARTITION}. */
    public static final int ADD_PARTITION = 1;
    /** {@code BLKPG_DEL_PARTITION}. */
    public static final int DEL_PARTITION = 2;
    /** {@code BLKPG_RESIZE_PARTITION} (not in 2.6.32). */
    public static final int RESIZE_PARTITION = 3;

    public static BlkpgIoctlArg add(int pno, long startBytes, long lengthBytes) {
        return new BlkpgIoctlArg(ADD_PARTITION, 0, BlkpgPartition.SIZE,
                new BlkpgPartition(startBytes, lengthBytes, pno));
    }

    public static BlkpgIoctlArg del(int pno) {
        return new BlkpgIoctlArg(DEL_PARTITION, 0, BlkpgPartition.SIZE, new BlkpgPartition(0, 0, pno));
    }

    public static BlkpgIoctlArg resize(int pno, long startBytes, long lengthBytes) {
        return new BlkpgIoctlArg(RESIZE_PARTITION, 0, BlkpgPartition.SIZE,
                new BlkpgPartition(startBytes, lengthBytes, pno));
    }

    /** strace-like: {@code {op=BLKPG_ADD_PARTITION, data={start=1048576, length=..., pno=1}}}. */
    @Override
    public String toString() {
        String opName = switch (op) {
            case ADD_PARTITION -> "BLKPG_ADD_PARTITION";
            case DEL_PARTITION -> "BLKPG_DEL_PARTITION";
            case RESIZE_PARTITION -> "BLKPG_RESIZE_PARTITION";
            default -> Integer.toString(op);
        };
        String d = data == null ? "<unreadable>"
                : "{start=" + data.start() + ", length=" + data.length() + ", pno=" + data.pno() + "}";
        return "{op=" + opName + ", data=" + d + "}";
    }
}
