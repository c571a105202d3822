package blocksim.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** A directory whose entries are computed from kernel state every time it is read. */
public final class GeneratedDir implements Inode.Dir {

    private final Supplier<Map<String, Inode>> entries;

    public GeneratedDir(Supplier<Map<String, Inode>> entries) {
        this.entries = entries;
    }

    @Override
    public int perm() {
        return 0755;
    }

    @Override
    public Optional<Inode> lookup(String name) {
        return Optional.ofNullable(entries.get().get(name));
    }

    @Override
    public List<String> list() {
        return new ArrayList<>(new TreeMap<>(entries.get()).keySet());
    }
}
