package dev.panamax.image;

import dev.panamax.ProcessIdentity;
import dev.panamax.spec.InvalidSpecException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An image config's {@code User} resolved to ids as runc's {@code GetExecUser} does for docker: {@code ""},
 * {@code name}, {@code uid}, {@code name:group}, {@code uid:gid}, {@code name:gid}, {@code uid:group} (an empty user
 * part is uid 0). A name is looked up in the image's {@code /etc/passwd} (its uid and primary gid) and a group name
 * in {@code /etc/group}; a numeric uid or gid needs no entry (a uid without one gets gid 0). Without an explicit
 * group, the supplementary groups are those {@code /etc/group} lists the user's name in. An empty {@code User} is
 * plain root with no supplementary group and reads no file (docker adds the groups {@code /etc/group} lists root in:
 * a rootless container maps one gid and could not set them; a caller who wants them sets {@code User} to
 * {@code root}). The first matching line wins. Unlike runc, a line with too few fields or a non-numeric id is
 * skipped rather than read as id 0, and a value with a second {@code :} is refused.
 */
final class ImageUser {
    /** The largest {@code /etc/passwd} or {@code /etc/group} read. */
    static final int MAX_FILE = 4 << 20;
    /** The largest id runc accepts ({@code 2^31 - 1}). */
    static final long MAX_ID = (1L << 31) - 1;

    private ImageUser() {
    }

    /** Reads an account file of the image (e.g. {@code etc/passwd}), empty if the image has none. */
    @FunctionalInterface
    interface Files {
        /**
         * The file's content.
         *
         * @param path {@code etc/passwd} or {@code etc/group}
         * @return its content, or empty if the image has no such file
         * @throws IOException if reading it fails or is refused
         */
        Optional<byte[]> read(String path) throws IOException;
    }

    private record Passwd(String name, long uid, long gid) {
    }

    private record Group(String name, long gid, List<String> members) {
    }

    /**
     * Resolves a {@code User}.
     *
     * @param image the image's name, for messages
     * @param user  the config's {@code User}
     * @param files the image's account files, read only when needed
     * @return the ids, or empty for uid 0, gid 0 and no supplementary group
     * @throws InvalidSpecException ({@code image.user}) naming the image, the value and the file when a name is not
     *                              found or an id is out of range
     * @throws IOException          if an account file cannot be read safely
     */
    static Optional<ProcessIdentity> resolve(String image, String user, Files files) throws IOException {
        if (user.isEmpty()) {
            return Optional.empty();
        }
        int colon = user.indexOf(':');
        String userPart = colon < 0 ? user : user.substring(0, colon);
        String groupPart = colon < 0 ? "" : user.substring(colon + 1);
        if (groupPart.indexOf(':') >= 0) {
            throw invalid(image, user, "more than one ':' (the forms are USER and USER:GROUP)");
        }
        long uid;
        long gid = 0;
        String name = null;
        if (userPart.isEmpty() || isNumber(userPart)) {
            long u = userPart.isEmpty() ? 0 : id(image, user, userPart);
            uid = u;
            if (groupPart.isEmpty()) { // the entry's gid and name, if it has one
                Optional<Passwd> entry = passwd(files).orElse(List.of()).stream().filter(p -> p.uid() == u)
                        .findFirst();
                gid = entry.map(Passwd::gid).orElse(0L);
                name = entry.map(Passwd::name).orElse(null);
            }
        } else {
            Optional<List<Passwd>> passwd = passwd(files);
            Passwd entry = passwd.orElse(List.of()).stream().filter(p -> p.name().equals(userPart)).findFirst()
                    .orElseThrow(() -> notFound(image, user, "user", userPart, passwd.isEmpty(), "etc/passwd"));
            uid = entry.uid();
            gid = entry.gid();
            name = entry.name();
        }
        List<Long> groups = new ArrayList<>();
        if (isNumber(groupPart)) {
            gid = id(image, user, groupPart);
        } else if (!groupPart.isEmpty()) {
            Optional<List<Group>> group = group(files);
            gid = group.orElse(List.of()).stream().filter(g -> g.name().equals(groupPart)).findFirst()
                    .orElseThrow(() -> notFound(image, user, "group", groupPart, group.isEmpty(), "etc/group")).gid();
        } else if (name != null) {
            String member = name;
            group(files).orElse(List.of()).stream().filter(g -> g.members().contains(member))
                    .forEach(g -> groups.add(g.gid()));
        }
        if (uid == 0 && gid == 0 && groups.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ProcessIdentity(uid, gid, groups));
    }

    /** The entries of {@code /etc/passwd}, or empty if the image has none. */
    private static Optional<List<Passwd>> passwd(Files files) throws IOException {
        Optional<byte[]> file = files.read("etc/passwd");
        List<Passwd> entries = new ArrayList<>();
        for (String[] f : lines(file)) { // name:password:uid:gid:gecos:home:shell
            if (f.length >= 4 && isNumber(f[2]) && isNumber(f[3]) && inRange(f[2]) && inRange(f[3])) {
                entries.add(new Passwd(f[0], Long.parseLong(f[2]), Long.parseLong(f[3])));
            }
        }
        return file.map(f -> entries);
    }

    /** The entries of {@code /etc/group}, or empty if the image has none. */
    private static Optional<List<Group>> group(Files files) throws IOException {
        Optional<byte[]> file = files.read("etc/group");
        List<Group> entries = new ArrayList<>();
        for (String[] f : lines(file)) { // name:password:gid:member,member
            if (f.length >= 3 && isNumber(f[2]) && inRange(f[2])) {
                List<String> members = f.length < 4 || f[3].isEmpty() ? List.of() : List.of(f[3].split(",", -1));
                entries.add(new Group(f[0], Long.parseLong(f[2]), members));
            }
        }
        return file.map(f -> entries);
    }

    /** The colon-separated fields of each line but empty and {@code #} ones. */
    private static List<String[]> lines(Optional<byte[]> file) {
        List<String[]> lines = new ArrayList<>();
        if (file.isPresent()) {
            for (String line : new String(file.get(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    lines.add(l.split(":", -1));
                }
            }
        }
        return lines;
    }

    /** A name not found: says whether the image has the file at all. */
    private static InvalidSpecException notFound(String image, String user, String what, String value,
                                                 boolean noFile, String path) {
        String why = "no " + what + " " + quote(value) + " in /" + path;
        return invalid(image, user, noFile ? why + " (the image has no /" + path + ")" : why);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() <= 18 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean inRange(String s) {
        return Long.parseLong(s) <= MAX_ID;
    }

    private static long id(String image, String user, String s) {
        if (!inRange(s)) {
            throw invalid(image, user, s + " is out of the id range 0.." + MAX_ID);
        }
        return Long.parseLong(s);
    }

    private static InvalidSpecException invalid(String image, String user, String why) {
        return new InvalidSpecException("image.user", "image " + image + ": User " + quote(user) + ": " + why);
    }

    private static String quote(String s) {
        return "\"" + UnpackException.printable(s) + "\"";
    }
}
