/*
 * berth-logd: starts an app with its stdout/stderr connected to a log relay that outlives
 * both the app's supervisor and the app's own process group.
 *
 *   berth-logd [options] --out FILE [--err FILE] -- PROGRAM [ARGS...]
 *   berth-logd -- PROGRAM [ARGS...]
 *
 * Without --out it only starts PROGRAM in a session of its own (setsid + exec, what setsid(1)
 * does without loading a locale first): the supervisor's way to start an app whose output the
 * kernel writes straight to its files. It is on the path from a crash to the restart.
 *
 * The calling process becomes the app (setsid + exec, so its PID is the app's PID); a
 * detached grandchild relays the pipes into the files. The relay:
 *   - never depends on the Berth daemon: the daemon being slow, restarting or gone never
 *     blocks the app beyond the pipe buffer being drained at memory speed;
 *   - prefixes each line with a timestamp when asked (--timestamp FORMAT);
 *   - rotates a file by size (--max-size BYTES) or age (--max-age SECONDS) at a line
 *     boundary, keeps --keep rotated files, and gzips them (--gzip) in a child process;
 *   - exits when every writer of the pipes has closed them (the app and its children),
 *     after writing every byte it read: no line written before rotation is lost.
 * It ignores SIGHUP/SIGINT/SIGTERM/SIGPIPE: a stop of the app must not cut its last lines.
 *
 * Timestamp FORMAT: strftime-like, with %Y %m %d %H %M %S, %3N (milliseconds), %z (+0800),
 * %:z (+08:00), %% and literal text. Berth translates the berth.yml's pattern into this.
 * Written in C because it runs once per app instance for the app's whole life: a JVM
 * there would cost tens of megabytes per instance.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#define BUF_SIZE (1 << 16)
#define OUT_CAP (1 << 18)

struct sink {
    const char *path;
    int fd;
    off_t size;
    time_t opened_at;
    int at_line_start;
    char out[OUT_CAP];
    size_t out_len;
};

static const char *ts_format = NULL;
static long long max_size = 0;
static long long max_age = 0;
static int keep = 5;
static int gzip_rotated = 0;

static void die(const char *what) {
    fprintf(stderr, "berth-logd: %s: %s\n", what, strerror(errno));
    exit(127);
}

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return; /* disk full or similar: drop rather than block the app forever */
        }
        p += w;
        n -= (size_t) w;
    }
}

/* Log files are 0600 whatever the umask: apps print secrets. (The relay itself runs under umask
 * 077, so what gzip writes is private too; the app keeps the umask it was given.) */
static void open_sink(struct sink *s) {
    s->fd = open(s->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (s->fd < 0) die(s->path);
    struct stat st;
    s->size = fstat(s->fd, &st) == 0 ? st.st_size : 0;
    s->opened_at = time(NULL);
}

static void flush_sink(struct sink *s) {
    if (s->out_len == 0) return;
    write_all(s->fd, s->out, s->out_len);
    s->size += (off_t) s->out_len;
    s->out_len = 0;
}

/* Rotated names sort by time: FILE.YYYYmmdd-HHMMSS[.N]; gzip adds .gz. */
static int is_rotated_of(const char *base, const char *name) {
    size_t n = strlen(base);
    return strncmp(name, base, n) == 0 && name[n] == '.' && name[n + 1] >= '0' && name[n + 1] <= '9';
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void prune_rotated(const char *path) {
    char dir[PATH_MAX], base[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (slash) {
        snprintf(dir, sizeof dir, "%.*s", (int) (slash - path), path);
        snprintf(base, sizeof base, "%s", slash + 1);
    } else {
        snprintf(dir, sizeof dir, ".");
        snprintf(base, sizeof base, "%s", path);
    }
    DIR *d = opendir(dir);
    if (!d) return;
    char *names[4096];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) && count < 4096) {
        if (is_rotated_of(base, e->d_name)) names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t) count, sizeof names[0], cmp_str);
    for (int i = 0; i < count; i++) {
        if (i < count - keep) {
            char full[PATH_MAX * 2];
            snprintf(full, sizeof full, "%s/%s", dir, names[i]);
            unlink(full);
        }
        free(names[i]);
    }
}

