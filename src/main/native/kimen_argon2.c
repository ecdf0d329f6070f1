/*
 * Argon2id through libargon2, as JNI functions of dev.kimen.crypto.NativeArgon2: the library is
 * opened with dlopen(3) at run time (no libargon2-dev needed to build this), and argon2_ctx is
 * called with the context declared below. The FFM API reaches the same function without this
 * helper, but its first downcall costs a cold start about 50 ms, which every unlock by passphrase
 * would pay.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* argon2_context of argon2.h, soname 1 (20171227 and later: the first with `version`). */
typedef struct {
    uint8_t *out;
    uint32_t outlen;
    uint8_t *pwd;
    uint32_t pwdlen;
    uint8_t *salt;
    uint32_t saltlen;
    uint8_t *secret;
    uint32_t secretlen;
    uint8_t *ad;
    uint32_t adlen;
    uint32_t t_cost;
    uint32_t m_cost;
    uint32_t lanes;
    uint32_t threads;
    uint32_t version;
    void *allocate_cbk;
    void *free_cbk;
    uint32_t flags;
} argon2_context;

#define ARGON2_ID 2
#define ARGON2_VERSION_13 0x13
#define ARGON2_MEMORY_ALLOCATION_ERROR (-22)
#define ARGON2_FLAG_CLEAR_PASSWORD_AND_SECRET 3
#define NOT_LOADED (-1000)

static int (*argon2_ctx_fn)(argon2_context *, int);
static const char *(*argon2_error_message_fn)(int);

/* Opens the library `name` (a soname or a path); 0 when it has argon2_ctx. */
JNIEXPORT jint JNICALL Java_dev_kimen_crypto_NativeArgon2_load0(JNIEnv *env, jclass cls, jbyteArray name) {
    char path[4096];
    jsize n = (*env)->GetArrayLength(env, name);
    if (n <= 0 || n >= (jsize) sizeof path) {
        return -1;
    }
    (*env)->GetByteArrayRegion(env, name, 0, n, (jbyte *) path);
    path[n] = '\0';
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        return -1;
    }
    void *ctx = dlsym(lib, "argon2_ctx");
    if (ctx == NULL) {
        dlclose(lib);
        return -1;
    }
    argon2_error_message_fn = (const char *(*)(int)) dlsym(lib, "argon2_error_message");
    argon2_ctx_fn = (int (*)(argon2_context *, int)) ctx;
    return 0;
}

/* A malloc'd copy of `a` (NULL for null or empty, as argon2.h allows), its length in *len. */
static uint8_t *copy(JNIEnv *env, jbyteArray a, uint32_t *len, int *failed) {
    *len = 0;
    if (a == NULL || (*env)->GetArrayLength(env, a) == 0) {
        return NULL;
    }
    *len = (uint32_t) (*env)->GetArrayLength(env, a);
    uint8_t *p = malloc(*len);
    if (p == NULL) {
        *failed = 1;
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, a, 0, (jsize) *len, (jbyte *) p);
    return p;
}

static void wipe_free(uint8_t *p, uint32_t len) {
    if (p != NULL) {
        explicit_bzero(p, len);
        free(p);
    }
}

/* argon2_ctx for Argon2id v1.3 into `out`; libargon2's status (0: done). */
JNIEXPORT jint JNICALL Java_dev_kimen_crypto_NativeArgon2_ctx0(JNIEnv *env, jclass cls, jbyteArray out, jbyteArray pwd,
                                                               jbyteArray salt, jbyteArray secret, jbyteArray ad,
                                                               jint t_cost, jint m_cost, jint lanes, jint threads) {
    if (argon2_ctx_fn == NULL) {
        return NOT_LOADED;
    }
    argon2_context c;
    int failed = 0;
    memset(&c, 0, sizeof c);
    c.outlen = (uint32_t) (*env)->GetArrayLength(env, out);
    c.out = calloc(c.outlen > 0 ? c.outlen : 1, 1);
    c.pwd = copy(env, pwd, &c.pwdlen, &failed);
    c.salt = copy(env, salt, &c.saltlen, &failed);
    c.secret = copy(env, secret, &c.secretlen, &failed);
    c.ad = copy(env, ad, &c.adlen, &failed);
    uint32_t pwdlen = c.pwdlen, secretlen = c.secretlen; /* the library zeroes the lengths with the data */
    int status = ARGON2_MEMORY_ALLOCATION_ERROR;
    if (c.out != NULL && !failed) {
        c.t_cost = (uint32_t) t_cost;
        c.m_cost = (uint32_t) m_cost;
        c.lanes = (uint32_t) lanes;
        c.threads = (uint32_t) threads;
        c.version = ARGON2_VERSION_13; /* 0 would be hashed into H0 as is: another tag */
        c.flags = ARGON2_FLAG_CLEAR_PASSWORD_AND_SECRET;
        status = argon2_ctx_fn(&c, ARGON2_ID);
        if (status == 0) {
            (*env)->SetByteArrayRegion(env, out, 0, (jsize) c.outlen, (jbyte *) c.out);
        }
    }
    wipe_free(c.out, c.outlen);
    wipe_free(c.pwd, pwdlen);
    wipe_free(c.salt, c.saltlen);
    wipe_free(c.secret, secretlen);
    wipe_free(c.ad, c.adlen);
    return status;
}

JNIEXPORT jstring JNICALL Java_dev_kimen_crypto_NativeArgon2_error0(JNIEnv *env, jclass cls, jint status) {
    const char *message = argon2_error_message_fn != NULL ? argon2_error_message_fn(status) : NULL;
    return (*env)->NewStringUTF(env, message != NULL ? message : "unknown error");
}
