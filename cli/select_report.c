/* SPDX-License-Identifier: MIT */
/* mlq select: the table, the Pareto fronts, the choice and the measurements, as text or JSON (select.h). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "select.h"

static int is_avr(const cv_setup *s)
{
    return strcmp(s->board->core, "avr") == 0;
}

/* "62.32%" for a share, "0.4512" for an R^2 (regress). */
static char *metric_text(char *buf, size_t n, double v, int regress)
{
    return cv_fmt(buf, n, regress ? "%.4f" : "%.2f%%", regress ? v : 100.0 * v);
}

static void print_head(const sel_result *r)
{
    const cv_setup *s = r->s;
    int regress = r->d->t != NULL;
    size_t i, failed = 0;

    printf("select      %s: %zu rows, ", r->data, r->d->n_rows);
    if (regress)
        printf("target '%s'; %zu folds, seed %lu", r->d->label_name, s->k, s->seed);
    else
        printf("%zu classes; %zu folds stratified by class, seed %lu", r->d->n_classes, s->k, s->seed);
    if (r->groups != NULL)
        printf("; grouped by %s (%zu groups)", r->groups, r->g->n_groups);
    printf("\ntarget      %s, %s: at most %zu bytes of flash and %zu of SRAM", s->board->name, s->board->desc,
           sel_flash_budget(s), sel_sram_budget(s));
    if (s->insns_budget > 0)
        printf(", %.0f %s per inference", s->insns_budget, is_avr(s) ? "cycles" : "instructions");
    for (i = 0; i < r->n; i++)
        failed += r->c[i].tried && r->c[i].error[0] != '\0';
    printf("\ncandidates  %zu of %zu tried, %zu fit, %zu failed%s\n\n", r->n_tried, r->n, r->n_fit, failed,
           r->stopped ? " (--time ran out)" : "");
}

static void print_row(const sel_result *r, size_t i, size_t rank)
{
    const sel_cand *c = &r->c[i];
    int regress = r->d->t != NULL;
    char v[8][32];

    if (rank > 0)
        snprintf(v[0], sizeof v[0], "%zu", rank);
    else
        snprintf(v[0], sizeof v[0], "-");
    metric_text(v[1], sizeof v[1], c->mean.device, regress);
    cv_fmt(v[2], sizeof v[2], regress ? "%.4f" : "%.2f", regress ? c->sd.device : 100.0 * c->sd.device);
    metric_text(v[3], sizeof v[3], c->mean.host, regress);
    cv_fmt(v[4], sizeof v[4], "%.0f", c->cost.flash);
    cv_fmt(v[5], sizeof v[5], "%.0f", c->cost.sram);
    cv_fmt(v[6], sizeof v[6], "%.0f", c->cost.stack);
    cv_fmt(v[7], sizeof v[7], "%.0f", c->cost.insns);
    printf("%4s %8s %7s %8s %7s %6s %6s %9s  %s %s%s%s\n", v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], c->algo,
           c->opts, c->cost.fits ? "" : ": ", c->cost.fits ? "" : c->cost.why);
}

static void print_front(const sel_result *r, const size_t *front, size_t n, int by_insns)
{
    int regress = r->d->t != NULL;
    size_t i;

    printf("\nPareto front, device %s against %s (candidates that fit):\n", cv_metric(regress),
           by_insns ? (is_avr(r->s) ? "cycles" : "instructions") : "flash");
    if (n == 0)
        puts(by_insns ? "  (no instruction estimates)" : "  (none)");
    for (i = 0; i < n; i++) {
        const sel_cand *c = &r->c[front[i]];
        char m[32];

        printf("  %8s %9.0f %s  %s %s\n", metric_text(m, sizeof m, c->mean.device, regress),
               by_insns ? c->cost.insns : c->cost.flash, by_insns ? (is_avr(r->s) ? "cycles" : "instr") : "bytes",
               c->algo, c->opts);
    }
}

