package org.lshsmile.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.lshsmile.core.grid.Boundary;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.ModelPreset;

/**
 * The {@code index.json} of a dataset that {@code lshsmile dataset} wrote: which model made the frames (name,
 * preset, every parameter by the model's own names, switches), on which grid (size, dx, boundary), with which
 * time step, from which initial state, and the frame files with the step of each.
 *
 * <p>The writer builds one and writes {@link #toJson()} last, after every frame; {@link #read} parses and
 * checks it, so that {@code lshsmile learn} can rebuild the exact model ({@link #model()}) and pick pairs of
 * frames T steps apart ({@link #pairs}). Every problem is a one-line {@link CliException} (exit code 2) that
 * names the file, the problem and the fix. {@link Dataset} reads the frames themselves.
 *
 * @param lshsmileVersion the lshsmile version that wrote the dataset
 * @param modelName       model name, e.g. {@code grain-growth}
 * @param preset          the preset the parameters started from (it supplies nothing else the index lacks)
 * @param parameters      every parameter of the model, as {@link Model#parameters()} names them, in its order
 * @param switches        the model's switches (clamp; nanovoid's form, void mask, sources)
 * @param fieldNames      the fields' names; their count is m
 * @param ny              rows
 * @param nx              columns
 * @param dx              grid spacing
 * @param dt              time step
 * @param unsafeDt        whether a dt at or above the stable bound was allowed
 * @param boundary        boundary condition
 * @param initialState    where frame 0 came from, as simulate's run.json describes it
 * @param seed            the {@code --seed} value
 * @param every           steps between consecutive frames
 * @param frames          the frame files and the step of each, steps strictly increasing
 * @param engine          the engine that made the frames ({@code exact})
 * @param kernels         the stencil kernels it ran (they give identical bits)
 * @param threads         the threads it ran on (the result does not depend on them)
 */
