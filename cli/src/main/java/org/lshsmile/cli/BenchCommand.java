package org.lshsmile.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lshsmile.bench.BenchSuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lshsmile bench}: runs {@link BenchSuite} and writes report.md, results.json and the charts (dense.png,
 * engines.png, and table1.png when Table 1 ran) into --out.
 */
@Command(name = "bench", sortOptions = false, showDefaultValues = false,
    header = "Measure the kernels and engines on this machine and write a report.",
    description = {
        "Runs, on this machine: a memory-bandwidth probe (copy with ordinary stores, 1 and 2 threads); the",
        "dense exact step of every model (grain growth Q = 8, Cahn-Hilliard, nanovoid",
        "in both forms) with every kernel set (scalar, simd, native when loaded) on 1",
        "and 2 threads, at 128^2 and 512^2 (and 2048^2 without --quick); whole",
        "grain-growth runs of every engine (exact, active, LSH verified and paper; up to",
        "2048^2 without --quick), each in its own JVM for its peak memory, with their",
        "error against exact; and the paper's Table 1. Each figure is the median of",
        "repeated samples with min and max; alternatives are sampled in turn (A B C A B",
        "C), so their ratios see the same load. Writes into --out: report.md,",
        "results.json, dense.png, engines.png, table1.png.",
        ""},
    footer = {"", "Example:", "  lshsmile bench --quick --out bench-report"})
