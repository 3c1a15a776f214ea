package org.lshsmile.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.lshsmile.core.grid.Boundary;

/**
 * A named starting point of one model: its parameters and the grid side, spacing, time step, boundary
 * condition and kind of initial state a run of it uses unless told otherwise.
 *
 * <table>
 *   <caption>The presets</caption>
 *   <tr><th>model</th><th>preset</th><th>grid</th><th>dx</th><th>dt</th><th>bc</th>
 *     <th>initial state</th></tr>
 *   <tr><td>grain-growth</td><td>default</td><td>128</td><td>0.5</td><td>0.05</td>
 *     <td>periodic</td><td>voronoi</td></tr>
 *   <tr><td>grain-growth</td><td>paper</td><td>128</td><td>1</td><td>0.05</td>
 *     <td>periodic</td><td>voronoi</td></tr>
 *   <tr><td>cahn-hilliard</td><td>pfhub-1a</td><td>200</td><td>1</td><td>1e-3</td>
 *     <td>periodic</td><td>pfhub</td></tr>
 *   <tr><td>cahn-hilliard</td><td>pfhub-1b</td><td>200</td><td>1</td><td>1e-3</td>
 *     <td>noflux</td><td>pfhub</td></tr>
 *   <tr><td>nanovoid</td><td>default</td><td>128</td><td>1</td><td>0.02</td>
 *     <td>periodic</td><td>v0</td></tr>
 *   <tr><td>nanovoid</td><td>paper</td><td>128</td><td>1</td><td>0.1</td>
 *     <td>periodic</td><td>v0</td></tr>
 * </table>
 *
 * <p>Grain growth takes its parameters from {@link Preset}; Cahn-Hilliard is PFHub benchmark 1
 * ({@link CahnHilliard#pfhub1()}, the initial state {@link #pfhubInitial} with c0 = 0.5, eps = 0.01,
 * physics.md 3.1-3.2, MEMPHIS's dt); nanovoid is {@link Nanovoid#standard} in the {@link Nanovoid.Form#LITERAL}
 * form with the clamp and the void mask on and no random sources, at the Xue group's code's dt = 0.02
 * ({@code default}) or the LSH-SMILE paper's dt = 0.1 ({@code paper}, just below the stable 0.125).
 * The first preset listed for a model is its default.
 */
public final class ModelPreset {

    /** Model name of {@link GrainGrowth}. */
    public static final String GRAIN_GROWTH = "grain-growth";
    /** Model name of {@link CahnHilliard}. */
    public static final String CAHN_HILLIARD = "cahn-hilliard";
    /** Model name of {@link Nanovoid}. */
    public static final String NANOVOID = "nanovoid";

    /** Mean concentration of the PFHub benchmark 1 initial state. */
    public static final double PFHUB_C0 = 0.5;
    /** Amplitude of the PFHub benchmark 1 initial perturbation. */
    public static final double PFHUB_EPS = 0.01;

    private static final List<String> GRAIN_STATES = List.of("voronoi", "circle");
    private static final List<String> CH_STATES = List.of("pfhub");
    private static final List<String> VOID_STATES = List.of("v0", "v1", "v2");

    private static final List<ModelPreset> ALL = List.of(
        grainGrowth(Preset.DEFAULT),
        grainGrowth(Preset.PAPER),
        new ModelPreset(CAHN_HILLIARD, "pfhub-1a", 200, 1.0, 1e-3, Boundary.PERIODIC, "pfhub",
            "PFHub benchmark 1a: M = 5, kappa = 2, rho = 5, ca = 0.3, cb = 0.7, periodic", f -> CahnHilliard.pfhub1()),
        new ModelPreset(CAHN_HILLIARD, "pfhub-1b", 200, 1.0, 1e-3, Boundary.NOFLUX, "pfhub",
            "PFHub benchmark 1b: benchmark 1a with no-flux boundaries", f -> CahnHilliard.pfhub1()),
        new ModelPreset(NANOVOID, "default", 128, 1.0, 0.02, Boundary.PERIODIC, "v0",
            "the Xue group's code: standard parameters, literal form, dt = 0.02",
            f -> Nanovoid.standard(Nanovoid.Form.LITERAL)),
        new ModelPreset(NANOVOID, "paper", 128, 1.0, 0.1, Boundary.PERIODIC, "v0",
            "the LSH-SMILE paper: standard parameters, literal form, dt = 0.1",
            f -> Nanovoid.standard(Nanovoid.Form.LITERAL)));

