/* SPDX-License-Identifier: MIT */
/*
 * mlq select --measure: the best candidates, trained on every row, run on
 * the emulated board through the firmware runner (examples/firmware/run
 * bench), for their measured flash, stack and instructions (select.h).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "algo.h"
#include "export.h"
#include "select.h"

/* The temporary folder's path, and the paths of the files in it. */
enum { TMP_LEN = 1024, FILE_LEN = TMP_LEN + 64 };

int sel_runner(char *buf, size_t n, mlq_err *err)
{
    static const char *const rel[] = {"/../examples/firmware/run", "/../../examples/firmware/run"};
    const char *env = getenv("MLQ_RUNNER");
    char exe[PATH_MAX];
    ssize_t len;
    size_t i;

    if (env != NULL && *env != '\0') {
        snprintf(buf, n, "%s", env);
        if (access(buf, X_OK) == 0)
            return 0;
        return mlq_err_set(err, NULL, 0, "select: --measure: MLQ_RUNNER=%s: %s", env,
                           access(buf, F_OK) == 0 ? "not executable" : "no such file");
    }
    len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        *strrchr(exe, '/') = '\0'; /* readlink gives an absolute path: there is a '/' */
        for (i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            snprintf(buf, n, "%s%s", exe, rel[i]);
            if (access(buf, X_OK) != 0)
                continue;
            setenv("BUILD", exe, 0); /* the runner's tools and caches beside this mlq */
            return 0;
        }
    }
    return mlq_err_set(err, NULL, 0,
                       "select: --measure: cannot find the firmware runner examples/firmware/run next to this "
                       "mlq (../ or ../../ from its folder): set MLQ_RUNNER to its path");
}

/* Run argv (the runner) with stdout into out and stderr into errf (files of dir). The exit status, or -1. */
static int run(char *const *argv, const char *out, const char *errf)
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600), fe = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (fo < 0 || fe < 0 || dup2(fo, STDOUT_FILENO) < 0 || dup2(fe, STDERR_FILENO) < 0)
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The last non-empty line of file into buf of n ("" when none). */
static void last_line(const char *file, char *buf, size_t n)
{
    FILE *f = fopen(file, "r");
    char line[512];

    buf[0] = '\0';
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '\0')
            snprintf(buf, n, "%s", line);
    }
    if (f != NULL)
        fclose(f);
}

/* Field `name` of the runner's bench line ("mlq-bench name=... flash_bytes=..."); -1 when absent. */
static double field(const char *line, const char *name)
{
    size_t len = strlen(name);
    const char *p = line;

    while ((p = strstr(p, name)) != NULL) {
        if ((p == line || p[-1] == ' ') && p[len] == '=')
            return strtod(p + len + 1, NULL);
        p += len;
    }
    return -1;
}

/* The runner with args; 0, or -1 with err naming what failed and the runner's last words. */
static int runner(const char *tmp, char **argv, const char *what, mlq_err *err)
{
    char out[FILE_LEN], errf[FILE_LEN], why[512];
    int st;

    snprintf(out, sizeof out, "%s/out.txt", tmp);
    snprintf(errf, sizeof errf, "%s/err.txt", tmp);
    st = run(argv, out, errf);
    if (st == 0)
        return 0;
    last_line(errf, why, sizeof why);
    return mlq_err_set(err, NULL, 0, "select: --measure: %s: the firmware runner failed (exit status %d)%s%s", what,
                       st, why[0] != '\0' ? ": " : "", why);
}

