package blocksim.linux;

import blocksim.api.Credentials;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Supplier;

/**
 * Runs a system call with a task's identity. Root with CAP_SYS_ADMIN calls directly. Anyone else
 * gets a short-lived thread of its own that first gives up what the task lacks, with raw system
 * calls that change only the calling thread (glibc's setuid would change every thread of the JVM):
 * {@code capset} without CAP_SYS_ADMIN for a root task without it, or setgroups/setresgid/setresuid
 * to the task's ids. The thread ends after the call, so nothing leaks.
 */
final class Identity {

    private Identity() {
    }

    private static final long SYS_SETGROUPS = 116;
    private static final long SYS_SETRESUID = 117;
    private static final long SYS_SETRESGID = 119;
    private static final long SYS_CAPGET = 125;
    private static final long SYS_CAPSET = 126;
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final int CAP_SYS_ADMIN = 21;

    static <T> T run(Credentials c, Supplier<T> call) {
        if (c.isRoot() && c.capSysAdmin()) {
            return call.get();
        }
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofPlatform().name("blocksim-" + c.user()).start(() -> {
            try {
                drop(c);
                result[0] = call.get();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running as " + c.user(), e);
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException("call as " + c.user() + " failed: " + failure[0], failure[0]);
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }

    private static void drop(Credentials c) {
        if (!c.isRoot()) {
            check(Libc.syscall(SYS_SETGROUPS, 0, 0, 0), "setgroups");
            check(Libc.syscall(SYS_SETRESGID, c.gid(), c.gid(), c.gid()), "setresgid");
            check(Libc.syscall(SYS_SETRESUID, c.uid(), c.uid(), c.uid()), "setresuid");
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment header = a.allocate(8);
            header.set(ValueLayout.JAVA_INT, 0, LINUX_CAPABILITY_VERSION_3);
            header.set(ValueLayout.JAVA_INT, 4, 0);
            MemorySegment data = a.allocate(24);
            check(Libc.syscallPtr(SYS_CAPGET, header, data), "capget");
            for (int i = 0; i < 2; i++) {
                int eff = data.get(ValueLayout.JAVA_INT, i * 12L);
                int perm = data.get(ValueLayout.JAVA_INT, i * 12L + 4);
                if (i == 0) {
                    eff &= ~(1 << CAP_SYS_ADMIN);
                    perm &= ~(1 << CAP_SYS_ADMIN);
                }
                data.set(ValueLayout.JAVA_INT, i * 12L, eff);
                data.set(ValueLayout.JAVA_INT, i * 12L + 4, perm);
            }
            check(Libc.syscallPtr(SYS_CAPSET, header, data), "capset");
        }
    }

    private static void check(Libc.Ret r, String what) {
        if (r.failed()) {
            throw new IllegalStateException(what + " failed with errno " + r.errno());
        }
    }
}
