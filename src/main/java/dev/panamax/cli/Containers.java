package dev.panamax.cli;

import dev.panamax.ContainerControl;
import dev.panamax.Launcher;
import dev.panamax.StartRecord;
import dev.panamax.cgroup.CgroupPath;
import dev.panamax.oci.OciConfig;
import dev.panamax.oci.OciHook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What several lifecycle commands share: a container's status, its OCI state JSON, its removal. */
final class Containers {
    private Containers() {
    }

    /**
     * A saved container's status, as the OCI runtime spec names them.
     *
     * @param state the saved state
     * @return {@code creating} (its create still runs), {@code created}, {@code running}, {@code paused} or
     *         {@code stopped} (also a create that crashed)
     */
    static String status(SavedState state) {
        if (state.record().isEmpty()) {
            return startTime(state.creatorPid()) == state.creatorStart() ? "creating" : "stopped";
        }
        return Launcher.control(state.record().get()).state().name().toLowerCase(Locale.ROOT);
    }

    /**
     * The OCI state, as {@code state} prints it and hooks read it: runc's fields.
     *
     * @param state  the saved state
     * @param status its status now
     * @return the JSON object's fields, in runc's order
     */
    static Map<String, Object> ociState(SavedState state, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", Version.SPEC);
        m.put("id", state.id());
        m.put("pid", status.equals("stopped") ? 0L : state.record().map(StartRecord::pid).orElse(0L));
        m.put("status", status);
        m.put("bundle", state.bundle().toString());
        m.put("rootfs", state.rootfs().toString());
        m.put("created", state.created());
        if (!state.annotations().isEmpty()) {
            m.put("annotations", new LinkedHashMap<>(state.annotations()));
        }
        m.put("owner", state.owner());
        return m;
    }

    /**
     * The control of a saved container; for one whose create crashed before the launch returned, a control made
     * of the creating CLI's pid (long gone: nothing is signalled) and the cgroup the create asked for, so that
     * {@link ContainerControl#destroy()} kills what is in that cgroup and removes it.
     *
     * @param state the saved state
     * @param dir   the container's directory (the place of a FIFO that never was)
     * @return the control
     */
    static ContainerControl control(SavedState state, Path dir) {
        StartRecord record = state.record().orElseGet(() -> new StartRecord(state.creatorPid(), state.creatorStart(),
                dir.toAbsolutePath().resolve("no-fifo"),
                Optional.of(CgroupPath.of(state.cgroupParent(), state.cgroupsPath()))));
        return Launcher.control(record);
    }

    /**
     * Removes a container: kills what is left and removes its cgroup and FIFO, runs its poststop hooks (their
     * failures are warnings, as the runtime-spec says), removes its state directory.
     *
     * @param panamax the command, for its log
     * @param dir     the locked directory
     * @param state   the saved state, or null (a create that crashed before writing it: only the directory goes)
     */
    static void remove(PanamaxCommand panamax, ContainerDirectory dir, SavedState state) {
        if (state != null) {
            control(state, dir.path()).destroy();
            try {
                OciConfig config = OciConfig.read(state.bundle().resolve("config.json"));
                Hooks.run(OciHook.Point.POSTSTOP, config.hooks(OciHook.Point.POSTSTOP),
                        Json.compact(ociState(state, "stopped")));
            } catch (IOException | RuntimeException e) {
                panamax.logger.write(Log.Level.WARNING, "poststop hooks of " + state.id() + ": " + e.getMessage());
            }
        }
        dir.remove();
    }

    /**
     * A process's start time, field 22 of {@code /proc/PID/stat}.
     *
     * @param pid the process
     * @return its start time in clock ticks since boot, or -1 when there is no such process
     */
    static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
