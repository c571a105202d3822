package blocksim.userland.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import blocksim.userland.ShellHarness;
import org.junit.jupiter.api.Test;

/** truncate (coreutils 9.1) and fallocate (util-linux 2.38.1), with their messages measured on this machine. */
class TruncateFallocateTests {

    @Test
    void truncateSetsSizesAbsoluteAndRelative() {
        try (ShellHarness h = new ShellHarness()) {
            h.ok("truncate -s 10M /tmp/img");
            assertEquals("10485760\n", h.ok("stat -c %s /tmp/img"));
            h.ok("truncate -s +1K /tmp/img");
            assertEquals("10486784\n", h.ok("stat -c %s /tmp/img"));
            h.ok("truncate -s %1MB /tmp/img");
            assertEquals("11000000\n", h.ok("stat -c %s /tmp/img"));
            assertEquals("0\n", h.ok("stat -c %b /tmp/img"), "a hole: no blocks");
            assertEquals("truncate: you must specify either \u2018--size\u2019 or \u2018--reference\u2019\n"
                    + "Try 'truncate --help' for more information.\n", h.run("truncate /tmp/img").output());
            assertEquals("truncate: Invalid number: \u20181x\u2019\n", h.run("truncate -s 1x /tmp/img").output());
            assertEquals(0, h.run("truncate -c -s 5 /nonexist/x").status());
            assertEquals("truncate: cannot open '/nonexist/x' for writing: No such file or directory\n",
                    h.run("truncate -s 5 /nonexist/x").output());
        }
    }

    @Test
    void fallocateAllocatesAndKeepsSizeWithN() {
        try (ShellHarness h = new ShellHarness()) {
            h.ok("fallocate -l 1MiB /tmp/f");
            assertEquals("1048576 2048\n", h.ok("stat -c '%s %b' /tmp/f"));
            h.ok("fallocate -n -o 1MiB -l 8KiB /tmp/f");
            assertEquals("1048576 2064\n", h.ok("stat -c '%s %b' /tmp/f"), "KEEP_SIZE: blocks, not size");
            assertEquals("fallocate: no length argument specified\n", h.run("fallocate /tmp/f").output());
            assertEquals("fallocate: no filename specified\n", h.run("fallocate -l 1M").output());
            assertEquals("fallocate: invalid length value specified\n", h.run("fallocate -l 1x /tmp/f").output());
        }
    }
}
