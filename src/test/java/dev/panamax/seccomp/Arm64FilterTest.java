package dev.panamax.seccomp;

import static dev.panamax.seccomp.FilterTesting.call;
import static dev.panamax.seccomp.FilterTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ContainerSpec;
import dev.panamax.oci.OciConfig;
import dev.panamax.sys.internal.SyscallTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profile compiled for arm64 on any machine: arm64's audit arch checked first, arm64's numbers, and the rules
 * for calls arm64 does not have ({@code iopl}, {@code open}) left out and named. Run in the test interpreter.
 */
class Arm64FilterTest {
    private static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;
    private static final SyscallTable ARM64 = SyscallTable.forOsArch("aarch64");
    private static final SyscallTable X86_64 = SyscallTable.forOsArch("x86_64");
    private static final int ALLOW = SeccompAction.ALLOW.encoding();
    private static final int EPERM = SeccompAction.EPERM.encoding();
    private static final int KILL = SeccompAction.KILL_PROCESS.encoding();
    private static final long CLONE_NEWUSER = 0x10000000L;

    private static int arm64(CompiledFilter filter, String syscall, long... args) {
        return run(filter, call(AUDIT_ARCH_AARCH64, ARM64.number(syscall).orElseThrow(), args));
    }

    @Test
    void theDefaultProfileCompilesForArm64AndChecksItsAuditArchFirst() {
        CompiledFilter filter = SeccompProfile.defaultProfile().compile("aarch64");
        assertEquals("aarch64", filter.architecture());
        List<String> lines = filter.disassemble().lines().toList();
        assertTrue(lines.get(0).matches("\\s*0: ld \\[4]\\s+; arch") && lines.get(1).contains("jeq #0xc00000b7"),
                filter.disassemble());
        assertTrue(lines.get(3).matches("\\s*3: ld \\[0]\\s+; nr"), "no x32 check on arm64:\n" + filter.disassemble());
        assertEquals(EPERM, arm64(filter, "mount"));
        assertEquals(KILL, run(filter, call(FilterSemantics.AUDIT_ARCH_X86_64, ARM64.number("mount").orElseThrow())),
                "an x86-64 call on arm64 (there is none): killed");
        assertEquals(KILL, run(filter, call(0x40000028, ARM64.number("openat").orElseThrow())),
                "32-bit arm (AUDIT_ARCH_ARM) is killed");
        assertEquals(ALLOW, arm64(filter, "openat", -100, 0, 0));
        assertEquals(ALLOW, arm64(filter, "clone", 17));
        assertEquals(EPERM, arm64(filter, "clone", CLONE_NEWUSER | 17));
        assertEquals(SeccompAction.ENOSYS.encoding(), arm64(filter, "clone3"));
        assertEquals(EPERM, arm64(filter, "ioctl", 0, DefaultProfile.TIOCSTI));
        assertEquals(EPERM, arm64(filter, "nfsservctl"), "asm-generic has it: denied as on x86-64");
    }

    /** Each call both architectures have is decided alike, by its own number on each. */
    @Test
    void everyCallBothHaveIsDecidedOnArm64AsOnX8664() {
        CompiledFilter arm64 = SeccompProfile.defaultProfile().compile("aarch64");
        CompiledFilter x86 = SeccompProfile.defaultProfile().compile("x86_64");
        List<long[]> argSets = List.of(new long[6], new long[] {CLONE_NEWUSER, DefaultProfile.TIOCSTI},
                new long[] {8, DefaultProfile.TIOCLINUX}, new long[] {0xffffffffL, 1, 2, 3, 4, 5});
        int compared = 0;
        for (Map.Entry<String, Integer> e : ARM64.all().entrySet()) {
            int x86Nr = X86_64.number(e.getKey()).orElseThrow();
            for (long[] args : argSets) {
                assertEquals(run(x86, call(FilterSemantics.AUDIT_ARCH_X86_64, x86Nr, args)),
                        run(arm64, call(AUDIT_ARCH_AARCH64, e.getValue(), args)), e.getKey());
                compared++;
            }
        }
        assertTrue(compared > 1000, "compared " + compared);
    }