static void print_measured(const sel_result *r, const sel_measured *meas, size_t n)
{
    size_t i;

    printf("\nmeasured on %s (examples/firmware/run bench, the %zu rows of %s) against the estimates:\n",
           r->s->board->name, r->d->n_rows, r->data);
    printf("%4s %7s %8s %7s %6s %6s %9s %9s %7s  %s\n", "rank", "flash", "measured", "diff", "SRAM", "stack",
           is_avr(r->s) ? "cycles" : "instr", "measured", "diff", "candidate");
    for (i = 0; i < n; i++) {
        const sel_cand *c = &r->c[meas[i].cand];
        char d1[16], d2[16], ins[32];

        cv_fmt(d1, sizeof d1, "%+.1f%%", 100.0 * (c->cost.flash - meas[i].flash) / meas[i].flash);
        cv_fmt(d2, sizeof d2, "%+.1f%%", 100.0 * (c->cost.insns - meas[i].insns) / meas[i].insns);
        cv_fmt(ins, sizeof ins, "%.0f", c->cost.insns);
        printf("%4zu %7.0f %8.0f %7s %6.0f %6.0f %9s %9.1f %7s  %s %s\n", i + 1, c->cost.flash, meas[i].flash, d1,
               c->cost.sram, meas[i].stack, ins, meas[i].insns, d2, c->algo, c->opts);
    }
    puts("(stack: measured by painting, the call's input row included, as the SRAM estimate counts it)");
}

void sel_print_text(const sel_result *r, const char *plot, const sel_measured *meas, size_t n_meas)
{
    int regress = r->d->t != NULL;
    const sel_cand *best = &r->c[r->order[0]];
    size_t i, rank = 0;
    char m[32], sd[32];

    print_head(r);
    printf("%4s %8s %7s %8s %7s %6s %6s %9s  %s\n", "rank", regress ? "dev R^2" : "device", "sd",
           regress ? "host R^2" : "host", "flash", "SRAM", "stack", is_avr(r->s) ? "cycles" : "instr", "candidate");
    for (i = 0; i < r->n; i++) {
        const sel_cand *c = &r->c[r->order[i]];

        if (c->tried && c->error[0] == '\0')
            print_row(r, r->order[i], sel_fits(c) ? ++rank : 0);
        else if (c->tried)
            printf("%4s %s %s: %s\n", "-", c->algo, c->opts, c->error);
        else
            printf("%4s %s %s: not tried (--time)\n", "-", c->algo, c->opts);
    }
    printf("\n(%s: the mean over the folds of the device code's %s on the held-out rows, and its\n"
           "standard deviation; costs: the model trained on every row, estimated for %s)\n",
           regress ? "dev R^2" : "device", cv_metric(regress), r->s->board->name);
    print_front(r, r->front_flash, r->n_front_flash, 0);
    print_front(r, r->front_insns, r->n_front_insns, 1);
    printf("\nchosen      %s %s: device %s %s (sd %s) over %zu folds, %.0f bytes of flash\n", best->algo, best->opts,
           cv_metric(regress), metric_text(m, sizeof m, best->mean.device, regress),
           cv_fmt(sd, sizeof sd, regress ? "%.4f" : "%.2f", regress ? best->sd.device : 100.0 * best->sd.device),
           r->s->k, best->cost.flash);
    if (plot != NULL)
        printf("picture     %s\n", plot);
    if (n_meas > 0)
        print_measured(r, meas, n_meas);
}

/* ---- JSON --------------------------------------------------------------------------- */

