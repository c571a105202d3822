package blocksim.block;

import blocksim.kernel.DevT;
import blocksim.kernel.Mutex;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * A disk: {@code struct gendisk}. Holds its driver, its name and minor range, its queue limits, its
 * data, and its partition table (6.18 {@code part_tbl} xarray / 2.6.32 {@code disk_part_tbl}).
 */
public final class Gendisk {

    /** {@code GENHD_FL_*} flags. */
    public enum Flag {
        /** {@code GENHD_FL_REMOVABLE}. */
        REMOVABLE,
        /** {@code GENHD_FL_HIDDEN} (6.18): no partitions, not in /proc/partitions. */
        HIDDEN,
        /** {@code GENHD_FL_NO_PART} (6.18): partitions are refused. */
        NO_PART,
        /** {@code GENHD_FL_EXT_DEVT} (2.6.32): partitions beyond the minors go on major 259. */
        EXT_DEVT
    }

    /** {@code GD_*} state bits. */
    public enum State {
        /** {@code GD_NEED_PART_SCAN}: scan partitions at the next open. */
        NEED_PART_SCAN,
        /** {@code GD_SUPPRESS_PART_SCAN} (6.18): the kernel does not scan (loop without PARTSCAN). */
        SUPPRESS_PART_SCAN,
        /** {@code GD_READ_ONLY} (6.18, set by {@code set_disk_ro}). */
        READ_ONLY,
        /** {@code GD_DEAD}: {@code del_gendisk} ran; {@code disk_live()} is false. */
        DEAD
    }

    final Genhd genhd;
    /** {@code disk->fops}; replaced only by tests that stand in for a driver. */
    BlockDriver fops;
    final int major;
    final int firstMinor;
    final int minors;
    final String diskName;
    final Set<Flag> flags;
    final Set<State> state = EnumSet.noneOf(State.class);
    int logicalBlockSize = 512;
    int physicalBlockSize = 512;
    /** {@code queue_limits.io_min}, {@code io_opt}, {@code alignment_offset}: 0 means none. */
    int ioMin;
    int ioOpt;
    int alignmentOffset;
    /** The SCSI inquiry's vendor and model ({@code device/vendor}, {@code device/model}), or null. */
    String vendor;
    String model;
    /** The medium's bytes ({@code null} only while a loop device is unbound). */
    DiskStore store;
    final BlockDevice part0;
    /** Partitions 1..255 by number. */
    final TreeMap<Integer, BlockDevice> partTbl = new TreeMap<>();
    /** 6.18: extended minors of deleted partitions not yet returned (see {@code Genhd.freeExtMinor}). */
    /** 6.18 {@code open_partitions}: partitions with at least one opener. */
    int openPartitions;
    /** 6.18 {@code open_mutex} (2.6.32 uses the whole disk's {@code bd_mutex}). */
    final Mutex openMutex;
    /**
     * {@code bdi->ra_pages}, an unsigned long: 32 pages (128 KiB, {@code VM_READAHEAD_PAGES})
     * unless the driver sets more; a 6.18 loop device has 640 (BLKRAGET shows 5120 sectors).
     */
    long raPages = VM_READAHEAD_PAGES;
    /** {@code VM_READAHEAD_PAGES}: 128 KiB of 4 KiB pages. */
    static final long VM_READAHEAD_PAGES = 32;
    /** {@code queue_max_sectors()}: 2560 (1280 KiB) as on the live kernel's loop devices. */
    int maxSectors = 2560;
    /** How long the first scan of this disk takes: a delay drawn between these (nanoseconds). */
    long scanDelayMin;
    long scanDelayMax;
    /** 6.18 {@code disk->diskseq}: a number no other disk of this boot had. */
    long diskseq;
    /** Driver-private data (a loop device's state, say). */
    Object privateData;

