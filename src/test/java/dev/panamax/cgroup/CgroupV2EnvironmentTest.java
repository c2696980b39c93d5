package dev.panamax.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Proves that the machine the cgroup tests run on offers what they need, without Panamax code:
 * on every host a cgroup2 hierarchy exists; inside the cgroup v2 VM ({@code
 * -Dpanamax.expect.cgroup=v2}, set by {@code .ci/vm/stage2}) {@code /sys/fs/cgroup} is a pure v2
 * hierarchy whose memory controller really limits a process.
 */
@Tag("cgroup")
class CgroupV2EnvironmentTest {

  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  private Path child;
  private Process process;

  @AfterEach
  void removeChild() throws Exception {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (child != null && Files.exists(child)) {
      Files.delete(child); // rmdir of a cgroup; fails while a process is still inside
    }
  }

  @Test
  void aCgroup2HierarchyIsMounted() throws IOException {
    Path mount = cgroup2Mount().orElseThrow(() -> new AssertionError("no cgroup2 mount in /proc/self/mountinfo"));
    assertTrue(Files.isReadable(mount.resolve("cgroup.controllers")), mount + "/cgroup.controllers");
    assertTrue(Files.readAllLines(Path.of("/proc/self/cgroup")).stream().anyMatch(l -> l.startsWith("0::/")),
        "/proc/self/cgroup has no cgroup2 (0::) line");
  }

  @Test
  @EnabledIfSystemProperty(named = "panamax.expect.cgroup", matches = "v2", disabledReason =
      "only inside the cgroup v2 VM (dev.panamax.vm.CgroupV2VirtualMachineTest); this host may be v1 or hybrid")
  void sysFsCgroupIsAPureV2HierarchyWithTheControllersTheTestsNeed() throws IOException {
    assertEquals(Optional.of(ROOT), cgroup2Mount(), "cgroup2 must be mounted at " + ROOT);
    List<String> controllers = List.of(Files.readString(ROOT.resolve("cgroup.controllers")).strip().split(" "));
    assertTrue(controllers.containsAll(List.of("memory", "pids", "cpu")), "cgroup.controllers: " + controllers);
    assertTrue(Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().noneMatch(l -> l.contains(" - cgroup ")),
        "a cgroup v1 hierarchy is mounted");
  }

  @Test
  @EnabledIfSystemProperty(named = "panamax.expect.cgroup", matches = "v2", disabledReason =
      "only inside the cgroup v2 VM (dev.panamax.vm.CgroupV2VirtualMachineTest); this host may be v1 or hybrid")
  void aChildCgroupWithA32MegabyteLimitOomKillsAProcessThatExceedsIt() throws Exception {
    child = Files.createDirectory(ROOT.resolve("panamax-envtest-" + UUID.randomUUID()));
    Files.writeString(child.resolve("memory.max"), "32M");
    Files.writeString(child.resolve("memory.swap.max"), "0");
    assertEquals("33554432", Files.readString(child.resolve("memory.max")).strip());

    // The shell waits for a line on stdin, so it is in the cgroup before it allocates anything;
    // tail of a file without newlines keeps everything it reads.
    process = new ProcessBuilder("sh", "-c", "read go; exec tail /dev/zero").start();
    Files.writeString(child.resolve("cgroup.procs"), Long.toString(process.pid()));
    assertEquals(List.of(Long.toString(process.pid())), Files.readAllLines(child.resolve("cgroup.procs")));
    assertEquals("0::/" + child.getFileName(),
        Files.readString(Path.of("/proc/" + process.pid() + "/cgroup")).strip());
    process.getOutputStream().write('\n');
    process.getOutputStream().flush();

    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tail was not stopped by memory.max=32M");
    assertEquals(128 + 9, process.exitValue(), "tail should die by SIGKILL");
    String events = Files.readString(child.resolve("memory.events"));
    assertTrue(events.lines().anyMatch(l -> l.matches("oom_kill [1-9]\\d*")), "memory.events:\n" + events);
    assertTrue(Files.readString(child.resolve("cgroup.procs")).isBlank(), "cgroup not empty after the kill");

    Files.delete(child);
    assertFalse(Files.exists(child), child + " still exists after rmdir");
  }

  /** The mount point of the first cgroup2 hierarchy in this mount namespace. */
  private static Optional<Path> cgroup2Mount() throws IOException {
    // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(l -> l.contains(" - cgroup2 "))
        .map(l -> Path.of(l.split(" ")[4]))
        .findFirst();
  }
}
