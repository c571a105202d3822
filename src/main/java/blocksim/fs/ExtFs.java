package blocksim.fs;

import blocksim.api.Errno;
import blocksim.api.Task;
import blocksim.block.BlockDevice;
import blocksim.block.Fops;
import blocksim.uapi.ExtLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The model's ext2/3/4 ({@link ExtLayout}): the inode tree lives in memory as the page cache and
 * inode cache would hold it, and reaches the disk only by writeback. Writing a file dirties its
 * pages; changing a directory or a size dirties the metadata. {@link #writeback} puts a file's
 * dirty pages in data blocks (allocated then, as ext4's delayed allocation does) and
 * {@link #commit} writes a whole image of the metadata to the slot not holding the last one, as a
 * journal commit makes one state durable at once. Blocks freed since the last commit are reused
 * only after the next, so the committed image never points at data written later.
 */
final class ExtFs implements Backing {

    private final BlockDevice bdev;
    private final Fops fops;
    final ExtLayout.Super sup;
    final ExtLayout.Geometry geo;
    final TmpDir root;
    private final Map<Inode, Integer> inos = new IdentityHashMap<>();
    private final BitSet usedInos = new BitSet();
    private final Map<Inode.Regular, TreeMap<Long, Long>> blocks = new IdentityHashMap<>();
    private final BitSet usedBlocks = new BitSet();
    private final BitSet freedSinceCommit = new BitSet();
    /** Files with dirty pages, with when they were first dirtied ({@code dirtied_when}). */
    private final Map<Inode.Regular, Long> dirtiedWhen = new LinkedHashMap<>();
    private final Map<Inode.Regular, TreeSet<Long>> dirtyPages = new IdentityHashMap<>();
    /** When the metadata was first changed since the last commit, or -1. */
    private long metaDirtySince = -1;
    private long generation;
    private int lastSlot;
    private final java.util.function.LongSupplier clock;
    private final Runnable dirtied;
    /** The modification times read from the disk, until the VFS keeps them ({@code i_mtime} of the inode read). */
    private final Map<Inode, Long> readMtime = new IdentityHashMap<>();
    /** Where a commit finds an inode's modification time (the VFS's; set by the superblock's owner). */
    java.util.function.ToLongFunction<Inode> mtimeOf = i -> readMtime.getOrDefault(i, 0L);

    private ExtFs(BlockDevice bdev, Fops fops, ExtLayout.Super sup, ExtLayout.Geometry geo, TmpDir root,
            java.util.function.LongSupplier clock, Runnable dirtied) {
        this.bdev = bdev;
        this.fops = fops;
        this.sup = sup;
        this.geo = geo;
        this.root = root;
        this.clock = clock;
        this.dirtied = dirtied;
    }

    /** What a mount attempt found: the filesystem, or the errno with the kernel's log line. */
    record Mounted(ExtFs fs, Errno errno, String log) {
    }

    /**
     * {@code ext4_fill_super}: reads the superblock (no magic: EINVAL, "VFS: Can't find ext4
     * filesystem"), then the newest valid metadata image (none: EUCLEAN, as a corrupt group
     * descriptor table is {@code EFSCORRUPTED}), then every file's pages.
     */
    static Mounted read(BlockDevice bdev, Fops fops, Task task, java.util.function.LongSupplier clock, Runnable dirtied) {
        byte[] raw = new byte[1024];
        if (fops.read(bdev, ExtLayout.SUPER_OFFSET, raw, 0, raw.length, task) != raw.length) {
            return new Mounted(null, Errno.EINVAL, "VFS: Can't find ext4 filesystem");
        }
        ExtLayout.Super sup = ExtLayout.parseSuper(raw);
        if (sup.magic() != ExtLayout.MAGIC) {
            return new Mounted(null, Errno.EINVAL, "VFS: Can't find ext4 filesystem");
        }
        ExtLayout.Geometry geo = ExtLayout.Geometry.of(sup.blocks() * sup.blockSize());
        if (geo == null || sup.blocks() * sup.blockSize() > (bdev.nrSects() << 9)) {
            return new Mounted(null, Errno.EINVAL, "bad geometry: block count " + sup.blocks()
                    + " exceeds size of device (" + ((bdev.nrSects() << 9) / sup.blockSize()) + " blocks)");
        }
        ExtLayout.Image best = null;
        int bestSlot = 0;
        for (int slot = 0; slot < 2; slot++) {
            byte[] header = new byte[ExtLayout.headerSize()];
            fops.read(bdev, geo.slotOffset(slot), header, 0, header.length, task);
            long len = ExtLayout.headerLength(header);
            if (len < 0 || len + header.length > geo.slotBytes()) {
                continue;
            }
            byte[] all = new byte[(int) (header.length + len)];
            fops.read(bdev, geo.slotOffset(slot), all, 0, all.length, task);
            ExtLayout.Image img = ExtLayout.decode(all);
            if (img != null && (best == null || img.generation() > best.generation())) {
                best = img;
                bestSlot = slot;
            }
        }
        if (best == null) {
            return new Mounted(null, Errno.EUCLEAN, "ext4_check_descriptors: Block bitmap for group 0 not in group (block 0)!");
        }
        ExtFs fs = new ExtFs(bdev, fops, sup, geo, new TmpDir(0755), clock, dirtied);
        fs.generation = best.generation();
        fs.lastSlot = bestSlot;
        if (!fs.load(best, task)) {
            return new Mounted(null, Errno.EUCLEAN, "ext4_iget: root inode unallocated");
        }
        return new Mounted(fs, null, null);
    }

    private boolean load(ExtLayout.Image img, Task task) {
        Map<Integer, ExtLayout.InodeRec> recs = new TreeMap<>();
        img.inodes().forEach(r -> recs.put(r.ino(), r));
        ExtLayout.InodeRec rootRec = recs.get(ExtLayout.ROOT_INO);
        if (rootRec == null || !rootRec.isDir()) {
            return false;
        }
        Map<Integer, Inode> built = new TreeMap<>();
        TmpDir rootDir = new TmpDir(rootRec.mode() & 07777);
        // the root this filesystem was created with is replaced by the one read
        rootDir.backing = null;
        build(rootRec, rootDir, recs, built, task, new TreeSet<>());
        copyInto(rootDir);
        readMtime.put(root, rootRec.mtime());
        return true;
    }

    /** Moves the entries read into {@link #root}, so the root keeps its identity and permissions. */
    private void copyInto(TmpDir read) {
        for (String name : read.list()) {
            root.put(name, read.lookup(name).orElseThrow());
        }
        inos.put(root, ExtLayout.ROOT_INO);
        usedInos.set(ExtLayout.ROOT_INO);
        root.backing = this;
    }

    private void build(ExtLayout.InodeRec rec, TmpDir dir, Map<Integer, ExtLayout.InodeRec> recs,
            Map<Integer, Inode> built, Task task, TreeSet<Integer> path) {
        path.add(rec.ino());
        for (var e : rec.entries().entrySet()) {
            ExtLayout.InodeRec child = recs.get(e.getValue());
            if (child == null || path.contains(child.ino()) || built.containsKey(child.ino())) {
                continue; // a dangling or looping entry is left out, as e2fsck would clear it
            }
            Inode made;
            if (child.isDir()) {
                TmpDir d = new TmpDir(child.mode() & 07777);
                build(child, d, recs, built, task, path);
                d.backing = this;
                made = d;
            } else {
                Inode.Regular r = new Inode.Regular(child.mode() & 07777);
                TreeMap<Long, Long> map = new TreeMap<>();
                for (var pg : child.pages().entrySet()) {
                    long blk = pg.getValue();
                    if (blk < geo.dataStart() || blk >= geo.dataStart() + geo.dataPages() || usedBlocks.get((int) blk)) {
                        continue;
                    }
                    byte[] page = new byte[ExtLayout.PAGE];
                    fops.read(bdev, blk * ExtLayout.PAGE, page, 0, page.length, task);
                    r.loadPage(pg.getKey(), page);
                    map.put(pg.getKey(), blk);
                    usedBlocks.set((int) blk);
                }
                r.loadSize(child.size());
                r.backing = this;
                blocks.put(r, map);
                made = r;
            }
            built.put(child.ino(), made);
            readMtime.put(made, child.mtime());
            inos.put(made, child.ino());
            usedInos.set(child.ino());
            dir.put(e.getKey(), made);
        }
        path.remove(rec.ino());
    }

    /** A new filesystem's root ({@code mkfs} has written the image), for a superblock to mount. */
    Inode.Dir rootDir() {
        return root;
    }

    private int ino(Inode i) {
        Integer n = inos.get(i);
        if (n == null) {
            n = usedInos.nextClearBit(ExtLayout.FIRST_INO + 1);
            usedInos.set(n);
            inos.put(i, n);
            if (i instanceof TmpDir d) {
                d.backing = this;
            } else if (i instanceof Inode.Regular r) {
                r.backing = this;
                blocks.put(r, new TreeMap<>());
            }
        }
        return n;
    }

    /** The modification time an inode had on the disk when it was read (0 for a new one). */
    long readMtime(Inode i) {
        return readMtime.getOrDefault(i, 0L);
    }

    /** The inode number of one of this filesystem's inodes. */
    int inoOf(Inode i) {
        return ino(i);
    }

    /** Takes a new inode into this filesystem ({@code ext4_new_inode}). */
    void adopt(Inode i) {
        ino(i);
        inodeChanged(i);
    }

    @Override
    public void pageDirtied(Inode.Regular file, long page) {
        ino(file);
        dirtyPages.computeIfAbsent(file, k -> new TreeSet<>()).add(page);
        if (!dirtiedWhen.containsKey(file)) {
            dirtiedWhen.put(file, clock.getAsLong());
        }
        dirtied.run();
    }

    @Override
    public void inodeChanged(Inode inode) {
        if (metaDirtySince < 0) {
            metaDirtySince = clock.getAsLong();
        }
        dirtied.run();
    }

    /** Whether anything is dirty: pages or metadata not yet committed. */
    boolean dirty() {
        return !dirtiedWhen.isEmpty() || metaDirtySince >= 0;
    }

    /** Whether a file has pages not yet written back. */
    boolean dirty(Inode.Regular file) {
        return dirtiedWhen.containsKey(file);
    }

    /** Pages a write of {@code len} at {@code pos} would add, within what the data blocks can hold ({@code ext4_da_reserve_space}). */
    boolean hasRoom(Inode.Regular file, long pos, int len) {
        if (len == 0) {
            return true;
        }
        long add = 0;
        for (long p = pos / ExtLayout.PAGE; p <= (pos + len - 1) / ExtLayout.PAGE; p++) {
            if (file.page(p) == null) {
                add++;
            }
        }
        long used = 0;
        for (Inode.Regular r : blocks.keySet()) {
            used += r.pageCount();
        }
        return used + add <= geo.dataPages();
    }

    /** Writes a file's dirty pages to data blocks ({@code writeback_single_inode}); 0 or -errno. */
    int writeback(Inode.Regular file, Task task) {
        TreeSet<Long> pages = dirtyPages.remove(file);
        dirtiedWhen.remove(file);
        if (pages == null) {
            return 0;
        }
        TreeMap<Long, Long> map = blocks.computeIfAbsent(file, k -> new TreeMap<>());
        long lastPage = (file.size() + ExtLayout.PAGE - 1) / ExtLayout.PAGE;
        for (long p : pages) {
            byte[] page = file.page(p);
            if (p >= lastPage || page == null) {
                continue;
            }
            Long blk = map.get(p);
            if (blk == null) {
                int free = nextFreeBlock();
                if (free < 0) {
                    return -Errno.ENOSPC.number();
                }
                usedBlocks.set(free);
                blk = (long) free;
                map.put(p, blk);
                inodeChanged(file);
            }
            long r = fops.write(bdev, blk * ExtLayout.PAGE, page, 0, page.length, task);
            if (r < 0) {
                return (int) r;
            }
        }
        return 0;
    }

    private int nextFreeBlock() {
        int start = (int) geo.dataStart();
        int end = (int) (geo.dataStart() + geo.dataPages());
        for (int b = usedBlocks.nextClearBit(start); b < end; b = usedBlocks.nextClearBit(b + 1)) {
            if (!freedSinceCommit.get(b)) {
                return b;
            }
        }
        return -1;
    }

    /** Forgets blocks of pages past a file's end or of a file gone, until the next commit. */
    private void releaseUnreachable() {
        Map<Inode, Boolean> live = new IdentityHashMap<>();
        collect(root, live);
        for (var it = blocks.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Inode.Regular r = e.getKey();
            long lastPage = (r.size() + ExtLayout.PAGE - 1) / ExtLayout.PAGE;
            boolean gone = !live.containsKey(r);
            for (var pit = e.getValue().entrySet().iterator(); pit.hasNext(); ) {
                var pg = pit.next();
                if (gone || pg.getKey() >= lastPage || r.page(pg.getKey()) == null) {
                    freedSinceCommit.set((int) (long) pg.getValue());
                    usedBlocks.clear((int) (long) pg.getValue());
                    pit.remove();
                }
            }
            if (gone) {
                it.remove();
                dirtyPages.remove(r);
                dirtiedWhen.remove(r);
                usedInos.clear(inos.remove(r));
            }
        }
        for (var it = inos.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey() instanceof TmpDir && !live.containsKey(e.getKey())) {
                usedInos.clear(e.getValue());
                it.remove();
            }
        }
    }

    private void collect(Inode.Dir dir, Map<Inode, Boolean> live) {
        live.put(dir, true);
        for (String name : dir.list()) {
            Inode i = dir.lookup(name).orElseThrow();
            if (i instanceof TmpDir d) {
                collect(d, live);
            } else {
                live.put(i, true);
            }
        }
    }

    /** Writes the metadata image to the other slot ({@code jbd2_journal_commit_transaction}); 0 or -errno. */
    int commit(Task task) {
        if (metaDirtySince < 0) {
            return 0;
        }
        releaseUnreachable();
        List<ExtLayout.InodeRec> recs = new ArrayList<>();
        image(root, recs);
        byte[] slot = ExtLayout.encode(new ExtLayout.Image(generation + 1, recs), geo.slotBytes());
        if (slot == null) {
            return -Errno.ENOSPC.number();
        }
        int target = 1 - lastSlot;
        long r = fops.write(bdev, geo.slotOffset(target), slot, 0, slot.length, task);
        if (r < 0) {
            return (int) r;
        }
        generation++;
        lastSlot = target;
        metaDirtySince = -1;
        freedSinceCommit.clear();
        return 0;
    }

    private void image(Inode.Dir dir, List<ExtLayout.InodeRec> out) {
        TreeMap<String, Integer> entries = new TreeMap<>();
        List<Inode.Dir> subdirs = new ArrayList<>();
        for (String name : dir.list()) {
            Inode i = dir.lookup(name).orElseThrow();
            entries.put(name, ino(i));
            if (i instanceof Inode.Dir d) {
                subdirs.add(d);
            } else if (i instanceof Inode.Regular r) {
                out.add(new ExtLayout.InodeRec(ino(r), ExtLayout.S_IFREG | r.perm(), r.uid(), r.gid(), r.size(), mtimeOf.applyAsLong(r),
                        new TreeMap<>(), new TreeMap<>(blocks.getOrDefault(r, new TreeMap<>()))));
            }
        }
        out.add(new ExtLayout.InodeRec(ino(dir), ExtLayout.S_IFDIR | dir.perm(), dir.uid(), dir.gid(),
                ExtLayout.PAGE, mtimeOf.applyAsLong(dir), entries, new TreeMap<>()));
        for (Inode.Dir d : subdirs) {
            image(d, out);
        }
    }

    /** {@code sync_filesystem}: every dirty file written back, then the commit; 0 or the first -errno. */
    int sync(Task task) {
        int ret = 0;
        for (Inode.Regular r : new ArrayList<>(dirtiedWhen.keySet())) {
            int w = writeback(r, task);
            ret = ret == 0 ? w : ret;
        }
        int c = commit(task);
        return ret == 0 ? c : ret;
    }

    /** {@code ext4_sync_file}: the file written back, then the commit that makes it durable. */
    int fsync(Inode.Regular file, Task task) {
        int w = writeback(file, task);
        if (w != 0) {
            return w;
        }
        return commit(task);
    }

    /**
     * Periodic writeback at {@code now} ({@code wb_writeback} for old inodes, {@code kupdate}):
     * files first dirtied {@code expire} ago or earlier are written back; metadata changed
     * {@code commitInterval} ago or earlier is committed (jbd2's commit timer, 5 s).
     */
    void periodic(long now, long expire, long commitInterval, Task task) {
        for (var e : new ArrayList<>(dirtiedWhen.entrySet())) {
            if (now - e.getValue() >= expire) {
                writeback(e.getKey(), task);
            }
        }
        if (metaDirtySince >= 0 && now - metaDirtySince >= commitInterval) {
            commit(task);
        }
    }

    /** The next time periodic writeback has something to do, or -1 when nothing is dirty. */
    long nextDue(long expire, long commitInterval) {
        long due = Long.MAX_VALUE;
        for (long when : dirtiedWhen.values()) {
            due = Math.min(due, when + expire);
        }
        if (metaDirtySince >= 0) {
            due = Math.min(due, metaDirtySince + commitInterval);
        }
        return due == Long.MAX_VALUE ? -1 : due;
    }

    /** Blocks and inodes in use, for statfs and df. */
    long pagesInUse() {
        long n = 0;
        for (Inode.Regular r : blocks.keySet()) {
            n += r.pageCount();
        }
        return n;
    }
}
