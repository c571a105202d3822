package blocksim.uapi;

/**
 * The loop driver's ABI ({@code include/uapi/linux/loop.h} in 6.18, {@code include/linux/loop.h}
 * in 2.6.32): request numbers (type {@code 'L'}, 0x4C, all {@code _IO}-encoded with no size),
 * {@code lo_flags} bits and the name sizes.
 */
public final class Loop {

    private Loop() {
    }

    public static final long LOOP_SET_FD = 0x4C00;
    public static final long LOOP_CLR_FD = 0x4C01;
    public static final long LOOP_SET_STATUS = 0x4C02;
    public static final long LOOP_GET_STATUS = 0x4C03;
    public static final long LOOP_SET_STATUS64 = 0x4C04;
    public static final long LOOP_GET_STATUS64 = 0x4C05;
    public static final long LOOP_CHANGE_FD = 0x4C06;
    public static final long LOOP_SET_CAPACITY = 0x4C07;
    public static final long LOOP_SET_DIRECT_IO = 0x4C08;
    public static final long LOOP_SET_BLOCK_SIZE = 0x4C09;
    public static final long LOOP_CONFIGURE = 0x4C0A;
    /** {@code /dev/loop-control} requests. */
    public static final long LOOP_CTL_ADD = 0x4C80;
    public static final long LOOP_CTL_REMOVE = 0x4C81;
    public static final long LOOP_CTL_GET_FREE = 0x4C82;

    public static final int LO_FLAGS_READ_ONLY = 1;
    /** 2.6.32 only: the file is written through its address-space operations. */
    public static final int LO_FLAGS_USE_AOPS = 2;
    public static final int LO_FLAGS_AUTOCLEAR = 4;
    public static final int LO_FLAGS_PARTSCAN = 8;
    public static final int LO_FLAGS_DIRECT_IO = 16;

    public static final int LO_NAME_SIZE = 64;
    public static final int LO_KEY_SIZE = 32;

    /** The loop driver's block major and the misc minor of {@code /dev/loop-control}. */
    public static final int LOOP_MAJOR = 7;
    public static final int MISC_MAJOR = 10;
    public static final int LOOP_CTRL_MINOR = 237;
}
