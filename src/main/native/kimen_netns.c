/*
 * kimen-netns: how `kimen run --isolate-network` starts its command (Linux): in a user and network
 * namespace of its own, whose only network is a loopback with the run's broker proxy on it.
 *
 *   kimen-netns --probe                  exits 0 when the namespaces can be made, else 1 and why
 *   kimen-netns PORT PROGRAM ARGV0 [ARGS...]
 *
 * It forks a relay, which stays in kimen's network namespace, then moves itself into new user and
 * network namespaces (its uid and gid mapped to themselves), brings their loopback up, listens on
 * 127.0.0.1:PORT there and hands that socket to the relay, and becomes the command (execv: same
 * pid, so kimen's signals and exit status are the command's). The relay accepts each connection
 * the command makes to 127.0.0.1:PORT and joins it to the proxy at 127.0.0.1:PORT in kimen's
 * namespace; it ends with the command (PR_SET_PDEATHSIG). Anything else the command tries to
 * reach, ignoring the proxy variables, finds no route.
 *
 * Written by hand, in C: it must run between fork and exec, where the JVM runs no code of ours,
 * and util-linux's unshare(1) cannot hand a socket made inside the namespace to a process outside.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t) strlen(text) ? 0 : -1;
}

/* New user and network namespaces for this process, its ids mapped to themselves, loopback up. */
static const char *isolate(void) {
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
        return "cannot make a user and network namespace (unprivileged user namespaces off?)";
    }
    char map[64];
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned) uid, (unsigned) uid);
    if (write_file("/proc/self/uid_map", map) != 0) {
        return "cannot map the user id into the namespace";
    }
    if (write_file("/proc/self/setgroups", "deny\n") != 0) {
        return "cannot drop setgroups in the namespace";
    }
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned) gid, (unsigned) gid);
    if (write_file("/proc/self/gid_map", map) != 0) {
        return "cannot map the group id into the namespace";
    }
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    int up = s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    up = up && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    if (s >= 0) {
        close(s);
    }
    return up ? NULL : "cannot bring up the namespace's loopback";
}

static int loopback_socket(int port, int listening) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in at = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0) {
        return -1;
    }
    int ok = listening ? bind(s, (struct sockaddr *) &at, sizeof at) == 0 && listen(s, 64) == 0
                       : connect(s, (struct sockaddr *) &at, sizeof at) == 0;
    if (!ok) {
        close(s);
        return -1;
    }
    return s;
}

/* Copies between a and b until both directions end, passing each half-close on. */
static void join(int a, int b) {
    char buf[16384];
    int fds[2] = {a, b};
    struct pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    while ((p[0].fd >= 0 || p[1].fd >= 0) && poll(p, 2, -1) > 0) {
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            int to = fds[1 - i];
            ssize_t n = read(fds[i], buf, sizeof buf);
            if (n <= 0) {
                shutdown(to, SHUT_WR);
                p[i].fd = -1; /* poll passes over it from now on */
                continue;
            }
            for (ssize_t done = 0; done < n;) {
                ssize_t w = write(to, buf + done, (size_t) (n - done));
                if (w <= 0) {
                    return;
                }
                done += w;
            }
        }
    }
}

/* The relay: receives the listening socket made inside the namespace, joins each connection to the proxy. */
static void relay(int channel, int port) {
    char byte;
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {&byte, 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    if (recvmsg(channel, &msg, MSG_CMSG_CLOEXEC) != 1 || CMSG_FIRSTHDR(&msg) == NULL) {
        _exit(0); /* the command never got its namespace: nothing to relay */
    }
    int listening;
    memcpy(&listening, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof listening);
    signal(SIGCHLD, SIG_IGN); /* no zombies of finished connections */
    for (;;) {
        int client = accept4(listening, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR) {
                continue;
            }
            _exit(0);
        }
        if (fork() == 0) {
            close(listening);
            prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
            int proxy = loopback_socket(port, 0);
            if (proxy >= 0) {
                join(client, proxy);
            }
            _exit(0);
        }
        close(client);
    }
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--probe") == 0) {
        pid_t child = fork();
        if (child == 0) {
            const char *why = isolate();
            if (why != NULL) {
                fprintf(stderr, "%s: %s\n", why, strerror(errno));
                _exit(1);
            }
            _exit(0);
        }
        int status;
        return child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    }
    char *end;
    long port = argc > 3 ? strtol(argv[1], &end, 10) : 0;
    if (argc < 4 || *end != 0 || port < 1 || port > 65535) {
        fprintf(stderr, "kimen-netns: started by kimen run, not by hand\n");
        return 125;
    }
    int channel[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
        perror("kimen: error: kimen-netns: socketpair");
        return 125;
    }
    pid_t parent = getpid();
    pid_t relay_pid = fork();
    if (relay_pid < 0) {
        perror("kimen: error: kimen-netns: fork");
        return 125;
    }
    if (relay_pid == 0) {
        close(channel[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* ends with the command */
        if (getppid() != parent) {
            _exit(0);
        }
        relay(channel[1], (int) port);
        _exit(0);
    }
    close(channel[1]);
    const char *why = isolate();
    int listening = why == NULL ? loopback_socket((int) port, 1) : -1;
    if (why == NULL && listening < 0) {
        why = "cannot listen on the namespace's loopback";
    }
    if (why != NULL) {
        /* never run the command unisolated */
        fprintf(stderr, "kimen: error: --isolate-network: %s: %s\n", why, strerror(errno));
        return 125;
    }
    char byte = 0;
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec iov = {&byte, 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &listening, sizeof listening);
    if (sendmsg(channel[0], &msg, 0) != 1) {
        fprintf(stderr, "kimen: error: --isolate-network: cannot hand the loopback to the relay: %s\n", strerror(errno));
        return 125;
    }
    close(listening);
    close(channel[0]);
    /* as kimen-exec asked: the command ends should kimen die (asked again, after the namespace change) */
    prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
    if (getppid() == 1) {
        return 128 + SIGTERM;
    }
    execv(argv[2], argv + 3);
    int e = errno;
    fprintf(stderr, "kimen: error: cannot run %s: %s\n", argv[2], strerror(e));
    return e == ENOENT ? 127 : 126;
}
