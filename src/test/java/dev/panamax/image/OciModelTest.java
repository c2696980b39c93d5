package dev.panamax.image;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OCI and Docker documents read into records, the platform chosen from an index, named errors. */
class OciModelTest {
    static final String A = "sha256:" + "a".repeat(64);
    static final String B = "sha256:" + "b".repeat(64);
    static final String C = "sha256:" + "c".repeat(64);

    private static byte[] json(String text) {
        return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aDockerSchema2ManifestReadsItsConfigAndLayers() {
        ImageManifest m = ImageManifest.parse(json("{'schemaVersion':2,'mediaType':'" + MediaTypes.DOCKER_MANIFEST
                + "','config':{'mediaType':'" + MediaTypes.DOCKER_CONFIG + "','digest':'" + A + "','size':7},"
                + "'layers':[{'mediaType':'application/vnd.docker.image.rootfs.diff.tar.gzip','digest':'" + B
                + "','size':100},{'mediaType':'x','digest':'" + C + "','size':0}]}"));
        assertEquals(MediaTypes.DOCKER_MANIFEST, m.mediaType());
        assertEquals(Digest.parse(A), m.config().digest());
        assertEquals(7, m.config().size());
        assertEquals(List.of(Digest.parse(B), Digest.parse(C)), m.layers().stream().map(Descriptor::digest).toList());
    }

    @Test
    void aMalformedManifestNamesTheField() {
        assertError(() -> ImageManifest.parse(json("{'config':{'mediaType':'x','digest':'" + A + "','size':1},"
                + "'layers':[{'mediaType':'x','size':1}]}")), "manifest.layers[0].digest: missing");
        assertError(() -> ImageManifest.parse(json("{'config':{'mediaType':'x','digest':'" + A + "','size':-1}}")),
                "manifest.config.size: not a non-negative integer");
        assertError(() -> ImageManifest.parse(json("{'config':{'mediaType':'x','digest':'sha256:12','size':1}}")),
                "manifest.config.digest: digest: a sha256 digest has 64 hex digits, not 2");
        assertError(() -> ImageManifest.parse(json("{'mediaType':'" + MediaTypes.OCI_INDEX + "'}")),
                "an index: choose a platform first");
        assertError(() -> ImageManifest.parse(json("[1]")), "manifest: not a JSON object");
        assertError(() -> ImageManifest.parse(json("{'config':")), "manifest: not valid JSON");
    }

    @Test
    void aDocumentOverFourMebibytesIsRefused() {
        byte[] big = new byte[Json.MAX_DOCUMENT + 1];
        assertError(() -> ImageManifest.parse(big), "manifest: 4194305 bytes, more than the limit of 4194304");
        assertError(() -> ImageConfig.parse(big), "config: 4194305 bytes");
    }

    @Test
    void anImageConfigReadsTheProcessDefaultsAndDiffIds() {
        ImageConfig c = ImageConfig.parse(json("{'architecture':'arm64','variant':'v8','os':'linux','config':{"
                + "'Entrypoint':['/bin/sh','-c'],'Cmd':['echo hi'],'Env':['PATH=/bin','A=b=c'],'WorkingDir':'/srv',"
                + "'User':'1000:1000','StopSignal':'SIGQUIT','ExposedPorts':{'80/tcp':{},'53/udp':{}},"
                + "'Labels':{'k':'v'}},'rootfs':{'type':'layers','diff_ids':['" + A + "','" + B + "']},"
                + "'history':[{'created':'2024-01-01T00:00:00Z','created_by':'ADD x /','empty_layer':false},"
                + "{'created_by':'CMD','empty_layer':true}]}"));
        assertEquals(new Platform("linux", "arm64", "v8"), c.platform());
        assertEquals(List.of("/bin/sh", "-c"), c.entrypoint());
        assertEquals(List.of("echo hi"), c.cmd());
        assertEquals(List.of("PATH=/bin", "A=b=c"), c.env());
        assertEquals("/srv", c.workingDir());
        assertEquals("1000:1000", c.user());
        assertEquals("SIGQUIT", c.stopSignal());
        assertEquals(List.of("80/tcp", "53/udp"), c.exposedPorts());
        assertEquals(Map.of("k", "v"), c.labels());
        assertEquals(List.of(Digest.parse(A), Digest.parse(B)), c.diffIds());
        assertEquals(List.of(new ImageConfig.History("2024-01-01T00:00:00Z", "ADD x /", "", false),
                new ImageConfig.History("", "CMD", "", true)), c.history());
    }

    @Test
    void aConfigWithoutProcessDefaultsHasEmptyOnes() {
        ImageConfig c = ImageConfig.parse(json("{'architecture':'amd64','os':'linux','rootfs':{'diff_ids':[]}}"));
        assertEquals(List.of(), c.cmd());
        assertEquals("", c.workingDir());
        assertError(() -> ImageConfig.parse(json("{'architecture':'amd64','os':'linux','config':{'Cmd':'sh'},"
                + "'rootfs':{'diff_ids':[]}}")), "config.config.Cmd: not an array");
        assertError(() -> ImageConfig.parse(json("{'architecture':'amd64','os':'linux'}")), "config.rootfs: missing");
    }

    private static ImageIndex index(String... platforms) {
        StringBuilder s = new StringBuilder("{'mediaType':'" + MediaTypes.DOCKER_MANIFEST_LIST + "','manifests':[");
        for (int i = 0; i < platforms.length; i++) {
            String[] p = platforms[i].split("/");
            s.append(i == 0 ? "" : ",").append("{'mediaType':'").append(MediaTypes.DOCKER_MANIFEST)
                    .append("','digest':'sha256:").append(String.valueOf((char) ('a' + i)).repeat(64))
                    .append("','size':1,'platform':{'os':'").append(p[0]).append("','architecture':'").append(p[1])
                    .append(p.length > 2 ? "','variant':'" + p[2] : "").append("'}}");
        }
        return ImageIndex.parse(json(s.append("]}").toString()));
    }

    @Test
    void thePlatformIsChosenFromAnIndexWithTheArm64VariantDefault() {
        ImageIndex index = index("linux/amd64", "linux/arm/v7", "linux/arm64/v8", "linux/s390x");
        assertEquals(A, index.select(Platform.parse("linux/amd64")).digest().toString());
        assertEquals("sha256:" + "c".repeat(64), index.select(Platform.parse("linux/arm64")).digest().toString());
        assertEquals("sha256:" + "c".repeat(64), index.select(Platform.parse("linux/arm64/v8")).digest().toString());
        assertEquals(B, index.select(Platform.parse("linux/arm")).digest().toString());
        ImageIndex plain = index("linux/arm64");
        assertEquals(A, plain.select(Platform.parse("linux/arm64/v8")).digest().toString());
    }

    @Test
    void aJvmOnArm64PullsTheLinuxArm64Image() {
        Platform arm64 = Platform.of("Linux", "aarch64");
        assertEquals(Platform.parse("linux/arm64/v8"), arm64, "aarch64 is Go's arm64, variant v8 by default");
        assertEquals(arm64, Platform.of("Linux", "arm64"));
        assertEquals(Platform.parse("linux/amd64"), Platform.of("Linux", "amd64"));
        assertEquals(Platform.parse("linux/amd64"), Platform.of("Linux", "x86_64"));
        assertEquals(C, index("linux/amd64", "linux/arm/v7", "linux/arm64/v8").select(arm64).digest().toString());
        assertEquals(C, index("linux/amd64", "linux/arm/v7", "linux/arm64").select(arm64).digest().toString(),
                "an entry without a variant is v8");
        assertEquals(B, index("linux/arm64/v9", "linux/arm64").select(arm64).digest().toString(),
                "not a later variant, which a v8 CPU need not run");
        assertError(() -> index("linux/amd64", "linux/arm/v7").select(arm64), "no manifest for platform linux/arm64/v8");
        assertEquals(Platform.of(System.getProperty("os.name"), System.getProperty("os.arch")), Platform.current());
    }

    @Test
    void anUnknownPlatformNamesWhatTheIndexOffers() {
        assertError(() -> index("linux/amd64", "linux/arm64/v8").select(Platform.parse("linux/riscv64")),
                "no manifest for platform linux/riscv64; it offers linux/amd64, linux/arm64/v8");
        assertError(() -> index("linux/arm/v6").select(Platform.parse("linux/arm/v7")), "it offers linux/arm/v6");
        assertError(() -> Platform.parse("linux"), "'linux' is not os/architecture[/variant]");
    }

    static void assertError(Runnable r, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
