package org.lshsmile.simd;

import java.lang.foreign.MemorySegment;

/**
 * Batched p-stable LSH projections: {@code h_j(x) = floor((a_j . x + b_j) * invR)} for every row
 * {@code j} of a Gaussian matrix and every vector {@code x} of a batch, as one matrix product.
 *
 * <p><b>Layouts</b> (all indices count elements, not bytes; no alignment is required):
 * <ul>
 *   <li>{@code a}: {@code rows} rows of {@code d} doubles, row {@code j} starting at double index
 *       {@code j * ds} ({@code ds >= d}; padding between rows is never read);</li>
 *   <li>{@code b}: {@code rows} doubles, the offsets;</li>
 *   <li>{@code x}: {@code n} vectors of {@code d} doubles, vector {@code i} at {@code i * dxs};</li>
 *   <li>{@code outCodes}: {@code n * rows} ints, code {@code (i, j)} at int index {@code i * rows + j}.</li>
 * </ul>
 *
 * <p><b>Summation order</b> of a dot product {@code a . x} of length {@code d} (the contract every
 * implementation follows, so results are bit-for-bit equal across implementations and machines):
 * <ol>
 *   <li>the first {@code m = d - d % CHUNK} products go to {@link #CHUNK} = 8 lane accumulators,
 *       accumulator {@code l} receiving {@code a[k] * x[k]} for {@code k = l, l + 8, l + 16, ...} in
 *       increasing {@code k}, each starting at {@code +0.0} ({@code acc = acc + a[k] * x[k]});</li>
 *   <li>the 8 accumulators are reduced as {@code ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))}
 *       (halving folds, which a 2-, 4- or 8-lane vector unit computes with whole-vector adds);</li>
 *   <li>the tail products {@code k = m .. d-1} are added to that sum one by one in increasing
 *       {@code k}.</li>
 * </ol>
 * Every product is rounded before it is added: no fused multiply-add, because FMA would make the
 * result depend on the hardware and break bitwise agreement with the scalar twin. The width 8 is
 * fixed instead of following the CPU's vector width, so the same input gives the same codes on
 * every machine.
 *
 * <p><b>Codes</b>: {@code code = (int) Math.floor((dot + b_j) * invR)}. The conversion saturates:
 * values {@code >= 2^31} give {@link Integer#MAX_VALUE}, values {@code < -2^31} give
 * {@link Integer#MIN_VALUE}, and NaN gives 0 (Java's narrowing rules; the caller keeps
 * {@code |a . x + b| / r} far below {@code 2^31}, which any meaningful bucket width does).
 * Multiplying by {@code invR = 1 / r} instead of dividing by {@code r} may move a value lying within
 * one ulp of a bucket boundary into the neighbouring bucket; LSH is indifferent to that.
 *
 * <p>Implementations do no argument checks: the caller validates once (see core's {@code LshFamily}),
 * so the hot loops stay free of branches. Instances are stateless and thread-safe.
 */
public interface Projections {

    /** Number of lane accumulators of every dot product (see the class comment). */
    int CHUNK = 8;

    /** Short name: {@code scalar} or {@code simd}. */
    String name();

    /** One line describing the implementation, e.g. the vector width. */
    String description();

    /**
     * The dot product of {@code d} doubles of {@code a} from double index {@code aIndex} and of
     * {@code x} from {@code xIndex}, in the documented summation order.
     */
    double dot(MemorySegment a, long aIndex, MemorySegment x, long xIndex, int d);

    /**
     * All {@code rows} codes of all {@code n} vectors: {@code outCodes[i * rows + j] =
     * (int) floor((a_j . x_i + b_j) * invR)} with the dot product of {@link #dot}.
     *
     * @param a        the matrix, {@code rows} rows of stride {@code ds} doubles
     * @param b        the {@code rows} offsets
     * @param rows     number of hash functions (matrix rows)
     * @param d        dimension of the vectors
     * @param ds       row stride of {@code a} in doubles, {@code >= d}
     * @param x        the vectors
     * @param n        number of vectors
     * @param dxs      stride of {@code x} in doubles, {@code >= d}
     * @param invR     reciprocal of the bucket width
     * @param outCodes receives {@code n * rows} ints
     */
    void project(MemorySegment a, MemorySegment b, int rows, int d, long ds, MemorySegment x, int n, long dxs,
                 double invR, MemorySegment outCodes);
}
