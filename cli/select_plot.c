/* SPDX-License-Identifier: MIT */
/*
 * mlq select --plot: device accuracy against flash as an SVG picture
 * (select.h). Flash on a logarithmic axis, every candidate tried a circle in
 * its algorithm's colour, filled when it fits, the chosen one ringed, the
 * flash budget a dashed vertical line (id "budget"); each circle's title
 * names the candidate.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "select.h"

enum { W = 760, H = 480, LEFT = 80, RIGHT = 190, TOP = 50, BOTTOM = 60 };

static const struct {
    const char *algo, *colour;
} colours[] = {{"linear", "#1f77b4"}, {"tree", "#2ca02c"}, {"forest", "#17becf"},
               {"gmm", "#9467bd"},    {"svm", "#ff7f0e"},  {"mlp", "#d62728"}};

enum { N_COLOURS = sizeof colours / sizeof colours[0] };

static const char *colour_of(const char *algo)
{
    size_t i;

    for (i = 0; i < N_COLOURS; i++)
        if (strcmp(colours[i].algo, algo) == 0)
            return colours[i].colour;
    return "#7f7f7f";
}

/* text with &, <, >, " and ' as entities, and bytes below 0x20 as spaces. */
static void put_text(FILE *f, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    for (; *p != '\0'; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(*p < 0x20 ? ' ' : *p, f);
        }
    }
}

/* The ranges of the axes: log10 of flash, and the metric (percent for accuracy). */
typedef struct axes {
    double x0, x1, y0, y1;
    double scale; /* 100 for accuracy (percent), 1 for R^2 */
    double step;  /* between the ticks of the metric */
} axes;

static double px(const axes *a, double flash)
{
    return LEFT + (log10(flash) - a->x0) / (a->x1 - a->x0) * (W - LEFT - RIGHT);
}

static double py(const axes *a, double v)
{
    return H - BOTTOM - (a->scale * v - a->y0) / (a->y1 - a->y0) * (H - TOP - BOTTOM);
}

static int plotted(const sel_cand *c)
{
    return c->tried && c->error[0] == '\0' && isfinite(c->cost.flash) && c->cost.flash > 0 && isfinite(c->mean.device);
}

/* The step of the ticks of a span of the metric (scale 100: percent): 1, 2 or 5 times a power of ten, at most 8 a span. */
static double tick_step(double span, double scale)
{
    static const double m[] = {1, 2, 5};
    double p = scale / 1000.0;
    size_t i;

    for (;; p *= 10.0)
        for (i = 0; i < 3; i++)
            if (span / (m[i] * p) <= 8.0)
                return m[i] * p;
}

static void find_axes(const sel_result *r, double budget, axes *a)
{
    double lo = budget, hi = budget, vlo = (double)INFINITY, vhi = -(double)INFINITY;
    size_t i;

    a->scale = r->d->t != NULL ? 1.0 : 100.0;
    for (i = 0; i < r->n; i++) {
        const sel_cand *c = &r->c[i];

        if (!plotted(c))
            continue;
        lo = fmin(lo, c->cost.flash);
        hi = fmax(hi, c->cost.flash);
        vlo = fmin(vlo, a->scale * c->mean.device);
        vhi = fmax(vhi, a->scale * c->mean.device);
    }
    a->x0 = floor(log10(lo) * 4.0) / 4.0 - 0.05;
    a->x1 = ceil(log10(hi) * 4.0) / 4.0 + 0.05;
    if (!isfinite(vlo)) {
        vlo = 0.0;
        vhi = a->scale;
    }
    a->step = tick_step(vhi - vlo, a->scale);
    a->y0 = floor(vlo / a->step) * a->step;
    a->y1 = ceil(vhi / a->step) * a->step;
    if (a->y1 <= a->y0)
        a->y1 = a->y0 + a->step;
}

static void draw_axes(FILE *f, const axes *a, int regress)
{
    double e, v, step = a->step;
    int decimals = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);

    fprintf(f, "<g stroke=\"#000\" fill=\"none\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></g>\n", LEFT, TOP,
            W - LEFT - RIGHT, H - TOP - BOTTOM);
    fputs("<g font-size=\"11\" text-anchor=\"middle\">\n", f);
    for (e = floor(a->x0); e <= a->x1; e++) { /* 1, 2 and 5 times each power of ten */
        static const double m[3] = {1, 2, 5};
        size_t i;

        for (i = 0; i < 3; i++) {
            double x = e + log10(m[i]);

            if (x < a->x0 || x > a->x1)
                continue;
            fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>", px(a, pow(10, x)), TOP,
                    px(a, pow(10, x)), H - BOTTOM);
            fprintf(f, "<text x=\"%.1f\" y=\"%d\">%.0f</text>\n", px(a, pow(10, x)), H - BOTTOM + 16, pow(10, x));
        }
    }
    fputs("</g>\n<g font-size=\"11\" text-anchor=\"end\">\n", f);
    for (v = a->y0; v <= a->y1 + step / 2; v += step) {
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", LEFT, py(a, v / a->scale),
                W - RIGHT, py(a, v / a->scale));
        fprintf(f, "<text x=\"%d\" y=\"%.1f\">%.*f</text>\n", LEFT - 6, py(a, v / a->scale) + 4, decimals, v);
    }
    fprintf(f, "</g>\n<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">flash (bytes, logarithmic)"
               "</text>\n", LEFT + (W - LEFT - RIGHT) / 2, H - 18);
    fprintf(f, "<text transform=\"translate(%d %d) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\">device %s "
               "(mean over the folds%s)</text>\n", 22, TOP + (H - TOP - BOTTOM) / 2, regress ? "R^2" : "accuracy",
            regress ? "" : ", %");
}

