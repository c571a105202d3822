package blocksim.api;

import java.util.List;

/**
 * What a test harness does to the world that no system call does: plug and unplug disks, load and
 * unload the model's modules, wait as {@code udevadm settle} waits, and read the kernel log. The
 * tools that stand for these in a lesson ({@code disk add}, {@code insmod}, {@code udevadm},
 * {@code dmesg}) call it; a program's own system calls go through {@link Kernel}.
 */
public interface Machine {

    /**
     * The one CPU the run's simulated tasks share, and its virtual clock ({@link Scheduling#nanos()}):
     * every choice it makes comes from the run's seed.
     */
    Scheduling scheduler();

    /**
     * Attaches a disk ({@code disk add}). Throws {@link IllegalArgumentException} with a message
     * for the user when the spec cannot be attached (an unknown name, a disk that exists).
     */
    void diskAdd(DiskSpec spec);

    /** Detaches a disk ({@code disk remove}): 0, or ENXIO, EBUSY. */
    SysResult diskRemove(String name);

    /**
     * {@code init_module}: loads a model module ({@code blkdev_wait_scan}, a block driver such as
     * {@code sd_mod} with {@code scan_delay=MIN-MAX}). 0, or ENOENT, EEXIST, EINVAL.
     */
    SysResult insmod(Task task, String module, List<String> params);

    /** {@code delete_module}: 0, or ENOENT (not loaded), EBUSY (in use). */
    SysResult rmmod(Task task, String module);

    /**
     * What {@code udevadm settle} waits for: until no partition scan is in progress, or until
     * {@code timeoutNanos} have passed (then ETIME).
     */
    SysResult udevSettle(Task task, long timeoutNanos);

    /** The kernel log since boot, as {@code dmesg} prints it. */
    String dmesg();

    /** What a program of the machine's printed, and its exit status. */
    record Ran(int status, String stdout, String stderr) {
    }

    /**
     * Runs the machine's own program for one of the run's devices, where blocksim's userland
     * cannot stand in for it: on the live kernel, {@code mke2fs} (as {@code mkfs.ext2},
     * {@code mkfs.ext3}, {@code mkfs.ext4} or {@code mke2fs}), since the filesystem the model's
     * mkfs writes is the model's and only the model mounts it. Empty where the machine has none
     * (the model), or for arguments it does not take; the tool then runs its own code.
     */
    default java.util.Optional<Ran> hostProgram(Task task, List<String> argv) {
        return java.util.Optional.empty();
    }

}
