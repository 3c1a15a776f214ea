package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --engine lsh --stats FILE} and the LSH totals in run.json. */
class LshStatsCliTest {

    @TempDir
    Path tmp;

    private static final String[] LSH = {"--preset", "paper", "--size", "48", "--order-params", "3", "--engine", "lsh",
        "--r", "1e-3"};

    private static String[] args(String... more) {
        String[] a = new String[LSH.length + more.length];
        System.arraycopy(LSH, 0, a, 0, LSH.length);
        System.arraycopy(more, 0, a, LSH.length, more.length);
        return a;
    }

    /** The stats file as rows of numbers, header checked and dropped. */
    private static long[][] rows(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        assertEquals(StatsCsv.HEADER, lines.get(0));
        assertEquals("step,buckets,active_buckets,active_elements,evals,merges,rejected_merges,rehashed,eval_ns,"
            + "rehash_ns,merge_ns,total_ns", lines.get(0));
        return lines.stream().skip(1).map(l -> {
            String[] c = l.split(",");
            assertEquals(12, c.length, l);
            long[] v = new long[c.length];
            for (int i = 0; i < c.length; i++) {
                v[i] = Long.parseLong(c[i]);
            }
            return v;
        }).toArray(long[][]::new);
    }

    @Test
    void statsHaveOneRowPerStepAndAddUpToTheTotalsInRunJson() throws IOException {
        Path out = tmp.resolve("run");
        Path stats = tmp.resolve("not-yet/there/steps.csv"); // missing directories are created
        Cli.ok(Cli.simulate("grain-growth", out, args("--steps", "60", "--stats", stats.toString())));
        long[][] r = rows(stats);
        assertEquals(61, r.length, "steps + 1 rows (the encoding is step 0)");
        long evals = 0;
        long merges = 0;
        long rejected = 0;
        long rehashed = 0;
        long active = 0;
        long evalNs = 0;
        long bucketSum = 0;
        long maxBuckets = 0;
        for (int i = 0; i < r.length; i++) {
            long[] v = r[i];
            assertEquals(i, v[0], "step column");
            assertTrue(v[1] >= 1 && v[1] <= 48 * 48, "buckets " + v[1]);
            assertEquals(v[8] + v[9] + v[10], v[11], "total_ns = eval_ns + rehash_ns + merge_ns");
            for (long x : v) {
                assertTrue(x >= 0, "negative value in row " + i);
            }
            if (i > 0) {
                evals += v[4];
                merges += v[5];
                rejected += v[6];
                rehashed += v[7];
                active += v[3];
                evalNs += v[8];
                bucketSum += v[1];
                maxBuckets = Math.max(maxBuckets, v[1]);
            }
        }
        assertTrue(evals > 0, "the steps evaluated something");

        String json = Files.readString(out.resolve("run.json"));
        String lsh = Cli.jsonObject(json, "lsh");
        String enc = Cli.jsonObject(lsh, "encoding");
        String tot = Cli.jsonObject(lsh, "totals");
        assertEquals(r[0][1], (long) Cli.jsonNumber(enc, "buckets"), "buckets after encoding");
        assertTrue(Cli.jsonNumber(enc, "seconds") > 0, enc);
        assertEquals(60, (long) Cli.jsonNumber(tot, "steps"));
        assertEquals(evals, (long) Cli.jsonNumber(tot, "evals"));
        assertEquals(merges, (long) Cli.jsonNumber(tot, "merges"));
        assertEquals(rejected, (long) Cli.jsonNumber(tot, "rejected_merges"));
        assertEquals(rehashed, (long) Cli.jsonNumber(tot, "rehashed"));
        assertEquals(active, (long) Cli.jsonNumber(tot, "active_elements"));
        assertEquals(evalNs * 1e-9, Cli.jsonNumber(tot, "eval_seconds"), 1e-12);
        assertEquals(bucketSum / 60.0, Cli.jsonNumber(tot, "mean_buckets"), 1e-9);
        assertEquals(maxBuckets, (long) Cli.jsonNumber(tot, "max_buckets"));
        assertEquals(r[60][1], (long) Cli.jsonNumber(tot, "final_buckets"));
        assertEquals(r[60][1], (long) Cli.jsonNumber(lsh, "buckets"), "the existing key stays");
        assertTrue(lsh.contains("\"stats_file\": \"" + stats.toString().replace("\\", "\\\\") + "\""), lsh);
        assertFalse(Files.readString(out.resolve("diagnostics.csv")).contains("abs_error"),
            "no error columns without --compare-exact");
        try (var s = Files.list(stats.getParent())) {
            assertEquals(List.of(stats), s.toList(), "no temporary file left next to the stats file");
        }
    }

    @Test
    void zeroStepsWriteTheEncodingRowOnly() throws IOException {
        Path stats = tmp.resolve("zero.csv");
        Cli.ok(Cli.simulate("grain-growth", tmp.resolve("zero"), args("--steps", "0", "--stats", stats.toString())));
        long[][] r = rows(stats);
        assertEquals(1, r.length);
        assertEquals(0, r[0][0]);
        String tot = Cli.jsonObject(Files.readString(tmp.resolve("zero/run.json")), "totals");
        assertEquals(0, (long) Cli.jsonNumber(tot, "steps"));
        assertTrue(Double.isNaN(Cli.jsonNumber(tot, "mean_buckets")), "mean over no steps is null: " + tot);
        assertEquals(r[0][1], (long) Cli.jsonNumber(tot, "final_buckets"));
    }

    @Test
    void statsWithoutTheLshEngineAreRefused() {
        Path stats = tmp.resolve("s.csv");
        String line = Cli.usageError("--stats applies only to --engine lsh", Cli.simulate("grain-growth",
            tmp.resolve("a"), "--steps", "5", "--stats", stats.toString()));
        assertTrue(line.contains("add --engine lsh or drop --stats"), line);
        Cli.usageError("--stats applies only to --engine lsh", Cli.simulate("grain-growth", tmp.resolve("b"),
            "--steps", "5", "--engine", "active", "--stats", stats.toString()));
        assertFalse(Files.exists(stats));
        assertFalse(Files.exists(tmp.resolve("a")), "nothing written before the options are checked");
    }

    @Test
    void anExistingStatsFileIsReplacedOnlyWithForce() throws IOException {
        Path stats = tmp.resolve("old.csv");
        Files.writeString(stats, "someone else's data\n");
        String line = Cli.usageError("--stats file " + stats + " exists", Cli.simulate("grain-growth",
            tmp.resolve("a"), args("--steps", "3", "--stats", stats.toString())));
        assertTrue(line.contains("--force"), line);
        assertEquals("someone else's data\n", Files.readString(stats));
        assertFalse(Files.exists(tmp.resolve("a")));

        Cli.ok(Cli.simulate("grain-growth", tmp.resolve("b"), args("--steps", "3", "--stats", stats.toString(),
            "--force")));
        assertEquals(4, rows(stats).length);

        Cli.usageError("is a directory", Cli.simulate("grain-growth", tmp.resolve("c"), args("--steps", "3",
            "--stats", tmp.toString())));
    }
}
