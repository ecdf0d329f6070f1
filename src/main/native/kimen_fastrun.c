/*
 * kimen-fastrun: everyday kimen and mima commands with no JVM, when the session daemon can run them.
 *
 *   kimen-fastrun [--built STAMP M INPUT(M paths)] PROGRAM N JAVA-COMMAND(N words) ARGUMENTS...
 *
 * The launchers (bin/lib/launch.sh, installed-launcher.sh) exec this in place of the JVM for
 * `run`, `env`, `secret …` and `hook …` of PROGRAM (kimen or mima). For `run`, `env`, `secret get`
 * and the hook's load (`hook SHELL --load …`) it sends the daemon the program, the arguments, the
 * working directory, the environment, which of descriptors 0-2 are terminals and its parent's PID
 * (a RunPlan message, see dev.kimen.session.Protocol); the daemon runs kimen's own command code on
 * them (dev.kimen.cli.FastRun). A run that has only its command left to start is answered with a
 * Launch: the program, its argv and environment, and warnings for stderr; this program then writes
 * the warnings and execve's the command, which keeps this PID, as `run --exec` does. A command that
 * only prints is answered with what it printed (Printed): this program writes it and exits 0.
 *
 * Any other outcome (no daemon, another user's socket, no key held, a command that needs files,
 * stdin, a prompt, the keyring or a program started, an error to report, a daemon of another
 * version, anything unexpected) ends in execv of JAVA-COMMAND followed by ARGUMENTS, exactly what
 * the launcher would have run: the JVM then does the command, or reports the error, the usual way.
 *
 * --built: the checkout's launcher (bin/lib/launch.sh) execs this first, with itself as the
 * JAVA-COMMAND, and leaves to it the check whether the jar is older than its sources (3-4 ms of
 * bash; here nftw, ~1 ms, on a second thread while the daemon plans the command). When any INPUT,
 * or anything under one, changed after STAMP was written (or cannot be looked at), the daemon's
 * answer is not used. Either way, when this program falls back to JAVA-COMMAND it sets
 * KIMEN_LAUNCH_CHECK=full: the launcher then checks and builds in bash, and runs the JVM.
 *
 * Written by hand, in C, because its whole point is to start no runtime: a JVM start is what
 * costs a `run` most of its time (bench/README.md), and no library does this one exchange.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

extern char **environ;

#define PROTOCOL_VERSION 2
#define RUN_PLAN 7
#define LAUNCH 69
#define PRINTED 70
#define MAX_PAYLOAD (1024 * 1024) /* Protocol.MAX_PAYLOAD */
#define MAX_STRING 0xFFFF
#define MAX_STRINGS 0xFFFF
#define ANSWER_SECONDS 10 /* SessionClient.ANSWER_LIMIT */

struct buf {
    unsigned char *data;
    size_t len, cap;
    int bad; /* a string or count did not fit the protocol */
};

