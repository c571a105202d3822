package blocksim.uapi;

/**
 * System calls written as strace writes them ({@code open("/dev/sda1", O_RDWR)},
 * {@code ioctl(3, BLKPG, {op=BLKPG_ADD_PARTITION, ...})}), for the call a failed
 * {@code SysResult} names. Buffers are {@code ...}; a path is quoted with its NUL and control
 * characters escaped.
 */
public final class Strace {

    private Strace() {
    }

    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        int shown = Math.min(s.length(), 64);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"', '\\' -> b.append('\\').append(c);
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\%o", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
        return s.length() > shown ? b + "..." : b.toString();
    }

    public static String open(String path, int flags) {
        return "open(" + quote(String.valueOf(path)) + ", " + OpenFlags.describe(flags) + ")";
    }

    public static String path(String call, String path) {
        return call + "(" + quote(String.valueOf(path)) + ")";
    }

    public static String mkdir(String path, int mode) {
        return "mkdir(" + quote(String.valueOf(path)) + ", 0" + Integer.toOctalString(mode) + ")";
    }

    /** {@code mount("/dev/sdb1", "/mnt", "ext4", MS_RDONLY, NULL)}. */
    public static String mount(String source, String target, String fstype, long flags, String data) {
        return "mount(" + str(source) + ", " + str(target) + ", " + str(fstype) + ", " + MountFlags.describe(flags)
                + ", " + str(data) + ")";
    }

    /** {@code umount2("/mnt", MNT_DETACH)}. */
    public static String umount2(String target, int flags) {
        return "umount2(" + str(target) + ", " + MountFlags.describeUmount(flags) + ")";
    }

    public static String rename(String from, String to) {
        return "rename(" + str(from) + ", " + str(to) + ")";
    }

    public static String truncate(String path, long length) {
        return "truncate(" + str(path) + ", " + length + ")";
    }

    private static String str(String s) {
        return s == null ? "NULL" : quote(s);
    }

    public static String fd(String call, int fd) {
        return call + "(" + fd + ")";
    }

    public static String io(String call, int fd, int len) {
        return call + "(" + fd + ", ..., " + len + ")";
    }

    public static String io(String call, int fd, int len, long pos) {
        return call + "(" + fd + ", ..., " + len + ", " + pos + ")";
    }

    public static String lseek(int fd, long offset, int whence) {
        String w = switch (whence) {
            case 0 -> "SEEK_SET";
            case 1 -> "SEEK_CUR";
            case 2 -> "SEEK_END";
            case 3 -> "SEEK_DATA";
            case 4 -> "SEEK_HOLE";
            default -> Integer.toString(whence);
        };
        return "lseek(" + fd + ", " + offset + ", " + w + ")";
    }

    public static String ioctl(int fd, long request, IoctlArg arg) {
        return "ioctl(" + fd + ", " + Ioctl.name(request) + (arg instanceof IoctlArg.Null ? "" : ", " + arg) + ")";
    }
}
