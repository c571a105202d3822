package blocksim.fs;

import blocksim.block.BlockDevice;
import blocksim.kernel.RwSemaphore;
import blocksim.kernel.Scheduler;
import blocksim.kernel.WaitQueue;

/**
 * A mounted filesystem instance ({@code struct super_block}): its type, the block device it was
 * read from (none for tmpfs and the pseudo-filesystems), its root directory, whether it is
 * read-only ({@code SB_RDONLY}), how many references keep it alive ({@code s_active}: one per
 * mount, one for a freeze), and its freeze state.
 *
 * <p>Freeze state per era ({@code include/linux/fs.h}). 6.18: {@code s_writers.frozen} goes
 * UNFROZEN, WRITE, PAGEFAULT, FS, COMPLETE, and three per-cpu rw semaphores
 * ({@code s_writers.rw_sem[SB_FREEZE_LEVELS]}) are what writers take for reading and the freeze
 * for writing; {@code freeze_kcount} and {@code freeze_ucount} count the kernel and userspace
 * holders. 2.6.32: {@code s_frozen} goes UNFROZEN, WRITE, TRANS, and writers sleep on
 * {@code s_wait_unfrozen} until it drops below their level; the freeze count lives on the block
 * device ({@code bd_fsfreeze_count}).
 */
public final class SuperBlock {

    /** 6.18 {@code SB_FREEZE_*} and 2.6.32 {@code SB_FREEZE_WRITE}/{@code SB_FREEZE_TRANS} (2). */
    public static final int UNFROZEN = 0;
    public static final int FREEZE_WRITE = 1;
    public static final int FREEZE_PAGEFAULT = 2;
    /** 2.6.32's second level, {@code SB_FREEZE_TRANS}. */
    public static final int FREEZE_TRANS = 2;
    public static final int FREEZE_FS = 3;
    public static final int FREEZE_COMPLETE = 4;

    final FsType type;
    final BlockDevice bdev;
    final Inode.Dir root;
    /** The ext filesystem behind it, or null. */
    final ExtFs ext;
    boolean readOnly;
    int active;
    boolean dying;
    /** {@code s_umount}. */
    final RwSemaphore umount;
    /** 6.18 {@code s_writers.rw_sem[0..2]}. */
    final RwSemaphore[] writers = new RwSemaphore[3];
    /** 2.6.32 {@code s_wait_unfrozen}; 6.18 {@code wake_up_var(&sb->s_writers)} waiters. */
    final WaitQueue unfrozen;
    int frozen;
    int kcount;
    int ucount;
    /** The holder of its block device's claim (released when it dies), or null. */
    Object claim;
    /** Who holds the writer semaphores while frozen (the wait-for chain names it). */
    Object freezer;
    /** 6.18 {@code s_writers.freeze_owner}: the owner of an exclusive kernel freeze, or null. */
    Object freezeOwner;

    SuperBlock(FsType type, BlockDevice bdev, Inode.Dir root, ExtFs ext, boolean readOnly, Scheduler scheduler) {
        this.type = type;
        this.bdev = bdev;
        this.root = root;
        this.ext = ext;
        this.readOnly = readOnly;
        String id = id(type, bdev);
        this.umount = new RwSemaphore("s_umount of " + id, scheduler);
        String[] level = {"sb_writers", "sb_pagefaults", "sb_internal"};
        for (int i = 0; i < 3; i++) {
            writers[i] = new RwSemaphore(level[i] + " of " + id, scheduler);
        }
        this.unfrozen = new WaitQueue(scheduler);
    }

    private static String id(FsType type, BlockDevice bdev) {
        return bdev != null ? bdev.name() : type.fsName();
    }

    /** {@code s_id}: the device name, or the type for filesystems without one. */
    public String id() {
        return id(type, bdev);
    }

    public FsType type() {
        return type;
    }

    public BlockDevice bdev() {
        return bdev;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** The freeze level: {@link #UNFROZEN} to {@link #FREEZE_COMPLETE} (2.6.32: to {@link #FREEZE_TRANS}). */
    public int frozen() {
        return frozen;
    }

    /** 6.18 {@code freeze_kcount} and {@code freeze_ucount}. */
    public int kernelHolders() {
        return kcount;
    }

    public int userHolders() {
        return ucount;
    }

    /** How many references keep it alive ({@code s_active}). */
    public int active() {
        return active;
    }

    @Override
    public String toString() {
        return type.fsName() + " on " + id();
    }
}
