package dev.panamax.examples;

import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.RunOptions;
import dev.panamax.RunResult;
import dev.panamax.image.Digest;
import dev.panamax.image.ImageRecord;
import dev.panamax.image.ImageReference;
import dev.panamax.image.ImageStore;
import dev.panamax.image.Platform;
import dev.panamax.image.PullListener;
import dev.panamax.image.RegistryClient;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pulls an image from a registry into the image store, with a progress bar per layer (plain ANSI escapes; one
 * line per finished layer when the output is not a terminal), then, given a command after {@code --}, runs the
 * image with it (as {@code docker run IMAGE ARGS}: the arguments replace the image's {@code Cmd} and follow its
 * {@code Entrypoint}), prints its output and exits with its status. Credentials come from podman's and
 * docker's login files ({@code $REGISTRY_AUTH_FILE}, {@code $XDG_RUNTIME_DIR/containers/auth.json},
 * {@code ~/.docker/config.json}); a download cut off is resumed by the next run.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@pull -Dargs="REFERENCE [PLATFORM [STORE]] [-- ARGS...]"
 * mvn -q -B -DskipTests test-compile exec:exec@pull -Dargs="127.0.0.1:5000/team/app:1.0 linux/arm64"
 * mvn -q -B -DskipTests test-compile exec:exec@pull -Dargs="127.0.0.1:5000/team/app:1.0 -- cat /etc/os-release"
 * </pre>
 *
 * <p>PLATFORM is {@code os/arch[/variant]} (default: this JVM's); STORE a directory (default:
 * {@code /var/lib/panamax} as root, else {@code ~/.local/share/panamax}). No root needed: without root the
 * container maps the user to root in a user namespace.
 */
public final class PullImage {
    private PullImage() {
    }

    public static void main(String[] all) {
        int dashes = Arrays.asList(all).indexOf("--");
        String[] args = dashes < 0 ? all : Arrays.copyOf(all, dashes);
        List<String> command = dashes < 0 ? List.of() : Arrays.asList(all).subList(dashes + 1, all.length);
        if (args.length < 1 || args.length > 3) {
            Examples.fail("pull", "usage: PullImage REFERENCE [os/arch[/variant] [STORE-DIRECTORY]] [-- ARGS...]");
        }
        try {
            ImageReference ref = ImageReference.parse(args[0]);
            Platform platform = args.length > 1 ? Platform.parse(args[1]) : Platform.current();
            ImageStore store = args.length > 2 ? ImageStore.open(Path.of(args[2])) : ImageStore.openDefault();
            boolean terminal = System.console() != null && System.console().isTerminal();
            Bars bars = new Bars(System.out, terminal);
            RegistryClient client = RegistryClient.builder().credentialsFromAuthFiles().listener(bars).build();
            System.out.println("Pulling " + ref + " (" + platform + ") into " + store.root());
            long start = System.nanoTime();
            ImageRecord image = client.pull(store, ref, platform);
            bars.finish();
            System.out.printf("Pulled %s: manifest %s, %d layers, %s, in %.1f s%n", image.reference(),
                    image.manifest(), store.manifest(image).layers().size(), store.config(image).platform(),
                    (System.nanoTime() - start) / 1e9);
            if (!command.isEmpty()) {
                System.exit(run(store, ref, command));
            }
        } catch (IOException | IllegalArgumentException | IllegalStateException | InterruptedException e) {
            Examples.fail("pull", e.getMessage());
        }
    }

    /** Runs the pulled image with {@code args} in place of its Cmd; prints its output; returns its shell status. */
    private static int run(ImageStore store, ImageReference ref, List<String> args)
            throws IOException, InterruptedException {
        ContainerSpec.Builder spec = ContainerSpec.builder().image(store.image(ref).root()).args(args);
        if (!Examples.isRoot()) { // the effective uid (user.name names the real uid's user)
            spec.mapCurrentUserToRoot();
        }
        RunResult r = Launcher.run(spec.build(), RunOptions.defaults());
        System.out.print(r.stdout().text());
        System.err.print(r.stderr().text());
        System.out.println("Exit: " + r.status());
        return r.status().shellCode();
    }

    /**
     * The image's size first, then one bar per layer, redrawn in place (cursor up, clear line) at most ten times a
     * second and whenever a layer ends; the listener's methods come from several download threads, so they draw
     * under one lock. The notes of the layers' unpacking (a device node skipped rootless, ...) are printed at the end.
     */
    static final class Bars implements PullListener {
        private static final int WIDTH = 30;
        private static final long FRAME_NANOS = 100_000_000L;

        private final PrintStream out;
        private final boolean terminal;
        private final Map<Digest, long[]> layers = new LinkedHashMap<>();
        private final List<String> notes = new java.util.ArrayList<>();
        private int drawn;
        private long lastDraw;

        Bars(PrintStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        @Override
        public synchronized void pullStarted(ImageReference image, int layers, long totalBytes) {
            out.println(image + ": " + layers + " layers, " + size(totalBytes));
        }

        @Override
        public synchronized void layerNote(Digest layer, String note) {
            notes.add("note: layer " + layer.hex().substring(0, 12) + ": " + note);
        }

        @Override
        public synchronized void layerStarted(Digest layer, long size) {
            layers.put(layer, new long[] {0, size});
            draw(true);
        }

        @Override
        public synchronized void bytes(Digest layer, long done, long total) {
            layers.put(layer, new long[] {done, total});
            draw(false);
        }

        @Override
        public synchronized void layerDone(Digest layer) {
            if (!terminal) {
                long[] p = layers.get(layer);
                out.println(line(layer, p[0], p[1]));
            }
            draw(true);
        }

        synchronized void finish() {
            draw(true);
            notes.forEach(out::println);
            out.flush();
        }

        private void draw(boolean now) {
            long t = System.nanoTime();
            if (!terminal || !now && t - lastDraw < FRAME_NANOS) {
                return;
            }
            lastDraw = t;
            StringBuilder s = new StringBuilder();
            if (drawn > 0) {
                s.append("\033[").append(drawn).append('A'); // back to the first bar
            }
            layers.forEach((layer, p) -> s.append("\r\033[2K").append(line(layer, p[0], p[1])).append('\n'));
            drawn = layers.size();
            out.print(s);
            out.flush();
        }

        static String line(Digest layer, long done, long total) {
            int percent = total > 0 ? (int) (100 * done / total) : 100;
            int filled = WIDTH * percent / 100;
            return String.format("%s [%s%s] %3d%% %s / %s", layer.hex().substring(0, 12), "#".repeat(filled),
                    ".".repeat(WIDTH - filled), percent, size(done), size(total));
        }

        private static String size(long bytes) {
            return bytes >= 1 << 20 ? String.format("%.1f MB", bytes / 1048576.0)
                    : String.format("%.1f kB", bytes / 1024.0);
        }
    }
}
