package org.lshsmile.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The option-value converters at their edges; CliFlagTableTest runs them through every option. */
class OptionValuesTest {

    @Test
    void wholeNumbersUpToTheEdgesOfTheirType() {
        assertEquals(Integer.MAX_VALUE, OptionValues.wholeNumber("2147483647"));
        assertEquals(Integer.MIN_VALUE, OptionValues.wholeNumber("-2147483648"));
        assertEquals(5, OptionValues.wholeNumber("+5"));
        assertEquals(7, OptionValues.wholeNumber(" 7 "));
        assertEquals(Long.MAX_VALUE, OptionValues.longNumber("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, OptionValues.longNumber("-9223372036854775808"));
        refused("is beyond the whole-number range -2147483648 to 2147483647",
            () -> OptionValues.wholeNumber("2147483648"));
        refused("is beyond the whole-number range -2147483648 to 2147483647",
            () -> OptionValues.wholeNumber("-2147483649"));
        refused("is beyond the whole-number range -9223372036854775808 to 9223372036854775807",
            () -> OptionValues.longNumber("9223372036854775808"));
        for (String v : new String[] {"1.5", "1e3", "0x10", "NaN", "abc", "5L", "--1"}) {
            refused("is not a whole number", () -> OptionValues.wholeNumber(v));
            refused("is not a whole number", () -> OptionValues.longNumber(v));
        }
        refused("is empty", () -> OptionValues.wholeNumber(""));
    }

    @Test
    void numbersLeaveNonFiniteValuesToTheRangeChecks() {
        assertEquals(0.5, OptionValues.number("0.5"));
        assertEquals(1e-3, OptionValues.number(" 1e-3 "));
        assertTrue(OptionValues.number("NaN").isNaN());
        assertEquals(Double.POSITIVE_INFINITY, OptionValues.number("1e309"));
        assertEquals(Double.NEGATIVE_INFINITY, OptionValues.number("-Infinity"));
        refused("is not a number", () -> OptionValues.number("abc"));
        refused("is not a number", () -> OptionValues.number("1,5"));
        refused("is empty", () -> OptionValues.number(" "));
    }

    @Test
    void pathsAndSwitchValues() {
        assertEquals(Path.of("out"), OptionValues.path("out"));
        refused("is an empty path", () -> OptionValues.path(""));
        refused("is an empty path", () -> OptionValues.path("  "));
        refused("is not a valid path", () -> OptionValues.path("a\0b"));
        assertEquals(true, OptionValues.switchValue("TRUE"));
        assertEquals(false, OptionValues.switchValue("false"));
        refused("is not true or false", () -> OptionValues.switchValue("yes"));
        refused("is not true or false", () -> OptionValues.switchValue("1"));
    }

    private static void refused(String phrase, Executable e) {
        OptionValues.BadValue b = assertThrows(OptionValues.BadValue.class, e);
        assertTrue(b.getMessage().contains(phrase), () -> "'" + phrase + "' not in: " + b.getMessage());
    }
}