    @Test
    void theDefaultProfilesX8664OnlyCallsAreLeftOutOnArm64AndNamed() {
        CompiledFilter filter = SeccompProfile.defaultProfile().compile("arm64");
        assertEquals(List.of("create_module", "get_kernel_syms", "query_module", "uselib", "_sysctl", "iopl",
                "ioperm"), filter.leftOut());
        filter.leftOut().forEach(call -> assertTrue(ARM64.number(call).isEmpty() && X86_64.number(call).isPresent(),
                call + ": x86-64 only"));
        assertTrue(filter.render().endsWith("\ndefault -> ALLOW\nnot on aarch64, left out: create_module,"
                + " get_kernel_syms, query_module, uselib, _sysctl, iopl, ioperm\n"), filter.render());
        CompiledFilter x86 = SeccompProfile.defaultProfile().compile("x86_64");
        assertEquals(List.of(), x86.leftOut());
        assertTrue(x86.render().contains("\niopl -> ERRNO(EPERM)\n") && !x86.render().contains("left out"));
    }

    @Test
    void aUserRuleForACallArm64LacksCountsOnX8664Only() {
        SeccompProfile profile = SeccompProfile.builder(SeccompAction.ENOSYS)
                .allow("open", "openat", "read", "execve", "exit_group").build();
        CompiledFilter arm64 = profile.compile("aarch64");
        assertEquals(List.of("open"), arm64.leftOut());
        assertEquals(ALLOW, arm64(arm64, "openat"));
        assertEquals(SeccompAction.ENOSYS.encoding(), arm64(arm64, "close"));
        CompiledFilter x86 = profile.compile("x86_64");
        assertEquals(ALLOW, run(x86, call(FilterSemantics.AUDIT_ARCH_X86_64, X86_64.number("open").orElseThrow())));
    }

    @Test
    void eitherNameOfAnArchitectureGivesTheSameFilterOnce() {
        SeccompProfile profile = SeccompProfile.defaultProfile();
        assertSame(profile.compile("aarch64"), profile.compile("arm64"));
        assertSame(profile.compile("x86_64"), profile.compile("amd64"));
        var e = assertThrows(UnsupportedOperationException.class, () -> profile.compile("riscv64"));
        assertTrue(e.getMessage().contains("riscv64"), e.getMessage());
    }

    @Test
    void anArm64OciProfileMapsOnAnyMachineAndDeniesWhatArm64Has(@TempDir Path bundle) throws Exception {
        Files.createDirectories(bundle.resolve("rootfs"));
        String config = """
                {"ociVersion": "1.1.0", "process": {"user": {"uid": 0, "gid": 0}, "args": ["sh"], "cwd": "/"},
                 "root": {"path": "rootfs"},
                 "linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}],
                  "seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
                   "architectures": ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
                   "syscalls": [{"names": ["iopl", "ioperm", "mount", "kexec_load"], "action": "SCMP_ACT_ERRNO"}]}}}
                """;
        ContainerSpec spec = OciConfig.parse(config.getBytes(StandardCharsets.UTF_8)).toSpec(bundle);
        SeccompProfile profile = spec.hardening().seccomp().orElseThrow();
        CompiledFilter arm64 = profile.compile("aarch64");
        assertEquals(List.of("iopl", "ioperm"), arm64.leftOut(), "arm64 has no such calls: nothing to deny");
        assertEquals(EPERM, arm64(arm64, "mount"));
        assertEquals(EPERM, arm64(arm64, "kexec_load"));
        assertEquals(ALLOW, arm64(arm64, "openat"));
        assertEquals(KILL, run(arm64, call(0x40000028, 21)), "SCMP_ARCH_ARM's calls are killed");
        CompiledFilter x86 = profile.compile("x86_64");
        assertEquals(EPERM, run(x86, call(FilterSemantics.AUDIT_ARCH_X86_64, X86_64.number("iopl").orElseThrow())));
    }
}
