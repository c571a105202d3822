package blocksim.block;

import blocksim.kernel.DevT;
import blocksim.api.Errno;
import blocksim.api.KernelConfig;
import blocksim.kernel.Printk;
import blocksim.kernel.Ratelimit;
import blocksim.api.Profile;
import blocksim.kernel.Scheduler;
import blocksim.kernel.Mutex;
import blocksim.api.Task;
import blocksim.kernel.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The disk registry: {@code block/genhd.c} in both eras. Block majors ({@code register_blkdev}),
 * extended dev_t numbers on major 259, disk registration and removal, and {@code /proc/partitions}.
 * It also ties together the other parts of the block layer of one simulated kernel.
 */
public final class Genhd {

    /** {@code DISK_MAX_PARTS}. */
    public static final int DISK_MAX_PARTS = 256;
    /** 6.18 {@code NR_EXT_DEVT} ({@code 1 << MINORBITS}); 2.6.32 {@code MAX_EXT_DEVT} is the same. */
    static final int NR_EXT_DEVT = 1 << DevT.MINOR_BITS;
    /** {@code BLKDEV_MAJOR_HASH_SIZE} - 1: the first major handed out dynamically. */
    static final int FIRST_DYNAMIC_MAJOR = 254;

    final Profile profile;
    /** The era's rules for the block core, chosen at boot. */
    final BlockRules rules;
    final KernelConfig config;
    final Printk printk;
    final VirtualClock clock;
    /** Runs kernel threads (asynchronous scans) and lets mutexes park; null outside a scheduler. */
    final Scheduler scheduler;
    /** Creates the task a kernel thread runs as, such as {@code scan sda}. */
    private final java.util.function.Function<String, Task> kthreads;
    /**
     * Block devices whose partitions are being scanned now: the list of the seed's patch
     * ({@code rescan_bdevs}), which {@link #rescanWait} drains.
     */
    private final java.util.LinkedHashSet<BlockDevice> rescanList = new java.util.LinkedHashSet<>();
    final Bdev bdev;
    final PartitionsCore partitions;
    final BlockIoctl ioctl;
    final BlkCore blk;

    /** Disks in registration order, which is the order of /proc/partitions. */
    /** The registered disks by name, in registration order. */
    private final java.util.LinkedHashMap<String, Gendisk> disks = new java.util.LinkedHashMap<>();
    /** Every live block device (whole disks and partitions) by number and by name: O(log n) lookups. */
    private final java.util.TreeMap<DevT, BlockDevice> byDev = new java.util.TreeMap<>();
    private final java.util.TreeMap<String, BlockDevice> byName = new java.util.TreeMap<>();
    private final TreeMap<Integer, String> majorNames = new TreeMap<>();
    /** Extended minors in use, and the lowest that may be free. */
    private final java.util.BitSet extMinors = new java.util.BitSet();
    private int extHint;
    /** 6.18 {@code diskseq}: the last sequence number handed out. */
    private long diskseq;
    /** The one ratelimit state of {@code set_capacity_and_notify}'s log line, shared by every disk. */
    private final Ratelimit capacityLimit;

    public Genhd(Profile profile, KernelConfig config, Printk printk, VirtualClock clock, Scheduler scheduler,
                 java.util.function.Function<String, Task> kthreads) {
        this.profile = profile;
        this.rules = BlockRules.of(profile);
        this.config = config;
        this.printk = printk;
        this.clock = clock;
        this.scheduler = scheduler;
        this.kthreads = kthreads;
        this.bdev = new Bdev(this);
        this.partitions = new PartitionsCore(this);
        this.ioctl = new BlockIoctl(this);
        this.blk = new BlkCore(this);
        this.capacityLimit = new Ratelimit(clock, printk, "set_capacity_and_notify", Ratelimit.DEFAULT_INTERVAL_NANOS,
                Ratelimit.DEFAULT_BURST);
        majorNames.put(DevT.BLOCK_EXT_MAJOR, "blkext");
    }

    /**
     * 6.18 {@code block/genhd.c:set_capacity_and_notify}'s log line for a live disk whose capacity
     * changed: {@code "loop0: detected capacity change from 0 to 32768"}, ratelimited with the
     * default state (10 per 5 s, for every disk together). Measured on the live 6.18.44 kernel:
     * 14 loop binds in a row log 10 lines, and the next line after a quiet interval is preceded by
     * {@code "set_capacity_and_notify: N callbacks suppressed"}.
     */
    public void notifyCapacityChange(Gendisk disk, long old) {
        // set_capacity_and_notify: nothing for an unchanged size, a disk not live or hidden
        if (disk.capacity() == old || !disk.live() || disk.hasFlag(Gendisk.Flag.HIDDEN)) {
            return;
        }
        if (capacityLimit.allow()) {
            printk.printk(Printk.Level.INFO, disk.name() + ": detected capacity change from " + old + " to "
                    + disk.capacity() + "\n");
        }
    }

