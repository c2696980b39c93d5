package dev.panamax.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A field Panamax cannot honour, or a bad value, is an error naming its JSON path: each case edits the minimal
 * config (set {@code field} of the object at {@code object} to {@code json}, or remove it) and expects the path
 * and a piece of the message.
 */
class OciRefusalTest {
    @TempDir
    Path bundle;

    private static final String SECCOMP = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [%s]}";

    static Stream<Arguments> unsupported() {
        return Stream.of(
                arguments("linux", "intelRdt", "{\"closID\": \"guaranteed_group\"}", "linux.intelRdt"),
                arguments("process", "selinuxLabel", "\"system_u:system_r:svirt_lxc_net_t:s0\"", "process.selinuxLabel"),
                arguments("linux", "mountLabel", "\"system_u:object_r:svirt_sandbox_file_t:s0\"", "linux.mountLabel"),
                arguments("process", "scheduler", "{\"policy\": \"SCHED_OTHER\"}", "process.scheduler"),
                arguments("process", "ioPriority", "{\"class\": \"IOPRIO_CLASS_IDLE\"}", "process.ioPriority"),
                arguments("process.user", "username", "\"root\"", "process.user.username"),
                arguments("linux", "timeOffsets", "{\"monotonic\": {\"secs\": 1}}", "linux.timeOffsets"),
                arguments("linux", "personality", "{\"domain\": \"LINUX32\"}", "linux.personality"),
                arguments("linux.resources", "rdma", "{}", "linux.resources.rdma"),
                arguments("linux.resources.memory", "kernel", "1048576", "linux.resources.memory.kernel"),
                arguments("linux.resources.memory", "disableOOMKiller", "true", "linux.resources.memory.disableOOMKiller"),
                arguments("linux.resources.cpu", "realtimeRuntime", "1000", "linux.resources.cpu.realtimeRuntime"),
                arguments("linux.resources.blockIO", "weightDevice", "[]", "linux.resources.blockIO.weightDevice"),
                arguments("linux.resources", "unified", "{\"hugetlb.2MB.max\": \"0\"}",
                        "linux.resources.unified.hugetlb.2MB.max"),
                arguments("linux", "seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/l.sock\"}",
                        "linux.seccomp.listenerPath"),
                arguments("linux", "seccomp", SECCOMP.formatted("{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_NOTIFY\"}"),
                        "linux.seccomp.syscalls[0].action"),
                arguments("linux", "namespaces", "[{\"type\": \"mount\"}, {\"type\": \"pid\", \"path\": \"/proc/1/ns/pid\"}]",
                        "linux.namespaces[1].path"),
                arguments("linux", "rootfsPropagation", "\"rshared\"", "linux.rootfsPropagation"),
                arguments("linux", "devices", "[{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229}]",
                        "linux.devices[0]"),
                arguments("", "mounts", "[{\"destination\": \"/x\", \"type\": \"overlay\", \"source\": \"overlay\"}]",
                        "mounts[0].type"),
                arguments("", "mounts", "[{\"destination\": \"/x\", \"type\": \"bind\", \"source\": \"/tmp\","
                        + " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 1}]}]", "mounts[0].uidMappings"),
                arguments("", "mounts", "[{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"options\": [\"size=1m\"]}]",
                        "mounts[0].options"),
                arguments("", "mounts", "[{\"destination\": \"/proc\", \"type\": \"proc\", \"options\": [\"hidepid=2\"]}]",
                        "mounts[0].options"),
                arguments("", "mounts", "[{\"destination\": \"/x\", \"type\": \"tmpfs\", \"options\": [\"mand\"]}]",
                        "mounts[0].options"));
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                arguments("", "mounts", "[{\"destination\": \"/..\", \"type\": \"tmpfs\"}]", "mounts[0]",
                        "must not be /"),
                arguments("", "mounts", "[{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"pmx-no-such-dir\"}]",
                        "mounts", "no such file or directory on the host"),
                arguments("process.capabilities", "bounding", "[\"CAP_CHOWN\", \"CAP_NET_ADMN\"]",
                        "process.capabilities.bounding[1]", "unknown capability 'CAP_NET_ADMN'"),
                arguments("process.capabilities", "bounding", "[\"chown\"]", "process.capabilities.bounding[0]",
                        "not a capability name such as CAP_KILL"),
                arguments("process.capabilities", "effective", "[\"CAP_KILL\"]", "process.capabilities.effective",
                        "[CAP_KILL] not in the permitted set"),
                arguments("linux", "namespaces", "[{\"type\": \"netns\"}]", "linux.namespaces[0].type",
                        "unknown namespace type \"netns\""),
                arguments("linux", "namespaces", "[{\"type\": \"pid\"}, {\"type\": \"pid\"}]", "linux.namespaces[1].type",
                        "\"pid\" is given twice"),
                arguments("", "mounts", "[{\"destination\": \"data\", \"type\": \"tmpfs\"}]", "mounts[0].destination",
                        "must be an absolute path, got \"data\""),
                arguments("linux", "seccomp", SECCOMP.formatted("{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\","
                        + " \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_FOO\"}]}"),
                        "linux.seccomp.syscalls[0].args[0].op", "unknown operator \"SCMP_CMP_FOO\""),
                arguments("linux", "seccomp", SECCOMP.formatted("{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\","
                        + " \"args\": [{\"index\": 6, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}"),
                        "linux.seccomp.syscalls[0].args[0].index", "not an integer in 0..5"),
                arguments("linux", "seccomp", SECCOMP.formatted("{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ERRNO\","
                        + " \"args\": [{\"index\": 0, \"value\": 255, \"valueTwo\": 256, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"),
                        "linux.seccomp.syscalls[0].args[0]", "has bits outside mask"),
                arguments("linux", "seccomp", "{\"defaultAction\": \"SCMP_ACT_DENY\"}", "linux.seccomp.defaultAction",
                        "unknown action \"SCMP_ACT_DENY\""),
                arguments("linux", "seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_Z80\"]}",
                        "linux.seccomp.architectures[0]", "unknown architecture"),
                arguments("linux", "seccomp", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}",
                        "linux.seccomp.flags[0]", "unknown or unsupported flag"),
                arguments("linux", "seccomp", SECCOMP.formatted("{\"names\": [\"socketcall\"], \"action\": \"SCMP_ACT_ERRNO\"}"),
                        "linux.seccomp.syscalls[0].names[0]", "not in Panamax's table"),
                arguments("linux", "seccomp", SECCOMP.formatted("{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_KILL\","
                        + " \"errnoRet\": 1}"), "linux.seccomp.syscalls[0].errnoRet", "only for SCMP_ACT_ERRNO"),
                arguments("process", "rlimits", "[{\"type\": \"RLIMIT_FILES\", \"soft\": 1, \"hard\": 1}]",
                        "process.rlimits[0].type", "unknown resource \"RLIMIT_FILES\""),
                arguments("process", "rlimits", "[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 1}]",
                        "process.rlimits", "the soft limit 10 is above the hard limit 1"),
                arguments("process", "env", "[\"NOVALUE\"]", "process.env[0]", "not NAME=VALUE"),
                arguments("process", "cwd", "\"home\"", "process.cwd", "must be an absolute path"),
                arguments("process", "args", "\"sh\"", "process.args", "not an array"),
                arguments("process", "args", "[]", "process.args", "missing or empty"),
                arguments("process", "oomScoreAdj", "2000", "process.oomScoreAdj", "not an integer in -1000..1000"),
                arguments("process.user", "uid", "-1", "process.user.uid", "not an integer in 0..4294967294"),
                arguments("linux", "namespaces", "[{\"type\": \"mount\"}, {\"type\": \"pid\"}]", "hostname",
                        "UTS namespace"),
                arguments("linux.resources.memory", "swap", "1048576", "linux.resources.memory.swap",
                        "needs a memory limit"),
                arguments("linux.resources.cpu", "cpus", "\"4096\"", "linux.resources.cpu.cpus", "4096"),
                arguments("", "root", "REMOVE", "root", "missing"),
                arguments("", "process", "REMOVE", "process", "missing"),
                arguments("linux", "fooBar", "1", "linux.fooBar", "unknown field"),
                arguments("linux", "sysctl", "{\"net.ipv4.ip_forward\": \"1\", \"kernel.pid_max\": \"4096\"}",
                        "linux.sysctl.kernel.pid_max", "not in a separate kernel namespace"),
                arguments("linux", "sysctl", "{\"net.ipv4.ping_group_range\": \"\"}",
                        "linux.sysctl.net.ipv4.ping_group_range", "an empty value"),
                arguments("process", "apparmorProfile", "\"a\\nb\"", "process.apparmorProfile", "not a profile name"),
                arguments("", "hostname", "\"" + "h".repeat(65) + "\"", "hostname", "hostname: is 65 bytes, the kernel"
                        + " allows 64"));
    }

    private OciConfigException refused(String object, String field, String json) throws IOException {
        ObjectNode config = Configs.minimal();
        ObjectNode target = object.isEmpty() ? config : Configs.at(config, object);
        if (json.equals("REMOVE")) {
            target.remove(field);
        } else {
            target.set(field, Configs.tree(json));
        }
        Configs.bundle(bundle);
        return assertThrows(OciConfigException.class,
                () -> OciConfig.parse(Configs.bytes(config)).toSpec(bundle), object + "." + field + " = " + json);
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("unsupported")
    void aFieldPanamaxCannotHonourIsRefusedByItsPath(String object, String field, String json, String path)
            throws IOException {
        OciConfigException e = refused(object, field, json);
        assertEquals(path, e.path(), e.getMessage());
        assertTrue(e.getMessage().startsWith(path + ": ") && e.getMessage().contains("not supported"), e.getMessage());
    }

    @ParameterizedTest(name = "{3}: {4}")
    @MethodSource("badValues")
    void aBadValueIsRefusedByItsPath(String object, String field, String json, String path, String text)
            throws IOException {
        OciConfigException e = refused(object, field, json);
        assertEquals(path, e.path(), e.getMessage());
        assertTrue(e.getMessage().startsWith(path + ": ") && e.getMessage().contains(text), e.getMessage());
        assertFalse(e.getMessage().startsWith(path + ": " + path + ":"), "the path once: " + e.getMessage());
    }
}
