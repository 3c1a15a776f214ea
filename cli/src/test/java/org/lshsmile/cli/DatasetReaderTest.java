package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lshsmile.core.io.Npy;

/**
 * The dataset reader's refusals: each damaged dataset gives exit code 2 from {@code dataset --check} with one
 * line naming the problem and the fix, and the files stay as they were.
 */
class DatasetReaderTest {

    /** 4 frames of grain growth, Q = 2, 16 x 16, every 3 steps: copied by each test before it damages it. */
    @TempDir
    static Path base;

    @TempDir
    Path tmp;

    private int copies;

    @BeforeAll
    static void writeBaseDataset() {
        Cli.ok(DatasetCommandTest.dataset("grain-growth", base.resolve("ds"), "--size", "16", "--order-params", "2",
            "--frames", "4", "--every", "3", "--threads", "1"));
    }

    /** A fresh copy of the base dataset. */
    private Path copy() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ds" + copies++));
        try (Stream<Path> s = Files.list(base.resolve("ds"))) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        return dir;
    }

    /** A copy whose index.json is edited by {@code edit} (which must change it). */
    private Path withIndex(UnaryOperator<String> edit) throws IOException {
        Path dir = copy();
        Path index = dir.resolve("index.json");
        String before = Files.readString(index, StandardCharsets.UTF_8);
        String after = edit.apply(before);
        assertFalse(before.equals(after), "the edit changed nothing");
        Files.writeString(index, after, StandardCharsets.UTF_8);
        return dir;
    }

    /** {@code dataset --check dir} fails with exit code 2 and {@code phrase}, and leaves every file alone. */
    private static String refused(Path dir, String phrase) throws IOException {
        DatasetTestFiles.Snapshot before = DatasetTestFiles.snapshot(dir);
        String line = Cli.usageError(phrase, "dataset", "--check", dir.toString());
        before.assertUnchanged(dir);
        return line;
    }

    @Test
    void theIntactDatasetPasses() throws IOException {
        Path dir = copy();
        Cli.Run r = Cli.ok("dataset", "--check", dir.toString());
        assertTrue(r.out().contains("4 frames of shape (2, 16, 16), steps 0 to 9 every 3"), r.out());
        assertTrue(r.out().contains("index and every frame ok"), r.out());
    }

    @Test
    void corruptJsonIsRefusedWithItsPlace() throws IOException {
        String line = refused(withIndex(s -> s.substring(0, s.length() / 2)), "index.json is not valid JSON (line");
        assertTrue(line.contains("regenerate the dataset"), line);
        refused(withIndex(s -> s + "{}"), "is not valid JSON (text after the closing brace");
        refused(withIndex(s -> s.replace("\"dt\": 0.05,", "\"dt\": 0.05, \"dt\": 0.1,")), "Duplicate key");
        refused(withIndex(s -> "[1, 2]"), "is not a dataset index (its JSON is not an object)");
    }

    @Test
    void aMissingIndexIsAnIncompleteDataset() throws IOException {
        Path dir = copy();
        Files.delete(dir.resolve("index.json"));
        refused(dir, "is incomplete: it has 4 frame files but no index.json");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        refused(empty, "has no index.json, so it is not an lshsmile dataset");
    }

    @Test
    void wrongFormatOrVersionOrUnknownModelIsRefused() throws IOException {
        refused(withIndex(s -> s.replace("\"format_version\": 1,", "\"format_version\": 2,")),
            "has dataset format version 2, but this lshsmile");
        refused(withIndex(s -> s.replace("\"lshsmile-dataset\"", "\"something-else\"")),
            "is not an lshsmile dataset index (its \"format\" is \"something-else\"");
        String line = refused(withIndex(s -> s.replace("\"model\": \"grain-growth\"", "\"model\": \"potts\"")),
            "names model \"potts\", which this lshsmile does not know");
        assertTrue(line.contains("grain-growth, cahn-hilliard or nanovoid"), line);
    }

    @Test
    void malformedEntriesAreNamed() throws IOException {
        refused(withIndex(s -> s.replace("  \"dt\": 0.05,\n", "")), "no \"dt\" entry");
        refused(withIndex(s -> s.replace("\"dt\": 0.05", "\"dt\": -1")), "\"dt\" is -1, not a positive number");
        refused(withIndex(s -> s.replace("    \"kappa_2\": 0.1\n", "").replace("\"kappa_1\": 0.1,",
            "\"kappa_1\": 0.1")), "no value for parameter kappa_2");
        refused(withIndex(s -> s.replace("\"L_1\": 5.0", "\"L_1\": -5.0")), "L_1 must be a positive");
        refused(withIndex(s -> s.replace("\"clamp\": false", "\"clamp\": \"no\"")), "'clamp' is 'no', not true or"
            + " false");
        refused(withIndex(s -> s.replace("\"frame_shape\": [2, 16, 16]", "\"frame_shape\": [2, 16, 15]")),
            "\"frame_shape\" is [2, 16, 15], but \"fields\" and \"size\" give [2, 16, 16]");
        refused(withIndex(s -> s.replace("\"frame_00001.npy\"", "\"../frame_00001.npy\"")),
            "frame 1 is \"../frame_00001.npy\", not the name of a .npy file in the dataset directory");
    }

    @Test
    void stepsThatDoNotIncreaseAreRefused() throws IOException {
        refused(withIndex(s -> s.replace("\"step\": 6}", "\"step\": 3}")),
            "the steps of the frames must increase, but frame 2 (frame_00002.npy) is at step 3");
        refused(withIndex(s -> s.replace("\"step\": 6}", "\"step\": 7}")),
            "frame 2 (frame_00002.npy) is at step 7, not a multiple of \"every\" (3)");
    }

    @Test
    void aMissingFrameIsRefused() throws IOException {
        Path dir = copy();
        Files.delete(dir.resolve("frame_00002.npy"));
        refused(dir, "is missing frame_00002.npy (frame 2, step 6, listed in index.json)");
    }

    @Test
    void aFrameOfTheWrongShapeIsRefused() throws IOException {
        Path dir = copy();
        Npy.write(dir.resolve("frame_00001.npy"), new int[] {2, 15, 16}, new double[2 * 15 * 16]);
        refused(dir, "(frame 1, step 3) has shape (2, 15, 16), but index.json gives every frame the shape"
            + " (2, 16, 16)");
    }

    @Test
    void aFrameWithNaNIsRefused() throws IOException {
        Path dir = copy();
        double[] v = Npy.read(dir.resolve("frame_00003.npy")).data();
        v[256 + 16 * 5 + 7] = Double.NaN;
        Npy.write(dir.resolve("frame_00003.npy"), new int[] {2, 16, 16}, v);
        refused(dir, "(frame 3, step 9) has a non-finite value NaN in field eta_2 at y=5, x=7");
    }

    @Test
    void pairsAreTStepsApartAndTMustBeAMultipleOfEvery() throws IOException {
        DatasetIndex index = DatasetIndex.read(copy());
        assertEquals(List.of(new DatasetIndex.Pair(0, 1), new DatasetIndex.Pair(1, 2), new DatasetIndex.Pair(2, 3)),
            index.pairs(3));
        assertEquals(List.of(new DatasetIndex.Pair(0, 3)), index.pairs(9));
        assertRefused(() -> index.pairs(4), "T = 4 steps is not a multiple of the dataset's frame interval (every = 3"
            + " steps); use T = 3 or 6");
        assertRefused(() -> index.pairs(2), "use T = 3, or");
        assertRefused(() -> index.pairs(12), "T = 12 steps is longer than the dataset, whose frames span 9 steps");
        assertRefused(() -> index.pairs(0), "T must be at least 1 step");
    }

    private static void assertRefused(Runnable r, String phrase) {
        CliException e = assertThrows(CliException.class, r::run);
        assertEquals(CliException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(phrase), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }
}
