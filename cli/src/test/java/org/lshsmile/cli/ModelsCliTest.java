package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.io.NpyArray;
import org.lshsmile.core.model.CahnHilliard;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.ModelPreset;
import org.lshsmile.core.model.Nanovoid;

/** simulate with the Cahn-Hilliard and nanovoid models, the per-model presets, and the VTK and PNG outputs. */
class ModelsCliTest {

    @TempDir
    Path tmp;

    private static void assertConstant(double[] v, double relative, String what) {
        for (double x : v) {
            assertEquals(v[0], x, Math.abs(v[0]) * relative, what + " drifted: " + Arrays.toString(v));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pfhub-1a", "pfhub-1b"})
    void cahnHilliardConservesMassAndLowersItsEnergy(String preset) throws IOException {
        Path out = tmp.resolve(preset);
        Cli.Run r = Cli.ok(Cli.simulate("cahn-hilliard", out, "--preset", preset, "--size", "64", "--steps", "500",
            "--every", "50"));
        assertArrayEquals(new int[] {1, 64, 64}, Npy.read(out.resolve("final.npy")).shape());
        assertEquals("step,time,free_energy,total_c", String.join(",", Cli.csv(out).get(0)));
        double[] mass = Cli.column(out, "total_c");
        assertEquals(11, mass.length);
        assertConstant(mass, 1e-12, "total c");
        double[] f = Cli.column(out, "free_energy");
        for (int i = 1; i < f.length; i++) {
            assertTrue(f[i] <= f[i - 1], "free energy rose: " + Arrays.toString(f));
        }
        double[] t = Cli.column(out, "time");
        assertEquals(0.5, t[t.length - 1], 1e-12, "dt = 1e-3 from the preset");
        String json = Files.readString(out.resolve("run.json"));
        for (String key : List.of("\"model\": \"cahn-hilliard\"", "\"preset\": \"" + preset + "\"",
            "\"bc\": \"" + (preset.endsWith("a") ? "periodic" : "noflux") + "\"", "\"M\": 5.0", "\"rho\": 5.0",
            "\"source\": \"pfhub\"", "\"c0\": 0.5", "\"eps\": 0.01", "\"dt\": 0.001")) {
            assertTrue(json.contains(key), () -> key + " missing from run.json:\n" + json);
        }
        assertFalse(json.contains("grains"), "no grain count for Cahn-Hilliard");
        assertFalse(r.out().contains("grains:"), r.out());
        assertTrue(r.out().contains("fields c,"), r.out());
    }

    @Test
    void cahnHilliardStartsFromThePfhubState() throws IOException {
        Path out = tmp.resolve("ic");
        Cli.ok(Cli.simulate("cahn-hilliard", out, "--size", "20", "--steps", "0", "--bc", "noflux"));
        assertArrayEquals(CahnHilliard.pfhub1Initial(20, 20, 1.0, 0.5, 0.01),
            Npy.read(out.resolve("final.npy")).data());
        assertTrue(Files.readString(out.resolve("run.json")).contains("\"bc\": \"noflux\""), "--bc overrides");
    }

    @Test
    void nanovoidWritesItsThreeFieldsAndSwitches() throws IOException {
        Path out = tmp.resolve("nv");
        Cli.Run r = Cli.ok(Cli.simulate("nanovoid", out, "--preset", "paper", "--ic", "v2", "--size", "32",
            "--steps", "40", "--every", "20", "--cascades", "--seed", "5"));
        assertArrayEquals(new int[] {3, 32, 32}, Npy.read(out.resolve("final.npy")).shape());
        assertArrayEquals(Nanovoid.initialState("v2", 32, 32), Npy.read(out.resolve("snap_00000000.npy")).data());
        assertEquals("step,time,free_energy,total_c_v,total_c_i,total_eta", String.join(",", Cli.csv(out).get(0)));
        assertEquals(List.of("0", "20", "40"), Cli.csv(out).stream().skip(1).map(c -> c[0]).toList());
        assertEquals(4.0, Cli.column(out, "time")[2], 1e-12, "the paper preset's dt = 0.1");
        String json = Files.readString(out.resolve("run.json"));
        for (String key : List.of("\"model\": \"nanovoid\"", "\"preset\": \"paper\"", "\"form\": \"literal\"",
            "\"clamp\": true", "\"void_mask\": true", "\"cascades\": true", "\"noise\": false", "\"seed\": 5",
            "\"R_surf\": 10.0", "\"source\": \"v2\"", "\"field_names\": [\"c_v\", \"c_i\", \"eta\"]")) {
            assertTrue(json.contains(key), () -> key + " missing from run.json:\n" + json);
        }
        assertFalse(json.contains("grains"), json);
        assertTrue(r.out().contains("fields c_v, c_i, eta"), r.out());
    }

    @Test
    void conservativeNanovoidWithoutSinksOrClampConservesVacancies() throws IOException {
        Path out = tmp.resolve("cons");
        Cli.ok(Cli.simulate("nanovoid", out, "--form", "conservative", "--param", "R_bulk=0", "--param", "R_surf=0",
            "--no-clamp", "--param", "kT=1", "--size", "48", "--steps", "400", "--every", "50"));
        String json = Files.readString(out.resolve("run.json"));
        assertTrue(json.contains("\"form\": \"conservative\"") && json.contains("\"clamp\": false")
            && json.contains("\"kT\": 1.0"), json);
        assertConstant(Cli.column(out, "total_c_v"), 1e-12, "total c_v");
        assertConstant(Cli.column(out, "total_c_i"), 1e-12, "total c_i");
        double[] eta = Cli.column(out, "total_eta");
        assertNotEquals(eta[0], eta[eta.length - 1], "the void evolves");

        Path lit = tmp.resolve("lit");
        Cli.ok(Cli.simulate("nanovoid", lit, "--param", "R_bulk=0", "--param", "R_surf=0", "--no-clamp", "--param",
            "kT=1", "--size", "48", "--steps", "400", "--every", "400"));
        double[] cv = Cli.column(lit, "total_c_v");
        assertTrue(Math.abs(cv[1] - cv[0]) > 1e-6 * cv[0], "the literal form does not conserve c_v: "
            + Arrays.toString(cv));
    }

    @Test
    void initFilesGiveEachModelItsState() throws IOException {
        double[] nv = Nanovoid.initialState("v1", 16, 12);
        Path in3 = tmp.resolve("nv.npy");
        Npy.write(in3, new int[] {3, 16, 12}, nv);
        Path out = tmp.resolve("nv-init");
        Cli.ok(Cli.simulate("nanovoid", out, "--init", in3.toString(), "--steps", "0", "--cascades", "--seed", "2"));
        assertArrayEquals(nv, Npy.read(out.resolve("final.npy")).data());

        double[] c = CahnHilliard.pfhub1Initial(10, 14, 1.0, 0.4, 0.02);
        Path in1 = tmp.resolve("c.npy");
        Npy.write(in1, new int[] {10, 14}, c);
        Path ch = tmp.resolve("ch-init");
        Cli.ok(Cli.simulate("cahn-hilliard", ch, "--init", in1.toString(), "--steps", "3"));
        assertArrayEquals(new int[] {1, 10, 14}, Npy.read(ch.resolve("final.npy")).shape());
    }

    @Test
    void vtiSnapshotsHoldTheGridAndEveryField() throws IOException {
        Path out = tmp.resolve("vti");
        Cli.ok(Cli.simulate("nanovoid", out, "--size", "20", "--dx", "0.75", "--steps", "10", "--every", "5",
            "--format", "vti", "--dt", "0.01"));
        assertFalse(Files.exists(out.resolve("snap_00000005.npy")), "vti only");
        for (String name : List.of("snap_00000000.vti", "snap_00000005.vti", "snap_00000010.vti", "final.vti")) {
            assertTrue(Files.exists(out.resolve(name)), name);
        }
        NpyArray fin = Npy.read(out.resolve("final.npy"));
        double[][] arrays = readVti(out.resolve("final.vti"), 20, 20, List.of("c_v", "c_i", "eta"), 0.1);
        for (int f = 0; f < 3; f++) {
            assertArrayEquals(Arrays.copyOfRange(fin.data(), f * 400, (f + 1) * 400), arrays[f], "field " + f);
        }
        readVti(out.resolve("snap_00000005.vti"), 20, 20, List.of("c_v", "c_i", "eta"), 0.05);
    }

    /** Parses the header, checks extent, spacing, time and names, and reads each appended block by its length. */
    private static double[][] readVti(Path file, int ny, int nx, List<String> names, double time) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int start = text.indexOf("<AppendedData encoding=\"raw\">");
        assertTrue(start > 0, "no raw appended data");
        int underscore = text.indexOf('_', start) + 1;
        String header = text.substring(0, underscore);
        assertTrue(header.contains("WholeExtent=\"0 " + (nx - 1) + " 0 " + (ny - 1) + " 0 0\""), header);
        assertTrue(header.contains("Spacing=\"0.75 0.75 0.75\""), header);
        Matcher t = Pattern.compile("Name=\"TimeValue\"[^>]*>([^<]+)<").matcher(header);
        assertTrue(t.find(), header);
        assertEquals(time, Double.parseDouble(t.group(1)), 1e-12);
        Matcher m = Pattern.compile("Name=\"([^\"]+)\" format=\"appended\" offset=\"(\\d+)\"").matcher(header);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[][] out = new double[names.size()][];
        int f = 0;
        long expectedOffset = 0;
        while (m.find()) {
            assertEquals(names.get(f), m.group(1));
            long offset = Long.parseLong(m.group(2));
            assertEquals(expectedOffset, offset, "offset of " + m.group(1));
            int pos = underscore + (int) offset;
            long length = b.getLong(pos);
            assertEquals((long) ny * nx * Double.BYTES, length, "appended block length of " + m.group(1));
            out[f] = new double[ny * nx];
            b.position(pos + Long.BYTES);
            b.asDoubleBuffer().get(out[f]);
            expectedOffset += Long.BYTES + length;
            f++;
        }
        assertEquals(names.size(), f, "data arrays");
        String tail = text.substring(underscore + (int) expectedOffset);
        assertEquals("\n  </AppendedData>\n</VTKFile>\n", tail, "the blocks end where the footer starts");
        return out;
    }

    @Test
    void pngsAreOneImagePerFieldAtTheGridsSize() throws IOException {
        Path out = tmp.resolve("png");
        Cli.Run r = Cli.ok(Cli.simulate("nanovoid", out, "--size", "24", "--steps", "10", "--every", "10",
            "--format", "png,npy"));
        for (String field : List.of("c_v", "c_i", "eta")) {
            for (String name : List.of("snap_00000000_" + field + ".png", "snap_00000010_" + field + ".png",
                "final_" + field + ".png")) {
                BufferedImage img = ImageIO.read(out.resolve(name).toFile());
                assertEquals(24, img.getWidth(), name);
                assertEquals(24, img.getHeight(), name);
            }
        }
        assertFalse(Files.exists(out.resolve("snap_00000010.png")), "no combined image for nanovoid");
        assertTrue(r.out().contains("final_c_v.png"), r.out());
        // v0 at step 0: c_i is 6.9e-4 everywhere, a flat field, which gets the middle of the colour map
        BufferedImage flat = ImageIO.read(out.resolve("snap_00000000_c_i.png").toFile());
        assertEquals(Png.viridis(0.5), flat.getRGB(3, 3) & 0xffffff);
        BufferedImage eta = ImageIO.read(out.resolve("snap_00000000_eta.png").toFile());
        assertEquals(Png.viridis(1), eta.getRGB(12, 12) & 0xffffff, "void centre at the top of the map");
        assertEquals(Png.viridis(0), eta.getRGB(0, 0) & 0xffffff, "matrix at the bottom");
    }

    @Test
    void presetsComeFromCoreAndKnowTheirModels() {
        assertEquals(List.of("grain-growth", "cahn-hilliard", "nanovoid"), ModelPreset.models());
        assertEquals("default", ModelPreset.defaultFor("grain-growth").name());
        assertEquals("pfhub-1a", ModelPreset.defaultFor("cahn-hilliard").name());
        assertEquals("default", ModelPreset.defaultFor("nanovoid").name());
        ModelPreset b = ModelPreset.byName("Cahn-Hilliard", "PFHUB-1B");
        assertEquals(Boundary.NOFLUX, b.boundary());
        assertEquals(200, b.size());
        assertEquals(1e-3, b.dt());
        assertTrue(b.model(1) instanceof CahnHilliard);
        ModelPreset paper = ModelPreset.byName("nanovoid", "paper");
        assertEquals(0.1, paper.dt());
        assertTrue(paper.dt() < paper.model(3).stableDt(paper.dx()));
        assertEquals(Nanovoid.Form.LITERAL, ((Nanovoid) paper.model(3)).form());
        assertEquals(0.02, ModelPreset.byName("nanovoid", "default").dt());
        assertEquals(5, ((GrainGrowth) ModelPreset.byName("grain-growth", "paper").model(5)).orderParameters());
        assertEquals(List.of("v0", "v1", "v2"), ModelPreset.initialStates("nanovoid"));
        for (ModelPreset p : ModelPreset.all()) {
            assertTrue(ModelPreset.initialStates(p.modelName()).contains(p.initialState()), p.toString());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ModelPreset.byName("cahn-hilliard", "paper"));
        assertTrue(e.getMessage().contains("use pfhub-1a or pfhub-1b"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelPreset.of("potts"));
        assertThrows(IllegalArgumentException.class, () -> paper.model(2));
    }
}
