package org.lshsmile.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.lshsmile.core.grid.Grid;
import org.lshsmile.core.grid.MemoryBudget;
import org.lshsmile.core.io.Npy;
import org.lshsmile.core.io.NpyArray;
import org.lshsmile.core.io.NpyFormatException;

/** {@code --init FILE.npy}: a float64 state of shape (m, ny, nx), or (ny, nx) for one field, checked cell by cell. */
final class InitFile {

    private InitFile() {
    }

    /**
     * Reads and checks the file.
     *
     * @param model       the model name, for messages
     * @param fields      the number of fields the model needs, or 0 when any count in [1, maxFields] will do
     * @param maxFields   the largest field count accepted
     * @param fieldList   the model's field names, for messages (may be empty)
     */
    static RunSpec.InitialState read(Path init, String model, int fields, int maxFields, String fieldList) {
        long bytes;
        try {
            bytes = Files.size(init);
        } catch (NoSuchFileException e) {
            throw CliException.usage("cannot read --init " + init + ": no such file", "check the path");
        } catch (AccessDeniedException e) {
            throw CliException.usage("cannot read --init " + init + ": permission denied", "check its permissions");
        } catch (IOException e) {
            throw CliException.usage("cannot read --init " + init + ": " + OutputDir.reason(e), "check the path");
        }
        if (Files.isDirectory(init)) {
            throw CliException.usage("--init " + init + " is a directory", "give a .npy file");
        }
        long max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && bytes > max * 0.45) {
            throw CliException.usage("--init " + init + " is " + MemoryBudget.human(bytes) + ", too large for the "
                + MemoryBudget.human(max) + " Java heap", "raise the heap (LSHSMILE_JAVA_OPTS=-Xmx16g ./lshsmile ...)");
        }
        NpyArray a;
        try {
            a = Npy.read(init);
        } catch (NpyFormatException e) {
            throw new CliException(CliException.USAGE, CliException.oneLine(e.getMessage()), null, e);
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot read --init " + init + ": " + OutputDir.reason(e),
                "check the path and its permissions", e);
        }
        int[] s = a.shape();
        String want = (fields == 1 ? "(ny, nx) or (1, ny, nx)" : fields > 1 ? "(" + fields + ", ny, nx)"
            : "(m, ny, nx), or (ny, nx) for one field") + ", or (m, nz, ny, nx) for a 3-D state";
        if (s.length < 2 || s.length > 4) {
            throw CliException.usage(init + " has shape " + Npy.shapeString(s), model + " needs " + want);
        }
        int m = s.length >= 3 ? s[0] : 1;
        int nz = s.length == 4 ? s[1] : 1;
        int ny = s[s.length - 2];
        int nx = s[s.length - 1];
        if (fields > 0 && m != fields) {
            throw CliException.usage(init + " has shape " + Npy.shapeString(s) + ", " + m + " field"
                + (m == 1 ? "" : "s") + ", but " + model + " has " + fields + " (" + fieldList + ")",
                "save a state of shape " + want);
        }
        if (m < 1 || m > maxFields || ny < 2 || nx < 2 || ny > Grid.MAX_SIDE || nx > Grid.MAX_SIDE || nz < 1
            || nz > Grid.MAX_SIDE) {
            throw CliException.usage(init + " has shape " + Npy.shapeString(s) + ": m must be 1.." + maxFields
                + ", nz 1.." + Grid.MAX_SIDE + " and ny, nx 2.." + Grid.MAX_SIDE, "save a state of shape (m, ny, nx)"
                + " or (m, nz, ny, nx)");
        }
        Checks.memory(m, nz, ny, nx);
        double[] v = a.data();
        int plane = ny * nx;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                int f = i / (plane * nz);
                int z = i / plane % nz;
                int y = i % plane / nx;
                int x = i % nx;
                String cell = s.length == 4 ? "[" + f + ", " + z + ", " + y + ", " + x + "] (field " + f + ", z=" + z
                    + ", y=" + y + ", x=" + x + ")"
                    : s.length == 3 ? "[" + f + ", " + y + ", " + x + "] (field " + f + ", y=" + y + ", x=" + x
                    + ")" : "[" + y + ", " + x + "] (y=" + y + ", x=" + x + ")";
                throw CliException.usage(init + ": the initial state has a non-finite value " + v[i] + " at " + cell,
                    "replace NaN and infinity with finite values, e.g. numpy.nan_to_num");
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", "file");
        d.put("path", init.toAbsolutePath().toString());
        d.put("shape", s);
        return new RunSpec.InitialState(v, m, nz, ny, nx, d);
    }
}
