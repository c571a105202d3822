package blocksim.uapi;

/**
 * The old {@code struct loop_info} (168 bytes on x86_64) of LOOP_SET_STATUS and LOOP_GET_STATUS:
 * an {@code int} offset, device numbers as {@code __kernel_old_dev_t} (an unsigned long on
 * x86_64) and a single 64-byte name.
 */
public final class LoopInfo implements IoctlArg {
    public static final int SIZE = 168;

    public int number;
    public long device;
    public long inode;
    public long rdevice;
    public int offset;
    public int encryptType;
    public int encryptKeySize;
    public int flags;
    public final byte[] name = new byte[Loop.LO_NAME_SIZE];
    public final byte[] encryptKey = new byte[Loop.LO_KEY_SIZE];
    public final long[] init = new long[2];

    public LoopInfo() {
    }

    public String nameString() {
        return LoopInfo64.cString(name);
    }

    @Override
    public String toString() {
        return "{lo_offset=" + offset + ", lo_number=" + number + ", lo_flags=" + LoopInfo64.flagNames(flags)
                + ", lo_name=" + Strace.quote(nameString()) + ", ...}";
    }
}
