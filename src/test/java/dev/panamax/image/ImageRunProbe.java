package dev.panamax.image;

import dev.panamax.ContainerImage;
import dev.panamax.ContainerSpec;
import dev.panamax.Launcher;
import dev.panamax.RunOptions;
import dev.panamax.RunResult;

import java.nio.file.Path;

/**
 * Run as an unprivileged user by {@link ImageRunTest}: pulls {@code args[1]} into the store {@code args[0]}, runs
 * the image rootless (the user as root inside) with {@code id -u; id -g; pwd} and prints {@code out:} the root's
 * {@code userXattr} and each line of the output, or {@code error:} the failure.
 */
public final class ImageRunProbe {
    private ImageRunProbe() {
    }

    public static void main(String[] args) {
        try {
            ImageStore store = ImageStore.open(Path.of(args[0]));
            ImageReference ref = ImageReference.parse(args[1]);
            store.pull(ref, RegistryClient.builder().build());
            ContainerImage root = store.image(ref).root();
            System.out.println("out:" + root.userXattr());
            RunResult r = Launcher.run(ContainerSpec.builder().mapCurrentUserToRoot().image(root)
                    .command("/bin/sh", "-c", "echo $(id -u) $(id -g); pwd").build(), RunOptions.defaults());
            if (r.status().shellCode() != 0) {
                System.out.println("error:" + r);
            }
            r.stdout().text().lines().forEach(l -> System.out.println("out:" + l));
        } catch (Exception e) {
            System.out.println("error:" + e);
        }
    }
}
