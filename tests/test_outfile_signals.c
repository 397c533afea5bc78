/* SPDX-License-Identifier: MIT */
/*
 * test_outfile_signals.c -- no temporary file of trainers/outfile.c after
 * a signal (each one caught, in a child process, SIGXFSZ also from a real
 * file size limit), an ignored signal or a program's own handler left
 * alone, a full list of pending files, a closed stdout kept apart from the
 * file, and mlq_stdout_close on a full disk, a closed pipe, a closed
 * descriptor.
 */
#define _XOPEN_SOURCE 700
#include "outfile_test.h"

/* ------------------------------------------------------------------------ */
/* Signals                                                                    */

/* In a child: start writing a file, let `act` stop it, and report how the
 * child ended. The folder must be empty afterwards. */
static int child_status(void (*act)(mlq_outfile *, const char *))
{
    char path[PATH_BUF];
    pid_t pid;
    int status;

    in_dir(path, "sig.txt");
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        mlq_outfile out;
        mlq_err err;
        if (mlq_out_open(&out, path, &err) != 0)
            _exit(90);
        fputs("partial\n", out.f);
        fflush(out.f);
        act(&out, path);
        /* Still here: finish the file. */
        _exit(mlq_out_commit(&out, &err) == 0 ? 0 : 91);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static int the_signal;

static void raise_it(mlq_outfile *out, const char *path)
{
    (void)out;
    (void)path;
    raise(the_signal);
}

static void test_signal_leaves_no_temporary_file(void **state)
{
    static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGXFSZ};
    struct rlimit core = {0, 0};
    size_t i;
    int status;

    (void)state;
    setrlimit(RLIMIT_CORE, &core); /* SIGQUIT and SIGXFSZ would dump core */
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        the_signal = sigs[i];
        status = child_status(raise_it);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), sigs[i]);
        assert_int_equal(dir_entries(dir), 0);
    }
}

/* A write past the file size limit: the kernel's own SIGXFSZ. */
static void exceed_size_limit(mlq_outfile *out, const char *path)
{
    struct rlimit small = {4096, 4096};
    static char block[65536];

    (void)path;
    memset(block, 'x', sizeof block);
    setrlimit(RLIMIT_FSIZE, &small);
    fwrite(block, 1, sizeof block, out->f);
    fflush(out->f);
}

static void test_size_limit_leaves_no_temporary_file(void **state)
{
    int status;

    (void)state;
    status = child_status(exceed_size_limit);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGXFSZ);
    assert_int_equal(dir_entries(dir), 0);
}

static volatile sig_atomic_t own_handler_ran;

static void own_handler(int sig)
{
    (void)sig;
    own_handler_ran = 1;
}

/* Ignored before the first open: still ignored; a program's own handler stays. */
static void ignored_and_own(mlq_outfile *out, const char *path)
{
    (void)out;
    if (access(path, F_OK) == 0) /* not renamed yet */
        _exit(92);
    raise(SIGTERM);
    raise(SIGHUP);
    if (!own_handler_ran)
        _exit(93);
}

static void test_ignored_signal_and_own_handler_stay(void **state)
{
    struct sigaction sa, old_term, old_hup;
    char path[PATH_BUF];
    int status;

    (void)state;
    /* Set here, inherited by the child before its first mlq_out_open: this
     * test runs first, so that no mlq_out_open of this process has looked
     * at the signals yet. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGTERM, &sa, &old_term);
    sa.sa_handler = own_handler;
    sigaction(SIGHUP, &sa, &old_hup);
    status = child_status(ignored_and_own);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    in_dir(path, "sig.txt");
    assert_file(path, "partial\n");
    assert_int_equal(unlink(path), 0);
}

static void test_too_many_pending_files(void **state)
{
    char path[PATH_BUF], want[3 * PATH_BUF];
    mlq_outfile out[17];
    mlq_err err;
    size_t i;

    (void)state;
    for (i = 0; i < 16; i++) {
        char name[8];
        snprintf(name, sizeof name, "f%zu", i);
        in_dir(path, name);
        assert_int_equal(mlq_out_open(&out[i], path, &err), 0);
    }
    in_dir(path, "f16");
    assert_int_equal(mlq_out_open(&out[16], path, &err), -1);
    snprintf(want, sizeof want, "%s: cannot create output file: %s", path, strerror(EMFILE));
    assert_string_equal(err.msg, want);
    assert_int_equal(dir_entries(dir), 16);
    for (i = 0; i < 16; i++)
        mlq_out_abort(&out[i]);
    assert_int_equal(dir_entries(dir), 0);
    /* The slots are free again. */
    assert_int_equal(write_out(path, "ok\n", &err), 0);
}

