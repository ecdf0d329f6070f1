/*
 * SIGQUIT forwarding for `kimen run`. HotSpot refuses a Java handler for SIGQUIT (it keeps it for
 * thread dumps), so this tiny handler, installed with sigaction(2) through the FFM API, forwards
 * it to the child with kill(2), which is async-signal-safe. A signal that arrives before the
 * child's pid is known is delivered as soon as it is.
 */
#include <signal.h>
#include <string.h>
#include <sys/types.h>

static volatile pid_t child;
static volatile sig_atomic_t pending[NSIG];
static struct sigaction previous[NSIG];

static void forward(int sig) {
    pid_t p = child;
    if (p > 0) {
        kill(p, sig);
    } else {
        pending[sig] = 1;
    }
}

/* Starts catching `sig`; 0 on success. */
int kimen_catch(int sig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(sig, &sa, &previous[sig]);
}

/* From now on caught signals go to `pid`, starting with any that arrived before. */
void kimen_forward_to(pid_t pid) {
    child = pid;
    for (int s = 1; s < NSIG; s++) {
        if (pending[s]) {
            pending[s] = 0;
            kill(pid, s);
        }
    }
}

/* Puts back the handler `sig` had before kimen_catch. */
int kimen_release(int sig) {
    child = 0;
    return sigaction(sig, &previous[sig], NULL);
}
