package blocksim.linux;

import blocksim.KernelProvider;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;

/**
 * The machine's running kernel as the kernel named {@code linux}: available to root where
 * /dev/loop-control exists. It is a 6.18 kernel, so only scenarios of that profile can run on it.
 */
public final class LinuxKernelProvider implements KernelProvider {

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public boolean available() {
        return LinuxKernel.unavailableReason() == null;
    }

    @Override
    public String unavailableReason() {
        String r = LinuxKernel.unavailableReason();
        return r == null ? "" : r;
    }

    /** {@link Reclaim#dead}: what dead runs left under /var/tmp/blocksim, their loop devices and mounts. */
    @Override
    public Cleanup cleanup() {
        Reclaim.Report r = Reclaim.dead(line -> { });
        return new Cleanup(r.runsReclaimed(), r.runsAlive(), r.lines());
    }

    @Override
    public Booted boot(Profile profile, KernelConfig config, long seed) {
        if (profile != Profile.LINUX_6_18) {
            throw new IllegalArgumentException("the live kernel is " + Profile.LINUX_6_18 + ", not " + profile);
        }
        LinuxKernel k = LinuxKernel.start(seed);
        return new Booted(k, k.scheduler());
    }
}
