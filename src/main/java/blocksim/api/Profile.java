package blocksim.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * A kernel era. The profile names the era; what differs between eras is decided by each
 * subsystem's rules, chosen from the profile once at boot ({@code block.BlockRules},
 * {@code block.partitions.ParserRules}, {@code drivers.DriverRules}, {@code fs.FsRules}), so that
 * another era is another set of rules, not an edit of every file. docs/profiles.md lists every
 * difference with its source, and the rules the code asks.
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

    /** The profile with this {@link #id()}, if there is one. */
    public static Optional<Profile> byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
