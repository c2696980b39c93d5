package dev.panamax.userns;

import dev.panamax.sys.BeneathDirectory;
import dev.panamax.sys.Errno;
import dev.panamax.sys.ErrnoException;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: an unprivileged system user (created if absent, deleted by {@link #close()} if this created
 * it) and a child JVM run as that user on this build's classes ({@link RootlessProbe}).
 *
 * <pre>{@code
 * try (AsUser user = AsUser.create()) {
 *     Report r = user.probe(Map.of(), "basic", rootfs.toString());
 * }
 * }</pre>
 */
public final class AsUser implements AutoCloseable {
    public static final String NAME = "panamax-userns";

    private final long uid;
    private final long gid;
    private final boolean created;

    private AsUser(long uid, long gid, boolean created) {
        this.uid = uid;
        this.gid = gid;
        this.created = created;
    }

    public static AsUser create() throws Exception {
        boolean created = false;
        if (run("id", "-u", NAME).code != 0) {
            Result add = run("useradd", "--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin",
                    NAME);
            if (add.code != 0) {
                throw new IllegalStateException("useradd " + NAME + " failed: " + add.output);
            }
            created = true;
        }
        return new AsUser(Long.parseLong(run("id", "-u", NAME).output.strip()),
                Long.parseLong(run("id", "-g", NAME).output.strip()), created);
    }

    public long uid() {
        return uid;
    }

    public long gid() {
        return gid;
    }

    /** Gives the user {@code dir} and everything under it (symlinks themselves, not their targets). */
    public void own(Path dir) throws Exception {
        Result r = run("chown", "-R", "-h", uid + ":" + gid, dir.toString());
        if (r.code != 0) {
            throw new IllegalStateException("chown failed: " + r.output);
        }
    }

    /**
     * Runs {@link RootlessProbe} {@code args} as the user; {@code env} adds to a minimal environment; leading
     * {@code -D} arguments go to the JVM.
     */
    public Report probe(Map<String, String> env, String... args) throws Exception {
        return run(RootlessProbe.class, env, args);
    }

    /**
     * Runs {@code main} (a class of this build without JUnit) as the user with {@code args}; {@code env} adds to
     * a minimal environment; leading {@code -D} arguments go to the JVM.
     */
    public Report run(Class<?> main, Map<String, String> env, String... args) throws Exception {
        return run(List.of(), main, env, args);
    }

    /**
     * As {@link #run(Class, Map, String...)}, the command prefixed by {@code prefix} (run as root, which must
     * exec the rest: for instance a private mount namespace with a usable {@code /dev/net/tun}).
     */
    public Report run(List<String> prefix, Class<?> main, Map<String, String> env, String... args) throws Exception {
        return run(prefix, List.of(), main, env, args);
    }

    /**
     * As {@link #run(List, Class, Map, String...)}, with {@code jars} (readable by the user: for instance copies of
     * optional dependencies, whose local repository it cannot read) added to the class path.
     */
    public Report run(List<String> prefix, List<Path> jars, Class<?> main, Map<String, String> env, String... args)
            throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        // panamax.build.dir: set by surefire and inside the VM legs, whose working directory is elsewhere
        Path target = Path.of(System.getProperty("panamax.build.dir", "target")).toAbsolutePath();
        String cp = target.resolve("classes") + ":" + target.resolve("test-classes");
        for (Path jar : jars) {
            cp += ":" + jar.toAbsolutePath();
        }
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                java, "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-cp", cp));
        int i = 0;
        for (; i < args.length && args[i].startsWith("-D"); i++) {
            cmd.add(args[i]);
        }
        cmd.add(main.getName());
        cmd.addAll(List.of(args).subList(i, args.length));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        pb.environment().put("HOME", "/tmp");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("panamax-probe", ".out");
        try {
            Process p = pb.redirectOutput(out.toFile()).start(); // read after the end: a hang cannot block the read
            boolean ended = p.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            String output = Files.readString(out);
            if (!ended) {
                throw new AssertionError("probe did not end in 120 s: " + output);
            }
            return new Report(p.exitValue(), output);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Override
    public void close() throws Exception {
        if (created) {
            Result r = run("userdel", NAME);
            if (r.code != 0) {
                throw new IllegalStateException("userdel " + NAME + " failed: " + r.output);
            }
        }
    }

    /**
     * Skips the test, saying why, unless {@code dir}'s file system takes {@code user.*} extended attributes: the
     * rootless form's opaque directories ({@code user.overlay.opaque}) need them, and tmpfs has them only from
     * Linux 6.6 (the VM legs' {@code /tmp} on 6.1 has none).
     */
    public static void assumeUserXattrs(Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "xattr-", "");
        try (BeneathDirectory d = BeneathDirectory.open(dir)) {
            d.setXattr(file.getFileName().toString(), "user.panamax.probe", new byte[] {'y'});
        } catch (ErrnoException e) {
            Assumptions.assumeTrue(e.errno() != Errno.number("EOPNOTSUPP"), dir + ": its file system takes no user.* "
                    + "xattrs (tmpfs before Linux 6.6), which the rootless form's opaque directories need: "
                    + e.getMessage());
            throw e;
        } finally {
            Files.delete(file);
        }
    }

    /** The probe's lines: {@code out:}, {@code host:}, {@code exit:}, {@code err:}, {@code error:}. */
    public record Report(int jvmExit, String raw) {
        public List<String> lines(String kind) {
            return raw.lines().filter(l -> l.startsWith(kind + ":")).map(l -> l.substring(kind.length() + 1)).toList();
        }

        public String error() {
            List<String> e = lines("error");
            return e.isEmpty() ? null : e.getFirst();
        }

        /** Fails with the whole report unless the container ran and exited 0. */
        public Report ok() {
            if (jvmExit != 0 || error() != null || !lines("exit").equals(List.of("exited with code 0"))) {
                throw new AssertionError("probe failed:\n" + raw);
            }
            return this;
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
