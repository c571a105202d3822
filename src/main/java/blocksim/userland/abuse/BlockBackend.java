package blocksim.userland.abuse;

/**
 * What an {@link AbuseServer} serves: a store of bytes. A failed read or write is an errno (as a
 * positive number), which the server reports as ABUSE_RESULT_MEDIA_FAILURE.
 */
public interface BlockBackend {

    /** Its size in bytes. */
    long size();

    /** Reads {@code len} bytes at {@code offset} into {@code buf}: 0, or an errno. */
    int read(long offset, byte[] buf, int off, int len);

    /** Writes {@code len} bytes of {@code buf} at {@code offset}: 0, or an errno. */
    int write(long offset, byte[] buf, int off, int len);

    /** Whether a write of {@code len} bytes at {@code offset} would succeed: 0, or its errno. */
    default int writable(long offset, int len) {
        return 0;
    }

    /** A backend in memory, sparse (pages of 4 KiB exist where written; the rest reads as zeros). */
    static BlockBackend memory(long size) {
        return new BlockBackend() {
            private final java.util.TreeMap<Long, byte[]> pages = new java.util.TreeMap<>();

            @Override
            public long size() {
                return size;
            }

            @Override
            public int read(long offset, byte[] buf, int off, int len) {
                for (int done = 0; done < len; ) {
                    long at = offset + done;
                    int in = (int) (at % 4096);
                    int n = Math.min(len - done, 4096 - in);
                    byte[] p = pages.get(at / 4096);
                    if (p == null) {
                        java.util.Arrays.fill(buf, off + done, off + done + n, (byte) 0);
                    } else {
                        System.arraycopy(p, in, buf, off + done, n);
                    }
                    done += n;
                }
                return 0;
            }

            @Override
            public int write(long offset, byte[] buf, int off, int len) {
                for (int done = 0; done < len; ) {
                    long at = offset + done;
                    int in = (int) (at % 4096);
                    int n = Math.min(len - done, 4096 - in);
                    System.arraycopy(buf, off + done, pages.computeIfAbsent(at / 4096, k -> new byte[4096]), in, n);
                    done += n;
                }
                return 0;
            }
        };
    }

    /**
     * A file of the kernel's, read and written with pread(2) and pwrite(2) by the server's own
     * task (nbdkit's file plugin): {@code size} bytes of it, its holes reading as zeros.
     */
    static BlockBackend file(blocksim.api.Kernel kernel, blocksim.api.Task task, String path, long size) {
        int fd = kernel.open(task, path, blocksim.uapi.OpenFlags.O_RDWR | blocksim.uapi.OpenFlags.O_CREAT).intValue();
        kernel.ftruncate(task, fd, size);
        return new BlockBackend() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public int read(long offset, byte[] buf, int off, int len) {
                blocksim.api.SysResult r = kernel.pread(task, fd, buf, off, len, offset);
                if (r.isError()) {
                    return r.errno().number();
                }
                java.util.Arrays.fill(buf, off + r.intValue(), off + len, (byte) 0);
                return 0;
            }

            @Override
            public int write(long offset, byte[] buf, int off, int len) {
                blocksim.api.SysResult r = kernel.pwrite(task, fd, buf, off, len, offset);
                return r.isError() ? r.errno().number() : 0;
            }
        };
    }

    /** Zeros to read, writes thrown away (nbdkit's null plugin, the seed's null server). */
    static BlockBackend zero(long size) {
        return new BlockBackend() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public int read(long offset, byte[] buf, int off, int len) {
                java.util.Arrays.fill(buf, off, off + len, (byte) 0);
                return 0;
            }

            @Override
            public int write(long offset, byte[] buf, int off, int len) {
                return 0;
            }
        };
    }

    /** This backend with the sectors from {@code first} to {@code last} failing with {@code errno} (nbdkit's error filter, by range). */
    default BlockBackend failing(long first, long last, int errno) {
        BlockBackend inner = this;
        return new BlockBackend() {
            @Override
            public long size() {
                return inner.size();
            }

            private boolean hit(long offset, int len) {
                long s = offset / 512;
                long e = (offset + len - 1) / 512;
                return s <= last && e >= first;
            }

            @Override
            public int read(long offset, byte[] buf, int off, int len) {
                return hit(offset, len) ? errno : inner.read(offset, buf, off, len);
            }

            @Override
            public int write(long offset, byte[] buf, int off, int len) {
                return hit(offset, len) ? errno : inner.write(offset, buf, off, len);
            }

            @Override
            public int writable(long offset, int len) {
                return hit(offset, len) ? errno : inner.writable(offset, len);
            }
        };
    }
}
