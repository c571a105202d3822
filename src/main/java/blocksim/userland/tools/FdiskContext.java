package blocksim.userland.tools;

import blocksim.api.Kernel;
import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.uapi.IntCell;
import blocksim.uapi.Ioctl;
import blocksim.uapi.LongCell;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Proc;
import java.util.Random;

/**
 * libfdisk's context (2.38.1) for one device: the open descriptor, the topology and geometry
 * discovered through the block ioctls, the alignment (grain, first and last LBA), the first
 * sector, the label found on the device or created, and the messages libfdisk hands to the
 * tool's ask callback (info on stdout; warnings on stderr after flushing stdout, as sfdisk's
 * callback does).
 */
final class FdiskContext {

    /** 1 MiB: the default grain and first partition offset. */
    static final long MIB = 1 << 20;

    final Proc p;
    final Kernel kernel;
    String devPath;
    int fd = -1;
    boolean readonly;
    boolean excl;
    boolean quiet;
    boolean listOnly;
    /** The "device" is a regular file (an image): no ioctls, the size from stat. */
    boolean regfile;
    boolean blockDevice;
    private long fileSize;

    int sectorSize;
    int phySectorSize;
    long minIoSize;
    long optimalIoSize;
    long ioSize;
    long alignmentOffset;
    long totalSectors;
    int heads;
    int sectors;
    long cylinders;
    long grain;
    long firstLba;
    long lastLba;

    byte[] firstSector;
    FdiskLabel label;
    FdiskScript script;
    /** The partition table another label left on the device, when a new label replaces it. */
    String collision;
    boolean ptCollision;
    boolean wipe;
    boolean protectBootbits = true;
    private Random random;

    FdiskContext(Proc p) {
        this.p = p;
        this.kernel = p.kernel();
    }

    Random random() {
        if (random == null) {
            random = p.random();
        }
        return random;
    }

    // ---- messages -------------------------------------------------------------------------

    /** fdisk_info(): a line on stdout (nothing in quiet mode). */
    void info(String msg) {
        if (!quiet) {
            p.out().print(msg + "\n");
        }
    }

    /** fdisk_warnx(): stdout is flushed, then the message goes to stderr. */
    void warnx(String msg) {
        p.out().flush();
        p.err().print(msg + "\n");
    }

    /** fdisk_warn(): like warnx with ": strerror(errno)". */
    void warn(String msg, Errno errno) {
        p.out().flush();
        p.err().print(msg + ": " + strerror(errno) + "\n");
    }

    static String strerror(Errno e) {
        return e == null ? "Success" : e.strerror();
    }

    // ---- device ---------------------------------------------------------------------------

    /**
     * fdisk_assign_device(): opens read-only, or O_RDWR|O_EXCL falling back to O_RDWR when the
     * exclusive open is EBUSY; then discovers the device and probes for a label. Returns null or
     * the errno of the failed open.
     */
    Errno assign(String path, boolean rdonly) {
        int flags = OpenFlags.O_CLOEXEC | (rdonly ? OpenFlags.O_RDONLY : OpenFlags.O_RDWR | OpenFlags.O_EXCL);
        SysResult r = kernel.open(p.task(), path, flags);
        if (r.isError() && r.errno() == Errno.EBUSY && !rdonly) {
            flags &= ~OpenFlags.O_EXCL;
            r = kernel.open(p.task(), path, flags);
        }
        if (r.isError()) {
            return r.errno();
        }
        fd = r.intValue();
        Kernel.StatResult st = kernel.stat(p.task(), path);
        regfile = st.isOk() && st.stat().type() == Kernel.Stat.Type.REGULAR;
        blockDevice = st.isOk() && st.stat().type() == Kernel.Stat.Type.BLOCK_DEVICE;
        fileSize = st.isOk() ? st.stat().size() : 0;
        readonly = rdonly;
        excl = (flags & OpenFlags.O_EXCL) != 0;
        devPath = path;
        discoverTopology();
        discoverGeometry();
        resetAlignment();
        if (!readFirstSector()) {
            kernel.close(p.task(), fd);
            fd = -1;
            return Errno.EINVAL;
        }
        if (!listOnly) {
            checkCollisions();
        }
        probeLabels();
        applyLabelAlignment();
        if (ptCollision && label != null) {
            ptCollision = false;
            collision = null;
        }
        return null;
    }

    /** fdisk_device_is_used(): opened read-write but not exclusively. */
    boolean deviceIsUsed() {
        return !readonly && !excl;
    }

