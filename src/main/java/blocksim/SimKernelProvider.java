package blocksim;

import blocksim.api.KernelConfig;
import blocksim.api.Profile;

/** The model, as the kernel named {@code sim}. */
public final class SimKernelProvider implements KernelProvider {

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public Booted boot(Profile profile, KernelConfig config, long seed) {
        SimKernel k = SimKernel.boot(profile, config, seed);
        return new Booted(k, k.scheduler());
    }
}
