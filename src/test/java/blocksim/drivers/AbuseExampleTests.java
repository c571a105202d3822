package blocksim.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import blocksim.SimKernel;
import blocksim.api.Credentials;
import blocksim.api.KernelConfig;
import blocksim.api.Profile;
import blocksim.api.Task;
import blocksim.kernel.Scheduler;
import blocksim.uapi.OpenFlags;
import blocksim.userland.abuse.AbuseServer;
import blocksim.userland.abuse.BlockBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/abuse.md's Java server, run as written there, serving a write and a read. */
class AbuseExampleTests {

    @Test
    void theDocumentedServerServes() throws Exception {
        String doc = Files.readString(Path.of("docs/abuse.md"));
        String snippet = doc.substring(doc.indexOf("```java\n") + 8, doc.indexOf("```", doc.indexOf("```java\n") + 8));
        assertEquals("""
                Task t = kernel.spawn("server", Credentials.ROOT);
                AbuseServer server = new AbuseServer(kernel, t, "/dev/abctl0", BlockBackend.memory(16 << 20));
                server.setUp(4096, 64).orThrow();   // ABUSE_SET_STATUS: 16 MiB, 4 KiB blocks, 64 queued at most
                kernel.scheduler().spawn(t, "server", server::serve);   // poll, GET_BIO, serve, PUT_BIO, for ever
                """, snippet, "the code below is the documented code");
        try (SimKernel kernel = SimKernel.boot(Profile.LINUX_2_6_32, KernelConfig.defaults())) {
            Task admin = kernel.spawn("insmod", Credentials.ROOT);
            kernel.insmod(admin, "abuse", java.util.List.of()).orThrow();
            // the documented lines
            Task t = kernel.spawn("server", Credentials.ROOT);
            AbuseServer server = new AbuseServer(kernel, t, "/dev/abctl0", BlockBackend.memory(16 << 20));
            server.setUp(4096, 64).orThrow();   // ABUSE_SET_STATUS: 16 MiB, 4 KiB blocks, 64 queued at most
            kernel.scheduler().spawn(t, "server", server::serve);   // poll, GET_BIO, serve, PUT_BIO, for ever
            // a client
            Task c = kernel.spawn("client", Credentials.ROOT);
            byte[] back = new byte[512];
            Scheduler.KThread client = kernel.scheduler().spawn(c, "client", () -> {
                int fd = kernel.open(c, "/dev/abuse0", OpenFlags.O_RDWR | OpenFlags.O_DIRECT).intValue();
                byte[] b = "hello from a Java server".getBytes();
                byte[] sector = java.util.Arrays.copyOf(b, 512);
                kernel.pwrite(c, fd, sector, 0, 512, 4096).orThrow();
                kernel.pread(c, fd, back, 0, 512, 4096).orThrow();
            });
            assertEquals(null, kernel.scheduler().runUntil(client::done));
            assertEquals(null, client.failure());
            assertTrue(new String(back).startsWith("hello from a Java server"));
            assertTrue(server.served() >= 2);
            kernel.scheduler().shutdown();
        }
    }
}
