package org.lshsmile.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.lshsmile.core.model.GrainGrowth;
import org.lshsmile.core.model.Model;
import org.lshsmile.core.model.ModelPreset;
import org.lshsmile.core.model.Nanovoid;

/**
 * The switches a model is built with besides its numeric parameters. Grain growth uses {@code clamp}
 * (off by default); nanovoid uses all of them (clamp and void mask on by default, literal form, no
 * sources); Cahn-Hilliard none.
 *
 * @param clamp    clamp the fields to [0, 1] after each step
 * @param form     nanovoid's discretisation
 * @param voidMask nanovoid's void-interior mask of the solid free energy
 * @param sources  nanovoid's random sources ({@link Nanovoid.Sources#NONE} for none)
 */
record ModelSwitches(boolean clamp, Nanovoid.Form form, boolean voidMask, Nanovoid.Sources sources) {

    /** No clamp, literal form, void mask on, no sources: the defaults of grain growth and Cahn-Hilliard. */
    static final ModelSwitches NONE = new ModelSwitches(false, Nanovoid.Form.LITERAL, true,
        Nanovoid.Sources.NONE);

    /** Applies the switches that belong to the model. */
    Model apply(Model m) {
        return switch (m) {
            case GrainGrowth g -> g.withClamp(clamp);
            case Nanovoid n -> n.with(form, voidMask, clamp).with(sources);
            default -> m;
        };
    }

    /** The switches of a model for run.json, in a stable order (empty for Cahn-Hilliard). */
    Map<String, Object> report(String model) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (model.equals(ModelPreset.GRAIN_GROWTH)) {
            m.put("clamp", clamp);
        } else if (model.equals(ModelPreset.NANOVOID)) {
            m.put("form", form.name().toLowerCase(Locale.ROOT));
            m.put("clamp", clamp);
            m.put("void_mask", voidMask);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("cascades", sources.cascades());
            s.put("noise", sources.noise());
            s.put("seed", sources.seed());
            s.put("p_cascade", sources.pCascade());
            s.put("bias", sources.bias());
            s.put("v_g", sources.vg());
            s.put("noise_amplitude", sources.amplitude());
            m.put("sources", s);
        }
        return m;
    }

    /** The same as checkpoint meta entries: the keys of {@link #report}, nested ones joined by a dot. */
    Map<String, String> meta(String model) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", report(model), out);
        return out;
    }

    /** Nested entries of {@code m} into {@code out} as text, their keys joined by a dot ({@code sources.seed}). */
    static void flatten(String prefix, Map<String, Object> m, Map<String, String> out) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> sub) {
                Map<String, Object> typed = new LinkedHashMap<>();
                sub.forEach((k, v) -> typed.put(String.valueOf(k), v));
                flatten(prefix + e.getKey() + ".", typed, out);
            } else {
                out.put(prefix + e.getKey(), String.valueOf(e.getValue()));
            }
        }
    }

    /**
     * Reads the switches of {@link #meta} back.
     *
     * @throws IllegalArgumentException naming the first missing or malformed entry
     */
    static ModelSwitches fromMeta(String model, Meta meta) {
        if (model.equals(ModelPreset.GRAIN_GROWTH)) {
            return new ModelSwitches(meta.bool("clamp"), Nanovoid.Form.LITERAL, true, Nanovoid.Sources.NONE);
        }
        if (model.equals(ModelPreset.NANOVOID)) {
            Nanovoid.Sources s = new Nanovoid.Sources(meta.longValue("sources.seed"), meta.bool("sources.cascades"),
                meta.number("sources.p_cascade"), meta.number("sources.bias"), meta.number("sources.v_g"),
                meta.bool("sources.noise"), meta.number("sources.noise_amplitude"));
            return new ModelSwitches(meta.bool("clamp"), Nanovoid.Form.parse(meta.text("form")),
                meta.bool("void_mask"), s);
        }
        return NONE;
    }
}
