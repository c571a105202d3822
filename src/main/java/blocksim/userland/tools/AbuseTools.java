package blocksim.userland.tools;

import blocksim.api.SysResult;
import blocksim.uapi.Abuse;
import blocksim.uapi.AbuseInfo;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Proc;
import blocksim.userland.abuse.AbuseServer;
import blocksim.userland.abuse.BlockBackend;
import java.util.List;

/**
 * Lesson commands for the ABUSE driver: {@code abuse-serve} runs an {@link AbuseServer} in the
 * foreground (a lesson starts it as a job with {@code &}); {@code abusectl} shows the status,
 * resets the device or sets it up by hand. They are blocksim's own (the patch came with none).
 */
public final class AbuseTools {

    private AbuseTools() {
    }

    /**
     * {@code abuse-serve CTL SIZE [--blocksize N] [--max-queue N] [--backend memory|zero]
     * [--file PATH] [--fail-sectors FIRST-LAST] [--fault OP:FIRST-LAST:eio|delay=MS|die[:P]]...
     * [--read-only] [--reconnect]}.
     */
    public static int serve(Proc p) {
        List<String> a = p.args();
        if (a.size() < 2) {
            p.err().println("usage: abuse-serve CTL SIZE [--blocksize N] [--max-queue N] [--backend memory|zero]"
                    + " [--fail-sectors FIRST-LAST] [--read-only] [--reconnect]");
            return 2;
        }
        long size = DiskTool.parseSize(a.get(1));
        if (size <= 0) {
            p.error("invalid size '" + a.get(1) + "'");
            return 2;
        }
        int blocksize = 4096;
        int maxQueue = 64;
        int flags = 0;
        String kind = "memory";
        long[] fail = null;
        List<blocksim.userland.abuse.Fault> faults = new java.util.ArrayList<>();
        String file = null;
        for (int i = 2; i < a.size(); i++) {
            String o = a.get(i);
            switch (o) {
                case "--read-only" -> flags |= Abuse.ABUSE_FLAGS_READ_ONLY;
                case "--reconnect" -> flags |= Abuse.ABUSE_FLAGS_RECONNECT;
                default -> {
                    if (i + 1 >= a.size()) {
                        p.error("option '" + o + "' needs a value");
                        return 2;
                    }
                    String v = a.get(++i);
                    switch (o) {
                        case "--blocksize" -> blocksize = Integer.parseUnsignedInt(v);
                        case "--max-queue" -> maxQueue = Integer.parseUnsignedInt(v);
                        case "--backend" -> kind = v;
                        case "--file" -> {
                            kind = "file";
                            file = v;
                        }
                        case "--fault" -> {
                            blocksim.userland.abuse.Fault f = blocksim.userland.abuse.Fault.parse(v);
                            if (f == null) {
                                p.error("invalid fault '" + v + "' (OP:FIRST-LAST:eio|delay=MS|die[:PROBABILITY])");
                                return 2;
                            }
                            faults.add(f);
                        }
                        case "--fail-sectors" -> {
                            String[] r = v.split("-", 2);
                            fail = new long[] {Long.parseLong(r[0]), Long.parseLong(r.length > 1 ? r[1] : r[0])};
                        }
                        default -> {
                            p.error("unknown option '" + o + "'");
                            return 2;
                        }
                    }
                }
            }
        }
        BlockBackend b = switch (kind) {
            case "memory" -> BlockBackend.memory(size);
            case "zero" -> BlockBackend.zero(size);
            case "file" -> BlockBackend.file(p.kernel(), p.task(), file, size);
            default -> null;
        };
        if (b == null) {
            p.error("unknown backend '" + kind + "'");
            return 2;
        }
        if (fail != null) {
            b = b.failing(fail[0], fail[1], blocksim.api.Errno.EIO.number());
        }
        AbuseServer s = new AbuseServer(p.kernel(), p.task(), a.get(0), b).withFaults(faults, p.random());
        SysResult r;
        if ((flags & Abuse.ABUSE_FLAGS_RECONNECT) != 0) {
            // take over a device another server set up: its queue is served as it stands (as posted,
            // SET_STATUS cannot reconnect: it keeps only ABUSE_FLAGS_READ_ONLY of the flags, so the
            // device never has ABUSE_FLAGS_RECONNECT and a second SET_STATUS is EINVAL)
            r = s.open();
            if (r.isOk() && s.status().size == 0) {
                r = s.setUp(blocksize, maxQueue, flags & ~Abuse.ABUSE_FLAGS_RECONNECT);
            }
        } else {
            r = s.setUp(blocksize, maxQueue, flags);
        }
        if (r.isError()) {
            p.error(a.get(0) + ": " + r.errno().strerror());
            return 1;
        }
        s.serve();
        if (s.dead()) {
            p.err().println("abuse-serve: dying as told (a fault)");
            return 1;
        }
        return 0;
    }

    /** {@code abusectl status|reset CTL}, {@code abusectl set-status CTL SIZE BLOCKSIZE MAXQUEUE [FLAGS]}. */
    public static int ctl(Proc p) {
        List<String> a = p.args();
        if (a.size() < 2) {
            p.err().println("usage: abusectl status|reset CTL | abusectl set-status CTL SIZE BLOCKSIZE MAXQUEUE [FLAGS]");
            return 2;
        }
        SysResult o = p.open(a.get(1), OpenFlags.O_RDWR);
        if (o.isError()) {
            p.error(a.get(1) + ": " + o.errno().strerror());
            return 1;
        }
        int fd = o.intValue();
        try {
            SysResult r;
            switch (a.getFirst()) {
                case "status" -> {
                    AbuseInfo info = new AbuseInfo();
                    r = p.kernel().ioctl(p.task(), fd, Abuse.ABUSE_GET_STATUS, info);
                    if (r.isOk()) {
                        p.out().println("abuse" + info.number + ": size " + Long.toUnsignedString(info.size) + " blocksize "
                                + Integer.toUnsignedString(info.blocksize) + " flags " + info.flags + " max_queue "
                                + info.maxQueue + " queued " + info.queueSize + " errors " + info.errors + " max_vecs "
                                + info.maxVecs);
                    }
                }
                case "reset" -> r = p.kernel().ioctl(p.task(), fd, Abuse.ABUSE_RESET, blocksim.uapi.IoctlArg.NULL);
                case "set-status" -> {
                    if (a.size() < 5) {
                        p.err().println("usage: abusectl set-status CTL SIZE BLOCKSIZE MAXQUEUE [FLAGS]");
                        return 2;
                    }
                    long size = DiskTool.parseSize(a.get(2));
                    r = p.kernel().ioctl(p.task(), fd, Abuse.ABUSE_SET_STATUS, new AbuseInfo(Math.max(0, size),
                            Integer.parseUnsignedInt(a.get(3)), Integer.parseUnsignedInt(a.get(4)),
                            a.size() > 5 ? Integer.parseInt(a.get(5)) : 0));
                }
                default -> {
                    p.error("unknown command '" + a.getFirst() + "'");
                    return 2;
                }
            }
            if (r.isError()) {
                p.error(a.getFirst() + ": " + r.errno().strerror());
                return 1;
            }
            return 0;
        } finally {
            p.close(fd);
        }
    }
}
