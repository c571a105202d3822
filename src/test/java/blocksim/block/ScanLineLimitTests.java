package blocksim.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.userland.ShellHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A scan line with hundreds of names. 6.18 prints the parsers' pp_buf with one printk, and
 * vprintk_store caps a record at PRINTKRB_RECORD_MAX (1024 bytes with the level header and the
 * NUL): the line is cut after 1021 characters, in the middle of a name. 2.6.32's put_partition
 * printed each name with a printk of its own, so its line is whole. (The difference was found
 * against 6.1 under user-mode-linux, where the limit was LOG_LINE_MAX, 992.)
 */
class ScanLineLimitTests {

    @ParameterizedTest
    @EnumSource(Profile.class)
    void aLongScanLineIsCutToOneRecordIn618Only(Profile profile) {
        try (ShellHarness h = new ShellHarness(profile, KernelConfig.defaults())) {
            h.ok("disk add sda 1GiB");
            StringBuilder script = new StringBuilder("sfdisk --quiet /dev/sda <<EOF\nlabel: gpt\ntable-length: 200\n");
            for (int i = 0; i < 195; i++) {
                script.append("size=2048\n");
            }
            script.append("EOF");
            h.ok(script.toString());
            String line = h.kernel.dmesg().lines().filter(l -> l.contains(" sda: sda1 ")).reduce((a, b) -> b).orElseThrow();
            String text = line.substring(line.indexOf(']') + 2);
            if (profile == Profile.LINUX_6_18) {
                assertEquals(1021, text.length(), text);
                assertTrue(!text.endsWith("sda195"), "cut before the last name");
            } else {
                assertTrue(text.endsWith(" sda195"), "whole in 2.6.32: " + text.substring(text.length() - 20));
            }
        }
    }
}
