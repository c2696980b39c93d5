package dev.panamax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panamax.Launcher;
import dev.panamax.cgroup.CpuLimit;
import dev.panamax.cgroup.DataSize;
import dev.panamax.cgroup.Resources;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code update}: new limits for a container's cgroup, from flags or a {@code linux.resources}-shaped JSON file
 * ({@code -r FILE}, {@code -} for the standard input), as runc's. The subset Panamax's {@link Resources} writes
 * through {@link dev.panamax.ContainerControl#update}: memory and memory+swap, cpu quota, period, shares,
 * cpuset, pids and blkio weight; anything else in the file is an error naming it.
 */
final class UpdateCommand implements Subcommand {
    /** The flags, each with its place in the JSON file ({@code section.field}). */
    private static final Map<String, String> FLAGS = flags();

    private static Map<String, String> flags() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("memory", "memory.limit");
        m.put("memory-swap", "memory.swap");
        m.put("cpu-quota", "cpu.quota");
        m.put("cpu-period", "cpu.period");
        m.put("cpu-shares", "cpu.shares");
        m.put("cpuset-cpus", "cpu.cpus");
        m.put("cpuset-mems", "cpu.mems");
        m.put("pids-limit", "pids.limit");
        m.put("blkio-weight", "blockIO.weight");
        return m;
    }

    @Override
    public String name() {
        return "update";
    }

    @Override
    public String arguments() {
        return "<container-id>";
    }

    @Override
    public String summary() {
        return "update container resource constraints";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder("r").longOpt("resources").hasArg().argName("FILE")
                .desc("path to a file with the resources to update, or - for the standard input").get());
        Map<String, String> help = Map.of("memory", "memory limit in bytes (k, m, g suffixes)",
                "memory-swap", "total memory plus swap limit in bytes; -1: unlimited swap",
                "cpu-quota", "CPU CFS quota in microseconds", "cpu-period", "CPU CFS period in microseconds",
                "cpu-shares", "CPU shares (relative weight, 2..262144)", "cpuset-cpus", "CPUs to use (0-3, 0,1)",
                "cpuset-mems", "memory nodes to use (0-3, 0,1)", "pids-limit", "maximum number of pids",
                "blkio-weight", "block IO weight (10..1000)");
        for (String flag : FLAGS.keySet()) {
            o.addOption(Option.builder().longOpt(flag).hasArg().argName("VALUE").desc(help.get(flag)).get());
        }
        return o;
    }

    @Override
    public int run(PanamaxCommand panamax, CommandLine line) {
        String id = Arguments.count(line, 1).getFirst();
        Map<String, String> values = new LinkedHashMap<>();
        if (line.hasOption("resources")) {
            values.putAll(fromFile(line.getOptionValue("resources")));
        }
        for (Map.Entry<String, String> f : FLAGS.entrySet()) {
            if (line.hasOption(f.getKey())) {
                values.put(f.getValue(), line.getOptionValue(f.getKey()));
            }
        }
        Resources resources = resources(values);
        try (ContainerDirectory dir = ContainerDirectory.open(panamax.root(), id)) {
            SavedState s = LifecycleCommands.saved(dir, id);
            if (Containers.status(s).equals("stopped") || s.record().isEmpty()) {
                throw new CliException("container " + id + " is not running");
            }
            try {
                Launcher.control(s.record().get()).update(resources);
            } catch (RuntimeException e) {
                throw new CliException("update " + id + ": " + e.getMessage());
            }
        }
        return 0;
    }

    /**
     * The values of a resources file, keyed {@code section.field}.
     *
     * @param file the file, or {@code -}
     * @return the values as text
     * @throws CliException naming the file and a field that is not supported
     */
    static Map<String, String> fromFile(String file) {
        JsonNode root;
        try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new CliException("-r " + file + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CliException("-r " + file + ": not a JSON object");
        }
        Set<String> known = Set.copyOf(FLAGS.values());
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> section : (Iterable<Map.Entry<String, JsonNode>>) root::fields) {
            if (section.getValue().isNull()) {
                continue;
            }
            if (!section.getValue().isObject()) {
                throw new CliException("-r " + file + ": " + section.getKey() + ": not supported by update");
            }
            for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) section.getValue()::fields) {
                String key = section.getKey() + "." + f.getKey();
                if (f.getValue().isNull()) {
                    continue;
                }
                if (!known.contains(key)) {
                    throw new CliException("-r " + file + ": " + key + ": not supported by update (supported: "
                            + String.join(", ", FLAGS.values()) + ")");
                }
                values.put(key, f.getValue().asText());
            }
        }
        return values;
    }

    /**
     * The limits the values set, converted as runc does (cpu shares to weight, blkio weight to io weight).
     *
     * @param values keyed {@code section.field}
     * @return the resources
     * @throws CliException naming the field and value the kernel's rules refuse
     */
    static Resources resources(Map<String, String> values) {
        Resources.Builder b = Resources.builder();
        try {
            Long limit = values.containsKey("memory.limit") ? DataSize.parse(values.get("memory.limit")).bytes() : null;
            if (limit != null) {
                b.memoryMax(DataSize.ofBytes(limit));
            }
            String swap = values.get("memory.swap");
            if (swap != null && !swap.equals("-1")) {
                long total = DataSize.parse(swap).bytes();
                if (limit == null || total < limit) {
                    throw new CliException("memory.swap: memory plus swap needs a memory limit at most it (--memory)");
                }
                b.swapMax(DataSize.ofBytes(total - limit));
            }
            Long quota = number(values, "cpu.quota");
            Long period = number(values, "cpu.period");
            if (quota != null && quota > 0) {
                b.cpu(new CpuLimit(quota, period == null || period == 0 ? CpuLimit.DEFAULT_PERIOD_MICROS : period));
            } else if (period != null) {
                throw new CliException("cpu.period: needs a cpu quota (--cpu-quota) too");
            }
            Long shares = number(values, "cpu.shares");
            if (shares != null && shares != 0) {
                long s = Math.max(2, Math.min(262_144, shares));
                b.cpuWeight((int) (1 + ((s - 2) * 9999) / 262_142)); // runc's ConvertCPUSharesToCgroupV2Value
            }
            if (values.containsKey("cpu.cpus")) {
                b.cpusetCpus(values.get("cpu.cpus"));
            }
            if (values.containsKey("cpu.mems")) {
                b.cpusetMems(values.get("cpu.mems"));
            }
            Long pids = number(values, "pids.limit");
            if (pids != null && pids > 0) {
                b.pidsMax(pids);
            }
            Long weight = number(values, "blockIO.weight");
            if (weight != null && weight != 0) {
                if (weight < 10 || weight > 1000) {
                    throw new CliException("blockIO.weight: must be 10..1000, got " + weight);
                }
                b.ioWeight((int) (1 + (weight - 10) * 9999 / 990)); // runc's ConvertBlkIOToIOWeightValue
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException("update: " + e.getMessage());
        }
    }

    private static Long number(Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new CliException(key + ": not a number: \"" + v + "\"");
        }
    }
}
