package dev.panamax;

import dev.panamax.mount.Filesystem;
import dev.panamax.program.Arg;
import dev.panamax.program.Host;
import dev.panamax.program.KernelRelease;
import dev.panamax.program.SpecCompiler;
import dev.panamax.program.Step;
import dev.panamax.trampoline.Arch;
import dev.panamax.spec.InvalidSpecException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ContainerSpec.Builder.image}: the rules by which an image's config gives way to the builder's own
 * calls, and the overlay the plan shows. Pure: launches nothing, the layers need not exist.
 */
class ImageSpecTest extends PlanTest {

    @BeforeAll
    static void layers() throws IOException {
        for (String name : List.of("l0", "l1", "l2", "other", "img")) {
            Files.createDirectory(layer(name));
        }
        for (int i = 0; i < 150; i++) {
            Files.createDirectory(layer("u" + i));
        }
    }

    private static Path layer(String name) {
        return rootfs.resolve(name);
    }

    /** Three layers, {@code sh -c} as Entrypoint, a Cmd, an Env, a WorkingDir, a User and SIGUSR1 to stop. */
    private static ContainerImage image() {
        return new ContainerImage("example/app:1", List.of(layer("l0"), layer("l1"), layer("l2")), false,
                List.of("/bin/sh", "-c"), List.of("echo from-cmd"), List.of("A=image", "B=image", "PATH=/bin"),
                Optional.of("/srv"), Optional.of(new ProcessIdentity(1000, 100, List.of(10L))), Optional.of(10));
    }

    private static ContainerImage bare(List<String> entrypoint, List<String> cmd) {
        return new ContainerImage("example/bare", List.of(layer("l0")), false, entrypoint, cmd, List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void theImageRunsEntrypointAndCmdWithItsEnvironmentDirectoryUserAndStopSignal() {
        ProcessSpec p = ContainerSpec.builder().image(image()).build().process();
        assertEquals(List.of("/bin/sh", "-c", "echo from-cmd"), p.argv());
        assertEquals(Map.of("A", "image", "B", "image", "PATH", "/bin"), p.environment());
        assertEquals("/srv", p.workingDirectory());
        assertEquals(10, p.stopSignal());
        assertEquals(Optional.of(new ProcessIdentity(1000, 100, List.of(10L))),
                ContainerSpec.builder().image(image()).build().identity());
    }

    @Test
    void argsReplaceCmdAndKeepEntrypointWhicheverComesFirst() {
        assertEquals(List.of("/bin/sh", "-c", "echo given"),
                ContainerSpec.builder().image(image()).args("echo given").build().process().argv());
        assertEquals(List.of("/bin/sh", "-c", "echo given"),
                ContainerSpec.builder().args(List.of("echo given")).image(image()).build().process().argv());
    }

    @Test
    void commandReplacesEntrypointAndCmdAndArgsFollowIt() {
        assertEquals(List.of("/bin/true"),
                ContainerSpec.builder().command("/bin/true").image(image()).build().process().argv());
        assertEquals(List.of("/bin/echo", "a", "b"),
                ContainerSpec.builder().image(image()).args("a", "b").command("/bin/echo").build().process().argv());
    }

    @Test
    void cmdAloneOrEntrypointAloneIsTheCommand() {
        assertEquals(List.of("/bin/date"), ContainerSpec.builder().image(bare(List.of(), List.of("/bin/date")))
                .build().process().argv());
        assertEquals(List.of("/bin/date", "-u"), ContainerSpec.builder().image(bare(List.of("/bin/date"), List.of()))
                .args("-u").build().process().argv());
    }

    @Test
    void anImageWithNothingToRunAndNoCommandIsRefusedNamingTheImage() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> ContainerSpec.builder().image(bare(List.of(), List.of())).build());
        assertEquals("image", e.field());
        assertTrue(e.getMessage().contains("example/bare") && e.getMessage().contains("command()"), e.getMessage());
        assertEquals(List.of("/bin/true"), ContainerSpec.builder().image(bare(List.of(), List.of()))
                .command("/bin/true").build().process().argv());
    }

    @Test
    void builderEnvironmentWinsPerNameOverTheImagesAndUnsetRemovesOne() {
        ProcessSpec p = ContainerSpec.builder().env("B", "builder").env("C", "builder").unsetEnv("A")
                .image(image()).build().process();
        assertEquals(Map.of("B", "builder", "C", "builder", "PATH", "/bin"), p.environment());
    }

