package blocksim.drivers;

import blocksim.api.DiskSpec;
import blocksim.block.DiskStore;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.api.Task;

/**
 * A driver that creates disks for {@code disk add}: it owns a family of names, allocates the
 * gendisk with the driver's major, minors and flags, gives it its medium and registers it.
 */
interface DiskDriver {

    /** True if {@code name} is one of this driver's disk names. */
    boolean owns(String name);

    /** A human description of the names it takes, for error messages. */
    String names();

    /**
     * Attaches a disk; returns it, or throws {@link IllegalArgumentException} with a user-facing
     * message when the name or size cannot be used.
     */
    default Gendisk attach(Genhd genhd, DiskSpec spec, Task task) {
        return probe(genhd, spec, new DiskStore(spec.sizeBytes()), task);
    }

    /** The driver's probe: a gendisk for {@code spec} with this medium, registered. */
    Gendisk probe(Genhd genhd, DiskSpec spec, DiskStore medium, Task task);

    /** The module that holds the driver ({@code sd_mod}), or null for one that cannot be unloaded. */
    default String module() {
        return null;
    }

    /** Detaches a disk this driver attached ({@code del_gendisk}). Returns 0 or a negative errno. */
    default int detach(Genhd genhd, Gendisk disk, Task task) {
        genhd.delGendisk(disk);
        return 0;
    }

    /**
     * The end of every probe: the medium ({@code set_capacity}, the queue's logical block size),
     * {@code set_disk_ro} for a read-only disk, then {@code add_disk}.
     */
    static Gendisk register(Genhd genhd, Gendisk disk, DiskSpec spec, Task task) {
        return register(genhd, disk, spec, new DiskStore(spec.sizeBytes()), task);
    }

    /** The same with a medium that already holds data (a disk seen again after its driver reloads). */
    static Gendisk register(Genhd genhd, Gendisk disk, DiskSpec spec, DiskStore medium, Task task) {
        disk.setMedium(spec.sectorSize(), medium);
        DiskSpec.Geometry g = spec.geometry();
        disk.setGeometry(g.physicalSectorSize(), g.alignmentOffset(), g.ioMin(), g.ioOpt(), g.vendor(), g.model());
        disk.setScanDelay(spec.scanDelayMin(), spec.scanDelayMax());
        if (spec.readOnly()) {
            disk.setDiskRo(true);
        }
        genhd.addDisk(disk, task);
        return disk;
    }
}
