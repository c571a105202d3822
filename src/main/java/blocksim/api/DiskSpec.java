package blocksim.api;

import java.util.Objects;

/**
 * A disk to attach, as the scenario command {@code disk add NAME SIZE [--sector-size N] [--ro]
 * [--no-partscan]} describes it. The name chooses the driver, as in the kernel: {@code sdX} a SCSI
 * disk, {@code vdX} a virtio disk, {@code loopN} a loop device, {@code pda}..{@code pdd} the
 * partitionable driver of the LDD lesson. On the live kernel every disk is a loop device.
 *
 * @param name        the kernel's name for the disk
 * @param sizeBytes   the capacity, a multiple of the sector size
 * @param sectorSize  the logical block size: 512 or 4096
 * @param readOnly    attach read-only ({@code set_disk_ro}, {@code LO_FLAGS_READ_ONLY})
 * @param partscan    whether the kernel scans partitions (loop devices in 6.18; the others always
 *                    can, and 2.6.32 loop follows the module's {@code max_part})
 * @param scanDelayMin the shortest time the first partition scan takes (nanoseconds)
 * @param scanDelayMax the longest; the time is drawn from the seed in between
 */
public record DiskSpec(String name, long sizeBytes, int sectorSize, boolean readOnly, boolean partscan,
                       long scanDelayMin, long scanDelayMax, Geometry geometry) {

    /**
     * What the disk reports beyond its logical sector size (the queue limits and the SCSI
     * inquiry): the physical sector size, the alignment offset of its first logical sector to a
     * physical one (bytes), the minimum and optimal I/O sizes (0: none), and the vendor and model
     * strings ({@code /sys/block/X/device/vendor}, {@code model}; null: none).
     */
    public record Geometry(int physicalSectorSize, int alignmentOffset, int ioMin, int ioOpt, String vendor,
                           String model) {
        public Geometry {
            if (physicalSectorSize < 512 || Integer.bitCount(physicalSectorSize) != 1) {
                throw new IllegalArgumentException("physical sector size must be a power of two from 512: " + physicalSectorSize);
            }
            if (alignmentOffset < 0 || alignmentOffset % 512 != 0 || alignmentOffset >= physicalSectorSize) {
                throw new IllegalArgumentException("alignment offset must be a multiple of 512 below the physical sector size");
            }
            if (ioMin < 0 || ioOpt < 0) {
                throw new IllegalArgumentException("I/O sizes cannot be negative");
            }
        }

        /** Nothing beyond the logical sector size: physical = logical, no offset, io_min = physical. */
        public static Geometry plain(int sectorSize) {
            return new Geometry(sectorSize, 0, sectorSize, 0, null, null);
        }

        public boolean isPlain(int sectorSize) {
            return equals(plain(sectorSize));
        }
    }

    /** A disk whose first scan is immediate. */
    public DiskSpec(String name, long sizeBytes, int sectorSize, boolean readOnly, boolean partscan) {
        this(name, sizeBytes, sectorSize, readOnly, partscan, 0, 0);
    }

    /** A disk with no geometry beyond its sector size. */
    public DiskSpec(String name, long sizeBytes, int sectorSize, boolean readOnly, boolean partscan,
                    long scanDelayMin, long scanDelayMax) {
        this(name, sizeBytes, sectorSize, readOnly, partscan, scanDelayMin, scanDelayMax, Geometry.plain(sectorSize));
    }

    public DiskSpec {
        if (scanDelayMin < 0 || scanDelayMax < scanDelayMin) {
            throw new IllegalArgumentException("bad scan delay " + scanDelayMin + "-" + scanDelayMax);
        }
        Objects.requireNonNull(name, "name");
        checkName(name);
        if (sectorSize != 512 && sectorSize != 4096) {
            throw new IllegalArgumentException("sector size must be 512 or 4096, not " + sectorSize);
        }
        if (sizeBytes <= 0 || sizeBytes % sectorSize != 0) {
            throw new IllegalArgumentException("size " + sizeBytes + " must be a positive multiple of " + sectorSize);
        }
        Objects.requireNonNull(geometry, "geometry");
        if (geometry.physicalSectorSize() < sectorSize) {
            throw new IllegalArgumentException("the physical sector size cannot be below the logical one");
        }
    }

    /** The same disk with this geometry. */
    public DiskSpec withGeometry(Geometry g) {
        return new DiskSpec(name, sizeBytes, sectorSize, readOnly, partscan, scanDelayMin, scanDelayMax, g);
    }

    /**
     * The kernel's rule for a disk name: {@code gendisk.disk_name} is {@code char[DISK_NAME_LEN]}
     * (32, {@code include/linux/blkdev.h}), so at most 31 bytes, and the name becomes a /dev node
     * and a sysfs directory, so it cannot be empty, {@code .} or {@code ..}, or hold a {@code /}
     * or a NUL. Both kernels check it here, before anything is created: on the live kernel the
     * name also names the disk's image in the run's directory.
     */
    public static void checkName(String name) {
        String why = null;
        if (name.isEmpty()) {
            why = "empty";
        } else if (name.equals(".") || name.equals("..")) {
            why = "not a name";
        } else if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            why = "holds a '/' or a NUL";
        } else if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 31) {
            why = "longer than 31 bytes";
        }
        if (why != null) {
            throw new IllegalArgumentException("disk: '" + name + "': bad disk name (" + why + ")");
        }
    }

    /** A read-write disk with 512-byte sectors and partition scanning. */
    public static DiskSpec of(String name, long sizeBytes) {
        return new DiskSpec(name, sizeBytes, 512, false, true);
    }

    /**
     * The first partition scan takes between {@code min} and {@code max} nanoseconds, drawn from the
     * run's seed (a slow disk under load); it runs in a kernel thread, as drivers probe asynchronously.
     */
    public DiskSpec withScanDelay(long min, long max) {
        return new DiskSpec(name, sizeBytes, sectorSize, readOnly, partscan, min, max, geometry);
    }

    /** The same disk with this logical sector size (and a plain geometry for it). */
    public DiskSpec withSectorSize(int size) {
        return new DiskSpec(name, sizeBytes, size, readOnly, partscan, scanDelayMin, scanDelayMax, Geometry.plain(size));
    }

    public DiskSpec withReadOnly(boolean ro) {
        return new DiskSpec(name, sizeBytes, sectorSize, ro, partscan, scanDelayMin, scanDelayMax, geometry);
    }

    public DiskSpec withPartscan(boolean scan) {
        return new DiskSpec(name, sizeBytes, sectorSize, readOnly, scan, scanDelayMin, scanDelayMax, geometry);
    }
}
