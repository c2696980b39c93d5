package dev.panamax.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run by the pull tests in child JVMs: waits for a start file (unless {@code -}), then pulls an image into a
 * store, logging each layer it unpacks; prints {@code PULLED} and the manifest digest.
 */
public final class PullProbe {
    private PullProbe() {
    }

    /**
     * Pulls {@code args[1]} into the store {@code args[0]} once {@code args[2]} exists.
     *
     * @param args store, reference, start file or {@code -}, unpack log
     * @throws Exception if the pull fails
     */
    public static void main(String[] args) throws Exception {
        if (!args[2].equals("-")) {
            Path start = Path.of(args[2]);
            while (!Files.exists(start)) {
                Thread.sleep(5);
            }
        }
        ImageStore store = new ImageStore(Path.of(args[0]), Fixtures.logged(Path.of(args[3])));
        RegistryClient client = RegistryClient.builder().retries(1, Duration.ofMillis(10)).build();
        System.out.println("PULLED " + client.pull(store, ImageReference.parse(args[1])).manifest());
    }
}