    void discoverTopology() {
        if (regfile) {
            sectorSize = 512;
            phySectorSize = 512;
            minIoSize = 512;
            optimalIoSize = 0;
            alignmentOffset = 0;
            ioSize = 512;
            return;
        }
        IntCell ss = new IntCell();
        SysResult r = kernel.ioctl(p.task(), fd, Ioctl.BLKSSZGET, ss);
        sectorSize = r.isOk() && ss.get() > 0 ? ss.get() : 512;
        IntCell pbs = new IntCell();
        r = kernel.ioctl(p.task(), fd, Ioctl.BLKPBSZGET, pbs);
        phySectorSize = r.isOk() ? pbs.get() : 0;
        IntCell min = new IntCell();
        r = kernel.ioctl(p.task(), fd, Ioctl.BLKIOMIN, min);
        minIoSize = r.isOk() ? Integer.toUnsignedLong(min.get()) : 0;
        IntCell opt = new IntCell();
        r = kernel.ioctl(p.task(), fd, Ioctl.BLKIOOPT, opt);
        optimalIoSize = r.isOk() ? Integer.toUnsignedLong(opt.get()) : 0;
        IntCell off = new IntCell();
        r = kernel.ioctl(p.task(), fd, Ioctl.BLKALIGNOFF, off);
        alignmentOffset = r.isOk() && off.get() > 0 ? off.get() : 0;
        ioSize = optimalIoSize != 0 ? optimalIoSize : minIoSize;
        if (ioSize != 0 && phySectorSize != 0) {
            if (ioSize == 33553920 || ioSize % phySectorSize != 0) {
                ioSize = phySectorSize;
            }
        }
        if (phySectorSize == 0) {
            phySectorSize = sectorSize;
        }
        if (minIoSize == 0) {
            minIoSize = sectorSize;
        }
        if (ioSize == 0) {
            ioSize = sectorSize;
        }
    }

    void discoverGeometry() {
        if (regfile) {
            totalSectors = fileSize / sectorSize;
        } else {
            LongCell size = new LongCell();
            SysResult r = kernel.ioctl(p.task(), fd, Ioctl.BLKGETSIZE64, size);
            long nsects = r.isOk() ? size.get() >>> 9 : 0;
            totalSectors = nsects / (sectorSize >> 9);
        }
        heads = 255;
        sectors = 63;
        cylinders = totalSectors / (heads * sectors);
    }

    private boolean hasTopology() {
        return optimalIoSize != 0 || alignmentOffset != 0 || Long.bitCount(minIoSize) != 1;
    }

    private long topologyFirstLba() {
        long x = 0;
        if (hasTopology()) {
            if (alignmentOffset != 0) {
                x = alignmentOffset;
            } else if (ioSize > 2048 * 512) {
                x = ioSize;
            }
        }
        if (x == 0) {
            x = 2048 * 512;
        }
        long res = x / sectorSize;
        if (totalSectors <= res * 4) {
            res = phySectorSize / sectorSize;
        }
        return res;
    }

    private long topologyGrain() {
        long res = ioSize;
        if (res < 2048 * 512) {
            res = 2048 * 512;
        }
        if (totalSectors <= res * 4 / sectorSize) {
            res = phySectorSize;
        }
        return res;
    }

    /** fdisk_reset_alignment(): the generic defaults, then the label's own. */
    void resetAlignment() {
        grain = topologyGrain();
        firstLba = topologyFirstLba();
        lastLba = totalSectors - 1;
        applyLabelAlignment();
    }

    void applyLabelAlignment() {
        if (label != null) {
            label.resetAlignment();
        }
    }

    /** fdisk_reset_device_properties(): what fdisk_create_disklabel() does over an old label. */
    void resetDeviceProperties() {
        discoverTopology();
        discoverGeometry();
        readFirstSector();
        resetAlignment();
    }

    boolean readFirstSector() {
        byte[] b = new byte[sectorSize];
        if (!readBytes(0, b)) {
            return false;
        }
        firstSector = b;
        return true;
    }

    /** Reads {@code buf.length} bytes at byte offset {@code off}; false on a short read. */
    boolean readBytes(long off, byte[] buf) {
        SysResult r = kernel.pread(p.task(), fd, buf, 0, buf.length, off);
        return r.isOk() && r.value() == buf.length;
    }

    /** Logical sector {@code lba}, or null. */
    byte[] readSector(long lba) {
        byte[] b = new byte[sectorSize];
        return readBytes(lba * sectorSize, b) ? b : null;
    }

    /** Writes bytes at a byte offset; null or the errno. */
    Errno writeBytes(long off, byte[] buf, int len) {
        SysResult r = kernel.pwrite(p.task(), fd, buf, 0, len, off);
        if (r.isError()) {
            return r.errno();
        }
        return r.value() == len ? null : Errno.EIO;
    }

    void fsync() {
        kernel.fsync(p.task(), fd);
    }

    /**
     * fdisk_init_firstsector_buffer(): a zeroed first sector, keeping the 440 bytes of boot code
     * from the device when {@code protect}.
     */
    void initFirstSector(boolean protect) {
        byte[] b = new byte[sectorSize];
        if (protect && protectBootbits) {
            byte[] boot = new byte[440];
            if (readBytes(0, boot)) {
                System.arraycopy(boot, 0, b, 0, 440);
            }
        }
        firstSector = b;
    }

    // ---- labels ---------------------------------------------------------------------------

