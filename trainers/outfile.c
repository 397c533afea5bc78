/* SPDX-License-Identifier: MIT */
/*
 * outfile.c -- every file mlq writes (host.h): whole or not at all, never
 * over one of the command's inputs or through a link, with the user's
 * umask, and no temporary file left behind by a signal.
 *
 * A file is written to PATH.tmpXXXXXX beside PATH and renamed over PATH
 * once it is complete. The temporary files not yet renamed are listed in
 * `pending`; a handler of the signals that end a process by default
 * removes them, restores the default action and raises the signal again.
 * The list changes only with those signals blocked, so the handler never
 * sees it half-changed, and a temporary file exists exactly while it is
 * listed.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/* ------------------------------------------------------------------------ */
/* Temporary files and signals                                                */

#define MAX_PENDING 16

/* The signals whose default action ends the process and that a user or the
 * system sends while a file is written (SIGPIPE: a closed standard output;
 * SIGXFSZ: the file size limit, ulimit -f). */
static const int caught[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGXFSZ};
#define N_CAUGHT (sizeof caught / sizeof caught[0])

static const char *volatile pending[MAX_PENDING];

static void on_signal(int sig)
{
    struct sigaction dfl;
    int saved = errno;
    size_t i;

    for (i = 0; i < MAX_PENDING; i++)
        if (pending[i] != NULL)
            unlink(pending[i]);
    dfl.sa_handler = SIG_DFL;
    dfl.sa_flags = 0;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig); /* delivered when the handler returns: the default action */
    errno = saved;
}

/* Catch the signals of `caught` that have their default action (an ignored
 * signal stays ignored, a handler of the program stays). Once. */
static void install_handlers(void)
{
    static int installed;
    struct sigaction sa, old;
    size_t i;

    if (installed)
        return;
    installed = 1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < N_CAUGHT; i++)
        sigaddset(&sa.sa_mask, caught[i]);
    for (i = 0; i < N_CAUGHT; i++)
        if (sigaction(caught[i], NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL)
            sigaction(caught[i], &sa, NULL);
}

static void block_signals(sigset_t *saved)
{
    sigset_t set;
    size_t i;

    sigemptyset(&set);
    for (i = 0; i < N_CAUGHT; i++)
        sigaddset(&set, caught[i]);
    sigprocmask(SIG_BLOCK, &set, saved);
}

static void restore_signals(const sigset_t *saved)
{
    sigprocmask(SIG_SETMASK, saved, NULL);
}

/* Add (tmp != NULL) or remove (old != NULL) an entry of `pending`; signals
 * must be blocked. 0, or -1 when the list is full. */
