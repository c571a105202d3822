package blocksim.fs;

import java.util.Optional;

/**
 * The filesystem types the model registers ({@code register_filesystem}): what {@code mount -t}
 * names and {@code /proc/filesystems} lists. Only the ext family needs a block device
 * ({@code FS_REQUIRES_DEV}); the rest are the pseudo-filesystems of the boot mounts and tmpfs.
 */
public enum FsType {
    TMPFS("tmpfs", false),
    DEVTMPFS("devtmpfs", false),
    PROC("proc", false),
    SYSFS("sysfs", false),
    EXT2("ext2", true),
    EXT3("ext3", true),
    EXT4("ext4", true);

    private final String fsName;
    private final boolean requiresDev;

    FsType(String fsName, boolean requiresDev) {
        this.fsName = fsName;
        this.requiresDev = requiresDev;
    }

    /** The name in {@code mount -t} and the third field of {@code /proc/mounts}. */
    public String fsName() {
        return fsName;
    }

    /** {@code FS_REQUIRES_DEV}: the source is a block device. */
    public boolean requiresDev() {
        return requiresDev;
    }

    public boolean isExt() {
        return requiresDev;
    }

    /** {@code get_fs_type}: the registered type of that name. */
    public static Optional<FsType> byName(String name) {
        for (FsType t : values()) {
            if (t.fsName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
