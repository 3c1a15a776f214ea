package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test helper: the names, contents and modification times of a directory's files, to show nothing changed. */
final class DatasetTestFiles {

    private DatasetTestFiles() {
    }

    /** The files of a directory (not recursive) as {@code name -> SHA-256 of the content @ mtime}. */
    record Snapshot(Map<String, String> files) {

        /** Asserts that {@code dir} holds exactly the same files, unmodified. */
        void assertUnchanged(Path dir) throws IOException {
            assertEquals(files, snapshot(dir).files(), "files of " + dir + " changed");
        }
    }

    static Snapshot snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), sha256(Files.readAllBytes(p)) + " @ "
                    + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return new Snapshot(m);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
