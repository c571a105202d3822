package blocksim;

import blocksim.kernel.KernelConfig;
import blocksim.kernel.Profile;

/**
 * The live kernel of this machine, through the native adapter. The adapter is not part of this
 * build yet, so the provider says so instead of running anything.
 */
public final class LinuxKernelProvider implements KernelProvider {

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public String unavailableReason() {
        return "the native adapter for the running kernel is not built yet; use --kernel sim";
    }

    @Override
    public Booted boot(Profile profile, KernelConfig config, long seed) {
        throw new UnsupportedOperationException(unavailableReason());
    }
}
