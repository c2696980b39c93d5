package dev.panamax.program;

import dev.panamax.sys.Errno;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One system call of a child program.
 *
 * @param what      what the step does, in words, for plans and error messages ("pivot_root into the rootfs")
 * @param syscall   the system call's name
 * @param args      up to six arguments
 * @param expect    the exact result required, if any ({@code read} of the sync byte must return 1)
 * @param tolerated errnos that do not fail the step (each below 64)
 * @param savesAs   a label under which later steps can use this step's result, or null
 * @param detail    lines the plan prints under the step (a seccomp filter's rules), or null
 * @param forksInit the step is a fork whose parent becomes the container's init (see {@code X86_64Code}, {@code Aarch64Code})
 * @param hints     what a user can do when the step fails, by errno: the step's own first, then those that
 *                  hold for every step of the program (see {@link Hint})
 */
public record Step(String what, String syscall, List<Arg> args, OptionalLong expect, Set<Integer> tolerated,
                   String savesAs, String detail, boolean forksInit, List<Hint> hints) {

    public Step {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(syscall, "syscall");
        args = List.copyOf(args);
        if (args.size() > 6) {
            throw new IllegalArgumentException(syscall + ": at most six arguments, got " + args.size());
        }
        tolerated = Set.copyOf(tolerated);
        hints = List.copyOf(hints);
        for (int e : tolerated) {
            if (e <= 0 || e >= 64) {
                throw new IllegalArgumentException(syscall + ": tolerated errno " + e + " is not in 1..63");
            }
        }
    }

    /** A step with no expectation, no tolerated errno and no saved result. */
    public static Step of(String what, String syscall, Arg... args) {
        return new Step(what, syscall, List.of(args), OptionalLong.empty(), Set.of(), null, null, false, List.of());
    }

    public Step expecting(long value) {
        return new Step(what, syscall, args, OptionalLong.of(value), tolerated, savesAs, detail, forksInit, hints);
    }

    public Step tolerating(Integer... errnos) {
        return new Step(what, syscall, args, expect, Set.of(errnos), savesAs, detail, forksInit, hints);
    }

    public Step savingAs(String label) {
        return new Step(what, syscall, args, expect, tolerated, label, detail, forksInit, hints);
    }

    /** The same step with {@code text} printed under it in plans. */
    public Step detailed(String text) {
        return new Step(what, syscall, args, expect, tolerated, savesAs, text, forksInit, hints);
    }

    /** The same step as the fork whose parent becomes the container's init; its child goes on. */
    public Step forkingInit() {
        return new Step(what, syscall, args, expect, tolerated, savesAs, detail, true, hints);
    }

    /** The same step with {@code more} hints after its own (the first that explains an errno is shown). */
    public Step hinting(Hint... more) {
        return hinting(java.util.Arrays.asList(more));
    }

    /** As above, for a list. */
    public Step hinting(List<Hint> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Hint> all;
        if (hints.isEmpty()) {
            all = more;
        } else {
            all = new java.util.ArrayList<>(hints);
            all.addAll(more);
        }
        return new Step(what, syscall, args, expect, tolerated, savesAs, detail, forksInit, all);
    }

    /** The call as strace would print it, with the checks after it. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        if (savesAs != null) {
            sb.append(savesAs).append(" = ");
        }
        sb.append(syscall).append(args.stream().map(Arg::render).collect(Collectors.joining(", ", "(", ")")));
        expect.ifPresent(v -> sb.append(" == ").append(v));
        if (forksInit) {
            sb.append("  (parent: becomes init)");
        }
        if (!tolerated.isEmpty()) {
            sb.append(new TreeSet<>(tolerated).stream().map(Errno::name)
                    .collect(Collectors.joining("|", "  (tolerates ", ")")));
        }
        return sb.toString();
    }
}
