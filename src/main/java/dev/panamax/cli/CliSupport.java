package dev.panamax.cli;

/**
 * The check that picocli, an optional dependency of Panamax that only this package uses, is present at run
 * time. {@link Main} calls it before it touches a picocli class, so a missing jar gives one clear error
 * instead of a {@link NoClassDefFoundError}.
 */
final class CliSupport {
    /** picocli's Maven coordinates; the version is the pom's (CliSupportTest checks). */
    static final String ARTIFACT = "info.picocli:picocli:4.7.7";
    /** picocli's module name (its module-info). */
    static final String MODULE = "info.picocli";

    private CliSupport() {
    }

    /**
     * The error to report when picocli cannot be loaded.
     *
     * @param probeClass a class picocli holds ({@code picocli.CommandLine}; a test passes one that is missing)
     * @return null when it loads, else the message naming the artifact and, on the module path, the module
     */
    static String missing(String probeClass) {
        try {
            Class.forName(probeClass, false, CliSupport.class.getClassLoader());
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            String text = "the panamax command (dev.panamax.cli) needs " + ARTIFACT
                    + ", an optional dependency of Panamax that is missing at run time";
            if (CliSupport.class.getModule().isNamed()) {
                text += " (on the module path, resolved: --add-modules " + MODULE + ")";
            }
            return text + "; bin/panamax of the installed layout puts it on the module path";
        }
    }
}
