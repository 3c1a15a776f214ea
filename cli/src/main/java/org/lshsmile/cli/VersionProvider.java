package org.lshsmile.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.lshsmile.simd.Kernels;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the lshsmile version, the JVM, and the kernels this JVM would run. */
public final class VersionProvider implements IVersionProvider {

    private static final String VERSION = load();

    /** The lshsmile version from the build, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException ignored) {
            // fall through: unknown version
        }
        return "unknown";
    }

    @Override
    public String[] getVersion() {
        String kernels = Kernels.simd().map(k -> "simd (" + k.description() + ")")
            .orElse("scalar (" + Kernels.vectorUnavailableReason() + ")");
        return new String[] {
            "lshsmile " + VERSION,
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.vm.version") + "), " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch"),
            "kernels: " + kernels,
            "native library: " + KernelChoice.nativeStatus()};
    }
}
