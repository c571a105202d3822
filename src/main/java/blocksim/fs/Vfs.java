package blocksim.fs;

import blocksim.kernel.Errno;
import java.util.ArrayList;
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

    /** Splits {@code /a/b/../c} into its components ({@code [a, c]}); relative paths start at /. */
    public static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
                continue;
            }
            out.add(part);
        }
        return out;
    }

    /** The canonical absolute form of a path. */
    public static String normalize(String path) {
        return "/" + String.join("/", components(path));
    }

    /** Resolves a path: the inode, or ENOENT / ENOTDIR / ENAMETOOLONG. */
    public Lookup lookup(String path) {
        if (path.isEmpty()) {
            return Lookup.fail(Errno.ENOENT);
        }
        if (path.length() >= 4096) {
            return Lookup.fail(Errno.ENAMETOOLONG);
        }
        Inode cur = root;
        for (String part : components(path)) {
            if (part.length() > 255) {
                return Lookup.fail(Errno.ENAMETOOLONG);
            }
            if (!(cur instanceof Inode.Dir dir)) {
                return Lookup.fail(Errno.ENOTDIR);
            }
            Optional<Inode> next = dir.lookup(part);
            if (next.isEmpty()) {
                return Lookup.fail(Errno.ENOENT);
            }
            cur = next.get();
        }
        return new Lookup(cur, null);
    }

    /** Resolves everything but the last component. */
    public ParentLookup parent(String path) {
        List<String> parts = components(path);
        if (parts.isEmpty()) {
            return new ParentLookup(null, Errno.EEXIST);
        }
        String dirPath = "/" + String.join("/", parts.subList(0, parts.size() - 1));
        Lookup l = lookup(dirPath);
        if (l.errno() != null) {
            return new ParentLookup(null, l.errno());
        }
        if (!(l.inode() instanceof Inode.Dir dir)) {
            return new ParentLookup(null, Errno.ENOTDIR);
        }
        return new ParentLookup(new Parent(dir, parts.getLast()), null);
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