    /** A new kernel thread's task ({@code kthread_create}), for a driver's worker. */
    public Task kthread(String name) {
        return kthreads.apply(name);
    }

    /** The scheduler that runs the kernel's tasks (drivers wait on it). */
    public Scheduler scheduler() {
        return scheduler;
    }

    public Profile profile() {
        return profile;
    }

    public KernelConfig config() {
        return config;
    }

    public Printk printk() {
        return printk;
    }

    public Bdev bdev() {
        return bdev;
    }

    public BlockIoctl ioctl() {
        return ioctl;
    }

    public BlkCore blk() {
        return blk;
    }

    public PartitionsCore partitions() {
        return partitions;
    }

    /**
     * {@code register_blkdev(major, name)}: a fixed major, or with 0 the highest free one from 254
     * down. Returns the major, or {@code -EBUSY} when taken / none is free.
     */
    public int registerBlkdev(int major, String name) {
        if (major == 0) {
            for (int m = FIRST_DYNAMIC_MAJOR; m > 0; m--) {
                if (!majorNames.containsKey(m)) {
                    majorNames.put(m, name);
                    return m;
                }
            }
            return -Errno.EBUSY.number();
        }
        if (majorNames.containsKey(major)) {
            return -Errno.EBUSY.number();
        }
        majorNames.put(major, name);
        return major;
    }

    /** {@code unregister_blkdev}. */
    public void unregisterBlkdev(int major) {
        majorNames.remove(major);
    }

    /** A character device region ({@code register_chrdev_region} and {@code cdev_add}): its minors, name, driver and node names. */
    public record CharRegion(int major, int firstMinor, int count, String name, CharDriver driver,
                             java.util.function.IntFunction<String> nodeName) {
    }

    /** {@code chrdevs}: mem (1) is always there, for /dev/null and /dev/zero. */
    private final java.util.List<CharRegion> charRegions = new java.util.ArrayList<>();

    /**
     * {@code register_chrdev_region} + {@code cdev_add}: EBUSY when the minors overlap a region
     * already registered on that major. {@code nodeName} names devtmpfs's node for a minor
     * ({@code device_create}), or gives null for none.
     */
    public int registerChrdev(CharRegion region) {
        for (CharRegion r : charRegions) {
            if (r.major() == region.major() && region.firstMinor() < r.firstMinor() + r.count()
                    && r.firstMinor() < region.firstMinor() + region.count()) {
                return -Errno.EBUSY.number();
            }
        }
        charRegions.add(region);
        return 0;
    }

    /** {@code unregister_chrdev_region}. */
    public void unregisterChrdev(CharRegion region) {
        charRegions.remove(region);
    }

    /** The region a character device number falls in ({@code kobj_lookup} of {@code cdev_map}). */
    public Optional<CharRegion> chrdev(DevT dev) {
        return charRegions.stream().filter(r -> r.major() == dev.major() && dev.minor() >= r.firstMinor()
                && dev.minor() < r.firstMinor() + r.count()).findFirst();
    }

    public java.util.List<CharRegion> chrdevs() {
        return java.util.List.copyOf(charRegions);
    }

    /**
     * {@code fs/proc/devices.c:devinfo_show}: "Character devices:" with mem (1) and each registered
     * major, a blank line, then "Block devices:", one "%3d %s" line per major.
     */
    public String procDevicesBlock() {
        java.util.TreeMap<Integer, String> chars = new java.util.TreeMap<>();
        chars.put(1, "mem");
        charRegions.forEach(r -> chars.putIfAbsent(r.major(), r.name()));
        StringBuilder sb = new StringBuilder("Character devices:\n");
        chars.forEach((m, n) -> sb.append(String.format("%3d %s%n", m, n)));
        sb.append("\nBlock devices:\n");
        majorNames.forEach((m, n) -> sb.append(String.format("%3d %s%n", m, n)));
        return sb.toString();
    }

