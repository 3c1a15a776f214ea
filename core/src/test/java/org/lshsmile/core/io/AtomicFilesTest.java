package org.lshsmile.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AtomicFiles}: failures mid-write keep the previous file and leave no temporary file; leftovers. */
class AtomicFilesTest {

    @TempDir
    Path tmp;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The body writes part of the file and then fails as a full disk does (ENOSPC is a
     * {@code FileSystemException} with that reason in the JDK), or with an unchecked exception or an error:
     * the same exception reaches the caller, the old content is intact, no temporary file remains.
     */
    @Test
    void aBodyFailingMidWriteKeepsThePreviousFileAndLeavesNoTempFile() throws IOException {
        Path f = tmp.resolve("state.bin");
        AtomicFiles.write(f, ch -> AtomicFiles.writeFully(ch, ByteBuffer.wrap(new byte[] {1, 2, 3})));
        FileSystemException full = new FileSystemException(f.toString(), null, "No space left on device");
        assertSame(full, assertThrows(FileSystemException.class, () -> AtomicFiles.write(f, ch -> {
            AtomicFiles.writeFully(ch, ByteBuffer.allocate(100_000));
            throw full;
        })));
        IllegalStateException bug = new IllegalStateException("renderer failed");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> AtomicFiles.writeStream(f, out -> {
            out.write(new byte[4096]);
            throw bug;
        })));
        StackOverflowError error = new StackOverflowError();
        assertSame(error, assertThrows(StackOverflowError.class, () -> AtomicFiles.write(f, ch -> {
            throw error;
        })));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertEquals(List.of("state.bin"), listing());
    }

    @Test
    void writeStreamReplacesTheFileWhole() throws IOException {
        Path f = tmp.resolve("run.json");
        Files.writeString(f, "old and longer than the new content");
        AtomicFiles.writeStream(f, out -> out.write("{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{}", Files.readString(f));
        assertEquals(List.of("run.json"), listing());
    }

    /** Only names of the shape write() gives its temporary files go; everything else stays. */
    @Test
    void deleteLeftoversRemovesOnlyTemporaryFilesOfInterruptedWrites() throws IOException {
        for (String n : List.of(".final.npy.3k9x2a.tmp", ".ckpt_0000000010.ckpt.1.tmp", ".a.b.c.zzzzzzzzzzzzz.tmp",
            "notes.tmp", ".hidden", ".x.ABC.tmp", ".x.toolongtobeourslong.tmp", "final.npy", ".x.q1.tmp.bak")) {
            Files.writeString(tmp.resolve(n), n);
        }
        Files.createDirectory(tmp.resolve(".dir.k1.tmp"));
        assertEquals(List.of(".a.b.c.zzzzzzzzzzzzz.tmp", ".ckpt_0000000010.ckpt.1.tmp", ".final.npy.3k9x2a.tmp"),
            AtomicFiles.deleteLeftovers(tmp));
        assertEquals(List.of(".dir.k1.tmp", ".hidden", ".x.ABC.tmp", ".x.q1.tmp.bak", ".x.toolongtobeourslong.tmp",
            "final.npy", "notes.tmp"), listing());
        assertEquals(List.of(), AtomicFiles.deleteLeftovers(tmp.resolve("missing")));
    }
}
