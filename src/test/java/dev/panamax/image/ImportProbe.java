package dev.panamax.image;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link ImageImportTest} in two JVMs at once: waits for a start file, then imports a layout into a store,
 * logging each layer it unpacks.
 */
public final class ImportProbe {
    private ImportProbe() {
    }

    /**
     * Imports {@code args[1]} as {@code args[2]} into the store {@code args[0]} once {@code args[3]} exists.
     *
     * @param args store, layout, reference, start file, unpack log
     * @throws Exception if the import fails
     */
    public static void main(String[] args) throws Exception {
        Path start = Path.of(args[3]);
        while (!Files.exists(start)) {
            Thread.sleep(5);
        }
        ImageStore store = new ImageStore(Path.of(args[0]), Fixtures.logged(Path.of(args[4])));
        System.out.println("IMPORTED " + store.importLayout(Path.of(args[1]), args[2]).manifest());
    }
}
