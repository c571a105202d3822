package blocksim.drivers;

import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.kernel.Errno;
import blocksim.kernel.Task;
import java.util.List;
import java.util.Optional;

/**
 * The block drivers of a simulated kernel, loaded at boot in a fixed order (so dynamic majors are
 * the same every run): loop (major 7, loop0-7 pre-created), sd (8, 65-71, 128-135), virtio_blk
 * (dynamic, 254), and the LDD {@code pd} driver (dynamic, registered on first use).
 */
public final class Drivers {

    private final Genhd genhd;
    private final List<DiskDriver> drivers;

    public Drivers(Genhd genhd, Task init) {
        this.genhd = genhd;
        this.drivers = List.of(new Loop(genhd, init), new Sd(genhd), new VirtioBlk(genhd), new Pd());
    }

    /**
     * Attaches a disk. Returns it, or throws {@link IllegalArgumentException} with a message for
     * the user: an unknown name, a disk that already exists.
     */
    public Gendisk attach(DiskSpec spec, Task task) {
        DiskDriver driver = driverFor(spec.name()).orElseThrow(() -> new IllegalArgumentException(
                "disk: " + spec.name() + ": no driver takes this name (known: " + knownNames() + ")"));
        Optional<Gendisk> existing = genhd.disk(spec.name());
        if (existing.isPresent() && (!(driver instanceof Loop) || Loop.bound(existing.get()))) {
            throw new IllegalArgumentException("disk: " + spec.name() + ": already exists");
        }
        return driver.attach(genhd, spec, task);
    }

    /** Detaches a disk: 0, -ENXIO when there is no such attached disk, or the driver's errno. */
    public int detach(String name, Task task) {
        Optional<Gendisk> disk = genhd.disk(name);
        Optional<DiskDriver> driver = driverFor(name);
        if (disk.isEmpty() || driver.isEmpty() || (driver.get() instanceof Loop && !Loop.bound(disk.get()))) {
            return -Errno.ENXIO.number();
        }
        return driver.get().detach(genhd, disk.get(), task);
    }

    private Optional<DiskDriver> driverFor(String name) {
        return drivers.stream().filter(d -> d.owns(name)).findFirst();
    }

    private String knownNames() {
        return String.join("; ", drivers.stream().map(DiskDriver::names).toList());
    }
}
