package dev.panamax.image;

import dev.panamax.Container;
import dev.panamax.Launcher;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child JVM of {@link ImagePinTest}: launches a container from {@code STORE}'s image {@code REF}, prints
 * {@code running} once it runs, and when its own stdin ends lets the container print the lower layer's file, prints
 * that line and closes it.
 */
public final class PinProbe {
    private PinProbe() {
    }

    public static void main(String[] args) throws Exception {
        ImageStore store = ImageStore.open(Path.of(args[0]));
        try (Container c = Launcher.launch(ImagePinTest.waiting(store.image(ImageReference.parse(args[1])).root()))) {
            BufferedReader out = new BufferedReader(new InputStreamReader(c.stdout(), StandardCharsets.UTF_8));
            if (!"ready".equals(out.readLine())) {
                throw new IllegalStateException("the container did not start");
            }
            System.out.println("running");
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
            c.stdin().write('\n');
            c.stdin().flush();
            System.out.println(out.readLine());
            c.waitFor(java.time.Duration.ofSeconds(10));
        }
    }
}