static void json_cand(cJSON *o, const sel_cand *c, size_t rank, int regress)
{
    cli_json_str(o, "algorithm", c->algo);
    cli_json_str(o, "options", c->opts);
    if (rank > 0)
        cli_json_num(o, "rank", (double)rank);
    else
        cli_json_str(o, "rank", NULL);
    cli_json_bool(o, "tried", c->tried);
    cli_json_str(o, "error", c->error[0] != '\0' ? c->error : NULL);
    if (!c->tried || c->error[0] != '\0')
        return;
    cli_json_round(o, "device_mean", c->mean.device);
    cli_json_round(o, "device_sd", c->sd.device);
    cli_json_round(o, "host_mean", c->mean.host);
    cli_json_round(o, "host_sd", c->sd.host);
    if (regress) {
        cli_json_round(o, "device_mae_mean", c->mean.device_mae);
        cli_json_round(o, "host_mae_mean", c->mean.host_mae);
    }
    cli_json_round(o, regress ? "p99_diff_of_range_mean" : "agreement_mean", c->mean.agreement);
    cli_json_round(o, "flash", c->cost.flash);
    cli_json_round(o, "sram", c->cost.sram);
    cli_json_round(o, "stack", c->cost.stack);
    cli_json_round(o, "insns", c->cost.insns);
    cli_json_bool(o, "fits", c->cost.fits);
    cli_json_str(o, "why", c->cost.why[0] != '\0' ? c->cost.why : NULL);
}

/* Candidates i[n] as "ALGO OPTIONS" strings under key. */
static void json_names(cJSON *doc, const char *key, const sel_result *r, const size_t *idx, size_t n)
{
    cJSON *a = cli_json_arr(doc, key);
    size_t i;

    for (i = 0; i < n; i++) {
        char name[160];

        snprintf(name, sizeof name, "%s %s", r->c[idx[i]].algo, r->c[idx[i]].opts);
        cli_json_str(a, NULL, name);
    }
}

int sel_print_json(const sel_result *r, const char *plot, const sel_measured *meas, size_t n_meas, mlq_err *err)
{
    const cv_setup *s = r->s;
    int regress = r->d->t != NULL;
    cJSON *doc = cJSON_CreateObject(), *o, *arr;
    size_t i, rank = 0;

    cli_json_str(doc, "data", r->data);
    cli_json_num(doc, "rows", (double)r->d->n_rows);
    cli_json_str(doc, "task", regress ? "regress" : "classify");
    cli_json_str(doc, "metric", regress ? "r2" : "accuracy");
    cli_json_num(doc, "folds", (double)s->k);
    cli_json_str(doc, "groups", r->groups);
    cli_json_num(doc, "seed", (double)s->seed);
    cli_json_str(doc, "target", s->board->name);
    o = cli_json_obj(doc, "budget");
    cli_json_num(o, "flash", (double)sel_flash_budget(s));
    cli_json_num(o, "sram", (double)sel_sram_budget(s));
    cli_json_num(o, "insns", s->insns_budget > 0 ? s->insns_budget : (double)NAN);
    arr = cli_json_arr(doc, "candidates");
    for (i = 0; i < r->n; i++) {
        const sel_cand *c = &r->c[r->order[i]];

        json_cand(cli_json_obj(arr, NULL), c, sel_fits(c) ? ++rank : 0, regress);
    }
    o = cli_json_obj(doc, "chosen");
    json_cand(o, &r->c[r->order[0]], 1, regress);
    json_names(doc, "pareto_flash", r, r->front_flash, r->n_front_flash);
    json_names(doc, "pareto_insns", r, r->front_insns, r->n_front_insns);
    cli_json_num(doc, "tried", (double)r->n_tried);
    cli_json_bool(doc, "stopped", r->stopped);
    cli_json_str(doc, "plot", plot);
    arr = cli_json_arr(doc, "measured");
    for (i = 0; i < n_meas; i++) {
        const sel_cand *c = &r->c[meas[i].cand];

        o = cli_json_obj(arr, NULL);
        cli_json_str(o, "algorithm", c->algo);
        cli_json_str(o, "options", c->opts);
        cli_json_num(o, "flash", meas[i].flash);
        cli_json_num(o, "flash_estimate", c->cost.flash);
        cli_json_num(o, "stack", meas[i].stack);
        cli_json_num(o, "sram_estimate", c->cost.sram);
        cli_json_num(o, "insns", meas[i].insns);
        cli_json_num(o, "insns_estimate", c->cost.insns);
    }
    return cli_json_print(doc, err);
}
