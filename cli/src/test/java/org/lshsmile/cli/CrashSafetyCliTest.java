package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged checkpoints, writers failing mid-write, a full disk and an unwritable output directory: the
 * CLI names the file and the fix in one line, uses the exit codes of {@link Main} (2 for what is refused
 * before anything is written, 1 for an I/O failure in the middle of a run) and leaves earlier outputs as
 * they were.
 *
 * <p>Methods used where the machine decides: the full disk is a real one, a 1 MiB tmpfs mounted by the test
 * ({@code mount -t tmpfs}, needs root or CAP_SYS_ADMIN; skipped with the reason otherwise). The same
 * failure is also simulated without privileges through the write seam, a body that throws the JDK's
 * {@code FileSystemException} with reason "No space left on device" after writing part of the file
 * ({@link #writerFailingMidWriteKeepsThePreviousFileAndNoTempFile}). The unwritable directory is made with
 * {@code chmod a-w} where permissions are enforced (not for root); as root, a tmpfs remounted read-only
 * (EROFS) is used instead; with neither the test is skipped with the reason.
 */
class CrashSafetyCliTest {

    @TempDir
    Path tmp;

    // ---- damaged checkpoints ----

    /** A finished run with checkpoints at 150 and 200; returns its final.npy. */
    private static byte[] runWithTwoCheckpoints(Path out) throws IOException {
        Cli.ok(Cli.simulate("grain-growth", out, "--size", "32", "--steps", "200", "--every", "40",
            "--checkpoint-every", "50", "--order-params", "4", "--seed", "2"));
        return Files.readAllBytes(out.resolve("final.npy"));
    }

    private static void damage(Path file, String how) throws IOException {
        byte[] b = Files.readAllBytes(file);
        switch (how) {
            case "truncated" -> Files.write(file, Arrays.copyOf(b, b.length - 100));
            case "flipped-byte" -> {
                b[b.length / 2] ^= 0x10;
                Files.write(file, b);
            }
            case "zero-length" -> Files.write(file, new byte[0]);
            case "header-only" -> Files.write(file, Arrays.copyOf(b, 40));
            default -> throw new AssertionError(how);
        }
    }

    /**
     * The newest checkpoint damaged in each way a crash or a bad disk can leave it: the resume takes the
     * previous one, says so in one WARN line, and ends with the same final state.
     */
    @ParameterizedTest
    @ValueSource(strings = {"truncated", "flipped-byte", "zero-length", "header-only"})
    void aDamagedNewestCheckpointFallsBackToThePreviousOne(String how) throws IOException {
        Path out = tmp.resolve(how);
        byte[] fin = runWithTwoCheckpoints(out);
        damage(out.resolve("checkpoints/ckpt_0000000200.ckpt"), how);
        Files.delete(out.resolve("final.npy"));

        Cli.Run r = Cli.ok("simulate", "--resume", out.toString());
        List<String> warns = r.err().lines().filter(l -> l.startsWith("[WARN] skipped")).toList();
        assertEquals(List.of("[WARN] skipped unreadable or corrupt checkpoint ckpt_0000000200.ckpt; resuming from"
            + " step 150"), warns, r.err());
        assertTrue(r.out().contains("resumed from step 150 (checkpoints/ckpt_0000000150.ckpt)"), r.out());
        assertArrayEquals(fin, Files.readAllBytes(out.resolve("final.npy")));
    }

    /**
     * A temporary file of an interrupted checkpoint write (step 250, half written) is not a checkpoint: the
     * resume uses the newest complete one and deletes the leftover, saying so.
     */
    @Test
    void aStrayTemporaryCheckpointIsIgnoredAndRemoved() throws IOException {
        Path out = tmp.resolve("stray");
        byte[] fin = runWithTwoCheckpoints(out);
        byte[] whole = Files.readAllBytes(out.resolve("checkpoints/ckpt_0000000200.ckpt"));
        Path stray = out.resolve("checkpoints/.ckpt_0000000250.ckpt.3k9x2a.tmp");
        Files.write(stray, Arrays.copyOf(whole, whole.length / 2));
        Path strayNpy = out.resolve(".final.npy.1z0p.tmp");
        Files.write(strayNpy, new byte[10]);

        Cli.Run r = Cli.ok("simulate", "--resume", out.toString(), "--steps", "220");
        assertTrue(r.out().contains("resumed from step 200 (checkpoints/ckpt_0000000200.ckpt)"), r.out());
        assertTrue(r.err().contains("[INFO] removed 2 temporary files left by an interrupted write: .final.npy.1z0p.tmp,"
            + " checkpoints/.ckpt_0000000250.ckpt.3k9x2a.tmp"), r.err());
        assertTrue(Files.notExists(stray) && Files.notExists(strayNpy));
        assertTrue(!Arrays.equals(fin, Files.readAllBytes(out.resolve("final.npy"))), "20 more steps were run");
    }

    /** Every checkpoint damaged: exit 2, one line, and not a byte of the directory changed. */
    @Test
    void everyCheckpointDamagedIsRefusedAndNothingIsWritten() throws IOException {
        Path out = tmp.resolve("all-bad");
        runWithTwoCheckpoints(out);
        damage(out.resolve("checkpoints/ckpt_0000000150.ckpt"), "zero-length");
        damage(out.resolve("checkpoints/ckpt_0000000200.ckpt"), "flipped-byte");
        Files.write(out.resolve("checkpoints/.ckpt_0000000250.ckpt.77.tmp"), new byte[3]);
        Map<String, byte[]> before = contents(out);
        String line = Cli.usageError("no valid checkpoint in " + out.resolve("checkpoints"), "simulate", "--resume",
            out.toString());
        assertTrue(line.contains("every one is truncated or corrupt"), line);
        assertSameContents(before, contents(out));
    }

    // ---- writers failing mid-write ----

    /**
     * A writer that fails after writing part of its file, as a full disk does (the seam: the body throws the
     * JDK's ENOSPC exception), or with an unchecked exception: the previous file is intact, no temporary file
     * remains, and the I/O failure is one line naming the file and the fix.
     */
    @Test
    void writerFailingMidWriteKeepsThePreviousFileAndNoTempFile() throws IOException {
        OutputDir dir = OutputDir.create(tmp.resolve("w"));
        dir.write("run.json", o -> o.write("{\"v\": 1}".getBytes(StandardCharsets.UTF_8)));
        CliException e = assertThrows(CliException.class, () -> dir.write("run.json", o -> {
            o.write(new byte[70_000]);
            throw new FileSystemException(tmp.resolve("w/run.json").toString(), null, "No space left on device");
        }));
        assertEquals(CliException.FAILURE, e.exitCode());
        assertEquals("cannot write " + tmp.resolve("w/run.json") + " (No space left on device); free space on that"
            + " file system or choose an output directory on another one; files written before are intact",
            e.getMessage());
        assertThrows(UncheckedIOException.class, () -> dir.write("run.json", o -> {
            o.write(new byte[5]);
            throw new UncheckedIOException(new IOException("encoder failed"));
        }));
        assertEquals("{\"v\": 1}", Files.readString(tmp.resolve("w/run.json")));
        assertEquals(List.of("run.json"), names(tmp.resolve("w")));
    }

    // ---- full disk ----

    /**
     * A real full disk in the middle of a run: a 1 MiB tmpfs holds an earlier run's outputs (48^2, Q = 8: 147 KB
 * per state), a new run
     * (--force) fills it while writing a snapshot. Exit 1 with one line naming the file, "No space left on
     * device" and the fix; the earlier run's final.npy and the new run's earlier snapshots are intact, no
     * temporary file remains; once space is freed (remounted bigger) --resume finishes the run bitwise equal
     * to an uninterrupted one. Skipped where mounting is not permitted.
     */
    @Test
    void aFullDiskMidRunIsOneLineAndLeavesEarlierOutputsIntact() throws Exception {
        Path mnt = Files.createDirectory(tmp.resolve("tmpfs"));
        assumeTrue(mount(mnt, "size=16m"), "mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN)");
        try {
            String[] small = {"--size", "48", "--order-params", "8", "--grains", "8", "--seed", "6"};
            String[] longer = concat(small, "--steps", "200", "--every", "20", "--checkpoint-every", "20");
            // the uninterrupted run, on the tmpfs too (no fsync cost), kept in memory
            Path ref = mnt.resolve("reference");
            Cli.ok(Cli.simulate("grain-growth", ref, longer));
            Map<String, byte[]> reference = contents(ref);
            deleteTree(ref);
            assertTrue(remount(mnt, "size=1m"), "remount to 1 MiB");

            Path out = mnt.resolve("run");
            Cli.ok(Cli.simulate("grain-growth", out, concat(small, "--steps", "10", "--every", "10")));
            byte[] earlierFinal = Files.readAllBytes(out.resolve("final.npy"));

            Cli.Run r = Cli.run(concat(Cli.simulate("grain-growth", out, longer), "--force"));
            assertEquals(CliException.FAILURE, r.code(), r.err());
            List<String> lines = r.errorLines();
            assertEquals(1, lines.size(), r.err());
            String line = lines.get(0);
            assertTrue(line.startsWith("lshsmile: error: cannot write ") && line.contains(out.toString())
                && line.contains("(No space left on device); free space on that file system"), line);
            assertArrayEquals(earlierFinal, Files.readAllBytes(out.resolve("final.npy")), "earlier run's final.npy");
            String json = Files.readString(out.resolve("run.json"));
            assertTrue(json.contains("\"status\": \"failed\"") && json.contains("No space left on device"), json);
            assertEquals(List.of(), names(out).stream().filter(n -> n.endsWith(".tmp")).toList());
            assertEquals(List.of(), names(out.resolve("checkpoints")).stream().filter(n -> n.endsWith(".tmp"))
                .toList());
            int snapshots = 0;
            for (String n : names(out)) {
                if (n.startsWith("snap_") && reference.containsKey(n)) {
                    assertArrayEquals(reference.get(n), Files.readAllBytes(out.resolve(n)), n);
                    snapshots++;
                }
            }
            assertTrue(snapshots >= 2, "snapshots written before the disk filled: " + names(out));

            assertTrue(remount(mnt, "size=16m"), "remount with more space");
            Cli.ok("simulate", "--resume", out.toString());
            assertArrayEquals(reference.get("final.npy"), Files.readAllBytes(out.resolve("final.npy")));
            assertArrayEquals(reference.get("diagnostics.csv"), Files.readAllBytes(out.resolve("diagnostics.csv")));
            System.out.println("[full-disk] " + line + "; the resume after freeing space ended bitwise equal");
        } finally {
            unmount(mnt);
        }
    }

    // ---- unwritable output directory ----

    /**
     * An output directory that cannot be written: a fresh run (--force) and a resume are refused before
     * anything is written, exit 2, one line naming the directory and the fix; its files stay as they were.
     * Made with chmod a-w where permissions are enforced, else (root) with a read-only tmpfs.
     */
    @Test
    void anUnwritableOutputDirectoryIsRefusedUpFront() throws Exception {
        Path base = Files.createDirectory(tmp.resolve("ro"));
        boolean mounted = false;
        if (!permissionsEnforced()) {
            assumeTrue(mount(base, "size=4m"), "running as root (permissions not enforced) and mounting a tmpfs is not"
                + " permitted: no way to make a directory unwritable");
            mounted = true;
        }
        Path out = base.resolve("run");
        try {
            Cli.ok(Cli.simulate("grain-growth", out, "--size", "16", "--steps", "20", "--checkpoint-every", "10"));
            Map<String, byte[]> before = contents(out);
            if (mounted) {
                assertTrue(remount(base, "ro"), "remount read-only");
            } else {
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
                Files.setPosixFilePermissions(out.resolve("checkpoints"), PosixFilePermissions.fromString("r-xr-xr-x"));
            }
            String fresh = Cli.usageError("output directory " + out + " is not writable", concat(Cli.simulate(
                "grain-growth", out, "--size", "16", "--steps", "20"), "--force"));
            assertTrue(fresh.contains("choose another --out"), fresh);
            String resume = Cli.usageError("cannot resume in " + out + ": it is not writable", "simulate", "--resume",
                out.toString(), "--steps", "40");
            assertTrue(resume.contains("make it writable"), resume);
            assertSameContents(before, contents(out));
        } finally {
            if (mounted) {
                unmount(base);
            } else if (Files.exists(out)) {
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setPosixFilePermissions(out.resolve("checkpoints"), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    // ---- helpers ----

    private boolean permissionsEnforced() throws IOException {
        if (!tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return false;
        }
        Path d = Files.createDirectory(tmp.resolve("probe"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Files.delete(Files.createFile(d.resolve("x")));
            return false;
        } catch (IOException e) {
            return true;
        } finally {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static boolean mount(Path dir, String options) throws InterruptedException {
        return command("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
    }

    private static boolean remount(Path dir, String options) throws InterruptedException {
        return command("mount", "-o", "remount," + options, dir.toString());
    }

    private static void unmount(Path dir) throws InterruptedException {
        assertTrue(command("umount", dir.toString()), "umount " + dir);
    }

    private static boolean command(String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false; // no mount command
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every regular file under {@code dir} by relative path, with its bytes. */
    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private static void assertSameContents(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "files");
        expected.forEach((k, v) -> {
            assertNotNull(actual.get(k), k);
            assertArrayEquals(v, actual.get(k), k);
        });
    }
}
