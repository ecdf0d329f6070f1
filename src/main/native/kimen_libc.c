/*
 * libc calls the JDK has no API for, as JNI functions of dev.kimen.process.Libc, which falls back
 * to the FFM API without this helper: its first downcall costs a cold start some 50 ms, and
 * `secret get`, `env` and `export` ask isatty on every start, and every start makes itself
 * non-dumpable.
 */
#include <jni.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* isatty(3): 1 when `fd` is a terminal. */
JNIEXPORT jint JNICALL Java_dev_kimen_process_Libc_isatty0(JNIEnv *env, jclass cls, jint fd) {
    return isatty(fd);
}

/* prctl(PR_SET_DUMPABLE, 0): no core dump, no ptrace by other processes of the user; 0 on success. */
JNIEXPORT jint JNICALL Java_dev_kimen_process_Libc_notDumpable0(JNIEnv *env, jclass cls) {
#ifdef __linux__
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#else
    return -1;
#endif
}