/* Candidate c trained on every row, exported to tmp/sel_N.h, run on the board: into *m. 0, or -1 with err. */
static int measure_one(const sel_result *r, char *run_path, const char *tmp, char *rows, size_t rank,
                       const sel_cand *c, sel_measured *m, mlq_err *err)
{
    const mlq_algo *algo;
    cJSON *hyper;
    mlq_model model = {0};
    mlq_device dev = {0};
    char header[FILE_LEN], name[32], what[160], line[1024], out[FILE_LEN], board[32];
    char *argv[] = {run_path, "bench", "--board", board, "--header", header, "--name", name, "--input", rows, NULL};
    FILE *f;
    int rc = -1;

    snprintf(name, sizeof name, "select_%zu", rank);
    snprintf(header, sizeof header, "%s/%s.h", tmp, name);
    snprintf(what, sizeof what, "%s %s", c->algo, c->opts);
    snprintf(board, sizeof board, "%s", r->s->board->name);
    if (sel_hyper(c, &algo, &hyper, err) != 0)
        return -1;
    if (cv_train_all(r->s, algo, hyper, &model, &dev, err) == 0 &&
        mlq_export_header(&dev, name, header, NULL, err) == 0 && runner(tmp, argv, what, err) == 0) {
        snprintf(out, sizeof out, "%s/out.txt", tmp);
        line[0] = '\0';
        if ((f = fopen(out, "r")) != NULL) {
            while (fgets(line, sizeof line, f) != NULL && strncmp(line, "mlq-bench ", 10) != 0)
                line[0] = '\0';
            fclose(f);
        }
        m->flash = field(line, "flash_bytes");
        m->stack = field(line, "stack_bytes");
        m->insns = field(line, strcmp(r->s->board->core, "avr") == 0 ? "cycles_per_inference" : "insn_per_inference");
        if (m->flash < 0 || m->stack < 0 || m->insns < 0)
            mlq_err_set(err, NULL, 0, "select: --measure: %s: no bench line from the firmware runner", what);
        else
            rc = 0;
    }
    remove(header);
    mlq_device_free(&dev);
    mlq_model_free(&model);
    cJSON_Delete(hyper);
    return rc;
}

long sel_measure(const sel_result *r, size_t top, sel_measured *meas, mlq_err *err)
{
    const char *base = getenv("TMPDIR");
    char run_path[PATH_MAX], tmp[TMP_LEN], rows[FILE_LEN], file[FILE_LEN], *data, *col;
    char *argv[] = {run_path, "rows", "csv", NULL, "--out", rows, NULL, NULL, NULL};
    size_t i, n = 0;
    long rc = 0;

    if (sel_runner(run_path, sizeof run_path, err) != 0)
        return -1;
    data = mlq_strdup(r->data);
    col = mlq_strdup(r->d->label_name);
    if (data == NULL || col == NULL) {
        free(data);
        free(col);
        return mlq_err_set(err, NULL, 0, "out of memory");
    }
    if (base == NULL || *base == '\0' || strlen(base) > TMP_LEN - 32)
        base = "/tmp";
    snprintf(tmp, sizeof tmp, "%s/mlq-select-XXXXXX", base);
    if (mkdtemp(tmp) == NULL) {
        free(data);
        free(col);
        return mlq_err_set(err, tmp, 0, "cannot create a temporary folder: %s", strerror(errno));
    }
    snprintf(rows, sizeof rows, "%s/rows.bin", tmp);
    argv[3] = data;
    argv[6] = r->d->t != NULL ? "--target" : "--label";
    argv[7] = col;
    if (runner(tmp, argv, "rows of the data", err) != 0)
        rc = -1;
    for (i = 0; rc == 0 && i < r->n && n < top; i++) {
        if (!sel_fits(&r->c[r->order[i]]))
            break;
        meas[n].cand = r->order[i];
        if (measure_one(r, run_path, tmp, rows, i + 1, &r->c[r->order[i]], &meas[n], err) != 0)
            rc = -1;
        n++;
    }
    remove(rows);
    snprintf(file, sizeof file, "%s/out.txt", tmp);
    remove(file);
    snprintf(file, sizeof file, "%s/err.txt", tmp);
    remove(file);
    rmdir(tmp);
    free(data);
    free(col);
    return rc == 0 ? (long)n : -1;
}
