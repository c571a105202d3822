package blocksim.userland.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import blocksim.userland.ShellHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * util-linux 2.38.1's own losetup tests ({@code tests/ts/losetup/losetup} and {@code losetup-loop},
 * with {@code tests/expected/losetup/*}), their steps and expected outputs, on the model. The
 * backing store is a 10 MiB file, or (the {@code -blkdev} and {@code -loop} variants, which use
 * scsi_debug there) an 11 MiB disk of the model; {@code lsblk -b -o SIZE} is read as {@code blockdev
 * --getsize64}, which says the same.
 */
class UtilLinuxLosetupTests {

    private static String lo(ShellHarness h, String args) {
        ShellHarness.Run r = h.run("losetup " + args);
        return r.status() == 0 ? r.output().strip() : "";
    }

    /** {@code lo_print} of losetup_functions.sh. */
    private static List<String> loPrint(ShellHarness h, String dev) {
        return List.of("offset:    " + h.ok("losetup --list --raw -n -O OFFSET " + dev).strip(),
                "sizelimit: " + h.ok("losetup --list --raw -n -O SIZELIMIT " + dev).strip(),
                "size:      " + h.ok("blockdev --getsize64 " + dev).strip());
    }

    private static ShellHarness harness(String backing) {
        ShellHarness h = new ShellHarness();
        if (backing.equals("/dev/sdb")) {
            h.ok("disk add sdb 11MiB");
        } else {
            h.ok("truncate -s 10M " + backing);
        }
        return h;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tmp/backfile", "/dev/sdb"})
    void losetupShowOffsetSizelimitSection(String backing) {
        try (ShellHarness h = harness(backing)) {
            long size = Long.parseLong(h.ok("blockdev --getsize64 " + backing + " 2>/dev/null || stat -c %s " + backing).strip());
            record Case(String opts, List<String> expected) {
            }
            List<Case> cases = List.of(
                    new Case("", List.of("offset:    0", "sizelimit: 0", "size:      " + size)),
                    new Case("--offset 1MiB ", List.of("offset:    1048576", "sizelimit: 0", "size:      " + (size - (1 << 20)))),
                    new Case("--sizelimit 3MiB ", List.of("offset:    0", "sizelimit: 3145728", "size:      3145728")),
                    new Case("--offset 1MiB --sizelimit 3MiB ", List.of("offset:    1048576", "sizelimit: 3145728",
                            "size:      3145728")));
            for (Case c : cases) {
                String dev = lo(h, c.opts() + "--find --show " + backing);
                assertEquals(c.expected(), loPrint(h, dev), c.opts());
                h.ok("losetup -d " + dev);
            }
        }
    }

    /** The -loop subtests: --nooverlap re-use, no re-use, conflicts (expected outputs of 2.38.1). */
    @ParameterizedTest
    @ValueSource(strings = {"/tmp/backfile", "/dev/sdb"})
    void losetupLoopNooverlap(String backing) {
        try (ShellHarness h = harness(backing)) {
            assertEquals(List.of("equal", "Success"), findPair(h, "", "", backing), "find-re-use");
            assertEquals(List.of("different", "Success"), findPair(h, "--offset=0 --sizelimit=1MiB ",
                    "--offset=1MiB --sizelimit=1MiB ", backing), "find-no-re-use");
            assertEquals(List.of("Failed to create loop device", "different", "Success"),
                    findPair(h, "--offset=1MiB --sizelimit=2MiB ", "--offset=2MiB --sizelimit=2MiB ", backing), "find-conflict");
            assertEquals(List.of("Failed to create loop device", "different", "Success"),
                    findPair(h, "--offset=1MiB ", "--offset=2MiB --sizelimit=2MiB ", backing), "find-conflict-no-sizelimit");
            assertEquals(List.of("Failed to create loop device", "different", "Success"),
                    findPair(h, "--read-only ", "--offset=2MiB --sizelimit=2MiB ", backing), "find-conflict-readonly");
            assertEquals(List.of("different", "Success"), findPair(h, "--offset=1MiB --sizelimit=1MiB ", "--offset=2MiB ",
                    backing), "find-ok-no-sizelimit");
            assertEquals(List.of("1", "Success"), plain(h, "", backing), "plain-conflict");
            assertEquals(List.of("1", "Success"), plain(h, "--read-only ", backing), "plain-readonly");
            assertEquals("", h.ok("losetup -a"), "everything detached");
        }
    }

    private static List<String> findPair(ShellHarness h, String first, String second, String backing) {
        List<String> log = new ArrayList<>();
        String dev = lo(h, "--find --nooverlap --show " + first + backing);
        if (dev.isEmpty()) {
            log.add("Failed to create loop device");
        }
        String devr = lo(h, "--find --nooverlap --show " + second + backing);
        if (devr.isEmpty()) {
            log.add("Failed to create loop device");
        }
        if (dev.equals(devr)) {
            log.add("equal");
        } else {
            log.add("different");
            if (!devr.isEmpty()) {
                h.run("losetup -d " + devr);
            }
        }
        h.run("losetup -d " + dev);
        log.add("Success");
        return log;
    }

    private static List<String> plain(ShellHarness h, String first, String backing) {
        List<String> log = new ArrayList<>();
        String dev = lo(h, "--find --nooverlap --show " + first + backing);
        String devr = lo(h, "--find");
        log.add(String.valueOf(h.run("losetup --nooverlap " + devr + " " + backing).status()));
        h.run("losetup -d " + dev);
        h.run("losetup -d " + devr);
        log.add("Success");
        return log;
    }
}
