package blocksim.fs;

import blocksim.api.Errno;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * Path lookup over the mount tree: the root mount (a tmpfs holding {@code /mnt}, {@code /tmp},
 * {@code /etc}, {@code /var/log}) with devtmpfs on {@code /dev}, procfs on {@code /proc}, sysfs on
 * {@code /sys}, and whatever {@code mount(2)} attaches. A walk that steps onto a directory with a
 * mount on it continues in the topmost mount's root ({@code fs/namei.c:handle_mounts},
 * {@code follow_mount}); {@code ..} goes back the way the walk came, so it leaves a mount's root
 * for its mount point's parent ({@code follow_dotdot}).
 */
public final class Vfs {

    /** A path split into its parent directory (and the mount it is on) and last component. */
    public record Parent(Inode.Dir dir, String name, Mount mount) {
    }

    private final Mount rootMount;
    /** Every mount, in the order they were made: the namespace's {@code mnt_list}. */
    private final List<Mount> mounts = new ArrayList<>();
    /** {@code mnt_id_ida}: the lowest free id is given out. */
    private final BitSet ids = new BitSet();

    /** A tree whose root mount is {@code rootSb}'s root, a tmpfs-like directory. */
    public Vfs(SuperBlock rootSb) {
        TmpDir root = (TmpDir) rootSb.root;
        for (String d : List.of("dev", "proc", "sys", "mnt", "etc")) {
            root.put(d, new TmpDir(0755));
        }
        root.put("tmp", new TmpDir(01777));
        TmpDir var = new TmpDir(0755);
        var.put("log", new TmpDir(0755));
        root.put("var", var);
        rootSb.active++;
        this.rootMount = new Mount(allocId(), null, null, root, rootSb, "rootfs", "/", "/", Mount.RELATIME);
        mounts.add(rootMount);
    }

    private int allocId() {
        int id = ids.nextClearBit(1);
        ids.set(id);
        return id;
    }

    public Inode.Dir root() {
        return rootMount.root;
    }

    public Mount rootMount() {
        return rootMount;
    }

    /** The mounts, parents before children (the order {@code /proc/mounts} lists them). */
    public List<Mount> mounts() {
        return List.copyOf(mounts);
    }

    /** Attaches {@code root} of {@code sb} on the directory {@code at} names ({@code do_add_mount}, {@code attach_recursive_mnt}). */
    Mount attach(Found at, String path, SuperBlock sb, Inode.Dir root, String rootPath, String source, int flags) {
        Mount m = new Mount(allocId(), at.mount(), (Inode.Dir) at.inode(), root, sb, source, path, rootPath, flags);
        sb.active++;
        mounts.add(m);
        return m;
    }

    /** Detaches a mount ({@code umount_tree}); its children go with it, the last first. */
    void detach(Mount m) {
        for (Mount child : new ArrayList<>(mounts)) {
            if (child.parent == m) {
                detach(child);
            }
        }
        mounts.remove(m);
        ids.clear(m.id);
    }

    /** The mounts attached directly on {@code m}. */
    List<Mount> children(Mount m) {
        return mounts.stream().filter(c -> c.parent == m).toList();
    }

    /** The topmost mount on {@code dir} of {@code m}, if any. */
    private Optional<Mount> mountedOn(Mount m, Inode.Dir dir) {
        Mount top = null;
        for (Mount c : mounts) {
            if (c.parent == m && c.mountpoint == dir) {
                top = c;
            }
        }
        return Optional.ofNullable(top);
    }

    /** What a walk reached: the inode and the mount it was reached through. */
    public record Found(Mount mount, Inode inode) {
    }

    /**
     * Resolves a path as {@code fs/namei.c:path_lookupat} walks it: one component at a time, each
     * looked up in a directory (ENOTDIR when the walk stands on anything else, {@code .} and
     * {@code ..} included), ENOENT for a missing name, ENAMETOOLONG for a name over NAME_MAX where
     * the directory's filesystem checks it, {@code ..} at the root staying there, and a trailing
     * slash on a non-directory ENOTDIR.
     */
    public Lookup lookup(String path) {
        PathName p = PathName.of(path);
        if (p.failed()) {
            return Lookup.fail(p.errno());
        }
        return walk(p.components(), p.trailingSlash());
    }

    /** The walk of components already split (for the parent of a path). */
    Lookup walkParts(List<String> parts) {
        return walk(parts, false);
    }

    /** Whether a directory has something mounted on it ({@code d_mountpoint}). */
    boolean isMountPoint(Inode.Dir dir) {
        for (Mount m : mounts) {
            if (m.mountpoint == dir) {
                return true;
            }
        }
        return false;
    }

