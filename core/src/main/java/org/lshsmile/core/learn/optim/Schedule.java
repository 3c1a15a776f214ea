package org.lshsmile.core.learn.optim;

import java.util.Locale;
import java.util.function.Function;

/**
 * A learning-rate schedule for {@link Sgd} and {@link Adam}: the rate used at iteration {@code t}
 * ({@code t = 0} for the first step after construction or {@link Optimizer#reset()}) as a function of the
 * base rate {@code lr}.
 *
 * <table>
 *   <caption>Schedules and their text form ({@link #parse})</caption>
 *   <tr><th>text</th><th>rate at iteration t</th></tr>
 *   <tr><td>{@code constant}</td><td>{@code lr}</td></tr>
 *   <tr><td>{@code step:FACTOR:EVERY}</td><td>{@code lr * FACTOR^floor(t / EVERY)}</td></tr>
 *   <tr><td>{@code exp:GAMMA}</td><td>{@code lr * GAMMA^t}</td></tr>
 *   <tr><td>{@code cosine:PERIOD:FLOOR}</td>
 *     <td>{@code FLOOR + (lr - FLOOR) (1 + cos(pi min(t, PERIOD) / PERIOD)) / 2}: from {@code lr} at
 *     {@code t = 0} down to the absolute rate {@code FLOOR} at {@code t = PERIOD}, then {@code FLOOR}</td></tr>
 * </table>
 *
 * <p>FACTOR and GAMMA are in {@code (0, 1]} (schedules decay), EVERY and PERIOD are integers {@code >= 1},
 * FLOOR is finite and {@code >= 0}; the optimizers also refuse a FLOOR above their {@code lr}.
 */
public sealed interface Schedule {

    /** The accepted text forms, for messages. */
    String FORMS = "constant, step:FACTOR:EVERY, exp:GAMMA, cosine:PERIOD:FLOOR";

    /**
     * The learning rate at an iteration.
     *
     * @param lr the base learning rate
     * @param iteration the iteration, from 0
     * @return the rate to use at that iteration
     */
    double rate(double lr, int iteration);

    /**
     * The text form, which {@link #parse} reads back to an equal schedule.
     *
     * @return e.g. {@code step:0.5:20}
     */
    String spec();

    /**
     * The constant schedule.
     *
     * @return a schedule whose rate is always {@code lr}
     */
    static Schedule constant() {
        return new Constant();
    }

    /**
     * Reads a schedule from its text form: {@code constant}, {@code step:FACTOR:EVERY},
     * {@code exp:GAMMA} or {@code cosine:PERIOD:FLOOR} (kind case-insensitive, blanks around it ignored).
     *
     * @param text the text form, e.g. {@code cosine:200:1e-4}
     * @return the schedule
     * @throws IllegalArgumentException naming the text, the offending part and a valid example when the
     *     text is empty, of an unknown kind, has the wrong number of values, a value that is not a number,
     *     or a value out of range (the range message names the value, e.g. {@code step FACTOR})
     */
    static Schedule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("schedule is empty; use one of " + FORMS);
        }
        String[] parts = text.strip().split(":", -1);
        String kind = parts[0].strip().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "constant" -> {
                values(text, parts, 0, "constant");
                yield new Constant();
            }
            case "step" -> {
                values(text, parts, 2, "step:FACTOR:EVERY, e.g. step:0.5:20");
                yield new StepDecay(number(text, "FACTOR", parts[1]), integer(text, "EVERY", parts[2]));
            }
            case "exp" -> {
                values(text, parts, 1, "exp:GAMMA, e.g. exp:0.98");
                yield new Exponential(number(text, "GAMMA", parts[1]));
            }
            case "cosine" -> {
                values(text, parts, 2, "cosine:PERIOD:FLOOR, e.g. cosine:200:1e-4");
                yield new Cosine(integer(text, "PERIOD", parts[1]), number(text, "FLOOR", parts[2]));
            }
            default -> throw new IllegalArgumentException("unknown schedule '" + parts[0].strip() + "' in '"
                + text + "'; use one of " + FORMS);
        };
    }

    private static void values(String text, String[] parts, int want, String form) {
        if (parts.length - 1 != want) {
            throw new IllegalArgumentException("schedule '" + text + "' needs " + want + " value"
                + (want == 1 ? "" : "s") + " (" + form + "), got " + (parts.length - 1));
        }
    }

    private static double number(String text, String what, String value) {
        return parsed(text, what, value, "a number", Double::parseDouble);
    }

    private static int integer(String text, String what, String value) {
        return parsed(text, what, value, "a whole number", Integer::parseInt);
    }

    private static <T> T parsed(String text, String what, String value, String kind, Function<String, T> parser) {
        try {
            return parser.apply(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("schedule '" + text + "': " + what + " '" + value + "' is not " + kind, e);
        }
    }

    private static double unitInterval(String what, double value, String example) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(what + " must be in (0, 1], got " + value + "; e.g. " + example);
        }
        return value;
    }

    private static int positive(String what, int value, String example) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + value + "; e.g. " + example);
        }
        return value;
    }

    /** The rate is always {@code lr}. */
    record Constant() implements Schedule {
        @Override
        public double rate(double lr, int iteration) {
            return lr;
        }

        @Override
        public String spec() {
            return "constant";
        }
    }

    /**
     * Step decay: {@code lr * factor^floor(t / every)}.
     *
     * @param factor multiplier applied every {@code every} iterations, in {@code (0, 1]}
     * @param every iterations between decays, {@code >= 1}
     */
    record StepDecay(double factor, int every) implements Schedule {
        /** Checks the ranges. */
        public StepDecay {
            unitInterval("step FACTOR", factor, "step:0.5:20");
            positive("step EVERY", every, "step:0.5:20");
        }

        @Override
        public double rate(double lr, int iteration) {
            return lr * Math.pow(factor, iteration / every);
        }

        @Override
        public String spec() {
            return "step:" + factor + ":" + every;
        }
    }

    /**
     * Exponential decay: {@code lr * gamma^t}.
     *
     * @param gamma multiplier per iteration, in {@code (0, 1]}
     */
    record Exponential(double gamma) implements Schedule {
        /** Checks the range. */
        public Exponential {
            unitInterval("exp GAMMA", gamma, "exp:0.98");
        }

        @Override
        public double rate(double lr, int iteration) {
            return lr * Math.pow(gamma, iteration);
        }

        @Override
        public String spec() {
            return "exp:" + gamma;
        }
    }

    /**
     * Cosine annealing from {@code lr} to the absolute rate {@code floor} over {@code period} iterations,
     * then {@code floor}.
     *
     * @param period iterations from {@code lr} down to {@code floor}, {@code >= 1}
     * @param floor the final rate, finite and {@code >= 0}
     */
    record Cosine(int period, double floor) implements Schedule {
        /** Checks the ranges. */
        public Cosine {
            positive("cosine PERIOD", period, "cosine:200:1e-4");
            if (!(floor >= 0) || !Double.isFinite(floor)) {
                throw new IllegalArgumentException("cosine FLOOR must be finite and >= 0, got " + floor
                    + "; e.g. cosine:200:1e-4");
            }
        }

        @Override
        public double rate(double lr, int iteration) {
            int t = Math.min(iteration, period);
            return floor + (lr - floor) * 0.5 * (1 + Math.cos(Math.PI * t / period));
        }

        @Override
        public String spec() {
            return "cosine:" + period + ":" + floor;
        }
    }
}
