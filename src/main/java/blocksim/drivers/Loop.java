package blocksim.drivers;

import blocksim.api.DiskSpec;
import blocksim.api.Errno;
import blocksim.api.Kernel;
import blocksim.api.Task;
import blocksim.block.Bdev;
import blocksim.block.Bio;
import blocksim.block.BlockDevice;
import blocksim.block.BlockDriver;
import blocksim.block.CharDriver;
import blocksim.block.DiskStore;
import blocksim.block.Gendisk;
import blocksim.block.Genhd;
import blocksim.fs.File;
import blocksim.fs.FileLayer;
import blocksim.kernel.Printk;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.LoopConfig;
import blocksim.uapi.LoopInfo;
import blocksim.uapi.LoopInfo64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import static blocksim.uapi.Loop.*;

/**
 * Loop devices, {@code drivers/block/loop.c} of each era: block devices of major 7 whose
 * requests are reads and writes of a backing file ({@code lo_rw_aio}; 2.6.32
 * {@code do_bio_filebacked}), configured with the LOOP_* ioctls on the device and, in 6.18, created
 * and removed through {@code /dev/loop-control}.
 *
 * <p>Devices {@code loop0}..{@code loop7} exist from module load ({@code max_loop}, by default
 * {@code CONFIG_BLK_DEV_LOOP_MIN_COUNT}); minors per device are {@code 1 << part_shift} with
 * {@code part_shift = fls(max_part)}. Partition scanning: 6.18 keeps {@code GD_SUPPRESS_PART_SCAN}
 * set unless the device is bound with {@code LO_FLAGS_PARTSCAN} (forced by {@code max_part > 0});
 * BLKPG works without it, on major 259. 2.6.32 has only {@code max_part}: with 0 a loop device has
 * one minor and holds no partitions.
 *
 * <p>Each ioctl takes its era's checks in their order; the first failing one decides the errno.
 * Where a function is named, it is the kernel's.
 */
final class Loop implements DiskDriver, BlockDriver {

    /** {@code CONFIG_BLK_DEV_LOOP_MIN_COUNT} / 2.6.32's device count when {@code max_loop} is 0. */
    static final int MIN_COUNT = 8;
    /** {@code LOOP_CONFIGURE_SETTABLE_FLAGS}. */
    static final int CONFIGURE_SETTABLE = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN | LO_FLAGS_DIRECT_IO;
    /** {@code LOOP_SET_STATUS_SETTABLE_FLAGS} and {@code LOOP_SET_STATUS_CLEARABLE_FLAGS} (6.18). */
    static final int STATUS_SETTABLE = LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN;
    static final int STATUS_CLEARABLE = LO_FLAGS_AUTOCLEAR;
    /** {@code LO_CRYPT_NONE}, {@code LO_CRYPT_XOR}, {@code LO_CRYPT_CRYPTOAPI}, {@code MAX_LO_CRYPT}. */
    static final int LO_CRYPT_XOR = 1;
    static final int LO_CRYPT_CRYPTOAPI = 18;
    static final int MAX_LO_CRYPT = 20;
    /** {@code MINORBITS}. */
    static final int MINORBITS = 20;

    /** {@code lo_state}. */
    enum State { UNBOUND, BOUND, RUNDOWN, DELETING }

    /** {@code struct loop_device}: what the driver keeps per device. */
    static final class LoopDevice {
        final int number;
        final Gendisk disk;
        State state = State.UNBOUND;
        LoopBacking backing;
        long offset;
        long sizelimit;
        int flags;
        final byte[] fileName = new byte[LO_NAME_SIZE];
        final byte[] cryptName = new byte[LO_NAME_SIZE];
        /** 2.6.32 transfer: {@code lo_encrypt_type}, the key, its owner. */
        int encryptType;
        final byte[] key = new byte[LO_KEY_SIZE];
        int keySize;
        int keyOwner;
        final long[] init = new long[2];
        /** 2.6.32 {@code lo_refcnt}: opens of the device, counted in {@code lo_open}. */
        int refcnt;
        /** 6.18 {@code idr_visible}: LOOP_CTL_REMOVE hides a device while it checks it. */
        boolean visible = true;
        /** {@code sysfs_inited}: the {@code loop/} group exists while bound. */
        boolean sysfs;
        /** The whole device it was bound through ({@code lo_device}). */
        BlockDevice device;

        LoopDevice(int number, Gendisk disk) {
            this.number = number;
            this.disk = disk;
        }

