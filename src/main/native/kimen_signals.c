/*
 * Signal forwarding for `kimen run`, as JNI functions of dev.kimen.process.NativeSignals.
 * HotSpot refuses a Java handler for SIGQUIT (it keeps it for thread dumps), so this tiny handler,
 * installed with sigaction(2), forwards it to the child with kill(2), which is async-signal-safe.
 * A signal that arrives before the child's pid is known is delivered as soon as it is. kill(2) is
 * here too, for the signals Java handlers catch.
 *
 * JNI rather than the FFM API: binding a JNI method costs microseconds, while the FFM API's first
 * downcall costs about 50 ms of start-up, which every `run` would pay.
 */
#include <jni.h>
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
JNIEXPORT jint JNICALL Java_dev_kimen_process_NativeSignals_catchSignal(JNIEnv *env, jclass cls, jint sig) {
    struct sigaction sa;
    if (sig <= 0 || sig >= NSIG) {
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(sig, &sa, &previous[sig]);
}

/* From now on caught signals go to `pid`, starting with any that arrived before. */
JNIEXPORT void JNICALL Java_dev_kimen_process_NativeSignals_forwardTo(JNIEnv *env, jclass cls, jint pid) {
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