    private Lookup walk(List<String> parts, boolean mustBeDir) {
        ArrayDeque<Found> above = new ArrayDeque<>();
        Found cur = new Found(rootMount, rootMount.root);
        cur = crossMounts(cur);
        for (String part : parts) {
            if (!(cur.inode() instanceof Inode.Dir dir)) {
                return Lookup.fail(Errno.ENOTDIR);
            }
            if (part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!above.isEmpty()) {
                    cur = above.pop();
                }
                continue;
            }
            if (dir.enforcesNameMax() && PathName.tooLong(part)) {
                return Lookup.fail(Errno.ENAMETOOLONG);
            }
            Optional<Inode> next = dir.lookup(part);
            if (next.isEmpty()) {
                return Lookup.fail(Errno.ENOENT);
            }
            above.push(cur);
            cur = crossMounts(new Found(cur.mount(), next.get()));
        }
        if (mustBeDir && !(cur.inode() instanceof Inode.Dir)) {
            return Lookup.fail(Errno.ENOTDIR);
        }
        return new Lookup(cur.inode(), null, cur.mount());
    }

    /** {@code follow_mount}: while a mount sits on the directory, go to the topmost one's root. */
    private Found crossMounts(Found f) {
        while (f.inode() instanceof Inode.Dir d) {
            Optional<Mount> on = mountedOn(f.mount(), d);
            if (on.isEmpty()) {
                break;
            }
            f = new Found(on.get(), on.get().root);
        }
        return f;
    }

    /**
     * Resolves everything but the last component, as {@code filename_parentat} does: the parent
     * must be a directory; a last component of {@code .} or {@code ..} (or the root itself) has no
     * name to create or remove (EEXIST for mkdir, as the kernel answers).
     */
    public ParentLookup parent(String path) {
        PathName p = PathName.of(path);
        if (p.failed()) {
            return new ParentLookup(null, p.errno());
        }
        List<String> parts = p.components();
        if (parts.isEmpty()) {
            return new ParentLookup(null, Errno.EEXIST);
        }
        if (parts.getLast().equals(".") || parts.getLast().equals("..")) {
            // no name to create or remove, once the walk to it succeeds (/nothere/.. is ENOENT)
            Lookup l = walk(parts, false);
            return new ParentLookup(null, l.errno() != null ? l.errno() : Errno.EEXIST);
        }
        Lookup l = walk(parts.subList(0, parts.size() - 1), false);
        if (l.errno() != null) {
            return new ParentLookup(null, l.errno());
        }
        if (!(l.inode() instanceof Inode.Dir dir)) {
            return new ParentLookup(null, Errno.ENOTDIR);
        }
        String name = parts.getLast();
        if (PathName.tooLong(name) && dir.enforcesNameMax()) {
            return new ParentLookup(null, Errno.ENAMETOOLONG);
        }
        return new ParentLookup(new Parent(dir, name, l.mount()), null);
    }

    /**
     * The walk of O_CREAT's side of open, in {@code fs/namei.c}'s order (6.18
     * {@code open_last_lookups}, {@code lookup_open}; 2.6.32 {@code do_filp_open} alike): the
     * parent's walk first; then a trailing slash is EISDIR; a last component of {@code .} or
     * {@code ..} (or the root) names a directory that exists: EEXIST with O_EXCL, else EISDIR; an
     * existing name is EEXIST with O_EXCL and EISDIR when it is a directory. What it returns
     * names the parent and, when there is one, what exists there; the file layer creates.
     */
    public CreateWalk createWalk(String path, boolean excl) {
        PathName p = PathName.of(path);
        if (p.failed()) {
            return CreateWalk.fail(p.errno());
        }
        List<String> parts = p.components();
        if (parts.isEmpty() || parts.getLast().equals(".") || parts.getLast().equals("..")) {
            Lookup l = walk(parts, false);
            if (l.errno() != null) {
                return CreateWalk.fail(l.errno());
            }
            return CreateWalk.fail(excl ? Errno.EEXIST : Errno.EISDIR);
        }
        Lookup up = walk(parts.subList(0, parts.size() - 1), false);
        if (up.errno() != null) {
            return CreateWalk.fail(up.errno());
        }
        if (!(up.inode() instanceof Inode.Dir parentDir)) {
            return CreateWalk.fail(Errno.ENOTDIR);
        }
        if (p.trailingSlash()) {
            return CreateWalk.fail(Errno.EISDIR); // before the last name is looked up, however long
        }
        String name = parts.getLast();
        if (parentDir.enforcesNameMax() && PathName.tooLong(name)) {
            return CreateWalk.fail(Errno.ENAMETOOLONG);
        }
        Parent parent = new Parent(parentDir, name, up.mount());
        Optional<Inode> existing = parentDir.lookup(name);
        if (existing.isPresent()) {
            if (excl) {
                return CreateWalk.fail(Errno.EEXIST);
            }
            if (existing.get() instanceof Inode.Dir) {
                return CreateWalk.fail(Errno.EISDIR);
            }
            Found f = crossMounts(new Found(up.mount(), existing.get()));
            return new CreateWalk(parent, f, null);
        }
        return new CreateWalk(parent, null, null);
    }

    /** O_CREAT's walk: the parent, what exists under the name (or null), or an errno. */
    public record CreateWalk(Parent parent, Found existing, Errno errno) {
        static CreateWalk fail(Errno e) {
            return new CreateWalk(null, null, e);
        }
    }

    /** The result of a lookup: an inode and the mount it is on, or an errno. */
    public record Lookup(Inode inode, Errno errno, Mount mount) {
        static Lookup fail(Errno e) {
            return new Lookup(null, e, null);
        }
    }

    /** The result of a parent lookup. */
    public record ParentLookup(Parent parent, Errno errno) {
    }
}
