package blocksim.userland.tools;

/**
 * libfdisk's collision check and wipe (2.38.1 {@code wipe.c}) for partition tables: which table
 * a libblkid probe of the whole device finds, and, when a new label replaces a different one,
 * erasing each table's magic (blkid_do_wipe) until nothing is found, before the new label is
 * written: the "EFI PART" signature of each GPT header, the 0x55AA of an MBR.
 */
final class FdiskWipe {

    private FdiskWipe() {
    }

    private static PartxProbe.Reader reader(FdiskContext cxt) {
        return (off, len) -> {
            byte[] b = new byte[len];
            return cxt.readBytes(off, b) ? b : null;
        };
    }

    /** The partition table type on the device ("dos", "gpt", "PMBR"), or null. */
    static String detect(FdiskContext cxt) {
        PartxProbe.Table t = PartxProbe.probe(reader(cxt), cxt.sectorSize, cxt.totalSectors * cxt.sectorSize);
        return t == null ? null : t.type();
    }

    /** Erases the magic of every partition table found, one after the other. */
    static void wipe(FdiskContext cxt) {
        for (int guard = 0; guard < 16; guard++) {
            PartxProbe.Table t = PartxProbe.probe(reader(cxt), cxt.sectorSize, cxt.totalSectors * cxt.sectorSize);
            if (t == null) {
                return;
            }
            byte[] zero = new byte[t.magicLength()];
            if (cxt.writeBytes(t.magicOffset(), zero, zero.length) != null) {
                return;
            }
            cxt.fsync();
        }
    }
}