    @Test
    void pathDefaultsAsWithoutAnImageWhenNeitherSetsIt() {
        assertEquals(Map.of("PATH", ProcessSpec.DEFAULT_PATH),
                ContainerSpec.builder().image(bare(List.of("/bin/true"), List.of())).build().process().environment());
    }

    @Test
    void workingDirectoryUserAndStopSignalOfTheBuilderWin() {
        ContainerSpec spec = ContainerSpec.builder().workingDirectory("/tmp").user(5, 6).stopSignal(2)
                .image(image()).build();
        assertEquals("/tmp", spec.process().workingDirectory());
        assertEquals(Optional.of(new ProcessIdentity(5, 6, List.of())), spec.identity());
        assertEquals(2, spec.process().stopSignal());
        assertEquals(Optional.of(new ProcessIdentity(1000, 100, List.of())),
                ContainerSpec.builder().image(image()).supplementaryGroups().user(1000, 100).build().identity());
    }

    @Test
    void withoutAnImageTheDefaultsAreAsBefore() {
        ProcessSpec p = ContainerSpec.builder().command("/bin/true").build().process();
        assertEquals("/", p.workingDirectory());
        assertEquals(ProcessSpec.SIGTERM, p.stopSignal());
        assertEquals(Map.of("PATH", ProcessSpec.DEFAULT_PATH), p.environment());
    }

    @Test
    void theRootIsTheTopLayerOverTheOthersAndAnUpperLayerOfItsOwn() {
        ContainerSpec spec = ContainerSpec.builder().image(image()).build();
        assertEquals(Optional.of(layer("l2")), spec.rootfs());
        Filesystem.EphemeralRoot root = spec.filesystem().ephemeral().orElseThrow();
        assertEquals(List.of(layer("l0"), layer("l1")), root.lowerLayers());
        assertFalse(root.userXattr());
        assertEquals(Optional.empty(), root.keepUpperDir());
        assertEquals(Optional.of(layer("keep")), ContainerSpec.builder().image(image()).keepUpperDir(layer("keep"))
                .build().filesystem().ephemeral().orElseThrow().keepUpperDir());
    }

    @Test
    void aLaterRootfsDropsTheImageAndItsLayers() {
        ContainerSpec spec = ContainerSpec.builder().image(image()).rootfs(layer("other")).command("/bin/true").build();
        assertEquals(Optional.of(layer("other")), spec.rootfs());
        assertEquals(Optional.empty(), spec.filesystem().ephemeral());
        assertEquals("/", spec.process().workingDirectory());
        assertEquals(List.of(), ContainerSpec.builder().image(image()).ephemeralRoot(layer("other"))
                .command("/bin/true").build().filesystem().ephemeral().orElseThrow().lowerLayers());
    }

    @Test
    void toBuilderRoundTripsAnImageSpec() {
        ContainerSpec spec = ContainerSpec.builder().image(image()).args("x").env("B", "b").build();
        assertEquals(spec, spec.toBuilder().build());
        ContainerSpec rootless = ContainerSpec.builder().image(userXattr(3)).mapCurrentUserToRoot().build();
        assertEquals(rootless, rootless.toBuilder().build());
    }

