package blocksim.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The build and module options of a simulated kernel, like a {@code .config} plus module parameters.
 *
 * @param partitionParsers the partition parsers compiled in ({@code CONFIG_MSDOS_PARTITION},
 *     {@code CONFIG_EFI_PARTITION}): any of {@code msdos}, {@code efi}; they are always probed in
 *     the kernel's order (efi before msdos) whatever the order given here. Empty means none, as on a
 *     kernel built without {@code CONFIG_PARTITION_ADVANCED} parsers.
 * @param loopMaxPart the loop module's {@code max_part} parameter (0 by default in both eras)
 * @param loopMaxLoop the loop module's {@code max_loop} parameter: 0 when not given (eight devices
 *     at load, more on demand), else that many at load (a hard limit in 2.6.32)
 */
public record KernelConfig(List<String> partitionParsers, int loopMaxPart, int loopMaxLoop) {

    /** Parsers and {@code max_part}, with {@code max_loop} not given. */
    public KernelConfig(List<String> partitionParsers, int loopMaxPart) {
        this(partitionParsers, loopMaxPart, 0);
    }

    /** Every parser name the model knows, in the kernel's probing order ({@code check_part[]}). */
    public static final List<String> KNOWN_PARSERS = List.of("efi", "msdos");

    public KernelConfig {
        List<String> ordered = new ArrayList<>();
        for (String name : partitionParsers) {
            if (!KNOWN_PARSERS.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown partition parser '" + name + "' (known: msdos, efi)");
            }
        }
        for (String known : KNOWN_PARSERS) {
            if (partitionParsers.contains(known)) {
                ordered.add(known);
            }
        }
        partitionParsers = List.copyOf(ordered);
        if (loopMaxPart < 0 || loopMaxPart > 255) {
            throw new IllegalArgumentException("loop max_part must be 0..255: " + loopMaxPart);
        }
        if (loopMaxLoop < 0 || loopMaxLoop > 1 << 20) {
            throw new IllegalArgumentException("loop max_loop must be 0..1048576: " + loopMaxLoop);
        }
    }

    /** msdos and efi compiled in, loop max_part=0: a typical distribution kernel. */
    public static KernelConfig defaults() {
        return new KernelConfig(List.of("msdos", "efi"), 0);
    }

    /** No partition parser at all, like the 6.18 kernel of the machines blocksim is tested on. */
    public static KernelConfig noPartitionParsers() {
        return new KernelConfig(List.of(), 0);
    }

    public KernelConfig withPartitionParsers(List<String> parsers) {
        return new KernelConfig(parsers, loopMaxPart, loopMaxLoop);
    }

    public KernelConfig withLoopMaxPart(int maxPart) {
        return new KernelConfig(partitionParsers, maxPart, loopMaxLoop);
    }

    public KernelConfig withLoopMaxLoop(int maxLoop) {
        return new KernelConfig(partitionParsers, loopMaxPart, maxLoop);
    }

    public boolean hasParser(String name) {
        return partitionParsers.contains(name);
    }
}