final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final boolean progress;

    @Option(names = "--quick", order = 10, description = "The small version: sizes 128^2 and 512^2, 5 samples,"
        + " 30-step engine runs at 128^2, each twice (about 2 minutes on 2 cores), Table 1 on fractions. Default: the"
        + " full run (engine runs up to 2048^2, each 3 times; about 30 minutes).")
    private boolean quick;

    @Option(names = "--out", order = 20, paramLabel = "DIR", defaultValue = "lshsmile-bench",
        description = "Output directory: created if missing; must be empty unless --force. Default: ${DEFAULT-VALUE}.")
    private Path out;

    @Option(names = "--peers", order = 25, description = "Also run the paper's PyTorch baseline and a NumPy version"
        + " (bench/peers/, Debian's python3-torch and python3-numpy) against our exact engine on the same grain-growth"
        + " states, in rounds, and check that their states agree with ours. Without Python or torch the report says"
        + " so and the rest runs.")
    private boolean peers;

    @Option(names = "--force", order = 30, description = "Write into a non-empty --out, replacing report.md,"
        + " results.json and the PNG charts.")
    private boolean force;

    @Option(names = "--debug", order = 40, description = "Show stack traces with errors.")
    private boolean debug;

    @Mixin
    private HelpOptions help;

    /** Settings for tests (a tiny suite); null for --quick or the full run. */
    private final BenchSuite.Settings override;

    BenchCommand(boolean progress) {
        this(progress, null);
    }

    BenchCommand(boolean progress, BenchSuite.Settings override) {
        this.progress = progress;
        this.override = override;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        OutputDir.check(out, force, "--out");
        BenchSuite.Settings settings = override != null ? override : BenchSuite.Settings.of(quick);
        err.println("[INFO] bench: " + (quick ? "quick" : "full") + " run; progress below, the report at the end in "
            + out);
        err.flush();
        PrintStream log = new PrintStream(OutputStream.nullOutputStream());
        BenchSuite.Results r;
        try (Progress bar = new Progress(progress, "bench", 1000, " permille")) {
            r = BenchSuite.run(settings, (what, fraction) -> {
                bar.update(Math.round(fraction * 1000));
                if (!progress) {
                    err.printf(Locale.ROOT, "[INFO] %3.0f%% %s%n", fraction * 100, what);
                    err.flush();
                }
            }, log);
        }
        OutputDir dir = OutputDir.create(out);
        PeersBench.Section peerSection = null;
        if (peers) {
            err.println("[INFO] bench: peers (PyTorch, NumPy) against lshsmile");
            err.flush();
            try {
                peerSection = PeersBench.run(PeersBench.cases(settings.quick()), 3, dir.path());
            } catch (java.io.IOException e) {
                throw new CliException(CliException.FAILURE, "peers: " + OutputDir.reason(e), "check --out", e);
            }
        }
        String report = report(r) + (peerSection == null ? "" : peersReport(peerSection));
        Map<String, Object> results = json(r);
        if (peerSection != null) {
            results.put("peers", peersJson(peerSection));
        }
        dir.write("report.md", o -> o.write(report.getBytes(StandardCharsets.UTF_8)));
        dir.write("results.json", o -> o.write(Json.write(results).getBytes(StandardCharsets.UTF_8)));
        dir.write("dense.png", o -> Png.write(BenchChart.dense(r.dense()), o));
        dir.write("engines.png", o -> Png.write(BenchChart.engines(r.engines()), o));
        if (!r.paper().isEmpty()) {
            dir.write("table1.png", o -> Png.write(BenchChart.table1(r.paper()), o));
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "bench: %.0f s; wrote report.md, results.json, %s into"
            + " %s%n", r.seconds(), String.join(", ", charts(r)), out);
        return 0;
    }

    /** The PNG charts written for these results, in report order. */
    static List<String> charts(BenchSuite.Results r) {
        return r.paper().isEmpty() ? List.of("dense.png", "engines.png")
            : List.of("dense.png", "engines.png", "table1.png");
    }

    /** The report: machine, bandwidth, dense table with roofline, engines table, Table 1, the charts. */
    static String report(BenchSuite.Results r) {
        StringBuilder sb = new StringBuilder();
        BenchSuite.Machine m = r.machine();
        sb.append("# lshsmile bench report\n\n");
        sb.append(String.format(Locale.ROOT, "%s run, %s, %.0f s, lshsmile %s.%n%n", r.settings().quick() ? "Quick"
            : "Full", Instant.now(), r.seconds(), VersionProvider.version()));
        sb.append("## Machine\n\n");
        sb.append("| | |\n|---|---|\n");
        sb.append("| CPU | ").append(m.cpu()).append(" |\n");
        sb.append("| cores (JVM) | ").append(m.cores()).append(" |\n");
        sb.append("| caches (cpu0) | ").append(m.caches()).append(" |\n");
        sb.append("| JDK | ").append(m.jdk()).append(" |\n");
        sb.append("| vector | ").append(m.vector()).append(" |\n");
        sb.append("| native library | ").append(m.nativeLibrary()).append(" |\n");
        sb.append("| OS | ").append(m.os()).append(" |\n\n");
        sb.append("## Memory bandwidth (copy with ordinary stores, read + write bytes)\n\n");
        sb.append("| threads | buffer MiB | GB/s median | min | max |\n|---:|---:|---:|---:|---:|\n");
        for (BenchSuite.Bandwidth b : r.bandwidth()) {
            sb.append(String.format(Locale.ROOT, "| %d | %d | %.2f | %.2f | %.2f |%n", b.threads(), b.bytes() >> 20,
                b.gbPerSecond().median(), b.gbPerSecond().min(), b.gbPerSecond().max()));
        }
        sb.append("\n## Dense exact step\n\n");
        sb.append("ms per step: median (min-max) of ").append(r.dense().isEmpty() ? 0
            : r.dense().get(0).msPerStep().samples()).append(" samples. Roofline: the state read once and"
            + " written once per step at the copy bandwidth above (the bound for kernels that write with ordinary"
            + " stores, as these do; streaming stores would skip the read of each line written).\n\n");
        sb.append("| model | size | threads | kernels | ms per step | min-max | ns per element-step | roofline ms |"
            + " x roofline | x simd |\n|---|---:|---:|---|---:|---|---:|---:|---:|---:|\n");
        for (BenchSuite.Dense d : r.dense()) {
            double simd = r.dense().stream().filter(x -> x.model().equals(d.model()) && x.size() == d.size()
                && x.threads() == d.threads() && x.kernels().equals("simd")).mapToDouble(x -> x.msPerStep().median())
                .findFirst().orElse(Double.NaN);
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s-%s | %.3f | %s | %.2f | %.2f |%n",
                d.model(), d.size(), d.threads(), d.kernels(), sig(d.msPerStep().median()), sig(d.msPerStep().min()),
                sig(d.msPerStep().max()), d.nsPerElementStep(), sig(d.rooflineMs()),
                d.msPerStep().median() / d.rooflineMs(), d.msPerStep().median() / simd));
        }
        sb.append("\n## Engines (grain growth, paper preset, whole runs)\n\n");
        BenchSuite.Settings st = r.settings();
        sb.append("SIMD kernels; exact and active on 2 threads, LSH-SMILE on one (K = 3, L = 10, r = r0). Each run in"
            + " its own JVM (first an untimed warm-up of the engine on a small grid, repeated for ")
            .append(plain(st.engineWarmupSeconds())).append(" s, so the run meets compiled code), repeated ")
            .append(st.engineSamples())
            .append(" times in rounds (every case and engine once, then again): median (min-max) over the runs. Total"
            + " includes setup and the LSH encoding; x exact is each run's total over the exact run's of the same round."
            + " Peak RSS is the run's JVM (VmHWM, restarted after the warm-up and a GC): the JVM itself, the engine and"
            + " its grid, and one copy of the state (state MB) held by the harness. Error is against the exact engine's state at the end. An LSH run"
            + " stops after the step at which it has taken ").append(plain(st.engineMaxSeconds()))
            .append(" s or is projected to (from its 10th step on), is reported with the steps it did and its projected"
            + " total, and is not repeated.\n\n");
        sb.append("| case | engine | steps | threads | total s | min-max | x exact | min-max | steady ms/step |"
            + " peak RSS MB | min-max | state MB | buckets | max abs error | mean abs error |\n"
            + "|---|---|---:|---:|---:|---|---:|---|---:|---:|---|---:|---:|---:|---:|\n");
        for (BenchSuite.EngineRun e : r.engines()) {
            if (e.error() != null && e.totalSeconds().samples() == 0 && e.stoppedAfter() < 0) {
                sb.append("| ").append(e.caseLabel()).append(" | ").append(e.engine()).append(" | failed: ")
                    .append(e.error().replace('|', '/')).append(" | | | | | | | | | | | | |\n");
                continue;
            }
            String rss = String.format(Locale.ROOT, "%.0f%s | %.0f-%.0f | %s", e.peakRssMb().median(),
                e.peakRssRunOnly() ? "" : " (with warm-up)",
                e.peakRssMb().min(), e.peakRssMb().max(), sig3(e.stateMb()));
            if (e.stoppedAfter() >= 0) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d of %d (stopped at the %s s limit, projected total"
                        + " %s s) | %d | - | - | - | - | - | %s | %s | - | - |%n", e.caseLabel(), e.engine(),
                    e.stoppedAfter(), e.steps(), plain(st.engineMaxSeconds()),
                    sig3(e.projectedSeconds()), e.threads(), rss, e.buckets() < 0 ? "-" : e.buckets()));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s-%s | %s | %s-%s | %s | %s | %s | %s |"
                    + " %s |%n", e.caseLabel(), e.engine(), e.steps(), e.threads(), sig3(e.totalSeconds().median()),
                sig3(e.totalSeconds().min()), sig3(e.totalSeconds().max()), sig3(e.ratio().median()),
                sig3(e.ratio().min()), sig3(e.ratio().max()), sig3(e.steadyMs().median()), rss,
                e.buckets() < 0 ? "-" : e.buckets(), errText(e.maxError()), errText(e.meanError())));
        }
        if (!r.paper().isEmpty()) {
            sb.append("\n## The paper's Table 1, reproduced\n\n");
            sb.append("Each row in its own JVM (peak RSS is that JVM's, with all 1700 frames held in memory). A row is"
                + " 17,000 units (1700 frames x 10 epochs): a 30-step rollout from a frame (Sim) or one pair's loss and"
                + " gradient (Learn). A fraction of them runs after a few untimed warm-up units; the time is projected"
                + " linearly. The paper's figures come from another machine (and Torch for its baseline).\n\n");
            sb.append("| row | engine | fraction run | measured s | projected h (whole row) | peak RSS MB | paper"
                + " (LSH-SMILE / baseline) |\n|---|---|---:|---:|---:|---:|---|\n");
            for (BenchSuite.PaperRow p : r.paper()) {
                String paper = switch (p.row()) {
                    case "gg-sim" -> "3.86 h, 870 MB / 16.84 h, 1135 MB";
                    case "nn-sim" -> "2.13 h, 2735 MB / 53.13 h, 3294 MB";
                    case "gg-learn-30" -> "4.5 h, 889 MB (T = 30)";
                    default -> "17.29 h, 1212 MB (baseline, T = 10)";
                };
                if (p.error() != null) {
                    sb.append("| ").append(p.row()).append(" | ").append(p.engine()).append(" | failed: ")
                        .append(p.error().replace('|', '/')).append(" | | | | ").append(paper).append(" |\n");
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s (%d units) | %.3f | %.4f | %.0f | %s |%n",
                    p.row(), p.engine(), sig(p.fraction()), p.units(), p.measuredS(), p.projectedS() / 3600,
                    p.peakRssMb(), paper));
            }
        }
        sb.append("\n## Charts\n\n");
        sb.append("- dense.png: ms per step of each kernel set at the largest size, 2 threads, log scale (black tick:"
            + " roofline).\n");
        sb.append("- engines.png: each engine's total time over exact's per case, log scale, whiskers min-max over the"
            + " runs, dashed line at 1 (exact); a hollow bar is a run stopped at the limit, at its projected total.\n");
        if (!r.paper().isEmpty()) {
            sb.append("- table1.png: hours for each whole Table 1 row, our engines beside the paper's LSH-SMILE and"
                + " baseline, log scale; hollow bars are projected from the fraction that ran.\n");
        }
        return sb.toString();
    }

    /** The peers section of the report. */
    static String peersReport(PeersBench.Section p) {
        StringBuilder sb = new StringBuilder("\n## Peers: the paper's PyTorch baseline and NumPy, same states\n\n");
        sb.append("Found: ").append(p.detection()).append(".\n\n");
        if (p.rows().isEmpty()) {
            sb.append("No peer could run. Install them with `").append(p.install()).append("` (Debian).\n");
            return sb.toString();
        }
        sb.append("Grain growth, default preset (dx = 0.5, dt = 0.05), periodic Voronoi state; rounds of ours then every"
            + " peer; median ms per step over the rounds (stepping only: each peer times its steps after one untimed"
            + " warm-up step). max |diff| is the largest difference of the peer's final state from ours (float64"
            + " peers must agree to 1e-12).\n\n");
        sb.append("| case | who | dtype | threads | steps | ms per step (median) | x lshsmile (same threads) |"
            + " max abs diff from lshsmile |\n|---|---|---|---:|---:|---:|---:|---:|\n");
        for (PeersBench.Row r : p.rows()) {
            double ours = p.rows().stream().filter(x -> x.caseLabel().equals(r.caseLabel())
                && x.who().startsWith("lshsmile") && x.threads() == r.threads()).mapToDouble(PeersBench.Row::medianMs)
                .findFirst().orElse(Double.NaN);
            if (r.error() != null) {
                sb.append("| ").append(r.caseLabel()).append(" | ").append(r.who()).append(" | ").append(r.dtype())
                    .append(" | ").append(r.threads()).append(" | ").append(r.steps()).append(" | failed: ")
                    .append(r.error().replace('|', '/')).append(" | | |\n");
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %s | %.2f | %s |%n", r.caseLabel(),
                r.who(), r.dtype(), r.threads(), r.steps(), sig(r.medianMs()), r.medianMs() / ours,
                r.who().startsWith("lshsmile") ? "-" : String.format(Locale.ROOT, "%.1e", r.maxAbsDiff())));
        }
        return sb.toString();
    }

    static List<Object> peersJson(PeersBench.Section p) {
        List<Object> rows = new ArrayList<>();
        for (PeersBench.Row r : p.rows()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("case", r.caseLabel());
            x.put("who", r.who());
            x.put("dtype", r.dtype());
            x.put("threads", r.threads());
            x.put("steps", r.steps());
            List<Object> samples = new ArrayList<>();
            for (double v : r.msPerStep()) {
                samples.add(v);
            }
            x.put("ms_per_step_samples", samples);
            x.put("ms_per_step_median", r.medianMs());
            x.put("max_abs_diff", r.maxAbsDiff());
            x.put("error", r.error());
            rows.add(x);
        }
        return rows;
    }

    private static String sig(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4g", v);
    }

    /** Three significant digits, plain notation (0.0123, 1.00, 950), whole numbers from 1000; "-" for NaN. */
    static String sig3(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == 0 || Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** An error: "0" when zero, "-" when unknown, else two decimals in scientific notation. */
    private static String errText(double v) {
        return Double.isNaN(v) ? "-" : v == 0 ? "0" : String.format(Locale.ROOT, "%.2e", v);
    }

    /** A number as typed: 60, 0.5. */
    private static String plain(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** results.json: every figure with its spread. */
    static Map<String, Object> json(BenchSuite.Results r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lshsmile_version", VersionProvider.version());
        m.put("quick", r.settings().quick());
        m.put("seconds", r.seconds());
        BenchSuite.Machine mm = r.machine();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", mm.cpu());
        machine.put("cores", mm.cores());
        machine.put("caches", new LinkedHashMap<>(mm.caches()));
        machine.put("jdk", mm.jdk());
        machine.put("vector", mm.vector());
        machine.put("native_library", mm.nativeLibrary());
        machine.put("os", mm.os());
        m.put("machine", machine);
        List<Object> bw = new ArrayList<>();
        for (BenchSuite.Bandwidth b : r.bandwidth()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("threads", b.threads());
            x.put("bytes", b.bytes());
            x.put("gb_per_s", figure(b.gbPerSecond()));
            bw.add(x);
        }
        m.put("bandwidth", bw);
        List<Object> dense = new ArrayList<>();
        for (BenchSuite.Dense d : r.dense()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("model", d.model());
            x.put("size", d.size());
            x.put("threads", d.threads());
            x.put("kernels", d.kernels());
            x.put("ms_per_step", figure(d.msPerStep()));
            x.put("ns_per_element_step", d.nsPerElementStep());
            x.put("bytes_per_step", d.bytesPerStep());
            x.put("roofline_ms", d.rooflineMs());
            dense.add(x);
        }
        m.put("dense", dense);
        List<Object> engines = new ArrayList<>();
        for (BenchSuite.EngineRun e : r.engines()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("case", e.caseLabel());
            x.put("engine", e.engine());
            x.put("steps", e.steps());
            x.put("threads", e.threads());
            x.put("total_s", figure(e.totalSeconds()));
            x.put("ratio_to_exact", figure(e.ratio()));
            x.put("steady_ms_per_step", figure(e.steadyMs()));
            x.put("peak_rss_mb", figure(e.peakRssMb()));
            x.put("peak_rss_run_only", e.peakRssRunOnly());
            x.put("state_mb", e.stateMb());
            x.put("buckets", e.buckets());
            x.put("max_abs_error", e.maxError());
            x.put("mean_abs_error", e.meanError());
            x.put("stopped_after", e.stoppedAfter());
            x.put("projected_s", e.projectedSeconds());
            x.put("error", e.error());
            engines.add(x);
        }
        m.put("engines", engines);
        m.put("engine_samples", r.settings().engineSamples());
        m.put("engine_max_seconds", r.settings().engineMaxSeconds());
        List<Object> paper = new ArrayList<>();
        for (BenchSuite.PaperRow p : r.paper()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("row", p.row());
            x.put("engine", p.engine());
            x.put("fraction", p.fraction());
            x.put("units", p.units());
            x.put("measured_s", p.measuredS());
            x.put("projected_s", p.projectedS());
            x.put("peak_rss_mb", p.peakRssMb());
            x.put("error", p.error());
            paper.add(x);
        }
        m.put("paper_table1", paper);
        return m;
    }

    private static Map<String, Object> figure(BenchSuite.Figure f) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("median", f.median());
        x.put("min", f.min());
        x.put("max", f.max());
        x.put("samples", f.samples());
        return x;
    }
}
