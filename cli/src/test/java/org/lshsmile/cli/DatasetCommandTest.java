package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.io.NpyArray;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.Nanovoid;
import org.lshsmile.core.model.Preset;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code lshsmile dataset}: frames equal to simulate's states bit for bit, the index, and its refusals. */
class DatasetCommandTest {

    @TempDir
    Path tmp;

    /** {@code dataset --model MODEL --out OUT} and more. */
    static String[] dataset(String model, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("dataset", "--model", model, "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** The final state of {@code simulate} with these options and {@code --steps steps}. */
    private NpyArray simulated(String model, long steps, String... options) throws IOException {
        Path out = tmp.resolve("sim-" + model + "-" + steps + "-" + Math.abs(Arrays.hashCode(options)));
        List<String> a = new ArrayList<>(List.of(options));
        a.addAll(List.of("--steps", Long.toString(steps)));
        Cli.ok(Cli.simulate(model, out, a.toArray(String[]::new)));
        return Npy.read(out.resolve("final.npy"));
    }

    private static void assertBitwise(NpyArray want, NpyArray got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        for (int i = 0; i < want.data().length; i++) {
            if (Double.doubleToRawLongBits(want.data()[i]) != Double.doubleToRawLongBits(got.data()[i])) {
                throw new AssertionError(what + ": element " + i + " is " + got.data()[i] + ", not "
                    + want.data()[i]);
            }
        }
    }

    @Test
    void grainGrowthFramesAreSimulateStatesBitForBit() throws IOException {
        Path out = tmp.resolve("gg");
        Cli.Run r = Cli.ok(dataset("grain-growth", out, "--size", "32", "--frames", "4", "--every", "5"));
        for (int k = 0; k < 4; k++) {
            NpyArray frame = Npy.read(out.resolve(String.format("frame_%05d.npy", k)));
            assertArrayEquals(new int[] {8, 32, 32}, frame.shape());
            // frame 0 is the initial state (simulate --steps 0 writes it as final.npy), frame k the state at 5k
            assertBitwise(simulated("grain-growth", 5L * k, "--size", "32"), frame, "frame " + k);
        }
        DatasetIndex index = DatasetIndex.read(out);
        assertEquals(List.of(0L, 5L, 10L, 15L), index.frames().stream().map(DatasetIndex.Frame::step).toList());
        assertEquals("frame_00003.npy", index.frames().get(3).file());
        assertEquals(List.of(new DatasetIndex.Pair(0, 2), new DatasetIndex.Pair(1, 3)), index.pairs(10));
        assertEquals(Preset.DEFAULT.grainGrowth(8, false).parameters(), index.model().parameters());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("[INFO] dataset: grain-growth (preset default), 8"
            + " fields on 32 x 32")).count(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("[INFO] kernels: ")).count(), r.err());
        assertTrue(r.out().startsWith("dataset: 4 frames of shape (8, 32, 32), steps 0 to 15 every 5"), r.out());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("frame_00000.npy", "frame_00001.npy", "frame_00002.npy", "frame_00003.npy",
                "index.json"), files.map(p -> p.getFileName().toString()).sorted().toList(), "nothing else");
        }
    }

    static Stream<Arguments> otherModels() {
        return Stream.of(
            Arguments.of("nanovoid", new String[] {"--size", "24", "--ic", "v1", "--form", "conservative"}),
            Arguments.of("nanovoid", new String[] {"--size", "24", "--preset", "paper", "--no-void-mask"}),
            Arguments.of("cahn-hilliard", new String[] {"--size", "24", "--preset", "pfhub-1b", "--param", "M=4"}));
    }

    @ParameterizedTest
    @MethodSource("otherModels")
    void nanovoidAndCahnHilliardFramesAreSimulateStatesBitForBit(String model, String[] options) throws IOException {
        Path out = tmp.resolve("ds");
        List<String> a = new ArrayList<>(List.of(options));
        a.addAll(List.of("--frames", "3", "--every", "4"));
        Cli.ok(dataset(model, out, a.toArray(String[]::new)));
        Dataset d = Dataset.open(out);
        d.verify();
        for (int k = 0; k < 3; k++) {
            assertBitwise(simulated(model, 4L * k, options), new NpyArray(d.index().frameShape(), d.frame(k)),
                "frame " + k);
        }
        Model m = d.index().model();
        assertEquals(model, m.name());
        if (m instanceof Nanovoid n) {
            boolean conservative = List.of(options).contains("conservative");
            assertEquals(conservative ? Nanovoid.Form.CONSERVATIVE : Nanovoid.Form.LITERAL, n.form());
            assertEquals(!List.of(options).contains("--no-void-mask"), n.voidMask());
            assertTrue(n.clamp());
            assertFalse(n.sources().cascades() || n.sources().noise(), "no random sources");
            assertEquals(Nanovoid.standard(n.form()).parameters(), n.parameters());
            assertEquals(List.of(options).contains("paper") ? 0.1 : 0.02, d.index().dt());
        } else {
            assertInstanceOf(CahnHilliard.class, m);
            assertEquals(CahnHilliard.pfhub1().with("M", 4).parameters(), m.parameters());
            assertEquals(Boundary.NOFLUX, d.index().boundary());
        }
    }

    @Test
    void indexRoundTripsThroughTheReaderAndRebuildsTheModel() throws IOException {
        Path out = tmp.resolve("rt");
        Cli.ok(dataset("grain-growth", out, "--size", "24", "--order-params", "3", "--seed", "7",
            "--param", "L_2=4", "--param", "kappa=0.2", "--clamp", "--frames", "3", "--every", "2", "--threads", "1"));
        String text = Files.readString(out.resolve("index.json"), StandardCharsets.UTF_8);
        DatasetIndex index = DatasetIndex.read(out);
        assertEquals(text, Json.write(index.toJson()), "index.json is what the index writes");
        GrainGrowth want = Preset.DEFAULT.grainGrowth(3, true).with("L_2", 4).with("kappa", 0.2);
        GrainGrowth got = assertInstanceOf(GrainGrowth.class, index.model());
        assertEquals(want.parameters(), got.parameters());
        assertEquals(List.of("A", "B", "L_1", "L_2", "L_3", "kappa_1", "kappa_2", "kappa_3"),
            List.copyOf(index.parameters().keySet()), "the model's own names, in its order");
        assertTrue(got.clamp());
        assertEquals(want.stableDt(0.5), got.stableDt(0.5));
        assertEquals(List.of("eta_1", "eta_2", "eta_3"), index.fieldNames());
        assertArrayEquals(new int[] {3, 24, 24}, index.frameShape());
        assertEquals(0.5, index.dx());
        // kappa = 0.2 lowers the stable bound below the preset's 0.05: dt is 90% of it, as simulate picks it
        assertEquals(Double.parseDouble(Checks.roundDown(0.9 * want.stableDt(0.5))), index.dt());
        assertEquals(Boundary.PERIODIC, index.boundary());
        assertEquals(7, index.seed());
        assertEquals(2, index.every());
        assertEquals(3, ((Number) index.initialState().get("grains")).intValue());
        assertEquals("voronoi", index.initialState().get("source"));
        assertEquals("exact", index.engine());
        assertEquals(1, index.threads());
        assertEquals(VersionProvider.version(), index.lshsmileVersion());
        Dataset d = Dataset.open(out);
        assertEquals(3, d.size());
        try (Grid g = d.newGrid()) {
            d.load(2, g);
            double[] v = new double[3 * 24 * 24];
            g.copyTo(v);
            assertArrayEquals(Npy.read(out.resolve("frame_00002.npy")).data(), v);
        }
    }

    @Test
    void initFileIsFrameZero() throws IOException {
        double[] c = CahnHilliard.pfhub1Initial(12, 10, 1.0, 0.4, 0.05);
        Path in = tmp.resolve("c.npy");
        Npy.write(in, new int[] {12, 10}, c);
        Path out = tmp.resolve("init");
        Cli.ok(dataset("cahn-hilliard", out, "--init", in.toString(), "--frames", "2", "--every", "3"));
        Dataset d = Dataset.open(out);
        assertArrayEquals(c, d.frame(0));
        assertArrayEquals(new int[] {1, 12, 10}, Npy.read(out.resolve("frame_00000.npy")).shape());
        assertEquals("file", d.index().initialState().get("source"));
    }

    @Test
    void refusesANonEmptyOutWithoutForceAndReplacesOnlyItsOwnFilesWithForce() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.writeString(out.resolve("frame_00001.npy"), "not a frame");
        DatasetTestFiles.Snapshot before = DatasetTestFiles.snapshot(out);
        Cli.usageError("is not empty", dataset("grain-growth", out, "--size", "16", "--frames", "2"));
        before.assertUnchanged(out);

        Cli.ok(dataset("grain-growth", out, "--size", "16", "--order-params", "2", "--frames", "3", "--force"));
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
        assertEquals(3, Dataset.open(out).size());
        Dataset.open(out).verify();

        // a shorter dataset over it: the new index lists 2 frames; the third file stays, outside the index
        Cli.ok(dataset("grain-growth", out, "--size", "16", "--order-params", "2", "--frames", "2", "--every", "3",
            "--force"));
        DatasetIndex index = DatasetIndex.read(out);
        assertEquals(List.of(0L, 3L), index.frames().stream().map(DatasetIndex.Frame::step).toList());
        assertTrue(Files.exists(out.resolve("frame_00002.npy")));
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    }

    @Test
    void aRunThatGoesNonFiniteLeavesNoIndex() throws IOException {
        Path out = tmp.resolve("nan");
        Cli.Run r = Cli.run(dataset("grain-growth", out, "--size", "16", "--order-params", "2", "--dt", "3",
            "--unsafe-dt", "--frames", "40", "--every", "10"));
        assertEquals(3, r.code(), r.err());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).contains("non-finite at step") && lines.get(0).contains("incomplete"), lines.get(0));
        assertFalse(Files.exists(out.resolve("index.json")));
        assertTrue(Files.exists(out.resolve("frame_00000.npy")));
        Cli.usageError("is incomplete", "dataset", "--check", out.toString());
    }

    @Test
    void badOptionsAreOneLineUsageErrors() {
        Path out = tmp.resolve("x");
        Cli.usageError("Missing required option: '--frames=F'", "dataset", "--model", "grain-growth", "--out",
            out.toString());
        Cli.usageError("--frames must be between 2 and", dataset("grain-growth", out, "--frames", "1"));
        Cli.usageError("--every must be between 1 and", dataset("grain-growth", out, "--frames", "2", "--every", "0"));
        Cli.usageError("--seed does not apply to nanovoid", dataset("nanovoid", out, "--frames", "2", "--seed", "3"));
        Cli.usageError("--grains does not apply to cahn-hilliard", dataset("cahn-hilliard", out, "--frames", "2",
            "--grains", "3"));
        Cli.usageError("unknown --model 'potts'", dataset("potts", out, "--frames", "2"));
        Cli.usageError("is at or above the stability limit", dataset("grain-growth", out, "--frames", "2", "--dt",
            "1"));
        Cli.usageError("--out cannot be combined with --check", "dataset", "--check", out.toString(), "--out",
            out.toString());
        Cli.usageError("no such directory", "dataset", "--check", out.toString());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void helpDocumentsEveryOption() {
        Cli.Run r = Cli.ok("dataset", "--help");
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
            false, new DemoCommand()).getSubcommands().get("dataset");
        List<OptionSpec> options = cl.getCommandSpec().options();
        assertTrue(options.size() >= 24, options.size() + " options");
        for (OptionSpec o : options) {
            assertTrue(r.out().contains(o.longestName()), o.longestName() + " missing from the help");
            assertTrue(o.description().length > 0 && !o.description()[0].isBlank(), o.longestName() + " undocumented");
        }
        for (String o : List.of("--model", "--preset", "--size", "--seed", "--frames", "--every", "--out", "--grains",
            "--order-params", "--ic", "--param", "--kernels", "--threads", "--check", "--force")) {
            assertTrue(r.out().contains(o), o);
        }
        assertTrue(Cli.ok("--help").out().contains("dataset"));
    }
}
