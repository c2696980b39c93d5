/*
 * The C declarations Panamax binds with jextract (see headers/README.md).
 * headers/jextract.args selects the symbols that are actually generated.
 *
 * Order matters where glibc and the kernel UAPI headers overlap:
 *  - linux/sched.h is only needed for struct clone_args; its CLONE_* values are the
 *    same as glibc's <sched.h> (identical macro redefinitions are harmless).
 *  - <sys/mount.h> (glibc >= 2.36) already declares the new mount API
 *    (open_tree, move_mount, fsopen, fsconfig, fsmount, mount_setattr, struct mount_attr
 *    and the MOUNT_ATTR_* / OPEN_TREE_* / MOVE_MOUNT_* / FSCONFIG_* constants).
 *    <linux/mount.h> redefines those with a different enum for FSCONFIG_* and clashes
 *    with <sys/mount.h>'s MS_* enum, so it is NOT included.
 *  - <linux/openat2.h> has no glibc counterpart clash: struct open_how and RESOLVE_*.
 *  - <linux/capability.h>, <linux/seccomp.h>, <linux/filter.h>, <linux/audit.h> (AUDIT_ARCH_*
 *    for seccomp filters) have no glibc twins.
 *  - <linux/netlink.h>, <linux/rtnetlink.h>, <linux/if_link.h>, <linux/if_addr.h>, <linux/veth.h>
 *    (rtnetlink messages for dev.panamax.sys.NetlinkSocket) have no glibc twins; they come after
 *    <sys/socket.h> and <net/if.h>, and none of them includes <linux/if.h>, which clashes with <net/if.h>.
 *    With _GNU_SOURCE, glibc declares the sockaddr parameters of bind/sendto/recvfrom as transparent
 *    unions (__CONST_SOCKADDR_ARG, __SOCKADDR_ARG); jextract needs those typedefs to compile, and the
 *    sys layer calls the functions through its own descriptors with plain pointers.
 */
#define _GNU_SOURCE 1

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <errno.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <net/if.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/audit.h>
#include <poll.h>
#include <string.h>
#include <sys/pidfd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/veth.h>
