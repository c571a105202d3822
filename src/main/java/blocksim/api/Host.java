package blocksim.api;

/**
 * A booted kernel with the machine it runs on: what {@code SimKernel.boot} and the native
 * adapter's {@code LinuxKernel.start} give a harness. Programs get the {@link Kernel}; the
 * harness also the {@link Machine}.
 */
public interface Host extends Kernel, Machine {
}
