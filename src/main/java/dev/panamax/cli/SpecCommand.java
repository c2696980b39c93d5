package dev.panamax.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

/**
 * {@code spec}: writes a starter config.json into the bundle directory, as {@code runc spec} does (same
 * structure, see {@link SpecTemplate}), and never over an existing one.
 */
@Command(name = "spec", sortOptions = false, description = "create a new specification file (config.json)")
final class SpecCommand implements Callable<Integer> {
    @Option(names = {"-b", "--bundle"}, paramLabel = "DIR",
            description = "path to the root of the bundle directory (default: the current directory)")
    Path bundle;

    @Option(names = "--rootless", description = "generate a configuration for a rootless container")
    boolean rootless;

    @Override
    public Integer call() {
        Path dir = bundle == null ? Path.of("") : bundle;
        String shown = bundle == null ? "the current directory" : bundle.toString();
        if (!Files.isDirectory(dir)) {
            throw new CliException("--bundle " + shown + ": no such directory");
        }
        Path file = dir.resolve("config.json");
        String text = Json.pretty(SpecTemplate.config(rootless, rootless ? ProcessIds.current() : new ProcessIds(0, 0)),
                "\t");
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new CliException("File config.json exists in " + shown + ". Remove it first");
        } catch (IOException e) {
            throw new CliException(file + ": cannot write: " + e);
        }
        return 0;
    }
}
