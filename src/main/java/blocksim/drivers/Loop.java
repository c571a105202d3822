package blocksim.drivers;

import blocksim.api.DiskSpec;
import blocksim.block.BlockDevice;
import blocksim.block.BlockDriver;
import blocksim.block.DiskStore;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.api.Errno;
import blocksim.kernel.Printk;
import blocksim.api.Task;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import java.util.EnumSet;
import java.util.TreeMap;

/**
 * Loop devices, {@code drivers/block/loop.c}: major 7, {@code loop0}..{@code loop7} created at
 * module load with no capacity, more on demand. Minors per device are {@code 1 << part_shift} with
 * {@code part_shift = fls(max_part)}. {@code disk add loopN} binds a backing image as
 * {@code LOOP_CONFIGURE} (6.18) or {@code LOOP_SET_FD} (2.6.32) would.
 *
 * <p>Partition scanning: 6.18 keeps {@code GD_SUPPRESS_PART_SCAN} set unless the device is bound
 * with {@code LO_FLAGS_PARTSCAN} (or {@code max_part > 0}); BLKPG still works without it, on major
 * 259. 2.6.32 has only the module's {@code max_part}: with 0 a loop device has one minor and can
 * hold no partitions at all.
 */
final class Loop implements DiskDriver, BlockDriver {

    static final int LOOP_MAJOR = 7;
    /** {@code CONFIG_BLK_DEV_LOOP_MIN_COUNT} / 2.6.32's default {@code max_loop}. */
    static final int MIN_COUNT = 8;

    /** {@code struct loop_device}: what the driver keeps per device. */
    static final class LoopDevice {
        final int number;
        boolean bound;
        boolean partscan;
        boolean autoclear;
        String fileName;

        LoopDevice(int number) {
            this.number = number;
        }
    }

    private final Genhd genhd;
    private final DriverRules rules;
    private final int partShift;
    private final TreeMap<Integer, Gendisk> devices = new TreeMap<>();
    /** The kernel context that runs teardown on the last close. */
    private final Task kernelTask;

    Loop(Genhd genhd, Task task) {
        this.genhd = genhd;
        this.rules = DriverRules.of(genhd.profile());
        this.kernelTask = task;
        int maxPart = genhd.config().loopMaxPart();
        this.partShift = maxPart > 0 ? 32 - Integer.numberOfLeadingZeros(maxPart) : 0;
        genhd.registerBlkdev(LOOP_MAJOR, "loop");
        for (int i = 0; i < MIN_COUNT; i++) {
            loopAdd(i, task);
        }
    }

    /** {@code loop_add}: registers an unbound device of capacity 0. */
    private Gendisk loopAdd(int i, Task task) {
        Gendisk disk = genhd.allocDisk(this, LOOP_MAJOR, i << partShift, 1 << partShift, "loop" + i,
                EnumSet.noneOf(Gendisk.Flag.class));
        disk.setPrivateData(new LoopDevice(i));
        if (partShift == 0 && rules.loopPartscanPerDevice()) {
            setSuppressPartScan(disk, true);
        }
        genhd.addDisk(disk, task);
        devices.put(i, disk);
        return disk;
    }

    private static LoopDevice lo(Gendisk disk) {
        return (LoopDevice) disk.privateData();
    }

    @Override
    public String name() {
        return "loop";
    }

    @Override
    public boolean owns(String name) {
        return NAME.matcher(name).matches();
    }

    static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("loop(0|[1-9][0-9]{0,5})");

    @Override
    public String names() {
        return "loop0, loop1, ... (loop devices)";
    }

    /**
     * Binds a fresh image: 6.18 {@code loop_configure} (read-only flag, logical block size,
     * {@code set_capacity_and_notify} with its "detected capacity change" line, then with PARTSCAN
     * {@code loop_reread_partitions}, whose failure is only logged); 2.6.32 {@code loop_set_fd}
     * (capacity without a log line, and BLKRRPART through {@code ioctl_by_bdev} when
     * {@code max_part > 0}, errors ignored).
     */
    @Override
    public Gendisk probe(Genhd genhd, DiskSpec spec, DiskStore medium, Task task) {
        return attach(genhd, spec, task);
    }

