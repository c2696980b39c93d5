package dev.panamax;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.properties.HasAnnotations;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Tags;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The architecture rules of docs/DESIGN.md ("Layers"), checked on the compiled classes: who may touch the
 * generated bindings and {@code sys.internal}, which layer may use which, no dependency cycle between packages,
 * and the test tags: a test without a tag that needs the kernel launches nothing.
 */
class ArchitectureTest {
    /** Maven's target directory (surefire sets the property). */
    private static final Path BUILD = Path.of(System.getProperty("panamax.build.dir", "target"));
    /**
     * The main classes but the generated bindings (read by nothing but sys), read from their directory:
     * scanning the class path for the package takes seconds more.
     */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(location -> !location.contains("/dev/panamax/bindings/"))
            .importPath(BUILD.resolve("classes"));
    private static final JavaClasses TESTS = new ClassFileImporter().importPath(BUILD.resolve("test-classes"));

    /** The packages module-info exports (read from the compiled module), but {@code sys}: its safe calls are the face of {@code sys.internal}. */
    private static final String[] EXPORTED = exportedButSys();

    private static String[] exportedButSys() {
        try (var in = java.nio.file.Files.newInputStream(BUILD.resolve("classes/module-info.class"))) {
            return java.lang.module.ModuleDescriptor.read(in).exports().stream()
                    .map(java.lang.module.ModuleDescriptor.Exports::source)
                    .filter(p -> !p.equals("dev.panamax.sys")).sorted().toArray(String[]::new);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Classes of exported packages that use {@code sys.internal} today (no new ones; remove what stops). */
    private static final Set<String> INTERNAL_USERS = Set.of(
            "dev.panamax.cgroup.Cgroup", "dev.panamax.cgroup.CgroupManager", // Libc, Abi: cgroup fds, the euid
            "dev.panamax.seccomp.CompiledFilter", "dev.panamax.seccomp.Disassembler",
            "dev.panamax.seccomp.FilterCompiler", "dev.panamax.seccomp.SeccompProfile"); // SyscallTable

    /**
     * Dependencies against the layers, each a known cycle; with them removed the package graph has none.
     * The API package holds both the value types the layers below read (launch, program) and the facade
     * that calls them ({@code Launcher}), as the JDK's {@code java.net.http} does; nothing else goes upward.
     */
    private static final Set<String> UPWARD = Set.of("launch -> dev.panamax", "program -> dev.panamax");

    /** Tags of tests that need root, real containers, cgroups or the VM; untagged tests are pure. */
    private static final Set<String> KERNEL_TAGS = Set.of("kernel", "cgroup", "vm", "benchmark", "stress");

    private static final Set<String> TEST_ANNOTATIONS = Set.of("org.junit.jupiter.api.Test",
            "org.junit.jupiter.api.RepeatedTest", "org.junit.jupiter.params.ParameterizedTest",
            "org.junit.jupiter.api.TestFactory", "net.jqwik.api.Property", "net.jqwik.api.Example");

    @Test
    void onlySysTouchesTheBindings() {
        noClasses().that(resideOutsideOfPackages("dev.panamax.sys..", "dev.panamax.bindings.."))
                .should().dependOnClassesThat(resideInAPackage("dev.panamax.bindings.."))
                .because("bindings/ is generated; dev.panamax.sys is its only reader (DESIGN, Layers)")
                .check(MAIN);
    }

    @Test
    void exportedPackagesUseSysInternalOnlyWhereTheyAlreadyMust() {
        noClasses().that(resideInAnyPackage(EXPORTED)).and(DescribedPredicate.describe("are not known users",
                        (JavaClass c) -> !INTERNAL_USERS.contains(topLevel(c).getName())))
                .should().dependOnClassesThat(resideInAPackage("dev.panamax.sys.internal.."))
                .because("an exported package must not grow a dependency on internals (issue 13, item 8)")
                .check(MAIN);
    }

    @Test
    void layersDependDownwardOnly() {
        noClasses().that(resideInAPackage("dev.panamax.sys..")).should().dependOnClassesThat(resideInAPackage(
                "dev.panamax..").and(resideOutsideOfPackages("dev.panamax.sys..", "dev.panamax.bindings..")))
                .because("sys is the bottom layer").check(MAIN);
        noClasses().that(resideInAnyPackage("dev.panamax.cgroup..", "dev.panamax.mount..", "dev.panamax.rootfs..",
                        "dev.panamax.seccomp..", "dev.panamax.net..", "dev.panamax.program..", "dev.panamax.trampoline.."))
                .should().dependOnClassesThat(resideInAPackage("dev.panamax.launch.."))
                .because("launch runs the protocol over the layers below it; only the API calls it").check(MAIN);
        noClasses().that(resideInAnyPackage("dev.panamax.cgroup..", "dev.panamax.mount..", "dev.panamax.rootfs..",
                        "dev.panamax.seccomp..", "dev.panamax.net.."))
                .should().dependOnClassesThat(resideInAnyPackage("dev.panamax.program..", "dev.panamax.trampoline.."))
                .because("the feature packages are usable on their own, from the launch layer").check(MAIN);
        noClasses().that(resideInAPackage("dev.panamax.trampoline..")).should().dependOnClassesThat(
                        resideInAnyPackage("dev.panamax", "dev.panamax.cgroup..", "dev.panamax.mount..",
                                "dev.panamax.rootfs..", "dev.panamax.seccomp.."))
                .because("the interpreter knows programs, not specs").check(MAIN);
    }

    @Test
    void onlyImageSupportUsesTheOptionalLibraries() {
        noClasses().that(resideOutsideOfPackages("dev.panamax.image..", "dev.panamax.oci..", "dev.panamax.cli..")).should()
                .dependOnClassesThat(resideInAnyPackage("com.fasterxml.jackson..", "org.apache.commons..", "io.airlift.."))
                .because("they are optional dependencies: the launcher core runs without any third-party jar")
                .check(MAIN);
        noClasses().that(resideInAPackage("dev.panamax.oci..")).should().dependOnClassesThat(
                        resideInAnyPackage("org.apache.commons..", "io.airlift.."))
                .because("config.json needs Jackson only").check(MAIN);
        noClasses().that(resideInAPackage("dev.panamax.oci..")).should().dependOnClassesThat(resideInAnyPackage(
                        "dev.panamax.image..", "dev.panamax.launch..", "dev.panamax.program..", "dev.panamax.trampoline.."))
                .because("the OCI mapping builds a spec through the public API only").check(MAIN);
    }

    @Test
    void onlyTheCommandUsesCommonsCli() {
        noClasses().that(resideOutsideOfPackages("dev.panamax.cli..")).should().dependOnClassesThat(
                        resideInAPackage("org.apache.commons.cli.."))
                .because("Commons CLI is an optional dependency of the panamax command only (dev.panamax.cli)")
                .check(MAIN);
        noClasses().that(resideInAPackage("dev.panamax.cli..")).should().dependOnClassesThat(resideInAnyPackage(
                        "org.apache.commons.compress..", "io.airlift..", "dev.panamax.launch..", "dev.panamax.program.."))
                .because("the command needs Commons CLI and Jackson only, and the public API").check(MAIN);
    }

    @Test
    void noPackageCycles() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (JavaClass c : MAIN) {
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String from = slice(c);
                String to = slice(d.getTargetClass());
                if (from != null && to != null && !from.equals(to) && !UPWARD.contains(from + " -> " + to)) {
                    graph.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                }
            }
        }
        assertEquals(List.of(), cycles(graph), "package cycles (slices: the top package, each package below it "
                + "with its subpackages); graph without the known upward edges: " + graph);
    }

