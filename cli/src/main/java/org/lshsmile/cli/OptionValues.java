package org.lshsmile.cli;

import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli type converters for the option values of every command: whole numbers, numbers, paths, and the
 * value a switch may be given ({@code --force=false}). They replace picocli's own so that a value of the wrong
 * type is refused with what the option takes ("'1.5' is not a whole number", "'' is an empty path") instead of
 * a Java type name; {@link Main} turns the refusal into one line naming the option, with exit code 2. Ranges
 * are the commands' checks ({@link Checks}): non-finite numbers pass here so that those checks can say the
 * option's range.
 */
final class OptionValues {

    private OptionValues() {
    }

    /** A value that is not of its option's type: what is wrong with it, and what the option takes. */
    static final class BadValue extends TypeConversionException {

        private static final long serialVersionUID = 1L;
        private final String takes;
        private final boolean numeric;

        /**
         * @param problem what is wrong with the value, e.g. {@code is not a whole number}
         * @param takes   what the option takes, e.g. {@code a whole number}
         * @param numeric whether the option is a number (its help then gives its range)
         */
        BadValue(String problem, String takes, boolean numeric) {
            super(problem);
            this.takes = takes;
            this.numeric = numeric;
        }

        /** Whether the option is a number, whose range its command's help gives. */
        boolean numeric() {
            return numeric;
        }

        /** What the option takes, e.g. {@code a whole number}. */
        String takes() {
            return takes;
        }
    }

    /** Registers the converters with {@code cl} and every subcommand it has now. */
    static void register(CommandLine cl) {
        cl.registerConverter(Integer.class, OptionValues::wholeNumber);
        cl.registerConverter(Integer.TYPE, OptionValues::wholeNumber);
        cl.registerConverter(Long.class, OptionValues::longNumber);
        cl.registerConverter(Long.TYPE, OptionValues::longNumber);
        cl.registerConverter(Double.class, OptionValues::number);
        cl.registerConverter(Double.TYPE, OptionValues::number);
        cl.registerConverter(Path.class, (ITypeConverter<Path>) OptionValues::path);
        cl.registerConverter(Boolean.class, OptionValues::switchValue);
        cl.registerConverter(Boolean.TYPE, OptionValues::switchValue);
    }

    /** A switch's attached value ({@code --force=false}): true or false, in any case. */
    static Boolean switchValue(String s) {
        String t = s.strip();
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.valueOf(t);
        }
        throw new BadValue("is not true or false", "alone, without a value (it is a switch)", false);
    }

    /** An int: refuses fractions, text and values beyond the int range. */
    static Integer wholeNumber(String s) {
        return (int) integral(s, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** A long: refuses fractions, text and values beyond the long range. */
    static Long longNumber(String s) {
        return integral(s, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A double; NaN and infinities are left to the option's range check, which names its range. */
    static Double number(String s) {
        if (s.isBlank()) {
            throw new BadValue("is empty", "a number", true);
        }
        try {
            return Double.valueOf(s.strip());
        } catch (NumberFormatException e) {
            throw new BadValue("is not a number", "a number such as 0.5 or 1e-3", true);
        }
    }

    /** A path: refuses the empty string (which Java reads as the working directory) and invalid names. */
    static Path path(String s) {
        if (s.isBlank()) {
            throw new BadValue("is an empty path (it would mean the working directory)", "a file or directory path",
                false);
        }
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw new BadValue("is not a valid path (" + e.getReason() + ")", "a file or directory path", false);
        }
    }

    private static long integral(String s, long min, long max) {
        String t = s.strip();
        if (t.isEmpty()) {
            throw new BadValue("is empty", "a whole number", true);
        }
        if (!t.matches("[-+]?[0-9]+")) {
            throw new BadValue("is not a whole number", "a whole number", true);
        }
        BigInteger v = new BigInteger(t);
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new BadValue("is beyond the whole-number range " + min + " to " + max, "a whole number", true);
        }
        return v.longValue();
    }
}
