package blocksim.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** A directory whose entries are computed from kernel state every time it is read. */
final class GeneratedDir implements Inode.Dir {

    private final Supplier<Map<String, Inode>> entries;
    /** A lookup of one name that need not build the whole listing, or null. */
    private java.util.function.Function<String, Inode> one;
    private final boolean nameMax;
    private boolean links;
    private boolean kernfs;

    /** A sysfs or procfs directory: a name it does not have is ENOENT, however long. */
    public GeneratedDir(Supplier<Map<String, Inode>> entries) {
        this(entries, false);
    }

    private GeneratedDir(Supplier<Map<String, Inode>> entries, boolean nameMax) {
        this.entries = entries;
        this.nameMax = nameMax;
    }

    /**
     * A devtmpfs directory: shmem's lookup ({@code mm/shmem.c}, {@code fs/libfs.c:simple_lookup})
     * answers ENAMETOOLONG for a name over NAME_MAX. Measured on 6.18: {@code open("/dev/" + 256
     * bytes)} is ENAMETOOLONG, {@code open("/sys/block/" + 300 bytes)} and {@code /proc/...} are
     * ENOENT.
     */
    public static GeneratedDir devtmpfs(Supplier<Map<String, Inode>> entries) {
        return new GeneratedDir(entries, true);
    }

    /** {@code /sys/block}: its entries are symlinks to the disks' directories in {@code /sys/devices}. */
    public GeneratedDir ofLinks() {
        links = true;
        return this;
    }

    /** A 6.18 sysfs directory: listed in kernfs hash order ({@link blocksim.kernel.Kernfs}). */
    public GeneratedDir kernfs(boolean on) {
        kernfs = on;
        return this;
    }

    /**
     * Answers a lookup of one name with {@code f} instead of building every entry (a {@code /dev}
     * open among thousands of disks); {@code f} must agree with the listing.
     */
    public GeneratedDir lookupBy(java.util.function.Function<String, Inode> f) {
        one = f;
        return this;
    }

    @Override
    public boolean entriesAreLinks() {
        return links;
    }

    @Override
    public boolean enforcesNameMax() {
        return nameMax;
    }

    @Override
    public int perm() {
        return 0755;
    }

    @Override
    public Optional<Inode> lookup(String name) {
        return Optional.ofNullable(one != null ? one.apply(name) : entries.get().get(name));
    }

    @Override
    public List<String> list() {
        List<String> names = new ArrayList<>(new TreeMap<>(entries.get()).keySet());
        if (kernfs) {
            names.sort(blocksim.kernel.Kernfs.ORDER);
        }
        return names;
    }
}