static void put(struct buf *b, const void *bytes, size_t n) {
    if (b->bad || n > MAX_PAYLOAD + 4 - b->len) {
        b->bad = 1;
        return;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
}

static void put_u16(struct buf *b, size_t v) {
    if (v > 0xFFFF) {
        b->bad = 1;
        return;
    }
    unsigned char be[2] = {(unsigned char) (v >> 8), (unsigned char) v};
    put(b, be, 2);
}

static void put_string(struct buf *b, const char *s) {
    size_t n = strlen(s);
    if (n > MAX_STRING) {
        b->bad = 1;
        return;
    }
    put_u16(b, n);
    put(b, s, n);
}

static void put_strings(struct buf *b, char *const *v, size_t count) {
    put_u16(b, count);
    for (size_t i = 0; i < count; i++) {
        put_string(b, v[i]);
    }
}

/* The reading side: every read is bounds-checked; `bad` is set on the first overrun. */
struct reader {
    const unsigned char *p;
    size_t left;
    int bad;
};

static int get_u8(struct reader *r) {
    if (r->bad || r->left < 1) {
        r->bad = 1;
        return -1;
    }
    r->left--;
    return *r->p++;
}

static size_t get_u16(struct reader *r) {
    int hi = get_u8(r), lo = get_u8(r);
    return r->bad ? 0 : (size_t) (hi << 8 | lo);
}

/* The next u32-length byte string, in place (not copied); NULL (and `bad`) when cut short. */
static const unsigned char *get_blob(struct reader *r, size_t *n) {
    size_t hi = get_u16(r), lo = get_u16(r);
    *n = hi << 16 | lo;
    if (r->bad || *n > r->left) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p;
    r->p += *n;
    r->left -= *n;
    return p;
}

/* A NUL-terminated copy of the next string; NULL (and `bad`) when cut short or holding a NUL. */
static char *get_string(struct reader *r) {
    size_t n = get_u16(r);
    if (r->bad || n > r->left || memchr(r->p, 0, n) != NULL) {
        r->bad = 1;
        return NULL;
    }
    char *s = malloc(n + 1);
    if (s == NULL) {
        r->bad = 1;
        return NULL;
    }
    memcpy(s, r->p, n);
    s[n] = 0;
    r->p += n;
    r->left -= n;
    return s;
}

/* A NULL-terminated array of the next list of strings. */
static char **get_strings(struct reader *r) {
    size_t n = get_u16(r);
    char **v = r->bad ? NULL : calloc(n + 1, sizeof *v);
    if (v == NULL) {
        r->bad = 1;
        return NULL;
    }
    for (size_t i = 0; i < n && !r->bad; i++) {
        v[i] = get_string(r);
    }
    return v;
}

/* Whether `path` is non-empty and absolute, as dev.kimen.config.UserDirs.xdg wants its values. */
static int absolute(const char *path) {
    return path != NULL && path[0] == '/';
}

/*
 * The session socket, by dev.kimen.session.SessionDir's rules: $KIMEN_SESSION_DIR, else
 * $XDG_RUNTIME_DIR/kimen, else $XDG_CACHE_HOME/kimen or $HOME/.cache/kimen. 0 when there is none
 * to try (the JVM then reports what is wrong, if anything).
 */
static int socket_path(char *out, size_t size) {
    const char *explicit = getenv("KIMEN_SESSION_DIR");
    const char *runtime = getenv("XDG_RUNTIME_DIR");
    const char *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (explicit != NULL && explicit[0] != 0) {
        if (!absolute(explicit)) {
            return 0;
        }
        n = snprintf(out, size, "%s/session.sock", explicit);
    } else if (absolute(runtime)) {
        n = snprintf(out, size, "%s/kimen/session.sock", runtime);
    } else if (absolute(cache)) {
        n = snprintf(out, size, "%s/kimen/session.sock", cache);
    } else if (absolute(home)) {
        n = snprintf(out, size, "%s/.cache/kimen/session.sock", home);
    } else {
        return 0;
    }
    return n > 0 && (size_t) n < size;
}

/* A connection to this user's daemon, checked to run as this user; -1 when there is none. */
static int connect_daemon(void) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (!socket_path(addr.sun_path, sizeof addr.sun_path)) {
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    struct ucred cred;
    socklen_t len = sizeof cred;
    struct timeval limit = {ANSWER_SECONDS, 0};
    /* the send timeout bounds connect too: a daemon whose backlog is full cannot hold the run up */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) < 0
            || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) < 0
            || connect(fd, (struct sockaddr *) &addr, sizeof addr) < 0
            || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != getuid()) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Writes all of p, to a socket (send without SIGPIPE: a daemon gone away means the JVM's run) or not. */
static int write_all(int fd, const unsigned char *p, size_t n, int socket) {
    while (n > 0) {
        ssize_t w = socket ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static int read_all(int fd, unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return -1;
        }
        p += r;
        n -= (size_t) r;
    }
    return 0;
}

/*
 * This process's view of the file system, as dev.kimen.session.SessionDaemon.fileSystemView
 * writes the daemon's: its mount namespace and the device and inode of its root. The daemon plans
 * only for a client that sees the files it would read. 0 when /proc cannot tell.
 */
static int file_system_view(char *out, size_t size) {
    char ns[128];
    struct stat root;
    ssize_t n = readlink("/proc/self/ns/mnt", ns, sizeof ns - 1);
    if (n <= 0 || stat("/", &root) < 0) {
        return 0;
    }
    ns[n] = 0;
    int w = snprintf(out, size, "%s %llu:%llu", ns, (unsigned long long) root.st_dev, (unsigned long long) root.st_ino);
    return w > 0 && (size_t) w < size;
}

/*
 * Starts the command as the JVM's run would (and dev.kimen.process.Exec, for run --exec): with
 * only descriptors 0-2 (others close on exec), no signal blocked, SIGPIPE and SIGXFSZ at their
 * defaults, and a file without a #! line run by /bin/sh (as the JDK and execvp(3) do).
 */
static void exec_command(char *program, char **argv, char **env) {
    sigset_t none;
    sigemptyset(&none);
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0 || sigprocmask(SIG_SETMASK, &none, NULL) < 0) {
        return; /* close_range needs Linux 5.11: before that, the JVM's run starts the command */
    }
    signal(SIGPIPE, SIG_DFL);
    signal(SIGXFSZ, SIG_DFL);
    execve(program, argv, env);
    if (errno == ENOEXEC) {
        size_t n = 0;
        while (argv[n] != NULL) {
            n++;
        }
        char **sh = calloc(n + 2, sizeof *sh);
        if (sh == NULL) {
            return;
        }
        sh[0] = "/bin/sh";
        sh[1] = program;
        for (size_t i = 1; i <= n; i++) {
            sh[i + 1] = argv[i];
        }
        execve("/bin/sh", sh, env);
    }
}