    /** Allocates an unregistered disk ({@code __alloc_disk_node} with the driver's fields set). */
    public Gendisk allocDisk(BlockDriver fops, int major, int firstMinor, int minors, String name,
                             Set<Gendisk.Flag> flags) {
        Gendisk disk = new Gendisk(this, fops, major, firstMinor, minors, name, flags);
        incDiskseq(disk);
        return disk;
    }

    /** 6.18 {@code block/genhd.c:inc_diskseq}: a new medium (a new disk, a rebound loop device). */
    public void incDiskseq(Gendisk disk) {
        disk.diskseq = ++diskseq;
    }

    /**
     * {@code add_disk}: registers the disk and runs its first partition scan, whose errors are
     * ignored. 6.18 {@code block/genhd.c:add_disk_final}: with a capacity and partscan,
     * {@code GD_NEED_PART_SCAN} is set and {@code disk_scan_partitions(disk, BLK_OPEN_READ)} opens
     * the disk. 2.6.32 {@code fs/partitions/check.c:register_disk}: for a partitionable disk with a
     * capacity, {@code bd_invalidated} is set and a read open of the disk rescans.
     */
    public void addDisk(Gendisk disk, Task task) {
        if (disks.containsKey(disk.diskName)) {
            throw new IllegalStateException(disk + " already added");
        }
        disks.put(disk.diskName, disk);
        index(disk.part0);
        if (disk.capacity() == 0) {
            return;
        }
        if (disk.scanDelayMax > 0 && scheduler != null) {
            // A slow disk: its first scan runs in a kernel thread, as drivers probe asynchronously.
            Task kthread = kthreads.apply("scan " + disk.diskName);
            scheduler.spawn(kthread, kthread.comm(), () -> firstScan(disk, kthread));
            return;
        }
        firstScan(disk, task);
    }

    private void firstScan(Gendisk disk, Task task) {
        if (rules.scanInAddDisk()) {
            if (disk.hasPartscan()) {
                disk.setState(Gendisk.State.NEED_PART_SCAN, true);
            }
            partitions.diskScanPartitions(disk, Bdev.MODE_READ, task);
        } else if (disk.hasPartscan()) {
            disk.setState(Gendisk.State.NEED_PART_SCAN, true);
            if (bdev.blkdevGet(disk.part0, Bdev.MODE_READ, null, task) == 0) {
                bdev.blkdevPut(disk.part0, Bdev.MODE_READ, null, task);
            }
        }
    }

    /**
     * {@code del_gendisk}: drops every partition whatever its openers, marks the disk dead
     * ({@code !disk_live}) and unregisters it. Open files keep their block devices; new opens and
     * partition changes fail with ENXIO.
     */
    public void delGendisk(Gendisk disk) {
        if (disks.get(disk.diskName) != disk) {
            throw new IllegalStateException(disk + " is not registered");
        }
        disks.remove(disk.diskName);
        unindex(disk.part0);
        disk.setState(Gendisk.State.DEAD, true);
        for (BlockDevice part : new ArrayList<>(disk.partTbl.values())) {
            partitions.dropPartition(part);
        }
    }

    /** A block device is reachable by number and name (add_disk, add_partition). */
    void index(BlockDevice b) {
        byDev.put(b.bdDev, b);
        byName.put(b.name(), b);
    }

    /** It is not any more (del_gendisk, delete_partition). */
    void unindex(BlockDevice b) {
        byDev.remove(b.bdDev, b);
        byName.remove(b.name(), b);
    }

    /** A mutex of this kernel: it parks waiting tasks on the scheduler. */
    Mutex newMutex(String name) {
        return new Mutex(name, scheduler);
    }

    /** The block devices being scanned now, oldest first. */
    public java.util.List<BlockDevice> rescanning() {
        return java.util.List.copyOf(rescanList);
    }

    void rescanStart(BlockDevice bdev) {
        rescanList.add(bdev);
    }

    void rescanDone(BlockDevice bdev) {
        rescanList.remove(bdev);
    }

    /**
     * The seed's {@code rescan_partitions_wait}: while a device is on the rescan list, take and drop
     * the mutex its scan holds (the whole disk's {@code bd_mutex} in 2.6.32, {@code open_mutex} in
     * 6.18), which blocks until that scan is done; until the list is empty.
     */
    public void rescanWait(Task task) {
        while (!rescanList.isEmpty()) {
            BlockDevice bd = rescanList.iterator().next();
            Mutex m = rules.openMutexClaimFirst() ? bd.bdDisk.openMutex : bd.bdMutex;
            m.lock(task);
            m.unlock(task);
        }
        if (!rescanList.isEmpty()) {
            throw new IllegalStateException("rescan_partitions_wait returned with " + rescanList + " still scanning");
        }
    }

