package dev.panamax.cli;

/**
 * The check that Apache Commons CLI, an optional dependency of Panamax that only this package uses, is present at run
 * time. {@link Main} calls it before it touches a Commons CLI class, so a missing jar gives one clear error
 * instead of a {@link NoClassDefFoundError}.
 */
final class CliSupport {
    /** Commons CLI's Maven coordinates; the version is the pom's (CommandLineTest checks). */
    static final String ARTIFACT = "commons-cli:commons-cli:1.11.0";
    /** Commons CLI's module name (its module-info). */
    static final String MODULE = "org.apache.commons.cli";

    private CliSupport() {
    }

    /**
     * The error to report when Commons CLI cannot be loaded.
     *
     * @param probeClass a class Commons CLI holds ({@code org.apache.commons.cli.DefaultParser}; a test passes one that is missing)
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
