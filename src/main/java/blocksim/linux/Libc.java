package blocksim.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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

/**
 * The C library calls blocksim makes on the live kernel, as java.lang.foreign downcalls with errno
 * captured on every call. The only place in blocksim that touches native code: no JNI, no JNA, no
 * shelling out for a system call.
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

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... more) {
        Linker.Option[] opts = new Linker.Option[more.length + 1];
        opts[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(more, 0, opts, 1, more.length);
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new IllegalStateException("no " + name)), fd, opts);
    }

    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PREAD = downcall("pread64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = downcall("pwrite64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle LSEEK = downcall("lseek64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FSYNC = downcall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FTRUNCATE = downcall("ftruncate64", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MKDIR = downcall("mkdir", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RMDIR = downcall("rmdir", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle UNLINK = downcall("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle STAT = downcall("stat", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle MOUNT = downcall("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = downcall("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETEUID = downcall("geteuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SYSCALL3 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle OPENDIR = downcall("opendir", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle READDIR = downcall("readdir64", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle CLOSEDIR = downcall("closedir", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    /** x86_64 {@code struct stat}: 144 bytes; st_mode at 24, st_uid 28, st_gid 32, st_rdev 40, st_size 48. */
    static final long STAT_SIZE = 144;

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

    static Ret open(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((int) OPEN.invokeExact(st, a.allocateFrom(path), flags, mode), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((int) CLOSE.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret read(int fd, byte[] buf, int off, int len, long pos) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment b = a.allocate(Math.max(1, len));
            long n = pos < 0 ? (long) READ.invokeExact(st, fd, b, (long) len)
                    : (long) PREAD.invokeExact(st, fd, b, (long) len, pos);
            if (n > 0) {
                MemorySegment.copy(b, JAVA_BYTE, 0, buf, off, (int) n);
            }
            return ret(n, st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret write(int fd, byte[] buf, int off, int len, long pos) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment b = a.allocate(Math.max(1, len));
            MemorySegment.copy(buf, off, b, JAVA_BYTE, 0, len);
            long n = pos < 0 ? (long) WRITE.invokeExact(st, fd, b, (long) len)
                    : (long) PWRITE.invokeExact(st, fd, b, (long) len, pos);
            return ret(n, st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret lseek(int fd, long offset, int whence) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((long) LSEEK.invokeExact(st, fd, offset, whence), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret fsync(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((int) FSYNC.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret ftruncate(int fd, long size) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((int) FTRUNCATE.invokeExact(st, fd, size), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl with a pointer argument: {@code arg} is the memory the kernel reads and writes (NULL allowed). */
    static Ret ioctl(int fd, long request, MemorySegment arg) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((int) IOCTL.invokeExact(st, fd, request, arg), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret mkdir(String path, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((int) MKDIR.invokeExact(st, a.allocateFrom(path), mode), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret rmdir(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((int) RMDIR.invokeExact(st, a.allocateFrom(path)), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret unlink(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((int) UNLINK.invokeExact(st, a.allocateFrom(path)), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** stat(2): the raw {@code struct stat} bytes, or the errno. */
    static Ret stat(String path, byte[] out) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(STAT_SIZE);
            Ret r = ret((int) STAT.invokeExact(st, a.allocateFrom(path), buf), st);
            MemorySegment.copy(buf, JAVA_BYTE, 0, out, 0, (int) STAT_SIZE);
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret mount(String source, String target, String type, long flags, String data) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment d = data == null ? MemorySegment.NULL : a.allocateFrom(data);
            return ret((int) MOUNT.invokeExact(st, a.allocateFrom(source), a.allocateFrom(target), a.allocateFrom(type),
                    flags, d), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Ret umount2(String target, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((int) UMOUNT2.invokeExact(st, a.allocateFrom(target), flags), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int geteuid() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return (int) GETEUID.invokeExact(st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A raw system call with up to three arguments, affecting only the calling thread where that applies. */
    static Ret syscall(long nr, long a1, long a2, long a3) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return ret((long) SYSCALL3.invokeExact(st, nr, a1, a2, a3), st);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A raw system call whose second argument points at {@code data} (capset's header and data). */
    static Ret syscallPtr(long nr, MemorySegment a1, MemorySegment a2) {
        return syscall(nr, a1.address(), a2.address(), 0);
    }

    /** The names in a directory (readdir), without "." and "..", or null with {@code err[0]} set. */
    static java.util.List<String> list(String path, int[] err) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment dir = (MemorySegment) OPENDIR.invokeExact(st, a.allocateFrom(path));
            if (dir.address() == 0) {
                err[0] = (int) ERRNO.get(st, 0L);
                return null;
            }
            java.util.List<String> names = new java.util.ArrayList<>();
            while (true) {
                MemorySegment ent = (MemorySegment) READDIR.invokeExact(st, dir);
                if (ent.address() == 0) {
                    break;
                }
                MemorySegment e = ent.reinterpret(19 + 256);
                String name = e.getString(19, StandardCharsets.UTF_8);
                if (!name.equals(".") && !name.equals("..")) {
                    names.add(name);
                }
            }
            int ignored = (int) CLOSEDIR.invokeExact(st, dir);
            java.util.Collections.sort(names);
            return names;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
