package blocksim.userland.tools;

import blocksim.api.Kernel;
import blocksim.userland.Proc;

/**
 * What util-linux reads of sysfs ({@code lib/sysfs.c}), through the kernel's {@code /sys/block}:
 * a block device's directory found by its device number, as {@code ul_new_sysfs_path} finds it,
 * and the partitions below a disk by their {@code partition} attribute.
 */
final class Sysfs {

    private Sysfs() {
    }

    /** A device's sysfs directory: a disk, or one of its partitions ({@code part} null for the disk). */
    record Node(String disk, String part) {

        String path() {
            return "/sys/block/" + disk + (part == null ? "" : "/" + part);
        }

        boolean isPartition() {
            return part != null;
        }
    }

    /** The device number of a block special file as {major, minor}, or null (no such file, not a block device). */
    static int[] devno(Proc p, String path) {
        Kernel.StatResult st = p.kernel().stat(p.task(), path);
        if (!st.isOk() || st.stat().type() != Kernel.Stat.Type.BLOCK_DEVICE) {
            return null;
        }
        return new int[] {st.stat().rdevMajor(), st.stat().rdevMinor()};
    }

    /** A "MAJ:MIN" attribute as {major, minor}, or null. */
    static int[] parseDevno(String s) {
        if (s == null) {
            return null;
        }
        String[] w = s.strip().split(":");
        try {
            return new int[] {Integer.parseInt(w[0]), Integer.parseInt(w[1])};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The directory whose {@code dev} attribute is this device number, or null. */
    static Node find(Proc p, int[] devno) {
        String want = devno[0] + ":" + devno[1];
        Kernel.ListResult disks = p.kernel().list(p.task(), "/sys/block");
        if (!disks.isOk()) {
            return null;
        }
        for (String disk : disks.names()) {
            String dev = p.readSmall("/sys/block/" + disk + "/dev");
            if (dev != null && dev.strip().equals(want)) {
                return new Node(disk, null);
            }
            Kernel.ListResult entries = p.kernel().list(p.task(), "/sys/block/" + disk);
            if (!entries.isOk()) {
                continue;
            }
            for (String e : entries.names()) {
                if (!e.startsWith(disk)) {
                    continue;
                }
                String pdev = p.readSmall("/sys/block/" + disk + "/" + e + "/dev");
                if (pdev != null && pdev.strip().equals(want)) {
                    return new Node(disk, e);
                }
            }
        }
        return null;
    }

    /**
     * {@code sysfs_blkdev_partno_to_devno}: the partition below {@code node} whose {@code
     * partition} attribute is {@code partno}, or null (a partition has none below it).
     */
    static Node partition(Proc p, Node node, long partno) {
        if (node.isPartition()) {
            return null;
        }
        Kernel.ListResult entries = p.kernel().list(p.task(), node.path());
        if (!entries.isOk()) {
            return null;
        }
        for (String e : entries.names()) {
            String s = p.readSmall(node.path() + "/" + e + "/partition");
            if (s != null && s.strip().equals(Long.toString(partno))) {
                return new Node(node.disk(), e);
            }
        }
        return null;
    }
}
