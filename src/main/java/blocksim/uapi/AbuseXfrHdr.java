package blocksim.uapi;

/**
 * {@code struct abuse_xfr_hdr}: ABUSE_GET_BIO fills it from the queued bio at the head (and, when
 * {@link #transfer} is set, the segments' lengths and offsets into it); ABUSE_PUT_BIO reads it to
 * find the bio and finish it, with each {@link AbuseVec#address} the caller's buffer for a segment.
 * {@code ab_transfer_address} is {@link #transfer}: null is the NULL pointer; an array shorter
 * than the vectors copied is memory the caller does not have (EFAULT).
 */
public final class AbuseXfrHdr implements IoctlArg {
    public long id;
    public long sector;
    public int command;
    public int result;
    public int vecCount;
    public int vecOffset;
    public AbuseVec[] transfer;

    @Override
    public String toString() {
        return "{ab_id=0x" + Long.toHexString(id) + ", ab_sector=" + sector + ", ab_command=" + command + ", ab_result="
                + result + ", ab_vec_count=" + vecCount + ", ab_transfer_address=" + (transfer == null ? "NULL" : "...") + "}";
    }
}
