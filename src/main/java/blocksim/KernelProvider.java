package blocksim;

import blocksim.api.Host;

import blocksim.api.Kernel;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.kernel.Scheduler;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A kernel that scenarios and tests can run on, found by name through {@link ServiceLoader}
 * ({@code META-INF/services/blocksim.KernelProvider}): {@code sim} is the model; another adapter (the
 * live kernel, a kernel in a VM) plugs in by providing one of these, without touching userland.
 */
public interface KernelProvider {

    /** The name {@code --kernel} selects it by. */
    String name();

    /** Whether this machine can run it; if not, {@link #unavailableReason()} says why. */
    default boolean available() {
        return true;
    }

    default String unavailableReason() {
        return "";
    }

    /** A booted kernel and the scheduler its tasks run under. */
    record Booted(Host kernel, Scheduler scheduler) {
    }

    /** Boots one kernel for one run. */
    Booted boot(Profile profile, KernelConfig config, long seed);

    /** What a {@link #cleanup()} did: dead runs reclaimed, live runs left alone, a line per action. */
    record Cleanup(int reclaimed, int alive, List<String> lines) {
    }

    /**
     * Reclaims what runs that died (killed, or the machine lost power) left behind on this machine:
     * devices, mounts, files. Safe while other runs are alive. The model leaves nothing outside
     * the JVM, so only adapters of a real kernel have anything to do.
     */
    default Cleanup cleanup() {
        return new Cleanup(0, 0, List.of());
    }

    /** Every provider on the class path, in name order. */
    static List<KernelProvider> all() {
        return ServiceLoader.load(KernelProvider.class).stream().map(ServiceLoader.Provider::get)
                .sorted(java.util.Comparator.comparing(KernelProvider::name)).toList();
    }

    static Optional<KernelProvider> byName(String name) {
        return all().stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
