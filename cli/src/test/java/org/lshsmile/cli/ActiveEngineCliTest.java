package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.io.NpyArray;

class ActiveEngineCliTest {

    @TempDir
    Path tmp;

    private static final String[] RUN = {"--preset", "paper", "--size", "40", "--order-params", "3", "--steps", "120",
        "--bc", "noflux", "--kernels", "scalar", "--threads", "2"};

    private Cli.Run run(String name, String... engine) {
        String[] args = new String[RUN.length + engine.length];
        System.arraycopy(RUN, 0, args, 0, RUN.length);
        System.arraycopy(engine, 0, args, RUN.length, engine.length);
        return Cli.ok(Cli.simulate("grain-growth", tmp.resolve(name), args));
    }

    private static long[] bits(Path file) throws IOException {
        NpyArray a = Npy.read(file);
        double[] v = a.data();
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Double.doubleToRawLongBits(v[i]);
        }
        return b;
    }

    @Test
    void activeWithTauZeroEqualsExactBitwise() throws IOException {
        run("exact", "--engine", "exact");
        Cli.Run r = run("active", "--engine", "active", "--tau", "0");
        assertArrayEquals(bits(tmp.resolve("exact/final.npy")), bits(tmp.resolve("active/final.npy")));
        String json = Files.readString(tmp.resolve("active/run.json"));
        for (String key : List.of("\"engine\": \"active\"", "\"tau\": 0", "\"dense_steps\"", "\"sparse_steps\"")) {
            assertTrue(json.contains(key), () -> key + " missing from run.json:\n" + json);
        }
        assertTrue(r.out().contains("(active, scalar"), r.out());
        assertTrue(r.out().contains("engine: active, tau = 0:"), r.out());
        String exactJson = Files.readString(tmp.resolve("exact/run.json"));
        assertTrue(exactJson.contains("\"engine\": \"exact\"") && exactJson.contains("\"sparse_steps\": 0"),
            exactJson);
    }

    @Test
    void defaultTauRunsSparseSteps() throws IOException {
        // 96^2 and 200 steps: the paper preset's boundaries pin after ~120 steps, then the band is a few %
        Cli.Run r = Cli.ok(Cli.simulate("grain-growth", tmp.resolve("default"), "--preset", "paper", "--size", "96",
            "--order-params", "3", "--steps", "200", "--engine", "active", "--threads", "1"));
        String json = Files.readString(tmp.resolve("default/run.json"));
        assertTrue(json.contains("\"tau\": 1.0E-10") || json.contains("\"tau\": 1e-10"), json);
        int at = json.indexOf("\"sparse_steps\": ") + "\"sparse_steps\": ".length();
        long sparse = Long.parseLong(json.substring(at, json.indexOf(',', at)).trim());
        assertTrue(sparse > 0, json);
        assertTrue(r.err().contains("[INFO] engine: active"), r.err());
    }

    @Test
    void badTauIsRefused() {
        for (String bad : List.of("-1", "NaN", "Infinity", "-1e-300")) {
            Cli.usageError("--tau must be a finite number >= 0", Cli.simulate("grain-growth", tmp.resolve("bad"),
                "--steps", "5", "--engine", "active", "--tau", bad));
        }
        Cli.Run r = Cli.run(Cli.simulate("grain-growth", tmp.resolve("bad"), "--steps", "5", "--engine", "active",
            "--tau", "abc"));
        assertEquals(2, r.code(), r.err());
        Cli.usageError("--tau applies only to --engine active", Cli.simulate("grain-growth", tmp.resolve("bad"),
            "--steps", "5", "--tau", "0"));
        Cli.usageError("unknown --engine 'narrowband'", Cli.simulate("grain-growth", tmp.resolve("bad"), "--steps", "5",
            "--engine", "narrowband"));
    }
}
