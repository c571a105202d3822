package blocksim.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The uapi's description of each request ({@link Ioctl#abi}) agrees with the request number where
 * the number says anything: an {@code _IOR}/{@code _IOW}/{@code _IOWR} request's {@code _IOC_SIZE}
 * is what its handler reads or writes, except where the kernel's handler is known to differ.
 */
class IoctlAbiTests {

    /** Requests whose handler touches another size than the number encodes, and why. */
    static final Map<Long, String> HANDLER_DIFFERS = Map.of(
            Ioctl.BLKBSZGET, "_IOR(0x12, 112, size_t), but block/ioctl.c writes an int (put_int)",
            Ioctl.BLKBSZSET, "_IOW(0x12, 113, size_t), but blkdev_bszset reads an int (get_user of int)",
            Ioctl.FIFREEZE, "_IOWR('X', 119, int), but ioctl_fsfreeze never reads its argument",
            Ioctl.FITHAW, "_IOWR('X', 120, int), but ioctl_fsthaw never reads its argument");

    static int iocSize(long request) {
        return (int) ((request >>> 16) & 0x3fff);
    }

    @Test
    void everyDescribedRequestsSizeIsItsIocSizeOrAKnownException() {
        for (long request : new long[] {Ioctl.BLKROSET, Ioctl.BLKROGET, Ioctl.BLKRRPART, Ioctl.BLKGETSIZE,
                Ioctl.BLKFLSBUF, Ioctl.BLKSSZGET, Ioctl.BLKPG, Ioctl.BLKBSZGET, Ioctl.BLKBSZSET, Ioctl.BLKGETSIZE64,
                Ioctl.BLKPBSZGET, Ioctl.BLKRASET, Ioctl.BLKRAGET, Ioctl.BLKFRASET, Ioctl.BLKFRAGET, Ioctl.BLKSECTGET,
                Ioctl.BLKIOMIN, Ioctl.BLKIOOPT, Ioctl.BLKALIGNOFF, Ioctl.BLKDISCARDZEROES, Ioctl.BLKGETDISKSEQ,
                Ioctl.FIFREEZE, Ioctl.FITHAW}) {
            Ioctl.Abi abi = Ioctl.abi(request).orElseThrow(() -> new AssertionError(Ioctl.name(request) + " undescribed"));
            int encoded = iocSize(request);
            if (encoded != 0 && !HANDLER_DIFFERS.containsKey(request)) {
                assertEquals(encoded, abi.size(), abi.name() + ": _IOC_SIZE");
            }
            if (abi.kind() == Ioctl.ArgKind.IN || abi.kind() == Ioctl.ArgKind.OUT) {
                assertTrue(abi.size() > 0 && abi.size() <= 8, abi.name() + " moves an integer");
            }
        }
        assertEquals(BlkpgIoctlArg.SIZE, Ioctl.abi(Ioctl.BLKPG).orElseThrow().size());
        assertEquals(blocksim.uapi.LoopInfo64.SIZE, Ioctl.abi(blocksim.uapi.Loop.LOOP_GET_STATUS64).orElseThrow().size());
        assertEquals(blocksim.uapi.LoopConfig.SIZE, Ioctl.abi(blocksim.uapi.Loop.LOOP_CONFIGURE).orElseThrow().size());
        assertEquals(Ioctl.ArgKind.VALUE, Ioctl.abi(blocksim.uapi.Loop.LOOP_SET_FD).orElseThrow().kind(),
                "LOOP_SET_FD takes the descriptor in the pointer's place");
    }
}
