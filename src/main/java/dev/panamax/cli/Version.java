package dev.panamax.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The versions the command reports: Panamax's (the pom's, filtered into a resource) and the runtime-spec's. */
final class Version {
    /** The highest runtime-spec version Panamax's config.json mapping reads, and the one {@code spec} writes. */
    static final String SPEC = "1.2.0";
    /** The lowest runtime-spec version it reads. */
    static final String SPEC_MIN = "1.0.0";

    private Version() {
    }

    /** {@return Panamax's version, e.g. {@code 0.1.0}} */
    static String panamax() {
        try (InputStream in = Version.class.getResourceAsStream("version.txt")) {
            if (in == null) {
                throw new IllegalStateException("dev/panamax/cli/version.txt is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read dev/panamax/cli/version.txt", e);
        }
    }

    /** {@return the {@code --version} text, runc's layout: the runtime's version line, then the spec's} */
    static String text() {
        return "panamax version " + panamax() + "\nspec: " + SPEC;
    }
}