    private static ContainerImage userXattr(int layers) {
        List<Path> dirs = IntStream.range(0, layers).mapToObj(i -> layer("u" + i)).toList();
        return new ContainerImage("example/rootless", dirs, true, List.of("/bin/true"), List.of(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void aLayerPathTooLongForFsconfigIsRefusedNamingTheLayer() throws IOException {
        Path longPath = Files.createDirectories(rootfs.resolve("x".repeat(200)).resolve("y".repeat(100)));
        ContainerImage image = new ContainerImage("example/long", List.of(longPath, layer("l2")), false,
                List.of("/bin/true"), List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> ContainerSpec.builder().image(image).build());
        assertEquals("image.layers[0]", e.field());
        assertTrue(e.getMessage().contains(longPath.toString()), e.getMessage());
    }

    /** The overlay's fsconfig keys and values, in order ("userxattr" for the flag). */
    private static List<String> overlayConfig(ContainerSpec spec) {
        return overlayConfig(spec, LINUX_6_8);
    }

    /** As above, for a launch on {@code kernel}. */
    private static List<String> overlayConfig(ContainerSpec spec, KernelRelease kernel) {
        List<Step> steps = plan(spec, kernel);
        List<String> out = new ArrayList<>();
        boolean inOverlay = false;
        for (Step s : steps) {
            if (s.syscall().equals("fsopen")) {
                inOverlay = s.args().contains(new Arg.CString("overlay"));
            } else if (inOverlay && s.syscall().equals("fsconfig")) {
                List<String> strings = s.args().stream().filter(a -> a instanceof Arg.CString)
                        .map(a -> ((Arg.CString) a).value()).toList();
                if (!strings.isEmpty()) {
                    out.add(String.join("=", strings));
                }
            }
        }
        return out;
    }

    @Test
    void aTopLayerPathTooLongForFsconfigIsRefusedNamingTheLayer() throws IOException {
        Path longPath = Files.createDirectories(rootfs.resolve("t".repeat(200)).resolve("u".repeat(100)));
        ContainerImage image = new ContainerImage("example/long", List.of(layer("l0"), longPath), false,
                List.of("/bin/true"), List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> ContainerSpec.builder().image(image).build());
        assertEquals("image.layers[1]", e.field());
        assertTrue(e.getMessage().contains(longPath.toString()), e.getMessage());
    }

    @Test
    void aMissingLayerIsRefusedNamingTheImageAndTheLayer() {
        ContainerImage image = new ContainerImage("example/missing", List.of(layer("l0"), layer("absent")), false,
                List.of("/bin/true"), List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> ContainerSpec.builder().image(image).build());
        assertEquals("image.layers[1]", e.field());
        assertTrue(e.getMessage().contains("example/missing") && e.getMessage().contains(layer("absent").toString()),
                e.getMessage());
    }

    @Test
    void thePlanStacksTheLayersTopFirstInOneLowerdirWhenItFits() {
        List<String> config = overlayConfig(ContainerSpec.builder().image(image()).build());
        assertEquals("lowerdir=" + layer("l2") + ":" + layer("l1") + ":" + layer("l0"), config.getFirst(),
                config.toString());
        assertEquals(List.of("upperdir=upper", "workdir=work", "volatile"), config.subList(1, 4),
                "the temporary layers, named from the launch's directory, never synced");
        assertEquals(4, config.size(), "no userxattr for trusted whiteouts: " + config);
        String text = Launcher.plan(ContainerSpec.builder().image(image()).build());
        assertTrue(text.contains("the image root (3 layers)"), text);
    }

    @Test
    void thePlanAddsLayersOneByOneWithLowerdirPlusWhenTheyDoNotFitOneValue() {
        ContainerImage image = userXattr(40);
        ContainerSpec spec = ContainerSpec.builder().image(image).mapCurrentUserToRoot().build();
        List<String> config = overlayConfig(spec, LINUX_6_8);
        List<String> expected = new ArrayList<>();
        for (int i = 39; i >= 0; i--) {
            expected.add("lowerdir+=" + layer("u" + i));
        }
        assertEquals(expected, config.subList(0, 40));
        assertEquals("userxattr", config.getLast());
        assertFalse(config.stream().anyMatch(c -> c.startsWith("lowerdir=")), config.toString());
        assertEquals(-1, indexOf(plan(spec, LINUX_6_1), "fsopen", "overlay"), "no fsconfig before 6.8");
    }

    @Test
    void beforeLinux68LayersBeyondOneFsconfigValueAreMountedWithMount2AndOnePageOfOptions() {
        ContainerSpec spec = ContainerSpec.builder().image(userXattr(40)).mapCurrentUserToRoot().build();
        List<Step> steps = plan(spec, LINUX_6_1);
        Step mount = steps.stream().filter(s -> s.syscall().equals("mount")
                && s.args().getFirst().equals(new Arg.CString("overlay"))).findFirst().orElseThrow();
        List<String> lower = new ArrayList<>();
        for (int i = 39; i >= 0; i--) {
            lower.add(layer("u" + i).toString());
        }
        assertEquals(List.of(new Arg.CString("overlay"), new Arg.CString(layer("u39").toString()),
                new Arg.CString("overlay"), new Arg.Word(0),
                new Arg.CString("lowerdir=" + String.join(":", lower)
                        + ",upperdir=upper,workdir=work,volatile,userxattr")),
                mount.args());
        assertTrue(mount.what().contains("the image root (40 layers)") && mount.what().contains(layer("u17").toString())
                && mount.what().contains("Linux " + LINUX_6_1), mount.what());
        assertTrue(SpecCompiler.plan(spec, Host.current().withKernel(LINUX_6_1), Arch.current()).toString()
                .contains("with mount(2)"), "the plan says which form");
        ContainerSpec kept = ContainerSpec.builder().image(userXattr(40)).keepUpperDir(layer("kept,dir")).build();
        Step keptMount = plan(kept, LINUX_6_1).stream().filter(s -> s.syscall().equals("mount")
                && s.args().getFirst().equals(new Arg.CString("overlay"))).findFirst().orElseThrow();
        assertTrue(((Arg.CString) keptMount.args().getLast()).value().endsWith(",upperdir="
                + layer("kept\\,dir").resolve("upper") + ",workdir=" + layer("kept\\,dir").resolve("work")
                + ",userxattr"), "a kept directory's ',' escaped, not volatile: " + keptMount.args().getLast());
    }

    @Test
    void beforeLinux68LayersBeyondOnePageOfOptionsAreRefusedNamingTheLayersTheBytesAndTheKernel() {
        // built here (6.8+: accepted) and planned for 6.1, or refused by build() itself on a 6.1 kernel
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> plan(
                ContainerSpec.builder().image(userXattr(150)).mapCurrentUserToRoot().build(), LINUX_6_1));
        assertEquals("image.layers", e.field());
        assertTrue(e.getMessage().contains("150 layers: Linux 6.1") && e.getMessage().contains("6.8+")
                && e.getMessage().matches("(?s).*\\(\\d{4} bytes with their NUL\\) must fit one page of 4096.*"),
                e.getMessage());
    }

    @Test
    void aLayerPathWithABackslashIsRefusedNamingTheLayer() throws IOException {
        Path odd = Files.createDirectories(rootfs.resolve("back\\slash"));
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> new ContainerImage("example/odd",
                List.of(layer("l0"), odd), false, List.of("/bin/true"), List.of(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty()));
        assertEquals("image.layers[1]", e.field());
        assertTrue(e.getMessage().contains(odd.toString()), e.getMessage());
    }

    private static final KernelRelease LINUX_6_1 = KernelRelease.parse("6.1.0-27-amd64");
    private static final KernelRelease LINUX_6_8 = KernelRelease.parse("6.8.0");

    /** The plan's steps for a launch on {@code kernel} from this host. */
    private static List<Step> plan(ContainerSpec spec, KernelRelease kernel) {
        return SpecCompiler.plan(spec, Host.current().withKernel(kernel), Arch.current()).steps();
    }

    @Test
    void aPlainEphemeralRootKeepsItsOneLowerdir() {
        List<String> config = overlayConfig(ContainerSpec.builder().ephemeralRoot(layer("img")).command("/bin/true")
                .build());
        assertEquals("lowerdir=" + layer("img"), config.getFirst());
        assertEquals(4, config.size(), config.toString());
    }

    @Test
    void anImageRootsChildMakesItsMountNamespaceAfterGoingToItsLayersDirectory() {
        String text = Launcher.plan(ContainerSpec.builder().image(image()).build());
        assertFalse(cloneLine(text).contains("CLONE_NEWNS"), text);
        int fchdir = text.indexOf("fchdir(layers_dir");
        int unshare = text.indexOf("unshare(CLONE_NEWNS");
        int makePrivate = text.indexOf("make every mount private");
        assertTrue(0 <= fchdir && fchdir < unshare && unshare < makePrivate, text);
        String kept = Launcher.plan(ContainerSpec.builder().image(image()).keepUpperDir(layer("kept")).build());
        assertTrue(cloneLine(kept).contains("CLONE_NEWNS") && !kept.contains("unshare("), kept);
    }

    private static String cloneLine(String plan) {
        return plan.lines().filter(l -> l.contains("the launcher creates the child")).findFirst().orElseThrow();
    }

    @Test
    void aKeptUpperDirIsNamedByItsPathAndNotVolatile() {
        Path keep = layer("kept");
        List<String> config = overlayConfig(ContainerSpec.builder().image(image()).keepUpperDir(keep).build());
        assertEquals(List.of("upperdir=" + keep.resolve("upper"), "workdir=" + keep.resolve("work")),
                config.subList(1, 3));
        assertEquals(3, config.size(), "kept layers are synced as any filesystem: " + config);
        String text = Launcher.plan(ContainerSpec.builder().image(image()).keepUpperDir(keep).build());
        assertFalse(text.contains("layers_dir"), text);
    }
}
