package blocksim.userland.tools;

import blocksim.api.Errno;
import blocksim.api.Kernel;
import blocksim.api.SysResult;
import blocksim.uapi.ExtLayout;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Proc;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mkfs} (util-linux's front end: {@code -t TYPE}, ext2 by default, which runs
 * {@code mkfs.TYPE}) and {@code mke2fs}/{@code mkfs.ext2}/{@code mkfs.ext3}/{@code mkfs.ext4} of
 * e2fsprogs 1.47.0 with {@code -q}, {@code -F}, {@code -t}, {@code -L}: the geometry mke2fs
 * chooses, its messages (measured on this machine's 1.47.0 without a terminal, so it never asks
 * "Proceed anyway?"), and the filesystem of {@link ExtLayout}.
 */
public final class Mke2fs {

    private static final String BANNER = "mke2fs 1.47.0 (5-Feb-2023)";

    private Mke2fs() {
    }

    /** {@code mkfs [-t TYPE] [-V] [options] DEVICE}: runs mkfs.TYPE (default ext2). */
    public static int mkfs(Proc p) {
        List<String> rest = new ArrayList<>();
        String type = "ext2";
        List<String> args = p.args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-t") && i + 1 < args.size()) {
                type = args.get(++i);
            } else if (a.startsWith("-t") && a.length() > 2) {
                type = a.substring(2);
            } else if (a.equals("-V") || a.equals("--verbose")) {
                continue;
            } else {
                rest.add(a);
            }
        }
        ExtLayout.Kind kind = kind(type);
        if (kind == null) {
            p.error("failed to execute mkfs." + type + ": No such file or directory");
            return 1;
        }
        return make(p, kind, rest, "mkfs." + type);
    }

    /** {@code mkfs.ext2}, {@code mkfs.ext3}, {@code mkfs.ext4}, {@code mke2fs}. */
    public static int mkfsExt(Proc p, ExtLayout.Kind kind) {
        return make(p, kind, p.args(), p.name());
    }

    private static ExtLayout.Kind kind(String type) {
        return switch (type) {
            case "ext2" -> ExtLayout.Kind.EXT2;
            case "ext3" -> ExtLayout.Kind.EXT3;
            case "ext4" -> ExtLayout.Kind.EXT4;
            default -> null;
        };
    }

    private static int make(Proc p, ExtLayout.Kind kind, List<String> args, String prog) {
        List<String> argv = new ArrayList<>();
        argv.add("mkfs." + kind.fsName);
        argv.addAll(args);
        java.util.Optional<blocksim.api.Machine.Ran> host = p.machine().hostProgram(p.task(), argv);
        if (host.isPresent()) {
            // the live kernel mounts only a real ext filesystem: the machine's own mke2fs makes it
            p.out().print(host.get().stdout());
            p.err().print(host.get().stderr());
            return host.get().status();
        }
        return makeHere(p, kind, args, prog);
    }

    private static int makeHere(Proc p, ExtLayout.Kind kind, List<String> args, String prog) {
        boolean quiet = false;
        int force = 0;
        String label = "";
        String device = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-t") || a.equals("-L")) {
                if (i + 1 >= args.size()) {
                    p.err().println(prog + ": option requires an argument -- '" + a.charAt(1) + "'");
                    return usage(p, prog);
                }
                String v = args.get(++i);
                if (a.equals("-t")) {
                    ExtLayout.Kind k = kind(v);
                    if (k == null) {
                        p.err().println(BANNER);
                        p.err().println("\nYour mke2fs.conf file does not define the " + v + " filesystem type.");
                        p.err().println("Aborting...");
                        return 1;
                    }
                    kind = k;
                } else {
                    label = v;
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                for (char c : a.substring(1).toCharArray()) {
                    switch (c) {
                        case 'q' -> quiet = true;
                        case 'F' -> force++;
                        default -> {
                            p.err().println(prog + ": invalid option -- '" + c + "'");
                            return usage(p, prog);
                        }
                    }
                }
            } else if (device == null) {
                device = a;
            } else {
                return usage(p, prog);
            }
        }
        if (device == null) {
            return usage(p, prog);
        }
        if (!quiet) {
            p.out().println(BANNER);
        }
        if (mountedOn(p, device) && force < 2) {
            p.out().println(device + " is mounted; will not make a filesystem here!");
            return 1;
        }
        SysResult o = p.open(device, OpenFlags.O_RDWR | OpenFlags.O_EXCL);
        if (o.isError()) {
            if (o.errno() == Errno.EBUSY) {
                p.out().println(device + " is apparently in use by the system; will not make a filesystem here!");
            } else {
                p.out().println(prog + ": " + o.errno().strerror() + " while trying to determine filesystem size");
            }
            return 1;
        }
        int fd = o.intValue();
        try {
            long bytes = size(p, fd);
            ExtLayout.Geometry g = ExtLayout.Geometry.of(bytes);
            if (g == null) {
                p.err().println(prog + ": Device size reported to be zero.  Invalid partition specified, or");
                p.err().println("\tpartition table wasn't reread after running fdisk, due to");
                p.err().println("\ta modified partition being busy and in use.  You may need to reboot");
                p.err().println("\tto re-read your partition table.");
                return 1;
            }
            byte[] uuid = new byte[16];
            p.random().nextBytes(uuid);
            uuid[6] = (byte) ((uuid[6] & 0x0f) | 0x40);
            uuid[8] = (byte) ((uuid[8] & 0x3f) | 0x80);
            if (!quiet) {
                progress(p, "Discarding device blocks: ", g.blocks());
                p.out().println("Creating filesystem with " + g.blocks() + " " + (g.blockSize() / 1024) + "k blocks and "
                        + g.inodes() + " inodes");
                p.out().println("Filesystem UUID: " + ExtLayout.uuidText(uuid));
                List<String> backups = backups(g);
                if (!backups.isEmpty()) {
                    p.out().println("Superblock backups stored on blocks: ");
                    p.out().println("\t" + String.join(", ", backups));
                }
                p.out().println("");
            }
            // the superblock's page and the second metadata slot's header are cleared, so no earlier image survives
            int ret = write(p, fd, new byte[ExtLayout.PAGE - 1024], 1024);
            ret = ret != 0 ? ret : write(p, fd, new byte[ExtLayout.headerSize()], g.slotOffset(1));
            byte[] sb = ExtLayout.superblock(g, kind, uuid, label, (int) (p.now() / 1_000_000_000L));
            ret = ret != 0 ? ret : write(p, fd, sb, ExtLayout.SUPER_OFFSET);
            byte[] image = ExtLayout.encode(ExtLayout.fresh(), g.slotBytes());
            ret = ret != 0 ? ret : write(p, fd, image, g.slotOffset(0));
            if (ret != 0) {
                p.err().println(device + ": " + Errno.of(ret).map(Errno::strerror).orElse("error") + " while writing out and closing file system");
                return 1;
            }
            if (!quiet) {
                long groups = (g.blocks() + g.blockSize() * 8L - 1) / (g.blockSize() * 8L);
                progress(p, "Allocating group tables: ", groups);
                progress(p, "Writing inode tables: ", groups);
                if (kind.hasJournal()) {
                    p.out().println("Creating journal (" + journalBlocks(g.blocks()) + " blocks): done");
                }
                String w = "Writing superblocks and filesystem accounting information: ";
                String count = "0/" + groups;
                p.out().print(w + count + "\b".repeat(count.length()) + " ".repeat(count.length())
                        + "\b".repeat(count.length()) + "done\n\n");
            }
            p.kernel().fsync(p.task(), fd);
            return 0;
        } finally {
            p.close(fd);
        }
    }

    private static int usage(Proc p, String prog) {
        p.err().println("Usage: " + prog + " [-c|-l filename] [-b block-size] [-C cluster-size]");
        p.err().println("\t[-i bytes-per-inode] [-I inode-size] [-J journal-options]");
        p.err().println("\t[-G flex-group-size] [-N number-of-inodes] [-d root-directory]");
        p.err().println("\t[-m reserved-blocks-percentage] [-o creator-os]");
        p.err().println("\t[-g blocks-per-group] [-L volume-label] [-M last-mounted-directory]");
        p.err().println("\t[-O feature[,...]] [-r fs-revision] [-E extended-option[,...]]");
        p.err().println("\t[-t fs-type] [-T usage-type ] [-U UUID] [-e errors_behavior][-z undo_file]");
        p.err().println("\t[-jnqvDFSV] device [blocks-count]");
        return 1;
    }

    /** mke2fs's progress: the counter printed, then backspaced over, then "done". */
    private static void progress(Proc p, String label, long total) {
        int w = Long.toString(total).length();
        String count = String.format("%" + w + "d/%" + w + "d", 0, total);
        p.out().print(label + count + "\b".repeat(count.length()) + " ".repeat(count.length())
                + "\b".repeat(count.length()) + "done                            \n");
    }

    /** {@code ext2fs_default_journal_size} (e2fsprogs 1.47.0), in blocks. */
    static int journalBlocks(long blocks) {
        if (blocks < 32768) {
            return 1024;
        }
        if (blocks < 256 * 1024) {
            return 4096;
        }
        if (blocks < 512 * 1024) {
            return 8192;
        }
        if (blocks < 4096 * 1024) {
            return 16384;
        }
        return 32768;
    }

    /** sparse_super backups: the first block of groups 1 and the powers of 3, 5 and 7. */
    private static List<String> backups(ExtLayout.Geometry g) {
        long per = g.blockSize() * 8L;
        long groups = (g.blocks() + per - 1) / per;
        java.util.TreeSet<Long> gs = new java.util.TreeSet<>();
        for (long base : new long[] {3, 5, 7}) {
            for (long x = 1; x < groups; x *= base) {
                gs.add(x);
            }
        }
        List<String> out = new ArrayList<>();
        long first = g.blockSize() == 1024 ? 1 : 0;
        for (long grp : gs) {
            out.add(Long.toString(grp * per + first));
        }
        return out;
    }

    private static boolean mountedOn(Proc p, String device) {
        String mounts = p.readSmall("/proc/mounts");
        if (mounts == null) {
            return false;
        }
        for (String line : mounts.split("\n")) {
            if (line.startsWith(device + " ")) {
                return true;
            }
        }
        return false;
    }

    private static long size(Proc p, int fd) {
        Kernel.StatResult st = p.kernel().fstat(p.task(), fd);
        if (st.isOk() && st.stat().type() == Kernel.Stat.Type.REGULAR) {
            return st.stat().size();
        }
        SysResult end = p.kernel().lseek(p.task(), fd, 0, 2);
        return end.isOk() ? end.value() : 0;
    }

    private static int write(Proc p, int fd, byte[] data, long at) {
        for (int done = 0; done < data.length; ) {
            int n = Math.min(1 << 20, data.length - done);
            SysResult r = p.kernel().pwrite(p.task(), fd, data, done, n, at + done);
            if (r.isError()) {
                return r.errno().number();
            }
            done += (int) r.value();
        }
        return 0;
    }

}
