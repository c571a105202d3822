package blocksim.userland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shell: lists, pipelines, redirections through the kernel, here-documents, jobs. */
class ShellTests {

    final ShellHarness sh = new ShellHarness();

    @AfterEach
    void close() {
        sh.close();
    }

    @Test
    void andOrListsRunTheRightSide() {
        assertEquals("b\n", sh.ok("false && echo a || echo b"));
        assertEquals("a\nc\n", sh.ok("true && echo a; echo c"));
        assertEquals(1, sh.run("true && false").status());
    }

    @Test
    void pipelinesStreamBetweenConcurrentProcesses() {
        sh.ok("echo one > /tmp/f; echo two >> /tmp/f; echo three >> /tmp/f");
        assertEquals("two\n", sh.ok("cat /tmp/f | grep t | head -n 1"));
        assertEquals("2\n", sh.ok("cat /tmp/f | grep -c t"));
    }

    @Test
    void anEndlessProducerStopsWhenItsReaderCloses() {
        assertEquals("00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n00000200\n",
                sh.ok("cat /dev/zero | head -c 512 | hexdump -C"));
    }

    @Test
    void hereDocumentsFeedStandardInput() {
        assertEquals("hello\nworld\n", sh.ok("cat <<EOF\nhello\nworld\nEOF"));
    }

    @Test
    void stderrCanBeJoinedToStdoutOrDiscarded() {
        assertEquals("cat: /nope: No such file or directory\n", sh.run("cat /nope 2>&1 | cat").output());
        assertEquals("", sh.run("cat /nope 2>/dev/null").output());
    }

    @Test
    void aRedirectionThatCannotOpenStopsTheCommand() {
        ShellHarness.Run r = sh.run("echo hi > /nodir/x");
        assertEquals("sh: /nodir/x: No such file or directory\n", r.output());
        assertEquals(1, r.status());
    }

    @Test
    void aBackgroundJobHoldsItsRedirectionOpenUntilKilled() {
        sh.ok("disk add sda 8MiB");
        sh.ok("addpart /dev/sda 1 2048 2048");
        sh.ok("sleep 100 < /dev/sda1 &");
        assertEquals("[1] sleeping  sleep 100 < /dev/sda1\n", sh.ok("jobs"));
        assertEquals(1, sh.kernel.genhd().lookup("sda1").orElseThrow().openers());
        sh.ok("kill %1");
        assertEquals(0, sh.kernel.genhd().lookup("sda1").orElseThrow().openers());
        assertEquals("[1] exit 143  sleep 100 < /dev/sda1\n", sh.ok("jobs"));
        assertEquals("", sh.ok("jobs"));
    }

    @Test
    void waitPrintsTheJobsOutputAndAdvancesTime() {
        sh.ok("sleep 5 && echo late &");
        assertEquals("", sh.ok("echo -n"));
        assertEquals("late\n", sh.ok("wait %1"));
        assertEquals(5_000_000_000L, sh.kernel.clock().nanos());
    }

    @Test
    void aForegroundSleepLetsBackgroundJobsFinish() {
        sh.ok("sleep 1 && echo one &");
        sh.ok("sleep 2");
        assertEquals("[1] done  sleep 1 && echo one\n", sh.ok("jobs"));
    }

    @Test
    void waitingForAJobThatSleepsForeverIsADeadlock() {
        sh.ok("sleep infinity &");
        ShellHarness.Run r = sh.run("wait %1");
        assertTrue(r.deadlock().startsWith("deadlock: "), r.deadlock());
        assertTrue(r.deadlock().contains("waits for job 1 (sleep infinity)"), r.deadlock());
        assertTrue(r.deadlock().contains("(sleep) sleeps forever"), r.deadlock());
    }

    @Test
    void unknownJobsAreReported() {
        ShellHarness.Run r = sh.run("kill %3");
        assertEquals("sh: kill: %3: no such job\n", r.output());
        assertEquals(1, r.status());
        assertEquals(127, sh.run("wait %2").status());
    }

    @Test
    void asNobodyRunsWithoutPrivileges() {
        sh.ok("disk add sda 8MiB");
        ShellHarness.Run r = sh.run("as nobody blockdev --getsz /dev/sda");
        assertEquals("blockdev: cannot open /dev/sda: Permission denied\n", r.output());
        assertEquals(1, r.status());
    }

    @Test
    void stdoutIsBlockBufferedAndStderrIsNot() {
        sh.ok("disk add sda 8MiB");
        // blockdev prints the size (stdout, buffered) before failing on BLKRRPART (stderr, at once);
        // through a pipe the error therefore comes first, as on the live system.
        sh.ok("sleep 100 < /dev/sda &");
        sh.ok("addpart /dev/sda 1 2048 2048");
        sh.ok("sleep 100 < /dev/sda1 &");
        ShellHarness.Run r = sh.run("blockdev --getsz --rereadpt /dev/sda");
        assertEquals("blockdev: ioctl error on BLKRRPART: Device or resource busy\n16384\n", r.output());
    }

    @Test
    void syntaxErrorsAreReported() {
        assertThrows(IllegalArgumentException.class, () -> sh.run("echo 'open"));
        assertThrows(IllegalArgumentException.class, () -> sh.run("cat <<EOF\nno end"));
        assertThrows(IllegalArgumentException.class, () -> sh.run("echo a &&"));
    }

    @Test
    void quotesAndEscapesMakeWords() {
        assertEquals("a b  c\n", sh.ok("echo 'a b' \" c\""));
        assertEquals("x y\n", sh.ok("echo x\\ y"));
        assertNull(sh.run("true").deadlock());
    }
}
