package blocksim.block;

/**
 * A block I/O request ({@code struct bio}): a read or write of whole 512-byte sectors of a block
 * device, starting at {@code sector} (relative to that device), through {@code len} bytes of
 * {@code buf} from {@code off}.
 */
record Bio(Op op, BlockDevice bdev, long sector, byte[] buf, int off, int len) {

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

    public Bio {
        if (len % 512 != 0 || off < 0 || len < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("bio of " + len + " bytes at " + off);
        }
    }

    /** {@code bio_sectors()}. */
    public int sectors() {
        return len / 512;
    }
}
