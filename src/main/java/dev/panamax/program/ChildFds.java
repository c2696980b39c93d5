package dev.panamax.program;

/**
 * The descriptors a child program refers to, as arguments. At launch they carry the real numbers; in a
 * plan they are symbolic ({@code sync_r}), so a plan reads the same every time.
 *
 * @param syncRead  read end of the sync pipe (the child waits here for the parent's go)
 * @param syncWrite the parent's write end, which the child closes first so that EOF means "parent died"
 * @param stdin     descriptor to become fd 0, or null to inherit
 * @param stdout    descriptor to become fd 1, or null to inherit
 * @param stderr    descriptor to become fd 2, or null to inherit
 */
public record ChildFds(Arg.Word syncRead, Arg.Word syncWrite, Arg.Word stdin, Arg.Word stdout, Arg.Word stderr) {

    /** Symbolic descriptors for plans; {@code piped} says which standard streams get one. */
    public static ChildFds symbolic(boolean stdin, boolean stdout, boolean stderr) {
        return new ChildFds(new Arg.Word(-1, "sync_r"), new Arg.Word(-1, "sync_w"),
                stdin ? new Arg.Word(-1, "stdin_fd") : null,
                stdout ? new Arg.Word(-1, "stdout_fd") : null,
                stderr ? new Arg.Word(-1, "stderr_fd") : null);
    }

    public static Arg.Word fd(int fd, String name) {
        return new Arg.Word(fd, name + "=" + fd);
    }
}
