package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.io.NpyArray;

/** {@code simulate --nz}: 3-D grids through the command line, their files, resume, and what is refused. */
class ThreeDimensionalCliTest {

    @TempDir
    Path tmp;

    @Test
    void grainGrowthIn3dWritesVolumesAndASliceImage() throws IOException {
        Path out = tmp.resolve("gg3d");
        Cli.ok(Cli.simulate("grain-growth", out, "--size", "20", "--nz", "8", "--grains", "12", "--order-params", "6",
            "--steps", "20", "--every", "10", "--format", "npy,png,vti", "--slice", "3"));
        NpyArray a = Npy.read(out.resolve("final.npy"));
        assertArrayEquals(new int[] {6, 8, 20, 20}, a.shape());
        for (double v : a.data()) {
            assertTrue(v >= 0 && v <= 1.0 + 1e-9, "order parameter out of range: " + v);
        }
        BufferedImage img = ImageIO.read(out.resolve("snap_00000010.png").toFile());
        assertEquals(20, img.getWidth());
        assertEquals(20, img.getHeight());
        String vti = Files.readString(out.resolve("final.vti"), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(vti.contains("WholeExtent=\"0 19 0 19 0 7\""), "a volume");
        String json = Files.readString(out.resolve("run.json"));
        assertTrue(json.contains("\"size\": [8, 20, 20]") && json.contains("\"png_slice\": 3"), json);
    }

    /** The 3-D state of a different slice gives a different image: the slice option is honoured. */
    @Test
    void theSliceOptionPicksTheImagedSlice() throws IOException {
        byte[][] images = new byte[2][];
        for (int z = 0; z < 2; z++) {
            Path out = tmp.resolve("slice" + z);
            Cli.ok(Cli.simulate("grain-growth", out, "--size", "16", "--nz", "6", "--grains", "10", "--order-params",
                "6", "--steps", "0", "--format", "png", "--slice", Integer.toString(z * 5)));
            images[z] = Files.readAllBytes(out.resolve("snap_00000000.png"));
        }
        assertFalse(java.util.Arrays.equals(images[0], images[1]), "slices 0 and 5 of a 3-D Voronoi state differ");
    }

    @Test
    void cahnHilliardIn3dConservesMassThroughTheCli() throws IOException {
        Path out = tmp.resolve("ch3d");
        Cli.ok(Cli.simulate("cahn-hilliard", out, "--size", "16", "--nz", "6", "--steps", "200", "--every", "100"));
        var rows = Cli.csv(out);
        int total = java.util.Arrays.asList(rows.get(0)).indexOf("total_c");
        assertTrue(total > 0, String.join(",", rows.get(0)));
        double first = Double.parseDouble(rows.get(1)[total]);
        double last = Double.parseDouble(rows.get(rows.size() - 1)[total]);
        assertEquals(first, last, 1e-11 * Math.abs(first));
        assertEquals(6 * 16 * 16 * 0.5, first, 6 * 16 * 16 * 0.02, "mean c near c0 = 0.5");
    }

    @Test
    void a3dRunResumedFromItsCheckpointIsBitwiseTheUninterruptedOne() throws IOException {
        String[] common = {"--size", "12", "--nz", "5", "--every", "20", "--checkpoint-every", "30", "--cascades",
            "--noise", "--seed", "4"};
        Path whole = tmp.resolve("whole");
        Cli.ok(Cli.simulate("nanovoid", whole, concat(common, "--steps", "80")));
        Path parts = tmp.resolve("parts");
        Cli.ok(Cli.simulate("nanovoid", parts, concat(common, "--steps", "50")));
        Cli.ok("simulate", "--resume", parts.toString(), "--steps", "80");
        assertArrayEquals(Files.readAllBytes(whole.resolve("final.npy")), Files.readAllBytes(parts.resolve("final.npy")));
        assertArrayEquals(new int[] {3, 5, 12, 12}, Npy.read(parts.resolve("final.npy")).shape());
    }

    @Test
    void a4dInitFileStartsA3dRun() throws IOException {
        Path first = tmp.resolve("first");
        Cli.ok(Cli.simulate("grain-growth", first, "--size", "10", "--nz", "4", "--grains", "4", "--order-params", "4",
            "--steps", "0"));
        Path second = tmp.resolve("second");
        Cli.ok(Cli.simulate("grain-growth", second, "--init", first.resolve("final.npy").toString(), "--steps", "5"));
        assertArrayEquals(new int[] {4, 4, 10, 10}, Npy.read(second.resolve("final.npy")).shape());
    }

    @Test
    void theLshEngineRuns3dGridsWithin_rOfExact() throws Exception {
        Path out = tmp.resolve("lsh3d");
        Cli.Run run = Cli.ok(Cli.simulate("grain-growth", out, "--preset", "paper", "--size", "20", "--nz", "16",
            "--grains", "3", "--order-params", "3", "--steps", "30", "--every", "10", "--engine", "lsh", "--lsh-mode",
            "verified", "--r", "1e-3", "--compare-exact"));
        assertArrayEquals(new int[] {3, 16, 20, 20}, Npy.read(out.resolve("final.npy")).shape());
        double[] max = Cli.column(out, "max_abs_error");
        assertEquals(4, max.length, run.out());
        for (double v : max) {
            assertTrue(v >= 0 && v <= 1e-3, "max |error| against the exact 3-D run " + v);
        }
        assertTrue(max[3] > 0, "grain interiors share buckets, so the error is not zero: " + run.out());
        assertTrue(run.out().contains("on 16 x 20 x 20"), run.out());
    }

    @Test
    void whatIs2dOnlyIsRefusedWithTheFix() {
        Cli.usageError("2-D only", Cli.simulate("grain-growth", tmp.resolve("a"), "--size", "8", "--nz", "4",
            "--steps", "1", "--engine", "active"));
        Cli.usageError("--slice", Cli.simulate("grain-growth", tmp.resolve("c"), "--size", "8", "--nz", "4",
            "--steps", "1", "--slice", "4"));
        Cli.usageError("--slice applies only to 3-D", Cli.simulate("grain-growth", tmp.resolve("d"), "--size", "8",
            "--steps", "1", "--slice", "0"));
        Cli.usageError("--nz", Cli.simulate("grain-growth", tmp.resolve("e"), "--size", "8", "--nz", "0",
            "--steps", "1"));
        Cli.usageError("2-D state", Cli.simulate("grain-growth", tmp.resolve("f"), "--size", "8", "--nz", "3",
            "--ic", "circle", "--steps", "1"));
        Cli.usageError("2-D only", "dataset", "--model", "grain-growth", "--size", "8", "--nz", "3", "--frames", "2",
            "--out", tmp.resolve("g").toString());
        for (String d : new String[] {"a", "b", "c", "d", "e", "f", "g"}) {
            assertFalse(Files.exists(tmp.resolve(d)), "nothing written for " + d);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
