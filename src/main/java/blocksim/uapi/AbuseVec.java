package blocksim.uapi;

/**
 * {@code struct abuse_vec}: one segment of a bio as ABUSE_GET_BIO describes it ({@code ab_len},
 * {@code ab_offset}) and as ABUSE_PUT_BIO copies it: {@code ab_address} is the caller's buffer
 * ({@link #address}; null is the NULL pointer, a buffer shorter than the segment is memory the
 * caller does not have).
 */
public final class AbuseVec {
    public byte[] address;
    public int len;
    public int offset;

    public AbuseVec() {
    }

    public AbuseVec(byte[] address, int len) {
        this.address = address;
        this.len = len;
    }
}
