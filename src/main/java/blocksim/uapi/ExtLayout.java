package blocksim.uapi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The on-disk format of the model's ext2/3/4, shared by {@code mkfs} (which writes it) and the
 * kernel's filesystem (which mounts it), as {@code include/uapi}-style headers are shared.
 *
 * <p>The first part is real: the ext superblock at byte 1024 ({@code struct ext4_super_block},
 * {@code fs/ext4/ext4.h}) with the magic {@code 0xEF53} at offset 56, the block and inode counts,
 * the block size, the UUID, the label, and the feature words mke2fs 1.47.0 writes for each type
 * (measured: ext2 compat 0x38 incompat 0x2 ro_compat 0x3; ext3 adds has_journal, compat 0x3c;
 * ext4 compat 0x3c incompat 0x2c2 ro_compat 0x46b), so blkid, file and partx recognise it.
 *
 * <p>Behind it the layout is the model's own: from byte {@value #META_START} two metadata slots of
 * equal size, each holding a whole image of the inode tree (every inode's type, mode, owner, size,
 * and where each 4 KiB page of a file lies, or a directory's entries) with a generation number
 * and a CRC32C; mount takes the valid slot with the highest generation, and a commit writes the
 * other one, so what is on the disk is always one whole committed state. File data is kept in
 * 4 KiB data blocks after the slots.
 */
public final class ExtLayout {

    public static final int SUPER_OFFSET = 1024;
    public static final int MAGIC_OFFSET = 56;
    public static final int MAGIC = 0xEF53;
    public static final int PAGE = 4096;
    /** Where the model's metadata slots start (after the superblock's 4 KiB). */
    public static final long META_START = 4096;
    public static final int ROOT_INO = 2;
    public static final int LOST_FOUND_INO = 11;
    public static final int FIRST_INO = 11;
    private static final long SLOT_MAGIC = 0x31545845_4D495342L; // "BSIMEXT1" little-endian
    private static final int SLOT_HEADER = 32;

    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;

    private ExtLayout() {
    }

    /** The ext types mkfs makes: the feature words of mke2fs 1.47.0's defaults. */
    public enum Kind {
        EXT2("ext2", 0x38, 0x2, 0x3),
        EXT3("ext3", 0x3c, 0x2, 0x3),
        EXT4("ext4", 0x3c, 0x2c2, 0x46b);

        public final String fsName;
        public final int compat;
        public final int incompat;
        public final int roCompat;

        Kind(String fsName, int compat, int incompat, int roCompat) {
            this.fsName = fsName;
            this.compat = compat;
            this.incompat = incompat;
            this.roCompat = roCompat;
        }

        /** What a superblock's features make it: ext4 with an ext4-only incompat feature, ext3 with a journal. */
        public static Kind of(int compat, int incompat) {
            if ((incompat & ~0x2) != 0) {
                return EXT4;
            }
            return (compat & 0x4) != 0 ? EXT3 : EXT2;
        }

        public boolean hasJournal() {
            return (compat & 0x4) != 0;
        }
    }

    /** The geometry of a filesystem on a device of {@code bytes}: null when it is too small to hold one. */
    public record Geometry(long deviceBytes, int blockSize, long blocks, long inodes, long slotPages, long dataStart,
                           long dataPages) {
        /** mke2fs's choice: 1 KiB blocks and an inode per 4 KiB below 512 MiB ("small"), else 4 KiB and 16 KiB. */
        public static Geometry of(long bytes) {
            int bs = bytes < (512L << 20) ? 1024 : 4096;
            long blocks = bytes / bs;
            long inodes = Math.max(16, Math.min(bytes / (bs == 1024 ? 4096 : 16384), 0xFFFFFFFFL) / 8 * 8);
            long pages = bytes / PAGE;
            long slot = Math.max(4, pages / 32);
            long dataStart = META_START / PAGE + 2 * slot;
            if (pages <= dataStart + 4) {
                return null;
            }
            return new Geometry(bytes, bs, blocks, inodes, slot, dataStart, pages - dataStart);
        }

        public long slotOffset(int slot) {
            return META_START + slot * slotPages * PAGE;
        }

        public long slotBytes() {
            return slotPages * PAGE;
        }
    }

    /** The superblock fields the model reads back. */
    public record Super(int magic, long blocks, long inodes, int blockSize, int compat, int incompat, int roCompat,
                        byte[] uuid, String label) {
        public Kind kind() {
            return Kind.of(compat, incompat);
        }
    }

    /** The 1024 bytes of a superblock (to write at {@link #SUPER_OFFSET}). */
    public static byte[] superblock(Geometry g, Kind kind, byte[] uuid, String label, int time) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        long groupBlocks = g.blockSize() * 8L;
        long groups = (g.blocks() + groupBlocks - 1) / groupBlocks;
        b.putInt(0x00, (int) g.inodes());
        b.putInt(0x04, (int) g.blocks());
        b.putInt(0x08, (int) (g.blocks() / 20)); // 5% reserved
        b.putInt(0x0C, (int) (g.dataPages() * (PAGE / g.blockSize())));
        b.putInt(0x10, (int) (g.inodes() - FIRST_INO));
        b.putInt(0x14, g.blockSize() == 1024 ? 1 : 0);
        int log = Integer.numberOfTrailingZeros(g.blockSize()) - 10;
        b.putInt(0x18, log);
        b.putInt(0x1C, log);
        b.putInt(0x20, (int) groupBlocks);
        b.putInt(0x24, (int) groupBlocks);
        b.putInt(0x28, (int) (g.inodes() / groups));
        b.putInt(0x30, time);
        b.putShort(0x36, (short) -1);
        b.putShort(0x38, (short) MAGIC);
        b.putShort(0x3A, (short) 1);
        b.putShort(0x3C, (short) 1);
        b.putInt(0x40, time);
        b.putInt(0x4C, 1);
        b.putInt(0x54, FIRST_INO);
        b.putShort(0x58, (short) 256);
        b.putInt(0x5C, kind.compat);
        b.putInt(0x60, kind.incompat);
        b.putInt(0x64, kind.roCompat);
        b.put(0x68, uuid, 0, 16);
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        b.put(0x78, l, 0, Math.min(16, l.length));
        b.putInt(0x108, time); // s_mkfs_time
        return b.array();
    }

    /** Parses the 1024 bytes at {@link #SUPER_OFFSET}. */
    public static Super parseSuper(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        byte[] uuid = new byte[16];
        b.get(0x68, uuid);
        byte[] label = new byte[16];
        b.get(0x78, label);
        int n = 0;
        while (n < 16 && label[n] != 0) {
            n++;
        }
        return new Super(Short.toUnsignedInt(b.getShort(0x38)), Integer.toUnsignedLong(b.getInt(0x04)),
                Integer.toUnsignedLong(b.getInt(0x00)), 1024 << b.getInt(0x18), b.getInt(0x5C), b.getInt(0x60),
                b.getInt(0x64), uuid, new String(label, 0, n, StandardCharsets.UTF_8));
    }

    /** One inode of a metadata image: a directory's entries or a file's pages (file page to data block). */
    public record InodeRec(int ino, int mode, int uid, int gid, long size, long mtime, TreeMap<String, Integer> entries,
                           TreeMap<Long, Long> pages) {
        public boolean isDir() {
            return (mode & 0170000) == S_IFDIR;
        }
    }

    /** A committed state: its generation and every inode. */
    public record Image(long generation, List<InodeRec> inodes) {
    }

    /** The bytes of a slot holding {@code image}: null when it does not fit in {@code slotBytes}. */
    public static byte[] encode(Image image, long slotBytes) {
        ByteBuffer p = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        p.putInt(image.inodes().size());
        for (InodeRec r : image.inodes()) {
            p = room(p, 64);
            p.putInt(r.ino()).putInt(r.mode()).putInt(r.uid()).putInt(r.gid()).putLong(r.size()).putLong(r.mtime());
            if (r.isDir()) {
                p.putInt(r.entries().size());
                for (var e : r.entries().entrySet()) {
                    byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                    p = room(p, name.length + 8);
                    p.putShort((short) name.length).put(name).putInt(e.getValue());
                }
            } else {
                p.putInt(r.pages().size());
                for (var e : r.pages().entrySet()) {
                    p = room(p, 16);
                    p.putLong(e.getKey()).putLong(e.getValue());
                }
            }
        }
        int len = p.position();
        if (SLOT_HEADER + len > slotBytes) {
            return null;
        }
        byte[] payload = java.util.Arrays.copyOf(p.array(), len);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer out = ByteBuffer.allocate(SLOT_HEADER + len).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(SLOT_MAGIC).putLong(image.generation()).putInt(len).putInt((int) crc.getValue()).putLong(0);
        out.put(payload);
        return out.array();
    }

    private static ByteBuffer room(ByteBuffer p, int need) {
        if (p.remaining() >= need) {
            return p;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(p.capacity() * 2, p.position() + need)).order(ByteOrder.LITTLE_ENDIAN);
        p.flip();
        bigger.put(p);
        return bigger;
    }

    /** The slot's header: its payload length, or -1 when the slot holds no valid image. */
    public static long headerLength(byte[] header) {
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        if (header.length < SLOT_HEADER || h.getLong(0) != SLOT_MAGIC) {
            return -1;
        }
        return Integer.toUnsignedLong(h.getInt(16));
    }

    public static int headerSize() {
        return SLOT_HEADER;
    }

    /** Decodes a slot (header and payload), or null when it is not a valid image. */
    public static Image decode(byte[] slot) {
        long len = headerLength(slot);
        if (len < 0 || SLOT_HEADER + len > slot.length) {
            return null;
        }
        ByteBuffer h = ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN);
        long gen = h.getLong(8);
        int want = h.getInt(20);
        CRC32C crc = new CRC32C();
        crc.update(slot, SLOT_HEADER, (int) len);
        if ((int) crc.getValue() != want) {
            return null;
        }
        ByteBuffer p = ByteBuffer.wrap(slot, SLOT_HEADER, (int) len).slice().order(ByteOrder.LITTLE_ENDIAN);
        try {
            int n = p.getInt();
            List<InodeRec> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int ino = p.getInt(), mode = p.getInt(), uid = p.getInt(), gid = p.getInt();
                long size = p.getLong(), mtime = p.getLong();
                int count = p.getInt();
                TreeMap<String, Integer> entries = new TreeMap<>();
                TreeMap<Long, Long> pages = new TreeMap<>();
                boolean dir = (mode & 0170000) == S_IFDIR;
                for (int j = 0; j < count; j++) {
                    if (dir) {
                        byte[] name = new byte[p.getShort()];
                        p.get(name);
                        entries.put(new String(name, StandardCharsets.UTF_8), p.getInt());
                    } else {
                        pages.put(p.getLong(), p.getLong());
                    }
                }
                list.add(new InodeRec(ino, mode, uid, gid, size, mtime, entries, pages));
            }
            return new Image(gen, list);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The image mkfs writes: an empty root (0755) holding {@code lost+found} (0700). */
    public static Image fresh() {
        TreeMap<String, Integer> rootEntries = new TreeMap<>();
        rootEntries.put("lost+found", LOST_FOUND_INO);
        return new Image(1, List.of(
                new InodeRec(ROOT_INO, S_IFDIR | 0755, 0, 0, PAGE, 0, rootEntries, new TreeMap<>()),
                new InodeRec(LOST_FOUND_INO, S_IFDIR | 0700, 0, 0, PAGE * 3, 0, new TreeMap<>(), new TreeMap<>())));
    }

    /** A UUID as text: 8-4-4-4-12 lower-case hex digits. */
    public static String uuidText(byte[] u) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                sb.append('-');
            }
            sb.append(String.format("%02x", u[i] & 0xff));
        }
        return sb.toString();
    }
}
