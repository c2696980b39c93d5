package dev.panamax.seccomp;

import dev.panamax.ContainerSpec;
import dev.panamax.oci.OciConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.panamax.seccomp.FilterTesting.call;
import static dev.panamax.seccomp.FilterTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An OCI seccomp profile, trimmed from Docker's and podman's default (an allow list with the same kinds of
 * entries: names of other architectures, personality values, clone without namespace flags, clone3 failing
 * with ENOSYS, socket without AF_VSOCK), compiled by the existing compiler and run in the test interpreter.
 */
class OciProfileFilterTest {
    private static final String CONFIG = """
            {"ociVersion": "1.1.0",
             "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh"], "cwd": "/"},
             "root": {"path": "rootfs"},
             "linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}],
              "seccomp": {
               "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
               "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
               "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
               "syscalls": [
                {"names": ["accept4", "brk", "close", "execve", "exit_group", "mmap", "openat", "read", "write",
                           "_llseek", "arm_fadvise64_64", "socketcall", "waitpid"], "action": "SCMP_ACT_ALLOW"},
                {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 0, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
                {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
                {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 4294967295, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
                {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
                {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
                {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 40, "valueTwo": 0, "op": "SCMP_CMP_NE"}]},
                {"names": ["prctl"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 38, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 22, "op": "SCMP_CMP_EQ"}]},
                {"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS"},
                {"names": ["unshare"], "action": "SCMP_ACT_ERRNO",
                 "args": [{"index": 0, "value": 268435456, "valueTwo": 268435456, "op": "SCMP_CMP_MASKED_EQ"}]},
                {"names": ["unshare"], "action": "SCMP_ACT_ALLOW"},
                {"names": ["mount"], "action": "SCMP_ACT_ERRNO"}
               ]}}}
            """;

    @Test
    void dockerStyleProfileCompilesAndDecidesEachCallAsLibseccompWould(@TempDir Path bundle) throws IOException {
        Files.createDirectories(bundle.resolve("rootfs"));
        ContainerSpec spec = OciConfig.parse(CONFIG.getBytes(StandardCharsets.UTF_8)).toSpec(bundle);
        SeccompProfile profile = spec.hardening().seccomp().orElseThrow();
        assertEquals(SeccompAction.EPERM, profile.defaultAction());
        CompiledFilter filter = profile.compile();
        String rules = filter.render();
        assertTrue(rules.contains("clone if (arg0 & 0x7e020000) == 0x0 -> ALLOW"), rules);
        assertTrue(rules.contains("clone3 -> ERRNO(ENOSYS)"), rules);
        assertTrue(!rules.contains("mount"), "a rule with the default action is left out:\n" + rules);

        int allow = SeccompAction.ALLOW.encoding();
        int eperm = SeccompAction.EPERM.encoding();
        assertEquals(allow, run(filter, call("read")));
        assertEquals(eperm, run(filter, call("mount")), "the default action");
        assertEquals(eperm, run(filter, call("getpid")), "not on the allow list");
        assertEquals(allow, run(filter, call("personality", 8)));
        assertEquals(allow, run(filter, call("personality", 0xffffffffL)));
        assertEquals(eperm, run(filter, call("personality", 9)));
        assertEquals(allow, run(filter, call("clone", 17)), "clone(SIGCHLD)");
        assertEquals(eperm, run(filter, call("clone", 0x10000000L | 17)), "clone(CLONE_NEWUSER)");
        assertEquals(SeccompAction.ENOSYS.encoding(), run(filter, call("clone3")));
        assertEquals(allow, run(filter, call("socket", 2)), "AF_INET");
        assertEquals(eperm, run(filter, call("socket", 40)), "AF_VSOCK");
        assertEquals(allow, run(filter, call("prctl", 38)), "two tests of arg0 in one entry: either holds");
        assertEquals(allow, run(filter, call("prctl", 22)));
        assertEquals(eperm, run(filter, call("prctl", 15)));
        assertEquals(SeccompAction.KILL_PROCESS.encoding(), run(filter, call("ptrace")));
        assertEquals(eperm, run(filter, call("unshare", 0x10000000L)), "a conditional rule with the default action"
                + " stays, before the call's unconditional rule");
        assertEquals(SeccompAction.ALLOW.encoding(), run(filter, call("unshare", 0x20000L)));
    }
}
