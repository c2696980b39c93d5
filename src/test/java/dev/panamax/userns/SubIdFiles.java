package dev.panamax.userns;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Test fixture: an allotment for one user appended to /etc/subuid and /etc/subgid; {@link #close()} puts
 * back the exact bytes, permissions and absence that were there before.
 *
 * <pre>{@code
 * try (SubIdFiles sub = SubIdFiles.allot("alice", 200000, 65536)) { ... }
 * }</pre>
 */
public final class SubIdFiles implements AutoCloseable {
    private static final Path[] FILES = {Path.of("/etc/subuid"), Path.of("/etc/subgid")};

    private final byte[][] before = new byte[2][];
    private final String[] modes = new String[2];

    private SubIdFiles() {
    }

    public static SubIdFiles allot(String user, long first, long count) throws Exception {
        SubIdFiles s = new SubIdFiles();
        for (int i = 0; i < 2; i++) {
            if (Files.exists(FILES[i])) {
                s.before[i] = Files.readAllBytes(FILES[i]);
                s.modes[i] = PosixFilePermissions.toString(Files.getPosixFilePermissions(FILES[i]));
            }
        }
        try {
            for (Path f : FILES) {
                String old = Files.exists(f) ? Files.readString(f) : "";
                String sep = old.isEmpty() || old.endsWith("\n") ? "" : "\n";
                Files.writeString(f, old + sep + user + ":" + first + ":" + count + "\n");
            }
        } catch (Exception e) {
            s.close();
            throw e;
        }
        return s;
    }

    @Override
    public void close() throws Exception {
        for (int i = 0; i < 2; i++) {
            if (before[i] == null) {
                Files.deleteIfExists(FILES[i]);
            } else {
                Files.write(FILES[i], before[i]);
                Files.setPosixFilePermissions(FILES[i], PosixFilePermissions.fromString(modes[i]));
            }
        }
    }
}
