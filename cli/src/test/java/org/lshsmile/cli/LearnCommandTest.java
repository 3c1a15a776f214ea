package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.core.io.Npy;

/**
 * {@code lshsmile learn}: recovers grain-growth parameters from a dataset made by {@code lshsmile dataset},
 * writes what it says it writes, and refuses bad options and bad datasets with one line and nothing written.
 */
class LearnCommandTest {

    static final String[] NAMES = {"A", "B", "L_1", "L_2", "L_3", "kappa_1", "kappa_2", "kappa_3"};

    @TempDir
    static Path shared;
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void dataset() {
        data = shared.resolve("gg");
        Cli.ok("dataset", "--model", "grain-growth", "--order-params", "3", "--size", "32", "--frames", "31",
            "--out", data.toString());
    }

    static String[] learn(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("learn", "--data", data.toString(), "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** params.json's parameters.NAME.KEY. */
    static double param(String json, String name, String key) {
        return Cli.jsonNumber(Cli.jsonObject(Cli.jsonObject(json, "parameters"), name), key);
    }

    @Test
    void recoversEveryParameterFromAPerturbedStartAndWritesItsFiles() throws IOException {
        Path out = tmp.resolve("learn");
        Cli.Run r = Cli.ok(learn(out, "--T", "10", "--perturb", "2", "--pairs", "6", "--epochs", "300"));
        String json = Files.readString(out.resolve("params.json"));
        double startWorst = 0;
        for (String n : NAMES) {
            assertTrue(param(json, n, "rel_error") < 0.01, n + " within 1%: " + json);
            assertEquals(Math.abs(param(json, n, "learned") / param(json, n, "true") - 1), param(json, n, "rel_error"),
                1e-12);
            startWorst = Math.max(startWorst, Math.abs(param(json, n, "start") / param(json, n, "true") - 1));
        }
        assertTrue(startWorst > 0.2, "the start was really perturbed: " + json);
        assertEquals(6, Cli.jsonNumber(json, "pairs"));
        assertTrue(Cli.jsonNumber(json, "final_loss") < 1e-6 * Cli.jsonNumber(json, "initial_loss"), json);
        List<String> csv = Files.readAllLines(out.resolve("loss.csv"));
        assertEquals("epoch,loss,gradient_norm,evaluations,seconds," + String.join(",", NAMES), csv.get(0));
        assertEquals((int) Cli.jsonNumber(json, "epochs") + 1, csv.size(), "one row per epoch");
        assertEquals(LossPlot.WIDTH, ImageIO.read(out.resolve("loss.png").toFile()).getWidth());
        assertTrue(r.out().contains("kappa_3") && r.out().contains("rel. error"), r.out());
    }

    @Test
    void recoversTheIdentifiableNanovoidParametersWithinFivePercent() throws IOException {
        Path nv = tmp.resolve("nv");
        Cli.ok("dataset", "--model", "nanovoid", "--ic", "v2", "--size", "32", "--frames", "5", "--every", "10",
            "--out", nv.toString());
        Path out = tmp.resolve("nv-learn");
        Cli.ok("learn", "--data", nv.toString(), "--out", out.toString(), "--T", "10", "--perturb", "1.5", "--fix",
            "kT", "--fix", "ki", "--fix", "R_surf", "--epochs", "300");
        String json = Files.readString(out.resolve("params.json"));
        for (String n : new String[] {"Ev", "Ei", "kv", "ke", "R_bulk", "Dv", "Di", "L"}) {
            assertTrue(param(json, n, "rel_error") < 0.05, n + " within 5%: " + json);
        }
        assertTrue(json.contains("\"fixed\": [\"kT\", \"ki\", \"R_surf\"]"), json);
    }

    @Test
    void fixedParametersKeepTheirStartAndShortNamesWork() throws IOException {
        Path out = tmp.resolve("fix");
        Cli.ok(learn(out, "--T", "5", "--pairs", "3", "--epochs", "3", "--init", "L2=4", "--init", "kappa=0.12",
            "--fix", "kappa3", "--fix", "A"));
        String json = Files.readString(out.resolve("params.json"));
        assertEquals(4.0, param(json, "L_2", "start"));
        assertEquals(0.12, param(json, "kappa_1", "start"));
        assertEquals(0.12, param(json, "kappa_3", "learned"), 0.0, "fixed");
        assertEquals(1.0, param(json, "A", "learned"), 0.0, "fixed");
        assertTrue(param(json, "L_2", "learned") != 4.0, "L_2 learns");
        assertTrue(json.contains("\"fixed\": [\"A\", \"kappa_3\"]"), json);
    }

    @Test
    void adamOnMiniBatchesRuns() throws IOException {
        Path out = tmp.resolve("adam");
        Cli.ok(learn(out, "--T", "5", "--pairs", "4", "--perturb", "1.5", "--optimizer", "adam", "--lr", "0.05",
            "--batch", "2", "--epochs", "20"));
        String json = Files.readString(out.resolve("params.json"));
        assertTrue(Cli.jsonNumber(json, "final_loss") < Cli.jsonNumber(json, "initial_loss"), json);
        assertEquals(21, Files.readAllLines(out.resolve("loss.csv")).size());
    }

    @Test
    void refusesBadOptionsWithOneLineAndWritesNothing() {
        Path out = tmp.resolve("never");
        Cli.usageError("--out", "learn", "--data", data.toString());
        Cli.usageError("longer than the dataset", learn(out, "--T", "40"));
        Cli.usageError("--batch applies only", learn(out, "--batch", "2"));
        Cli.usageError("--lr and --schedule apply only", learn(out, "--lr", "0.1"));
        Cli.usageError("no learnable parameter 'M'", learn(out, "--init", "M=2"));
        Cli.usageError("not a number", learn(out, "--init", "L=abc"));
        Cli.usageError("positive", learn(out, "--init", "L=-1"));
        Cli.usageError("nothing to learn", learn(out, "--fix", "A", "--fix", "B", "--fix", "L", "--fix", "kappa"));
        Cli.usageError("unstable", learn(out, "--init", "L=40"));
        Cli.usageError("unknown --engine", learn(out, "--engine", "fast"));
        Cli.usageError("apply only to --engine lsh", learn(out, "--r", "1e-3"));
        Cli.usageError("unknown optimizer", learn(out, "--optimizer", "newton"));
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void refusesANonEmptyOutWithoutForceAndKeepsItsFiles() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        DatasetTestFiles.Snapshot before = DatasetTestFiles.snapshot(out);
        Cli.usageError("not empty", learn(out, "--perturb", "2"));
        before.assertUnchanged(out);
    }

    @Test
    void refusesADatasetWithANonFiniteFrame() throws IOException {
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        try (var s = Files.list(data)) {
            for (Path p : s.toList()) {
                Files.copy(p, bad.resolve(p.getFileName()));
            }
        }
        var frame = Npy.read(bad.resolve("frame_00003.npy"));
        double[] v = frame.data().clone();
        v[17] = Double.NaN;
        Npy.write(bad.resolve("frame_00003.npy"), frame.shape(), v);
        DatasetTestFiles.Snapshot before = DatasetTestFiles.snapshot(bad);
        Path out = tmp.resolve("out");
        Cli.usageError("non-finite", "learn", "--data", bad.toString(), "--out", out.toString(), "--perturb", "2");
        before.assertUnchanged(bad);
        assertFalse(Files.exists(out));
        Cli.usageError("no such directory", "learn", "--data", tmp.resolve("nothing").toString(), "--out", out.toString());
    }
}