    @Test
    void pureTestsLaunchNothing() {
        List<String> violations = new ArrayList<>();
        for (JavaClass c : TESTS) {
            if (!isTestClass(c) || tagged(c)) {
                continue;
            }
            c.getRawSuperclass().filter(s -> s.isAssignableTo(BusyboxTest.class)
                            || s.getName().equals("dev.panamax.cgroup.CgroupTestBase"))
                    .ifPresent(s -> violations.add(c.getName() + " extends " + s.getSimpleName()));
            for (JavaCodeUnit unit : c.getCodeUnits()) {
                if (enclosingMethod(c, unit).map(ArchitectureTest::tagged).orElse(false)) {
                    continue;
                }
                Stream.concat(unit.getMethodCallsFromSelf().stream(), unit.getConstructorCallsFromSelf().stream())
                        .filter(call -> needsTheKernel(call.getTarget()))
                        .map(JavaAccess::getDescription).forEach(violations::add);
            }
        }
        assertEquals(List.of(), violations, "a test that launches, needs root or real cgroups carries one of the "
                + "tags " + KERNEL_TAGS + " (on the class or the method), so that the pure run excludes it");
    }

    /** Calls that launch, change the calling thread's namespaces, make cgroups or BPF programs, or run native code. */
    private static boolean needsTheKernel(AccessTarget target) {
        String owner = target.getOwner().getName();
        String name = target.getName();
        return switch (owner) {
            case "dev.panamax.Launcher" -> name.equals("launch") || name.equals("run") || name.equals("create")
                    || name.equals("start");
            case "dev.panamax.BusyboxRootfs" -> name.equals("create");
            case "dev.panamax.ChildJvm" -> !name.equals("java") && !name.equals("classPath"); // a command line
            case "dev.panamax.Run", "dev.panamax.mount.Box", "dev.panamax.userns.AsUser",
                 "dev.panamax.sys.Bpf", "dev.panamax.trampoline.Trampoline" -> true;
            case "dev.panamax.sys.Linux" -> !name.equals("gethostname");
            case "dev.panamax.sys.NetlinkSocket", "dev.panamax.net.Rtnetlink" -> name.startsWith("open");
            case "dev.panamax.cgroup.CgroupManager" -> name.startsWith("create");
            case "java.lang.foreign.Linker" -> name.equals("downcallHandle");
            default -> false;
        };
    }

