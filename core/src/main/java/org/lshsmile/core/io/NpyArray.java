package org.lshsmile.core.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A float64 array in C (row-major) order with its NumPy shape, as read from or written to a .npy file.
 *
 * <p>The arrays are held as given, not copied, because states can be hundreds of megabytes; callers that
 * share them must not modify them behind each other's back.
 *
 * @param shape the dimensions, outermost first; empty for a 0-d (scalar) array
 * @param data the elements in C order; its length is the product of {@code shape}
 */
public record NpyArray(int[] shape, double[] data) {

    /**
     * Checks that the shape is well formed and matches the data.
     *
     * @throws NullPointerException if {@code shape} or {@code data} is null
     * @throws IllegalArgumentException if a dimension is negative or the product of {@code shape} is not
     *     {@code data.length}
     */
    public NpyArray {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long product = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Npy.shapeString(shape) + " has a negative dimension");
            }
            // Saturate just above data.length so the multiplication cannot overflow; a later 0 still gives 0.
            product = Math.min(product * d, data.length + 1L);
        }
        if (product != data.length) {
            throw new IllegalArgumentException("shape " + Npy.shapeString(shape) + " needs "
                + (product > data.length ? "more than " + data.length : String.valueOf(product))
                + " elements but data has " + data.length);
        }
    }

    /**
     * Number of elements, the product of the shape (1 for a 0-d array).
     *
     * @return {@code data().length}
     */
    public long size() {
        return data.length;
    }

    /**
     * Number of dimensions.
     *
     * @return {@code shape().length}; 0 for a scalar
     */
    public int rank() {
        return shape.length;
    }

    /**
     * Compares shape and data by content; elements are compared as {@link Double#equals}, so NaN equals NaN
     * and 0.0 differs from -0.0.
     *
     * @param o the object to compare with
     * @return whether {@code o} is an {@code NpyArray} with the same shape and elements
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray other && Arrays.equals(shape, other.shape) && Arrays.equals(data, other.data);
    }

    /**
     * Hash of shape and data contents, consistent with {@link #equals}.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    /**
     * Short description with the shape only, since the data may be huge.
     *
     * @return for example {@code NpyArray[shape=(3, 128, 128)]}
     */
    @Override
    public String toString() {
        return "NpyArray[shape=" + Npy.shapeString(shape) + "]";
    }
}
