package dev.panamax.cli;

import dev.panamax.StartRecord;
import dev.panamax.cgroup.CgroupPath;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lifecycle commands' flags, ids, signals and state files, without root and without containers. */
class LifecycleCommandLineTest {

    @Test
    void theBundleFlagTakesEveryFormRuncAccepts() {
        for (List<String> args : List.of(List.of("--bundle", "/b", "c1"), List.of("--bundle=/b", "c1"),
                List.of("-b", "/b", "c1"), List.of("-bundle", "/b", "c1"), List.of("-bundle=/b", "c1"))) {
            CommandLine line = PanamaxCommand.parse(LifecycleCommands.createOptions(), args.toArray(String[]::new));
            assertEquals("/b", line.getOptionValue("bundle"), args::toString);
            assertEquals(List.of("c1"), line.getArgList(), args::toString);
        }
    }

    @Test
    void detachIsABooleanInItsShortAndLongForm() {
        Options run = new LifecycleCommands.Run().options();
        assertTrue(PanamaxCommand.parse(run, new String[]{"-d", "c1"}).hasOption("detach"));
        assertTrue(PanamaxCommand.parse(run, new String[]{"--detach", "c1"}).hasOption("detach"));
        CommandLine none = PanamaxCommand.parse(run, new String[]{"c1"});
        assertFalse(none.hasOption("detach"));
        assertEquals(List.of("c1"), none.getArgList());
    }

    @Test
    void anUnknownFlagOrAnAbbreviatedOneIsAUsageErrorNamingIt() {
        Options create = LifecycleCommands.createOptions();
        assertEquals("flag provided but not defined: --bogus", assertThrows(UsageException.class,
                () -> PanamaxCommand.parse(create, new String[]{"--bogus", "c1"})).getMessage());
        assertEquals("flag provided but not defined: --bun", assertThrows(UsageException.class,
                () -> PanamaxCommand.parse(create, new String[]{"--bun", "/b", "c1"})).getMessage());
        assertEquals("flag needs an argument: --pid-file", assertThrows(UsageException.class,
                () -> PanamaxCommand.parse(create, new String[]{"--pid-file"})).getMessage());
    }

    @Test
    void flagsAfterTheFirstArgumentAreArgumentsAsInRunc() {
        CommandLine line = PanamaxCommand.parse(new LifecycleCommands.Kill().options(),
                new String[]{"-a", "c1", "KILL"});
        assertTrue(line.hasOption("all"));
        assertEquals(List.of("c1", "KILL"), line.getArgList());
    }

    @Test
    void signalsAreTakenByNameWithOrWithoutSigAndByNumber() {
        assertEquals(15, Signals.parse("TERM"));
        assertEquals(15, Signals.parse("SIGTERM"));
        assertEquals(9, Signals.parse("kill"));
        assertEquals(9, Signals.parse("9"));
        assertEquals(10, Signals.parse("SIGUSR1"));
        assertEquals(36, Signals.parse("RTMIN+2"));
        assertEquals("unknown signal \"SIGFOO\"", assertThrows(CliException.class,
                () -> Signals.parse("SIGFOO")).getMessage());
        assertTrue(assertThrows(CliException.class, () -> Signals.parse("65")).getMessage()
                .startsWith("invalid signal: 65"));
    }

    @Test
    void containerIdsFollowRuncsRule() {
        for (String ok : List.of("c1", "a.b-c_d+e", "ABC123")) {
            assertEquals(ok, Arguments.id(ok));
        }
        for (String bad : List.of("a/b", "", "..", ".", "a b", "x:y")) {
            CliException e = assertThrows(CliException.class, () -> Arguments.id(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid id format: " + bad), e.getMessage());
        }
    }

    @Test
    void theStateFileIsReadBackAsWrittenAndReplacedWhole(@TempDir Path root) throws Exception {
        StartRecord record = new StartRecord(4242, 777, Path.of("/run/panamax/created-x/start"),
                Optional.of(new CgroupPath("/panamax", "c1")));
        SavedState creating = new SavedState("c1", Path.of("/b"), Path.of("/b/rootfs"), "2026-01-02T03:04:05Z", "",
                Map.of("k", "v \"quoted\""), "/panamax/c1", "/panamax", 99, 1234, Optional.empty());
        try (ContainerDirectory dir = ContainerDirectory.create(root, "c1")) {
            dir.write(creating);
            assertEquals(creating, dir.read());
            SavedState created = creating.withRecord(record);
            dir.write(created);
            assertEquals(created, dir.read());
            assertEquals(List.of("lock", "state.json"), Files.list(dir.path()).map(p -> p.getFileName().toString())
                    .sorted().toList(), "a temporary file was left");
            assertEquals(List.of("c1"), ContainerDirectory.ids(root));
            dir.remove();
        }
        assertFalse(Files.exists(root.resolve("c1")));
        assertEquals(List.of(), ContainerDirectory.ids(root));
    }

    @Test
    void aSecondContainerWithTheSameIdIsRefused(@TempDir Path root) {
        try (ContainerDirectory ignored = ContainerDirectory.create(root, "dup")) {
            assertEquals("container with id exists: dup", assertThrows(CliException.class,
                    () -> ContainerDirectory.create(root, "dup")).getMessage());
        }
    }

    @Test
    void aBrokenStateFileIsNamedInTheError(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("c1"));
        Files.writeString(root.resolve("c1/state.json"), "{\"id\": 3}");
        CliRun run = CliRun.of("--root", root.toString(), "state", "c1");
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains(root.resolve("c1/state.json") + ": field \\\"id\\\" missing or not a string"),
                run::toString);
    }

