/*
 * kimen-exec: how `kimen run` starts its command when kimen stays beside it (the JVM's run). It
 * asks the kernel to send the command SIGTERM should kimen die (PR_SET_PDEATHSIG), so a kimen
 * killed with SIGKILL, or crashed, leaves no command running unnoticed, then becomes the command
 * (execv: same pid, same descriptors, the argv given). The JDK runs no code of ours between fork
 * and exec; this small program is that code.
 *
 *   kimen-exec <kimen's pid> <program> <argv0> [args...]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int main(int argc, char **argv) {
    char *end;
    long parent = argc > 3 ? strtol(argv[1], &end, 10) : 0;
    if (argc < 4 || *end != 0 || parent <= 1) {
        fprintf(stderr, "kimen-exec: started by kimen run, not by hand\n");
        return 125;
    }
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
    if (getppid() != (pid_t) parent) {
        return 128 + SIGTERM; /* kimen died before the request took effect: as if it had arrived */
    }
#endif
    execv(argv[2], argv + 3);
    int e = errno;
    fprintf(stderr, "kimen: error: cannot run %s: %s\n", argv[2], strerror(e));
    return e == ENOENT ? 127 : 126;
}
