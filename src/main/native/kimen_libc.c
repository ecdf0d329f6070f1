/*
 * libc calls the JDK has no API for, as JNI functions of dev.kimen.process.Libc, which falls back
 * to the FFM API without this helper: its first downcall costs a cold start some 50 ms, and
 * `secret get`, `env` and `export` ask isatty on every start.
 */
#include <jni.h>
#include <unistd.h>

/* isatty(3): 1 when `fd` is a terminal. */
JNIEXPORT jint JNICALL Java_dev_kimen_process_Libc_isatty0(JNIEnv *env, jclass cls, jint fd) {
    return isatty(fd);
}
