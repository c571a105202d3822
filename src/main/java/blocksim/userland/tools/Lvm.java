package blocksim.userland.tools;

import blocksim.api.Profile;
import blocksim.api.SysResult;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Io;
import blocksim.userland.Proc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Enough LVM2 to matter at boot: {@code pvcreate} writes a real label (LABELONE in sector 1, the PV
 * header, a metadata area at 4 KiB with its mda header), {@code vgcreate} writes the volume group's
 * text metadata there, and {@code vgscan} reads every device /proc/partitions lists at that moment,
 * as the initrd's vgscan did. Messages are each era's lvm2: 2.02 on the 2.6.32 profile (which says
 * "Reading all physical volumes" and "No volume groups found"), 2.03 on 6.18 (which says nothing
 * when it finds nothing).
 */
public final class Lvm {

    private Lvm() {
    }

    static final long LABEL_SECTOR = 1;
    static final long MDA_OFFSET = 4096;
    static final long MDA_SIZE = 0xff000;
    static final long PE_START = 1 << 20;
    static final String MDA_MAGIC = " LVM2 x[5A%r0N*>";
    static final int INITIAL_CRC = 0xf597a6cf;
    private static final int[] CRCTAB = {
        0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
        0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c};

    /** lvm2's {@code calc_crc}: CRC-32 (reflected, 0xedb88320) by nibbles, no final inversion. */
    static int calcCrc(int initial, byte[] buf, int off, int len) {
        int crc = initial;
        for (int i = off; i < off + len; i++) {
            crc ^= buf[i] & 0xff;
            crc = (crc >>> 4) ^ CRCTAB[crc & 0xf];
            crc = (crc >>> 4) ^ CRCTAB[crc & 0xf];
        }
        return crc;
    }

    private static boolean old(Proc p) {
        return p.kernel().profile() == Profile.LINUX_2_6_32;
    }

