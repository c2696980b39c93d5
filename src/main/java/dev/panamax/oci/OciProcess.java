package dev.panamax.oci;

import dev.panamax.ContainerSpec;
import dev.panamax.ExecOptions;
import dev.panamax.Hardening;
import dev.panamax.ProcessSpec;
import dev.panamax.spec.InvalidSpecException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An OCI {@code process} object on its own, as {@code runc exec --process FILE} reads it, mapped as the
 * {@code process} of a {@code config.json} is: the command, environment, working directory, user, capabilities,
 * no_new_privs and rlimits, the terminal and its size. Refused as in a config: {@code apparmorProfile},
 * {@code selinuxLabel}, {@code commandLine} and the other fields Panamax cannot honour. The process's
 * {@code user.umask} and {@code oomScoreAdj} are the container's for an exec.
 *
 * <pre>{@code
 * OciProcess p = OciProcess.read(Path.of("process.json"));
 * Container exec = Launcher.control(record).exec(containerSpec, p.process(), p.options());
 * }</pre>
 *
 * @param process     the command, environment and working directory; its streams are a terminal when
 *                    {@code terminal} is true, else inherited
 * @param options     the user, capabilities, no_new_privs and rlimits, replacing the container's
 * @param terminal    {@code terminal}
 * @param consoleSize {@code consoleSize}, if given
 */
public record OciProcess(ProcessSpec process, ExecOptions options, boolean terminal,
                         Optional<OciConfig.ConsoleSize> consoleSize) {

    /**
     * Reads a process file.
     *
     * @param file the JSON file
     * @return the process
     * @throws OciConfigException naming the JSON path of what is wrong
     * @throws IOException        if the file cannot be read
     */
    public static OciProcess read(Path file) throws IOException {
        if (Files.size(file) > OciConfig.MAX_DOCUMENT) {
            throw new OciConfigException("", file + " is larger than " + OciConfig.MAX_DOCUMENT + " bytes");
        }
        return parse(Files.readAllBytes(file));
    }

    /**
     * Parses a process object.
     *
     * @param json the document, a JSON object with the fields of a config's {@code process}
     * @return the process
     * @throws OciConfigException naming the JSON path of what is wrong
     */
    public static OciProcess parse(byte[] json) {
        OciNode node = OciConfig.object(json);
        ContainerSpec.Builder b = ContainerSpec.builder();
        ProcessMapping.map(node, b);
        ContainerSpec spec;
        try {
            spec = b.build();
        } catch (InvalidSpecException e) {
            String path = SpecFields.path(e.field()).replaceFirst("^process\\.", "");
            throw new OciConfigException(path, SpecFields.reason(path, e), e);
        }
        Hardening h = spec.hardening();
        if (h.appArmorProfile().isPresent()) { // an exec's own profile is not applied yet: never run it unconfined
            throw new OciConfigException("apparmorProfile", "not supported for an exec yet (the container's"
                    + " process may have one)");
        }
        ExecOptions options = ExecOptions.defaults()
                .withCapabilities(h.capabilities(), h.ambientCapabilities())
                .withNoNewPrivileges(h.noNewPrivileges())
                .withRlimits(h.rlimits());
        if (spec.identity().isPresent()) {
            options = options.withUser(spec.identity().get());
        }
        boolean terminal = node.bool("terminal", false);
        OciNode size = node.object("consoleSize");
        Optional<OciConfig.ConsoleSize> consoleSize = size == null ? Optional.empty()
                : Optional.of(new OciConfig.ConsoleSize((int) size.requiredInteger("height", 0, 0xFFFF),
                        (int) size.requiredInteger("width", 0, 0xFFFF)));
        return new OciProcess(spec.process(), options, terminal, consoleSize);
    }
}
