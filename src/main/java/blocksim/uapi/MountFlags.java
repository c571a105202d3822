package blocksim.uapi;

import java.util.ArrayList;
import java.util.List;

/** mount(2) and umount2(2) flags ({@code include/uapi/linux/mount.h}) and their strace names. */
public final class MountFlags {

    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
            MS_REMOUNT = 32, MS_NOATIME = 1024, MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192,
            MS_REC = 16384, MS_SILENT = 32768, MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24;
    public static final int MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;

    private static final long[] BITS = {MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_SYNCHRONOUS, MS_REMOUNT,
            MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_MOVE, MS_REC, MS_SILENT, MS_RELATIME, MS_STRICTATIME};
    private static final String[] NAMES = {"MS_RDONLY", "MS_NOSUID", "MS_NODEV", "MS_NOEXEC", "MS_SYNCHRONOUS",
            "MS_REMOUNT", "MS_NOATIME", "MS_NODIRATIME", "MS_BIND", "MS_MOVE", "MS_REC", "MS_SILENT", "MS_RELATIME",
            "MS_STRICTATIME"};

    private MountFlags() {
    }

    public static String describe(long flags) {
        List<String> out = new ArrayList<>();
        long rest = flags;
        for (int i = 0; i < BITS.length; i++) {
            if ((flags & BITS[i]) != 0) {
                out.add(NAMES[i]);
                rest &= ~BITS[i];
            }
        }
        if (rest != 0 || out.isEmpty()) {
            out.add(rest == 0 ? "0" : "0x" + Long.toHexString(rest));
        }
        return String.join("|", out);
    }

    public static String describeUmount(int flags) {
        List<String> out = new ArrayList<>();
        String[] names = {"MNT_FORCE", "MNT_DETACH", "MNT_EXPIRE", "UMOUNT_NOFOLLOW"};
        int rest = flags;
        for (int i = 0; i < 4; i++) {
            if ((flags & (1 << i)) != 0) {
                out.add(names[i]);
                rest &= ~(1 << i);
            }
        }
        if (rest != 0 || out.isEmpty()) {
            out.add(rest == 0 ? "0" : "0x" + Integer.toHexString(rest));
        }
        return String.join("|", out);
    }
}
