package dev.panamax.userns;

import dev.panamax.ContainerImage;
import dev.panamax.ContainerSpec;
import dev.panamax.Run;
import dev.panamax.sys.Namespace;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Runs in a child JVM under an unprivileged uid (see {@link AsUser}): launches a rootless container whose root
 * is an overlay of the layer directories given (bottom first; in the rootless form, {@code user.overlay.*}
 * attributes, so the overlay is mounted with {@code userxattr}) running {@code script}, and reports {@code out:} lines,
 * {@code exit:} and {@code err:}, or {@code error:} when the launch throws. Uses no JUnit.
 *
 * <pre>{@code
 * java -cp target/classes:target/test-classes dev.panamax.userns.ImageRootlessProbe SCRIPT /l0 /l1
 * }</pre>
 */
public final class ImageRootlessProbe {
    private ImageRootlessProbe() {
    }

    public static void main(String[] args) {
        try {
            List<Path> layers = Arrays.stream(args).skip(1).map(Path::of).toList();
            ContainerImage image = new ContainerImage("pmx/rootless:1", layers, true, List.of("/bin/sh", "-c"),
                    List.of(args[0]), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
            Run r = Run.of(ContainerSpec.builder().image(image)
                    .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC, Namespace.NET)
                    .mapCurrentUserToRoot());
            r.stdout().lines().forEach(line -> System.out.println("out:" + line));
            System.out.println("exit:" + r.status());
            System.out.println("err:" + r.stderr().strip().replace('\n', ' '));
        } catch (RuntimeException e) {
            System.out.println("error:" + e.getClass().getSimpleName() + ": " + e.getMessage().replace('\n', ' '));
        }
        System.out.flush();
        System.exit(0);
    }
}
