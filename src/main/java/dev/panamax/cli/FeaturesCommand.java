package dev.panamax.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code features}: prints the runtime-spec features document ({@link Features}) as runc does. */
final class FeaturesCommand implements Subcommand {
    @Override
    public String name() {
        return "features";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "show the enabled features";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(PanamaxCommand panamax, CommandLine line) {
        Arguments.count(line, 0);
        panamax.out.println(Json.pretty(Features.document(), "    "));
        return 0;
    }
}
