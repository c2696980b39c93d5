package dev.panamax.image;

import java.util.Locale;

/**
 * The platform of an image: {@code os/architecture[/variant]} with the Go names OCI uses ({@code linux/amd64},
 * {@code linux/arm64/v8}).
 *
 * @param os           the operating system, e.g. {@code linux}
 * @param architecture the architecture, e.g. {@code amd64}, {@code arm64}
 * @param variant      the CPU variant, e.g. {@code v8}, or the empty string
 */
public record Platform(String os, String architecture, String variant) {
    /**
     * Checks the parts.
     *
     * @param os           the operating system
     * @param architecture the architecture
     * @param variant      the variant or the empty string ({@code null} is read as empty)
     * @throws IllegalArgumentException if os or architecture is empty
     */
    public Platform {
        if (os == null || os.isEmpty() || architecture == null || architecture.isEmpty()) {
            throw new IllegalArgumentException("platform: os and architecture are needed, not '" + os + "/"
                    + architecture + "'");
        }
        variant = variant == null ? "" : variant;
    }

    /**
     * Parses {@code os/architecture[/variant]}.
     *
     * @param text e.g. {@code linux/arm64/v8}
     * @return the platform
     * @throws IllegalArgumentException if the text has not two or three non-empty parts
     */
    public static Platform parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()
                || parts.length == 3 && parts[2].isEmpty()) {
            throw new IllegalArgumentException("platform: '" + text + "' is not os/architecture[/variant]");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
    }

    /**
     * The platform of this JVM ({@code os.arch} mapped to Go's names: amd64, arm64, ...): a pull on arm64 asks
     * for {@code linux/arm64/v8}, which an index entry {@code linux/arm64/v8} or {@code linux/arm64} answers.
     *
     * @return e.g. {@code linux/amd64}, {@code linux/arm64/v8}
     */
    public static Platform current() {
        return of(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /**
     * The platform of a JVM whose {@code os.name} and {@code os.arch} are these: arm64 with its default variant
     * {@code v8}, as containerd's default platform has it (an arm64 CPU need not run a later variant's code).
     */
    static Platform of(String osName, String osArch) {
        String arch = osArch.toLowerCase(Locale.ROOT);
        String goArch = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> arch;
        };
        return new Platform(osName.toLowerCase(Locale.ROOT), goArch, goArch.equals("arm64") ? "v8" : "");
    }

    /**
     * Whether an image for {@code offered} runs here, when this platform is the one asked for: same os and
     * architecture, and the same variant once defaults are filled in (arm64 without a variant is {@code v8}, arm
     * is {@code v7}); asking without a variant accepts any.
     *
     * @param offered a platform an index offers
     * @return whether it matches
     */
    public boolean matches(Platform offered) {
        if (!os.equals(offered.os) || !architecture.equals(offered.architecture)) {
            return false;
        }
        return variant.isEmpty() || normalVariant().equals(offered.normalVariant());
    }

    private String normalVariant() {
        if (!variant.isEmpty()) {
            return variant;
        }
        return switch (architecture) {
            case "arm64" -> "v8";
            case "arm" -> "v7";
            default -> "";
        };
    }

    /** {@code os/architecture[/variant]}. */
    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
