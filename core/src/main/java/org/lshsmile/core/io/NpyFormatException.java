package org.lshsmile.core.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file is not a .npy file this reader accepts: wrong magic, unsupported version, malformed header, a dtype
 * other than float64, Fortran order, an impossible shape, or a data section of the wrong length.
 *
 * <p>The message is one line of the form {@code "<file>: <problem>; <fix>"}, for example
 * {@code in.npy: dtype '<f4' is not float64; save the array with arr.astype(numpy.float64)}.
 */
public final class NpyFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the message {@code "<file>: <problem>; <fix>"}.
     *
     * @param file the file that was refused
     * @param problem what is wrong with it, without a trailing period
     * @param fix what the user should do about it, without a trailing period
     */
    public NpyFormatException(Path file, String problem, String fix) {
        super(file + ": " + problem + "; " + fix);
    }
}