static void rotate(struct sink *s) {
    flush_sink(s);
    char stamp[48], target[PATH_MAX];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    localtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    /* names sort in time order: FILE.YYYYmmdd-HHMMSS.mmm[-N] */
    snprintf(target, sizeof target, "%s.%s.%03ld", s->path, stamp, ts.tv_nsec / 1000000);
    for (int i = 1; i < 1000; i++) {
        char gz[PATH_MAX + 4];
        snprintf(gz, sizeof gz, "%s.gz", target);
        if (access(target, F_OK) != 0 && access(gz, F_OK) != 0) break;
        snprintf(target, sizeof target, "%s.%s.%03ld-%03d", s->path, stamp, ts.tv_nsec / 1000000, i);
    }
    /* The rename is atomic; everything read so far is already in the renamed file. */
    if (rename(s->path, target) != 0) return;
    close(s->fd);
    open_sink(s);
    if (gzip_rotated) {
        pid_t pid = fork();
        if (pid == 0) {
            /* a grandchild, so nobody has to reap it */
            if (fork() == 0) {
                int devnull = open("/dev/null", O_RDWR);
                if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 1); }
                execlp("gzip", "gzip", "-f", "-q", target, (char *) NULL);
                _exit(127);
            }
            _exit(0);
        }
        if (pid > 0) waitpid(pid, NULL, 0);
    }
    prune_rotated(s->path);
}

static size_t format_stamp(char *dst, size_t cap) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    localtime_r(&ts.tv_sec, &tm);
    size_t n = 0;
    for (const char *f = ts_format; *f && n + 16 < cap; f++) {
        if (*f != '%') { dst[n++] = *f; continue; }
        f++;
        switch (*f) {
            case 'Y': n += (size_t) snprintf(dst + n, cap - n, "%04d", tm.tm_year + 1900); break;
            case 'm': n += (size_t) snprintf(dst + n, cap - n, "%02d", tm.tm_mon + 1); break;
            case 'd': n += (size_t) snprintf(dst + n, cap - n, "%02d", tm.tm_mday); break;
            case 'H': n += (size_t) snprintf(dst + n, cap - n, "%02d", tm.tm_hour); break;
            case 'M': n += (size_t) snprintf(dst + n, cap - n, "%02d", tm.tm_min); break;
            case 'S': n += (size_t) snprintf(dst + n, cap - n, "%02d", tm.tm_sec); break;
            case '3':
                if (f[1] == 'N') { f++; n += (size_t) snprintf(dst + n, cap - n, "%03ld", ts.tv_nsec / 1000000); }
                break;
            case 'z':
            case ':': {
                int colon = *f == ':';
                if (colon && f[1] == 'z') f++;
                long off = tm.tm_gmtoff;
                char sign = off < 0 ? '-' : '+';
                if (off < 0) off = -off;
                n += (size_t) snprintf(dst + n, cap - n, colon ? "%c%02ld:%02ld" : "%c%02ld%02ld", sign, off / 3600, (off % 3600) / 60);
                break;
            }
            case '%': dst[n++] = '%'; break;
            case '\0': f--; break;
            default: dst[n++] = '%'; dst[n++] = *f; break;
        }
    }
    dst[n++] = ' ';
    return n;
}

/* Copies one chunk into the sink, stamping line starts and rotating at line boundaries. */
static void relay_chunk(struct sink *s, const char *buf, size_t len) {
    char stamp[128];
    size_t stamp_len = 0;
    int stamped_this_chunk = 0;
    size_t i = 0;
    while (i < len) {
        if (s->at_line_start) {
            if ((max_size > 0 && s->size + (off_t) s->out_len >= max_size)
                || (max_age > 0 && s->size + (off_t) s->out_len > 0 && time(NULL) - s->opened_at >= max_age)) {
                rotate(s);
            }
            if (ts_format) {
                /* one clock read per chunk: lines of the same read share a stamp */
                if (!stamped_this_chunk) { stamp_len = format_stamp(stamp, sizeof stamp); stamped_this_chunk = 1; }
                if (s->out_len + stamp_len > OUT_CAP) flush_sink(s);
                memcpy(s->out + s->out_len, stamp, stamp_len);
                s->out_len += stamp_len;
            }
            s->at_line_start = 0;
        }
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t take = nl ? (size_t) (nl - (buf + i)) + 1 : len - i;
        if (s->out_len + take > OUT_CAP) flush_sink(s);
        if (take > OUT_CAP) {
            write_all(s->fd, buf + i, take);
            s->size += (off_t) take;
        } else {
            memcpy(s->out + s->out_len, buf + i, take);
            s->out_len += take;
        }
        i += take;
        if (nl) s->at_line_start = 1;
    }
    flush_sink(s);
}

