package blocksim.drivers;

import blocksim.api.DiskSpec;
import blocksim.block.DiskStore;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.api.Errno;
import blocksim.api.Task;
import blocksim.api.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The block drivers of a simulated kernel, loaded at boot in a fixed order (so dynamic majors are
 * the same every run): loop (major 7, loop0-7 pre-created), sd (8, 65-71, 128-135), virtio_blk
 * (dynamic, 254), and the LDD {@code pd} driver (dynamic, registered on first use).
 *
 * <p>Disks are hardware: unloading a driver's module ({@code rmmod sd_mod}) unregisters its disks
 * but keeps their media, and loading it again ({@code insmod sd_mod scan_delay=0-3s}) probes them
 * anew, each first scan running asynchronously, as after a reboot into an initrd.
 */
public final class Drivers {

    /** A disk the machine has, whether or not its driver is loaded. */
    private record Hardware(DiskDriver driver, DiskSpec spec, DiskStore medium) {
    }

    private final Genhd genhd;
    private final List<DiskDriver> drivers;
    private final TreeMap<String, Hardware> hardware = new TreeMap<>();
    private final TreeSet<String> unloaded = new TreeSet<>();
    private final TreeSet<String> loadedHelpers = new TreeSet<>();

    /**
     * The drivers of a booted kernel. The loop driver takes its backing files by descriptor:
     * {@code fdLookup} is {@code fget} on the caller's table (null for a bad descriptor), {@code
     * files} the VFS it reads and writes them through.
     */
    public Drivers(Genhd genhd, Task init, blocksim.fs.FileLayer files,
                   java.util.function.BiFunction<Task, Integer, blocksim.fs.File> fdLookup) {
        this.genhd = genhd;
        this.drivers = List.of(new Loop(genhd, init, files, fdLookup), new Sd(genhd), new VirtioBlk(genhd), new Pd());
    }

    /**
     * Attaches a disk. Returns it, or throws {@link IllegalArgumentException} with a message for
     * the user: an unknown name, a disk that already exists, a driver that is not loaded.
     */
    public Gendisk attach(DiskSpec spec, Task task) {
        DiskDriver driver = driverFor(spec.name()).orElseThrow(() -> new IllegalArgumentException(
                "disk: " + spec.name() + ": no driver takes this name (known: " + knownNames() + ")"));
        Optional<Gendisk> existing = genhd.disk(spec.name());
        if (existing.isPresent() && (!(driver instanceof Loop) || Loop.bound(existing.get()))
                || hardware.containsKey(spec.name())) {
            throw new IllegalArgumentException("disk: " + spec.name() + ": already exists");
        }
        if (driver.module() != null && unloaded.contains(driver.module())) {
            throw new IllegalArgumentException("disk: " + spec.name() + ": its driver (" + driver.module()
                    + ") is not loaded");
        }
        if (driver instanceof Loop) {
            return driver.attach(genhd, spec, task);
        }
        DiskStore medium = new DiskStore(spec.sizeBytes());
        hardware.put(spec.name(), new Hardware(driver, spec, medium));
        return driver.probe(genhd, spec, medium, task);
    }

    /** Detaches a disk: 0, -ENXIO when there is no such attached disk, or the driver's errno. */
    public int detach(String name, Task task) {
        Optional<Gendisk> disk = genhd.disk(name);
        Optional<DiskDriver> driver = driverFor(name);
        if (disk.isEmpty() || driver.isEmpty() || (driver.get() instanceof Loop && !Loop.bound(disk.get()))) {
            return -Errno.ENXIO.number();
        }
        int r = driver.get().detach(genhd, disk.get(), task);
        if (r == 0) {
            hardware.remove(name);
        }
        return r;
    }

    /**
     * {@code init_module}: a driver module probes its disks again (with {@code scan_delay=D} or
     * {@code scan_delay=MIN-MAX}, their first scans take that long, in kernel threads);
     * {@code blkdev_wait_scan} waits until no partition scan is in progress (the seed's
     * {@code rescan_partitions_wait}) and stays loaded. Returns 0, -EEXIST (already loaded), -ENOENT
     * (no such module) or -EINVAL (a bad parameter).
     */
    public int insmod(String module, List<String> params, Task task) {
        if (module.equals("abuse")) {
            return insmodAbuse(params, task);
        }
        if (module.equals("blkdev_wait_scan")) {
            if (!params.isEmpty()) {
                return -Errno.EINVAL.number();
            }
            if (!loadedHelpers.add(module)) {
                return -Errno.EEXIST.number();
            }
            genhd.rescanWait(task);
            return 0;
        }
        Optional<DiskDriver> driver = drivers.stream().filter(d -> module.equals(d.module())).findFirst();
        if (driver.isEmpty()) {
            return -Errno.ENOENT.number();
        }
        if (!unloaded.contains(module)) {
            return -Errno.EEXIST.number();
        }
        long[] delay = {0, 0};
        for (String p : params) {
            if (!p.startsWith("scan_delay=")) {
                return -Errno.EINVAL.number();
            }
            long[] range = Durations.parseRange(p.substring("scan_delay=".length()));
            if (range == null) {
                return -Errno.EINVAL.number();
            }
            delay = range;
        }
        unloaded.remove(module);
        for (Hardware h : new ArrayList<>(hardware.values())) {
            if (h.driver() == driver.get()) {
                h.driver().probe(genhd, h.spec().withScanDelay(delay[0], delay[1]), h.medium(), task);
            }
        }
        return 0;
    }

