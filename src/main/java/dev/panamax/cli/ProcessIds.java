package dev.panamax.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The effective user and group ids of this process, read from {@code /proc/self/status}: the command needs them
 * before anything else of Panamax is loaded (the default {@code --root}, {@code spec --rootless}'s mappings),
 * and the file costs less at start-up than the first native call.
 *
 * @param euid the effective user id
 * @param egid the effective group id
 */
record ProcessIds(int euid, int egid) {
    /**
     * The ids of this process.
     *
     * @return them
     * @throws CliException naming the file when it cannot be read or has no {@code Uid:} or {@code Gid:} line
     */
    static ProcessIds current() {
        Path status = Path.of("/proc/self/status");
        try {
            return parse(Files.readString(status));
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(status + ": cannot read the effective uid and gid: " + e.getMessage());
        }
    }

    /**
     * The ids from the text of a {@code status} file.
     *
     * @param status the text: lines {@code Uid:\treal\teffective\tsaved\tfs}, likewise {@code Gid:}
     * @return the effective ids
     * @throws IllegalArgumentException naming the line that is missing or malformed
     */
    static ProcessIds parse(String status) {
        return new ProcessIds(effective(status, "Uid:"), effective(status, "Gid:"));
    }

    private static int effective(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] fields = line.substring(key.length()).strip().split("\\s+");
                if (fields.length < 2) {
                    throw new IllegalArgumentException("\"" + key + "\" line has no effective id");
                }
                return Integer.parseInt(fields[1]);
            }
        }
        throw new IllegalArgumentException("no \"" + key + "\" line");
    }
}
