package blocksim.fs;

import blocksim.api.Errno;
import java.util.List;
import java.util.Optional;

/**
 * Path lookup over the simulated filesystem tree: a tmpfs-like root holding {@code /mnt},
 * {@code /tmp}, {@code /etc}, {@code /var/log}, with {@code /dev}, {@code /proc} and {@code /sys}
 * generated from the kernel.
 */
public final class Vfs {

    /** A path split into its parent directory and last component. */
    public record Parent(Inode.Dir dir, String name) {
    }

    private final TmpDir root = new TmpDir(0755);

    public Vfs(Inode.Dir dev, Inode.Dir proc, Inode.Dir sys) {
        root.put("dev", dev);
        root.put("proc", proc);
        root.put("sys", sys);
        for (String d : List.of("mnt", "tmp", "etc")) {
            root.put(d, new TmpDir(d.equals("tmp") ? 01777 : 0755));
        }
        TmpDir var = new TmpDir(0755);
        var.put("log", new TmpDir(0755));
        root.put("var", var);
    }

    public Inode.Dir root() {
        return root;
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

    /** Whether a directory is the root of a filesystem mounted below / (/dev, /proc, /sys). */
    boolean isMountPoint(Inode.Dir dir) {
        for (String name : List.of("dev", "proc", "sys")) {
            if (root.lookup(name).orElse(null) == dir) {
                return true;
            }
        }
        return false;
    }

    private Lookup walk(List<String> parts, boolean mustBeDir) {
        java.util.ArrayDeque<Inode> above = new java.util.ArrayDeque<>();
        Inode cur = root;
        for (String part : parts) {
            if (!(cur instanceof Inode.Dir dir)) {
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
            cur = next.get();
        }
        if (mustBeDir && !(cur instanceof Inode.Dir)) {
            return Lookup.fail(Errno.ENOTDIR);
        }
        return new Lookup(cur, null);
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
        return new ParentLookup(new Parent(dir, name), null);
    }

    /**
     * The O_CREAT side of open, in {@code fs/namei.c}'s order (6.18 {@code open_last_lookups},
     * {@code lookup_open}, {@code do_open}; 2.6.32 {@code do_filp_open} alike): the parent's walk
     * first; then a trailing slash is EISDIR; a last component of {@code .} or {@code ..} (or the
     * root) names a directory that exists: EEXIST with O_EXCL, else EISDIR; an existing name is
     * EEXIST with O_EXCL and EISDIR when it is a directory; a missing one is created (a regular
     * file, 0644) where the filesystem can create files (the tmpfs-like root), else EACCES.
     */
    public Create create(String path, boolean excl) {
        PathName p = PathName.of(path);
        if (p.failed()) {
            return Create.fail(p.errno());
        }
        List<String> parts = p.components();
        if (parts.isEmpty() || parts.getLast().equals(".") || parts.getLast().equals("..")) {
            Lookup l = walk(parts, false);
            if (l.errno() != null) {
                return Create.fail(l.errno());
            }
            return Create.fail(excl ? Errno.EEXIST : Errno.EISDIR);
        }
        Lookup up = walk(parts.subList(0, parts.size() - 1), false);
        if (up.errno() != null) {
            return Create.fail(up.errno());
        }
        if (!(up.inode() instanceof Inode.Dir parentDir)) {
            return Create.fail(Errno.ENOTDIR);
        }
        if (p.trailingSlash()) {
            return Create.fail(Errno.EISDIR); // before the last name is looked up, however long
        }
        String name = parts.getLast();
        if (parentDir.enforcesNameMax() && PathName.tooLong(name)) {
            return Create.fail(Errno.ENAMETOOLONG);
        }
        ParentLookup pl = new ParentLookup(new Parent(parentDir, name), null);
        Optional<Inode> existing = pl.parent().dir().lookup(pl.parent().name());
        if (existing.isPresent()) {
            if (excl) {
                return Create.fail(Errno.EEXIST);
            }
            return existing.get() instanceof Inode.Dir ? Create.fail(Errno.EISDIR) : new Create(existing.get(), null);
        }
        if (!(pl.parent().dir() instanceof TmpDir dir)) {
            return Create.fail(Errno.EACCES);
        }
        Inode.Regular file = new Inode.Regular(0644);
        dir.put(pl.parent().name(), file);
        return new Create(file, null);
    }

    /** What O_CREAT found or made: an inode, or an errno. */
    public record Create(Inode inode, Errno errno) {
        static Create fail(Errno e) {
            return new Create(null, e);
        }
    }

    /** The result of a lookup: an inode or an errno. */
    public record Lookup(Inode inode, Errno errno) {
        static Lookup fail(Errno e) {
            return new Lookup(null, e);
        }
    }

    /** The result of a parent lookup. */
    public record ParentLookup(Parent parent, Errno errno) {
    }
}
