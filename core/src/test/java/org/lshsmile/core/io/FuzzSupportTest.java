package org.lshsmile.core.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fuzz harness itself: it must fail on exactly what the fuzz tests are meant to catch. */
class FuzzSupportTest {

    @TempDir
    Path tmp;

    private static final byte[] INPUT = {1, 2, 3};

    private void read(FuzzSupport.Reader<Object> reader) throws IOException {
        FuzzSupport.readOne(tmp.resolve("f"), INPUT, 7, "test", reader, NpyFormatException.class, (v, b) -> { });
    }

    @Test
    void documentedOneLineRefusalPasses() throws IOException {
        read(f -> {
            throw new NpyFormatException(f, "bad", "fix it");
        });
    }

    @Test
    void undocumentedExceptionsFailNamingTheInput() {
        AssertionError e = assertThrows(AssertionError.class, () -> read(f -> {
            throw new IllegalStateException("boom");
        }));
        assertTrue(e.getMessage().contains("input #7") && e.getMessage().contains("010203"), e.getMessage());
        assertThrows(AssertionError.class, () -> read(f -> {
            throw new OutOfMemoryError("huge shape");
        }));
        assertThrows(AssertionError.class, () -> read(f -> {
            throw new IOException("not the documented type");
        }));
    }

    @Test
    void multiLineOrForeignMessagesFail() {
        assertThrows(AssertionError.class, () -> read(f -> {
            throw new NpyFormatException(f, "two\nlines", "fix");
        }));
        assertThrows(AssertionError.class, () -> read(f -> {
            throw new NpyFormatException(Path.of("other.npy"), "bad", "fix");
        }));
    }

    @Test
    void failedConsistencyCheckFails() {
        assertThrows(AssertionError.class, () -> FuzzSupport.readOne(tmp.resolve("f"), INPUT, 1, "test",
            f -> "loaded", NpyFormatException.class, (v, b) -> {
                throw new AssertionError("inconsistent");
            }));
    }

    @Test
    void mutationsAreReproducibleFromTheInputNumber() {
        byte[] seed = new byte[100];
        for (int i = 0; i < 50; i++) {
            assertTrue(Arrays.equals(FuzzSupport.mutateBytes(seed, FuzzSupport.rng(i)),
                FuzzSupport.mutateBytes(seed, FuzzSupport.rng(i))));
        }
        int changed = 0;
        for (int i = 0; i < 200; i++) {
            changed += Arrays.equals(seed, FuzzSupport.mutateBytes(seed, FuzzSupport.rng(i))) ? 0 : 1;
        }
        assertTrue(changed > 150, "most mutations change the input, got " + changed);
    }
}