    /**
     * The slow part of a scan: reading the table from a disk under load takes the delay drawn for
     * its first scan (from the seed, between the disk's minimum and maximum), once.
     */
    void scanIo(Gendisk disk) {
        if (disk.scanDelayMax <= 0 || scheduler == null || scheduler.current() == null) {
            return;
        }
        long min = disk.scanDelayMin;
        long max = disk.scanDelayMax;
        disk.scanDelayMin = 0;
        disk.scanDelayMax = 0;
        scheduler.sleep(min == max ? max : scheduler.draw(min, max));
    }

    /** The registered disks, in registration order. */
    public List<Gendisk> disks() {
        return List.copyOf(disks.values());
    }

    public Optional<Gendisk> disk(String name) {
        return Optional.ofNullable(disks.get(name));
    }

    /** {@code blkdev_get_no_open}: the live block device with this number, if any. */
    public Optional<BlockDevice> lookup(DevT dev) {
        return Optional.ofNullable(byDev.get(dev));
    }

    /** The block device named {@code sda}, {@code sda1}, {@code loop0p1}, if it exists. */
    public Optional<BlockDevice> lookup(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * An extended minor on major 259: the lowest free number, as 6.18's
     * {@code block/genhd.c:blk_alloc_ext_minor} ({@code ida_alloc_range} up to
     * {@code NR_EXT_DEVT - 1}) and 2.6.32's {@code blk_alloc_devt} ({@code idr_get_new}) both
     * give. When none is left both eras answer EBUSY: mainline turns the ida's -ENOSPC into
     * -EBUSY (read in 5.13's {@code blk_alloc_devt} and in the {@code blk_alloc_ext_minor} that
     * replaced it in 5.14; not read in the 6.18 tree itself, and not measured: a million
     * partitions is more than a test should make), which {@code add_partition} returns;
     * 2.6.32 checks {@code idx > MAX_EXT_DEVT}.
     */
    int allocExtMinor() {
        int m = extMinors.nextClearBit(extHint);
        if (m >= NR_EXT_DEVT) {
            return -Errno.EBUSY.number();
        }
        extMinors.set(m);
        extHint = m + 1;
        return m;
    }

    /**
     * Releases a deleted partition's extended minor. 2.6.32 {@code fs/partitions/check.c:
     * delete_partition} calls {@code blk_free_devt} at once. 6.18 frees it in
     * {@code block/bdev.c:bdev_free_inode}, when the partition's inode goes (an RCU callback after
     * the last reference), and the next ADD gets it back: measured on the live 6.18.44 kernel,
     * ADD/DEL of one partition with half a second between cycles gives 259:0 every time; cycles
     * in a tight loop, where the callback may not have run yet, gave 259:0, 1, 2, 0, 3, 1. The
     * model frees it when the partition is dropped (a deleted partition is never open: DEL and
     * BLKRRPART refuse open ones), as the spaced cycles show.
     */
    void freeExtMinor(Gendisk disk, int minor) {
        extMinors.clear(minor);
        extHint = Math.min(extHint, minor);
    }

    /**
     * {@code /proc/partitions}: {@code block/genhd.c:show_partition_start} and {@code show_partition}.
     * The header only when a disk is registered; rows {@code "%4d  %7d %10llu %s\n"} with the size
     * in KiB; disks of capacity 0 and partitions of size 0 are skipped, as are 6.18 HIDDEN disks
     * and 2.6.32 removable disks that cannot be partitioned.
     */
    public String procPartitions() {
        StringBuilder sb = new StringBuilder();
        if (!disks.isEmpty()) {
            sb.append("major minor  #blocks  name\n\n");
        }
        for (Gendisk d : disks.values()) {
            if (d.capacity() == 0) {
                continue;
            }
            if (rules.procHidesHidden() ? d.hasFlag(Gendisk.Flag.HIDDEN)
                    : d.maxParts() <= 1 && d.hasFlag(Gendisk.Flag.REMOVABLE)) {
                continue;
            }
            row(sb, d.part0);
            for (BlockDevice p : d.partTbl.values()) {
                if (p.nrSects != 0) {
                    row(sb, p);
                }
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, BlockDevice b) {
        sb.append(String.format("%4d  %7d %10s %s%n", b.bdDev.major(), b.bdDev.minor(),
                Long.toUnsignedString(b.nrSects >>> 1), b.name()));
    }
}
