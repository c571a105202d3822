package blocksim.drivers;

import blocksim.api.Errno;
import blocksim.api.Task;
import blocksim.block.Bio;
import blocksim.block.BlockDriver;
import blocksim.block.CharDriver;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.kernel.Mutex;
import blocksim.kernel.Printk;
import blocksim.kernel.Scheduler;
import blocksim.kernel.WaitQueue;
import blocksim.uapi.Abuse;
import blocksim.uapi.AbuseInfo;
import blocksim.uapi.AbuseXfrHdr;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ABUSE driver of seed 004 ({@code drivers/block/abuse.c}, {@code include/linux/abuse.h},
 * Zachary Amsden's 2009 patch for 2.6.3x, never merged), as posted: block devices {@code abuseN}
 * (major 60, minors shifted by {@code fls(max_part)}) whose bios wait in a queue until a
 * userspace server takes them with ABUSE_GET_BIO on the control device {@code abctlN} (major 61)
 * and finishes them with ABUSE_PUT_BIO. Every control ioctl runs under the device's
 * {@code ab_ctl_mutex}. The request path, the ioctls and poll follow the patch line by line,
 * bugs included (each noted where it is).
 */
public final class AbuseDriver {

    private final Genhd genhd;
    private final Printk printk;
    private final Scheduler scheduler;
    final int maxPart;
    private final int devShift;
    private final boolean fixedMaxQueueCheck;
    /** The model's switch for the fix: SET_STATUS's rescan runs in a worker once the mutex is dropped. */
    private final boolean fixedRescan;
    private final List<Device> devices = new ArrayList<>();
    private final Genhd.CharRegion region;
    /** Module references: each device a server has set up holds one ({@code __module_get}). */
    int refs;

    /** One ABUSE device ({@code struct abuse_device}). */
    final class Device implements BlockDriver {
        final int number;
        final Gendisk disk;
        final Mutex ctlMutex;
        final WaitQueue event;
        final ArrayDeque<Bio> queue = new ArrayDeque<>();
        final Map<Bio, Long> ids = new IdentityHashMap<>();
        long size;
        int flags;
        int blocksize;
        int maxQueue;
        int errors;
        /** Set by a fixed SET_STATUS: the rescan to run once {@code ab_ctl_mutex} is dropped. */
        boolean rescanPending;
        /** {@code ab_device}: the whole disk, held open by SET_STATUS until RESET. */
        blocksim.block.BlockDevice device;

        Device(int number, Gendisk disk) {
            this.number = number;
            this.disk = disk;
            this.ctlMutex = new Mutex("ab_ctl_mutex of abctl" + number, scheduler);
            this.event = new WaitQueue(scheduler);
        }

        @Override
        public String name() {
            return "abuse";
        }

        /**
         * {@code abuse_make_request}: a write to a read-only device, or a bio finding the queue at
         * {@code ab_max_queue}, fails at once with EIO and counts in {@code ab_errors}; any other
         * goes to the tail of the queue and wakes the server's poll.
         */
        @Override
        public void submitBio(Gendisk d, Bio bio) {
            if (bio.op() == Bio.Op.WRITE && (flags & Abuse.ABUSE_FLAGS_READ_ONLY) != 0 || queue.size() == maxQueue) {
                errors++;
                bio.endio(-Errno.EIO.number());
                return;
            }
            ids.computeIfAbsent(bio, b -> nextId());
            queue.addLast(bio);
            event.wakeUpAll();
        }

        /** {@code abuse_flush_bio}: every queued bio ends with EIO. */
        void flush() {
            List<Bio> all = new ArrayList<>(queue);
            queue.clear();
            for (Bio b : all) {
                ids.remove(b);
                b.endio(-Errno.EIO.number());
            }
        }
    }

    private long nextBioId = 0xffff880000010000L;

    private long nextId() {
        long id = nextBioId;
        nextBioId += 0x100; // the id is the bio's address in the patch: distinct, aligned, meaningless to the server
        return id;
    }

    /**
     * {@code abuse_init}: {@code dev_shift = fls(max_part)}; EINVAL when {@code max_abuse} needs
     * more minors than there are; {@code max_abuse} devices (8 when it is 0), each a disk and a
     * control node, then "abuse: module loaded". {@code fixedMaxQueueCheck} is the intended
     * {@code ab_max_queue > 512} test instead of the posted {@code unlikely(...) > 512}.
     */
    AbuseDriver(Genhd genhd, int maxAbuse, int maxPart, boolean fixedMaxQueueCheck, boolean fixedRescan, Task task) {
        this.fixedRescan = fixedRescan;
        this.genhd = genhd;
        this.printk = genhd.printk();
        this.scheduler = genhd.scheduler();
        this.maxPart = maxPart;
        this.devShift = maxPart > 0 ? 32 - Integer.numberOfLeadingZeros(maxPart) : 0;
        this.fixedMaxQueueCheck = fixedMaxQueueCheck;
        int nr = maxAbuse != 0 ? maxAbuse : 8;
        int range = maxAbuse != 0 ? maxAbuse : 1 << (20 - devShift);
        this.region = new Genhd.CharRegion(Abuse.ABUSECTL_MAJOR, 0, range, "abuse", new Control(),
                minor -> minor < devices.size() ? "abctl" + minor : null);
        for (int i = 0; i < nr; i++) {
            Gendisk disk = genhd.allocDisk(null, Abuse.ABUSE_MAJOR, i << devShift, 1 << devShift, "abuse" + i,
                    EnumSet.noneOf(Gendisk.Flag.class));
            devices.add(new Device(i, disk));
        }
        if (genhd.registerBlkdev(Abuse.ABUSE_MAJOR, "abuse") < 0) {
            printk.printk(Printk.Level.WARNING, "abuse: register_blkdev failed!");
            throw new IllegalStateException("abuse: register_blkdev failed");
        }
        genhd.registerChrdev(region);
        for (Device d : devices) {
            d.disk.setDriver(d);
            genhd.addDisk(d.disk, task);
        }
        printk.printk(Printk.Level.INFO, "abuse: module loaded");
    }

    /** Whether the parameters fit ({@code max_abuse > 1 << (MINORBITS - dev_shift)} is EINVAL). */
    static boolean fits(int maxAbuse, int maxPart) {
        int shift = maxPart > 0 ? 32 - Integer.numberOfLeadingZeros(maxPart) : 0;
        return maxAbuse >= 0 && maxPart >= 0 && (long) maxAbuse <= 1L << (20 - shift);
    }

    /** {@code abuse_exit}: every device goes, then the regions. */
    void unload() {
        for (Device d : devices) {
            genhd.delGendisk(d.disk);
        }
        genhd.unregisterChrdev(region);
        genhd.unregisterBlkdev(Abuse.ABUSE_MAJOR);
    }

    List<Device> devices() {
        return List.copyOf(devices);
    }

    /** The control devices' file operations ({@code abctl_fops}). */
    final class Control implements CharDriver {

        /** {@code abctl_open}: the device of the minor, or ENODEV. */
        @Override
        public int open(CharFile f, Task task) {
            if (f.minor >= devices.size()) {
                return -Errno.ENODEV.number();
            }
            f.data = devices.get(f.minor);
            return 0;
        }

        /** {@code abctl_poll}: POLLMSG while a bio is queued. */
        @Override
        public int poll(CharFile f, Task task) {
            return ((Device) f.data).queue.isEmpty() ? 0 : Abuse.POLLMSG;
        }

        @Override
        public WaitQueue pollQueue(CharFile f) {
            return ((Device) f.data).event;
        }

        /**
         * {@code abctl_ioctl}: ENODEV without a device; then, under {@code ab_ctl_mutex}, the five
         * requests; anything else (ABUSE_SET_POLL included, which the switch leaves out) is EINVAL.
         */
        @Override
        public int ioctl(CharFile f, long cmd, IoctlArg arg, Task task) {
            Device ab = (Device) f.data;
            if (ab == null || ab.disk == null) {
                return -Errno.ENODEV.number();
            }
            ab.ctlMutex.lock(task);
            boolean unlock = true;
            try {
                if (cmd == Abuse.ABUSE_GET_STATUS) {
                    return getStatus(ab, arg);
                } else if (cmd == Abuse.ABUSE_SET_STATUS) {
                    unlock = false; // an oops inside leaves the mutex held, as the kernel would
                    int r = setStatus(ab, arg, task);
                    unlock = true;
                    return r;
                } else if (cmd == Abuse.ABUSE_RESET) {
                    return reset(ab, task);
                } else if (cmd == Abuse.ABUSE_GET_BIO) {
                    return getBio(ab, arg);
                } else if (cmd == Abuse.ABUSE_PUT_BIO) {
                    return putBio(ab, arg);
                }
                return -Errno.EINVAL.number();
            } finally {
                if (unlock) {
                    ab.ctlMutex.unlock(task);
                    if (ab.rescanPending) {
                        ab.rescanPending = false;
                        rescanLater(ab);
                    }
                }
            }
        }
    }

    /** {@code abuse_get_status}: EINVAL without an argument, EFAULT for memory the caller lacks. */
    private int getStatus(Device ab, IoctlArg arg) {
        if (arg instanceof IoctlArg.Null) {
            return -Errno.EINVAL.number();
        }
        if (!(arg instanceof AbuseInfo info)) {
            return -Errno.EFAULT.number();
        }
        info.device = 0;
        info.size = ab.size;
        info.number = ab.number;
        info.flags = ab.flags;
        info.blocksize = ab.blocksize;
        info.maxQueue = ab.maxQueue;
        info.queueSize = ab.queue.size();
        info.errors = ab.errors;
        info.maxVecs = Bio.MAX_VECS;
        return 0;
    }

    /**
     * {@code abuse_set_status} and {@code abuse_set_status_int}, in their order: EFAULT copying the
     * argument; EFBIG when the sector count does not fit {@code loff_t} (never on a 64-bit
     * kernel, where both are 64 bits); {@code ab_size / ab_blocksize} (a block size of 0 divides by
     * zero: the oops); EINVAL when the size is not a multiple of the block size; the posted
     * {@code unlikely(ab_max_queue) > 512}, which compares 0 or 1 and never fires (the intended
     * test with {@code fixed_max_queue_check=1}); on a device already set up, EINVAL without
     * ABUSE_FLAGS_RECONNECT, or when the size or block size would change, or when the new
     * {@code ab_max_queue} exceeds {@code ab_queue_size} (the patch's comparison); otherwise the
     * whole disk is opened and held, the settings taken (only the read-only flag of the flags),
     * the capacity and read-only state set, and with {@code max_part > 0} the partitions read
     * again ({@code ioctl_by_bdev(BLKRRPART)}), whose reads wait in this queue.
     */
    private int setStatus(Device ab, IoctlArg arg, Task task) {
        if (!(arg instanceof AbuseInfo info)) {
            return -Errno.EFAULT.number();
        }
        long sectors = info.size >>> 9;
        if (info.blocksize == 0) {
            oops(task);
        }
        long blocks = Long.divideUnsigned(info.size, Integer.toUnsignedLong(info.blocksize));
        if (Integer.toUnsignedLong(info.blocksize) * blocks != info.size) {
            return -Errno.EINVAL.number();
        }
        boolean tooLong = fixedMaxQueueCheck ? Integer.toUnsignedLong(info.maxQueue) > 512 : (info.maxQueue != 0 ? 1 : 0) > 512;
        if (tooLong) {
            return -Errno.EINVAL.number();
        }
        blocksim.block.BlockDevice bdev = ab.device;
        if (bdev != null) {
            if ((ab.flags & Abuse.ABUSE_FLAGS_RECONNECT) == 0) {
                return -Errno.EINVAL.number();
            }
            if (ab.size != info.size || ab.blocksize != info.blocksize || Integer.toUnsignedLong(info.maxQueue) > ab.queue.size()) {
                return -Errno.EINVAL.number();
            }
        } else {
            bdev = ab.disk.part0();
            int err = genhd.bdev().blkdevGet(bdev, blocksim.block.Bdev.MODE_READ, null, task);
            if (err != 0) {
                return err;
            }
            refs++;
        }
        ab.device = bdev;
        ab.size = info.size;
        ab.flags = info.flags & Abuse.ABUSE_FLAGS_READ_ONLY;
        ab.blocksize = info.blocksize;
        ab.maxQueue = info.maxQueue;
        ab.disk.setCapacity(sectors);
        ab.disk.setDiskRo((ab.flags & Abuse.ABUSE_FLAGS_READ_ONLY) != 0);
        genhd.bdev().setSize(bdev, sectors << 9);
        genhd.bdev().setBlocksize(bdev, ab.blocksize);
        if (maxPart > 0) {
            if (fixedRescan) {
                ab.rescanPending = true;
            } else {
                genhd.ioctl().kernelIoctl(bdev, Ioctl.BLKRRPART, task);
            }
        }
        return 0;
    }

    /**
     * The fix for the rescan deadlock (the model's, {@code fixed_rescan=1}): the partition scan
     * runs in a kernel worker after {@code ab_ctl_mutex} is dropped, so its reads are served like
     * any other bio once the server polls.
     */
    private void rescanLater(Device ab) {
        Task worker = genhd.kthread("kworker/abuse" + ab.number + "-rescan");
        blocksim.block.BlockDevice bdev = ab.device;
        scheduler.spawn(worker, worker.comm(), () -> {
            if (bdev != null) {
                genhd.ioctl().kernelIoctl(bdev, Ioctl.BLKRRPART, worker);
            }
        });
    }

    /** A divide error in {@code abuse_set_status_int}: the oops is logged and the task dies, its locks still held. */
    private void oops(Task task) {
        printk.printk(Printk.Level.EMERG, "divide error: 0000 [#1] SMP");
        printk.printk(Printk.Level.EMERG, "RIP: abuse_set_status_int+0x3c/0x1b0 [abuse]");
        printk.printk(Printk.Level.EMERG, "Process " + task.comm() + " (pid: " + task.pid() + ")");
        printk.printk(Printk.Level.EMERG, "---[ end trace ]---");
        throw new blocksim.api.Oops("divide error in abuse_set_status_int");
    }

    /**
     * {@code abuse_reset}: every queued bio fails with EIO; flags, errors, block size, size and
     * queue length go to 0 and the capacity with them; a device that was set up is sized 0, its
     * partitions read again with {@code max_part > 0}, and let go.
     */
    private int reset(Device ab, Task task) {
        ab.flush();
        ab.flags = 0;
        ab.errors = 0;
        ab.blocksize = 0;
        ab.size = 0;
        ab.maxQueue = 0;
        ab.disk.setCapacity(0);
        if (ab.device != null) {
            genhd.bdev().setSize(ab.device, 0);
            if (maxPart > 0) {
                genhd.ioctl().kernelIoctl(ab.device, Ioctl.BLKRRPART, task);
            }
            genhd.bdev().blkdevPut(ab.device, blocksim.block.Bdev.MODE_READ, null, task);
            ab.device = null;
            refs--;
        }
        return 0;
    }

    /**
     * {@code abuse_get_bio}: EINVAL without an argument, ENODEV without a device, EFAULT reading
     * the header; the head bio's id, sector, command and vector count (and, with
     * {@code ab_transfer_address}, each segment's length and offset) are copied out and the bio
     * goes to the tail of the queue, staying queued; an empty queue answers ENOMSG (with
     * {@code ab_transfer_address} and the count zeroed).
     */
    private int getBio(Device ab, IoctlArg arg) {
        if (arg instanceof IoctlArg.Null) {
            return -Errno.EINVAL.number();
        }
        if (!(arg instanceof AbuseXfrHdr xfr)) {
            return -Errno.EFAULT.number();
        }
        Bio bio = ab.queue.pollFirst();
        List<Bio.Vec> vecs = List.of();
        if (bio != null) {
            xfr.id = ab.ids.get(bio);
            xfr.sector = bio.sector();
            xfr.command = bio.op() == Bio.Op.WRITE ? Abuse.ABUSE_WRITE : Abuse.ABUSE_READ;
            vecs = bio.vecs();
            xfr.vecCount = vecs.size();
            ab.queue.addLast(bio);
        } else {
            xfr.id = 0;
            xfr.transfer = null;
            xfr.vecCount = 0;
        }
        if (xfr.transfer != null) {
            if (xfr.transfer.length < vecs.size()) {
                return -Errno.EFAULT.number();
            }
            for (int i = 0; i < vecs.size(); i++) {
                if (xfr.transfer[i] == null) {
                    xfr.transfer[i] = new blocksim.uapi.AbuseVec();
                }
                xfr.transfer[i].len = vecs.get(i).len();
                xfr.transfer[i].offset = vecs.get(i).off() % Bio.PAGE;
            }
        }
        return bio != null ? 0 : -Errno.ENOMSG.number();
    }

    /**
     * {@code abuse_put_bio}: EINVAL without an argument, ENODEV, EFAULT reading the header;
     * DEVICE_FAILURE fails every queued bio (and succeeds); the id must name a queued bio
     * (ENOMSG); a bio whose sector, vector count or command differ goes back (EINVAL);
     * MEDIA_FAILURE fails that bio with EIO; the vector list and each segment are copied (a read's
     * data from the caller's buffers, a write's data to them), a fault putting the bio back
     * (EFAULT); then the bio ends.
     */
    private int putBio(Device ab, IoctlArg arg) {
        if (arg instanceof IoctlArg.Null) {
            return -Errno.EINVAL.number();
        }
        if (!(arg instanceof AbuseXfrHdr xfr)) {
            return -Errno.EFAULT.number();
        }
        if (xfr.result == Abuse.ABUSE_RESULT_DEVICE_FAILURE) {
            ab.flush();
            return 0;
        }
        Bio bio = null;
        for (Bio b : ab.queue) {
            if (ab.ids.get(b) == xfr.id) {
                bio = b;
                break;
            }
        }
        if (bio == null) {
            return -Errno.ENOMSG.number();
        }
        ab.queue.remove(bio);
        int command = bio.op() == Bio.Op.WRITE ? Abuse.ABUSE_WRITE : Abuse.ABUSE_READ;
        if (bio.sector() != xfr.sector || bio.vecs().size() != xfr.vecCount || command != xfr.command) {
            ab.queue.addLast(bio);
            return -Errno.EINVAL.number();
        }
        if (xfr.result == Abuse.ABUSE_RESULT_MEDIA_FAILURE) {
            ab.ids.remove(bio);
            bio.endio(-Errno.EIO.number());
            return 0;
        }
        List<Bio.Vec> vecs = bio.vecs();
        if (xfr.transfer == null || xfr.transfer.length < vecs.size()) {
            ab.queue.addLast(bio);
            return -Errno.EFAULT.number();
        }
        for (int i = 0; i < vecs.size(); i++) {
            Bio.Vec v = vecs.get(i);
            blocksim.uapi.AbuseVec u = xfr.transfer[i];
            if (u == null || u.address == null || u.address.length < v.len()) {
                ab.queue.addLast(bio);
                return -Errno.EFAULT.number();
            }
            if (command == Abuse.ABUSE_READ) {
                System.arraycopy(u.address, 0, v.buf(), v.off(), v.len());
            } else {
                System.arraycopy(v.buf(), v.off(), u.address, 0, v.len());
            }
        }
        ab.ids.remove(bio);
        bio.endio(0);
        return 0;
    }
}