    /** A class with test methods of JUnit or jqwik (not a fixture, probe, example or benchmark). */
    private static boolean isTestClass(JavaClass c) {
        return c.getMethods().stream().anyMatch(m -> m.getAnnotations().stream().map(a -> a.getRawType().getName())
                .anyMatch(TEST_ANNOTATIONS::contains));
    }

    /** The code unit's method, also for a lambda's synthetic method ({@code lambda$name$0}). */
    private static Optional<JavaMethod> enclosingMethod(JavaClass c, JavaCodeUnit unit) {
        String name = unit.getName().startsWith("lambda$") ? unit.getName().split("\\$")[1] : unit.getName();
        return c.getMethods().stream().filter(m -> m.getName().equals(name)).findFirst();
    }

    /** A class with a kernel tag, its own or inherited (JUnit's {@code @Tag} is inherited), or in such a class. */
    private static boolean tagged(JavaClass c) {
        for (JavaClass k = c; k != null; k = k.getRawSuperclass().orElse(null)) {
            if (hasKernelTag(k)) {
                return true;
            }
        }
        return c.getEnclosingClass().map(ArchitectureTest::tagged).orElse(false);
    }

    private static boolean tagged(JavaMethod m) {
        return hasKernelTag(m);
    }

    private static boolean hasKernelTag(HasAnnotations<?> element) {
        Stream<Tag> tags = Stream.concat(element.tryGetAnnotationOfType(Tag.class).stream(),
                element.tryGetAnnotationOfType(Tags.class).stream().flatMap(t -> Stream.of(t.value())));
        return tags.anyMatch(t -> KERNEL_TAGS.contains(t.value()));
    }

    private static JavaClass topLevel(JavaClass c) {
        return c.getEnclosingClass().map(ArchitectureTest::topLevel).orElse(c);
    }

    /** "dev.panamax" for the top package, the first segment below it otherwise; null outside the project. */
    private static String slice(JavaClass c) {
        String p = c.getPackageName();
        if (p.equals("dev.panamax")) {
            return p;
        }
        return p.startsWith("dev.panamax.") ? p.substring("dev.panamax.".length()).split("\\.")[0] : null;
    }

    /** Each cycle once, as "a -> b -> a", found by a depth-first search from every node. */
    private static List<String> cycles(Map<String, Set<String>> graph) {
        Set<String> found = new TreeSet<>();
        for (String start : graph.keySet()) {
            walk(graph, start, new ArrayList<>(List.of(start)), found);
        }
        return List.copyOf(found);
    }

    private static void walk(Map<String, Set<String>> graph, String node, List<String> path, Set<String> found) {
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (next.equals(path.getFirst()) && path.getFirst().equals(path.stream().sorted().findFirst().get())) {
                found.add(String.join(" -> ", path) + " -> " + next);
            } else if (!path.contains(next)) {
                path.add(next);
                walk(graph, next, path, found);
                path.removeLast();
            }
        }
    }
}
