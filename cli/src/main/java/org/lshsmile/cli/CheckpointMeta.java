package org.lshsmile.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.ModelPreset;

/**
 * What a checkpoint records about its run, so that {@code simulate --resume} can rebuild it exactly:
 * the model, preset, every parameter ({@code param.<name>}, {@link Double#toString} round-trips), the
 * switches ({@code flag.<name>}), dx, dt, boundary, kernels, threads, snapshot interval and formats,
 * checkpoint interval, total steps, seed, the initial state's description ({@code ic.<key>}) and the
 * lshsmile version.
 */
final class CheckpointMeta {

    /** Value of the {@code run_format} entry; a resume refuses any other. */
    static final String FORMAT = "lshsmile-simulate-1";

    private static final String PARAM = "param.";
    private static final String FLAG = "flag.";
    private static final String IC = "ic.";
    private static final Pattern LONG = Pattern.compile("-?[0-9]{1,18}");
    private static final Pattern INTS = Pattern.compile("\\[([0-9]{1,9}(, [0-9]{1,9})*)?]");

    private CheckpointMeta() {
    }

    /** The meta entries of a run. */
    static Map<String, String> of(RunSpec s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("run_format", FORMAT);
        m.put("lshsmile_version", VersionProvider.version());
        m.put("model", s.model().name());
        m.put("preset", s.preset());
        s.model().parameters().forEach((k, v) -> m.put(PARAM + k, Double.toString(v)));
        s.switches().meta(s.model().name()).forEach((k, v) -> m.put(FLAG + k, v));
        m.put("dx", Double.toString(s.dx()));
        m.put("dt", Double.toString(s.dt()));
        m.put("unsafe_dt", Boolean.toString(s.unsafeDt()));
        m.put("bc", s.bc().label());
        m.put("kernels", s.kernelsRequested());
        m.put("kernels_used", s.kernels().name());
        m.put("threads", Integer.toString(s.threads()));
        m.put("every", Integer.toString(s.every()));
        m.put("formats", s.naming().formats());
        if (s.init().is3d()) {
            m.put("nz", Integer.toString(s.init().nz()));
            m.put("png_slice", Integer.toString(s.naming().sliceOf(s.init().nz())));
        }
        m.put("checkpoint_every", Integer.toString(s.checkpointEvery()));
        m.put("steps_total", Integer.toString(s.steps()));
        m.put("seed", Long.toString(s.seed()));
        m.put("engine", s.engine());
        m.put("tau", Double.toString(s.tau()));
        s.init().description().forEach((k, v) -> m.put(IC + k, text(v)));
        return m;
    }

    private static String text(Object v) {
        String t = v instanceof int[] a ? Arrays.toString(a) : String.valueOf(v);
        return t.replace('\n', ' ');
    }

    /**
     * The settings read back.
     *
     * @param model    the model with its parameters and switches
     * @param switches the switches
     * @param preset   the preset name
     * @param dx       grid spacing
     * @param dt       time step
     * @param unsafeDt whether dt may exceed the stable bound
     * @param bc       boundary condition
     * @param kernels  the requested kernels
     * @param threads  requested threads
     * @param every    snapshot and diagnostics interval
     * @param formats  snapshot formats
     * @param checkpointEvery checkpoint interval
     * @param stepsTotal the step the run ends at
     * @param seed     the seed
     * @param version  the lshsmile version that wrote it
     * @param initialState the initial state's description
     * @param engine   {@code exact} or {@code active} (exact for checkpoints that do not say)
     * @param tau      the active engine's threshold
     */
    record Settings(Model model, ModelSwitches switches, String preset, double dx, double dt, boolean unsafeDt,
                    Boundary bc, String kernels, int threads, int every, List<String> formats, int checkpointEvery,
                    int stepsTotal, long seed, String version, Map<String, Object> initialState, String engine,
                    double tau) {
    }

    /**
     * Reads the settings of a checkpoint with {@code fields} fields.
     *
     * @throws IllegalArgumentException naming the first missing or malformed entry
     */
    static Settings read(Map<String, String> entries, int fields) {
        Meta meta = new Meta(entries);
        if (!FORMAT.equals(meta.text("run_format"))) {
            throw new IllegalArgumentException("'run_format' is '" + meta.text("run_format") + "', not " + FORMAT);
        }
        String name = meta.text("model");
        ModelPreset preset = ModelPreset.byName(name, meta.text("preset"));
        Map<String, String> flags = new LinkedHashMap<>();
        Map<String, Double> params = new LinkedHashMap<>();
        Map<String, Object> ic = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(FLAG)) {
                flags.put(k.substring(FLAG.length()), e.getValue());
            } else if (k.startsWith(PARAM)) {
                params.put(k.substring(PARAM.length()), meta.number(k));
            } else if (k.startsWith(IC)) {
                ic.put(k.substring(IC.length()), value(e.getValue()));
            }
        }
        ModelSwitches switches = ModelSwitches.fromMeta(preset.modelName(), new Meta(flags));
        Model base = switches.apply(preset.model(fields));
        Model model = ModelParams.withAll(base, params);
        double dt = meta.number("dt");
        double dx = meta.number("dx");
        if (!(dt > 0) || !(dx > 0)) {
            throw new IllegalArgumentException("dx and dt must be positive, got " + dx + " and " + dt);
        }
        List<String> formats = meta.text("formats").isEmpty() ? List.of() : List.of(meta.text("formats").split(","));
        return new Settings(model, switches, preset.name(), dx, dt, meta.bool("unsafe_dt"),
            Boundary.parse(meta.text("bc")), meta.text("kernels"), meta.intValue("threads", 1, 1024),
            meta.intValue("every", 1, Integer.MAX_VALUE), formats,
            meta.intValue("checkpoint_every", 1, Integer.MAX_VALUE), meta.intValue("steps_total", 0,
                Integer.MAX_VALUE), meta.longValue("seed"), meta.text("lshsmile_version"), ic,
            engine(entries), tau(entries));
    }

    private static String engine(Map<String, String> entries) {
        String e = entries.getOrDefault("engine", RunSpec.EXACT);
        if (!e.equals(RunSpec.EXACT) && !e.equals(RunSpec.ACTIVE)) {
            throw new IllegalArgumentException("'engine' is '" + e + "', not exact or active");
        }
        return e;
    }

    private static double tau(Map<String, String> entries) {
        String t = entries.get("tau");
        if (t == null) {
            return org.lshsmile.core.engine.ActiveSetEngine.DEFAULT_TAU;
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'tau' is '" + t + "', not a number");
        }
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("'tau' must be finite and >= 0, got " + t);
        }
        return v;
    }

    /** An initial-state description value with its JSON type back: boolean, integer, shape, number or text. */
    private static Object value(String s) {
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        if (LONG.matcher(s).matches()) {
            return Long.parseLong(s);
        }
        if (INTS.matcher(s).matches()) {
            String body = s.substring(1, s.length() - 1);
            return body.isEmpty() ? new int[0]
                : Arrays.stream(body.split(", ")).mapToInt(Integer::parseInt).toArray();
        }
        try {
            double d = Double.parseDouble(s);
            if (Double.toString(d).equals(s)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // text
        }
        return s;
    }
}
