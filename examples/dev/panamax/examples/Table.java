package dev.panamax.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Demo's two-column table: one row per fact, the host on the left, the container on the right; a cell
 * may hold several lines.
 *
 * <pre>{@code
 * Table.print(hostFacts, containerFacts, hostLimits, containerLimits);
 * }</pre>
 */
final class Table {
    private static final int LABEL = 16;
    private static final int CELL = 40;
    private static final int PS_LINES = 4;

    private Table() {
    }

    static void print(Demo.Facts host, Demo.Facts box, Map<String, String> hostLimits, Map<String, String> boxLimits) {
        line();
        row("", "HOST", "CONTAINER");
        line();
        row("hostname", host.hostname(), box.hostname());
        row("PID of process", host.pid() + " (this JVM)", box.pid() + " (the shell)");
        row("processes", host.ps().size() + " visible", box.ps().size() + " visible");
        rows("ps (first lines)", head(host.ps()), head(box.ps()));
        row("mounts", String.valueOf(host.mounts().size()), String.valueOf(box.mounts().size()));
        row("root mount", host.rootMount(), box.rootMount());
        row("cgroup", hostLimits.get("cgroup"), boxLimits.get("cgroup"));
        row("memory limit", hostLimits.get("memory"), boxLimits.get("memory"));
        row("pids limit", hostLimits.get("pids"), boxLimits.get("pids"));
        row("uid_map", host.uidMap().replaceAll("\\s+", " "), box.uidMap().replaceAll("\\s+", " ")
                + (box.uidMap().equals(host.uidMap()) ? " (same)" : ""));
        row("network", String.join(", ", host.interfaces()), String.join(", ", box.interfaces()));
        line();
    }

    private static List<String> head(List<String> ps) {
        List<String> out = new ArrayList<>(ps.subList(0, Math.min(PS_LINES, ps.size())));
        if (ps.size() > PS_LINES) {
            out.add("... " + (ps.size() - PS_LINES) + " more");
        }
        return out;
    }

    private static void rows(String label, List<String> left, List<String> right) {
        for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
            row(i == 0 ? label : "", i < left.size() ? left.get(i) : "", i < right.size() ? right.get(i) : "");
        }
    }

    private static void row(String label, String left, String right) {
        System.out.printf("%-" + LABEL + "s| %-" + CELL + "s| %s%n", label, clip(left), clip(right));
    }

    private static void line() {
        System.out.println("-".repeat(LABEL) + "+" + "-".repeat(CELL + 1) + "+" + "-".repeat(CELL + 1));
    }

    private static String clip(String s) {
        return s.length() <= CELL - 1 ? s : s.substring(0, CELL - 2) + "…";
    }
}
