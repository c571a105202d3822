package blocksim.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** A directory held in memory, as on tmpfs: entries are added and removed by name. */
public final class TmpDir implements Inode.Dir {

    private final TreeMap<String, Inode> entries = new TreeMap<>();
    private final int perm;
    /** The disk filesystem that writes this directory back, or null (tmpfs). */
    Backing backing;

    public TmpDir(int perm) {
        this.perm = perm;
    }

    @Override
    public int perm() {
        return perm;
    }

    @Override
    public Optional<Inode> lookup(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    @Override
    public boolean enforcesNameMax() {
        return true;
    }

    @Override
    public List<String> list() {
        return new ArrayList<>(entries.keySet());
    }

    public void put(String name, Inode inode) {
        entries.put(name, inode);
        changed();
    }

    public Inode remove(String name) {
        Inode gone = entries.remove(name);
        changed();
        return gone;
    }

    private void changed() {
        if (backing != null) {
            backing.inodeChanged(this);
        }
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