    /** The ABUSE module, while loaded. */
    private AbuseDriver abuse;

    /**
     * {@code insmod abuse [max_abuse=N] [max_part=M] [fixed_max_queue_check=1] [fixed_rescan=1]}:
     * EEXIST when loaded, EINVAL for a bad or unknown parameter or a {@code max_abuse} beyond the
     * minors; the last two are the model's switches for the {@code ab_max_queue} test the patch
     * meant and for a rescan that does not deadlock.
     */
    private int insmodAbuse(List<String> params, Task task) {
        if (abuse != null) {
            return -Errno.EEXIST.number();
        }
        int maxAbuse = 0;
        int maxPart = 0;
        boolean fixed = false;
        boolean fixedRescan = false;
        for (String p : params) {
            String[] kv = p.split("=", 2);
            if (kv.length != 2 || !kv[1].matches("[0-9]{1,9}")) {
                return -Errno.EINVAL.number();
            }
            int v = Integer.parseInt(kv[1]);
            switch (kv[0]) {
                case "max_abuse" -> maxAbuse = v;
                case "max_part" -> maxPart = v;
                case "fixed_max_queue_check" -> fixed = v != 0;
                case "fixed_rescan" -> fixedRescan = v != 0;
                default -> {
                    return -Errno.EINVAL.number();
                }
            }
        }
        if (!AbuseDriver.fits(maxAbuse, maxPart)) {
            return -Errno.EINVAL.number();
        }
        abuse = new AbuseDriver(genhd, maxAbuse, maxPart, fixed, fixedRescan, task);
        return 0;
    }

    /**
     * {@code delete_module}: a driver module unregisters its disks (EBUSY while one of them or a
     * partition is open); a helper module simply goes. -ENOENT when it is not loaded.
     */
    public int rmmod(String module) {
        if (module.equals("abuse")) {
            if (abuse == null) {
                return -Errno.ENOENT.number();
            }
            if (abuse.refs > 0 || abuse.devices().stream().anyMatch(d -> d.disk.part0().openers() > 0)) {
                return -Errno.EBUSY.number();
            }
            abuse.unload();
            abuse = null;
            return 0;
        }
        if (loadedHelpers.remove(module)) {
            return 0;
        }
        Optional<DiskDriver> driver = drivers.stream().filter(d -> module.equals(d.module())).findFirst();
        if (driver.isEmpty() || unloaded.contains(module)) {
            return -Errno.ENOENT.number();
        }
        List<Gendisk> disks = new ArrayList<>();
        for (Hardware h : hardware.values()) {
            if (h.driver() == driver.get()) {
                genhd.disk(h.spec().name()).ifPresent(disks::add);
            }
        }
        for (Gendisk d : disks) {
            if (d.part0().openers() > 0 || d.partitions().stream().anyMatch(p -> p.openers() > 0)) {
                return -Errno.EBUSY.number();
            }
        }
        for (Gendisk d : disks) {
            genhd.delGendisk(d);
        }
        unloaded.add(module);
        return 0;
    }

    /**
     * What the model's driver for a disk (or partition) of this name answers to a request that no
     * layer above it handles (6.18 {@code block/ioctl.c:blkdev_ioctl}'s tail): the loop driver's
     * {@code lo_ioctl} says EINVAL, the others have no {@code ->ioctl} and the block layer says
     * ENOTTY. The native adapter gives this answer for requests the uapi does not describe, so a
     * disk answers alike on both kernels.
     */
    public static Errno unknownRequest(String diskName) {
        return Loop.NAME.matcher(diskName).matches() ? Errno.EINVAL : Errno.ENOTTY;
    }

    private Optional<DiskDriver> driverFor(String name) {
        return drivers.stream().filter(d -> d.owns(name)).findFirst();
    }

    private String knownNames() {
        return String.join("; ", drivers.stream().map(DiskDriver::names).toList());
    }

}
