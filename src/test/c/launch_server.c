/*
 * The C reference rows of the launch benchmark (dev.panamax.bench.LaunchBenchmark), as a small server the
 * JVM drives over a pipe, so that C launches interleave launch by launch with the Java rows of the same run.
 *
 * Protocol: the JVM writes one command byte to fd 0; the server does one launch, waits for it to exit and
 * writes back one little-endian int64 to fd 1: the launch-to-exit time in nanoseconds, or -1 when the launch
 * failed (the reason goes to stderr). EOF on fd 0 ends the server.
 *   's'       posix_spawn("/bin/true") and waitpid: the cheapest way to run a program from C
 *   '0'..'9'  plan k of plans.h: a child cloned like Panamax's (clone3 with CLONE_VM|CLONE_PIDFD and the
 *             plan's namespaces, on a 64 KiB stack, every signal blocked around the clone) that makes exactly
 *             the system calls of Panamax's compiled child program for a spec, in order, with the same
 *             arguments and the same checks (plans.h is written by dev.panamax.bench.PlanToC from the
 *             ChildProgram at run time); the parent does the launcher's protocol: the go byte on the sync
 *             pipe, EOF or a 16-byte failure record on the close-on-exec error pipe, then waitid on the pidfd.
 *
 * Built by the benchmark: gcc -O2 -fno-stack-protector -I<dir of plans.h> -o target/bench/launch-server
 * launch_server.c. x86-64 only (the child runs raw syscall instructions, like Panamax's interpreter).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A system call as the interpreter makes it: six argument registers, the raw result (-errno on failure). */
static inline long sc(long nr, long a, long b, long c, long d, long e, long f) {
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* The launch's descriptors, set by the parent before each clone; the plans use them as arguments. */
static long fd_sync_r, fd_sync_w, fd_err_w;

/* What the interpreter does when a step fails: a record {index, errno, result} on the error pipe, exit 127. */
static void __attribute__((noreturn)) fail(long index, long result) {
    struct { int32_t index; int32_t err; int64_t result; } record = {
        (int32_t) index, (unsigned long) result >= (unsigned long) -4095 ? (int32_t) -result : 0, result };
    sc(SYS_write, fd_err_w, (long) &record, sizeof record, 0, 0, 0);
    sc(SYS_exit_group, 127, 0, 0, 0, 0, 0);
    __builtin_unreachable();
}

/* The interpreter's check after each step: -errno fails unless tolerated (mask bit errno, errno < 64). */
#define CHECK(index, r, mask) \
    do { if ((unsigned long) (r) >= (unsigned long) -4095 \
             && (-(r) >= 64 || !((mask) >> -(r) & 1))) fail(index, r); } while (0)
/* The same for a step with an exact expected result. */
#define CHECK_EXPECT(index, r, mask, expected) \
    do { if ((unsigned long) (r) >= (unsigned long) -4095) { CHECK(index, r, mask); } \
         else if ((r) != (expected)) fail(index, r); } while (0)

#include "plans.h"

static char stack[64 * 1024] __attribute__((aligned(16)));

/*
 * clone3 on the child's own stack: the child starts on it with the caller's registers and calls plan, which
 * never returns (it ends in execve or exit_group). Returns the pid or -errno, in the parent.
 */
static long clone3_into(struct clone_args *args, void (*plan)(void)) {
    register void (*fn)(void) __asm__("r12") = plan;
    long ret;
    __asm__ volatile(
        "syscall\n\t"
        "test %%rax, %%rax\n\t"
        "jnz 1f\n\t"
        "call *%%r12\n\t"
        "hlt\n"
        "1:"
        : "=a"(ret) : "a"((long) SYS_clone3), "D"(args), "S"(sizeof *args), "r"(fn) : "rcx", "r11", "memory");
    return ret;
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000 + t.tv_nsec;
}

static int64_t spawn_true(void) {
    static char *argv[] = {"/bin/true", NULL};
    static char *envp[] = {NULL};
    int64_t t0 = now_ns();
    pid_t pid;
    int status;
    if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, envp) != 0 || waitpid(pid, &status, 0) != pid
            || status != 0) {
        perror("posix_spawn /bin/true");
        return -1;
    }
    return now_ns() - t0;
}

static int64_t run_plan(int k) {
    int64_t t0 = now_ns();
    int sync[2], err[2], pidfd = -1, tid = 0;
    if (pipe2(sync, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
        perror("pipe2");
        return -1;
    }
    fd_sync_r = sync[0];
    fd_sync_w = sync[1];
    fd_err_w = err[1];
    struct clone_args args = {
        .flags = CLONE_VM | CLONE_PIDFD | CLONE_PARENT_SETTID | plan_clone_flags[k],
        .pidfd = (uintptr_t) &pidfd,
        .parent_tid = (uintptr_t) &tid,
        .exit_signal = SIGCHLD,
        .stack = (uintptr_t) stack,
        .stack_size = sizeof stack,
    };
    sigset_t all, saved;
    sigfillset(&all);
    sc(SYS_rt_sigprocmask, SIG_SETMASK, (long) &all, (long) &saved, 8, 0, 0);
    long pid = clone3_into(&args, plans[k]);
    sc(SYS_rt_sigprocmask, SIG_SETMASK, (long) &saved, 0, 8, 0, 0);
    if (pid < 0) {
        fprintf(stderr, "clone3: %s\n", strerror((int) -pid));
        return -1;
    }
    char go = 0;
    struct { int32_t index; int32_t err; int64_t result; } record;
    ssize_t got = 0, n;
    if (write(sync[1], &go, 1) != 1) {
        perror("write sync");
    }
    close(sync[0]);
    close(sync[1]);
    close(err[1]);
    while (got < (ssize_t) sizeof record && (n = read(err[0], (char *) &record + got, sizeof record - got)) > 0) {
        got += n;
    }
    close(err[0]);
    siginfo_t info;
    if (waitid(P_PIDFD, pidfd, &info, WEXITED) != 0) {
        perror("waitid");
        return -1;
    }
    close(pidfd);
    if (got != 0) {
        fprintf(stderr, "plan %d: step %d failed: errno %d, result %ld\n", k, record.index, record.err,
                (long) record.result);
        return -1;
    }
    if (info.si_code != CLD_EXITED || info.si_status != 0) {
        fprintf(stderr, "plan %d: the command ended with code %d, status %d\n", k, info.si_code, info.si_status);
        return -1;
    }
    return now_ns() - t0;
}

int main(void) {
    /* the protocol moves to descriptors no child inherits; children get /dev/null as stdin and stdout */
    int in = fcntl(0, F_DUPFD_CLOEXEC, 3), out = fcntl(1, F_DUPFD_CLOEXEC, 3), null = open("/dev/null", O_RDWR);
    if (in < 0 || out < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0) {
        perror("launch-server: descriptors");
        return 1;
    }
    close(null);
    plans_init();
    char command;
    while (read(in, &command, 1) == 1) {
        int64_t ns = command == 's' ? spawn_true()
                : command >= '0' && command < '0' + PLAN_COUNT ? run_plan(command - '0') : -1;
        if (write(out, &ns, sizeof ns) != sizeof ns) {
            return 1;
        }
    }
    return 0;
}
