package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.core.io.Checkpoint;

/** --checkpoint-every and --resume: bitwise continuation, fallback past corrupt checkpoints, refusals. */
class ResumeCliTest {

    @TempDir
    Path tmp;

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private static List<String> checkpointNames(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> snapshotNames(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("snap_")).sorted().toList();
        }
    }

    /**
     * Runs {@code settings} for 240 steps in one go, and for 130 steps then {@code --resume --steps 240};
     * the final state, diagnostics.csv and every snapshot must be the same bytes.
     */
    private void assertResumeIsBitwise(String model, String... settings) throws IOException {
        String[] common = concat(settings, "--every", "40", "--checkpoint-every", "50");
        Path whole = tmp.resolve(model + "-whole");
        Cli.ok(Cli.simulate(model, whole, concat(common, "--steps", "240")));
        Path parts = tmp.resolve(model + "-parts");
        Cli.ok(Cli.simulate(model, parts, concat(common, "--steps", "130")));
        assertEquals(List.of("ckpt_0000000100.ckpt", "ckpt_0000000130.ckpt"), checkpointNames(parts),
            "every 50 steps and at the end, the newest 2 kept");
        Cli.Run r = Cli.ok("simulate", "--resume", parts.toString(), "--steps", "240");
        assertTrue(r.out().contains("resumed from step 130 (checkpoints/ckpt_0000000130.ckpt), now at step 240 of 240"),
            r.out());
        assertArrayEquals(Files.readAllBytes(whole.resolve("final.npy")),
            Files.readAllBytes(parts.resolve("final.npy")), "final state");
        assertEquals(Files.readString(whole.resolve("diagnostics.csv")),
            Files.readString(parts.resolve("diagnostics.csv")));
        assertEquals(snapshotNames(whole), snapshotNames(parts));
        for (String n : snapshotNames(whole)) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(n)), Files.readAllBytes(parts.resolve(n)), n);
        }
        assertEquals(List.of("ckpt_0000000200.ckpt", "ckpt_0000000240.ckpt"), checkpointNames(parts));
        String json = Files.readString(parts.resolve("run.json"));
        assertTrue(json.contains("\"resumed_from\"") && json.contains("\"start_step\": 130")
            && json.contains("\"steps_done\": 240") && json.contains("\"status\": \"ok\""), json);
    }

    @Test
    void grainGrowthResumedIsBitwiseTheUninterruptedRun() throws IOException {
        assertResumeIsBitwise("grain-growth", "--size", "40", "--grains", "10", "--order-params", "5", "--seed", "3",
            "--bc", "noflux");
    }

    /**
     * The active engine resumes as the active engine (the checkpoint records it). With tau = 0 it is exact,
     * so the resumed run is bitwise the uninterrupted one; with tau > 0 the first step after a resume is a
     * dense sweep, so the two may differ at the tau level.
     */
    @Test
    void activeEngineResumesAsTheActiveEngine() throws IOException {
        assertResumeIsBitwise("grain-growth", "--size", "40", "--grains", "6", "--order-params", "4", "--seed", "5",
            "--engine", "active", "--tau", "0");
        String json = Files.readString(tmp.resolve("grain-growth-parts").resolve("run.json"));
        assertTrue(json.contains("\"engine\": \"active\""), json);
    }

    /** Default kernels (SIMD where available): the nanovoid logarithm is deterministic in both kernel sets. */
    @Test
    void nanovoidWithCascadesAndNoiseResumedIsBitwiseTheUninterruptedRun() throws IOException {
        assertResumeIsBitwise("nanovoid", "--size", "32", "--ic", "v2", "--cascades", "--noise", "--seed", "9",
            "--format", "npy,vti");
    }

    @Test
    void aCorruptNewestCheckpointFallsBackAndLaterRowsAreDropped() throws IOException {
        Path out = tmp.resolve("crash");
        String[] args = Cli.simulate("grain-growth", out, "--size", "32", "--steps", "200", "--every", "20",
            "--checkpoint-every", "50", "--order-params", "4");
        Cli.ok(args);
        byte[] fin = Files.readAllBytes(out.resolve("final.npy"));
        String csv = Files.readString(out.resolve("diagnostics.csv"));
        assertEquals(List.of("ckpt_0000000150.ckpt", "ckpt_0000000200.ckpt"), checkpointNames(out));
        // a bit flip in the newest checkpoint's data, and a final state that never got written
        Path newest = out.resolve("checkpoints/ckpt_0000000200.ckpt");
        byte[] b = Files.readAllBytes(newest);
        b[b.length - 100] ^= 1;
        Files.write(newest, b);
        Files.delete(out.resolve("final.npy"));

        Cli.Run r = Cli.ok("simulate", "--resume", out.toString());
        assertTrue(r.err().contains("[WARN] skipped unreadable or corrupt checkpoint ckpt_0000000200.ckpt; resuming"
            + " from step 150"), r.err());
        assertTrue(r.out().contains("resumed from step 150"), r.out());
        assertArrayEquals(fin, Files.readAllBytes(out.resolve("final.npy")));
        assertEquals(csv, Files.readString(out.resolve("diagnostics.csv")), "rows 160..200 replaced by the same");
        assertEquals(List.of("ckpt_0000000150.ckpt", "ckpt_0000000200.ckpt"), checkpointNames(out));
        Checkpoint c = Checkpoint.read(out.resolve("checkpoints/ckpt_0000000200.ckpt"));
        assertEquals(200, c.step());
        assertEquals("grain-growth", c.meta().get("model"));

        Cli.Run again = Cli.ok("simulate", "--resume", out.toString());
        assertTrue(again.out().contains(": 0 steps in"), "a finished run has nothing left: " + again.out());
        assertArrayEquals(fin, Files.readAllBytes(out.resolve("final.npy")));
    }

    @Test
    void checkpointMetaRecordsTheWholeRun() throws IOException {
        Path out = tmp.resolve("meta");
        Cli.ok(Cli.simulate("nanovoid", out, "--size", "16", "--steps", "20", "--checkpoint-every", "10",
            "--form", "conservative", "--no-void-mask", "--noise", "--seed", "11", "--param", "Ev=7.5", "--threads",
            "1", "--format", "npy,png", "--preset", "paper", "--dt", "0.05"));
        Map<String, String> m = Checkpoint.read(out.resolve("checkpoints/ckpt_0000000020.ckpt")).meta();
        Map<String, String> expected = Map.ofEntries(Map.entry("model", "nanovoid"), Map.entry("preset", "paper"),
            Map.entry("param.Ev", "7.5"), Map.entry("param.kT", "5.0"), Map.entry("flag.form", "conservative"),
            Map.entry("flag.clamp", "true"), Map.entry("flag.void_mask", "false"), Map.entry("flag.sources.noise",
                "true"), Map.entry("flag.sources.cascades", "false"), Map.entry("flag.sources.seed", "11"),
            Map.entry("dx", "1.0"), Map.entry("dt", "0.05"), Map.entry("bc", "periodic"), Map.entry("threads", "1"),
            Map.entry("every", "20"), Map.entry("formats", "npy,png"), Map.entry("checkpoint_every", "10"),
            Map.entry("steps_total", "20"), Map.entry("seed", "11"), Map.entry("ic.source", "v0"),
            Map.entry("lshsmile_version", VersionProvider.version()), Map.entry("run_format", CheckpointMeta.FORMAT));
        expected.forEach((k, v) -> assertEquals(v, m.get(k), k));
        assertTrue(m.containsKey("kernels") && m.containsKey("kernels_used") && m.containsKey("unsafe_dt"),
            m.toString());
    }

    @Test
    void aFreshRunDropsAnEarlierRunsCheckpoints() throws IOException {
        Path out = tmp.resolve("reuse");
        Cli.ok(Cli.simulate("cahn-hilliard", out, "--size", "16", "--steps", "30", "--checkpoint-every", "10"));
        assertEquals(List.of("ckpt_0000000020.ckpt", "ckpt_0000000030.ckpt"), checkpointNames(out));
        Cli.ok(Cli.simulate("cahn-hilliard", out, "--size", "16", "--steps", "5", "--force", "--checkpoint-every",
            "4"));
        assertEquals(List.of("ckpt_0000000004.ckpt", "ckpt_0000000005.ckpt"), checkpointNames(out));
    }

    @Test
    void resumeRefusesWhatItCannotContinue() throws IOException {
        Path none = tmp.resolve("no-ckpt");
        Cli.ok(Cli.simulate("grain-growth", none, "--size", "8", "--steps", "2"));
        Cli.usageError("no checkpoint in", "simulate", "--resume", none.toString());

        Path broken = tmp.resolve("all-corrupt");
        Cli.ok(Cli.simulate("grain-growth", broken, "--size", "8", "--steps", "4", "--checkpoint-every", "2"));
        for (String n : checkpointNames(broken)) {
            Path p = broken.resolve("checkpoints").resolve(n);
            byte[] b = Files.readAllBytes(p);
            Files.write(p, Arrays.copyOf(b, b.length - 3));
        }
        Cli.usageError("no valid checkpoint in", "simulate", "--resume", broken.toString());

        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign.resolve("checkpoints"));
        Files.writeString(foreign.resolve("run.json"), "{\"lshsmile_version\": \"0\"}");
        Checkpoint.write(foreign.resolve("checkpoints/ckpt_0000000010.ckpt"), new Checkpoint(
            Map.of("run_format", CheckpointMeta.FORMAT, "model", "grain-growth"), 10, 1, 4, 4, new double[16]));
        String line = Cli.usageError("has settings this lshsmile cannot read", "simulate", "--resume",
            foreign.toString());
        assertTrue(line.contains("no 'preset' entry"), line);
        Checkpoint.write(foreign.resolve("checkpoints/ckpt_0000000010.ckpt"), new Checkpoint(
            Map.of("run_format", "something-else"), 10, 1, 4, 4, new double[16]));
        Cli.usageError("'run_format' is 'something-else'", "simulate", "--resume", foreign.toString());

        Path plain = tmp.resolve("plain");
        Files.createDirectories(plain);
        Files.writeString(plain.resolve("notes.txt"), "mine");
        Cli.usageError("was not made by lshsmile", "simulate", "--resume", plain.toString());
        assertEquals(List.of(plain.resolve("notes.txt")), listFiles(plain), "nothing written");

        Path fine = tmp.resolve("fine");
        Cli.ok(Cli.simulate("grain-growth", fine, "--size", "8", "--steps", "20", "--checkpoint-every", "10"));
        Cli.usageError("--steps 5 is below step 20", "simulate", "--resume", fine.toString(), "--steps", "5");
        Cli.usageError("--dt cannot be combined with --resume", "simulate", "--resume", fine.toString(), "--dt",
            "0.01");
        Cli.usageError("--force cannot be combined with --resume", "simulate", "--resume", fine.toString(),
            "--force");
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.toList());
        }
    }
}