    /** An LVM id: 32 characters from lvm's alphabet, shown in groups of 6-4-4-4-4-4-6. */
    static String newId(Random r) {
        String chars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            sb.append(chars.charAt(r.nextInt(62)));
        }
        return sb.toString();
    }

    static String formatId(String id) {
        return id.substring(0, 6) + "-" + id.substring(6, 10) + "-" + id.substring(10, 14) + "-" + id.substring(14, 18)
                + "-" + id.substring(18, 22) + "-" + id.substring(22, 26) + "-" + id.substring(26);
    }

    /** What a device holds: not a PV (null), or a PV with its VG name (null when in no VG). */
    record Pv(String device, String uuid, long size, String vg) {
    }

    private static byte[] readAt(Proc p, int fd, long pos, int len) {
        byte[] b = new byte[len];
        SysResult r = p.kernel().pread(p.task(), fd, b, 0, len, pos);
        return r.isOk() && r.value() == len ? b : null;
    }

    /** Reads the PV label and metadata of an open device, or null when it carries none. */
    static Pv probe(Proc p, int fd, String device) {
        byte[] label = readAt(p, fd, LABEL_SECTOR * 512, 512);
        if (label == null || !new String(label, 0, 8, StandardCharsets.US_ASCII).equals("LABELONE")
                || !new String(label, 24, 8, StandardCharsets.US_ASCII).equals("LVM2 001")) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(label).order(ByteOrder.LITTLE_ENDIAN);
        if (calcCrc(INITIAL_CRC, label, 20, 512 - 20) != b.getInt(16)) {
            return null;
        }
        String uuid = new String(label, 32, 32, StandardCharsets.US_ASCII);
        long size = b.getLong(64);
        byte[] mda = readAt(p, fd, MDA_OFFSET, 512);
        String vg = null;
        if (mda != null && new String(mda, 4, 16, StandardCharsets.US_ASCII).equals(MDA_MAGIC)) {
            ByteBuffer m = ByteBuffer.wrap(mda).order(ByteOrder.LITTLE_ENDIAN);
            long off = m.getLong(40);
            long len = m.getLong(48);
            if (off > 0 && len > 0 && len < 65536) {
                byte[] text = readAt(p, fd, MDA_OFFSET + off, (int) len);
                if (text != null) {
                    String t = new String(text, StandardCharsets.US_ASCII);
                    int brace = t.indexOf(" {");
                    if (brace > 0) {
                        vg = t.substring(0, brace);
                    }
                }
            }
        }
        return new Pv(device, uuid, size, vg);
    }

    private static int openDevice(Proc p, String dev, int flags) {
        SysResult r = p.open(dev, flags);
        return r.isOk() ? r.intValue() : -1;
    }

    /** {@code pvcreate DEV...}. */
    public static int pvcreate(Proc p) {
        if (p.args().isEmpty()) {
            p.err().println("  Please enter a physical volume path.");
            return 3;
        }
        int status = 0;
        for (String dev : p.args()) {
            int fd = openDevice(p, dev, OpenFlags.O_RDWR | OpenFlags.O_EXCL);
            if (fd < 0) {
                p.err().println("  No device found for " + dev + ".");
                status = 5;
                continue;
            }
            Pv pv = probe(p, fd, dev);
            if (pv != null && pv.vg() != null) {
                p.err().println("  Can't initialize physical volume \"" + dev + "\" of volume group \"" + pv.vg()
                        + "\" without -ff");
                p.err().println("  " + dev + ": physical volume not initialized.");
                p.close(fd);
                status = 5;
                continue;
            }
            writeLabel(p, fd, p.random());
            p.kernel().fsync(p.task(), fd);
            p.close(fd);
            p.out().println("  Physical volume \"" + dev + "\" successfully created" + (old(p) ? "" : "."));
        }
        return status;
    }

    private static long deviceSize(Proc p, int fd) {
        blocksim.uapi.LongCell size = new blocksim.uapi.LongCell();
        p.kernel().ioctl(p.task(), fd, blocksim.uapi.Ioctl.BLKGETSIZE64, size);
        return size.get();
    }

    private static void writeLabel(Proc p, int fd, Random r) {
        byte[] s = new byte[512];
        ByteBuffer b = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, "LABELONE".getBytes(StandardCharsets.US_ASCII));
        b.putLong(8, LABEL_SECTOR);
        b.putInt(20, 32);
        b.put(24, "LVM2 001".getBytes(StandardCharsets.US_ASCII));
        b.put(32, newId(r).getBytes(StandardCharsets.US_ASCII));
        b.putLong(64, deviceSize(p, fd));
        b.putLong(72, PE_START);
        b.putLong(80, 0);
        b.putLong(104, MDA_OFFSET);
        b.putLong(112, MDA_SIZE);
        b.putInt(16, calcCrc(INITIAL_CRC, s, 20, 512 - 20));
        p.kernel().pwrite(p.task(), fd, s, 0, 512, LABEL_SECTOR * 512);
        writeMda(p, fd, null);
    }

    /** The mda header at 4 KiB, pointing at {@code text} 512 bytes further (or at nothing). */
    private static void writeMda(Proc p, int fd, String text) {
        byte[] s = new byte[512];
        ByteBuffer b = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
        b.put(4, MDA_MAGIC.getBytes(StandardCharsets.US_ASCII));
        b.putInt(20, 1);
        b.putLong(24, MDA_OFFSET);
        b.putLong(32, MDA_SIZE);
        if (text != null) {
            byte[] t = text.getBytes(StandardCharsets.US_ASCII);
            b.putLong(40, 512);
            b.putLong(48, t.length);
            b.putInt(56, calcCrc(INITIAL_CRC, t, 0, t.length));
            byte[] area = new byte[(t.length + 511) / 512 * 512];
            System.arraycopy(t, 0, area, 0, t.length);
            p.kernel().pwrite(p.task(), fd, area, 0, area.length, MDA_OFFSET + 512);
        }
        b.putInt(0, calcCrc(INITIAL_CRC, s, 4, 512 - 4));
        p.kernel().pwrite(p.task(), fd, s, 0, 512, MDA_OFFSET);
    }

    /** {@code vgcreate VG PV...}: a PV that is not one yet is initialised first, as lvm2 does. */
    public static int vgcreate(Proc p) {
        if (p.args().size() < 2) {
            p.err().println(p.args().isEmpty() ? "  Please provide a volume group name"
                    : "  Please enter physical volume name(s)");
            return 3;
        }
        String vg = p.args().getFirst();
        if (scan(p).containsKey(vg)) {
            p.err().println("  A volume group called " + vg + " already exists.");
            return 5;
        }
        Random r = p.random();
        StringBuilder pvs = new StringBuilder();
        int n = 0;
        for (String dev : p.args().subList(1, p.args().size())) {
            int fd = openDevice(p, dev, OpenFlags.O_RDWR | OpenFlags.O_EXCL);
            if (fd < 0) {
                p.err().println("  No device found for " + dev + ".");
                return 5;
            }
            Pv pv = probe(p, fd, dev);
            if (pv == null) {
                writeLabel(p, fd, r);
                pv = probe(p, fd, dev);
                if (!old(p)) {
                    p.out().println("  Physical volume \"" + dev + "\" successfully created.");
                }
            } else if (pv.vg() != null) {
                p.err().println("  Physical volume '" + dev + "' is already in volume group '" + pv.vg() + "'");
                p.close(fd);
                return 5;
            }
            pvs.append("pv").append(n++).append(" {\nid = \"").append(formatId(pv.uuid())).append("\"\ndevice = \"")
                    .append(dev).append("\"\ndev_size = ").append(pv.size() / 512).append("\npe_start = 2048\n}\n");
            String text = vg + " {\nid = \"" + formatId(newId(r)) + "\"\nseqno = 1\nformat = \"lvm2\"\n"
                    + "status = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nextent_size = 8192\n"
                    + "physical_volumes {\n" + pvs + "}\n}\n";
            writeMda(p, fd, text);
            p.kernel().fsync(p.task(), fd);
            p.close(fd);
        }
        p.out().println("  Volume group \"" + vg + "\" successfully created");
        return 0;
    }

    /** The volume groups on the devices /proc/partitions lists now, in the order found. */
    static Map<String, String> scan(Proc p) {
        Map<String, String> vgs = new LinkedHashMap<>();
        for (String name : procPartitions(p)) {
            String dev = "/dev/" + name;
            int fd = openDevice(p, dev, OpenFlags.O_RDONLY);
            if (fd < 0) {
                continue;
            }
            Pv pv = probe(p, fd, dev);
            p.close(fd);
            if (pv != null && pv.vg() != null) {
                vgs.putIfAbsent(pv.vg(), dev);
            }
        }
        return vgs;
    }

    static List<String> procPartitions(Proc p) {
        List<String> names = new ArrayList<>();
        SysResult r = p.open("/proc/partitions", OpenFlags.O_RDONLY);
        if (r.isError()) {
            return names;
        }
        Io.KernelFile f = new Io.KernelFile(p.kernel(), p.task(), r.intValue());
        byte[] data = p.readAll(f, "/proc/partitions");
        f.close();
        for (String line : new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8).split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 4 && fields[0].matches("[0-9]+")) {
                names.add(fields[3]);
            }
        }
        return names;
    }

    /** {@code vgscan}. */
    public static int vgscan(Proc p) {
        if (old(p)) {
            p.out().println("  Reading all physical volumes.  This may take a while...");
        }
        Map<String, String> vgs = scan(p);
        for (String vg : vgs.keySet()) {
            p.out().println("  Found volume group \"" + vg + "\" using metadata type lvm2");
        }
        if (vgs.isEmpty() && old(p)) {
            p.out().println("  No volume groups found");
        }
        return 0;
    }

}
