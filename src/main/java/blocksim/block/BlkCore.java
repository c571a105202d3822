package blocksim.block;

import blocksim.kernel.WaitQueue;

import blocksim.api.Errno;
import blocksim.kernel.Printk;
import blocksim.kernel.Ratelimit;
import blocksim.api.Task;

/**
 * Submitting bios: 6.18 {@code block/blk-core.c:submit_bio_noacct} ({@code bio_check_ro},
 * {@code bio_check_eod}, {@code blk_partition_remap}); 2.6.32 {@code block/blk-core.c:
 * __generic_make_request}. 6.18 checks the device's own size once, before the remap (a device of
 * size 0 fails silently); 2.6.32 checks the device's inode size, remaps, then checks the disk. A request past the end of its device fails with EIO and logs the
 * kernel's "attempt to access beyond end of device" lines: rate-limited in 6.18
 * ({@code pr_info_ratelimited}), every time in 2.6.32. A partition's request is remapped by its
 * start sector, then carried out on the disk's medium.
 */
public final class BlkCore {

    private final Genhd genhd;
    private final Ratelimit badSectorLimit;

    BlkCore(Genhd genhd) {
        this.genhd = genhd;
        this.badSectorLimit = new Ratelimit(genhd.clock, genhd.printk, "bio_check_eod",
                Ratelimit.DEFAULT_INTERVAL_NANOS, Ratelimit.DEFAULT_BURST);
    }

    /**
     * {@code submit_bio_wait}: submits {@code bio} on behalf of {@code task} and waits until the
     * driver has ended it (and every piece split off it): 0, or the driver's -errno (-EIO for a
     * request the block layer refuses).
     */
    public int submitBio(Bio bio, Task task) {
        bio.submitter = task;
        int ret = genhd.rules.bioCheckEodOnce() ? submitModern(bio, task) : submitOld(bio, task);
        if (ret != 0) {
            return ret;
        }
        WaitQueue wq = new WaitQueue(genhd.scheduler);
        bio.onEnd = wq::wakeUpAll;
        wq.waitEvent(bio::complete, () -> "waits for the " + bio + " (its driver has not ended it)");
        return bio.status();
    }

    /**
     * The remapped bio to the driver: split at the queue's {@code max_sectors}
     * ({@code bio_split_to_limits}), each piece handed to the driver's request handling.
     */
    private int issue(Bio bio, long diskSector) {
        Gendisk disk = bio.bdev().bdDisk;
        bio.bdev = disk.part0;
        bio.sector = diskSector;
        while (bio.sectors() > disk.maxSectors) {
            disk.fops.submitBio(disk, bio.split(disk.maxSectors));
        }
        disk.fops.submitBio(disk, bio);
        return 0;
    }

    private int submitModern(Bio bio, Task task) {
        BlockDevice bdev = bio.bdev();
        Gendisk disk = bdev.bdDisk;
        if (!disk.live()) {
            return -Errno.EIO.number();
        }
        bioCheckRo(bio);
        long max = bdev.nrSects;
        if (bio.sectors() != 0 && (bio.sectors() > max || Long.compareUnsigned(bio.sector(), max - bio.sectors()) > 0)) {
            if (max != 0 && badSectorLimit.allow()) {
                genhd.printk.printk(Printk.Level.INFO, task.comm() + ": attempt to access beyond end of device\n"
                        + bdev.name() + ": rw=" + bio.op().opf() + ", sector=" + bio.sector()
                        + ", nr_sectors = " + bio.sectors() + " limit=" + max + "\n");
            }
            return -Errno.EIO.number();
        }
        return issue(bio, bio.sector() + bdev.bdStartSect);
    }

    /**
     * 6.18 {@code bio_check_ro}: a write to a read-only device from inside the kernel is not
     * refused; the first one per device logs a warning.
     */
    private void bioCheckRo(Bio bio) {
        BlockDevice bdev = bio.bdev();
        if (bio.op() == Bio.Op.WRITE && bdev.readOnly() && bio.sectors() != 0 && !bdev.roWarned) {
            bdev.roWarned = true;
            genhd.printk.printk(Printk.Level.WARNING, "Trying to write to read-only block-device " + bdev.name() + "\n");
        }
    }

    private int submitOld(Bio bio, Task task) {
        BlockDevice bdev = bio.bdev();
        Gendisk disk = bdev.bdDisk;
        if (!disk.live()) {
            return -Errno.EIO.number();
        }
        if (badOld(bio, bdev, bio.sector(), bdev.iSize >>> 9)) {
            return -Errno.EIO.number();
        }
        long sector = bio.sector() + bdev.bdStartSect;
        if (badOld(bio, disk.part0, sector, disk.capacity())) {
            return -Errno.EIO.number();
        }
        return issue(bio, sector);
    }

    /**
     * 2.6.32 {@code bio_check_eod} and {@code handle_bad_sector}: checked against the device's
     * inode size (0 means unknown, no check), before and again after the partition remap.
     */
    private boolean badOld(Bio bio, BlockDevice bdev, long sector, long maxsector) {
        int n = bio.sectors();
        if (n == 0 || maxsector == 0) {
            return false;
        }
        if (maxsector < n || Long.compareUnsigned(maxsector - n, sector) < 0) {
            genhd.printk.printk(Printk.Level.INFO, "attempt to access beyond end of device\n");
            genhd.printk.printk(Printk.Level.INFO, bdev.name() + ": rw=" + bio.op().opf() + ", want="
                    + Long.toUnsignedString(sector + n) + ", limit=" + maxsector + "\n");
            return true;
        }
        return false;
    }

    /** A remapped bio carried out on the disk's medium in memory: 0, or -EIO past its end or without one. */
    static int transfer(Bio bio) {
        DiskStore store = bio.bdev().bdDisk.store;
        if (store == null) {
            return -Errno.EIO.number();
        }
        long pos = bio.sector() * 512;
        if (Long.compareUnsigned(bio.sector(), store.sizeBytes() / 512) > 0 || pos > store.sizeBytes() - bio.len()) {
            return -Errno.EIO.number();
        }
        for (Bio.Vec v : bio.vecs()) {
            if (bio.op() == Bio.Op.READ) {
                store.read(pos, v.buf(), v.off(), v.len());
            } else {
                store.write(pos, v.buf(), v.off(), v.len());
            }
            pos += v.len();
        }
        return 0;
    }
}
