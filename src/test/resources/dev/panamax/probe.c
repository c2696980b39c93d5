/*
 * A static probe run inside test containers: makes one system call with arguments that can do no harm
 * even when the call is allowed, and prints the errno name ("OK" on success).
 *
 *   probe reboot       reboot(0, 0, 0, 0): invalid magic numbers, so EINVAL if allowed, never a reboot
 *   probe kexec_load   kexec_load(0, 1000, NULL, 0x8000): too many segments and an unknown flag, so EINVAL
 *   probe mount        mount("none", "/mnt", "tmpfs", 0, NULL) in the container's own mount namespace
 *   probe nproc UID N  setresuid(UID), then fork up to N children that wait; prints how many forks
 *                      succeeded and the errno of the first that failed; all children are killed
 *   probe mknod PATH c|b MAJOR MINOR   mknod(PATH) then open(PATH, O_RDONLY): prints "mknod E open E" ("-"
 *                      for an open not tried); nothing is read or written
 *   probe open PATH    open(PATH, O_RDONLY) and close: the errno name
 *   probe io_uring     io_uring_setup(1, &params): a ring of one entry, closed again at once
 *   probe tiocsti TEXT push TEXT (and a newline) into fd 0's input queue with ioctl(TIOCSTI), as if typed
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *name(int e) {
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case EAGAIN: return "EAGAIN";
    case ENOSYS: return "ENOSYS";
    case EBUSY: return "EBUSY";
    default: return strerror(e);
    }
}

static int nproc(uid_t uid, int max) {
    pid_t kids[4096];
    int n = 0, err = 0;
    if (setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0) {
        printf("setresuid %s\n", name(errno));
        return 2;
    }
    while (n < max && n < 4096) {
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            break;
        }
        if (pid == 0) {
            pause();
            _exit(0);
        }
        kids[n++] = pid;
    }
    for (int i = 0; i < n; i++) {
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
    }
    printf("forked %d %s\n", n, name(err));
    return 0;
}

int main(int argc, char **argv) {
    long r;
    if (argc >= 2 && strcmp(argv[1], "reboot") == 0) {
        r = syscall(SYS_reboot, 0, 0, 0, 0);
    } else if (argc >= 2 && strcmp(argv[1], "kexec_load") == 0) {
        r = syscall(SYS_kexec_load, 0, 1000, NULL, 0x8000);
    } else if (argc >= 2 && strcmp(argv[1], "mount") == 0) {
        r = mount("none", "/mnt", "tmpfs", 0, NULL);
    } else if (argc >= 4 && strcmp(argv[1], "nproc") == 0) {
        return nproc((uid_t) atoi(argv[2]), atoi(argv[3]));
    } else if (argc >= 6 && strcmp(argv[1], "mknod") == 0) {
        mode_t type = argv[3][0] == 'b' ? S_IFBLK : S_IFCHR;
        int made = mknod(argv[2], type | 0600, makedev(atoi(argv[4]), atoi(argv[5])));
        int mknodErr = made == 0 ? 0 : errno;
        printf("mknod %s", name(mknodErr));
        if (made == 0) {
            int fd = open(argv[2], O_RDONLY | O_NONBLOCK | O_NOCTTY);
            printf(" open %s\n", name(fd >= 0 ? 0 : errno));
            if (fd >= 0) {
                close(fd);
            }
            unlink(argv[2]);
        } else {
            printf(" open -\n");
        }
        return 0;
    } else if (argc >= 3 && strcmp(argv[1], "open") == 0) {
        int fd = open(argv[2], O_RDONLY | O_NONBLOCK | O_NOCTTY);
        r = fd >= 0 ? close(fd) : -1;
    } else if (argc >= 2 && strcmp(argv[1], "io_uring") == 0) {
        char params[120] = {0}; /* struct io_uring_params */
        r = syscall(SYS_io_uring_setup, 1, params);
        if (r >= 0) {
            close((int) r);
            r = 0;
        }
    } else if (argc >= 3 && strcmp(argv[1], "tiocsti") == 0) {
        r = 0;
        for (const char *c = argv[2]; r == 0 && *c; c++) {
            r = ioctl(0, TIOCSTI, c);
        }
        if (r == 0) {
            r = ioctl(0, TIOCSTI, "\n");
        }
    } else {
        fprintf(stderr, "usage: probe reboot|kexec_load|mount|nproc UID N|io_uring|tiocsti TEXT\n");
        return 2;
    }
    printf("%s\n", name(r == -1 ? errno : 0));
    return 0;
}
