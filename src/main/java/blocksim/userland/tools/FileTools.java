package blocksim.userland.tools;

import blocksim.api.Kernel;
import blocksim.api.SysResult;
import blocksim.userland.Proc;
import java.util.ArrayList;
import java.util.List;

/** ls, mkdir, rm and sync, with coreutils' messages. */
public final class FileTools {

    private FileTools() {
    }

    /** {@code ls [-1] [-l] [PATH...]}: names one per line (the output is not a terminal). */
    public static int ls(Proc p) {
        boolean longFormat = false;
        List<String> paths = new ArrayList<>();
        for (String a : p.args()) {
            if (a.startsWith("-") && a.length() > 1) {
                for (char c : a.substring(1).toCharArray()) {
                    if (c == 'l') {
                        longFormat = true;
                    } else if (c != '1') {
                        p.error("invalid option -- '" + c + "'");
                        p.tryHelp();
                        return 2;
                    }
                }
            } else {
                paths.add(a);
            }
        }
        if (paths.isEmpty()) {
            paths.add("/");
        }
        int status = 0;
        List<String> dirs = new ArrayList<>();
        for (String path : paths) {
            Kernel.StatResult st = p.kernel().stat(p.task(), path);
            if (!st.isOk()) {
                p.error("cannot access '" + path + "': " + st.errno().strerror());
                status = 2;
                continue;
            }
            if (st.stat().type() == Kernel.Stat.Type.DIRECTORY) {
                dirs.add(path);
            } else {
                p.out().println(longFormat ? longLine(st.stat(), path) : path);
            }
        }
        boolean headers = paths.size() > 1;
        for (int i = 0; i < dirs.size(); i++) {
            String dir = dirs.get(i);
            Kernel.ListResult l = p.kernel().list(p.task(), dir);
            if (!l.isOk()) {
                p.error("cannot open directory '" + dir + "': " + l.errno().strerror());
                status = 2;
                continue;
            }
            if (headers) {
                if (i > 0 || dirs.size() < paths.size()) {
                    p.out().println("");
                }
                p.out().println(dir + ":");
            }
            for (String name : l.names()) {
                if (longFormat) {
                    Kernel.StatResult st = p.kernel().stat(p.task(), dir.endsWith("/") ? dir + name : dir + "/" + name);
                    p.out().println(st.isOk() ? longLine(st.stat(), name) : name);
                } else {
                    p.out().println(name);
                }
            }
        }
        return status;
    }

    private static String longLine(Kernel.Stat s, String name) {
        char type = switch (s.type()) {
            case DIRECTORY -> 'd';
            case BLOCK_DEVICE -> 'b';
            case CHAR_DEVICE -> 'c';
            case REGULAR -> '-';
        };
        StringBuilder mode = new StringBuilder().append(type);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            mode.append((s.perm() & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        String owner = s.uid() == 0 ? "root" : Integer.toString(s.uid());
        String group = s.gid() == 0 ? "root" : s.gid() == 6 ? "disk" : Integer.toString(s.gid());
        String size = s.type() == Kernel.Stat.Type.BLOCK_DEVICE || s.type() == Kernel.Stat.Type.CHAR_DEVICE
                ? s.rdevMajor() + ", " + s.rdevMinor() : Long.toString(s.size());
        return mode + " 1 " + owner + " " + group + " " + size + " " + name;
    }

    /** {@code mkdir [-p] DIR...}. */
    public static int mkdir(Proc p) {
        boolean parents = false;
        List<String> dirs = new ArrayList<>();
        for (String a : p.args()) {
            if (a.equals("-p")) {
                parents = true;
            } else {
                dirs.add(a);
            }
        }
        if (dirs.isEmpty()) {
            p.error("missing operand");
            return p.tryHelp();
        }
        int status = 0;
        for (String d : dirs) {
            SysResult r = p.kernel().mkdir(p.task(), d, 0755);
            if (r.isError() && !(parents && r.errno() == blocksim.api.Errno.EEXIST)) {
                p.error("cannot create directory '" + d + "': " + r.errno().strerror());
                status = 1;
            }
        }
        return status;
    }

    /** {@code rm [-f] FILE...}. */
    public static int rm(Proc p) {
        boolean force = false;
        List<String> files = new ArrayList<>();
        for (String a : p.args()) {
            if (a.equals("-f")) {
                force = true;
            } else {
                files.add(a);
            }
        }
        if (files.isEmpty() && !force) {
            p.error("missing operand");
            return p.tryHelp();
        }
        int status = 0;
        for (String f : files) {
            SysResult r = p.kernel().unlink(p.task(), f);
            if (r.isError()) {
                if (force && r.errno() == blocksim.api.Errno.ENOENT) {
                    continue;
                }
                String msg = r.errno() == blocksim.api.Errno.EISDIR ? "Is a directory" : r.errno().strerror();
                p.error("cannot remove '" + f + "': " + msg);
                status = 1;
            }
        }
        return status;
    }
}
