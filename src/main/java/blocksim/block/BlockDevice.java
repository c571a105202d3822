package blocksim.block;

import blocksim.kernel.DevT;
import blocksim.kernel.Mutex;

/**
 * A block device: the whole disk (partition 0) or one partition. In 6.18 this is
 * {@code struct block_device} (which absorbed {@code hd_struct} in 5.11); in 2.6.32 it is the pair
 * {@code struct block_device} + {@code struct hd_struct}, whose fields are folded in here.
 */
public final class BlockDevice {

    final Gendisk bdDisk;
    final int bdPartno;
    final DevT bdDev;
    /** {@code bd_start_sect} / {@code hd_struct.start_sect}: first 512-byte sector on the disk. */
    long bdStartSect;
    /** {@code bdev_nr_sectors()} / {@code hd_struct.nr_sects}. */
    long nrSects;
    /** {@code bd_openers}: opens of this device (6.18: each fd on a partition also opens the whole). */
    int bdOpeners;
    /** 2.6.32 {@code bd_part_count} of the whole disk: partitions open (each once). */
    int bdPartCount;
    /** {@code bd_holder}: the exclusive holder, or {@link Bdev#CLAIM_MARKER} on a whole disk. */
    Object bdHolder;
    /** {@code bd_holders}. */
    int bdHolders;
    /** 6.18 {@code BD_READ_ONLY} / 2.6.32 {@code hd_struct.policy}. */
    boolean readOnly;
    /** {@code i_blkbits} of the bdev inode as a size: the soft block size BLKBSZGET reports. */
    int blockSize;
    /** 2.6.32 {@code bd_inode->i_size}: set by {@code bd_set_size} at the first open. */
    long iSize;
    /** 2.6.32 {@code bd_super}: the superblock mounted on this device, if any. */
    Object bdSuper;
    /** 6.18 {@code BD_RO_WARNED}: "Trying to write to read-only block-device" was printed. */
    boolean roWarned;
    /** {@code bd_fsfreeze_count}: 2.6.32 FIFREEZE's nesting count, 6.18 {@code bdev_freeze}'s. */
    int bdFsfreezeCount;
    /** False once the partition was deleted ({@code bdev_unhash}); open fds keep the object. */
    boolean hashed = true;
    /** 2.6.32 {@code bd_mutex} (the whole disk's serialises partition changes). */
    final Mutex bdMutex;

    BlockDevice(Gendisk disk, int partno, DevT dev, long startSect, long nrSects) {
        this.bdDisk = disk;
        this.bdPartno = partno;
        this.bdDev = dev;
        this.bdStartSect = startSect;
        this.nrSects = nrSects;
        this.blockSize = disk.logicalBlockSize;
        this.bdMutex = disk.genhd.newMutex("bd_mutex of " + name(disk, partno));
    }

    /** {@code disk_name()} / {@code %pg}: {@code sda}, {@code sda1}, {@code loop0p1}. */
    static String name(Gendisk disk, int partno) {
        if (partno == 0) {
            return disk.diskName;
        }
        String d = disk.diskName;
        return Character.isDigit(d.charAt(d.length() - 1)) ? d + "p" + partno : d + partno;
    }

    public String name() {
        return name(bdDisk, bdPartno);
    }

    public Gendisk disk() {
        return bdDisk;
    }

    public int partno() {
        return bdPartno;
    }

    public DevT dev() {
        return bdDev;
    }

    public long startSect() {
        return bdStartSect;
    }

    /** Size in 512-byte sectors. */
    public long nrSects() {
        return nrSects;
    }

    /** 2.6.32 {@code bd_inode->i_size}, as set at the first open. */
    public long inodeSize() {
        return iSize;
    }

    /** The soft block size ({@code bd_block_size}, BLKBSZGET). */
    public int blockSizeSoft() {
        return blockSize;
    }

    public int openers() {
        return bdOpeners;
    }

    /** {@code bd_fsfreeze_count}. */
    public int fsfreezeCount() {
        return bdFsfreezeCount;
    }

    public void fsfreezeCount(int count) {
        bdFsfreezeCount = count;
    }

    /** 2.6.32 {@code bd_super}: the superblock mounted on this device (set by the mount), or null. */
    public Object mountedSuper() {
        return bdSuper;
    }

    public void mountedSuper(Object sb) {
        bdSuper = sb;
    }

    public int partCount() {
        return bdPartCount;
    }

    public int holders() {
        return bdHolders;
    }

    public boolean isClaimed() {
        return bdHolder != null;
    }

    /** {@code bdev_is_partition()}. */
    public boolean isPartition() {
        return bdPartno != 0;
    }

    /** {@code bdev_whole()}. */
    BlockDevice whole() {
        return bdDisk.part0;
    }

    /** This device's own read-only flag (BLKROSET on it), without the disk's. */
    /** {@code set_device_ro}: the device's own read-only policy (2.6.32 {@code loop_set_fd} sets part0's). */
    public void setReadOnly(boolean ro) {
        readOnly = ro;
    }

    public boolean ownReadOnly() {
        return readOnly;
    }

    /**
     * {@code bdev_read_only()}. 6.18 ({@code include/linux/blkdev.h}): this device's flag or the
     * disk's ({@code get_disk_ro}). 2.6.32 ({@code block/genhd.c}): this device's {@code policy}
     * alone, copied from the disk when the partition was added.
     */
    public boolean readOnly() {
        if (bdDisk.genhd.rules.readOnlyFollowsDisk()) {
            return readOnly || bdDisk.getDiskRo();
        }
        return readOnly;
    }

    @Override
    public String toString() {
        return name();
    }
}
