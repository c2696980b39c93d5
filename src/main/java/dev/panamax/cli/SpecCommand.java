package dev.panamax.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code spec}: writes a starter config.json into the bundle directory, as {@code runc spec} does (same
 * structure, see {@link SpecTemplate}), and never over an existing one.
 */
final class SpecCommand implements Subcommand {
    @Override
    public String name() {
        return "spec";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "create a new specification file (config.json)";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(LifecycleCommands.bundleOption());
        o.addOption(Option.builder().longOpt("rootless").desc("generate a configuration for a rootless container")
                .get());
        return o;
    }

    @Override
    public int run(PanamaxCommand panamax, CommandLine line) {
        Arguments.count(line, 0);
        Path bundle = line.hasOption("bundle") ? Path.of(line.getOptionValue("bundle")) : null;
        boolean rootless = line.hasOption("rootless");
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