        String fileNameString() {
            int n = 0;
            while (n < fileName.length && fileName[n] != 0) {
                n++;
            }
            return new String(fileName, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final Genhd genhd;
    private final DriverRules rules;
    private final FileLayer files;
    private final BiFunction<Task, Integer, File> fdLookup;
    private final int partShift;
    /** {@code max_part} as the module leaves it: rounded up to {@code (1 << part_shift) - 1}. */
    private final int maxPart;
    private final int maxLoop;
    /** {@code loop_index_idr}: every device by number. */
    private final TreeMap<Integer, LoopDevice> devices = new TreeMap<>();
    /** The kernel context that runs teardown on the last close. */
    private final Task kernelTask;
    /** The claim holder of {@code bd_prepare_to_claim(bdev, loop_configure)}. */
    private static final Object CONFIGURE_HOLDER = new Object() {
        @Override
        public String toString() {
            return "loop_configure";
        }
    };

    Loop(Genhd genhd, Task task, FileLayer files, BiFunction<Task, Integer, File> fdLookup) {
        this.genhd = genhd;
        this.rules = DriverRules.of(genhd.profile());
        this.kernelTask = task;
        this.files = files;
        this.fdLookup = fdLookup;
        int mp = genhd.config().loopMaxPart();
        this.partShift = mp > 0 ? 32 - Integer.numberOfLeadingZeros(mp) : 0;
        this.maxPart = mp > 0 && rules.loopConfigure() ? (1 << partShift) - 1 : mp;
        this.maxLoop = genhd.config().loopMaxLoop();
        genhd.registerBlkdev(LOOP_MAJOR, "loop");
        if (rules.loopConfigure()) {
            genhd.registerChrdev(new Genhd.CharRegion(MISC_MAJOR, LOOP_CTRL_MINOR, 1, "misc", new Control(),
                    minor -> "loop-control"));
        }
        int count = maxLoop > 0 ? maxLoop : MIN_COUNT;
        for (int i = 0; i < count; i++) {
            loopAdd(i, task);
        }
        genhd.printk().printk(Printk.Level.INFO, "loop: module loaded\n");
    }

    /** {@code loop_add}: an unbound device of capacity 0, registered. Returns it. */
    private LoopDevice loopAdd(int i, Task task) {
        Gendisk disk = genhd.allocDisk(this, LOOP_MAJOR, i << partShift, 1 << partShift, "loop" + i,
                EnumSet.noneOf(Gendisk.Flag.class));
        LoopDevice lo = new LoopDevice(i, disk);
        disk.setPrivateData(lo);
        if (partShift == 0 && rules.loopPartscanPerDevice()) {
            disk.setSuppressPartScan(true);
        }
        genhd.addDisk(disk, task);
        devices.put(i, lo);
        return lo;
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

    @Override
    public Gendisk probe(Genhd genhd, DiskSpec spec, DiskStore medium, Task task) {
        return attach(genhd, spec, task);
    }

    /**
     * {@code disk add loopN}: binds a fresh image as {@code losetup} would, through the era's bind
     * ({@link #configure}, {@link #setFd2632}) with the spec's block size, read-only flag and
     * partition scanning. Geometry beyond the block size is refused: a loop device has none.
     */
    @Override
    public Gendisk attach(Genhd genhd, DiskSpec spec, Task task) {
        int n = Integer.parseInt(spec.name().substring(4));
        LoopDevice lo = devices.get(n);
        if (lo == null) {
            lo = loopAdd(n, task);
        }
        if (lo.state != State.UNBOUND) {
            throw new IllegalArgumentException(spec.name() + ": " + Errno.EBUSY.strerror());
        }
        String path = "/var/lib/blocksim/" + spec.name() + ".img";
        LoopBacking image = new LoopBacking.Image(new DiskStore(spec.sizeBytes()), path);
        int mode = Bdev.MODE_READ | (spec.readOnly() ? 0 : Bdev.MODE_WRITE);
        int rc;
        if (rules.loopConfigure()) {
            LoopInfo64 info = new LoopInfo64(0, 0, spec.partscan() ? LO_FLAGS_PARTSCAN : 0, path);
            rc = bind618(lo, lo.disk.part0(), mode, image, info, spec.sectorSize(), task);
        } else {
            rc = bind2632(lo, lo.disk.part0(), mode, image, task);
        }
        if (rc < 0) {
            throw new IllegalArgumentException(spec.name() + ": " + Errno.of(-rc).map(Errno::strerror).orElse("error " + -rc));
        }
        return lo.disk;
    }

    /**
     * {@code disk del loopN}: what {@code losetup -d} does with no other opener. 6.18
     * {@code loop_clr_fd} marks AUTOCLEAR and, with nobody holding the device, the teardown runs
     * at once (the tool's own close); with openers it waits for the last close. 2.6.32 refuses
     * with EBUSY while anyone holds it.
     */
    @Override
    public int detach(Genhd genhd, Gendisk disk, Task task) {
        LoopDevice lo = lo(disk);
        if (lo.state != State.BOUND) {
            return -Errno.ENXIO.number();
        }
        if (!rules.loopConfigure()) {
            if (lo.refcnt > 0) {
                return -Errno.EBUSY.number();
            }
            clrFd2632(lo, disk.part0(), task);
            return 0;
        }
        lo.flags |= LO_FLAGS_AUTOCLEAR;
        if (disk.part0().openers() == 0) {
            lo.state = State.RUNDOWN;
            clrFd618(lo, task, false);
        }
        return 0;
    }

    /** {@code lo_open}: 6.18 refuses a device being torn down or deleted (ENXIO); 2.6.32 counts the open. */
    @Override
    public int open(Gendisk disk, boolean write) {
        LoopDevice lo = lo(disk);
        genhd.scheduler().condResched(); // mutex_lock_killable(&lo->lo_mutex)
        if (!rules.loopConfigure()) {
            lo.refcnt++;
            return 0;
        }
        return lo.state == State.DELETING || lo.state == State.RUNDOWN ? -Errno.ENXIO.number() : 0;
    }

    /**
     * {@code lo_release}. 6.18: at the last close ({@code disk_openers == 0}) a bound AUTOCLEAR
     * device, or one LOOP_CLR_FD left in rundown, is torn down, inside the block layer's release
     * path with {@code open_mutex} held. 2.6.32: the last close of an AUTOCLEAR device runs
     * {@code loop_clr_fd(lo, NULL)}: no device, so no partition rescan.
     */
    @Override
    public void release(Gendisk disk) {
        LoopDevice lo = lo(disk);
        if (!rules.loopConfigure()) {
            if (--lo.refcnt == 0 && (lo.flags & LO_FLAGS_AUTOCLEAR) != 0 && lo.state == State.BOUND) {
                clrFd2632(lo, null, kernelTask);
            }
            return;
        }
        if (disk.part0().openers() > 0) {
            return;
        }
        if (lo.state == State.BOUND && (lo.flags & LO_FLAGS_AUTOCLEAR) != 0) {
            lo.state = State.RUNDOWN;
        }
        if (lo.state == State.RUNDOWN) {
            clrFd618(lo, kernelTask, true);
        }
    }

    // ---- the request path ----

    /**
     * 6.18 {@code loop_queue_rq} and {@code loop_handle_cmd}: an unbound device fails every
     * request, a write to a read-only binding fails with EIO, and a read or write becomes
     * {@code lo_rw_aio} at byte {@code (sector << 9) + lo_offset} of the backing file (writes take
     * the file's filesystem's write reference, {@code kiocb_start_write}, so they wait while it is
     * frozen). A read that comes back short is zero-filled and fails ({@code lo_complete_rq}).
     * 2.6.32 {@code loop_make_request} has the same refusals; {@code lo_receive} and
     * {@code lo_send} pass the bytes through the transfer function (none or XOR).
     */
    @Override
    public void submitBio(Gendisk disk, Bio bio) {
        LoopDevice lo = lo(disk);
        genhd.scheduler().condResched(); // the request waits for the loop worker (loop_queue_work)
        if (lo.state != State.BOUND || bio.op() == Bio.Op.WRITE && (lo.flags & LO_FLAGS_READ_ONLY) != 0) {
            bio.endio(-Errno.EIO.number());
            return;
        }
        Task task = bio.submitter() != null ? bio.submitter() : kernelTask;
        long pos = bio.sector() * 512 + lo.offset;
        for (Bio.Vec v : bio.vecs()) {
            if (bio.op() == Bio.Op.READ) {
                long n = lo.backing.read(pos, v.buf(), v.off(), v.len(), task);
                if (n < v.len()) {
                    java.util.Arrays.fill(v.buf(), v.off() + (int) Math.max(n, 0), v.off() + v.len(), (byte) 0);
                    bio.endio(-Errno.EIO.number());
                    return;
                }
                transfer(lo, v.buf(), v.off(), v.len());
            } else {
                byte[] data = v.buf();
                int off = v.off();
                if (lo.encryptType == LO_CRYPT_XOR) {
                    data = java.util.Arrays.copyOfRange(v.buf(), v.off(), v.off() + v.len());
                    off = 0;
                    transfer(lo, data, 0, v.len());
                }
                long n = lo.backing.write(pos, data, off, v.len(), task);
                if (n != v.len()) {
                    bio.endio(-Errno.EIO.number());
                    return;
                }
            }
            pos += v.len();
        }
        bio.endio(0);
    }

    /**
     * 2.6.32 {@code transfer_xor}: each byte XORed with the key byte at its offset in its
     * 512-byte block modulo the key size (the same both ways).
     */
    private static void transfer(LoopDevice lo, byte[] buf, int off, int len) {
        if (lo.encryptType != LO_CRYPT_XOR) {
            return;
        }
        for (int i = 0; i < len; i++) {
            buf[off + i] ^= lo.key[(i & 511) % lo.keySize];
        }
    }

    // ---- the ioctls ----

    /**
     * 6.18 {@code lo_ioctl}: the binding requests go to their functions; SET_STATUS needs the device
     * open for writing or CAP_SYS_ADMIN (EPERM); SET_BLOCK_SIZE, SET_CAPACITY and SET_DIRECT_IO
     * likewise; the rest of the 'L' requests and anything else are {@code lo_simple_ioctl}'s
     * EINVAL. 2.6.32 {@code lo_ioctl} has SET_FD, CHANGE_FD, CLR_FD, the four status requests and
     * SET_CAPACITY (the only one with the EPERM check); everything else is EINVAL.
     */
    @Override
    public int ioctl(BlockDevice bdev, int mode, long cmd, IoctlArg arg, Task task) {
        LoopDevice lo = lo(bdev.disk());
        genhd.scheduler().condResched(); // every request takes lo_mutex or the global lock first
        boolean write = (mode & Bdev.MODE_WRITE) != 0;
        if (Ioctl.abi(cmd).map(a -> a.kind() == Ioctl.ArgKind.VALUE).orElse(false)) {
            value(arg); // a pointer where a number belongs is the caller's mistake, whatever the checks
        }
        if (!rules.loopConfigure()) {
            return ioctl2632(lo, bdev, mode, cmd, arg, task);
        }
        if (cmd == LOOP_SET_FD) {
            LoopConfig config = new LoopConfig();
            config.fd = (int) value(arg);
            return configure(lo, bdev, mode, config, task);
        } else if (cmd == LOOP_CONFIGURE) {
            if (!(arg instanceof LoopConfig config)) {
                return -Errno.EFAULT.number();
            }
            return configure(lo, bdev, mode, config, task);
        } else if (cmd == LOOP_CHANGE_FD) {
            return changeFd(lo, bdev, (int) value(arg), task);
        } else if (cmd == LOOP_CLR_FD) {
            return clrFd(lo);
        } else if (cmd == LOOP_SET_STATUS || cmd == LOOP_SET_STATUS64) {
            if (!write && !task.capSysAdmin()) {
                return -Errno.EPERM.number();
            }
            LoopInfo64 info = statusArg(cmd, arg);
            return info == null ? -Errno.EFAULT.number() : setStatus618(lo, info, task);
        } else if (cmd == LOOP_GET_STATUS || cmd == LOOP_GET_STATUS64) {
            return getStatus(lo, cmd == LOOP_GET_STATUS, arg, task);
        } else if (cmd == LOOP_SET_BLOCK_SIZE) {
            if (!write && !task.capSysAdmin()) {
                return -Errno.EPERM.number();
            }
            return setBlockSize(lo, bdev, mode, value(arg), task);
        } else if (cmd == LOOP_SET_CAPACITY || cmd == LOOP_SET_DIRECT_IO) {
            if (!write && !task.capSysAdmin()) {
                return -Errno.EPERM.number();
            }
            return cmd == LOOP_SET_CAPACITY ? setCapacity(lo, bdev) : setDio(lo, value(arg), task);
        }
        return -Errno.EINVAL.number();
    }

    /** {@code copy_from_user} of SET_STATUS's structure (the old one converted), or null for EFAULT. */
    private LoopInfo64 statusArg(long cmd, IoctlArg arg) {
        return cmd == LOOP_SET_STATUS ? fromOld(arg) : (arg instanceof LoopInfo64 i ? i : null);
    }

    private int ioctl2632(LoopDevice lo, BlockDevice bdev, int mode, long cmd, IoctlArg arg, Task task) {
        if (cmd == LOOP_SET_FD) {
            File f = fdLookup.apply(task, (int) value(arg));
            if (f == null) {
                return -Errno.EBADF.number();
            }
            return bind2632(lo, bdev, mode, new LoopBacking.OfFile(files.get(f), files), task);
        } else if (cmd == LOOP_CHANGE_FD) {
            return changeFd(lo, bdev, (int) value(arg), task);
        } else if (cmd == LOOP_CLR_FD) {
            if (lo.state != State.BOUND) {
                return -Errno.ENXIO.number();
            }
            if (lo.refcnt > 1) { // we needed one fd for the ioctl
                return -Errno.EBUSY.number();
            }
            clrFd2632(lo, bdev, task);
            return 0;
        } else if (cmd == LOOP_SET_STATUS || cmd == LOOP_SET_STATUS64) {
            LoopInfo64 info = statusArg(cmd, arg);
            return info == null ? -Errno.EFAULT.number() : setStatus2632(lo, info, task);
        } else if (cmd == LOOP_GET_STATUS || cmd == LOOP_GET_STATUS64) {
            return getStatus(lo, cmd == LOOP_GET_STATUS, arg, task);
        } else if (cmd == LOOP_SET_CAPACITY) {
            if ((mode & Bdev.MODE_WRITE) == 0 && !task.capSysAdmin()) {
                return -Errno.EPERM.number();
            }
            return setCapacity(lo, bdev);
        }
        return -Errno.EINVAL.number();
    }

    /**
     * The argument of a request that takes a number ({@code unsigned long arg}): NULL is 0, a bad
     * address its number; a memory cell or record there is the caller's mistake, as for BLKRASET.
     */
    private static long value(IoctlArg arg) {
        return switch (arg) {
            case IoctlArg.Value v -> v.value();
            case IoctlArg.BadAddress b -> b.address();
            case IoctlArg.Null n -> 0;
            default -> throw new blocksim.api.MisuseException(
                    "this ioctl takes its argument by value (IoctlArg.Value), not a pointer to " + arg);
        };
    }

    /**
     * 6.18 {@code loop_configure}, in its order: {@code fget} (EBADF); {@code loop_check_backing_file}
     * (EINVAL: no {@code read_iter}, as for a directory); {@code bd_prepare_to_claim} unless the
     * caller's open was O_EXCL (EBUSY); bound already (EBUSY); {@code loop_validate_file} (EBADF,
     * EINVAL); flags beyond the settable ones (EINVAL); {@code loop_set_status_from_info} (EINVAL,
     * EOVERFLOW); then the bind.
     */
    private int configure(LoopDevice lo, BlockDevice bdev, int mode, LoopConfig config, Task task) {
        File f = fdLookup.apply(task, config.fd);
        if (f == null) {
            return -Errno.EBADF.number();
        }
        if (f.inode() instanceof blocksim.fs.Inode.Dir) {
            return -Errno.EINVAL.number();
        }
        LoopBacking backing = new LoopBacking.OfFile(files.get(f), files);
        int rc = bind618(lo, bdev, mode, backing, config.info, config.blockSize, task);
        if (rc < 0) {
            backing.put(task);
        }
        return rc;
    }

    /** The part of {@code loop_configure} after {@code fget}; the caller drops the file on failure. */
    private int bind618(LoopDevice lo, BlockDevice bdev, int mode, LoopBacking file, LoopInfo64 info, int blockSize,
                        Task task) {
        if ((mode & Bdev.MODE_EXCL) == 0) {
            int claim = genhd.bdev().prepareToClaim(bdev, CONFIGURE_HOLDER);
            if (claim < 0) {
                return claim;
            }
        }
        if (lo.state != State.UNBOUND) {
            return -Errno.EBUSY.number();
        }
        int err = validateFile(file, bdev, true);
        if (err < 0) {
            return err;
        }
        if ((info.flags & ~CONFIGURE_SETTABLE) != 0) {
            return -Errno.EINVAL.number();
        }
        err = setStatusFromInfo(lo, info);
        if (err < 0) {
            return err;
        }
        lo.flags = info.flags;
        if (!file.writable() || (mode & Bdev.MODE_WRITE) == 0) {
            lo.flags |= LO_FLAGS_READ_ONLY;
        }
        Gendisk disk = lo.disk;
        genhd.incDiskseq(disk); // disk_force_media_change
        disk.setDiskRo((lo.flags & LO_FLAGS_READ_ONLY) != 0);
        lo.device = bdev;
        if (file.direct()) {
            lo.flags |= LO_FLAGS_DIRECT_IO;
        }
        // loop_update_limits + queue_limits_commit_update: blk_validate_block_size
        int bsize = blockSize != 0 ? blockSize : defaultBlockSize(lo, file);
        if (!validBlockSize(bsize)) {
            return -Errno.EINVAL.number();
        }
        lo.backing = file;
        disk.setBlockLimits(bsize);
        // a loop file on a rotational disk (the host's virtio disk) has no io_opt, so
        // blk_apply_bdi_limits takes max_sectors bytes for it
        disk.applyBdiLimits((long) disk.maxSectors() << 9);
        file.fsync(task);
        updateDio(lo);
        lo.sysfs = true;
        long old = disk.setCapacity(calculateSize(lo, file));
        genhd.notifyCapacityChange(disk, old);
        lo.state = State.BOUND;
        if (partShift > 0) {
            lo.flags |= LO_FLAGS_PARTSCAN;
        }
        if ((lo.flags & LO_FLAGS_PARTSCAN) != 0) {
            disk.setSuppressPartScan(false);
            rereadPartitions(lo, task);
        }
        return 0;
    }

    /**
     * {@code blk_validate_limits}' check of the logical block size ({@code blk_validate_block_size}):
     * a power of two from 512 to {@code BLK_MAX_BLOCK_SIZE}, 64 KiB with transparent huge pages (as
     * on the live 6.18.44: {@code losetup -b 65536} binds, 131072 is EINVAL), with a warning when not.
     */
    private boolean validBlockSize(long bsize) {
        if (bsize >= 512 && bsize <= BLK_MAX_BLOCK_SIZE && Long.bitCount(bsize) == 1) {
            return true;
        }
        genhd.printk().printk(Printk.Level.WARNING, "Invalid logical block size (" + (int) bsize + ")\n");
        return false;
    }

    /** {@code BLK_MAX_BLOCK_SIZE} with {@code CONFIG_TRANSPARENT_HUGEPAGE}. */
    static final int BLK_MAX_BLOCK_SIZE = 65536;

    /** {@code loop_default_blocksize}: the file's DIO alignment with direct I/O, else 512. */
    private static int defaultBlockSize(LoopDevice lo, LoopBacking file) {
        return (lo.flags & LO_FLAGS_DIRECT_IO) != 0 ? file.minDioSize() : 512;
    }

    /** {@code loop_update_dio}: direct I/O is dropped silently where it cannot be used. */
    private static void updateDio(LoopDevice lo) {
        if ((lo.flags & LO_FLAGS_DIRECT_IO) != 0 && !canUseDio(lo)) {
            lo.flags &= ~LO_FLAGS_DIRECT_IO;
        }
    }

    /**
     * {@code lo_can_use_dio}: the file can do O_DIRECT (regular files of tmpfs and ext4, block
     * devices, and the image of {@code disk add}, a file on the host's ext4, all can), the device's block size is at least the file's DIO alignment, and the
     * offset is aligned to it.
     */
    private static boolean canUseDio(LoopDevice lo) {
        int min = lo.backing.minDioSize();
        return lo.disk.logicalBlockSize() >= min && (lo.offset & (min - 1)) == 0;
    }

    /**
     * {@code lo_calculate_size} (6.18) / {@code get_loop_size} (2.6.32): the file's size less the
     * offset (0 when the offset is beyond it, 6.18), cut to the size limit, in 512-byte sectors.
     */
    private long calculateSize(LoopDevice lo, LoopBacking file) {
        long size = file.size();
        if (lo.offset > 0) {
            size -= lo.offset;
        }
        if (size < 0) {
            return rules.loopConfigure() ? 0 : size >> 9;
        }
        if (lo.sizelimit > 0 && lo.sizelimit < size) {
            size = lo.sizelimit;
        }
        return size >> 9;
    }

    /**
     * {@code loop_validate_file}: walking down a chain of loop devices, this very device is EBADF
     * (6.18; 2.6.32 EBUSY) and an unbound one EINVAL; the file at the end must be a regular file
     * or a block device (EINVAL).
     */
    private int validateFile(LoopBacking file, BlockDevice bdev, boolean era618) {
        LoopBacking f = file;
        while (f != null && f.loopDisk() != null) {
            if (f.bdev().dev().equals(bdev.dev())) {
                return era618 ? -Errno.EBADF.number() : -Errno.EBUSY.number();
            }
            LoopDevice l = lo(f.loopDisk());
            if (era618 ? l.state != State.BOUND : l.state == State.UNBOUND) {
                return -Errno.EINVAL.number();
            }
            f = l.backing;
        }
        if (!file.regular() && !file.blockDevice()) {
            return -Errno.EINVAL.number();
        }
        return 0;
    }

    /**
     * 6.18 {@code loop_set_status_from_info}: a key size over {@code LO_KEY_SIZE} is EINVAL; every
     * encryption type but none is EINVAL (xor and cryptoapi with a warning that they were removed);
     * an offset or size limit above {@code LLONG_MAX} is EOVERFLOW; then offset, size limit and
     * the name (its last byte forced to NUL) are taken.
     */
    private int setStatusFromInfo(LoopDevice lo, LoopInfo64 info) {
        if (Integer.toUnsignedLong(info.encryptKeySize) > LO_KEY_SIZE) {
            return -Errno.EINVAL.number();
        }
        switch (info.encryptType) {
            case 0 -> {
            }
            case LO_CRYPT_XOR -> {
                genhd.printk().printk(Printk.Level.WARNING, "support for the xor transformation has been removed.\n");
                return -Errno.EINVAL.number();
            }
            case LO_CRYPT_CRYPTOAPI -> {
                genhd.printk().printk(Printk.Level.WARNING,
                        "support for cryptoloop has been removed.  Use dm-crypt instead.\n");
                return -Errno.EINVAL.number();
            }
            default -> {
                return -Errno.EINVAL.number();
            }
        }
        if (info.offset < 0 || info.sizelimit < 0) {
            return -Errno.EOVERFLOW.number();
        }
        lo.offset = info.offset;
        lo.sizelimit = info.sizelimit;
        System.arraycopy(info.fileName, 0, lo.fileName, 0, LO_NAME_SIZE);
        lo.fileName[LO_NAME_SIZE - 1] = 0;
        return 0;
    }

    /** {@code loop_reread_partitions}: {@code bdev_disk_changed} under {@code open_mutex}; a failure is only logged. */
    private void rereadPartitions(LoopDevice lo, Task task) {
        int rc = genhd.partitions().rescanLocked(lo.disk, task);
        if (rc != 0) {
            genhd.printk().printk(Printk.Level.WARNING, "loop_reread_partitions: partition scan of loop" + lo.number
                    + " (" + lo.fileNameString() + ") failed (rc=" + rc + ")\n");
        }
    }

    /**
     * 2.6.32 {@code loop_set_fd}: bound already (EBUSY); a chain that leads back to this device
     * (EBUSY) or through an unbound one (EINVAL); not a regular file or block device (EINVAL).
     * Read-only when the file or the device's open lacks write; {@code set_device_ro} on the device
     * it was called through; the soft block size becomes the page size for a file ({@code
     * set_blocksize}) or the backing device's; with {@code max_part > 0}, BLKRRPART through {@code
     * ioctl_by_bdev}, errors ignored.
     */
    private int bind2632(LoopDevice lo, BlockDevice bdev, int mode, LoopBacking file, Task task) {
        if (lo.state != State.UNBOUND) {
            file.put(task);
            return -Errno.EBUSY.number();
        }
        int err = validateFile(file, bdev, false);
        if (err < 0) {
            file.put(task);
            return err;
        }
        int flags = file.writable() ? 0 : LO_FLAGS_READ_ONLY;
        flags |= LO_FLAGS_USE_AOPS; // tmpfs, ext2/3/4 and block devices all have write_begin
        if ((mode & Bdev.MODE_WRITE) == 0) {
            flags |= LO_FLAGS_READ_ONLY;
        }
        bdev.setReadOnly((flags & LO_FLAGS_READ_ONLY) != 0);
        int blocksize = file.blockDevice() ? file.bdev().blockSizeSoft() : Bio.PAGE;
        lo.device = bdev;
        lo.flags = flags;
        lo.backing = file;
        lo.sizelimit = 0;
        lo.encryptType = 0;
        Gendisk disk = lo.disk;
        disk.setCapacity(calculateSize(lo, file));
        genhd.bdev().setSize(bdev, disk.capacity() << 9);
        genhd.bdev().setBlocksize(bdev, blocksize);
        lo.state = State.BOUND;
        if (partShift > 0) {
            genhd.ioctl().kernelIoctl(disk.part0(), Ioctl.BLKRRPART, task);
        }
        return 0;
    }

    /**
     * 2.6.32 {@code loop_clr_fd} after its checks: every setting back to none, capacity 0 and (with
     * the device) its inode size 0, then with {@code max_part > 0} and the device, BLKRRPART; the
     * file is let go.
     */
    private void clrFd2632(LoopDevice lo, BlockDevice bdev, Task task) {
        LoopBacking file = lo.backing;
        lo.state = State.RUNDOWN;
        lo.backing = null;
        lo.device = null;
        lo.offset = 0;
        lo.sizelimit = 0;
        lo.keySize = 0;
        lo.encryptType = 0;
        lo.flags = 0;
        java.util.Arrays.fill(lo.key, (byte) 0);
        java.util.Arrays.fill(lo.cryptName, (byte) 0);
        java.util.Arrays.fill(lo.fileName, (byte) 0);
        lo.disk.setCapacity(0);
        if (bdev != null) {
            genhd.bdev().setSize(bdev, 0);
        }
        lo.state = State.UNBOUND;
        if (partShift > 0 && bdev != null) {
            genhd.ioctl().kernelIoctl(bdev, Ioctl.BLKRRPART, task);
        }
        file.put(task);
    }

    /**
     * 6.18 {@code loop_clr_fd}: not bound is ENXIO; otherwise the device is marked AUTOCLEAR and
     * the teardown waits for the last close ({@link #release}). When the caller's is the only open,
     * the device moves to rundown at once: new opens get ENXIO and a second LOOP_CLR_FD ENXIO.
     */
    private int clrFd(LoopDevice lo) {
        if (lo.state != State.BOUND) {
            return -Errno.ENXIO.number();
        }
        lo.flags |= LO_FLAGS_AUTOCLEAR;
        if (lo.disk.part0().openers() == 1) {
            lo.state = State.RUNDOWN;
        }
        return 0;
    }

    /**
     * 6.18 {@code __loop_clr_fd}: offset, size limit and name cleared, block size back to 512,
     * capacity 0 without a log line ({@code invalidate_disk}), the {@code loop/} group removed,
     * diskseq bumped, and with PARTSCAN the partitions dropped ({@code bdev_disk_changed}, a
     * failure only logged); then flags 0, {@code GD_SUPPRESS_PART_SCAN} back when {@code max_part}
     * is 0, unbound, and the file let go. Partitions added with BLKPG to a device without PARTSCAN
     * stay. The read-only state stays too, until the next bind sets it.
     */
    private void clrFd618(LoopDevice lo, Task task, boolean inRelease) {
        LoopBacking file = lo.backing;
        Gendisk disk = lo.disk;
        lo.backing = null;
        lo.device = null;
        lo.offset = 0;
        lo.sizelimit = 0;
        java.util.Arrays.fill(lo.fileName, (byte) 0);
        disk.setBlockLimits(512);
        disk.clearMedium();
        lo.sysfs = false;
        genhd.incDiskseq(disk);
        if ((lo.flags & LO_FLAGS_PARTSCAN) != 0) {
            int err = inRelease ? genhd.partitions().rescanFromRelease(disk, task)
                    : genhd.partitions().rescanLocked(disk, task);
            if (err != 0) {
                genhd.printk().printk(Printk.Level.WARNING, "__loop_clr_fd: partition scan of loop" + lo.number
                        + " failed (rc=" + err + ")\n");
            }
        }
        lo.flags = 0;
        if (partShift == 0) {
            disk.setSuppressPartScan(true);
        }
        lo.state = State.UNBOUND;
        if (file != null) {
            file.put(task);
        }
    }

    /**
     * {@code loop_change_fd}. 6.18: {@code fget} (EBADF), {@code loop_check_backing_file} (EINVAL),
     * not bound (ENXIO), not read-only (EINVAL), {@code loop_validate_file}, a size other than the
     * old file's (EINVAL); then the switch, and a rescan with PARTSCAN. 2.6.32: not bound (ENXIO),
     * not read-only (EINVAL), {@code fget} (EBADF), not a regular file or block device (EINVAL), a
     * different size (EINVAL); then the switch and, with {@code max_part > 0}, BLKRRPART.
     */
    private int changeFd(LoopDevice lo, BlockDevice bdev, int fd, Task task) {
        boolean era618 = rules.loopConfigure();
        if (!era618) {
            if (lo.state != State.BOUND) {
                return -Errno.ENXIO.number();
            }
            if ((lo.flags & LO_FLAGS_READ_ONLY) == 0) {
                return -Errno.EINVAL.number();
            }
        }
        File f = fdLookup.apply(task, fd);
        if (f == null) {
            return -Errno.EBADF.number();
        }
        if (era618 && f.inode() instanceof blocksim.fs.Inode.Dir) {
            return -Errno.EINVAL.number();
        }
        LoopBacking file = new LoopBacking.OfFile(files.get(f), files);
        int err = 0;
        if (era618) {
            if (lo.state != State.BOUND) {
                err = -Errno.ENXIO.number();
            } else if ((lo.flags & LO_FLAGS_READ_ONLY) == 0) {
                err = -Errno.EINVAL.number();
            } else {
                err = validateFile(file, bdev, true);
            }
        } else if (!file.regular() && !file.blockDevice()) {
            err = -Errno.EINVAL.number();
        }
        if (err == 0 && calculateSize(lo, file) != calculateSize(lo, lo.backing)) {
            err = -Errno.EINVAL.number();
        }
        if (err < 0) {
            file.put(task);
            return err;
        }
        LoopBacking old = lo.backing;
        if (era618) {
            file.fsync(task);
            genhd.incDiskseq(lo.disk);
        }
        lo.backing = file;
        if (era618) {
            updateDio(lo);
        }
        old.put(task);
        if (era618 ? (lo.flags & LO_FLAGS_PARTSCAN) != 0 : partShift > 0) {
            if (era618) {
                rereadPartitions(lo, task);
            } else {
                genhd.ioctl().kernelIoctl(bdev, Ioctl.BLKRRPART, task);
            }
        }
        return 0;
    }

    /**
     * 6.18 {@code loop_set_status}: not bound is ENXIO; a new offset or size limit flushes the
     * device; {@code loop_set_status_from_info}'s checks; then AUTOCLEAR may be cleared and
     * AUTOCLEAR and PARTSCAN set (PARTSCAN cannot be cleared; READ_ONLY and DIRECT_IO are not taken);
     * a size change sets the capacity (with its log line); PARTSCAN newly set lifts the suppression
     * and rescans once the mutex is dropped.
     */
    private int setStatus618(LoopDevice lo, LoopInfo64 info, Task task) {
        if (lo.state != State.BOUND) {
            return -Errno.ENXIO.number();
        }
        boolean sizeChanged = lo.offset != info.offset || lo.sizelimit != info.sizelimit;
        int err = setStatusFromInfo(lo, info);
        boolean partscan = false;
        if (err == 0) {
            partscan = (lo.flags & LO_FLAGS_PARTSCAN) == 0 && (info.flags & LO_FLAGS_PARTSCAN) != 0;
            lo.flags &= ~STATUS_CLEARABLE;
            lo.flags |= info.flags & STATUS_SETTABLE;
            updateDio(lo);
        }
        if (partscan) {
            lo.disk.setSuppressPartScan(false);
        }
        if (err == 0 && sizeChanged) {
            long old = lo.disk.setCapacity(calculateSize(lo, lo.backing));
            genhd.notifyCapacityChange(lo.disk, old);
        }
        if (partscan) {
            rereadPartitions(lo, task);
        }
        return err;
    }

    /**
     * 2.6.32 {@code loop_set_status}: EPERM only to change a key another user set without
     * CAP_SYS_ADMIN; not bound ENXIO; a key size over 32 EINVAL; an encryption type that is not
     * none or XOR EINVAL ({@code xfer_funcs}; XOR's {@code xor_init} wants a key); a new offset or
     * size limit sets the capacity but not the device's inode size ({@code figure_loop_size});
     * name and crypt name are taken; AUTOCLEAR follows the request.
     */
    private int setStatus2632(LoopDevice lo, LoopInfo64 info, Task task) {
        if (lo.keySize != 0 && lo.keyOwner != task.credentials().uid() && !task.capSysAdmin()) {
            return -Errno.EPERM.number();
        }
        if (lo.state != State.BOUND) {
            return -Errno.ENXIO.number();
        }
        if (Integer.toUnsignedLong(info.encryptKeySize) > LO_KEY_SIZE) {
            return -Errno.EINVAL.number();
        }
        lo.encryptType = 0; // loop_release_xfer
        if (info.encryptType != 0) {
            if (Integer.toUnsignedLong(info.encryptType) >= MAX_LO_CRYPT || info.encryptType != LO_CRYPT_XOR) {
                return -Errno.EINVAL.number();
            }
            if (info.encryptKeySize <= 0) {
                return -Errno.EINVAL.number();
            }
        }
        if (lo.offset != info.offset || lo.sizelimit != info.sizelimit) {
            lo.offset = info.offset;
            lo.sizelimit = info.sizelimit;
            lo.disk.setCapacity(calculateSize(lo, lo.backing));
        }
        System.arraycopy(info.fileName, 0, lo.fileName, 0, LO_NAME_SIZE);
        System.arraycopy(info.cryptName, 0, lo.cryptName, 0, LO_NAME_SIZE);
        lo.fileName[LO_NAME_SIZE - 1] = 0;
        lo.cryptName[LO_NAME_SIZE - 1] = 0;
        lo.encryptType = info.encryptType;
        if (((lo.flags ^ info.flags) & LO_FLAGS_AUTOCLEAR) != 0) {
            lo.flags ^= LO_FLAGS_AUTOCLEAR;
        }
        lo.keySize = info.encryptKeySize;
        lo.init[0] = info.init[0];
        lo.init[1] = info.init[1];
        if (info.encryptKeySize != 0) {
            System.arraycopy(info.encryptKey, 0, lo.key, 0, info.encryptKeySize);
            lo.keyOwner = task.credentials().uid();
        }
        return 0;
    }

    /**
     * {@code loop_get_status_old} / {@code loop_get_status64}: a NULL pointer is EINVAL, not bound
     * ENXIO; the backing file's device, inode and rdev (2.6.32: rdev is the file's device number
     * again, since {@code lo_device} is set), offset, size limit, flags and name; 2.6.32 adds the
     * crypt name, the encryption type and, for CAP_SYS_ADMIN, the key. The old structure's
     * {@code int} offset is EOVERFLOW when it cannot hold the offset.
     */
    private int getStatus(LoopDevice lo, boolean old, IoctlArg arg, Task task) {
        if (arg instanceof IoctlArg.Null) {
            return -Errno.EINVAL.number();
        }
        if (lo.state != State.BOUND) {
            return -Errno.ENXIO.number();
        }
        LoopInfo64 info = new LoopInfo64();
        info.number = lo.number;
        Kernel.Stat st = lo.backing.stat();
        info.device = hugeEncodeDev(st.devMajor(), st.devMinor());
        info.inode = st.ino();
        info.rdevice = rules.loopConfigure() ? hugeEncodeDev(st.rdevMajor(), st.rdevMinor()) : info.device;
        info.offset = lo.offset;
        info.sizelimit = lo.sizelimit;
        info.flags = lo.flags;
        System.arraycopy(lo.fileName, 0, info.fileName, 0, LO_NAME_SIZE);
        if (!rules.loopConfigure()) {
            System.arraycopy(lo.cryptName, 0, info.cryptName, 0, LO_NAME_SIZE);
            info.encryptType = lo.encryptType;
            if (lo.keySize != 0 && task.capSysAdmin()) {
                info.encryptKeySize = lo.keySize;
                System.arraycopy(lo.key, 0, info.encryptKey, 0, lo.keySize);
            }
        }
        if (old) {
            if (!(arg instanceof LoopInfo out)) {
                return -Errno.EFAULT.number();
            }
            LoopInfo tmp = toOld(info);
            if (tmp.offset != info.offset) {
                return -Errno.EOVERFLOW.number();
            }
            copyOld(tmp, out);
            return 0;
        }
        if (!(arg instanceof LoopInfo64 out)) {
            return -Errno.EFAULT.number();
        }
        out.copyFrom(info);
        return 0;
    }

    /** {@code huge_encode_dev} ({@code new_encode_dev}): the 32-bit dev_t userspace sees. */
    static long hugeEncodeDev(int major, int minor) {
        return (minor & 0xffL) | ((long) major << 8) | ((long) (minor & ~0xff) << 12);
    }

    /** {@code loop_info64_from_old}: the old structure's fields, with no size limit. */
    private LoopInfo64 fromOld(IoctlArg arg) {
        if (!(arg instanceof LoopInfo o)) {
            return null;
        }
        LoopInfo64 i = new LoopInfo64();
        i.number = o.number;
        i.device = o.device;
        i.inode = o.inode;
        i.rdevice = o.rdevice;
        i.offset = o.offset;
        i.flags = o.flags;
        if (!rules.loopConfigure()) {
            i.encryptType = o.encryptType;
            i.encryptKeySize = o.encryptKeySize;
            i.init[0] = o.init[0];
            i.init[1] = o.init[1];
            System.arraycopy(o.encryptKey, 0, i.encryptKey, 0, LO_KEY_SIZE);
        }
        System.arraycopy(o.name, 0, o.encryptType == LO_CRYPT_CRYPTOAPI && !rules.loopConfigure() ? i.cryptName
                : i.fileName, 0, LO_NAME_SIZE);
        return i;
    }

    private LoopInfo toOld(LoopInfo64 i) {
        LoopInfo o = new LoopInfo();
        o.number = i.number;
        o.device = i.device;
        o.inode = i.inode;
        o.rdevice = i.rdevice;
        o.offset = (int) i.offset;
        o.flags = i.flags;
        o.encryptType = i.encryptType;
        o.encryptKeySize = i.encryptKeySize;
        System.arraycopy(i.encryptKey, 0, o.encryptKey, 0, LO_KEY_SIZE);
        System.arraycopy(i.fileName, 0, o.name, 0, LO_NAME_SIZE);
        return o;
    }

    private static void copyOld(LoopInfo from, LoopInfo to) {
        to.number = from.number;
        to.device = from.device;
        to.inode = from.inode;
        to.rdevice = from.rdevice;
        to.offset = from.offset;
        to.encryptType = from.encryptType;
        to.encryptKeySize = from.encryptKeySize;
        to.flags = from.flags;
        System.arraycopy(from.name, 0, to.name, 0, LO_NAME_SIZE);
        System.arraycopy(from.encryptKey, 0, to.encryptKey, 0, LO_KEY_SIZE);
    }

    /**
     * LOOP_SET_CAPACITY ({@code loop_set_capacity}): not bound is ENXIO; the size is computed again
     * from the file. 6.18 {@code loop_set_size} logs the change ({@code set_capacity_and_notify});
     * 2.6.32 sets the capacity and the device's inode size, silently. Partitions are not looked at:
     * one now beyond the end keeps its size.
     */
    private int setCapacity(LoopDevice lo, BlockDevice bdev) {
        if (lo.state != State.BOUND) {
            return -Errno.ENXIO.number();
        }
        long old = lo.disk.setCapacity(calculateSize(lo, lo.backing));
        if (rules.loopConfigure()) {
            genhd.notifyCapacityChange(lo.disk, old);
        } else {
            genhd.bdev().setSize(bdev, lo.disk.capacity() << 9);
        }
        return 0;
    }

    /**
     * 6.18 {@code loop_set_dio}: not bound ENXIO; no change is 0; turning it on where
     * {@code lo_can_use_dio} says no is EINVAL (an offset or block size below the file's DIO
     * alignment); else the flag follows, after a flush of the file.
     */
    private int setDio(LoopDevice lo, long arg, Task task) {
        if (lo.state != State.BOUND) {
            return -Errno.ENXIO.number();
        }
        boolean use = arg != 0;
        if (use == ((lo.flags & LO_FLAGS_DIRECT_IO) != 0)) {
            return 0;
        }
        if (use) {
            if (!canUseDio(lo)) {
                return -Errno.EINVAL.number();
            }
            lo.backing.fsync(task);
            lo.flags |= LO_FLAGS_DIRECT_IO;
        } else {
            lo.flags &= ~LO_FLAGS_DIRECT_IO;
        }
        return 0;
    }

    /**
     * 6.18 {@code loop_set_block_size}: {@code bd_prepare_to_claim} unless the open was O_EXCL
     * (EBUSY while someone else holds the device exclusively, or while one of its partitions is
     * mounted or otherwise claimed); not bound ENXIO; the same size is 0; else the new logical
     * block size ({@code unsigned int}: 0 means the default, 512), EINVAL unless a power of two
     * from 512 to the page size. The capacity and partitions are left as they are.
     */
    private int setBlockSize(LoopDevice lo, BlockDevice bdev, int mode, long arg, Task task) {
        if ((mode & Bdev.MODE_EXCL) == 0) {
            int claim = genhd.bdev().prepareToClaim(bdev, CONFIGURE_HOLDER);
            if (claim < 0) {
                return claim;
            }
        }
        if (lo.state != State.BOUND) {
            return -Errno.ENXIO.number();
        }
        if (lo.disk.logicalBlockSize() == arg) {
            return 0;
        }
        long bsize = arg & 0xffffffffL;
        if (bsize == 0) {
            bsize = defaultBlockSize(lo, lo.backing);
        }
        if (!validBlockSize(bsize)) {
            return -Errno.EINVAL.number();
        }
        lo.disk.setBlockLimits((int) bsize);
        updateDio(lo);
        return 0;
    }

    /**
     * The {@code loop/} attribute group of a bound 6.18 device ({@code loop_attrs}): backing_file
     * ({@code file_path}), offset, sizelimit, autoclear, partscan, dio. 2.6.32 has none.
     */
    @Override
    public Map<String, Map<String, Supplier<String>>> sysfsGroups(Gendisk disk) {
        LoopDevice lo = lo(disk);
        if (!rules.loopConfigure() || !lo.sysfs) {
            return Map.of();
        }
        Map<String, Supplier<String>> a = new LinkedHashMap<>();
        a.put("backing_file", () -> lo.backing == null ? "" : lo.backing.path() + "\n");
        a.put("offset", () -> Long.toUnsignedString(lo.offset) + "\n");
        a.put("sizelimit", () -> Long.toUnsignedString(lo.sizelimit) + "\n");
        a.put("autoclear", () -> ((lo.flags & LO_FLAGS_AUTOCLEAR) != 0 ? "1" : "0") + "\n");
        a.put("partscan", () -> ((lo.flags & LO_FLAGS_PARTSCAN) != 0 ? "1" : "0") + "\n");
        a.put("dio", () -> ((lo.flags & LO_FLAGS_DIRECT_IO) != 0 ? "1" : "0") + "\n");
        return Map.of("loop", a);
    }

    @Override
    public boolean hasIoctl() {
        return true;
    }

    /** Whether the device is bound to a file. */
    static boolean bound(Gendisk disk) {
        return disk.privateData() instanceof LoopDevice lo && lo.state != State.UNBOUND;
    }

    // ---- /dev/loop-control (6.18) ----

    /**
     * {@code loop_control_ioctl}: LOOP_CTL_ADD ({@code loop_add} of that number: EEXIST if it
     * exists, EINVAL past the minor space), LOOP_CTL_REMOVE ({@code loop_control_remove}: EINVAL
     * for a negative number, ENODEV for none, EBUSY while bound or open), LOOP_CTL_GET_FREE (the
     * lowest unbound device, else a new one); anything else ENOSYS. There is no capability check:
     * the node's mode (0600 here, as devtmpfs makes it) is the only guard.
     */
    final class Control implements CharDriver {
        @Override
        public int ioctl(CharFile f, long cmd, IoctlArg arg, Task task) {
            long parm = value(arg);
            if (cmd == LOOP_CTL_ADD) {
                return ctlAdd((int) parm, task);
            } else if (cmd == LOOP_CTL_REMOVE) {
                return ctlRemove((int) parm);
            } else if (cmd == LOOP_CTL_GET_FREE) {
                for (LoopDevice lo : devices.values()) {
                    if (lo.visible && lo.state == State.UNBOUND) {
                        return lo.number;
                    }
                }
                return ctlAdd(-1, task);
            }
            return -Errno.ENOSYS.number();
        }
    }

    /** {@code loop_add(i)}: a given number (EEXIST when taken) or, for a negative one, the lowest free. */
    private int ctlAdd(int i, Task task) {
        if (i >= 0) {
            if (devices.containsKey(i)) {
                return -Errno.EEXIST.number();
            }
        } else {
            i = 0;
            while (devices.containsKey(i)) {
                i++;
            }
        }
        // add_disk: first_minor + minors must fit MINORMASK + 1
        if (((long) i << partShift) + (1L << partShift) > (1L << MINORBITS)) {
            return -Errno.EINVAL.number();
        }
        loopAdd(i, task);
        return i;
    }

    private int ctlRemove(int idx) {
        if (idx < 0) {
            return -Errno.EINVAL.number();
        }
        LoopDevice lo = devices.get(idx);
        if (lo == null || !lo.visible) {
            return -Errno.ENODEV.number();
        }
        if (lo.state != State.UNBOUND || lo.disk.part0().openers() > 0) {
            return -Errno.EBUSY.number();
        }
        lo.state = State.DELETING;
        genhd.delGendisk(lo.disk);
        devices.remove(idx);
        return 0;
    }

    /** For tests and tools: the driver's settings as {@code /sys/module/loop/parameters} shows them. */
    int maxPart() {
        return maxPart;
    }

    int maxLoop() {
        return maxLoop;
    }
}
