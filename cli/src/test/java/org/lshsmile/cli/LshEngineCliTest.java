package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.core.io.Npy;

class LshEngineCliTest {

    @TempDir
    Path tmp;

    private static final String[] RUN = {"--preset", "paper", "--size", "48", "--order-params", "3", "--steps", "60"};

    private Path run(String name, String... engine) {
        String[] args = new String[RUN.length + engine.length];
        System.arraycopy(RUN, 0, args, 0, RUN.length);
        System.arraycopy(engine, 0, args, RUN.length, engine.length);
        Path out = tmp.resolve(name);
        Cli.ok(Cli.simulate("grain-growth", out, args));
        return out;
    }

    @Test
    void verifiedLshStaysWithinROfTheExactRun() throws IOException {
        Path exact = run("exact");
        Path lsh = run("lsh", "--engine", "lsh", "--lsh-mode", "verified", "--r", "1e-3", "--check-invariants");
        double[] a = Npy.read(exact.resolve("final.npy")).data();
        double[] b = Npy.read(lsh.resolve("final.npy")).data();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        assertTrue(max <= 1e-3, "max |lsh - exact| = " + max);
        String json = Files.readString(lsh.resolve("run.json"));
        assertTrue(json.contains("\"engine\": \"lsh\"") && json.contains("\"buckets\"")
            && json.contains("\"mode\": \"verified\""), json);
    }

    @Test
    void seedFixesTheHashFamilyUnlessLshSeedIsGiven() throws IOException {
        Path a = run("a", "--engine", "lsh", "--seed", "7");
        Path b = run("b", "--engine", "lsh", "--seed", "7");
        Path c = run("c", "--engine", "lsh", "--seed", "7", "--lsh-seed", "8");
        Path d = run("d", "--engine", "lsh");
        assertTrue(lshObject(a).contains("\"seed\": 7,"), "--seed reaches the hashes: " + lshObject(a));
        assertTrue(lshObject(c).contains("\"seed\": 8,"), "--lsh-seed wins: " + lshObject(c));
        assertTrue(lshObject(d).contains("\"seed\": 42,"), "default hash seed: " + lshObject(d));
        assertArrayEquals(Files.readAllBytes(a.resolve("final.npy")), Files.readAllBytes(b.resolve("final.npy")),
            "same seed, same bits");
    }

    /** run.json's "lsh" object, up to its first nested object or its end. */
    private static String lshObject(Path run) throws IOException {
        String json = Files.readString(run.resolve("run.json"));
        int from = json.indexOf("\"lsh\": {");
        assertTrue(from >= 0, json);
        int to = json.indexOf('}', from);
        return json.substring(from, to);
    }

    @Test
    void badLshOptionsAreOneLineErrors() {
        Path out = tmp.resolve("bad");
        Cli.usageError("--r must be a finite number > 0", Cli.simulate("grain-growth", out, "--steps", "5", "--engine",
            "lsh", "--r", "0"));
        Cli.usageError("--K must be between 1 and 64", Cli.simulate("grain-growth", out, "--steps", "5", "--engine",
            "lsh", "--K", "0"));
        Cli.usageError("unknown LSH mode 'fast'", Cli.simulate("grain-growth", out, "--steps", "5", "--engine", "lsh",
            "--lsh-mode", "fast"));
        Cli.usageError("apply only to --engine lsh", Cli.simulate("grain-growth", out, "--steps", "5", "--r", "1e-3"));
        Cli.usageError("--checkpoint-every is not supported with --engine lsh", Cli.simulate("grain-growth", out,
            "--steps", "5", "--engine", "lsh", "--checkpoint-every", "2"));
    }
}
