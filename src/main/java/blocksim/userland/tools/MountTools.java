package blocksim.userland.tools;

import blocksim.api.Errno;
import blocksim.api.Kernel;
import blocksim.api.SysResult;
import blocksim.uapi.ExtLayout;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.MountFlags;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Proc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * util-linux 2.38.1's {@code mount}, {@code umount} and {@code fsfreeze}, and coreutils'
 * {@code sync}, with the messages libmount and the tools print (each measured on this machine:
 * exit 32 for a failed mount(2) or umount2(2) and the "dmesg(1) may have more information" line
 * after a failed mount).
 */
public final class MountTools {

    private static final String DMESG_HINT = "       dmesg(1) may have more information after failed mount system call.";

    private MountTools() {
    }

    /** One line of /proc/self/mountinfo. */
    record Entry(String root, String target, String vfsOpts, String type, String source, String fsOpts) {
    }

    static List<Entry> mountinfo(Proc p) {
        List<Entry> out = new ArrayList<>();
        String text = p.readSmall("/proc/self/mountinfo");
        if (text == null) {
            return out;
        }
        for (String line : text.split("\n")) {
            String[] halves = line.split(" - ", 2);
            if (halves.length < 2) {
                continue;
            }
            String[] a = halves[0].split(" ");
            String[] b = halves[1].split(" ");
            if (a.length < 6 || b.length < 3) {
                continue;
            }
            out.add(new Entry(unescape(a[3]), unescape(a[4]), a[5], b[0], unescape(b[1]), b[2]));
        }
        return out;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 4 <= s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    /** An absolute path without {@code .}, {@code ..} or repeated slashes (libmount canonicalises its arguments). */
    static String canonical(String path) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(c);
            }
        }
        return "/" + String.join("/", parts);
    }

    /**
     * {@code mount [-t TYPE] [-o OPTS] [-r|-w] [--bind] SOURCE TARGET}, or with no operands the
     * table ("SOURCE on TARGET type TYPE (OPTIONS)"). Without {@code -t} the type is probed as
     * libblkid would (the ext magic and features), else every type of /proc/filesystems that
     * needs a device is tried with MS_SILENT.
     */
    public static int mount(Proc p) {
        String type = null;
        List<String> opts = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        List<String> args = p.args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-t", "--types" -> {
                    if (++i >= args.size()) {
                        p.error("option requires an argument -- 't'");
                        return p.tryHelp();
                    }
                    type = args.get(i);
                }
                case "-o", "--options" -> {
                    if (++i >= args.size()) {
                        p.error("option requires an argument -- 'o'");
                        return p.tryHelp();
                    }
                    opts.addAll(List.of(args.get(i).split(",")));
                }
                case "-r", "--read-only" -> opts.add("ro");
                case "-w", "--rw", "--read-write" -> opts.add("rw");
                case "-B", "--bind" -> opts.add("bind");
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        p.error("invalid option -- '" + a.substring(1) + "'");
                        return p.tryHelp();
                    }
                    operands.add(a);
                }
            }
        }
        if (operands.isEmpty()) {
            for (Entry e : mountinfo(p)) {
                String fs = e.fsOpts().replaceFirst("^r[ow],?", "");
                p.out().println(e.source() + " on " + e.target() + " type " + e.type() + " (" + e.vfsOpts()
                        + (fs.isEmpty() ? "" : "," + fs) + ")");
            }
            return 0;
        }
        if (operands.size() == 1 && opts.contains("remount")) {
            // the source comes from the mount table, as libmount finds it for a remount
            String tgt = canonical(operands.getFirst());
            String src = null;
            for (Entry e : mountinfo(p)) {
                if (e.target().equals(tgt)) {
                    src = e.source();
                }
            }
            operands.addFirst(src != null ? src : "none");
        } else if (operands.size() == 1) {
            p.error(canonical(operands.getFirst()) + ": can't find in /etc/fstab.");
            return 1;
        }
        if (operands.size() > 2) {
            p.error("bad usage");
            return p.tryHelp();
        }
        long flags = 0;
        List<String> data = new ArrayList<>();
        for (String o : opts) {
            switch (o) {
                case "ro" -> flags |= MountFlags.MS_RDONLY;
                case "rw", "defaults", "relatime", "suid", "dev", "exec", "auto", "noauto", "async", "" -> {
                    if (o.equals("rw")) {
                        flags &= ~MountFlags.MS_RDONLY;
                    }
                }
                case "remount" -> flags |= MountFlags.MS_REMOUNT;
                case "bind" -> flags |= MountFlags.MS_BIND;
                case "rbind" -> flags |= MountFlags.MS_BIND | MountFlags.MS_REC;
                case "nosuid" -> flags |= MountFlags.MS_NOSUID;
                case "nodev" -> flags |= MountFlags.MS_NODEV;
                case "noexec" -> flags |= MountFlags.MS_NOEXEC;
                case "noatime" -> flags |= MountFlags.MS_NOATIME;
                case "strictatime" -> flags |= MountFlags.MS_STRICTATIME;
                case "sync" -> flags |= MountFlags.MS_SYNCHRONOUS;
                default -> data.add(o);
            }
        }
        String source = operands.get(0);
        String target = operands.get(1);
        String tgt = canonical(target);
        String src = (flags & MountFlags.MS_BIND) != 0 || source.startsWith("/") ? canonical(source) : source;
        if ((flags & MountFlags.MS_BIND) == 0) {
            flags |= MountFlags.MS_RELATIME;
        }
        Losetup.MountLoop loop = null;
        if ((flags & (MountFlags.MS_REMOUNT | MountFlags.MS_BIND)) == 0) {
            // libmount: loop=, offset= and sizelimit= ask for a loop device, and a regular file as
            // the source gets one anyway (mnt_context_is_loopdev)
            boolean wantLoop = false;
            long offset = 0;
            long sizelimit = 0;
            for (java.util.Iterator<String> it = data.iterator(); it.hasNext(); ) {
                String o = it.next();
                if (o.equals("loop") || o.startsWith("loop=") || o.startsWith("offset=") || o.startsWith("sizelimit=")) {
                    wantLoop = true;
                    it.remove();
                    if (o.startsWith("offset=") || o.startsWith("sizelimit=")) {
                        Sizes.Parsed v = Sizes.parse(o.substring(o.indexOf('=') + 1));
                        if (v == null) {
                            // libmount's optstr: the VFS flags first (rw or ro), then the rest as given;
                            // measured on this machine: exit 1 with ": Invalid argument."
                            List<String> rest = new ArrayList<>(opts);
                            rest.removeIf(x -> x.equals("ro") || x.equals("rw"));
                            rest.addFirst((flags & MountFlags.MS_RDONLY) != 0 ? "ro" : "rw");
                            p.error(tgt + ": failed to parse mount options '" + String.join(",", rest) + "': "
                                    + Errno.EINVAL.strerror() + ".");
                            return 1;
                        }
                        if (o.startsWith("offset=")) {
                            offset = v.value();
                        } else {
                            sizelimit = v.value();
                        }
                    }
                }
            }
            Kernel.StatResult st = p.kernel().stat(p.task(), src);
            if (wantLoop || st.isOk() && st.stat().type() == Kernel.Stat.Type.REGULAR) {
                loop = Losetup.forMount(p, src, offset, sizelimit, (flags & MountFlags.MS_RDONLY) != 0);
                if (loop.error() != null) {
                    p.error(tgt + ": " + loop.error());
                    return 32;
                }
                src = loop.device();
                if (loop.readOnly()) {
                    flags |= MountFlags.MS_RDONLY;
                }
            }
            if (type == null) {
                type = probe(p, src);
            }
        }
        try {
            return mountSource(p, src, tgt, type, flags, data);
        } finally {
            if (loop != null) {
                p.close(loop.fd());
            }
        }
    }

    private static int mountSource(Proc p, String src, String tgt, String type, long flags, List<String> data) {
        String joined = data.isEmpty() ? null : String.join(",", data);
        if (type == null && (flags & (MountFlags.MS_REMOUNT | MountFlags.MS_BIND)) == 0) {
            SysResult last = null;
            for (String t : List.of("ext3", "ext2", "ext4")) {
                last = p.kernel().mount(p.task(), src, tgt, t, flags | MountFlags.MS_SILENT, joined);
                if (last.isOk() || last.errno() != Errno.EINVAL) {
                    break;
                }
            }
            return report(p, last, src, tgt, null, flags);
        }
        return report(p, p.kernel().mount(p.task(), src, tgt, type, flags, joined), src, tgt, type, flags);
    }

    /** libblkid's ext probe: the magic at 1080, then ext4 / ext3 / ext2 by the features. */
    private static String probe(Proc p, String source) {
        SysResult o = p.open(source, OpenFlags.O_RDONLY);
        if (o.isError()) {
            return null;
        }
        try {
            byte[] sb = new byte[1024];
            SysResult r = p.kernel().pread(p.task(), o.intValue(), sb, 0, sb.length, ExtLayout.SUPER_OFFSET);
            if (r.isError() || r.value() < 1024) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(sb).order(ByteOrder.LITTLE_ENDIAN);
            if (Short.toUnsignedInt(b.getShort(ExtLayout.MAGIC_OFFSET)) != ExtLayout.MAGIC) {
                return null;
            }
            return ExtLayout.Kind.of(b.getInt(0x5C), b.getInt(0x60)).fsName;
        } finally {
            p.close(o.intValue());
        }
    }

    /** libmount's messages for mount(2)'s errno (2.38.1 {@code mnt_context_get_mount_excode}). */
    private static int report(Proc p, SysResult r, String src, String tgt, String type, long flags) {
        if (r.isOk()) {
            return 0;
        }
        String msg = switch (r.errno()) {
            case EPERM -> "must be superuser to use mount.";
            case EBUSY -> {
                if ((flags & MountFlags.MS_REMOUNT) != 0) {
                    yield "mount point is busy.";
                }
                String on = null;
                for (Entry e : mountinfo(p)) {
                    if (e.source().equals(src) && on == null) {
                        on = e.target();
                    }
                }
                yield on != null ? src + " already mounted on " + on + "." : src + " already mounted or mount point busy.";
            }
            case ENOENT -> {
                Kernel.StatResult t = p.kernel().stat(p.task(), tgt);
                yield !t.isOk() ? "mount point does not exist." : "special device " + src + " does not exist.";
            }
            case ENOTDIR -> "mount point is not a directory.";
            case ENODEV -> "unknown filesystem type '" + type + "'.";
            case ENOTBLK -> src + " is not a block device.";
            case ENXIO -> src + " is not a valid block device.";
            case EACCES -> "cannot mount " + src + " read-only.";
            case EROFS -> "cannot mount " + src + " read-only.";
            case EINVAL -> (flags & MountFlags.MS_REMOUNT) != 0 ? "mount point not mounted or bad option."
                    : "wrong fs type, bad option, bad superblock on " + src
                            + ", missing codepage or helper program, or other error.";
            default -> r.errno().strerror() + ".";
        };
        p.error(tgt + ": " + msg);
        if (r.errno() != Errno.EPERM) {
            p.err().println(DMESG_HINT);
        }
        return 32;
    }

    /**
     * {@code umount [-l] [-f] TARGET|SOURCE}: a mount point, or a device mounted somewhere (its
     * last mount), found in /proc/self/mountinfo; "not mounted." for a path that is neither,
     * "no mount point specified." for one that does not exist.
     */
    public static int umount(Proc p) {
        int flags = 0;
        List<String> operands = new ArrayList<>();
        for (String a : p.args()) {
            switch (a) {
                case "-l", "--lazy" -> flags |= MountFlags.MNT_DETACH;
                case "-f", "--force" -> flags |= MountFlags.MNT_FORCE;
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        p.error("invalid option -- '" + a.substring(1) + "'");
                        return p.tryHelp();
                    }
                    operands.add(a);
                }
            }
        }
        if (operands.isEmpty()) {
            p.error("bad usage");
            return p.tryHelp();
        }
        int status = 0;
        for (String arg : operands) {
            status = Math.max(status, umountOne(p, arg, flags));
        }
        return status;
    }

    private static int umountOne(Proc p, String arg, int flags) {
        if (arg.isEmpty() || !p.kernel().stat(p.task(), arg).isOk()) {
            p.error(arg + ": no mount point specified.");
            return 32;
        }
        String c = canonical(arg);
        String target = null;
        for (Entry e : mountinfo(p)) {
            if (e.target().equals(c) || e.source().equals(c)) {
                target = e.target();
            }
        }
        if (target == null) {
            p.error(arg + ": not mounted.");
            return 32;
        }
        SysResult r = p.kernel().umount2(p.task(), target, flags);
        if (r.isOk()) {
            return 0;
        }
        String msg = switch (r.errno()) {
            case EBUSY -> "target is busy.";
            case EINVAL -> "not mounted.";
            case EPERM -> "must be superuser to unmount.";
            default -> r.errno().strerror() + ".";
        };
        p.error(target + ": " + msg);
        return 32;
    }

    /** {@code fsfreeze -f|-u MOUNTPOINT} (util-linux 2.38.1 sys-utils/fsfreeze.c). */
    public static int fsfreeze(Proc p) {
        int action = 0;
        String path = null;
        for (String a : p.args()) {
            switch (a) {
                case "-f", "--freeze" -> {
                    if (action == 2) {
                        p.error("mutually exclusive arguments: --freeze --unfreeze");
                        return 1;
                    }
                    action = 1;
                }
                case "-u", "--unfreeze" -> {
                    if (action == 1) {
                        p.error("mutually exclusive arguments: --freeze --unfreeze");
                        return 1;
                    }
                    action = 2;
                }
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        p.error("invalid option -- '" + a.substring(1) + "'");
                        return p.tryHelp();
                    }
                    if (path != null) {
                        p.error("unexpected number of arguments");
                        return p.tryHelp();
                    }
                    path = a;
                }
            }
        }
        if (action == 0) {
            p.error("neither --freeze or --unfreeze specified");
            return 1;
        }
        if (path == null) {
            p.error("no filename specified");
            return 1;
        }
        SysResult o = p.open(path, OpenFlags.O_RDONLY);
        if (o.isError()) {
            p.error("cannot open " + path + ": " + o.errno().strerror());
            return 1;
        }
        int fd = o.intValue();
        try {
            Kernel.StatResult st = p.kernel().fstat(p.task(), fd);
            if (!st.isOk() || st.stat().type() != Kernel.Stat.Type.DIRECTORY) {
                p.error(path + ": is not a directory");
                return 1;
            }
            SysResult r = p.kernel().ioctl(p.task(), fd, action == 1 ? Ioctl.FIFREEZE : Ioctl.FITHAW, IoctlArg.NULL);
            if (r.isError()) {
                p.error(path + ": " + (action == 1 ? "freeze" : "unfreeze") + " failed: " + r.errno().strerror());
                return 1;
            }
            return 0;
        } finally {
            p.close(fd);
        }
    }

    /**
     * {@code sync [-f|-d] [FILE...]} (coreutils 9.1): sync(2) with no operand; fsync, fdatasync
     * ({@code -d}) or syncfs ({@code -f}) of each file.
     */
    public static int sync(Proc p) {
        int mode = 0;
        List<String> files = new ArrayList<>();
        for (String a : p.args()) {
            switch (a) {
                case "-f", "--file-system" -> mode = 2;
                case "-d", "--data" -> mode = 1;
                default -> files.add(a);
            }
        }
        if (files.isEmpty()) {
            p.kernel().sync(p.task());
            return 0;
        }
        int status = 0;
        for (String f : files) {
            SysResult o = p.open(f, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
            if (o.isError()) {
                p.error("error opening '" + f + "': " + o.errno().strerror());
                status = 1;
                continue;
            }
            int fd = o.intValue();
            SysResult r = switch (mode) {
                case 2 -> p.kernel().syncfs(p.task(), fd);
                case 1 -> p.kernel().fdatasync(p.task(), fd);
                default -> p.kernel().fsync(p.task(), fd);
            };
            if (r.isError()) {
                p.error("error syncing '" + f + "': " + r.errno().strerror());
                status = 1;
            }
            p.close(fd);
        }
        return status;
    }
}
