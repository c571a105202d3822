package blocksim.userland.abuse;

import blocksim.api.Errno;
import blocksim.api.Kernel;
import blocksim.api.SysResult;
import blocksim.api.Task;
import blocksim.uapi.Abuse;
import blocksim.uapi.AbuseInfo;
import blocksim.uapi.AbuseXfrHdr;
import blocksim.uapi.OpenFlags;

/**
 * A userspace block server for the ABUSE driver, on a control device ({@code /dev/abctlN}), over
 * a {@link BlockBackend}: it sets the device up (ABUSE_SET_STATUS), then loops poll (POLLMSG) /
 * ABUSE_GET_BIO / serve / ABUSE_PUT_BIO. A read is filled from the backend before it is put; a
 * write's data reaches the server only through its PUT_BIO (the patch copies it out then and
 * ends the bio), so the backend is written after. A backend error is a MEDIA_FAILURE of that bio.
 *
 * <pre>{@code
 * AbuseServer s = new AbuseServer(kernel, task, "/dev/abctl0", BlockBackend.memory(16 << 20));
 * s.setUp(4096, 64);
 * s.serve();   // until the device is reset or the task is killed
 * }</pre>
 */
public final class AbuseServer {

    private final Kernel kernel;
    private final Task task;
    private final String control;
    private final BlockBackend backend;
    private int fd = -1;
    private final java.util.List<Fault> faults = new java.util.ArrayList<>();
    private java.util.Random random = new java.util.Random(0);
    private boolean dead;
    private long served;
    /** {@code ab_max_vecs}, asked once: how many segments a bio can have. */
    private int maxVecs;

    public AbuseServer(Kernel kernel, Task task, String control, BlockBackend backend) {
        this.kernel = kernel;
        this.task = task;
        this.control = control;
        this.backend = backend;
    }

    /** Adds faults, drawn with {@code random} (a seeded source, so a run replays). */
    public AbuseServer withFaults(java.util.List<Fault> more, java.util.Random random) {
        faults.addAll(more);
        this.random = random;
        return this;
    }

    /** Whether a DIE fault ended it. */
    public boolean dead() {
        return dead;
    }

    /** Opens the control device and sets the device up: the call's result (EBUSY, EINVAL, ...). */
    public SysResult setUp(int blocksize, int maxQueue) {
        return setUp(blocksize, maxQueue, 0);
    }

    /** The same with ABUSE_FLAGS_READ_ONLY and ABUSE_FLAGS_RECONNECT as {@code flags}. */
    public SysResult setUp(int blocksize, int maxQueue, int flags) {
        SysResult o = open();
        if (o.isError()) {
            return o;
        }
        return kernel.ioctl(task, fd, Abuse.ABUSE_SET_STATUS, new AbuseInfo(backend.size(), blocksize, maxQueue, flags));
    }

    /** Opens the control device (a reconnecting server opens it without setting up). */
    public SysResult open() {
        if (fd >= 0) {
            return SysResult.ok(fd);
        }
        SysResult o = kernel.open(task, control, OpenFlags.O_RDWR);
        if (o.isOk()) {
            fd = o.intValue();
        }
        return o;
    }

    /**
     * Serves one queued bio: false when none was queued (ENOMSG) or a DIE fault ended the
     * server (the bio stays queued), true when one was put. Any other error of the driver is
     * thrown as the failed call.
     */
    public boolean serveOne() {
        if (maxVecs == 0) {
            maxVecs = status().maxVecs;
        }
        AbuseXfrHdr x = new AbuseXfrHdr();
        x.transfer = new blocksim.uapi.AbuseVec[maxVecs];
        SysResult g = kernel.ioctl(task, fd, Abuse.ABUSE_GET_BIO, x);
        if (g.isError()) {
            if (g.errno() == Errno.ENOMSG) {
                return false;
            }
            g.orThrow();
        }
        int err = 0;
        long sectors = 0;
        for (int i = 0; i < x.vecCount; i++) {
            sectors += x.transfer[i].len / 512;
        }
        for (Fault f : faults) {
            if (!f.matches(x.command, x.sector, sectors) || random.nextDouble() >= f.probability()) {
                continue;
            }
            switch (f.kind()) {
                case ERROR -> err = Errno.EIO.number();
                case DELAY -> kernel.poll(task, fd, 0, f.millis()); // a poll for nothing: a sleep
                case DIE -> {
                    dead = true;
                    return false;
                }
            }
        }
        long offset = x.sector * 512;
        for (int i = 0; i < x.vecCount; i++) {
            blocksim.uapi.AbuseVec v = x.transfer[i];
            v.address = new byte[v.len];
            if (x.command == Abuse.ABUSE_READ && err == 0) {
                err = backend.read(offset, v.address, 0, v.len);
            }
            offset += v.len;
        }
        x.result = err == 0 ? Abuse.ABUSE_RESULT_OKAY : Abuse.ABUSE_RESULT_MEDIA_FAILURE;
        if (x.command == Abuse.ABUSE_WRITE && err == 0) {
            // the data comes with the PUT_BIO: whether the range can be written is decided before
            int len = 0;
            for (int i = 0; i < x.vecCount; i++) {
                len += x.transfer[i].len;
            }
            err = backend.writable(x.sector * 512, len);
            x.result = err == 0 ? Abuse.ABUSE_RESULT_OKAY : Abuse.ABUSE_RESULT_MEDIA_FAILURE;
        }
        kernel.ioctl(task, fd, Abuse.ABUSE_PUT_BIO, x).orThrow();
        if (x.command == Abuse.ABUSE_WRITE && x.result == Abuse.ABUSE_RESULT_OKAY) {
            long o = x.sector * 512;
            for (int i = 0; i < x.vecCount; i++) {
                backend.write(o, x.transfer[i].address, 0, x.transfer[i].len);
                o += x.transfer[i].len;
            }
        }
        served++;
        return true;
    }

    /** The loop: wait in poll for POLLMSG, serve everything queued, again, until the task is killed. */
    public void serve() {
        while (!dead) {
            kernel.poll(task, fd, Abuse.POLLMSG, -1);
            while (serveOne()) {
                // drain the queue
            }
        }
    }

    /** How many bios it has put. */
    public long served() {
        return served;
    }

    /** The device's status (ABUSE_GET_STATUS). */
    public AbuseInfo status() {
        AbuseInfo info = new AbuseInfo();
        kernel.ioctl(task, fd, Abuse.ABUSE_GET_STATUS, info).orThrow();
        return info;
    }
}
