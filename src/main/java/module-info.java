/**
 * blocksim: the Linux block layer as a testable model, and the same calls on the live kernel.
 *
 * <p>What users program against is exported: {@code blocksim.api} (the system calls, the machine,
 * results, tasks, eras) and {@code blocksim.uapi} (the ABI); {@code blocksim} boots the model
 * ({@code SimKernel}) and finds kernels by name ({@code KernelProvider}); the userland tools and the
 * shell, the label encoders, the scenario runner and the command line are the entry points that
 * users call; {@code blocksim.linux} is the native adapter and its provider. The model's internals
 * ({@code blocksim.block}, {@code blocksim.block.partitions}, {@code blocksim.drivers},
 * {@code blocksim.fs}, {@code blocksim.kernel}) are not exported.
 */
module blocksim {
    requires org.slf4j;
    requires info.picocli;
    requires org.commonmark;
    requires org.snakeyaml.engine.v2;

    exports blocksim;
    exports blocksim.api;
    exports blocksim.uapi;
    exports blocksim.userland;
    exports blocksim.userland.tools;
    exports blocksim.userland.label;
    exports blocksim.scenario;
    exports blocksim.cli;
    exports blocksim.linux;

    opens blocksim.cli to info.picocli;

    uses blocksim.KernelProvider;
    provides blocksim.KernelProvider with blocksim.SimKernelProvider, blocksim.linux.LinuxKernelProvider;
}
