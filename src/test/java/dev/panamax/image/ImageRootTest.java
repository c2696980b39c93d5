package dev.panamax.image;

import dev.panamax.ContainerImage;
import dev.panamax.ProcessIdentity;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.BeneathDirectory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From an image in a store to what a container takes from it ({@link Image#root()}): config defaults, layers
 * unpacked on demand, and {@code User} resolved through the layer stack's own account files, whiteouts and opaque
 * directories honoured, symlinks refused. The store unpacks in the rootless form ({@code user.overlay.opaque}),
 * which needs no root.
 */
class ImageRootTest {
    private static final String PASSWD = "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
    private static final String GROUP = "root:x:0:\napp:x:1000:\nstaff:x:50:app\n";

    private Path base;
    private ImageStore store;

    @BeforeEach
    void open() throws IOException {
        base = Files.createTempDirectory("pmx-imgroot-");
        store = new ImageStore(base.resolve("store"), new HandImage.FormUnpack(true));
    }

    @AfterEach
    void cleanUp() throws IOException {
        Trees.delete(base);
    }

    private static byte[] accounts() throws IOException {
        return new TarBuilder().dir("etc", 0755).file("etc/passwd", 0644, PASSWD).file("etc/group", 0644, GROUP).tar();
    }

    private Image image(String user, byte[]... layers) throws IOException {
        HandImage.store(store, "pmx/app:1", "{\"User\":\"" + user + "\"}", layers);
        return store.image(ImageReference.parse("pmx/app:1"));
    }

    private static Optional<ProcessIdentity> id(long uid, long gid, Long... groups) {
        return Optional.of(new ProcessIdentity(uid, gid, List.of(groups)));
    }

    @Test
    void theConfigsDefaultsAndTheLayersBottomFirstAreCarriedIntoTheRoot() throws IOException {
        byte[] one = accounts();
        byte[] two = new TarBuilder().file("srv/app", 0755, "#!/bin/sh\n").tar();
        HandImage.store(store, "pmx/app:1", """
                {"Entrypoint":["/srv/app","--serve"],"Cmd":["--port","80"],"Env":["PATH=/bin","MODE=prod"],
                 "WorkingDir":"/srv","User":"app:staff","StopSignal":"SIGQUIT","Labels":{"pmx.test":"yes"},
                 "ExposedPorts":{"80/tcp":{},"53/udp":{}}}""", one, two);
        Image image = store.image(ImageReference.parse("pmx/app:1"));
        assertEquals(Map.of("pmx.test", "yes"), image.labels());
        assertEquals(List.of("53/udp", "80/tcp"), image.exposedPorts().stream().sorted().toList());
        assertEquals(Optional.of(3), image.stopSignal());
        assertEquals(List.of(store.layerPath(Digest.of(one)), store.layerPath(Digest.of(two))), image.layers());

        ContainerImage root = image.root();
        assertEquals("docker.io/pmx/app:1", root.name());
        assertEquals(image.layers(), root.layers());
        assertTrue(root.userXattr(), "the store unpacked rootless");
        assertEquals(List.of("/srv/app", "--serve"), root.entrypoint());
        assertEquals(List.of("--port", "80"), root.cmd());
        assertEquals(List.of("PATH=/bin", "MODE=prod"), root.env());
        assertEquals(Optional.of("/srv"), root.workingDir());
        assertEquals(id(1000, 50), root.user());
        assertEquals(Optional.of(3), root.stopSignal());
    }

    @Test
    void layersNotYetUnpackedAreUnpackedWhenTheImageIsOpenedAndTheirFormRecorded() throws IOException {
        byte[] layer = accounts();
        HandImage.store(store, "pmx/app:1", "{}", layer);
        assertFalse(Files.exists(store.layerPath(Digest.of(layer))), "stored by hand: not unpacked");
        Image image = store.image(ImageReference.parse("pmx/app:1"));
        assertEquals(PASSWD, Files.readString(image.layers().getFirst().resolve("etc/passwd")));
        assertEquals("rootless\n", Files.readString(store.root().resolve("forms").resolve(Digest.of(layer).hex())));
        assertTrue(store.unpackedRootless(Digest.of(layer)));
        assertEquals(Optional.empty(), image.root().workingDir());
        assertEquals(Optional.empty(), image.root().stopSignal());
    }

    @Test
    void anImageNotInTheStoreIsNamed() {
        IOException e = assertThrows(IOException.class, () -> store.image(ImageReference.parse("pmx/absent:2")));
        assertEquals("image docker.io/pmx/absent:2: not in the store " + store.root(), e.getMessage());
    }

    @Test
    void aUserIsResolvedByNameUidAndGroupThroughTheImagesOwnFiles() throws IOException {
        assertEquals(id(1000, 1000, 50L), image("app", accounts()).root().user());
        assertEquals(id(1000, 1000, 50L), image("1000", accounts()).root().user());
        assertEquals(id(1000, 50), image("app:staff", accounts()).root().user());
        assertEquals(id(7, 0), image("7", accounts()).root().user());
        assertEquals(Optional.empty(), image("", accounts()).root().user(), "root, in no group of /etc/group");
    }

    @Test
    void anUnknownUserIsAnErrorNamingTheImageTheValueAndTheFile() throws IOException {
        Image image = image("nobody", accounts());
        InvalidSpecException e = assertThrows(InvalidSpecException.class, image::root);
        assertEquals("image.user: image docker.io/pmx/app:1: User \"nobody\": no user \"nobody\" in /etc/passwd",
                e.getMessage());
    }

    @Test
    void aPasswdDeletedByAnUpperLayerIsGone() throws IOException {
        byte[] deleted = new TarBuilder().file("etc/.wh.passwd", 0644, "").tar();
        InvalidSpecException e = assertThrows(InvalidSpecException.class, image("app", accounts(), deleted)::root);
        assertTrue(e.getMessage().endsWith("no user \"app\" in /etc/passwd (the image has no /etc/passwd)"),
                e.getMessage());
        assertEquals(id(1000, 0), image("1000", accounts(), deleted).root().user(), "no entry: gid 0, no group");
    }

    @Test
    void aRootlessLayerOfAnEarlierVersionWithAnXattrWhiteoutStillDeletes() throws IOException {
        Image image = image("app", accounts(), new TarBuilder().file("etc/.wh.group", 0644, "").tar());
        Path etc = image.layers().get(1).resolve("etc");
        assertTrue(Trees.isWhiteout(etc.resolve("group")), "unpacked now: the kernel's whiteout");
        Files.delete(etc.resolve("group")); // as earlier versions wrote it: user.overlay.whiteout, the directory marked
        Files.createFile(etc.resolve("group"));
        try (BeneathDirectory dir = BeneathDirectory.open(etc)) {
            dir.setXattr("group", "user.overlay.whiteout", new byte[] {'y'});
            dir.setXattr(".", "user.overlay.opaque", new byte[] {'x'});
        }
        assertEquals(id(1000, 1000), image.root().user(),
                "staff (in the deleted /etc/group) lists app; opaque=x hides nothing (/etc/passwd below)");
    }

    @Test
    void anOpaqueEtcInAnUpperLayerHidesTheLowerAccountFiles() throws IOException {
        byte[] opaque = new TarBuilder().dir("etc", 0755).file("etc/.wh..wh..opq", 0644, "")
                .file("etc/passwd", 0644, "app:x:2000:2001::/:/bin/sh\n").tar();
        assertEquals(id(2000, 2001), image("app", accounts(), opaque).root().user(),
                "the upper passwd, and the lower group (staff lists app) hidden");
        byte[] upperOnly = new TarBuilder().dir("etc", 0755).file("etc/passwd", 0644, "app:x:2000:2001::/:/x\n").tar();
        assertEquals(id(2000, 2001, 50L), image("app", accounts(), upperOnly).root().user(),
                "without opaque the lower /etc/group shows through");
    }

    @Test
    void aSymlinkedPasswdOrEtcIsRefusedNotFollowed() throws IOException {
        byte[] link = new TarBuilder().dir("etc", 0755).symlink("etc/passwd", "/proc/self/root/etc/passwd").tar();
        IOException e = assertThrows(IOException.class, image("app", accounts(), link)::root);
        assertTrue(e.getMessage().startsWith("image docker.io/pmx/app:1: /etc/passwd in layer 2 of 2 ("),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("): /etc/passwd is a symlink; the image's accounts are read from regular "
                + "files only, no symlink followed"), e.getMessage());
        byte[] etc = new TarBuilder().dir("real", 0755).file("real/passwd", 0644, PASSWD).symlink("etc", "real").tar();
        IOException dir = assertThrows(IOException.class, image("app", etc)::root);
        assertTrue(dir.getMessage().contains("/etc is a symlink"), dir.getMessage());
        assertEquals(id(5, 6), image("5:6", link).root().user(), "uid:gid reads no file");
    }

    @Test
    void anAccountFileOverTheSizeLimitIsRefused() throws IOException {
        byte[] huge = new TarBuilder().zeros("etc/passwd", ImageUser.MAX_FILE + 1L).tar();
        IOException e = assertThrows(IOException.class, image("app", huge)::root);
        assertTrue(e.getMessage().endsWith("): larger than the limit of " + ImageUser.MAX_FILE + " bytes"),
                e.getMessage());
    }

    @Test
    void aRelativeWorkingDirAndAnUnknownStopSignalAreRefusedNamingTheImage() throws IOException {
        HandImage.store(store, "pmx/app:1", "{\"WorkingDir\":\"srv\"}", accounts());
        InvalidSpecException dir = assertThrows(InvalidSpecException.class,
                () -> store.image(ImageReference.parse("pmx/app:1")).root());
        assertEquals("image.workingDir: image docker.io/pmx/app:1: WorkingDir \"srv\" is not an absolute path",
                dir.getMessage());
        HandImage.store(store, "pmx/app:1", "{\"StopSignal\":\"SIGNOPE\"}", accounts());
        InvalidSpecException sig = assertThrows(InvalidSpecException.class,
                () -> store.image(ImageReference.parse("pmx/app:1")).root());
        assertTrue(sig.getMessage().startsWith("image.stopSignal: image docker.io/pmx/app:1: StopSignal \"SIGNOPE\""),
                sig.getMessage());
    }

    @Test
    void layersUnpackedInBothFormsAreRefused() throws IOException {
        byte[] one = accounts();
        byte[] two = new TarBuilder().file("srv/app", 0755, "x").tar();
        HandImage.store(store, "pmx/app:1", "{}", one, two);
        store.image(ImageReference.parse("pmx/app:1"));
        Files.writeString(store.root().resolve("forms").resolve(Digest.of(two).hex()), "root\n");
        IOException e = assertThrows(IOException.class, () -> store.image(ImageReference.parse("pmx/app:1")).root());
        assertEquals("image docker.io/pmx/app:1: its layers were unpacked both as root and rootless (" + Digest.of(one)
                + " rootless, " + Digest.of(two) + " root): one overlay stacks one form; remove the image, prune, and "
                + "import it again as one user", e.getMessage());
    }

    @Test
    void anEtcReplacedByAFileHidesTheLowerOneAndAPasswdDirectoryIsRefused() throws IOException {
        byte[] etcFile = new TarBuilder().file("etc", 0644, "not a directory").tar();
        InvalidSpecException hidden = assertThrows(InvalidSpecException.class, image("app", accounts(), etcFile)::root);
        assertTrue(hidden.getMessage().endsWith("(the image has no /etc/passwd)"), hidden.getMessage());
        byte[] dir = new TarBuilder().dir("etc", 0755).dir("etc/passwd", 0755).tar();
        IOException e = assertThrows(IOException.class, image("app", accounts(), dir)::root);
        assertTrue(e.getMessage().endsWith("): not a regular file"), e.getMessage());
    }

    @Test
    void aLayersFormRecordGoesWithItOnPruneAndACorruptOneIsNamed() throws IOException {
        byte[] layer = accounts();
        HandImage.store(store, "pmx/app:1", "{}", layer);
        store.image(ImageReference.parse("pmx/app:1"));
        Path form = store.root().resolve("forms").resolve(Digest.of(layer).hex());
        Files.writeString(form, "maybe\n");
        IOException e = assertThrows(IOException.class, () -> store.image(ImageReference.parse("pmx/app:1")));
        assertEquals("layer form " + form + ": neither root nor rootless", e.getMessage());
        store.remove(ImageReference.parse("pmx/app:1"));
        store.prune();
        assertEquals(List.of(), Fixtures.names(store.root().resolve("forms")));
        assertEquals(List.of(), Fixtures.names(store.root().resolve("layers")));
    }

    @Test
    void anImageImportedFromAnUmociLayoutCarriesItsCmdEnvWorkingDirAndLabel() throws IOException {
        Path layout = Fixtures.busyboxLayout(base, "1.0");
        store.importLayout(layout, "pmx/busybox:1.0");
        Image image = store.image(ImageReference.parse("pmx/busybox:1.0"));
        ContainerImage root = image.root();
        assertEquals(List.of("/bin/sh"), root.cmd());
        assertEquals(List.of("PATH=/bin"), root.env());
        assertEquals(Optional.of("/srv"), root.workingDir());
        assertEquals("yes", image.labels().get("pmx.test"));
        assertEquals(Optional.empty(), root.user(), "busybox layout: no User, no /etc/group");
        assertTrue(Files.isRegularFile(root.layers().getLast().resolve("bin/busybox")));
    }
}
