package dev.panamax.program;

import dev.panamax.IdMap;
import java.util.List;
import dev.panamax.ContainerSpec;
import dev.panamax.ProcessIdentity;
import dev.panamax.UserNamespaceSpec;
import dev.panamax.sys.internal.Flags;
import dev.panamax.sys.internal.KernelStructs;

import java.util.List;
import java.util.stream.Collectors;

import static dev.panamax.program.Emit.NULL;

/**
 * Who the child is, in two groups.
 *
 * <p>{@link #enterNamespace}, once the maps are written, before the setup exec ({@link SetupExecSteps}): become root in
 * the user namespace, so that every later setup step (mounts need CAP_SYS_ADMIN in the namespace, files are
 * created by a mapped owner) runs as uid 0 there, whatever id the caller's own id maps to.
 *
 * <p>{@link #processUser}, late, just before the standard streams and execve: switch to the process's uid,
 * gid and groups. Gid first, then groups, then uid: each needs the capability that the uid switch drops.
 * A step that fails ends the child before execve, so no order leaves a process running half-switched.
 * Switching to a non-root uid clears the permitted and effective capabilities; steps that must keep
 * capabilities across it (capability sets, seccomp, placed near the end by the hardening steps) need
 * {@code PR_SET_KEEPCAPS} before this group and {@code capset} after it, or must run before it.
 *
 * <p>Every change of effective id clears the parent-death signal ({@code commit_creds}), so both groups
 * arm it again.
 *
 * <p>Joining an <em>existing</em> user namespace ({@code setns(CLONE_NEWUSER)}) is not done here: the
 * kernel refuses it to a process that shares its memory ({@code CLONE_VM}, EINVAL); an exec does it in the
 * setup executable ({@link ExecIntoSteps}).
 */
public final class IdentitySteps {
    private IdentitySteps() {
    }

    /** Root in the new user namespace (each of uid and gid where container id 0 is mapped). */
    static void enterNamespace(Emit e) {
        UserNamespaceSpec users = e.spec().users();
        if (!users.present()) {
            return;
        }
        if (users.mapsGid(0)) {
            e.add(setres("become gid 0 in the user namespace", "setresgid", 0));
        }
        if (!setgroupsDenied(e.spec(), e.host())) {
            e.add(Step.of("drop the host's supplementary groups", "setgroups", new Arg.Word(0), NULL));
        }
        if (users.mapsUid(0)) {
            e.add(setres("become uid 0 in the user namespace", "setresuid", 0));
        }
        rearmParentDeath(e);
    }

    /** The process's own identity, if the spec sets one (otherwise root in the user namespace, or the caller). */
    static void processUser(Emit e) {
        ContainerSpec spec = e.spec();
        if (spec.identity().isEmpty()) {
            return;
        }
        ProcessIdentity who = spec.identity().get();
        e.add(setres("switch to the process's gid", "setresgid", who.gid()));
        if (!setgroupsDenied(spec, e.host())) {
            e.add(groups(who.groups()));
        }
        e.add(setres("switch to the process's uid", "setresuid", who.uid()));
        rearmParentDeath(e);
    }

    private static Step setres(String what, String call, long id) {
        Arg.Word w = new Arg.Word(id);
        return Step.of(what, call, w, w, w);
    }

    private static Step groups(List<Long> gids) {
        if (gids.isEmpty()) {
            return Step.of("set no supplementary groups", "setgroups", new Arg.Word(0), NULL);
        }
        return Step.of("set the supplementary groups", "setgroups", new Arg.Word(gids.size()),
                new Arg.Struct(KernelStructs.gids(gids), gids.stream().map(String::valueOf).collect(Collectors.joining(", "))));
    }

    private static void rearmParentDeath(Emit e) {
        if (e.spec().process().dieWithParent()) {
            e.add(Step.of("die with the launching JVM (the id change cleared it)", "prctl",
                    Arg.flags(Flags.PR_SET_PDEATHSIG), Arg.flags(Flags.SIGKILL)));
        }
    }

    /**
     * True when the launch will write "deny" to setgroups, so the child must not call setgroups: an
     * unprivileged caller mapping its own gid directly. The compiler and the parent's map phase agree on it.
     */
    public static boolean setgroupsDenied(ContainerSpec spec) {
        return setgroupsDenied(spec, Host.current());
    }

    /** As above, for a launch from {@code host}. */
    public static boolean setgroupsDenied(ContainerSpec spec, Host host) {
        return spec.users().present() && !host.root() && isOwnId(spec.users().gidMap(), host.egid());
    }

    /** A map of one id onto the caller's own id (what an unprivileged caller may write itself). */
    public static boolean isOwnId(List<IdMap> map, long ownId) {
        return map.size() == 1 && map.getFirst().count() == 1 && map.getFirst().hostId() == ownId;
    }
}
