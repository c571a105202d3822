package blocksim.kernel;

import java.util.Arrays;
import java.util.Optional;

/**
 * A kernel era. Where the kernel's behaviour differs between releases, the model asks the profile;
 * docs/profiles.md lists every such difference with its source.
 */
public enum Profile {
    /** Vanilla 2.6.32.69 (longterm): fs/partitions/check.c, fs/block_dev.c, block/ioctl.c. */
    LINUX_2_6_32("linux-2.6.32"),
    /** 6.18.2: block/partitions/core.c, block/bdev.c, block/ioctl.c, block/genhd.c. */
    LINUX_6_18("linux-6.18");

    private final String id;

    Profile(String id) {
        this.id = id;
    }

    /** The name used in scenarios and on the command line, such as {@code linux-6.18}. */
    public String id() {
        return id;
    }

    /** True for the 6.18 era, false for 2.6.32. */
    public boolean modern() {
        return this == LINUX_6_18;
    }

    /** The profile with this {@link #id()}, if there is one. */
    public static Optional<Profile> byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
