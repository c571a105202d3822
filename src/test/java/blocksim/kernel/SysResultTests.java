package blocksim.kernel;

import blocksim.api.Errno;
import blocksim.api.SysResult;
import blocksim.api.SyscallException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A failed result never hands out -1 silently, names its call, and throws on demand. */
class SysResultTests {

    @Test
    void aFailureRefusesToHandOutItsValue() {
        SysResult r = SysResult.fail(Errno.EBUSY).during(() -> "open(\"/dev/sda1\", O_RDWR)");
        SyscallException e = assertThrows(SyscallException.class, r::intValue);
        assertEquals(Errno.EBUSY, e.errno());
        assertEquals("open(\"/dev/sda1\", O_RDWR) = -1 EBUSY (Device or resource busy)", e.getMessage());
        assertThrows(SyscallException.class, r::value);
        assertEquals("open(\"/dev/sda1\", O_RDWR)", assertThrows(SyscallException.class, r::orThrow).call());
    }

    @Test
    void aSuccessIsItsValueAndCostsNoCallText() {
        SysResult r = SysResult.ok(3).during(() -> {
            throw new AssertionError("the call is described only for a failure");
        });
        assertEquals(3, r.orThrow().intValue());
        assertEquals("= 3", r.toString());
        assertSame(SysResult.ok(), SysResult.ok(0));
    }

    @Test
    void theCallIsADescriptionNotPartOfEquality() {
        SysResult named = SysResult.fail(Errno.ENOENT).during(() -> "open(\"/x\", O_RDONLY)");
        assertEquals(SysResult.fail(Errno.ENOENT), named);
        assertEquals(SysResult.fail(Errno.ENOENT).hashCode(), named.hashCode());
        assertEquals("= -1 ENOENT (No such file or directory)", named.result());
        assertEquals("open(\"/x\", O_RDONLY) = -1 ENOENT (No such file or directory)", named.toString());
    }
}
