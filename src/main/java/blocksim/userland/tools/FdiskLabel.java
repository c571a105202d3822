package blocksim.userland.tools;

/**
 * A libfdisk label driver (dos or gpt) bound to a context: probing the device, creating an
 * empty label, adding partitions the way sfdisk scripts do, describing partitions for tables
 * and dumps, and writing the result.
 */
abstract sealed class FdiskLabel permits FdiskDos, FdiskGpt {

    /**
     * A partition, both as a script line describes it (a template: unset fields follow the
     * defaults) and as the label reports it ({@code fdisk_partition}).
     */
    static final class Part {
        /** 0-based partition number, or -1. */
        int partno = -1;
        boolean partnoDefault;
        Long start;
        boolean startDefault;
        Long size;
        boolean endDefault;
        boolean sizeExplicit;
        FdiskTypes.Type type;
        boolean boot;
        String uuid;
        String name;
        String attrs;
        boolean container;

        boolean hasStart() {
            return start != null;
        }

        boolean hasSize() {
            return size != null;
        }

        long end() {
            return start + size - (size > 0 ? 1 : 0);
        }
    }

    final FdiskContext cxt;

    FdiskLabel(FdiskContext cxt) {
        this.cxt = cxt;
    }

    /** "dos" or "gpt". */
    abstract String name();

    /** Reads the label from the device; false when there is none. */
    abstract boolean probe();

    /** Makes a new empty label in memory (reporting it); 0 or a negative errno. */
    abstract int create();

    /** Writes the label to the device; 0 or a negative errno. */
    abstract int write();

    /** The label's alignment rules, applied to the context. */
    abstract void resetAlignment();

    /** How many partition slots there are ({@code nparts_max}). */
    abstract int nPartsMax();

    /** Partition {@code n} (0-based), or null when the slot is unused. */
    abstract Part partition(int n);

    /** Adds a partition from a template; returns its 0-based number or a negative errno. */
    abstract int add(Part template);

    /** Deletes partition {@code n} (0-based); 0 or a negative errno. */
    abstract int delete(int n);

    /** The disk identifier as listings show it. */
    abstract String diskId();

    /** {@code fdisk_partition_next_partno()} for a template. */
    int nextPartno(Part pa) {
        if (pa != null && pa.partnoDefault) {
            for (int i = 0; i < nPartsMax(); i++) {
                if (partition(i) == null) {
                    return i;
                }
            }
            return -34; // -ERANGE
        }
        if (pa != null && pa.partno >= 0) {
            if (pa.partno >= nPartsMax() || partition(pa.partno) != null) {
                return -34;
            }
            return pa.partno;
        }
        return -22;
    }
}
