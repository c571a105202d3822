package blocksim.fs;

/**
 * A mount ({@code struct mount}): a superblock's directory ({@code mnt_root}, the superblock's root
 * or, for a bind mount, a directory inside it) attached on a directory of its parent mount
 * ({@code mnt_mountpoint}), with the per-mount flags and the source name {@code /proc/mounts}
 * shows ({@code mnt_devname}).
 */
public final class Mount {

    /** {@code MNT_READONLY}, {@code MNT_NOSUID}, {@code MNT_NODEV}, {@code MNT_NOEXEC}, {@code MNT_RELATIME}. */
    public static final int READONLY = 1;
    public static final int NOSUID = 2;
    public static final int NODEV = 4;
    public static final int NOEXEC = 8;
    public static final int RELATIME = 0x20;

    final int id;
    final Mount parent;
    final Inode.Dir mountpoint;
    final Inode.Dir root;
    final SuperBlock sb;
    final String source;
    /** Where it is attached, as an absolute path ({@code /} for the root mount). */
    final String path;
    /** Its root inside the filesystem ({@code /} unless a bind mount of a subdirectory). */
    final String rootPath;
    int flags;
    /** Descriptors and working directories that use it ({@code mnt_count} beyond the tree's own). */
    int users;

    Mount(int id, Mount parent, Inode.Dir mountpoint, Inode.Dir root, SuperBlock sb, String source, String path,
            String rootPath, int flags) {
        this.id = id;
        this.parent = parent;
        this.mountpoint = mountpoint;
        this.root = root;
        this.sb = sb;
        this.source = source;
        this.path = path;
        this.rootPath = rootPath;
        this.flags = flags;
    }

    public SuperBlock sb() {
        return sb;
    }

    public String path() {
        return path;
    }

    public String source() {
        return source;
    }

    /** {@code __mnt_is_readonly}: the mount's flag or the superblock's. */
    public boolean readOnly() {
        return (flags & READONLY) != 0 || sb.readOnly;
    }

    @Override
    public String toString() {
        return source + " on " + path;
    }
}