/* --built: the stamp, the inputs to walk, and the walk's thread and outcome */
static struct {
    const char *stamp;
    char **inputs;
    long count;
    struct timespec at;
    pthread_t walker;
    int walking, changed;
} built;

static int changed_after_stamp(const char *path, const struct stat *st, int type, struct FTW *where) {
    (void) path;
    (void) where;
    if (type == FTW_NS || type == FTW_DNR) {
        return 1;
    }
    return st->st_mtim.tv_sec > built.at.tv_sec ||
           (st->st_mtim.tv_sec == built.at.tv_sec && st->st_mtim.tv_nsec > built.at.tv_nsec);
}

/* Whether any input (trees walked, symlinks not followed) changed after the stamp was written. */
static void *walk_inputs(void *unused) {
    (void) unused;
    struct stat st;
    if (stat(built.stamp, &st) != 0) {
        return (void *) 1;
    }
    built.at = st.st_mtim;
    for (long i = 0; i < built.count; i++) {
        if (nftw(built.inputs[i], changed_after_stamp, 16, FTW_PHYS) != 0) {
            return (void *) 1;
        }
    }
    return NULL;
}

/* With --built, whether the jar is older than its sources (waits for the walk); else 0. */
static int sources_changed(void) {
    if (built.walking) {
        void *changed = (void *) 1;
        built.changed = pthread_join(built.walker, &changed) != 0 || changed != NULL;
        built.walking = 0;
    }
    return built.changed;
}

/* Whether the daemon may run `PROGRAM args…`: run, env, secret get, and the hook's load. */
static int wanted(char **args, int count) {
    if (count < 1) {
        return 0;
    }
    if (strcmp(args[0], "run") == 0 || strcmp(args[0], "env") == 0) {
        return 1;
    }
    if (strcmp(args[0], "secret") == 0) {
        return count > 1 && strcmp(args[1], "get") == 0;
    }
    if (strcmp(args[0], "hook") == 0) {
        for (int i = 1; i < count; i++) {
            if (strcmp(args[i], "--load") == 0 || strncmp(args[i], "--load=", 7) == 0) {
                return 1;
            }
        }
    }
    return 0;
}

/*
 * Asks the daemon to run `program args…`; on a Launch answer, writes its notes to stderr and
 * execve's it, on a Printed one writes what it holds and exits 0 (not returning either way).
 * Returns when the JVM is to do the command.
 */
