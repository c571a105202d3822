package blocksim.uapi;

import java.util.ArrayList;
import java.util.List;

/** open(2) flags, x86_64 values ({@code include/uapi/asm-generic/fcntl.h}). */
public final class OpenFlags {

    private OpenFlags() {
    }

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_ACCMODE = 3;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECT = 040000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_CLOEXEC = 02000000;

    public static boolean readable(int flags) {
        return (flags & O_ACCMODE) != O_WRONLY;
    }

    public static boolean writable(int flags) {
        int acc = flags & O_ACCMODE;
        return acc == O_WRONLY || acc == O_RDWR;
    }

    /** strace style: {@code O_RDWR|O_EXCL}. */
    public static String describe(int flags) {
        List<String> parts = new ArrayList<>();
        parts.add(switch (flags & O_ACCMODE) {
            case O_WRONLY -> "O_WRONLY";
            case O_RDWR -> "O_RDWR";
            case O_RDONLY -> "O_RDONLY";
            default -> "O_ACCMODE";
        });
        if ((flags & O_CREAT) != 0) {
            parts.add("O_CREAT");
        }
        if ((flags & O_EXCL) != 0) {
            parts.add("O_EXCL");
        }
        if ((flags & O_TRUNC) != 0) {
            parts.add("O_TRUNC");
        }
        if ((flags & O_APPEND) != 0) {
            parts.add("O_APPEND");
        }
        if ((flags & O_NONBLOCK) != 0) {
            parts.add("O_NONBLOCK");
        }
        if ((flags & O_DIRECT) != 0) {
            parts.add("O_DIRECT");
        }
        if ((flags & O_DIRECTORY) != 0) {
            parts.add("O_DIRECTORY");
        }
        if ((flags & O_CLOEXEC) != 0) {
            parts.add("O_CLOEXEC");
        }
        return String.join("|", parts);
    }
}