static void relay(int out_fd, int err_fd, struct sink *out, struct sink *err) {
    static char buf[BUF_SIZE];
    struct pollfd fds[2];
    int open_count = err_fd >= 0 ? 2 : 1;
    fds[0].fd = out_fd; fds[0].events = POLLIN;
    fds[1].fd = err_fd; fds[1].events = POLLIN;
    while (open_count > 0) {
        int r = poll(fds, err_fd >= 0 ? 2 : 1, max_age > 0 ? 1000 : -1);
        if (r < 0) { if (errno == EINTR) continue; break; }
        for (int k = 0; k < (err_fd >= 0 ? 2 : 1); k++) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[k].fd, buf, sizeof buf);
            if (n > 0) {
                relay_chunk(k == 0 ? out : err, buf, (size_t) n);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(fds[k].fd);
                fds[k].fd = -1;
                open_count--;
            }
        }
        if (max_age > 0) {
            /* an idle file also rotates on age, at a line boundary */
            struct sink *all[2] = {out, err};
            for (int k = 0; k < 2; k++) {
                if (all[k] && all[k]->at_line_start && all[k]->size > 0 && time(NULL) - all[k]->opened_at >= max_age) rotate(all[k]);
            }
        }
    }
}

static void usage(void) {
    fprintf(stderr, "usage: berth-logd [--timestamp FMT] [--max-size BYTES] [--max-age SECONDS] [--keep N] [--gzip]"
                    " --out FILE [--err FILE] -- PROGRAM [ARGS...]\n"
                    "       berth-logd -- PROGRAM [ARGS...]   (only a new session)\n");
    exit(127);
}

int main(int argc, char **argv) {
    const char *out_path = NULL, *err_path = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) { i++; break; }
        if (strcmp(argv[i], "--gzip") == 0) { gzip_rotated = 1; continue; }
        if (i + 1 >= argc) usage();
        if (strcmp(argv[i], "--out") == 0) out_path = argv[++i];
        else if (strcmp(argv[i], "--err") == 0) err_path = argv[++i];
        else if (strcmp(argv[i], "--timestamp") == 0) ts_format = argv[++i];
        else if (strcmp(argv[i], "--max-size") == 0) max_size = atoll(argv[++i]);
        else if (strcmp(argv[i], "--max-age") == 0) max_age = atoll(argv[++i]);
        else if (strcmp(argv[i], "--keep") == 0) keep = atoi(argv[++i]);
        else usage();
    }
    if (i >= argc) usage();
    if (!out_path) {
        if (err_path || ts_format || max_size || max_age) usage();
        setsid();
        execvp(argv[i], argv + i);
        fprintf(stderr, "berth: cannot run %s: %s\n", argv[i], strerror(errno));
        return 127;
    }
    int separate_err = err_path && strcmp(err_path, out_path) != 0;

    int out_pipe[2], err_pipe[2] = {-1, -1};
    if (pipe2(out_pipe, O_CLOEXEC) != 0) die("pipe");
    if (separate_err && pipe2(err_pipe, O_CLOEXEC) != 0) die("pipe");
    /* Bigger pipes absorb bursts while the relay writes; best effort. */
    fcntl(out_pipe[1], F_SETPIPE_SZ, 1 << 20);
    if (separate_err) fcntl(err_pipe[1], F_SETPIPE_SZ, 1 << 20);

    /* Open the files before forking so a bad path fails the start, visibly. */
    static struct sink out_sink, err_sink;
    out_sink.path = out_path; out_sink.at_line_start = 1;
    open_sink(&out_sink);
    if (separate_err) { err_sink.path = err_path; err_sink.at_line_start = 1; open_sink(&err_sink); }

    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        /* Double fork: the relay is nobody's child but init's, in its own session, outside the app's tree. */
        if (fork() != 0) _exit(0);
        setsid();
        umask(077);
        signal(SIGHUP, SIG_IGN);
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        signal(SIGPIPE, SIG_IGN);
        close(out_pipe[1]);
        if (separate_err) close(err_pipe[1]);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 1); dup2(devnull, 2); }
        relay(out_pipe[0], separate_err ? err_pipe[0] : -1, &out_sink, separate_err ? &err_sink : NULL);
        _exit(0);
    }
    waitpid(child, NULL, 0);

    /* This process becomes the app. */
    close(out_pipe[0]);
    if (separate_err) close(err_pipe[0]);
    close(out_sink.fd);
    if (separate_err) close(err_sink.fd);
    setsid();
    if (dup2(out_pipe[1], 1) < 0) die("dup2");
    if (dup2(separate_err ? err_pipe[1] : out_pipe[1], 2) < 0) die("dup2");
    execvp(argv[i], argv + i);
    fprintf(stderr, "berth-logd: cannot run %s: %s\n", argv[i], strerror(errno));
    return 127;
}
