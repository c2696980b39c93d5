package dev.panamax.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link UnpackNotesTest} as an unprivileged user: imports an OCI layout into a store with the store's own
 * unpacker ({@link ImageStore#open}: rootless options for this user), then prints each unpack note of the image as
 * {@code note:HEX NOTE}, or {@code error:} the failure; exits 0 either way. Uses no JUnit.
 */
public final class UnpackNotesProbe {
    private UnpackNotesProbe() {
    }

    /**
     * Imports {@code args[1]} as {@code args[2]} into the store {@code args[0]}.
     *
     * @param args store, layout, reference
     */
    public static void main(String[] args) {
        try {
            ImageStore store = ImageStore.open(Path.of(args[0]));
            ImageRecord record = store.importLayout(Path.of(args[1]), args[2]);
            for (Map.Entry<Digest, List<String>> layer : store.image(record.reference()).unpackNotes().entrySet()) {
                layer.getValue().forEach(note -> System.out.println("note:" + layer.getKey().hex() + " " + note));
            }
        } catch (Exception e) {
            System.out.println("error:" + e);
        }
        System.out.flush();
        System.exit(0);
    }
}
