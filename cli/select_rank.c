/* SPDX-License-Identifier: MIT */
/* mlq select: the ranking, the Pareto fronts and the nearest miss (select.h). */
#include "select.h"

#include <math.h>
#include <stdlib.h>

int sel_fits(const sel_cand *c)
{
    return c->tried && c->error[0] == '\0' && c->cost.fits;
}

size_t sel_flash_budget(const cv_setup *s)
{
    return s->flash_budget != 0 && s->flash_budget < s->board->flash ? s->flash_budget : s->board->flash;
}

size_t sel_sram_budget(const cv_setup *s)
{
    return s->sram_budget != 0 && s->sram_budget < s->board->sram ? s->sram_budget : s->board->sram;
}

/* 0: fits, 1: does not, 2: failed, 3: not tried. */
static int group_of(const sel_cand *c)
{
    return !c->tried ? 3 : c->error[0] != '\0' ? 2 : c->cost.fits ? 0 : 1;
}

/* a before b? A NaN accuracy or flash sorts last. */
static int before(const sel_cand *c, size_t a, size_t b)
{
    const sel_cand *x = &c[a], *y = &c[b];
    int ga = group_of(x), gb = group_of(y);

    if (ga != gb)
        return ga < gb;
    if (ga < 2 && x->mean.device != y->mean.device && !(isnan(x->mean.device) && isnan(y->mean.device)))
        return isnan(y->mean.device) || x->mean.device > y->mean.device;
    if (ga < 2 && x->cost.flash != y->cost.flash && !(isnan(x->cost.flash) && isnan(y->cost.flash)))
        return isnan(y->cost.flash) || x->cost.flash < y->cost.flash;
    return a < b;
}

size_t sel_rank(const sel_cand *c, size_t n, size_t *order)
{
    size_t i, j, fit = 0;

    for (i = 0; i < n; i++) { /* insertion sort: a stable total order, a few dozen items */
        size_t v = i;

        for (j = i; j > 0 && before(c, v, order[j - 1]); j--)
            order[j] = order[j - 1];
        order[j] = v;
        fit += sel_fits(&c[i]) ? 1 : 0;
    }
    return fit;
}

static double cost_of(const sel_cand *c, int by_insns)
{
    return by_insns ? c->cost.insns : c->cost.flash;
}

size_t sel_pareto(const sel_cand *c, size_t n, int by_insns, size_t *front)
{
    size_t i, j, m = 0, k = 0;
    double best = -(double)INFINITY;

    for (i = 0; i < n; i++) { /* the eligible ones by cost, then accuracy (higher first), then grid order */
        if (!sel_fits(&c[i]) || isnan(cost_of(&c[i], by_insns)) || isnan(c[i].mean.device))
            continue;
        for (j = m; j > 0; j--) {
            const sel_cand *p = &c[front[j - 1]];
            double cp = cost_of(p, by_insns), ci = cost_of(&c[i], by_insns);

            if (cp < ci || (cp == ci && p->mean.device >= c[i].mean.device))
                break;
            front[j] = front[j - 1];
        }
        front[j] = i;
        m++;
    }
    for (i = 0; i < m; i++) { /* keep each that is more accurate than every cheaper one */
        if (c[front[i]].mean.device > best) {
            best = c[front[i]].mean.device;
            front[k++] = front[i];
        }
    }
    return k;
}

size_t sel_closest(const sel_cand *c, size_t n, const cv_setup *s)
{
    size_t i, best = n;
    double best_need = (double)INFINITY;

    for (i = 0; i < n; i++) {
        const cv_eval *e = &c[i].cost;
        double need;

        if (!c[i].tried || c[i].error[0] != '\0' || isnan(e->flash))
            continue;
        need = fmax(e->flash / (double)sel_flash_budget(s), e->sram / (double)sel_sram_budget(s));
        if (s->insns_budget > 0)
            need = fmax(need, isnan(e->insns) ? (double)INFINITY : e->insns / s->insns_budget);
        if (best == n || need < best_need ||
            (need == best_need && c[i].mean.device > c[best].mean.device)) {
            best = i;
            best_need = need;
        }
    }
    return best;
}
