package blocksim.linux;

import blocksim.api.DiskSpec;
import java.util.Map;
import java.util.TreeMap;

/**
 * One live kernel for a whole property class, started with its disks the first time a try needs
 * it (skipping, with the reason, where the machine cannot run it) and closed after the class,
 * with a line saying how much was compared.
 */
final class SharedLive {

    private final String what;
    private final Map<String, DiskSpec> disks;
    private LinuxKernel kernel;
    int sequences;
    int steps;

    SharedLive(String what, Map<String, DiskSpec> disks) {
        this.what = what;
        this.disks = new TreeMap<>(disks);
    }

    synchronized LinuxKernel get() {
        Live.assumeAvailable();
        if (kernel == null) {
            kernel = LinuxKernel.start();
            disks.values().forEach(kernel::diskAdd);
        }
        return kernel;
    }

    synchronized void close() {
        if (kernel != null) {
            kernel.close();
            kernel = null;
            System.out.println(what + ": " + sequences + " sequences, " + steps
                    + " steps compared between the model and the live kernel");
        }
    }
}
