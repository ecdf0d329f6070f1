/*
 * The client end of the session socket, as JNI functions of dev.kimen.session.NativeUnixSocket.
 * Every `kimen run` with a session asks the daemon for a key over a Unix-domain socket; the JDK's
 * SocketChannel for AF_UNIX costs a cold start 15-20 ms (its class initialisation seeds a
 * SecureRandom, which loads the security providers, and SO_PEERCRED loads jdk.net's options),
 * these calls well under one. Each returns a negative errno on failure.
 */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <jni.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A connected stream socket (close-on-exec) to the NUL-free `path`. */
JNIEXPORT jint JNICALL Java_dev_kimen_session_NativeUnixSocket_connect0(JNIEnv *env, jclass cls, jbyteArray path) {
    struct sockaddr_un addr;
    jsize n = (*env)->GetArrayLength(env, path);
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (n <= 0 || n >= (jsize) sizeof addr.sun_path) {
        return -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, path, 0, n, (jbyte *) addr.sun_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    int r;
    do {
        r = connect(fd, (struct sockaddr *) &addr, sizeof addr);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

/* The user id of the process at the other end, as the kernel recorded it at connect (SO_PEERCRED). */
JNIEXPORT jlong JNICALL Java_dev_kimen_session_NativeUnixSocket_peerUid0(JNIEnv *env, jclass cls, jint fd) {
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
        return -errno;
    }
    return (jlong) cred.uid;
}

/* This process's real user id. */
JNIEXPORT jlong JNICALL Java_dev_kimen_session_NativeUnixSocket_uid0(JNIEnv *env, jclass cls) {
    return (jlong) getuid();
}

/* Reads up to `len` bytes into buf[off..]; 0 at end of stream. */
JNIEXPORT jint JNICALL Java_dev_kimen_session_NativeUnixSocket_read0(JNIEnv *env, jclass cls, jint fd, jbyteArray buf,
                                                                       jint off, jint len) {
    char chunk[8192];
    ssize_t n;
    if (len > (jint) sizeof chunk) {
        len = sizeof chunk;
    }
    do {
        n = read(fd, chunk, (size_t) len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    }
    (*env)->SetByteArrayRegion(env, buf, off, (jsize) n, (jbyte *) chunk);
    memset(chunk, 0, (size_t) n); /* a frame may carry a key */
    return (jint) n;
}

/* Writes up to `len` bytes of buf[off..]; the number written. */
JNIEXPORT jint JNICALL Java_dev_kimen_session_NativeUnixSocket_write0(JNIEnv *env, jclass cls, jint fd, jbyteArray buf,
                                                                        jint off, jint len) {
    char chunk[8192];
    ssize_t n;
    if (len > (jint) sizeof chunk) {
        len = sizeof chunk;
    }
    (*env)->GetByteArrayRegion(env, buf, off, len, (jbyte *) chunk);
    do {
        n = send(fd, chunk, (size_t) len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    memset(chunk, 0, sizeof chunk);
    return n < 0 ? -errno : (jint) n;
}

/* Ends both directions: a read blocked in another thread returns end of stream. */
JNIEXPORT jint JNICALL Java_dev_kimen_session_NativeUnixSocket_shutdown0(JNIEnv *env, jclass cls, jint fd) {
    return shutdown(fd, SHUT_RDWR) < 0 ? -errno : 0;
}

JNIEXPORT jint JNICALL Java_dev_kimen_session_NativeUnixSocket_close0(JNIEnv *env, jclass cls, jint fd) {
    return close(fd) < 0 ? -errno : 0;
}
