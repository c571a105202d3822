package blocksim.fs;

import blocksim.block.BlockDevice;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.kernel.DevT;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The block layer's files: device nodes in {@code /dev} (as devtmpfs creates them with no udev
 * to change them: {@code brw------- root root}), {@code /proc/partitions} and {@code /proc/devices}, and {@code /sys/block} with the
 * attributes of 6.18 {@code block/genhd.c:disk_attrs} and {@code block/partitions/core.c:part_attrs}
 * (2.6.32: {@code block/genhd.c} and {@code fs/partitions/check.c}).
 */
public final class BlockFs {

    private final Genhd genhd;

    public BlockFs(Genhd genhd) {
        this.genhd = genhd;
    }

    /** {@code /dev}: every registered disk and partition, plus {@code null} and {@code zero}. */
    public Inode.Dir dev() {
        return GeneratedDir.devtmpfs(this::devEntries).lookupBy(this::devNode);
    }

    /** One {@code /dev} name, as {@link #devEntries} would have it. */
    private Inode devNode(String name) {
        if (name.equals("null")) {
            return new Inode.Device(false, DevT.mkdev(1, 3), 0666, 0);
        }
        if (name.equals("zero")) {
            return new Inode.Device(false, DevT.mkdev(1, 5), 0666, 0);
        }
        java.util.Optional<BlockDevice> b = genhd.lookup(name);
        if (b.isPresent()) {
            return node(b.get());
        }
        for (Genhd.CharRegion r : genhd.chrdevs()) {
            for (int minor = r.firstMinor(); minor < r.firstMinor() + r.count(); minor++) {
                if (name.equals(r.nodeName().apply(minor))) {
                    return new Inode.Device(false, DevT.mkdev(r.major(), minor), 0600, 0);
                }
            }
        }
        return null;
    }

    private Map<String, Inode> devEntries() {
        Map<String, Inode> m = new TreeMap<>();
        m.put("null", new Inode.Device(false, DevT.mkdev(1, 3), 0666, 0));
        m.put("zero", new Inode.Device(false, DevT.mkdev(1, 5), 0666, 0));
        for (Genhd.CharRegion r : genhd.chrdevs()) {
            for (int minor = r.firstMinor(); minor < r.firstMinor() + r.count(); minor++) {
                String name = r.nodeName().apply(minor);
                if (name != null) {
                    m.put(name, new Inode.Device(false, DevT.mkdev(r.major(), minor), 0600, 0));
                }
            }
        }
        for (Gendisk d : genhd.disks()) {
            m.put(d.name(), node(d.part0()));
            for (BlockDevice p : d.partitions()) {
                m.put(p.name(), node(p));
            }
        }
        return m;
    }

    private static Inode node(BlockDevice b) {
        return new Inode.Device(true, b.dev(), 0600, 0);
    }

    /** {@code /proc}. */
    public Inode.Dir proc(java.util.function.Supplier<Map<String, Inode>> more) {
        return new GeneratedDir(() -> {
            Map<String, Inode> m = new LinkedHashMap<>();
            m.put("partitions", new Inode.Generated(genhd::procPartitions));
            m.put("devices", new Inode.Generated(genhd::procDevicesBlock));
            m.putAll(more.get());
            return m;
        });
    }

    /** {@code /sys}, holding {@code /sys/block}. */
    public Inode.Dir sys() {
        boolean kernfs = FsRules.of(genhd.profile()).kernfsOrder();
        GeneratedDir block = new GeneratedDir(() -> {
            Map<String, Inode> m = new TreeMap<>();
            for (Gendisk d : genhd.disks()) {
                m.put(d.name(), diskDir(d));
            }
            return m;
        }).ofLinks().kernfs(kernfs).lookupBy(name -> genhd.disk(name).map(this::diskDir).orElse(null));
        if (!kernfs) {
            return new GeneratedDir(() -> Map.of("block", block));
        }
        // 6.18 drivers/block/loop.c: module_param(max_part, int, 0444), max_loop and hw_queue_depth
        // likewise (2.6.32 registers them with mode 0: no files). Measured: 128, 8 and 0 by default.
        int mp = genhd.config().loopMaxPart();
        int shownPart = mp > 0 ? (1 << (32 - Integer.numberOfLeadingZeros(mp))) - 1 : 0;
        int shownLoop = genhd.config().loopMaxLoop() > 0 ? genhd.config().loopMaxLoop() : 8;
        GeneratedDir params = new GeneratedDir(() -> {
            Map<String, Inode> m = new TreeMap<>();
            m.put("hw_queue_depth", text(() -> "128\n"));
            m.put("max_loop", text(() -> shownLoop + "\n"));
            m.put("max_part", text(() -> shownPart + "\n"));
            return m;
        }).kernfs(true);
        GeneratedDir loop = new GeneratedDir(() -> Map.of("parameters", params)).kernfs(true);
        GeneratedDir module = new GeneratedDir(() -> Map.of("loop", loop)).kernfs(true);
        return new GeneratedDir(() -> Map.of("block", block, "module", module)).kernfs(kernfs);
    }