    @Override
    public Gendisk attach(Genhd genhd, DiskSpec spec, Task task) {
        int n = Integer.parseInt(spec.name().substring(4));
        Gendisk disk = devices.get(n);
        if (disk == null) {
            disk = loopAdd(n, task);
        }
        LoopDevice lo = lo(disk);
        if (lo.bound) {
            throw new IllegalArgumentException(spec.name() + ": " + Errno.EBUSY.strerror());
        }
        lo.bound = true;
        lo.fileName = "/var/lib/blocksim/" + spec.name() + ".img";
        lo.partscan = rules.loopPartscanPerDevice() ? spec.partscan() || partShift > 0 : partShift > 0;
        disk.setDiskRo(spec.readOnly());
        long old = disk.setMedium(spec.sectorSize(), new DiskStore(spec.sizeBytes()));
        if (rules.loopPartscanPerDevice()) {
            genhd.incDiskseq(disk);
            // loop_configure commits the queue limits: a loop file on a rotational disk (the host's
            // virtio disk) has no io_opt, so blk_apply_bdi_limits takes max_sectors bytes for it
            disk.applyBdiLimits((long) disk.maxSectors() << 9);
            genhd.notifyCapacityChange(disk, old);
            if (lo.partscan) {
                setSuppressPartScan(disk, false);
                int rc = genhd.partitions().rescanLocked(disk, task);
                if (rc != 0) {
                    genhd.printk().printk(Printk.Level.WARNING, "loop_reread_partitions: partition scan of loop"
                            + n + " (" + lo.fileName + ") failed (rc=" + rc + ")\n");
                }
            }
        } else if (partShift > 0) {
            genhd.ioctl().kernelIoctl(disk.part0(), Ioctl.BLKRRPART, task);
        }
        return disk;
    }

    /**
     * Unbinds: 6.18 {@code loop_clr_fd} detaches lazily (sets AUTOCLEAR and returns 0) while
     * anyone has the device open, and the last close tears it down; 2.6.32 refuses with EBUSY
     * while another opener exists.
     */
    @Override
    public int detach(Genhd genhd, Gendisk disk, Task task) {
        LoopDevice lo = lo(disk);
        if (!lo.bound) {
            return -Errno.ENXIO.number();
        }
        if (disk.part0().openers() > 0) {
            if (!rules.loopClrFdDefers()) {
                return -Errno.EBUSY.number();
            }
            lo.autoclear = true;
            return 0;
        }
        clear(disk, task, false);
        return 0;
    }

    /**
     * {@code __loop_clr_fd}: capacity back to 0 without a log line ({@code invalidate_disk}) and,
     * with partition scanning, the partitions
     * dropped (6.18 {@code bdev_disk_changed}; 2.6.32 BLKRRPART when {@code max_part > 0}).
     * Partitions added with BLKPG on a device without PARTSCAN stay behind in 6.18, as there. The
     * read-only state stays too, until the next bind sets it ({@code loop_configure} calls {@code
     * set_disk_ro}, 2.6.32 {@code loop_set_fd} {@code set_device_ro}); a 6.18 BLKROSET flag on the
     * whole disk outlives even that.
     */
    private void clear(Gendisk disk, Task task, boolean inRelease) {
        LoopDevice lo = lo(disk);
        boolean scan = lo.partscan;
        lo.bound = false;
        lo.autoclear = false;
        lo.partscan = false;
        disk.clearMedium();
        if (rules.loopPartscanPerDevice()) {
            if (scan) {
                if (inRelease) {
                    genhd.partitions().rescanFromRelease(disk, task);
                } else {
                    genhd.partitions().rescanLocked(disk, task);
                }
            }
            if (partShift == 0) {
                setSuppressPartScan(disk, true);
            }
        } else if (partShift > 0) {
            genhd.ioctl().kernelIoctl(disk.part0(), Ioctl.BLKRRPART, task);
        }
    }

    /**
     * 6.18 {@code lo_release}: the last close of an AUTOCLEAR device tears it down, inside the
     * block layer's release path, with {@code open_mutex} already held.
     */
    @Override
    public void release(Gendisk disk) {
        LoopDevice lo = lo(disk);
        if (lo.autoclear && lo.bound && disk.part0().openers() == 0) {
            clear(disk, kernelTask, true);
        }
    }

    /** {@code lo_ioctl}: commands the loop driver does not know are EINVAL in both eras. */
    @Override
    public int ioctl(BlockDevice bdev, boolean write, long cmd, IoctlArg arg) {
        return -Errno.EINVAL.number();
    }

    @Override
    public boolean hasIoctl() {
        return true;
    }

    private static void setSuppressPartScan(Gendisk disk, boolean on) {
        disk.setSuppressPartScan(on);
    }

    /** Whether the device is bound to an image. */
    static boolean bound(Gendisk disk) {
        return disk.privateData() instanceof LoopDevice lo && lo.bound;
    }
}