    private final String model;
    private final String name;
    private final int size;
    private final double dx;
    private final double dt;
    private final Boundary boundary;
    private final String initialState;
    private final String summary;
    private final IntFunction<Model> factory;

    private ModelPreset(String model, String name, int size, double dx, double dt, Boundary boundary,
                        String initialState, String summary, IntFunction<Model> factory) {
        this.model = model;
        this.name = name;
        this.size = size;
        this.dx = dx;
        this.dt = dt;
        this.boundary = boundary;
        this.initialState = initialState;
        this.summary = summary;
        this.factory = factory;
    }

    private static ModelPreset grainGrowth(Preset p) {
        return new ModelPreset(GRAIN_GROWTH, p.name(), 128, p.dx(), p.dt(), Boundary.PERIODIC, "voronoi",
            "L = " + p.mobility() + ", kappa = " + p.kappa() + ", A = " + p.a() + ", B = " + p.b(),
            q -> p.grainGrowth(q, false));
    }

    /** Every preset, grouped by model, each model's default first. */
    public static List<ModelPreset> all() {
        return ALL;
    }

    /** The model names, in the order of {@link #all()}. */
    public static List<String> models() {
        List<String> names = new ArrayList<>();
        for (ModelPreset p : ALL) {
            if (!names.contains(p.model)) {
                names.add(p.model);
            }
        }
        return List.copyOf(names);
    }

    /**
     * The presets of one model, its default first.
     *
     * @throws IllegalArgumentException for an unknown model name
     */
    public static List<ModelPreset> of(String model) {
        String m = normalise(model);
        List<ModelPreset> list = ALL.stream().filter(p -> p.model.equals(m)).toList();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("unknown model '" + model + "': use " + String.join(", ", models()));
        }
        return list;
    }

    /** The default preset of a model. */
    public static ModelPreset defaultFor(String model) {
        return of(model).get(0);
    }

    /**
     * A preset by model and name (case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown model or preset; the message names the valid ones
     */
    public static ModelPreset byName(String model, String name) {
        List<ModelPreset> list = of(model);
        String n = normalise(name);
        for (ModelPreset p : list) {
            if (p.name.equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + name + "' for " + list.get(0).model + ": use "
            + String.join(" or ", list.stream().map(ModelPreset::name).toList()));
    }

    /**
     * The kinds of generated initial state a model knows: grain-growth {@code voronoi, circle};
     * cahn-hilliard {@code pfhub}; nanovoid {@code v0, v1, v2} (see {@link Nanovoid#initialState}).
     *
     * @throws IllegalArgumentException for an unknown model name
     */
    public static List<String> initialStates(String model) {
        return switch (of(model).get(0).model) {
            case GRAIN_GROWTH -> GRAIN_STATES;
            case CAHN_HILLIARD -> CH_STATES;
            default -> VOID_STATES;
        };
    }

    /**
     * The PFHub benchmark 1 initial state on ny x nx nodes of spacing dx, c0 = 0.5 and eps = 0.01
     * ({@link CahnHilliard#pfhub1Initial}).
     */
    public static double[] pfhubInitial(int ny, int nx, double dx) {
        return CahnHilliard.pfhub1Initial(ny, nx, dx, PFHUB_C0, PFHUB_EPS);
    }

    /**
     * The model with this preset's parameters.
     *
     * @param fields the number of fields: Q for grain growth; must be the model's own count otherwise
     * @throws IllegalArgumentException if {@code fields} does not fit the model
     */
    public Model model(int fields) {
        Model m = factory.apply(fields);
        if (m.fields() != fields) {
            throw new IllegalArgumentException(model + " has " + m.fields() + " field" + (m.fields() == 1 ? "" : "s")
                + ", not " + fields);
        }
        return m;
    }

    /** The model's name, e.g. {@code nanovoid}. */
    public String modelName() {
        return model;
    }

    /** The preset's name, e.g. {@code pfhub-1a}. */
    public String name() {
        return name;
    }

    /** Cells per side of a generated square grid. */
    public int size() {
        return size;
    }

    /** Grid spacing. */
    public double dx() {
        return dx;
    }

    /** Time step. */
    public double dt() {
        return dt;
    }

    /** Boundary condition. */
    public Boundary boundary() {
        return boundary;
    }

    /** The kind of generated initial state, one of {@link #initialStates}. */
    public String initialState() {
        return initialState;
    }

    /** A one-line description of the parameters. */
    public String summary() {
        return summary;
    }

    private static String normalise(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return model + "/" + name + ": " + size + "^2, dx = " + dx + ", dt = " + dt + ", " + boundary.label() + ", "
            + initialState + "; " + summary;
    }
}
