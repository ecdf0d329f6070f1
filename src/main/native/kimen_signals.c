/*
 * Signal forwarding for `kimen run`, as JNI functions of dev.kimen.process.NativeSignals.
 * HotSpot refuses a Java handler for SIGQUIT (it keeps it for thread dumps), so this tiny handler,
 * installed with sigaction(2), forwards it to the child with kill(2), which is async-signal-safe.
 * It takes SIGINT, SIGTERM and SIGHUP too, because it can see who sent a signal (SA_SIGINFO),
 * which a Java handler cannot: a signal the terminal sent (si_code SI_KERNEL: Ctrl-C, Ctrl-\, a
 * hang-up) went to the whole foreground process group, the child included when it shares kimen's
 * group, so forwarding it too would deliver one Ctrl-C twice (and a second Ctrl-C is "force quit"
 * to many tools). A signal sent with kill(2) is forwarded. A signal that arrives before the
 * child's pid is known is delivered as soon as it is. kill(2) is here too, for the signals Java
 * handlers catch.
 *
 * JNI rather than the FFM API: binding a JNI method costs microseconds, while the FFM API's first
 * downcall costs about 50 ms of start-up, which every `run` would pay.
 */
#include <jni.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static volatile pid_t child;
/* Whether the child is in kimen's process group, so a signal to the group reached it already. */
static volatile sig_atomic_t child_in_group;
static volatile sig_atomic_t pending[NSIG];
static struct sigaction previous[NSIG];

static void forward(int sig, siginfo_t *info, void *context) {
    (void) context;
    pid_t p = child;
    if (p > 0) {
        if (!(info != NULL && info->si_code == SI_KERNEL && child_in_group)) {
            kill(p, sig);
        }
    } else {
        pending[sig] = 1;
    }
}

/* Starts catching `sig`; 0 on success. */
JNIEXPORT jint JNICALL Java_dev_kimen_process_NativeSignals_catchSignal(JNIEnv *env, jclass cls, jint sig) {
    struct sigaction sa;
    if (sig <= 0 || sig >= NSIG) {
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = forward;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | SA_SIGINFO;
    return sigaction(sig, &sa, &previous[sig]);
}

/* From now on caught signals go to `pid`, starting with any that arrived before. */
JNIEXPORT void JNICALL Java_dev_kimen_process_NativeSignals_forwardTo(JNIEnv *env, jclass cls, jint pid) {
    child_in_group = getpgid(pid) == getpgrp();
    child = pid;
    for (int s = 1; s < NSIG; s++) {
        if (pending[s]) {
            pending[s] = 0;
            kill(pid, s);
        }
    }
}

/* Puts back the handler `sig` had before catchSignal. */
JNIEXPORT jint JNICALL Java_dev_kimen_process_NativeSignals_release(JNIEnv *env, jclass cls, jint sig) {
    if (sig <= 0 || sig >= NSIG) {
        return -1;
    }
    child = 0;
    return sigaction(sig, &previous[sig], NULL);
}

/* kill(2); 0 on success. */
JNIEXPORT jint JNICALL Java_dev_kimen_process_NativeSignals_kill(JNIEnv *env, jclass cls, jint pid, jint sig) {
    return kill(pid, sig);
}
