package blocksim.linux;

import blocksim.uapi.BlkpgIoctlArg;
import blocksim.uapi.Ioctl;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the adapter does to loop devices, always after asking whether the device is still bound to
 * the image it expects: {@code LOOP_GET_STATUS64} on an open descriptor gives the backing file's
 * device and inode ({@code lo_device}, {@code lo_inode}; in 6.18 {@code loop_get_status} fills
 * them from {@code vfs_getattr} of the backing file, and on this machine they equal {@code st_dev}
 * and {@code st_ino} of the image), and it answers for a partition's descriptor too (measured on
 * 6.18: {@code LOOP_GET_STATUS64} on {@code /dev/loop0p1} gives the disk's backing file).
 */
final class Loops {

    private Loops() {
    }

    static final long LOOP_CLR_FD = 0x4C01;
    static final long LOOP_GET_STATUS64 = 0x4C05;
    static final long LOOP_CONFIGURE = 0x4C0A;
    static final long LOOP_CTL_GET_FREE = 0x4C82;
    static final int LO_FLAGS_READ_ONLY = 1;
    static final int LO_FLAGS_PARTSCAN = 8;
    /** {@code struct loop_config}: fd, block_size, loop_info64 (232 bytes), 8 reserved u64. */
    static final int LOOP_CONFIG_SIZE = 304;
    /** The loop driver's ioctl type, {@code 'L'} (0x4C): LOOP_* and LOOP_CTL_* requests. */
    static final int LOOP_TYPE = 0x4C;

    /** The image a loop device must be bound to: its device and inode numbers. */
    record Image(long dev, long ino) {
    }

    /** Whether a request is one of the loop driver's own (type 'L'). */
    static boolean isLoopRequest(long request) {
        return ((request >>> 8) & 0xff) == LOOP_TYPE;
    }

    /** The backing file of the device open at {@code fd} (LOOP_GET_STATUS64), or null when it has none. */
    static Image backing(int fd) {
        MemorySegment info = Libc.scratch().arg;
        info.asSlice(0, 232).fill((byte) 0);
        if (Libc.ioctl(fd, LOOP_GET_STATUS64, info).failed()) {
            return null;
        }
        return new Image(info.get(ValueLayout.JAVA_LONG, 0), info.get(ValueLayout.JAVA_LONG, 8));
    }

    /** Whether the device open at {@code fd} is bound to {@code image}. */
    static boolean boundTo(int fd, Image image) {
        return image.equals(backing(fd));
    }

    /** What sysfs says loopN is bound to ({@code loop/backing_file}), or null when it is not bound. */
    static String backingFile(int n) {
        Libc.Ret fd = Libc.open("/sys/block/loop" + n + "/loop/backing_file", Libc.O_CLOEXEC, 0);
        if (fd.failed()) {
            return null;
        }
        try {
            byte[] buf = new byte[Libc.PATH_MAX + 32];
            Libc.Ret r = Libc.read((int) fd.value(), buf, 0, buf.length);
            if (r.failed()) {
                return null;
            }
            String s = new String(buf, 0, (int) r.value(), StandardCharsets.UTF_8);
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } finally {
            Libc.close((int) fd.value());
        }
    }

    /** The loop devices the kernel has now (from /sys/block). */
    static List<Integer> all() {
        List<Integer> out = new ArrayList<>();
        int[] err = new int[1];
        List<String> names = Libc.list("/sys/block", err);
        if (names != null) {
            for (String n : names) {
                if (n.matches("loop[0-9]+")) {
                    out.add(Integer.parseInt(n.substring(4)));
                }
            }
        }
        return out;
    }

    /**
     * Tears a loop device down, checking before every step that it is still bound to {@code image}
     * and stopping, with a warning, the moment it is not: deletes every partition sysfs lists
     * (BLKPG DEL, retried while udev holds one for a moment), puts back the read-ahead it had
     * before the run ({@code readAhead} sectors, when known) and clears the read-only flag of the
     * whole disk (both outlive a detach on 6.18), then detaches it (LOOP_CLR_FD).
     *
     * @return whether the device was detached (false: it was not the run's any more, or a step failed)
     */
    static boolean teardown(int n, Image image, long readAhead, Consumer<String> warn) {
        String real = "loop" + n;
        Libc.Ret open = Libc.open("/dev/" + real, Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (open.failed()) {
            warn.accept("cannot open /dev/" + real + " to tear it down: errno " + open.errno());
            return false;
        }
        int fd = (int) open.value();
        try {
            if (!stillBound(fd, real, image, warn)) {
                return false;
            }
            int[] err = new int[1];
            List<String> entries = Libc.list("/sys/block/" + real, err);
            for (String e : entries == null ? List.<String>of() : entries) {
                if (!e.matches(real + "p[0-9]+")) {
                    continue;
                }
                int pno = Integer.parseInt(e.substring(real.length() + 1));
                Libc.Ret r = null;
                for (int attempt = 0; attempt < 50; attempt++) {
                    if (!stillBound(fd, real, image, warn)) {
                        return false;
                    }
                    r = Libc.ioctl(fd, Ioctl.BLKPG, Abi.blkpg(Libc.scratch(), BlkpgIoctlArg.del(pno)));
                    if (!r.failed() || r.errno() != 16) {
                        break;
                    }
                    pause(); // EBUSY: udev's probe holds the partition open for a moment
                }
                if (r != null && r.failed() && r.errno() != 6) {
                    warn.accept("could not delete partition " + pno + " of " + real + ": errno " + r.errno());
                }
            }
            if (!stillBound(fd, real, image, warn)) {
                return false;
            }
            MemorySegment zero = Libc.scratch().arg;
            zero.set(ValueLayout.JAVA_INT, 0, 0);
            if (readAhead >= 0 && Libc.ioctl(fd, Ioctl.BLKRASET, MemorySegment.ofAddress(readAhead)).failed()
                    || Libc.ioctl(fd, Ioctl.BLKROSET, zero).failed()) {
                warn.accept("could not restore the read-ahead and read-only flag of " + real);
            }
            if (!stillBound(fd, real, image, warn)) {
                return false;
            }
            Libc.Ret r = Libc.ioctl(fd, LOOP_CLR_FD, MemorySegment.NULL);
            if (r.failed() && r.errno() != 6) {
                warn.accept("could not detach " + real + ": errno " + r.errno());
                return false;
            }
            return true;
        } finally {
            Libc.close(fd);
        }
    }

    private static boolean stillBound(int fd, String real, Image image, Consumer<String> warn) {
        if (boundTo(fd, image)) {
            return true;
        }
        warn.accept(real + " is no longer bound to this run's image; leaving it alone");
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
