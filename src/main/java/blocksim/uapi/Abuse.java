package blocksim.uapi;

/**
 * The ABUSE patch's userspace interface ({@code include/linux/abuse.h}, 2009, never merged): the
 * majors, the control ioctls, the flags, and the command and result codes, with the patch's names.
 */
public final class Abuse {

    /** {@code ABUSE_MAJOR}: the block devices {@code abuseN}. */
    public static final int ABUSE_MAJOR = 60;
    /** {@code ABUSECTL_MAJOR}: the control devices {@code abctlN}. */
    public static final int ABUSECTL_MAJOR = 61;

    public static final long ABUSE_GET_STATUS = 0x4120;
    public static final long ABUSE_SET_STATUS = 0x4121;
    public static final long ABUSE_SET_POLL = 0x4122;
    public static final long ABUSE_RESET = 0x4123;
    public static final long ABUSE_GET_BIO = 0x4124;
    public static final long ABUSE_PUT_BIO = 0x4125;

    public static final int ABUSE_FLAGS_READ_ONLY = 1;
    public static final int ABUSE_FLAGS_RECONNECT = 2;

    /** {@code ab_command}. */
    public static final int ABUSE_READ = 0;
    public static final int ABUSE_WRITE = 1;
    public static final int ABUSE_SYNC_NOTIFICATION = 2;

    /** {@code ab_result}. */
    public static final int ABUSE_RESULT_OKAY = 0;
    public static final int ABUSE_RESULT_MEDIA_FAILURE = 1;
    public static final int ABUSE_RESULT_DEVICE_FAILURE = 2;

    /** {@code POLLMSG} on x86: what abctl's poll reports while bios are queued. */
    public static final int POLLMSG = 0x400;

    private Abuse() {
    }

    /** The name of a control request, for strace-style call texts. */
    public static String name(long request) {
        return switch ((int) request) {
            case 0x4120 -> "ABUSE_GET_STATUS";
            case 0x4121 -> "ABUSE_SET_STATUS";
            case 0x4122 -> "ABUSE_SET_POLL";
            case 0x4123 -> "ABUSE_RESET";
            case 0x4124 -> "ABUSE_GET_BIO";
            case 0x4125 -> "ABUSE_PUT_BIO";
            default -> null;
        };
    }
}