static void try_launch(const char *program, char **args, int count) {
    char cwd[4096], where[256];
    if (getcwd(cwd, sizeof cwd) == NULL || !file_system_view(where, sizeof where)) {
        return;
    }
    size_t env_count = 0;
    while (environ[env_count] != NULL) {
        env_count++;
    }
    if (env_count > MAX_STRINGS || (size_t) count > MAX_STRINGS) {
        return;
    }
    int fd = connect_daemon();
    if (fd < 0) {
        return;
    }
    struct buf req = {malloc(MAX_PAYLOAD + 4), 4, MAX_PAYLOAD + 4, 0};
    if (req.data == NULL) {
        close(fd);
        return;
    }
    unsigned char head[2] = {PROTOCOL_VERSION, RUN_PLAN};
    put(&req, head, 2);
    put_string(&req, where);
    put_string(&req, program);
    unsigned char terminals = (unsigned char) ((isatty(0) ? 1 : 0) | (isatty(1) ? 2 : 0) | (isatty(2) ? 4 : 0));
    uint32_t parent = (uint32_t) getppid();
    unsigned char about[5] = {terminals, (unsigned char) (parent >> 24), (unsigned char) (parent >> 16),
                              (unsigned char) (parent >> 8), (unsigned char) parent};
    put(&req, about, 5);
    put_string(&req, cwd);
    put_strings(&req, args, (size_t) count);
    put_strings(&req, environ, env_count);
    size_t payload = req.len - 4;
    req.data[0] = (unsigned char) (payload >> 24);
    req.data[1] = (unsigned char) (payload >> 16);
    req.data[2] = (unsigned char) (payload >> 8);
    req.data[3] = (unsigned char) payload;
    int sent = !req.bad && write_all(fd, req.data, req.len, 1) == 0;
    explicit_bzero(req.data, req.len); /* the environment may hold secrets of its own */
    free(req.data);
    unsigned char size[4];
    if (!sent || read_all(fd, size, 4) < 0) {
        close(fd);
        return;
    }
    size_t length = (size_t) size[0] << 24 | (size_t) size[1] << 16 | (size_t) size[2] << 8 | size[3];
    unsigned char *answer = length >= 2 && length <= MAX_PAYLOAD ? malloc(length) : NULL;
    if (answer == NULL || read_all(fd, answer, length) < 0) {
        free(answer);
        close(fd);
        return;
    }
    close(fd);
    struct reader r = {answer, length, 0};
    int version = get_u8(&r), type = get_u8(&r);
    if (version == PROTOCOL_VERSION && type == PRINTED) {
        char *notes = get_string(&r);
        size_t n;
        const unsigned char *out = get_blob(&r, &n);
        if (!r.bad && r.left == 0 && !sources_changed()) {
            /* as the JVM's command would: a closed stdout or stderr is no error, and kills nothing */
            signal(SIGPIPE, SIG_IGN);
            (void) write_all(STDERR_FILENO, (const unsigned char *) notes, strlen(notes), 0);
            (void) write_all(STDOUT_FILENO, out, n, 0);
            explicit_bzero(answer, length);
            exit(0);
        }
        free(notes);
    } else if (version == PROTOCOL_VERSION && type == LAUNCH) {
        char *program = get_string(&r);
        char **argv = get_strings(&r);
        char **env = get_strings(&r);
        char *notes = get_string(&r);
        if (!r.bad && r.left == 0 && program[0] == '/' && argv[0] != NULL && !sources_changed()) {
            explicit_bzero(answer, length);
            /* a closed stderr must not kill the run (the JVM ignores SIGPIPE too) */
            struct sigaction ignore = {.sa_handler = SIG_IGN}, found;
            sigemptyset(&ignore.sa_mask);
            int ignored = sigaction(SIGPIPE, &ignore, &found) == 0;
            (void) write_all(STDERR_FILENO, (const unsigned char *) notes, strlen(notes), 0);
            exec_command(program, argv, env);
            /* the program went away since the daemon looked: the JVM, started as found, tells it properly */
            if (ignored) {
                sigaction(SIGPIPE, &found, NULL);
            }
        }
        /* left to the exec's replacement of this memory or to the JVM's: the copies hold secrets, so clear them */
        for (char **v = env; v != NULL && *v != NULL; v++) {
            explicit_bzero(*v, strlen(*v));
        }
    }
    explicit_bzero(answer, length);
    free(answer);
}

/* Parses a count of words in argv that must leave at least LEAVE words after them; -1 if bad. */
static long count_at(int argc, char **argv, int at, int leave) {
    char *end = "";
    long n = at < argc ? strtol(argv[at], &end, 10) : -1;
    return *end == 0 && n >= 0 && n <= argc - at - 1 - leave ? n : -1;
}

static int not_by_hand(void) {
    fprintf(stderr, "kimen-fastrun: started by kimen's launcher, not by hand\n");
    return 2;
}

int main(int argc, char **argv) {
    int at = 1;
    if (argc > 1 && strcmp(argv[1], "--built") == 0) {
        long inputs = count_at(argc, argv, 3, 3);
        if (inputs < 0) {
            return not_by_hand();
        }
        built.stamp = argv[2];
        built.inputs = argv + 4;
        built.count = inputs;
        at = 4 + (int) inputs;
    }
    long n = count_at(argc, argv, at + 1, 0);
    if (argc < at + 3 || n < 1) {
        return not_by_hand();
    }
    const char *program = argv[at];
    char **java = argv + at + 2;
    char **args = java + n;
    int count = argc - at - 2 - (int) n;
    if (built.stamp != NULL) {
        built.walking = pthread_create(&built.walker, NULL, walk_inputs, NULL) == 0;
        built.changed = !built.walking && walk_inputs(NULL) != NULL;
    }
#ifdef __linux__
    /* The command's environment, values included, passes through here: no core dump of it, and no
       ptrace by other processes of the user. execve gives the command (or the JVM) its own. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
    if ((getenv("KIMEN_FASTRUN") == NULL || strcmp(getenv("KIMEN_FASTRUN"), "off") != 0) && wanted(args, count)) {
        try_launch(program, args, count);
    }
    if (built.stamp != NULL) {
        setenv("KIMEN_LAUNCH_CHECK", "full", 1);
    }
    execv(java[0], java);
    fprintf(stderr, "kimen: error: cannot start %s: %s\n", java[0], strerror(errno));
    return 127;
}