    @Test
    void anUnknownIdIsAnErrorExceptForDeleteForce(@TempDir Path root) {
        for (List<String> command : List.of(List.of("state", "nope"), List.of("kill", "nope"), List.of("start", "nope"),
                List.of("delete", "nope"), List.of("pause", "nope"), List.of("ps", "nope"),
                List.of("update", "--memory", "1m", "nope"))) {
            List<String> args = new java.util.ArrayList<>(List.of("--root", root.toString()));
            args.addAll(command);
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(1, run.status(), () -> command + ": " + run);
            assertTrue(run.err().contains("container does not exist: nope"), () -> command + ": " + run);
        }
        CliRun force = CliRun.of("--root", root.toString(), "delete", "--force", "nope");
        assertEquals(0, force.status(), force::toString);
        assertEquals("", force.err(), force::toString);
    }

    @Test
    void aMissingIdIsAUsageErrorWithTheCommandsUsage(@TempDir Path root) {
        CliRun run = CliRun.of("--root", root.toString(), "state");
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("Incorrect Usage: requires exactly 1 argument(s), got 0"), run::toString);
        assertTrue(run.err().contains("Usage: panamax state <container-id>"), run::toString);
    }

    @Test
    void anInvalidIdIsRefusedBeforeAnythingIsMade(@TempDir Path root) {
        CliRun run = CliRun.of("--root", root.toString(), "create", "--bundle", root.toString(), "../x");
        assertEquals(1, run.status(), run::toString);
        assertTrue(run.err().contains("invalid id format: ../x"), run::toString);
        assertFalse(Files.exists(root.resolve("x")));
    }

    @Test
    void aConsoleSocketAndATerminalGoTogetherAsRuncRequires(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        Path bundle = Files.createDirectory(dir.resolve("bundle"));
        assertEquals(0, CliRun.of("spec", "--bundle", bundle.toString()).status()); // process.terminal: true
        CliRun noSocket = CliRun.of("--root", root.toString(), "create", "--bundle", bundle.toString(), "c1");
        assertEquals(1, noSocket.status(), noSocket::toString);
        assertTrue(noSocket.err().contains("cannot allocate tty if runc will detach without setting console socket"),
                noSocket::toString);
        Path config = bundle.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"terminal\": true", "\"terminal\": false"));
        CliRun noTty = CliRun.of("--root", root.toString(), "create", "--bundle", bundle.toString(),
                "--console-socket", dir.resolve("s").toString(), "c1");
        assertEquals(1, noTty.status(), noTty::toString);
        assertTrue(noTty.err().contains("cannot use console socket if runc will not detach or allocate tty"),
                noTty::toString);
        assertFalse(Files.exists(root.resolve("c1")), "a refused create left its state directory");
    }

    @Test
    void listOfAnEmptyRootShowsTheHeaderOrAnEmptyArray(@TempDir Path root) {
        CliRun table = CliRun.of("--root", root.resolve("none").toString(), "list");
        assertEquals(0, table.status(), table::toString);
        assertTrue(table.out().startsWith("ID ") && table.out().contains("STATUS"), table::toString);
        CliRun json = CliRun.of("--root", root.toString(), "list", "--format", "json");
        assertEquals("[]\n", json.out(), json::toString);
        CliRun bad = CliRun.of("--root", root.toString(), "list", "-f", "xml");
        assertEquals(1, bad.status(), bad::toString);
        assertTrue(bad.err().contains("invalid format option: xml"), bad::toString);
    }

    @Test
    void updateTakesRuncsResourcesFileAndNamesWhatItDoesNotSupport(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("r.json");
        Files.writeString(file, "{\"memory\": {\"limit\": 67108864, \"swap\": 134217728},"
                + " \"cpu\": {\"shares\": 1024, \"quota\": 50000, \"period\": 100000, \"cpus\": \"0\"},"
                + " \"pids\": {\"limit\": 40}, \"blockIO\": {\"weight\": 500}}");
        dev.panamax.cgroup.Resources r = UpdateCommand.resources(UpdateCommand.fromFile(file.toString()));
        assertEquals(Optional.of(dev.panamax.cgroup.DataSize.ofMegabytes(64)), r.memoryMax());
        assertEquals(Optional.of(dev.panamax.cgroup.DataSize.ofMegabytes(64)), r.swapMax());
        assertEquals(Optional.of(new dev.panamax.cgroup.CpuLimit(50_000, 100_000)), r.cpu());
        assertEquals(java.util.OptionalLong.of(40), r.pidsMax());
        Files.writeString(file, "{\"memory\": {\"kernel\": 1}}");
        CliException e = assertThrows(CliException.class, () -> UpdateCommand.fromFile(file.toString()));
        assertTrue(e.getMessage().startsWith("-r " + file + ": memory.kernel: not supported by update"), e.getMessage());
        CliException swap = assertThrows(CliException.class,
                () -> UpdateCommand.resources(Map.of("memory.swap", "1g")));
        assertTrue(swap.getMessage().contains("needs a memory limit"), swap.getMessage());
    }
}