/* With stdout closed, the file must not take descriptor 1 (or what the
 * program prints would land in it); with no descriptor above 2 left, the
 * open fails cleanly. In a child; its exit code says what went wrong. */
static void test_closed_stdout_keeps_file_apart(void **state)
{
    char path[PATH_BUF], want[3 * PATH_BUF];
    int status, limit;
    pid_t pid;

    (void)state;
    in_dir(path, "fd.txt");
    for (limit = 0; limit < 2; limit++) {
        fflush(NULL);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            struct rlimit four = {4, 4};
            mlq_outfile out;
            mlq_err err;
            int r;
            close(STDOUT_FILENO);
            if (limit) { /* descriptors 0..3 only, and 3 taken */
                dup2(STDERR_FILENO, 3);
                setrlimit(RLIMIT_NOFILE, &four);
            }
            r = mlq_out_open(&out, path, &err);
            if (limit) {
                snprintf(want, sizeof want, "%s: cannot open output file: %s", path, strerror(EMFILE));
                _exit(r == -1 && strcmp(err.msg, want) == 0 ? 0 : 94);
            }
            if (r != 0)
                _exit(95);
            printf("printed\n");
            fflush(stdout);
            fputs("file\n", out.f);
            _exit(mlq_out_commit(&out, &err) == 0 ? 0 : 96);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_file(path, "file\n");
    assert_int_equal(dir_entries(dir), 1);
}

/* ------------------------------------------------------------------------ */
/* Standard output                                                            */

/* In a child whose stdout is fd (or closed when fd < 0) and SIGPIPE ignored:
 * print text (if any), then mlq_stdout_close; the message (or "ok") comes
 * back through a pipe. */
static void stdout_close_in_child(int fd, const char *text, char msg[1100])
{
    int p[2], status;
    ssize_t n;
    pid_t pid;

    assert_int_equal(pipe(p), 0);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        mlq_err err;
        const char *m;
        close(p[0]);
        signal(SIGPIPE, SIG_IGN);
        if (fd >= 0)
            dup2(fd, STDOUT_FILENO);
        else
            close(STDOUT_FILENO);
        if (text != NULL)
            fputs(text, stdout);
        m = mlq_stdout_close(&err) == 0 ? "ok" : err.msg;
        if (write(p[1], m, strlen(m)) < 0)
            _exit(1);
        _exit(0);
    }
    close(p[1]);
    n = read(p[0], msg, 1099);
    assert_true(n > 0);
    msg[n] = '\0';
    close(p[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
}

static void test_stdout_close(void **state)
{
    char msg[1100], want[200];
    int full = open("/dev/full", O_WRONLY), p[2];

    (void)state;
    assert_true(full >= 0);
    stdout_close_in_child(full, "text\n", msg);
    snprintf(want, sizeof want, "<stdout>: write failed: %s", strerror(ENOSPC));
    assert_string_equal(msg, want);
    /* Nothing written: nothing lost. */
    stdout_close_in_child(full, NULL, msg);
    assert_string_equal(msg, "ok");
    close(full);

    /* A pipe nobody reads, SIGPIPE ignored. */
    assert_int_equal(pipe(p), 0);
    close(p[0]);
    stdout_close_in_child(p[1], "text\n", msg);
    snprintf(want, sizeof want, "<stdout>: write failed: %s", strerror(EPIPE));
    assert_string_equal(msg, want);
    close(p[1]);

    /* A closed descriptor: an error only when something was written. */
    stdout_close_in_child(-1, "text\n", msg);
    snprintf(want, sizeof want, "<stdout>: write failed: %s", strerror(EBADF));
    assert_string_equal(msg, want);
    stdout_close_in_child(-1, NULL, msg);
    assert_string_equal(msg, "ok");

    /* A good file. */
    {
        char path[PATH_BUF];
        int fd;
        in_dir(path, "stdout.txt");
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0);
        stdout_close_in_child(fd, "fine\n", msg);
        assert_string_equal(msg, "ok");
        close(fd);
        assert_file(path, "fine\n");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* First: before any mlq_out_open of this process. */
        cmocka_unit_test_setup_teardown(test_ignored_signal_and_own_handler_stay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signal_leaves_no_temporary_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_size_limit_leaves_no_temporary_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_pending_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closed_stdout_keeps_file_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stdout_close, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