record DatasetIndex(String lshsmileVersion, String modelName, String preset, Map<String, Double> parameters,
                    ModelSwitches switches, List<String> fieldNames, int ny, int nx, double dx, double dt,
                    boolean unsafeDt, Boundary boundary, Map<String, Object> initialState, long seed, int every,
                    List<Frame> frames, String engine, String kernels, int threads) {

    /** The index's file name in the dataset directory. */
    static final String FILE = "index.json";
    /** Value of the {@code format} entry. */
    static final String FORMAT = "lshsmile-dataset";
    /** Value of the {@code format_version} entry; a reader refuses any other. */
    static final int VERSION = 1;

    /** The index of a million frames is about 50 MB: anything much larger is not one. */
    private static final long MAX_BYTES = 256L << 20;
    /** A plain file name in the dataset directory: no separators, no "..", not hidden. */
    private static final Pattern FRAME_FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*\\.npy");
    private static final int MAX_FIELDS = 4096;
    private static final String REGENERATE = "regenerate the dataset ('lshsmile dataset ... --force')";
    /** Strict reading: a key given twice is an error, not "the last one wins". */
    private static final JSON READER = JSON.std.with(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);
    private static final JsonFactory FACTORY = new JsonFactory();

    /**
     * One frame.
     *
     * @param file the .npy file's name in the dataset directory
     * @param step the number of steps from the initial state to this frame
     */
    record Frame(String file, long step) {
    }

    /**
     * Two frames T steps apart, by their positions in {@link #frames()}.
     *
     * @param from the earlier frame
     * @param to   the frame T steps later
     */
    record Pair(int from, int to) {
    }

    /** Copies the collections (unmodifiable, in their order). */
    DatasetIndex {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        fieldNames = List.copyOf(fieldNames);
        initialState = Collections.unmodifiableMap(new LinkedHashMap<>(initialState));
        frames = List.copyOf(frames);
    }

    /** The file name of frame i as the writer names it: {@code frame_00000.npy}. */
    static String frameName(int i) {
        return String.format(Locale.ROOT, "frame_%05d.npy", i);
    }

    /** Number of fields m. */
    int fields() {
        return fieldNames.size();
    }

    /** The shape of every frame: (m, ny, nx). */
    int[] frameShape() {
        return new int[] {fields(), ny, nx};
    }

    /** The step of frame i. */
    long step(int i) {
        return frames.get(i).step();
    }

    /**
     * The model the frames were made with: the preset's model with the recorded switches and exactly the
     * recorded parameters (so its {@link Model#parameters()} equal {@link #parameters()}).
     *
     * @throws IllegalArgumentException if the parameters do not fit the model ({@link #read} has checked them)
     */
    Model model() {
        ModelPreset p = ModelPreset.byName(modelName, preset);
        return ModelParams.withAll(switches.apply(p.model(fields())), parameters);
    }

    /**
     * Every pair of frames T steps apart, in the order of their first frame.
     *
     * @param t steps between the two frames of a pair: a positive multiple of {@link #every()}
     * @throws CliException (exit code 2) if T is not a positive multiple of every, or no two frames are T
     *                      steps apart
     */
    List<Pair> pairs(long t) {
        if (t < 1) {
            throw CliException.usage("T must be at least 1 step, got " + t, "give the steps between the two frames"
                + " of a pair, a multiple of the dataset's frame interval (" + every + ")");
        }
        if (t % every != 0) {
            long below = t / every * every;
            throw CliException.usage("T = " + t + " steps is not a multiple of the dataset's frame interval (every = "
                + every + " steps)", "use T = " + (below > 0 ? below + " or " : "") + (below + every)
                + ", or a dataset made with a smaller --every");
        }
        Map<Long, Integer> at = new HashMap<>();
        for (int i = 0; i < frames.size(); i++) {
            at.put(step(i), i);
        }
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Integer j = at.get(step(i) + t);
            if (j != null) {
                out.add(new Pair(i, j));
            }
        }
        long span = step(frames.size() - 1) - step(0);
        if (out.isEmpty() && t > span) {
            throw CliException.usage("T = " + t + " steps is longer than the dataset, whose frames span " + span
                + " steps (" + frames.size() + " frames every " + every + ")", span >= every ? "use T <= " + span
                    : "make a dataset of at least 2 frames");
        }
        if (out.isEmpty()) {
            throw CliException.usage("no two frames of the dataset are T = " + t + " steps apart (its index lists"
                + " frames with gaps)", REGENERATE);
        }
        return List.copyOf(out);
    }

    /** The index as written to index.json: keys in a fixed order, frames one per line. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", VERSION);
        m.put("lshsmile_version", lshsmileVersion);
        m.put("model", modelName);
        m.put("preset", preset);
        m.put("parameters", new LinkedHashMap<>(parameters));
        m.put("switches", switches.report(modelName));
        m.put("fields", fields());
        m.put("field_names", fieldNames);
        m.put("size", new int[] {ny, nx});
        m.put("dx", dx);
        m.put("dt", dt);
        m.put("stable_dt", model().stableDt(dx));
        m.put("unsafe_dt", unsafeDt);
        m.put("boundary", boundary.label());
        m.put("initial_state", initialState);
        m.put("seed", seed);
        m.put("every", every);
        m.put("dtype", "float64");
        m.put("frame_shape", frameShape());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Frame f : frames) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("file", f.file());
            e.put("step", f.step());
            list.add(e);
        }
        m.put("frames", list);
        m.put("engine", engine);
        m.put("kernels", kernels);
        m.put("threads", threads);
        return m;
    }

    /**
     * Reads and checks {@code dir/index.json}: JSON syntax, format and version, a model this lshsmile knows,
     * every entry's type and range, parameters that rebuild the model, frame names and strictly increasing
     * steps. The frame files are not opened ({@link Dataset#open} checks them).
     *
     * @throws CliException (exit code 2) naming the first problem and its fix
     */
    static DatasetIndex read(Path dir) {
        Path file = dir.resolve(FILE);
        Map<String, Object> root = parse(dir, file);
        Entries e = new Entries(root, "");
        String writer = root.get("lshsmile_version") instanceof String s ? s : "unknown";
        Object format = root.get("format");
        if (!FORMAT.equals(format)) {
            throw CliException.usage(file + " is not an lshsmile dataset index (its \"format\" is "
                + (format == null ? "missing" : Entries.shown(format)) + ", not \"" + FORMAT + "\")",
                "give a directory that 'lshsmile dataset' wrote");
        }
        Object version = root.get("format_version");
        if (!(version instanceof Integer v && v == VERSION)) {
            throw CliException.usage(file + " has dataset format version " + Entries.shown(version) + ", but this"
                + " lshsmile (" + VersionProvider.version() + ") reads version " + VERSION, "read it with the lshsmile"
                + " that wrote it (" + writer + "), or " + REGENERATE + " with this one");
        }
        Object name = root.get("model");
        if (!(name instanceof String n && ModelPreset.models().contains(n))) {
            throw CliException.usage(file + " names model " + Entries.shown(name) + ", which this lshsmile does not"
                + " know", "use a dataset of " + ModelOptions.orList(ModelPreset.models()) + ", or the lshsmile that"
                + " wrote it (" + writer + ")");
        }
        try {
            DatasetIndex index = fromJson(e, n);
            checkModel(index);
            return index;
        } catch (IllegalArgumentException x) {
            throw new CliException(CliException.USAGE, file + ": " + CliException.oneLine(x.getMessage()),
                REGENERATE, x);
        }
    }

    private static DatasetIndex fromJson(Entries e, String model) {
        String version = e.text("lshsmile_version");
        String preset = ModelPreset.byName(model, e.text("preset")).name();
        int fields = (int) e.integer("fields", 1, MAX_FIELDS);
        List<String> names = new ArrayList<>();
        List<Object> fieldNames = e.list("field_names", fields, fields);
        for (int f = 0; f < fields; f++) {
            names.add(e.element("field_names", f, String.class, fieldNames.get(f), "a text"));
        }
        List<Object> size = e.list("size", 2, 2);
        int ny = e.elementInt("size", 0, size.get(0), 2, Grid.MAX_SIDE);
        int nx = e.elementInt("size", 1, size.get(1), 2, Grid.MAX_SIDE);
        double dx = e.positive("dx");
        double dt = e.positive("dt");
        boolean unsafeDt = e.bool("unsafe_dt");
        Boundary bc = Boundary.parse(e.text("boundary"));
        Map<String, Double> params = new LinkedHashMap<>();
        Entries p = e.object("parameters");
        for (String k : p.keys()) {
            params.put(k, p.number(k));
        }
        Map<String, String> flat = new LinkedHashMap<>();
        ModelSwitches.flatten("", e.object("switches").map, flat); // the entries fromMeta reads
        ModelSwitches switches;
        try {
            switches = ModelSwitches.fromMeta(model, new Meta(flat));
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("\"switches\": " + x.getMessage(), x);
        }
        Map<String, Object> initial = new LinkedHashMap<>(e.object("initial_state").map);
        long seed = e.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        int every = (int) e.integer("every", 1, Integer.MAX_VALUE);
        if (!"float64".equals(e.text("dtype"))) {
            throw new IllegalArgumentException("\"dtype\" is " + Entries.shown(e.get("dtype")) + ", not \"float64\"");
        }
        List<Object> shape = e.list("frame_shape", 3, 3);
        long[] want = {fields, ny, nx};
        for (int i = 0; i < 3; i++) {
            if (!(shape.get(i) instanceof Integer s && s == want[i])) {
                throw new IllegalArgumentException("\"frame_shape\" is " + Entries.shown(shape) + ", but \"fields\""
                    + " and \"size\" give [" + fields + ", " + ny + ", " + nx + "]");
            }
        }
        List<Frame> frames = frames(e, every);
        return new DatasetIndex(version, model, preset, params, switches, names, ny, nx, dx, dt, unsafeDt, bc,
            initial, seed, every, frames, e.text("engine"), e.text("kernels"), (int) e.integer("threads", 1, 1024));
    }

    /** The frames: plain .npy names, each once; steps >= 0, strictly increasing, a multiple of every apart. */
    private static List<Frame> frames(Entries e, int every) {
        List<Object> list = e.list("frames", 1, Integer.MAX_VALUE);
        List<Frame> frames = new ArrayList<>(list.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Entries f = new Entries(e.element("frames", i, Map.class, list.get(i), "an object"), "frames[" + i + "].");
            String file = f.text("file");
            long step = f.integer("step", 0, Long.MAX_VALUE / 2);
            if (!FRAME_FILE.matcher(file).matches()) {
                throw new IllegalArgumentException("frame " + i + " is " + Entries.shown(file) + ", not the name of"
                    + " a .npy file in the dataset directory");
            }
            if (!seen.add(file)) {
                throw new IllegalArgumentException("frame " + i + " (" + file + ") is listed twice");
            }
            if (i > 0 && step <= frames.get(i - 1).step()) {
                throw new IllegalArgumentException("the steps of the frames must increase, but frame " + i + " ("
                    + file + ") is at step " + step + ", frame " + (i - 1) + " at step " + frames.get(i - 1).step());
            }
            if (i > 0 && (step - frames.get(0).step()) % every != 0) {
                throw new IllegalArgumentException("frame " + i + " (" + file + ") is at step " + step + ", not a"
                    + " multiple of \"every\" (" + every + ") after frame 0 (step " + frames.get(0).step() + ")");
            }
            frames.add(new Frame(file, step));
        }
        return frames;
    }

    /** The model must rebuild from the parameters and switches, with the recorded field names. */
    private static void checkModel(DatasetIndex index) {
        Model m;
        try {
            m = index.model();
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("\"parameters\" do not fit " + index.modelName() + ": "
                + x.getMessage(), x);
        }
        for (int f = 0; f < index.fields(); f++) {
            if (!m.fieldName(f).equals(index.fieldNames().get(f))) {
                throw new IllegalArgumentException("\"field_names\" is " + Entries.shown(index.fieldNames()) + ", but "
                    + index.modelName() + " names field " + f + " " + m.fieldName(f));
            }
        }
    }

    /** The parsed top-level object of index.json, or a usage error saying why there is none. */
    private static Map<String, Object> parse(Path dir, Path file) {
        if (!Files.isDirectory(dir)) {
            throw CliException.usage("dataset " + dir + (Files.exists(dir) ? " is not a directory"
                : ": no such directory"), "give the --out directory of 'lshsmile dataset'");
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw CliException.usage(file + " is " + size + " bytes, far larger than any dataset index",
                    "give the directory 'lshsmile dataset' wrote, or " + REGENERATE);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException x) {
            throw noIndex(dir);
        } catch (AccessDeniedException x) {
            throw CliException.usage("cannot read " + file + ": permission denied", "check its permissions");
        } catch (IOException x) {
            throw new CliException(CliException.USAGE, "cannot read " + file + " (" + OutputDir.reason(x) + ")",
                "check the path and its permissions", x);
        }
        Object root;
        try (JsonParser p = FACTORY.createParser(bytes)) {
            root = READER.anyFrom(p);
            if (root != null && p.nextToken() != null) {
                throw CliException.usage(file + " is not valid JSON (text after the closing brace at line "
                    + p.currentLocation().getLineNr() + ")", REGENERATE + ", or repair the file");
            }
        } catch (JsonProcessingException x) {
            JsonLocation at = x.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            throw new CliException(CliException.USAGE, file + " is not valid JSON (" + where
                + CliException.oneLine(x.getOriginalMessage()) + ")", REGENERATE + ", or repair the file", x);
        } catch (IOException x) {
            throw new UncheckedIOException(x); // parsing a byte array does no I/O
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw CliException.usage(file + " is not a dataset index (its JSON is " + (root == null ? "empty"
                : "not an object") + ")", REGENERATE);
        }
        String bad = unpairedSurrogate(root, "");
        if (bad != null) {
            String at = CliException.oneLine(bad);
            throw CliException.usage(file + " is not valid Unicode (a string at " + (at.length() > 60
                ? at.substring(0, 60) + "..." : at) + " has an unpaired surrogate \\uD800-\\uDFFF escape)",
                REGENERATE + ", or repair the file");
        }
        Map<String, Object> typed = new LinkedHashMap<>();
        m.forEach((k, v) -> typed.put(String.valueOf(k), v));
        return typed;
    }

    /**
     * Where in a parsed JSON value a string or key holds an unpaired surrogate (which a JSON \\u escape can
     * produce but no UTF-8 file can hold, so the index could not be written again), or null if none does.
     */
    private static String unpairedSurrogate(Object v, String path) {
        if (v instanceof String s) {
            return validUnicode(s) ? null : path.isEmpty() ? "the top level" : path;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (!validUnicode(key)) {
                    return (path.isEmpty() ? "the top level" : path) + " (a key)";
                }
                String bad = unpairedSurrogate(e.getValue(), path.isEmpty() ? key : path + "." + key);
                if (bad != null) {
                    return bad;
                }
            }
        } else if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                String bad = unpairedSurrogate(l.get(i), path + "[" + i + "]");
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }

    private static boolean validUnicode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** No index.json: an interrupted dataset if it has frames, else not a dataset at all. */
    private static CliException noIndex(Path dir) {
        int frames = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "frame_*.npy")) {
            for (Path ignored : s) {
                frames++;
            }
        } catch (IOException x) {
            // counted as none
        }
        if (frames > 0) {
            return CliException.usage("dataset " + dir + " is incomplete: it has " + frames + " frame file"
                + (frames == 1 ? "" : "s") + " but no " + FILE + " (written last, so its generation was interrupted"
                + " or failed)", "generate it again with 'lshsmile dataset ... --out " + dir + " --force'");
        }
        return CliException.usage(dir + " has no " + FILE + ", so it is not an lshsmile dataset",
            "make one with 'lshsmile dataset --model M --frames F --every K --out " + dir + "'");
    }

    /** Typed reads of a JSON object's entries; each throws {@link IllegalArgumentException} naming the entry. */
    private static final class Entries {

        private final Map<String, Object> map;
        private final String prefix;

        Entries(Map<?, ?> map, String prefix) {
            Map<String, Object> typed = new LinkedHashMap<>();
            map.forEach((k, v) -> typed.put(String.valueOf(k), v));
            this.map = typed;
            this.prefix = prefix;
        }

        Set<String> keys() {
            return map.keySet();
        }

        Object get(String key) {
            if (!map.containsKey(key)) {
                throw new IllegalArgumentException("no \"" + prefix + key + "\" entry");
            }
            return map.get(key);
        }

        String text(String key) {
            return get(key) instanceof String s ? s : bad(key, "a text");
        }

        boolean bool(String key) {
            return get(key) instanceof Boolean b ? b : bad(key, "true or false");
        }

        long integer(String key, long lo, long hi) {
            Object v = get(key);
            if ((v instanceof Integer || v instanceof Long || v instanceof BigInteger)
                && new BigInteger(v.toString()).compareTo(BigInteger.valueOf(lo)) >= 0
                && new BigInteger(v.toString()).compareTo(BigInteger.valueOf(hi)) <= 0) {
                return ((Number) v).longValue();
            }
            return bad(key, "an integer in [" + lo + ", " + hi + "]");
        }

        double number(String key) {
            if (get(key) instanceof Number n && !(n instanceof BigInteger) && Double.isFinite(n.doubleValue())) {
                return n.doubleValue();
            }
            return bad(key, "a finite number");
        }

        double positive(String key) {
            double v = number(key);
            return v > 0 ? v : bad(key, "a positive number");
        }

        Entries object(String key) {
            return get(key) instanceof Map<?, ?> m ? new Entries(m, prefix + key + ".") : bad(key, "an object");
        }

        List<Object> list(String key, int min, int max) {
            if (get(key) instanceof List<?> l && l.size() >= min && l.size() <= max) {
                return new ArrayList<>(l);
            }
            return bad(key, min == max ? "a list of " + min : "a list of at least " + min);
        }

        <T> T element(String key, int i, Class<T> type, Object v, String what) {
            if (type.isInstance(v)) {
                return type.cast(v);
            }
            throw new IllegalArgumentException("\"" + prefix + key + "\"[" + i + "] is " + shown(v) + ", not "
                + what);
        }

        int elementInt(String key, int i, Object v, int lo, int hi) {
            if (v instanceof Integer n && n >= lo && n <= hi) {
                return n;
            }
            throw new IllegalArgumentException("\"" + prefix + key + "\"[" + i + "] is " + shown(v) + ", not an"
                + " integer in [" + lo + ", " + hi + "]");
        }

        private <T> T bad(String key, String expected) {
            throw new IllegalArgumentException("\"" + prefix + key + "\" is " + shown(map.get(key)) + ", not "
                + expected);
        }

        /** A value for a message: JSON-like, at most 40 characters. */
        static String shown(Object v) {
            String s = v instanceof String t ? "\"" + t + "\"" : String.valueOf(v);
            s = CliException.oneLine(s);
            return s.length() > 40 ? s.substring(0, 40) + "..." : s;
        }
    }
}
