#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Float32 reference firmware of an SVM model for make bench: writes a C
header with the same interface as an exported mlq header (NAME_N_FEATURES,
int NAME_predict(const float *x)) that predicts in single-precision floating
point, so that examples/firmware/run can time it on the same boards. On
Cortex-M0 the float arithmetic is the compiler's soft-float library and expf
is newlib's: the comparison behind "fixed point against soft float".

The code is what a careful float port would be: features standardized once,
each kernel value computed once and shared by every class pair (RBF: expf of
-gamma |z - s|^2; poly: (gamma z.s + coef0)^degree by repeated
multiplication), then one-vs-one voting, ties to the lowest class; a linear
model is folded into one weight vector per pair. Loops, not generated
straight-line code.

    bench/svm_float_header.py MODEL.json NAME > NAME.h

or from Python (bench/bench.py): header(json.load(f), NAME, MODEL.json).
"""
import json
import sys


def floats(values):
    return ", ".join(f"{float(v)!r}f".replace("inf", "INFINITY") for v in values)


def header(m, name, source):
    """The C header (text) of model file m (parsed JSON), read from `source`."""
    s = m["svm"]
    d = len(m["feature_names"])
    k = len(s["sv_count"])
    sv = s["support_vectors"]
    n_sv = len(sv)
    coef = s["dual_coef"]
    rho = s["rho"]
    first = [0]
    for c in s["sv_count"]:
        first.append(first[-1] + c)
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    out = [f"/* float32 reference of {source}: svm, kernel {s['kernel']} (bench only) */",
           "#include <math.h>", "#include <stdint.h>",
           f"#define {name}_N_FEATURES {d}",
           f"static const float {name}_mean[{d}] = {{{floats(m['scaling']['mean'])}}};",
           f"static const float {name}_inv_scale[{d}] = "
           f"{{{floats(1.0 / v for v in m['scaling']['scale'])}}};",
           f"static const float {name}_rho[{len(pairs)}] = {{{floats(rho)}}};"]
    if s["kernel"] == "linear":
        w = []
        for (i, j) in pairs:
            row = [0.0] * d
            for t in range(first[i], first[i + 1]):
                for f in range(d):
                    row[f] += coef[j - 1][t] * sv[t][f]
            for t in range(first[j], first[j + 1]):
                for f in range(d):
                    row[f] += coef[i][t] * sv[t][f]
            w.extend(row)
        out.append(f"static const float {name}_w[{len(pairs) * d}] = {{{floats(w)}}};")
        body = f"""
    float z[{d}];
    int votes[{k}] = {{0}}, i, j, p = 0, f, best = 0;
    for (f = 0; f < {d}; f++) z[f] = (x[f] - {name}_mean[f]) * {name}_inv_scale[f];
    for (i = 0; i < {k}; i++)
        for (j = i + 1; j < {k}; j++, p++) {{
            const float *w = {name}_w + p * {d};
            float sum = 0.0f;
            for (f = 0; f < {d}; f++) sum += w[f] * z[f];
            votes[sum - {name}_rho[p] > 0.0f ? i : j]++;
        }}"""
    else:
        flat = [v for row in sv for v in row]
        out.append(f"static const float {name}_sv[{n_sv * d}] = {{{floats(flat)}}};")
        out.append(f"static const float {name}_coef[{(k - 1) * n_sv}] = "
                   f"{{{floats(v for row in coef for v in row)}}};")
        out.append(f"static const uint16_t {name}_first[{k + 1}] = {{{', '.join(map(str, first))}}};")
        if s["kernel"] == "rbf":
            kern = f"""float d2 = 0.0f;
            for (f = 0; f < {d}; f++) {{ float t = z[f] - s[f]; d2 += t * t; }}
            kv[n] = expf({-float(s['gamma'])!r}f * d2);"""
        else:
            kern = f"""float dot = 0.0f, t, v;
            int e;
            for (f = 0; f < {d}; f++) dot += z[f] * s[f];
            t = {float(s['gamma'])!r}f * dot + {float(s['coef0'])!r}f;
            for (v = t, e = 1; e < {int(s['degree'])}; e++) v *= t;
            kv[n] = v;"""
        body = f"""
    float z[{d}], kv[{n_sv}];
    int votes[{k}] = {{0}}, i, j, p = 0, f, n, best = 0;
    for (f = 0; f < {d}; f++) z[f] = (x[f] - {name}_mean[f]) * {name}_inv_scale[f];
    for (n = 0; n < {n_sv}; n++) {{
        const float *s = {name}_sv + n * {d};
        {kern}
    }}
    for (i = 0; i < {k}; i++)
        for (j = i + 1; j < {k}; j++, p++) {{
            float sum = -{name}_rho[p];
            for (n = {name}_first[i]; n < {name}_first[i + 1]; n++) sum += {name}_coef[(j - 1) * {n_sv} + n] * kv[n];
            for (n = {name}_first[j]; n < {name}_first[j + 1]; n++) sum += {name}_coef[i * {n_sv} + n] * kv[n];
            votes[sum > 0.0f ? i : j]++;
        }}"""
    out.append(f"static inline int {name}_predict(const float *x)\n{{{body}")
    out.append(f"""    for (i = 1; i < {k}; i++) if (votes[i] > votes[best]) best = i;
    return best;
}}""")
    # The runner's other entries, unused by float rows.
    for entry in ("q15", "i16"):
        out.append(f"static inline int {name}_predict_{entry}(const int16_t *x) {{ (void)x; return -1; }}")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: svm_float_header.py MODEL.json NAME")
    with open(argv[1], encoding="utf-8") as f:
        model = json.load(f)
    sys.stdout.write(header(model, argv[2], argv[1]))


if __name__ == "__main__":
    main(sys.argv)
