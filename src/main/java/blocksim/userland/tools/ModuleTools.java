package blocksim.userland.tools;

import blocksim.api.Durations;
import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.userland.Proc;

/** kmod's {@code insmod} and {@code rmmod} for the model's modules, and {@code udevadm settle}. */
public final class ModuleTools {

    private ModuleTools() {
    }

    /** {@code insmod MODULE [PARAM=VALUE ...]}. */
    public static int insmod(Proc p) {
        if (p.args().isEmpty()) {
            p.err().println("Usage:");
            p.err().println("\tinsmod [options] filename [args]");
            return 1;
        }
        String module = p.args().getFirst().replaceAll("\\.ko$", "").replaceAll(".*/", "");
        SysResult r = p.machine().insmod(p.task(), module, p.args().subList(1, p.args().size()));
        if (r.isOk()) {
            return 0;
        }
        if (r.errno() == Errno.ENOENT) {
            p.err().println("insmod: ERROR: could not load module " + p.args().getFirst() + ": No such file or directory");
        } else {
            String why = r.errno() == Errno.EINVAL ? "Invalid parameters" : r.errno().strerror();
            p.err().println("insmod: ERROR: could not insert module " + p.args().getFirst() + ": " + why);
        }
        return 1;
    }

    /** {@code rmmod MODULE}. */
    public static int rmmod(Proc p) {
        if (p.args().isEmpty()) {
            p.err().println("rmmod: ERROR: missing module name.");
            return 1;
        }
        int status = 0;
        for (String m : p.args()) {
            SysResult r = p.machine().rmmod(p.task(), m);
            if (r.isError()) {
                p.err().println("rmmod: ERROR: Module " + m + (r.errno() == Errno.EBUSY ? " is in use"
                        : " is not currently loaded"));
                status = 1;
            }
        }
        return status;
    }

    /** {@code udevadm settle [-t SECONDS|--timeout=SECONDS]}: waits until no partition scan is in progress. */
    public static int udevadm(Proc p) {
        if (p.args().isEmpty() || !p.args().getFirst().equals("settle")) {
            p.err().println(p.args().isEmpty() ? "udevadm: missing or unknown command"
                    : "Unknown command '" + p.args().getFirst() + "'");
            return 1;
        }
        long timeout = 120_000_000_000L;
        for (int i = 1; i < p.args().size(); i++) {
            String a = p.args().get(i);
            String v = a.startsWith("--timeout=") ? a.substring(10) : a.equals("-t") && i + 1 < p.args().size()
                    ? p.args().get(++i) : null;
            long n = v == null ? -1 : Durations.parse(v);
            if (n < 0) {
                p.err().println("udevadm settle: invalid option or argument '" + a + "'");
                return 1;
            }
            timeout = n;
        }
        SysResult r = p.machine().udevSettle(p.task(), timeout);
        if (r.isError()) {
            p.err().println("udevadm settle: Timed out for waiting the udev queue being empty.");
            return 1;
        }
        return 0;
    }
}
