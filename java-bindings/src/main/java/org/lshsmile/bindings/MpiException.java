package org.lshsmile.bindings;

/**
 * A failed MPI call through {@link Mpi}: the shim's status code and its one-line message (what failed,
 * MPI's error string, and for a state error what to call first).
 */
public final class MpiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** {@code LSHSMILE_MPI_ERR_STATE}: MPI not initialised, or already finalised. */
    public static final int ERR_STATE = -1;
    /** {@code LSHSMILE_MPI_ERR_ARG}: an argument MPI cannot take. */
    public static final int ERR_ARG = -2;

    private final int code;

    /**
     * @param code    the shim's status: a positive MPI error code or a negative {@code ERR_*}
     * @param message one line naming the failure
     */
    public MpiException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** The shim's status: a positive MPI error code or {@link #ERR_STATE} / {@link #ERR_ARG}. */
    public int code() {
        return code;
    }
}