static void draw_points(FILE *f, const sel_result *r, const axes *a)
{
    const sel_cand *best = r->n_fit > 0 ? &r->c[r->order[0]] : NULL;
    size_t i;

    for (i = 0; i < r->n; i++) {
        const sel_cand *c = &r->c[i];
        const char *col = colour_of(c->algo);

        if (!plotted(c))
            continue;
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" stroke=\"%s\" fill=\"%s\" class=\"%s\"><title>",
                px(a, c->cost.flash), py(a, c->mean.device), col, sel_fits(c) ? col : "none",
                sel_fits(c) ? "fits" : "too-large");
        fprintf(f, "%s %s: %.4g, %.0f bytes%s", c->algo, c->opts, a->scale * c->mean.device, c->cost.flash,
                sel_fits(c) ? "" : " (does not fit)");
        fputs("</title></circle>\n", f);
    }
    if (best != NULL) {
        fprintf(f, "<circle id=\"chosen\" cx=\"%.1f\" cy=\"%.1f\" r=\"9\" stroke=\"#000\" stroke-width=\"2\" "
                   "fill=\"none\"/>\n", px(a, best->cost.flash), py(a, best->mean.device));
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">ringed, the choice: %s %s, %.4g%s, %.0f bytes</text>\n",
                LEFT, TOP - 8, best->algo, best->opts, a->scale * best->mean.device, a->scale > 1 ? "%" : "",
                best->cost.flash);
    }
}

static void draw_legend(FILE *f, double budget, const char *board)
{
    size_t i;
    int x = W - RIGHT + 16, y = TOP + 10;

    fputs("<g font-size=\"12\">\n", f);
    for (i = 0; i < N_COLOURS; i++, y += 18)
        fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n", x, y,
                colours[i].colour, x + 10, y + 4, colours[i].algo);
    fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" fill=\"#555\"/><text x=\"%d\" y=\"%d\">fits</text>\n", x,
            y + 10, x + 10, y + 14);
    fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" stroke=\"#555\" fill=\"none\"/><text x=\"%d\" y=\"%d\">does "
               "not fit</text>\n", x, y + 28, x + 10, y + 32);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>"
               "<text x=\"%d\" y=\"%d\">flash budget</text>\n", x - 5, y + 46, x + 5, y + 46, x + 10, y + 50);
    fprintf(f, "<text x=\"%d\" y=\"%d\">%.0f bytes (", x + 10, y + 66, budget);
    put_text(f, board);
    fputs(")</text>\n</g>\n", f);
}

int sel_plot(const sel_result *r, const char *path, mlq_err *err)
{
    double budget = (double)sel_flash_budget(r->s);
    mlq_outfile out;
    axes a;

    if (mlq_out_open(&out, path, err) != 0)
        return -1;
    find_axes(r, budget, &a);
    fprintf(out.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                   "font-family=\"sans-serif\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<title>",
            W, H, W, H, W, H);
    fputs("mlq select: ", out.f);
    put_text(out.f, r->data);
    fprintf(out.f, "</title>\n<text x=\"%d\" y=\"22\" font-size=\"15\">mlq select: ", LEFT);
    put_text(out.f, r->data);
    fprintf(out.f, ", %zu-fold cross-validation%s, target %s</text>\n", r->s->k, r->groups != NULL ? " by group" : "",
            r->s->board->name);
    draw_axes(out.f, &a, r->d->t != NULL);
    fprintf(out.f, "<line id=\"budget\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" "
                   "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"><title>flash budget: %.0f bytes</title></line>\n",
            px(&a, budget), TOP, px(&a, budget), H - BOTTOM, budget);
    draw_points(out.f, r, &a);
    draw_legend(out.f, budget, r->s->board->name);
    fputs("</svg>\n", out.f);
    if (mlq_out_commit(&out, err) != 0) {
        mlq_out_abort(&out);
        return -1;
    }
    return 0;
}
