/* SPDX-License-Identifier: MIT */
/*
 * export_regress.c -- the output of a regression model on the device: the
 * fixed-point unit of the target, the saturation bounds, and the header's
 * NAME_predict and NAME_value entries. Written once for every algorithm:
 * each supplies only its one score, the prediction in standardized target
 * units (Q15.16), and this file turns it into the target.
 */
#include <math.h>
#include <stdint.h>

#include "export.h"

/* Steps of 2^-f the training range must at least span: below it the unit
 * is too coarse for the target (a large offset with a narrow spread). */
#define MIN_RANGE_STEPS 1024.0

int mlq_regress_build(mlq_device *dev, mlq_err *err)
{
    const mlq_model *m = dev->model;
    double w = m->target_max - m->target_min, ymax, g;
    double zlo = (m->target_min - w - m->target_mean) / m->target_scale;
    double zhi = (m->target_max + w - m->target_mean) / m->target_scale;
    int f, e;

    if (dev->n_outputs != 1)
        return mlq_device_refuse(dev, err, "target", "a regression model has one output, not %zu",
                                 dev->n_outputs);
    ymax = fmax(fabs(m->target_min - w), fabs(m->target_max + w));
    if (!isfinite(ymax) || !(w > 0.0))
        return mlq_device_refuse(dev, err, "target", "the training range is not a finite, non-empty interval");
    /* The finest unit 2^-f at which |y| <= ymax fits in 2^30. */
    (void)frexp(ymax, &e); /* ymax < 2^e */
    f = 30 - e;
    if (f > 60 || f < -60 || w * ldexp(1.0, f) < MIN_RANGE_STEPS)
        return mlq_device_refuse(dev, err, "target",
                                 "the target's training range (%g to %g) is too narrow for its size to "
                                 "be a 32-bit fixed-point output: subtract an offset from the target column",
                                 m->target_min, m->target_max);
    dev->y_frac = f;
    /* y = offset + s x scale x 2^(f - 16), s the Q15.16 score; gain in [2^30, 2^31). */
    g = m->target_scale * ldexp(1.0, f - 16);
    (void)frexp(g, &e); /* g in [2^(e-1), 2^e) */
    if (31 - e < 0 || 31 - e > 62)
        return mlq_device_refuse(dev, err, "target.scale", "%g cannot be a fixed-point gain", m->target_scale);
    dev->regress.shift = (uint8_t)(31 - e);
    dev->regress.gain = (int32_t)mlq_quantize(ldexp(g, 31 - e), 1, INT32_MAX, NULL);
    dev->regress.offset = (int32_t)mlq_quantize(ldexp(m->target_mean, f), INT32_MIN, INT32_MAX, NULL);
    dev->regress.lo = (int32_t)mlq_quantize(floor(zlo * 65536.0), INT32_MIN, INT32_MAX, NULL);
    dev->regress.hi = (int32_t)mlq_quantize(ceil(zhi * 65536.0), INT32_MIN, INT32_MAX, NULL);
    dev->flash_bytes += sizeof(mlq_regress);
    dev->predict_bytes += dev->predict_bytes != 0 ? sizeof(mlq_regress) : 0;
    return 0;
}

mlq_status mlq_device_value(const mlq_device *dev, const double *x, int32_t *y)
{
    int32_t s;
    mlq_status st = mlq_device_scores(dev, x, &s);

    return st != MLQ_OK ? st : mlq_regress_value(&dev->regress, s, y);
}

double mlq_device_target(const mlq_device *dev, int32_t y)
{
    return ldexp((double)y, -dev->y_frac);
}

void mlq_regress_emit(FILE *f, const mlq_device *dev, const char *name)
{
    const mlq_regress *r = &dev->regress;
    int32_t ylo, yhi;

    (void)mlq_regress_value(r, r->lo, &ylo);
    (void)mlq_regress_value(r, r->hi, &yhi);
    fprintf(f, "/* The target: NAME_predict writes it in units of 2^-%s_Y_FRAC (%s_Y_LSB), saturated to\n"
               " * [%s_Y_MIN, %s_Y_MAX] (the training range widened by its width on each side). */\n"
               "#define %s_Y_FRAC %d\n#define %s_Y_LSB %.9gf\n"
               "#define %s_Y_MIN INT32_C(%ld)\n#define %s_Y_MAX INT32_C(%ld)\n",
            name, name, name, name, name, dev->y_frac, name, ldexp(1.0, -dev->y_frac), name, (long)ylo,
            name, (long)yhi);
    fprintf(f, "MLQ_MAYBE_UNUSED static const mlq_regress %s_regress MLQ_FLASH = {\n"
               "    INT32_C(%ld), INT32_C(%ld), INT32_C(%ld), INT32_C(%ld), %u};\n\n",
            name, (long)r->lo, (long)r->hi, (long)r->gain, (long)r->offset, (unsigned)r->shift);
}

void mlq_regress_entries(FILE *f, const char *name)
{
    static const char *const form[3][2] = {{"_q15", "mlq_q15_t"}, {"", "float"}, {"_i16", "int16_t"}};
    size_t i;

    fprintf(f, "/* The prediction: NAME_predict writes the target in units of 2^-%s_Y_FRAC (exact,\n"
               " * the same on every target), NAME_value the same as a float. Each returns MLQ_OK (0)\n"
               " * or a negative mlq_status, and writes y only when it succeeds. */\n", name);
    for (i = 0; i < 3; i++)
        fprintf(f, "static inline int %s_predict%s(const %s *x, int32_t *y)\n{\n"
                   "    int32_t s;\n    int st = %s_scores%s(x, &s);\n\n"
                   "    return st < 0 ? st : (int)mlq_regress_value(&%s_regress, s, y);\n}\n\n"
                   "static inline int %s_value%s(const %s *x, float *y)\n{\n"
                   "    int32_t v;\n    int st = %s_predict%s(x, &v);\n\n"
                   "    if (st == MLQ_OK)\n        *y = (float)v * %s_Y_LSB;\n    return st;\n}\n\n",
                name, form[i][0], form[i][1], name, form[i][0], name, name, form[i][0], form[i][1], name,
                form[i][0], name);
}