    /**
     * {@code /sys/block/DISK}. Both eras: dev, size (get_capacity), ro (get_disk_ro), range
     * (minors), ext_range, removable, alignment_offset. 2.6.32: capability is the disk's flags in
     * hex (GENHD_FL_UP 0x10, DRIVERFS 0x2 and EXT_DEVT 0x40 for sd). 6.18: capability is always 0,
     * and hidden, discard_alignment and partscan ({@code disk_has_partscan}) are added.
     */
    private Inode.Dir diskDir(Gendisk d) {
        boolean attrs618 = FsRules.of(genhd.profile()).sysfsAttrs618();
        return new GeneratedDir(() -> {
            Map<String, Inode> m = new TreeMap<>();
            m.put("dev", text(() -> d.part0().dev() + "\n"));
            m.put("size", text(() -> Long.toUnsignedString(d.capacity()) + "\n"));
            m.put("ro", text(() -> (d.getDiskRo() ? 1 : 0) + "\n"));
            m.put("range", text(() -> d.minors() + "\n"));
            m.put("ext_range", text(() -> d.maxParts() + "\n"));
            m.put("removable", text(() -> (d.hasFlag(Gendisk.Flag.REMOVABLE) ? 1 : 0) + "\n"));
            m.put("alignment_offset", text(() -> d.alignmentOffset() + "\n"));
            m.put("queue", queueDir(d));
            if (d.model() != null || d.vendor() != null) {
                m.put("device", new GeneratedDir(() -> {
                    Map<String, Inode> dev = new TreeMap<>();
                    // scsi_device's attributes are the inquiry's padded fields: vendor 8, model 16 bytes
                    dev.put("vendor", text(() -> String.format("%-8s", d.vendor() == null ? "" : d.vendor()) + "\n"));
                    dev.put("model", text(() -> String.format("%-16s", d.model() == null ? "" : d.model()) + "\n"));
                    return dev;
                }));
            }
            if (attrs618) {
                m.put("capability", text(() -> "0\n"));
                m.put("hidden", text(() -> (d.hasFlag(Gendisk.Flag.HIDDEN) ? 1 : 0) + "\n"));
                m.put("discard_alignment", text(() -> "0\n"));
                m.put("partscan", text(() -> (d.hasPartscan() ? 1 : 0) + "\n"));
            } else {
                m.put("capability", text(() -> Integer.toHexString(capability2632(d)) + "\n"));
            }
            d.driver().sysfsGroups(d).forEach((group, attrs) -> m.put(group, new GeneratedDir(() -> {
                Map<String, Inode> g = new TreeMap<>();
                attrs.forEach((name, content) -> g.put(name, text(content)));
                return g;
            }).kernfs(FsRules.of(genhd.profile()).kernfsOrder())));
            for (BlockDevice p : d.partitions()) {
                m.put(p.name(), partDir(p));
            }
            return m;
        }).kernfs(FsRules.of(genhd.profile()).kernfsOrder());
    }

    /**
     * {@code /sys/block/DISK/queue} ({@code block/blk-sysfs.c}, both eras): the block sizes, the
     * I/O sizes and the request size limit.
     */
    private Inode.Dir queueDir(Gendisk d) {
        return new GeneratedDir(() -> {
            Map<String, Inode> q = new TreeMap<>();
            q.put("logical_block_size", text(() -> d.logicalBlockSize() + "\n"));
            q.put("hw_sector_size", text(() -> d.logicalBlockSize() + "\n"));
            q.put("physical_block_size", text(() -> d.physicalBlockSize() + "\n"));
            q.put("minimum_io_size", text(() -> d.ioMin() + "\n"));
            q.put("optimal_io_size", text(() -> d.ioOpt() + "\n"));
            q.put("max_sectors_kb", text(() -> (d.maxSectors() / 2) + "\n"));
            return q;
        }).kernfs(FsRules.of(genhd.profile()).kernfsOrder());
    }

    /** 2.6.32 {@code disk->flags} as {@code capability} shows it. */
    private static int capability2632(Gendisk d) {
        int flags = 0x10;
        if (d.hasFlag(Gendisk.Flag.REMOVABLE)) {
            flags |= 0x1;
        }
        if (d.hasFlag(Gendisk.Flag.EXT_DEVT)) {
            flags |= 0x40 | 0x2;
        }
        return flags;
    }

    /**
     * {@code /sys/block/DISK/PART}: dev, partition, start, size, alignment_offset in both eras;
     * 6.18 adds ro ({@code bdev_read_only}: the partition's flag or the disk's) and
     * discard_alignment. 2.6.32 has no ro file for partitions.
     */
    private Inode.Dir partDir(BlockDevice p) {
        boolean attrs618 = FsRules.of(genhd.profile()).sysfsAttrs618();
        return new GeneratedDir(() -> {
            Map<String, Inode> m = new TreeMap<>();
            m.put("dev", text(() -> p.dev() + "\n"));
            m.put("partition", text(() -> p.partno() + "\n"));
            m.put("start", text(() -> Long.toUnsignedString(p.startSect()) + "\n"));
            m.put("size", text(() -> Long.toUnsignedString(p.nrSects()) + "\n"));
            m.put("alignment_offset", text(() -> p.disk().alignmentOffset(p) + "\n"));
            if (attrs618) {
                m.put("ro", text(() -> (p.readOnly() ? 1 : 0) + "\n"));
                m.put("discard_alignment", text(() -> "0\n"));
            }
            return m;
        });
    }

    private static Inode text(java.util.function.Supplier<String> s) {
        return new Inode.Generated(s, true);
    }
}
