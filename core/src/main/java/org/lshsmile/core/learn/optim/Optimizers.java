package org.lshsmile.core.learn.optim;

import java.util.List;
import java.util.Locale;

/** Builds an {@link Optimizer} from its name and checked {@link Options}. */
public final class Optimizers {

    /** The names {@link #create} accepts. */
    public static final List<String> NAMES = List.of("sgd", "adam", "lbfgs");

    private Optimizers() {}

    /**
     * An optimizer with default options ({@link Options#defaults()}).
     *
     * @param name {@code sgd}, {@code adam} or {@code lbfgs} (case-insensitive)
     * @return a new optimizer
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static Optimizer create(String name) {
        return create(name, Options.defaults());
    }

    /**
     * An optimizer by name. {@code sgd} uses lr, momentum, nesterov and schedule; {@code adam} uses lr,
     * beta1, beta2, epsilon and schedule; {@code lbfgs} uses history, chooses its steps by line search and
     * so refuses a schedule other than {@code constant}.
     *
     * @param name {@code sgd}, {@code adam} or {@code lbfgs} (case-insensitive, blanks around it ignored)
     * @param options the settings, already checked by {@link Options}
     * @return a new optimizer
     * @throws IllegalArgumentException for an unknown name (listing the valid ones), or a schedule with
     *     {@code lbfgs}
     */
    public static Optimizer create(String name, Options options) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("optimizer name is empty; use one of " + String.join(", ", NAMES));
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null; use Optimizers.Options.defaults()");
        }
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "sgd" -> new Sgd(options.lr(), options.momentum(), options.nesterov(), options.schedule());
            case "adam" -> new Adam(options.lr(), options.beta1(), options.beta2(), options.epsilon(),
                options.schedule());
            case "lbfgs" -> {
                if (!(options.schedule() instanceof Schedule.Constant)) {
                    throw new IllegalArgumentException("schedule " + options.schedule().spec()
                        + " does not apply to lbfgs (its line search chooses each step); use schedule constant"
                        + " or optimizer sgd/adam");
                }
                yield new Lbfgs(options.history());
            }
            default -> throw new IllegalArgumentException("unknown optimizer '" + name.strip() + "'; use one of "
                + String.join(", ", NAMES));
        };
    }

    /**
     * Settings for {@link #create}; every value is checked on construction. Defaults
     * ({@link #defaults()}): lr {@code 1e-3}, momentum {@code 0}, nesterov off, beta1 {@code 0.9}, beta2
     * {@code 0.999}, epsilon {@code 1e-8}, history {@code 10}, schedule {@code constant}.
     *
     * @param lr base learning rate (sgd, adam), finite and {@code > 0}
     * @param momentum momentum (sgd), in {@code [0, 1)}
     * @param nesterov Nesterov momentum (sgd), needs {@code momentum > 0}
     * @param beta1 first-moment decay (adam), in {@code [0, 1)}
     * @param beta2 second-moment decay (adam), in {@code [0, 1)}
     * @param epsilon denominator guard (adam), finite and {@code > 0}
     * @param history curvature pairs kept (lbfgs), in {@code [1, }{@value Lbfgs#MAX_HISTORY}{@code ]}
     * @param schedule learning-rate schedule (sgd, adam); a cosine floor must not exceed {@code lr}
     */
    public record Options(double lr, double momentum, boolean nesterov, double beta1, double beta2, double epsilon,
                          int history, Schedule schedule) {

        /**
         * Checks every value.
         *
         * @throws IllegalArgumentException with a one-line message naming the option, its value and a fix
         */
        public Options {
            Checks.learningRate(lr);
            Checks.momentum(momentum);
            Checks.nesterov(nesterov, momentum);
            Checks.beta("beta1", beta1, "0.9");
            Checks.beta("beta2", beta2, "0.999");
            Checks.epsilon(epsilon);
            Checks.history(history);
            Checks.schedule(schedule, lr);
        }

        /**
         * The default settings.
         *
         * @return the defaults listed in the class comment
         */
        public static Options defaults() {
            return builder().build();
        }

        /**
         * A builder starting from the defaults.
         *
         * @return a new builder
         */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * A builder starting from these settings.
         *
         * @return a new builder
         */
        public Builder toBuilder() {
            return new Builder().lr(lr).momentum(momentum).nesterov(nesterov).betas(beta1, beta2).epsilon(epsilon)
                .history(history).schedule(schedule);
        }
    }

    /** Builds {@link Options}; values are checked by {@link #build()}. */
    public static final class Builder {
        private double lr = 1e-3;
        private double momentum = 0;
        private boolean nesterov = false;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private int history = Lbfgs.DEFAULT_HISTORY;
        private Schedule schedule = Schedule.constant();

        private Builder() {}

        /**
         * Sets the base learning rate.
         *
         * @param value finite and {@code > 0}
         * @return this builder
         */
        public Builder lr(double value) {
            lr = value;
            return this;
        }

        /**
         * Sets the momentum.
         *
         * @param value in {@code [0, 1)}
         * @return this builder
         */
        public Builder momentum(double value) {
            momentum = value;
            return this;
        }

        /**
         * Turns Nesterov momentum on or off.
         *
         * @param value {@code true} for Nesterov
         * @return this builder
         */
        public Builder nesterov(boolean value) {
            nesterov = value;
            return this;
        }

        /**
         * Sets Adam's moment decays.
         *
         * @param first beta1, in {@code [0, 1)}
         * @param second beta2, in {@code [0, 1)}
         * @return this builder
         */
        public Builder betas(double first, double second) {
            beta1 = first;
            beta2 = second;
            return this;
        }

        /**
         * Sets Adam's epsilon.
         *
         * @param value finite and {@code > 0}
         * @return this builder
         */
        public Builder epsilon(double value) {
            epsilon = value;
            return this;
        }

        /**
         * Sets the L-BFGS history length.
         *
         * @param value in {@code [1, }{@value Lbfgs#MAX_HISTORY}{@code ]}
         * @return this builder
         */
        public Builder history(int value) {
            history = value;
            return this;
        }

        /**
         * Sets the learning-rate schedule.
         *
         * @param value the schedule
         * @return this builder
         */
        public Builder schedule(Schedule value) {
            schedule = value;
            return this;
        }

        /**
         * Sets the learning-rate schedule from its text form ({@link Schedule#parse}).
         *
         * @param text e.g. {@code cosine:200:1e-4}
         * @return this builder
         * @throws IllegalArgumentException if the text is not a valid schedule
         */
        public Builder schedule(String text) {
            schedule = Schedule.parse(text);
            return this;
        }

        /**
         * Checks every value and builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException with a one-line message naming the option, its value and a fix
         */
        public Options build() {
            return new Options(lr, momentum, nesterov, beta1, beta2, epsilon, history, schedule);
        }
    }
}
