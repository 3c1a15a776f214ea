package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.bindings.Mpi;

/**
 * {@code mpirun -np N ... simulate --distributed} against one process: the final state and
 * diagnostics.csv are the same bytes for 1 to 4 ranks, 2-D and 3-D, every model, and across a resume; a
 * rank that fails ends the job with its message instead of hanging; what does not fit is refused. Every
 * mpirun has a hard timeout and is killed with its ranks when it expires. Skipped, with the reason, where
 * mpirun or the MPI shim is missing (CI installs Open MPI).
 */
class DistributedCliTest {

    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path tmp;

    private static Path mpirun;

    @BeforeAll
    static void findMpi() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "mpirun");
            if (Files.isExecutable(p)) {
                mpirun = p;
                break;
            }
        }
        Assumptions.assumeTrue(mpirun != null, "no mpirun on the PATH (apt-get install openmpi-bin libopenmpi-dev)");
        Mpi.Loaded l = Mpi.load();
        Assumptions.assumeTrue(l.mpi().isPresent(), () -> "no MPI shim: " + l.description());
    }

    record Outcome(int code, String output) {
    }

    /** mpirun -np {@code np} of the CLI with {@code args}; kills the whole tree after the timeout. */
    private static Outcome mpirun(int np, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(mpirun.toString(), "--oversubscribe", "--bind-to", "none", "--mca",
            "btl", "self,vader", "-np", Integer.toString(np)));
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
            "java").toString()));
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xmx256m"));
        if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.contains("jdk.incubator.vector"))) {
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        String kernels = System.getProperty("lshsmile.kernels");
        if (kernels != null) {
            cmd.add("-Dlshsmile.kernels=" + kernels);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("lshsmile-mpirun", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
            pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("mpirun -np " + np + " hung for " + TIMEOUT_SECONDS + " s (killed): "
                    + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Outcome(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String[] with(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private void assertSameRunAsOneProcess(String name, int[] ranks, String... simulate) throws Exception {
        Path one = tmp.resolve(name + "-one");
        Cli.ok(with(simulate, "--out", one.toString()));
        for (int np : ranks) {
            Path many = tmp.resolve(name + "-" + np);
            Outcome o = mpirun(np, with(simulate, "--out", many.toString(), "--distributed"));
            assertEquals(0, o.code(), () -> np + " ranks: " + o.output());
            assertTrue(o.output().contains("[INFO] distributed: " + np + " rank"), o.output());
            assertArrayEquals(Files.readAllBytes(one.resolve("final.npy")), Files.readAllBytes(many.resolve("final.npy")),
                np + " ranks: final state");
            assertEquals(Files.readString(one.resolve("diagnostics.csv")), Files.readString(many.resolve("diagnostics.csv")),
                np + " ranks: diagnostics (rank 0 computes them on the gathered grid)");
            assertTrue(Files.readString(many.resolve("run.json")).contains("\"ranks\": " + np));
        }
    }

    @Test
    void grainGrowth2dOnOneTwoAndFourRanksIsBitwiseOneProcess() throws Exception {
        assertSameRunAsOneProcess("gg", new int[] {1, 2, 4}, "simulate", "--model", "grain-growth", "--size", "24",
            "--grains", "9", "--order-params", "5", "--steps", "30", "--every", "10", "--bc", "noflux");
    }

    @Test
    void cahnHilliard3dOnOneTwoAndFourRanksIsBitwiseOneProcess() throws Exception {
        assertSameRunAsOneProcess("ch3d", new int[] {1, 2, 4}, "simulate", "--model", "cahn-hilliard", "--size", "10", "--nz",
            "8", "--steps", "30", "--every", "15");
    }

    /** Random sources keyed by global cells, and a distributed resume: still the bits of one uninterrupted process. */
    @Test
    void nanovoidWithSourcesResumedOnTwoRanksIsBitwiseOneProcess() throws Exception {
        String[] run = {"simulate", "--model", "nanovoid", "--size", "20", "--cascades", "--noise", "--seed", "5",
            "--every", "10", "--checkpoint-every", "20"};
        Path one = tmp.resolve("nv-one");
        Cli.ok(with(run, "--steps", "60", "--out", one.toString()));
        Path parts = tmp.resolve("nv-parts");
        Outcome a = mpirun(2, with(run, "--steps", "40", "--out", parts.toString(), "--distributed"));
        assertEquals(0, a.code(), a::output);
        Outcome b = mpirun(2, "simulate", "--resume", parts.toString(), "--steps", "60", "--distributed");
        assertEquals(0, b.code(), b::output);
        assertArrayEquals(Files.readAllBytes(one.resolve("final.npy")), Files.readAllBytes(parts.resolve("final.npy")));
        assertEquals(Files.readString(one.resolve("diagnostics.csv")), Files.readString(parts.resolve("diagnostics.csv")));
    }

    /** Rank 0 cannot write a snapshot (a directory is in the way): every rank ends, with the reason, promptly. */
    @Test
    void aRankThatFailsEndsTheJobWithItsMessage() throws Exception {
        Path out = tmp.resolve("fail");
        Files.createDirectories(out.resolve("snap_00000020.npy"));
        Files.writeString(out.resolve("snap_00000020.npy").resolve("keep.txt"), "mine");
        long t0 = System.nanoTime();
        Outcome o = mpirun(2, "simulate", "--model", "grain-growth", "--size", "24", "--steps", "40", "--every", "20",
            "--out", out.toString(), "--force", "--distributed");
        assertNotEquals(0, o.code(), o.output());
        assertTrue(o.output().contains("snap_00000020.npy"), o.output());
        assertTrue(o.output().contains("aborting all ranks"), o.output());
        assertTrue((System.nanoTime() - t0) / 1e9 < TIMEOUT_SECONDS, "no hang");
        assertEquals("mine", Files.readString(out.resolve("snap_00000020.npy").resolve("keep.txt")));
    }

    /** A blow-up is found by a collective check, so every rank stops at the same step; rank 0 keeps the last good state. */
    @Test
    void aBlowUpStopsEveryRankWithExitCode3() throws Exception {
        Path out = tmp.resolve("blow");
        Outcome o = mpirun(2, "simulate", "--model", "grain-growth", "--size", "24", "--steps", "200", "--dt", "3",
            "--unsafe-dt", "--out", out.toString(), "--distributed");
        assertEquals(3, o.code(), o.output());
        assertTrue(o.output().contains("non-finite value"), o.output());
        assertTrue(Files.exists(out.resolve("last_good.npy")), "rank 0 wrote the last good state");
        assertFalse(o.output().contains("aborting all ranks"), "no abort: every rank agreed");
    }

    /** Data-parallel learning over pairs: two ranks learn what one process learns, to rounding. */
    @Test
    void learnOnTwoRanksLearnsWhatOneProcessLearns() throws Exception {
        Path data = tmp.resolve("ds");
        Cli.ok("dataset", "--model", "grain-growth", "--size", "16", "--order-params", "3", "--grains", "3", "--frames",
            "6", "--every", "5", "--out", data.toString());
        String[] learn = {"learn", "--data", data.toString(), "--T", "5", "--perturb", "1.3", "--epochs", "6",
            "--optimizer", "lbfgs", "--threads", "1"};
        Path one = tmp.resolve("learn-one");
        Cli.ok(with(learn, "--out", one.toString()));
        Path two = tmp.resolve("learn-two");
        Outcome o = mpirun(2, with(learn, "--out", two.toString(), "--distributed"));
        assertEquals(0, o.code(), o::output);
        double[] a = learned(one.resolve("params.json"));
        double[] b = learned(two.resolve("params.json"));
        assertEquals(a.length, b.length);
        assertTrue(a.length >= 2, "parameters found");
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-9 * Math.abs(a[i]), "parameter " + i);
        }
        assertTrue(Files.readString(two.resolve("params.json")).contains("\"ranks\": 2"));
    }

    private static double[] learned(Path paramsJson) throws IOException {
        var m = java.util.regex.Pattern.compile("\"learned\": ([-0-9.eE+]+)").matcher(Files.readString(paramsJson));
        List<Double> v = new ArrayList<>();
        while (m.find()) {
            v.add(Double.parseDouble(m.group(1)));
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * The LSH engine on slabs with ghost layers: with a vanishing bucket width it is the exact engine bit for
     * bit on any number of ranks; in verified mode rank 0's exact twin measures its error, below r.
     */
    @Test
    void lshOnSlabsIsExactAsRVanishesAndWithinROtherwise() throws Exception {
        String[] gg = {"simulate", "--model", "grain-growth", "--preset", "paper", "--size", "32", "--grains", "3",
            "--order-params", "3", "--steps", "40", "--every", "20"};
        Path exact = tmp.resolve("lsh-exact");
        Cli.ok(with(gg, "--out", exact.toString()));
        for (int np : new int[] {2, 3}) {
            Path tiny = tmp.resolve("lsh-tiny-" + np);
            Outcome o = mpirun(np, with(gg, "--out", tiny.toString(), "--engine", "lsh", "--r", "1e-300", "--r0", "0",
                "--distributed"));
            assertEquals(0, o.code(), () -> np + " ranks: " + o.output());
            assertArrayEquals(Files.readAllBytes(exact.resolve("final.npy")), Files.readAllBytes(tiny.resolve("final.npy")),
                np + " ranks, r -> 0: the exact engine's final state");
            Path verified = tmp.resolve("lsh-verified-" + np);
            Outcome v = mpirun(np, with(gg, "--out", verified.toString(), "--engine", "lsh", "--r", "1e-3",
                "--compare-exact", "--distributed"));
            assertEquals(0, v.code(), () -> np + " ranks: " + v.output());
            double[] max = Cli.column(verified, "max_abs_error");
            assertEquals(3, max.length);
            for (double m : max) {
                assertTrue(m >= 0 && m <= 1e-3, np + " ranks: max |error| against exact " + m);
            }
            assertTrue(max[2] > 0, "buckets shared: the error is not zero");
        }
        Path paper = tmp.resolve("lsh-paper");
        Outcome o = mpirun(2, with(gg, "--out", paper.toString(), "--engine", "lsh", "--lsh-mode", "paper",
            "--distributed"));
        assertEquals(2, o.code(), o.output());
        assertEquals(1, o.output().lines().filter(l -> l.startsWith("lshsmile: error:")).count(), o.output());
        assertTrue(o.output().contains("verified mode only"), o.output());
        assertFalse(Files.exists(paper), "nothing written");
    }

    @Test
    void slabsThinnerThanTheHaloAreRefusedOnce() throws Exception {
        Path out = tmp.resolve("thin");
        Outcome o = mpirun(4, "simulate", "--model", "grain-growth", "--size", "6", "--steps", "5", "--out",
            out.toString(), "--distributed");
        assertEquals(2, o.code(), o.output());
        long errors = o.output().lines().filter(l -> l.startsWith("lshsmile: error:")).count();
        assertEquals(1, errors, o.output());
        assertTrue(o.output().contains("at most 3 ranks"), o.output());
        assertFalse(Files.exists(out), "nothing written");
    }
}
