package dev.panamax.cli;

import dev.panamax.oci.OciHook;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a config's hooks as the runtime-spec says: in the runtime's namespaces, one after another, each with
 * its args and environment (nothing of the CLI's), the container's state JSON on its standard input, and its
 * timeout. Its output is collected and named in the error when it fails.
 */
final class Hooks {
    private Hooks() {
    }

    /**
     * Runs the hooks of one point.
     *
     * @param point the point, for messages
     * @param hooks the hooks, in order
     * @param state the state JSON
     * @throws CliException naming the point, the hook's index and path, and its exit status, timeout or output
     */
    static void run(OciHook.Point point, List<OciHook> hooks, String state) {
        for (int i = 0; i < hooks.size(); i++) {
            run(point, i, hooks.get(i), state);
        }
    }

    private static void run(OciHook.Point point, int index, OciHook hook, String state) {
        String name = point.field() + " hook #" + index + " (" + hook.path() + ")";
        List<String> command = new ArrayList<>();
        command.add(hook.path());
        if (hook.args().size() > 1) {
            command.addAll(hook.args().subList(1, hook.args().size()));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        for (String e : hook.env()) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CliException(name + ": cannot start: " + e.getMessage());
        }
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(state.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // a hook may exit without reading its standard input
            }
            byte[][] output = new byte[1][];
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    output[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    output[0] = new byte[0];
                }
            });
            boolean ended = hook.timeout().isPresent() ? p.waitFor(hook.timeout().getAsInt(), TimeUnit.SECONDS)
                    : p.waitFor() >= Integer.MIN_VALUE;
            if (!ended) {
                p.destroyForcibly().waitFor();
                throw new CliException(name + ": timed out after " + hook.timeout().getAsInt() + " s");
            }
            reader.join(1000);
            if (p.exitValue() != 0) {
                String text = output[0] == null ? "" : new String(output[0], StandardCharsets.UTF_8).strip();
                throw new CliException(name + ": exit status " + p.exitValue() + (text.isEmpty() ? ""
                        : ", output: " + text));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CliException(name + ": interrupted");
        }
    }
}
