package org.lshsmile.core.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file is not a checkpoint {@link Checkpoint#read} accepts: wrong magic, truncated, checksum mismatch,
 * malformed or incomplete header, impossible sizes, or bytes after the trailer.
 *
 * <p>The message is one line of the form {@code "<file>: <problem>; <fix>"}, for example
 * {@code ckpt_0000001200.ckpt: the file is truncated or corrupt (checksum mismatch); resume from an earlier
 * checkpoint}.
 */
public final class CheckpointFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the message {@code "<file>: <problem>; <fix>"}.
     *
     * @param file the file that was refused
     * @param problem what is wrong with it, without a trailing period
     * @param fix what the user should do about it, without a trailing period
     */
    public CheckpointFormatException(Path file, String problem, String fix) {
        super(file + ": " + problem + "; " + fix);
    }
}
