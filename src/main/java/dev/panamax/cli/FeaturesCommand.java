package dev.panamax.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code features}: prints the runtime-spec features document ({@link Features}) as runc does. */
@Command(name = "features", description = "show the enabled features")
final class FeaturesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Json.pretty(Features.document(), "    "));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