static int pending_swap(const char *old, const char *tmp)
{
    size_t i;

    for (i = 0; i < MAX_PENDING; i++) {
        if (pending[i] == old) {
            pending[i] = tmp;
            return 0;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------------ */
/* The files of the command                                                   */

typedef enum file_role { ROLE_INPUT, ROLE_PLANNED } file_role;

typedef struct known_file {
    file_role role;
    int have_id;  /* dev and ino are those of an existing file */
    dev_t dev;
    ino_t ino;
    char *canon;  /* absolute path without links, or NULL */
    char *name;   /* as given, for messages */
} known_file;

static known_file *known;
static size_t n_known, known_cap;

typedef struct file_id {
    int have_id;
    dev_t dev;
    ino_t ino;
    char *canon;
} file_id;

/* The identity of path: device and inode when it exists (st, never of a
 * link itself), and its canonical path, for a file that does not exist yet
 * (st NULL) that of its folder plus its name. */
static void identify(const char *path, const struct stat *st, file_id *id)
{
    const char *slash = strrchr(path, '/');

    id->have_id = st != NULL;
    if (st != NULL) {
        id->dev = st->st_dev;
        id->ino = st->st_ino;
    }
    id->canon = NULL;
    if (st != NULL) {
        id->canon = realpath(path, NULL);
    } else {
        char *dir = mlq_strdup(slash == NULL ? "." : path);
        char *real = NULL;
        const char *base = slash == NULL ? path : slash + 1;
        if (dir != NULL && slash != NULL)
            dir[slash == path ? 1 : slash - path] = '\0';
        if (dir != NULL)
            real = realpath(dir, NULL);
        if (real != NULL && (id->canon = malloc(strlen(real) + strlen(base) + 2)) != NULL)
            sprintf(id->canon, "%s/%s", real, base);
        free(dir);
        free(real);
    }
}

static int same_file(const known_file *k, const file_id *id)
{
    if (k->have_id && id->have_id)
        return k->dev == id->dev && k->ino == id->ino;
    return k->canon != NULL && id->canon != NULL && strcmp(k->canon, id->canon) == 0;
}

/* Add path with its identity (which it takes over). 0, or -1 when memory is short. */
static int remember(file_role role, const char *path, file_id *id)
{
    known_file *k;

    if (n_known == known_cap) {
        size_t cap = known_cap != 0 ? known_cap * 2 : 8;
        k = mlq_realloc(known, cap, sizeof *k);
        if (k == NULL)
            return -1;
        known = k;
        known_cap = cap;
    }
    k = &known[n_known];
    k->name = mlq_strdup(path);
    if (k->name == NULL)
        return -1;
    k->role = role;
    k->have_id = id->have_id;
    k->dev = id->dev;
    k->ino = id->ino;
    k->canon = id->canon;
    id->canon = NULL;
    n_known++;
    return 0;
}

void mlq_out_reset(void)
{
    size_t i;

    for (i = 0; i < n_known; i++) {
        free(known[i].canon);
        free(known[i].name);
    }
    free(known);
    known = NULL;
    n_known = known_cap = 0;
}

int mlq_out_protect(const char *path, mlq_err *err)
{
    struct stat st;
    file_id id;

    if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
        return 0; /* nothing there to overwrite; reading it reports the problem */
    identify(path, &st, &id);
    if (remember(ROLE_INPUT, path, &id) != 0) {
        free(id.canon);
        return mlq_err_set(err, path, 0, "out of memory");
    }
    return 0;
}

static const char *kind_of(mode_t mode)
{
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    return "of an unknown kind";
}

/* Whether mlq may write path: a new file or a regular one that is not an
 * input of the command, nor, when `planned` (mlq_out_check, which then
 * adds it), another planned output. *st is filled and *exists set. 0, or -1
 * with err set. */
static int check_target(const char *path, int planned, struct stat *st, int *exists, mlq_err *err)
{
    file_id id;
    size_t i;
    int rc = 0;

    if (path[0] == '\0')
        return mlq_err_set(err, NULL, 0, "an output file name is empty");
    *exists = lstat(path, st) == 0;
    if (*exists && S_ISLNK(st->st_mode))
        return mlq_err_set(err, path, 0,
                           "is a symbolic link: mlq does not write through links (name the file itself)");
    if (*exists && S_ISDIR(st->st_mode))
        return mlq_err_set(err, path, 0, "is a directory");
    if (*exists && !S_ISREG(st->st_mode))
        return mlq_err_set(err, path, 0,
                           "is %s, not a regular file (mlq writes regular files, or '-' for standard output)",
                           kind_of(st->st_mode));
    identify(path, *exists ? st : NULL, &id);
    for (i = 0; i < n_known && rc == 0; i++) {
        if (!same_file(&known[i], &id))
            continue;
        if (known[i].role == ROLE_INPUT)
            rc = mlq_err_set(err, path, 0, "would overwrite the input file %s", known[i].name);
        else if (planned)
            rc = mlq_err_set(err, path, 0, "would overwrite %s, another output of this command", known[i].name);
    }
    if (rc == 0 && planned && remember(ROLE_PLANNED, path, &id) != 0)
        rc = mlq_err_set(err, path, 0, "out of memory");
    free(id.canon);
    return rc;
}

int mlq_out_check(const char *path, mlq_err *err)
{
    struct stat st;
    int exists;

    if (strcmp(path, "-") == 0)
        return 0;
    return check_target(path, 1, &st, &exists, err);
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                    */

/* PATH.tmpXXXXXX, the name shortened so that it stays within NAME_MAX. */
static char *temp_name(const char *path)
{
    static const char suffix[] = ".tmpXXXXXX";
    const char *slash = strrchr(path, '/');
    size_t dir = slash == NULL ? 0 : (size_t)(slash - path) + 1;
    size_t base = strlen(path + dir);
    char *tmp;

    if (base > NAME_MAX - (sizeof suffix - 1))
        base = NAME_MAX - (sizeof suffix - 1);
    tmp = malloc(dir + base + sizeof suffix);
    if (tmp != NULL) {
        memcpy(tmp, path, dir + base);
        memcpy(tmp + dir + base, suffix, sizeof suffix);
    }
    return tmp;
}

/* The permissions of the new file: those of the file it replaces, else
 * 0666 less the umask. */
static mode_t new_mode(const struct stat *st, int exists)
{
    mode_t mask;

    if (exists)
        return st->st_mode & 0777;
    mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

int mlq_out_open(mlq_outfile *out, const char *path, mlq_err *err)
{
    struct stat st;
    sigset_t saved;
    int fd, exists, e;

    out->f = NULL;
    out->path = NULL;
    out->tmp = NULL;
    if (strcmp(path, "-") == 0) {
        out->f = stdout;
        return 0;
    }
    if (check_target(path, 0, &st, &exists, err) != 0)
        return -1;
    out->path = mlq_strdup(path);
    out->tmp = temp_name(path);
    if (out->path == NULL || out->tmp == NULL) {
        mlq_out_abort(out);
        return mlq_err_set(err, path, 0, "out of memory");
    }
    install_handlers();
    block_signals(&saved);
    fd = mkstemp(out->tmp);
    e = errno;
    if (fd >= 0 && pending_swap(NULL, out->tmp) != 0) {
        unlink(out->tmp);
        close(fd);
        fd = -1;
        e = EMFILE;
    }
    restore_signals(&saved);
    if (fd < 0) {
        free(out->tmp);
        out->tmp = NULL;
        mlq_out_abort(out);
        return mlq_err_set(err, path, 0, "cannot create output file: %s", strerror(e));
    }
    if (fd <= STDERR_FILENO) {
        /* stdin, stdout or stderr was closed: keep the file off them, or
         * what the program prints there would land in it. */
        int high = fcntl(fd, F_DUPFD, STDERR_FILENO + 1);
        close(fd);
        fd = high;
        if (fd < 0) {
            e = errno;
            mlq_out_abort(out);
            return mlq_err_set(err, path, 0, "cannot open output file: %s", strerror(e));
        }
    }
    (void)fchmod(fd, new_mode(&st, exists)); /* on failure the file stays private (0600) */
    out->f = fdopen(fd, "w");
    if (out->f == NULL) {
        e = errno;
        close(fd);
        mlq_out_abort(out);
        return mlq_err_set(err, path, 0, "cannot open output file: %s", strerror(e));
    }
    return 0;
}

int mlq_out_commit(mlq_outfile *out, mlq_err *err)
{
    sigset_t saved;
    int failed, e = 0;

    if (out->path == NULL) { /* stdout */
        if (fflush(stdout) != 0 || ferror(stdout))
            return mlq_err_set(err, "<stdout>", 0, "write failed: %s", strerror(errno));
        return 0;
    }
    errno = 0;
    failed = fflush(out->f) != 0 || ferror(out->f);
    if (failed)
        e = errno != 0 ? errno : EIO;
    if (fclose(out->f) != 0 && !failed)
        failed = 1, e = errno;
    out->f = NULL;
    block_signals(&saved);
    if (!failed && rename(out->tmp, out->path) != 0)
        failed = 1, e = errno;
    if (!failed)
        pending_swap(out->tmp, NULL);
    restore_signals(&saved);
    if (failed) {
        mlq_err_set(err, out->path, 0, "cannot write output file: %s", strerror(e));
        mlq_out_abort(out);
        return -1;
    }
    free(out->tmp);
    free(out->path);
    out->tmp = NULL;
    out->path = NULL;
    return 0;
}

void mlq_out_abort(mlq_outfile *out)
{
    sigset_t saved;

    if (out->f != NULL && out->f != stdout)
        fclose(out->f);
    out->f = NULL;
    if (out->tmp != NULL) {
        block_signals(&saved);
        unlink(out->tmp);
        pending_swap(out->tmp, NULL);
        restore_signals(&saved);
    }
    free(out->tmp);
    free(out->path);
    out->tmp = NULL;
    out->path = NULL;
}

int mlq_stdout_close(mlq_err *err)
{
    int failed = ferror(stdout) != 0, e = 0;

    errno = 0;
    if (fflush(stdout) != 0)
        failed = 1, e = errno;
    if (fclose(stdout) != 0 && !failed && errno != EBADF)
        failed = 1, e = errno;
    if (!failed)
        return 0;
    return mlq_err_set(err, "<stdout>", 0, "write failed: %s", e != 0 ? strerror(e) : "I/O error");
}
