package blocksim.userland.tools;

import blocksim.api.SysResult;
import blocksim.uapi.Ioctl;
import blocksim.uapi.IoctlArg;
import blocksim.uapi.OpenFlags;
import blocksim.userland.Proc;
import java.nio.charset.StandardCharsets;

/**
 * Small test programs from the seeds, ported call for call so a lesson can run them as the seed
 * ran its C code.
 */
public final class Programs {

    private Programs() {
    }

    /**
     * {@code fsfreez FILE} (seed 003): opens FILE read-write, freezes its filesystem with
     * FIFREEZE, forks a child that prints {@code sleep:0} to {@code sleep:4} sleeping 0 to 4
     * seconds between them and then thaws with FITHAW, while the parent writes
     * "fsfreez test\n" (which waits for the thaw), prints "writed" and closes the file. The ioctl
     * results are ignored, as the C program ignores them.
     */
    public static int fsfreez(Proc p) {
        if (p.args().size() != 1) {
            p.err().println("usage: fsfreez FILE");
            return 2;
        }
        String file = p.args().getFirst();
        SysResult o = p.open(file, OpenFlags.O_RDWR);
        int fid = o.isOk() ? o.intValue() : -1;
        p.kernel().ioctl(p.task(), fid, Ioctl.FIFREEZE, IoctlArg.NULL);
        p.fork(child -> {
            for (int i = 0; i < 5; i++) {
                child.out().println("sleep:" + i);
                child.sleep(i * 1_000_000_000L);
            }
            SysResult c = child.open(file, OpenFlags.O_RDONLY);
            if (c.isOk()) {
                child.kernel().ioctl(child.task(), c.intValue(), Ioctl.FITHAW, IoctlArg.NULL);
                child.close(c.intValue());
            }
        });
        byte[] msg = "fsfreez test\n".getBytes(StandardCharsets.UTF_8);
        p.kernel().write(p.task(), fid, msg, 0, msg.length);
        p.out().println("writed");
        p.kernel().close(p.task(), fid);
        return 0;
    }
}