    Gendisk(Genhd genhd, BlockDriver fops, int major, int firstMinor, int minors, String diskName,
            Set<Flag> flags) {
        this.genhd = genhd;
        this.fops = fops;
        this.major = major;
        this.firstMinor = firstMinor;
        this.minors = minors;
        this.diskName = diskName;
        this.flags = flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags);
        this.part0 = new BlockDevice(this, 0, DevT.mkdev(major, firstMinor), 0, 0);
        this.openMutex = genhd.newMutex("open_mutex of " + diskName);
    }

    /**
     * Gives the disk its medium: a logical block size (512 or 4096, as {@code
     * blk_queue_logical_block_size}) and a store whose size becomes the capacity ({@code set_capacity}).
     * Returns the previous capacity in sectors.
     */
    public long setMedium(int lbs, DiskStore medium) {
        if (lbs != 512 && lbs != 4096) {
            throw new IllegalArgumentException("logical block size must be 512 or 4096: " + lbs);
        }
        if (medium.sizeBytes() % lbs != 0) {
            throw new IllegalArgumentException("size must be a multiple of the logical block size");
        }
        long old = part0.nrSects;
        this.logicalBlockSize = lbs;
        this.physicalBlockSize = lbs;
        this.store = medium;
        part0.nrSects = medium.sizeBytes() / 512;
        return old;
    }

    /**
     * {@code set_capacity} for a driver whose medium is its own (a userspace server): the size in
     * sectors, without a store; returns the previous capacity.
     */
    public long setCapacity(long sectors) {
        long old = part0.nrSects;
        part0.nrSects = sectors;
        return old;
    }

    /**
     * The queue limits beyond the logical block size ({@code blk_queue_physical_block_size},
     * {@code blk_queue_alignment_offset}, {@code blk_queue_io_min}, {@code blk_queue_io_opt}), as a
     * driver sets them from what the device reports, and its inquiry strings.
     */
    public void setGeometry(int physical, int alignment, int ioMinBytes, int ioOptBytes, String vendorName, String modelName) {
        this.physicalBlockSize = Math.max(physical, logicalBlockSize);
        this.alignmentOffset = alignment;
        this.ioMin = Math.max(ioMinBytes, physicalBlockSize);
        this.ioOpt = ioOptBytes;
        this.vendor = vendorName;
        this.model = modelName;
    }

    public int ioMin() {
        return ioMin == 0 ? physicalBlockSize : ioMin;
    }

    public int ioOpt() {
        return ioOpt;
    }

    public int alignmentOffset() {
        return alignmentOffset;
    }

    public String vendor() {
        return vendor;
    }

    public String model() {
        return model;
    }

    /**
     * {@code bdev_alignment_offset}: the disk's own offset, or for a partition
     * {@code queue_limit_alignment_offset} of its start: with granularity
     * {@code max(physical_block_size, io_min)}, {@code (granularity + alignment - start % granularity) % granularity}.
     */
    public int alignmentOffset(BlockDevice bdev) {
        if (!bdev.isPartition()) {
            return alignmentOffset;
        }
        long granularity = Math.max(physicalBlockSize, ioMin()) >> 9;
        long alignment = alignmentOffset >> 9;
        long offset = Long.remainderUnsigned(bdev.startSect(), granularity);
        return (int) (((granularity + alignment - offset) % granularity) << 9);
    }

    /**
     * A queue-limits commit of a driver that sizes its blocks itself (6.18 {@code
     * loop_update_limits}): logical and physical block size and {@code io_min} all {@code lbs}.
     */
    public void setBlockLimits(int lbs) {
        this.logicalBlockSize = lbs;
        this.physicalBlockSize = lbs;
        this.ioMin = lbs;
    }

    /** Removes the medium: capacity 0 (a loop device after LOOP_CLR_FD). */
    public void clearMedium() {
        this.store = null;
        part0.nrSects = 0;
    }

    public DiskStore store() {
        return store;
    }

    public String name() {
        return diskName;
    }

    public int major() {
        return major;
    }

    public int firstMinor() {
        return firstMinor;
    }

    public int minors() {
        return minors;
    }

    public BlockDriver driver() {
        return fops;
    }

    public int logicalBlockSize() {
        return logicalBlockSize;
    }

    public int physicalBlockSize() {
        return physicalBlockSize;
    }

    public boolean hasFlag(Flag f) {
        return flags.contains(f);
    }

    public boolean hasState(State s) {
        return state.contains(s);
    }

    void setState(State s, boolean on) {
        if (on) {
            state.add(s);
        } else {
            state.remove(s);
        }
    }

    /** Sets or clears {@code GD_SUPPRESS_PART_SCAN} (a loop device bound with or without PARTSCAN). */
    public void setSuppressPartScan(boolean on) {
        setState(State.SUPPRESS_PART_SCAN, on);
    }

    /** {@code queue_max_sectors()}. */
    public int maxSectors() {
        return maxSectors;
    }

    /**
     * 6.18 {@code block/blk-settings.c:blk_apply_bdi_limits}, run on every queue-limits commit:
     * the read-ahead becomes at least twice the optimal I/O size, and at least {@code
     * VM_READAHEAD_PAGES}, but is never lowered (BLKRASET may have raised it).
     */
    public void applyBdiLimits(long ioOptBytes) {
        raPages = Math.max(Math.max(raPages, ioOptBytes * 2 / DiskStore.PAGE), VM_READAHEAD_PAGES);
    }

    /** Makes the disk's first partition scan take between {@code min} and {@code max} nanoseconds. */
    public void setScanDelay(long min, long max) {
        this.scanDelayMin = min;
        this.scanDelayMax = max;
    }

    public long diskseq() {
        return diskseq;
    }

    public Object privateData() {
        return privateData;
    }

    public void setPrivateData(Object data) {
        this.privateData = data;
    }

    /** {@code get_capacity()}: size in 512-byte sectors. */
    public long capacity() {
        return part0.nrSects;
    }

    /** {@code disk_live()}. */
    public boolean live() {
        return !state.contains(State.DEAD);
    }

    /** {@code disk->fops = ...}: for a driver that allocates its disks before it is ready to serve them. */
    public void setDriver(BlockDriver driver) {
        this.fops = driver;
    }

    public BlockDevice part0() {
        return part0;
    }

    public int openPartitions() {
        return openPartitions;
    }

    /** The partitions (not part0), by ascending number. */
    public List<BlockDevice> partitions() {
        return Collections.unmodifiableList(new ArrayList<>(partTbl.values()));
    }

    /** Partition {@code partno}, or null. */
    public BlockDevice partition(int partno) {
        return partno == 0 ? part0 : partTbl.get(partno);
    }

    /**
     * {@code disk_max_parts()}. 2.6.32: {@code minors}, or 256 with EXT_DEVT. 6.18 no longer has the
     * function; every partitionable disk takes {@code DISK_MAX_PARTS} (256), and the model answers
     * that, or 1 for a NO_PART disk.
     */
    public int maxParts() {
        if (genhd.rules.slots256()) {
            return flags.contains(Flag.NO_PART) ? 1 : Genhd.DISK_MAX_PARTS;
        }
        return flags.contains(Flag.EXT_DEVT) ? Genhd.DISK_MAX_PARTS : minors;
    }

    /**
     * Whether the kernel scans this disk's partitions. 6.18 {@code disk_has_partscan()}: not NO_PART,
     * not HIDDEN, not SUPPRESS_PART_SCAN. 2.6.32 {@code disk_partitionable()}: more than one minor
     * or EXT_DEVT.
     */
    public boolean hasPartscan() {
        if (genhd.rules.slots256()) {
            return !flags.contains(Flag.NO_PART) && !flags.contains(Flag.HIDDEN)
                    && !state.contains(State.SUPPRESS_PART_SCAN);
        }
        return maxParts() > 1;
    }

    /**
     * {@code get_disk_ro()}. 6.18: part0's {@code BD_READ_ONLY} or {@code GD_READ_ONLY}. 2.6.32:
     * {@code part0.policy}.
     */
    public boolean getDiskRo() {
        if (genhd.rules.readOnlyFollowsDisk()) {
            return part0.readOnly || state.contains(State.READ_ONLY);
        }
        return part0.readOnly;
    }

    /**
     * {@code set_disk_ro()}: a driver marks the whole disk read-only. 6.18 sets {@code GD_READ_ONLY}
     * (partitions follow through {@code bdev_read_only}); 2.6.32 sets the policy of part0 and of
     * every existing partition.
     */
    public void setDiskRo(boolean ro) {
        if (genhd.rules.readOnlyFollowsDisk()) {
            setState(State.READ_ONLY, ro);
            return;
        }
        part0.readOnly = ro;
        for (BlockDevice p : partTbl.values()) {
            p.readOnly = ro;
        }
    }

    @Override
    public String toString() {
        return diskName;
    }
}
