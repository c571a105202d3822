package blocksim.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The C library calls blocksim makes on the live kernel, as java.lang.foreign downcalls with errno
 * captured on every call. The only place in blocksim that touches native code: no JNI, no JNA, no
 * shelling out for a system call.
 *
 * <p>Every call works in memory that belongs to the calling thread ({@link Scratch}: the errno
 * cell, a path buffer, an I/O buffer and an ioctl argument area, allocated once per thread), so a
 * call allocates nothing native and costs about what the same call costs from C. Nothing here
 * hands the kernel an address that is not one of these buffers, NULL, or {@link #UNMAPPED}.
 */
final class Libc {

    private Libc() {
    }

    /** A call's return value and, when it failed, its errno. */
    record Ret(long value, int errno) {
        boolean failed() {
            return value < 0;
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /**
     * An address no process can access: above the x86_64 user address range, so {@code access_ok}
     * fails and every {@code copy_from_user}/{@code put_user} through it is EFAULT, whatever the
     * JVM has mapped. Stands for every pointer to memory the kernel may not read or write.
     */
    static final MemorySegment UNMAPPED = MemorySegment.ofAddress(0xffff_ffff_ffff_f000L);

    static final int PATH_MAX = 4096;
    /** The ioctl argument area: larger than any record the uapi describes. */
    static final int ARG_BYTES = 1024;

    /** The calling thread's native memory for system calls. */
    static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment state = arena.allocate(CAPTURE);
        final MemorySegment path = arena.allocate(PATH_MAX + 1);
        final MemorySegment path2 = arena.allocate(PATH_MAX + 1);
        final MemorySegment arg = arena.allocate(ARG_BYTES, 16);
        final MemorySegment small = arena.allocate(256, 16);
        MemorySegment io = arena.allocate(65536, 16);

        MemorySegment io(long len) {
            if (io.byteSize() < len) {
                io = arena.allocate(Math.max(len, io.byteSize() * 2), 16);
            }
            return io;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** This thread's scratch memory; the ioctl argument area is {@code scratch().arg}. */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... more) {
        Linker.Option[] opts = new Linker.Option[more.length + 1];
        opts[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(more, 0, opts, 1, more.length);
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new IllegalStateException("no " + name)), fd, opts);
    }

    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle OPENAT = downcall("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PREAD = downcall("pread64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = downcall("pwrite64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle LSEEK = downcall("lseek64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FSYNC = downcall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FDATASYNC = downcall("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FTRUNCATE = downcall("ftruncate64", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MKDIRAT = downcall("mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle UNLINKAT = downcall("unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FSTATAT = downcall("fstatat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle FLOCK = downcall("flock", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READLINKAT = downcall("readlinkat",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle MOUNT = downcall("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = downcall("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SYNC = downcall("sync", FunctionDescriptor.ofVoid());
    private static final MethodHandle FALLOCATE = downcall("fallocate64",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle POLL = downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle UTIMENSAT = downcall("utimensat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SYNCFS = downcall("syncfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle TRUNCATE = downcall("truncate64", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle RENAMEAT = downcall("renameat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle GETEUID = downcall("geteuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SYSCALL3 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL4 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    /** x86_64 {@code struct stat}: 144 bytes; st_dev at 0, st_ino 8, st_mode 24, st_uid 28, st_gid 32, st_rdev 40, st_size 48. */
    static final long STAT_SIZE = 144;
    static final int AT_FDCWD = -100;
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_DIRECTORY = 0200000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;
    static final int O_NONBLOCK = 04000;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_RDWR = 2;
    static final int O_TMPFILE = 020200000;
    static final int LOCK_SH = 1;
    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int LOCK_UN = 8;
    /** {@code openat2} and its {@code struct open_how} resolve flags. */
    static final long SYS_OPENAT2 = 437;
    static final long RESOLVE_NO_XDEV = 0x01;
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_NO_SYMLINKS = 0x04;
    static final long RESOLVE_BENEATH = 0x08;
    static final long SYS_GETDENTS64 = 217;

    private static Ret ret(long v, MemorySegment state) {
        return new Ret(v, v < 0 ? (int) ERRNO.get(state, 0L) : 0);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /**
     * Writes a path as the C string the kernel reads, into {@code into}. A path longer than the
     * buffer is cut at {@code PATH_MAX + 1} bytes: the kernel reads at most that much before it
     * answers ENAMETOOLONG, so the answer is the same.
     */
    static MemorySegment cstring(MemorySegment into, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(b.length, into.byteSize() - 1);
        MemorySegment.copy(b, 0, into, JAVA_BYTE, 0, n);
        into.set(JAVA_BYTE, n, (byte) 0);
        return into;
    }

    static Ret open(String path, int flags, int mode) {
        Scratch s = scratch();
        try {
            return ret((int) OPEN.invokeExact(s.state, cstring(s.path, path), flags, mode), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret openat(int dirfd, String path, int flags, int mode) {
        Scratch s = scratch();
        try {
            return ret((int) OPENAT.invokeExact(s.state, dirfd, cstring(s.path, path), flags, mode), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** openat2(2): {@code struct open_how} {flags, mode, resolve}, 24 bytes. */
    static Ret openat2(int dirfd, String path, int flags, int mode, long resolve) {
        Scratch s = scratch();
        MemorySegment how = s.small;
        how.set(JAVA_LONG, 0, Integer.toUnsignedLong(flags));
        // the kernel refuses a mode without O_CREAT or O_TMPFILE (EINVAL)
        how.set(JAVA_LONG, 8, (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0);
        how.set(JAVA_LONG, 16, resolve);
        try {
            return ret((long) SYSCALL4.invokeExact(s.state, SYS_OPENAT2, (long) dirfd, cstring(s.path, path).address(),
                    how.address(), 24L), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret close(int fd) {
        Scratch s = scratch();
        try {
            return ret((int) CLOSE.invokeExact(s.state, fd), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** read(2) at the file position. */
    static Ret read(int fd, byte[] buf, int off, int len) {
        Scratch s = scratch();
        MemorySegment b = s.io(len);
        try {
            long n = (long) READ.invokeExact(s.state, fd, b, (long) len);
            if (n > 0) {
                MemorySegment.copy(b, JAVA_BYTE, 0, buf, off, (int) n);
            }
            return ret(n, s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** pread64(2): {@code pos} goes to the kernel as it is, negative ones included. */
    static Ret pread(int fd, byte[] buf, int off, int len, long pos) {
        Scratch s = scratch();
        MemorySegment b = s.io(len);
        try {
            long n = (long) PREAD.invokeExact(s.state, fd, b, (long) len, pos);
            if (n > 0) {
                MemorySegment.copy(b, JAVA_BYTE, 0, buf, off, (int) n);
            }
            return ret(n, s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** write(2) at the file position. */
    static Ret write(int fd, byte[] buf, int off, int len) {
        Scratch s = scratch();
        MemorySegment b = s.io(len);
        MemorySegment.copy(buf, off, b, JAVA_BYTE, 0, len);
        try {
            return ret((long) WRITE.invokeExact(s.state, fd, b, (long) len), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** pwrite64(2): {@code pos} goes to the kernel as it is. */
    static Ret pwrite(int fd, byte[] buf, int off, int len, long pos) {
        Scratch s = scratch();
        MemorySegment b = s.io(len);
        MemorySegment.copy(buf, off, b, JAVA_BYTE, 0, len);
        try {
            return ret((long) PWRITE.invokeExact(s.state, fd, b, (long) len, pos), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret lseek(int fd, long offset, int whence) {
        Scratch s = scratch();
        try {
            return ret((long) LSEEK.invokeExact(s.state, fd, offset, whence), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret fdatasync(int fd) {
        Scratch s = scratch();
        try {
            return ret((int) FDATASYNC.invokeExact(s.state, fd), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret fsync(int fd) {
        Scratch s = scratch();
        try {
            return ret((int) FSYNC.invokeExact(s.state, fd), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret ftruncate(int fd, long size) {
        Scratch s = scratch();
        try {
            return ret((int) FTRUNCATE.invokeExact(s.state, fd, size), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * ioctl(2). {@code arg} is what the kernel gets as its third argument: NULL, {@link #UNMAPPED},
     * a number ({@code MemorySegment.ofAddress(n)}, for requests that take it by value), or this
     * thread's {@code scratch().arg}.
     */
    static Ret ioctl(int fd, long request, MemorySegment arg) {
        Scratch s = scratch();
        try {
            return ret((int) IOCTL.invokeExact(s.state, fd, request, arg), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret mkdir(String path, int mode) {
        return mkdirat(AT_FDCWD, path, mode);
    }

    static Ret mkdirat(int dirfd, String path, int mode) {
        Scratch s = scratch();
        try {
            return ret((int) MKDIRAT.invokeExact(s.state, dirfd, cstring(s.path, path), mode), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret rmdir(String path) {
        return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
    }

    static Ret unlink(String path) {
        return unlinkat(AT_FDCWD, path, 0);
    }

    static Ret unlinkat(int dirfd, String path, int flags) {
        Scratch s = scratch();
        try {
            return ret((int) UNLINKAT.invokeExact(s.state, dirfd, cstring(s.path, path), flags), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** stat(2): the raw {@code struct stat} bytes, or the errno. */
    static Ret stat(String path, byte[] out) {
        return fstatat(AT_FDCWD, path, out, 0);
    }

    /** fstat(2), as {@code fstatat(fd, "", AT_EMPTY_PATH)}. */
    static Ret fstat(int fd, byte[] out) {
        return fstatat(fd, "", out, AT_EMPTY_PATH);
    }

    static Ret fstatat(int dirfd, String path, byte[] out, int flags) {
        Scratch s = scratch();
        MemorySegment buf = s.arg;
        try {
            Ret r = ret((int) FSTATAT.invokeExact(s.state, dirfd, cstring(s.path, path), buf, flags), s.state);
            MemorySegment.copy(buf, JAVA_BYTE, 0, out, 0, (int) STAT_SIZE);
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret flock(int fd, int op) {
        Scratch s = scratch();
        try {
            return ret((int) FLOCK.invokeExact(s.state, fd, op), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** readlinkat(2): the link's text, or null. */
    static String readlinkat(int dirfd, String path) {
        Scratch s = scratch();
        MemorySegment out = s.path2;
        try {
            long n = (long) READLINKAT.invokeExact(s.state, dirfd, cstring(s.path, path), out, (long) PATH_MAX);
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[(int) n];
            MemorySegment.copy(out, JAVA_BYTE, 0, b, 0, (int) n);
            return new String(b, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret mount(String source, String target, String type, long flags, String data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment d = data == null ? MemorySegment.NULL : a.allocateFrom(data);
            MemorySegment src = source == null ? MemorySegment.NULL : a.allocateFrom(source);
            MemorySegment typ = type == null ? MemorySegment.NULL : a.allocateFrom(type);
            return ret((int) MOUNT.invokeExact(st, src, a.allocateFrom(target), typ, flags, d), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sync(2). */
    static void sync() {
        Scratch s = scratch();
        try {
            SYNC.invokeExact(s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** utimensat(dirfd, path, NULL, flags): the times set to now. */
    static Ret utimensat(int dirfd, String path, int flags) {
        Scratch s = scratch();
        try {
            return ret((int) UTIMENSAT.invokeExact(s.state, dirfd, cstring(s.path, path), MemorySegment.NULL, flags), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** poll(2) of one descriptor: the revents, 0 on a timeout, or the errno. */
    static Ret poll(int fd, int events, int timeoutMillis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment pfd = a.allocate(8);
            pfd.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, fd);
            pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) events);
            Ret r = ret((int) POLL.invokeExact(st, pfd, 1L, timeoutMillis), st);
            return r.failed() ? r : new Ret(Short.toUnsignedInt(pfd.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 6)), 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret fallocate(int fd, int mode, long offset, long len) {
        Scratch s = scratch();
        try {
            return ret((int) FALLOCATE.invokeExact(s.state, fd, mode, offset, len), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret syncfs(int fd) {
        Scratch s = scratch();
        try {
            return ret((int) SYNCFS.invokeExact(s.state, fd), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret truncate(String path, long length) {
        Scratch s = scratch();
        try {
            return ret((int) TRUNCATE.invokeExact(s.state, cstring(s.path, path), length), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret renameat(int olddir, String oldpath, int newdir, String newpath) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((int) RENAMEAT.invokeExact(st, olddir, a.allocateFrom(oldpath), newdir, a.allocateFrom(newpath)), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret umount2(String target, int flags) {
        Scratch s = scratch();
        try {
            return ret((int) UMOUNT2.invokeExact(s.state, cstring(s.path, target), flags), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int geteuid() {
        Scratch s = scratch();
        try {
            return (int) GETEUID.invokeExact(s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A raw system call with up to three arguments, affecting only the calling thread where that applies. */
    static Ret syscall(long nr, long a1, long a2, long a3) {
        Scratch s = scratch();
        try {
            return ret((long) SYSCALL3.invokeExact(s.state, nr, a1, a2, a3), s.state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A raw system call whose second argument points at {@code data} (capset's header and data). */
    static Ret syscallPtr(long nr, MemorySegment a1, MemorySegment a2) {
        return syscall(nr, a1.address(), a2.address(), 0);
    }

    /** The names in a directory (readdir), without "." and "..", or null with {@code err[0]} set. */
    static List<String> list(String path, int[] err) {
        Ret fd = open(path, O_DIRECTORY | O_CLOEXEC, 0);
        if (fd.failed()) {
            err[0] = fd.errno();
            return null;
        }
        try {
            return list((int) fd.value(), err);
        } finally {
            close((int) fd.value());
        }
    }

    /**
     * The names in the directory open at {@code dirfd} (getdents64, from the start), sorted, or
     * null with {@code err[0]} set.
     */
    static List<String> list(int dirfd, int[] err) {
        lseek(dirfd, 0, 0); // from the start, whoever read this descriptor before
        Scratch s = scratch();
        MemorySegment buf = s.io(65536);
        List<String> names = new ArrayList<>();
        while (true) {
            Ret n = syscall(SYS_GETDENTS64, dirfd, buf.address(), 65536);
            if (n.failed()) {
                err[0] = n.errno();
                return null;
            }
            if (n.value() == 0) {
                break;
            }
            long off = 0;
            while (off < n.value()) {
                int reclen = Short.toUnsignedInt(buf.get(JAVA_SHORT_UNALIGNED, off + 16));
                String name = buf.asSlice(off + 19).getString(0, StandardCharsets.UTF_8);
                if (!name.equals(".") && !name.equals("..")) {
                    names.add(name);
                }
                off += reclen;
            }
        }
        java.util.Collections.sort(names);
        return names;
    }
}