    /** fdisk_probe_labels(): GPT first, then DOS. */
    void probeLabels() {
        label = null;
        FdiskGpt gpt = new FdiskGpt(this);
        if (gpt.probe()) {
            label = gpt;
            return;
        }
        FdiskDos dos = new FdiskDos(this);
        if (dos.probe()) {
            label = dos;
        }
    }

    boolean hasLabel() {
        return label != null;
    }

    /**
     * fdisk_check_collisions(), reduced to partition tables: the type of table that a probe of
     * the whole device finds (gpt, dos, or PMBR when only a protective MBR is left).
     */
    void checkCollisions() {
        collision = null;
        ptCollision = false;
        String found = FdiskWipe.detect(this);
        if (found != null) {
            collision = found;
            ptCollision = true;
        }
    }

    /** fdisk_create_disklabel(): a new empty label of this type (dos or gpt). */
    int createLabel(String name) {
        boolean hadLabel = label != null;
        String old = hadLabel ? label.name() : null;
        if (!name.equals("dos") && !name.equals("gpt")) {
            return -Errno.EINVAL.number();
        }
        if (!hadLabel || !name.equals(old)) {
            checkCollisions();
        }
        label = name.equals("gpt") ? new FdiskGpt(this) : new FdiskDos(this);
        if (hadLabel) {
            resetDeviceProperties();
        }
        return label.create();
    }

    /** fdisk_write_disklabel(): wipes what must go, then writes the label. */
    int writeLabel() {
        if (label == null || readonly) {
            return -Errno.EINVAL.number();
        }
        if (wipe) {
            FdiskWipe.wipe(this);
        }
        return label.write();
    }

    /** fdisk_partname(): "/dev/sda" 1 gives "/dev/sda1", "/dev/loop0" 1 gives "/dev/loop0p1". */
    static String partname(String dev, long partno) {
        if (dev == null || dev.isEmpty()) {
            return Long.toString(partno);
        }
        String sep = Character.isDigit(dev.charAt(dev.length() - 1)) ? "p" : "";
        int w = dev.length();
        if (dev.endsWith("disc")) {
            w -= 4;
            sep = "part";
        }
        if (dev.startsWith("/dev/disk/by-id") || dev.startsWith("/dev/disk/by-path") || dev.startsWith("/dev/mapper")) {
            sep = "-part";
        }
        return dev.substring(0, w) + sep + partno;
    }

    // ---- alignment ------------------------------------------------------------------------

    private boolean lbaIsAligned(long lba) {
        long granularity = Math.max(phySectorSize, minIoSize);
        if (grain > granularity) {
            granularity = grain;
        }
        long offset = Long.remainderUnsigned(lba * sectorSize, granularity);
        return (granularity + alignmentOffset - offset) % granularity == 0;
    }

    /** fdisk_lba_is_phy_aligned(). */
    boolean lbaIsPhyAligned(long lba) {
        long granularity = Math.max(phySectorSize, minIoSize);
        long offset = Long.remainderUnsigned(lba * sectorSize, granularity);
        return (granularity + alignmentOffset - offset) % granularity == 0;
    }

    static final int ALIGN_UP = 1;
    static final int ALIGN_DOWN = 2;
    static final int ALIGN_NEAREST = 3;

    /** fdisk_align_lba(). */
    long alignLba(long lba, int direction) {
        long res;
        if (lbaIsAligned(lba)) {
            res = lba;
        } else {
            long sectsInPhy = grain / sectorSize;
            if (Long.compareUnsigned(lba, firstLba) < 0) {
                res = firstLba;
            } else if (direction == ALIGN_UP) {
                res = Long.divideUnsigned(lba + sectsInPhy, sectsInPhy) * sectsInPhy;
            } else if (direction == ALIGN_DOWN) {
                res = Long.divideUnsigned(lba, sectsInPhy) * sectsInPhy;
            } else {
                res = Long.divideUnsigned(lba + sectsInPhy / 2, sectsInPhy) * sectsInPhy;
            }
            if (alignmentOffset != 0 && !lbaIsAligned(res) && res > alignmentOffset / sectorSize) {
                res -= (Math.max(phySectorSize, minIoSize) - alignmentOffset) / sectorSize;
                if (direction == ALIGN_UP && res < lba) {
                    res += sectsInPhy;
                }
            }
        }
        return res;
    }

    /** fdisk_align_lba_in_range(). */
    long alignLbaInRange(long lba, long start, long stop) {
        if (Long.compareUnsigned(start + (grain / sectorSize), stop) <= 0) {
            start = alignLba(start, ALIGN_UP);
            stop = alignLba(stop, ALIGN_DOWN);
        }
        if (Long.compareUnsigned(start + (grain / sectorSize), stop) > 0) {
            return lba;
        }
        lba = alignLba(lba, ALIGN_NEAREST);
        if (Long.compareUnsigned(lba, start) < 0) {
            return start;
        }
        return Long.compareUnsigned(lba, stop) > 0 ? stop : lba;
    }

    boolean alignmentRequired() {
        return grain != sectorSize;
    }
}
