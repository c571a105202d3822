package blocksim.uapi;

/**
 * {@code struct loop_config} (304 bytes) of LOOP_CONFIGURE (5.8 and later): the backing file's
 * descriptor, the logical block size (0 for the default), the {@link LoopInfo64} to apply, and
 * eight reserved words the kernel ignores.
 */
public final class LoopConfig implements IoctlArg {
    public static final int SIZE = 304;

    public int fd;
    public int blockSize;
    public final LoopInfo64 info = new LoopInfo64();

    public LoopConfig() {
    }

    public LoopConfig(int fd, int blockSize, LoopInfo64 info) {
        this.fd = fd;
        this.blockSize = blockSize;
        if (info != null) {
            this.info.copyFrom(info);
        }
    }

    @Override
    public String toString() {
        return "{fd=" + fd + ", block_size=" + Integer.toUnsignedString(blockSize) + ", info=" + info + "}";
    }
}
