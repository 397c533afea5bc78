# SPDX-License-Identifier: MIT
"""The instruction cost model of make bench (bench/bench.py): per core and
kernel, instructions = c0 + c1 w0 + c2 w1 + c3 d, where w0 and w1 are the
kernel's work_steps (the device table's work hook) and d the features the
float entry quantizes; fitted to the measured float entries so that the
largest relative difference is smallest, and written to bench/costs.tsv for
`mlq info --target` and `mlq select`. Python 3, standard library only."""
import collections
import itertools
import statistics


# One float entry measured: core, kernel, d (features), w0, w1 (work_steps on the
# rows measured), y (instructions or cycles per call), q15 (the q15 entry's, or
# None), quantizes_all (whether the float entry quantizes every feature).
InsnSample = collections.namedtuple("InsnSample", "core kernel d w0 w1 y q15 quantizes_all")


def lstsq(a, b):
    """x minimising |a x - b| (normal equations, Gauss-Jordan with pivoting); None when singular."""
    n = len(a[0])
    m = [[sum(r[i] * r[j] for r in a) for j in range(n)] + [sum(r[i] * y for r, y in zip(a, b))]
         for i in range(n)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(m[r][i]))
        if abs(m[p][i]) < 1e-12 * max(1.0, max(abs(v) for v in m[p][:n])):
            return None
        m[i], m[p] = m[p], m[i]
        for r in range(n):
            if r != i:
                f = m[r][i] / m[i][i]
                m[r] = [u - f * v for u, v in zip(m[r], m[i])]
    return [m[i][n] / m[i][i] for i in range(n)]


def nnls(a, b, free):
    """x >= 0 minimising |a x - b|, nonzero only at the indices free: the best
    least-squares solution over the subsets of free (there are a handful)."""
    best = None
    for k in range(len(free) + 1):
        for sub in itertools.combinations(free, k):
            x = [0.0] * len(a[0])
            if sub:
                part = lstsq([[r[i] for i in sub] for r in a], b)
                if part is None or min(part) < 0:
                    continue
                for i, v in zip(sub, part):
                    x[i] = v
            err = sum((sum(u * v for u, v in zip(r, x)) - y) ** 2 for r, y in zip(a, b))
            if best is None or err < best[0]:
                best = (err, x)
    return best[1]


def minimax(a, b, free, rounds=200):
    """x >= 0 (nonzero only at free) minimising the largest |a x - b|: Lawson's
    iteratively reweighted least squares, the best iterate kept."""
    weights, best = [1.0] * len(a), None
    for _ in range(rounds):
        s = [w ** 0.5 for w in weights]
        x = nnls([[u * v for u in r] for r, v in zip(a, s)], [y * v for y, v in zip(b, s)], free)
        res = [abs(sum(u * v for u, v in zip(r, x)) - y) for r, y in zip(a, b)]
        if best is None or max(res) < best[0]:
            best = (max(res), x)
        total = sum(w * e for w, e in zip(weights, res))
        if total <= 0:
            break
        weights = [w * e / total for w, e in zip(weights, res)]
    return best[1]


def quant_cost(samples, core):
    """c3 of core: the instructions of quantizing one feature. Per dataset (D),
    the median over the models whose float entry quantizes every feature of
    their float entry less their q15 entry (the q15 rows are random, which
    moves only the kernels whose work depends on the input), then the slope
    of those medians over D (their intercept is each kernel's c0)."""
    by_d = {}
    for s in samples:
        if s.core == core and s.quantizes_all and s.q15 is not None:
            by_d.setdefault(s.d, []).append(s.y - s.q15)
    pts = [(d, statistics.median(v)) for d, v in by_d.items()]
    if len(pts) < 2:
        return max(0.0, pts[0][1] / pts[0][0]) if pts else 0.0
    md, mv = statistics.mean(d for d, _ in pts), statistics.mean(v for _, v in pts)
    slope = sum((d - md) * (v - mv) for d, v in pts) / sum((d - md) ** 2 for d, _ in pts)
    return max(0.0, slope)


def sibling(kernel):
    """The classifier's entry of a kernel's family: mlq_X_predict_q15 for
    mlq_X_scores_q15, mlq_X_regress_q15 or mlq_X_proba_q15."""
    for entry in ("_scores_q15", "_regress_q15", "_proba_q15"):
        if kernel.endswith(entry):
            return kernel[:-len(entry)] + "_predict_q15"
    return kernel


def rounded(c):
    """Coefficients as bench/costs.tsv writes them (6 significant digits)."""
    return tuple(float(f"{v:.6g}") for v in c)


def fit_insns(samples):
    """{(core, kernel): (c0, c1, c2, c3)}, as written to bench/costs.tsv: per
    core c3 (quant_cost; 0 for a float entry that quantizes only what it
    reads), then per kernel c0, c1, c2 >= 0 minimising the largest relative
    difference to the measured float entries. A kernel measured on fewer
    than three models takes its sibling's c1 / c2 / c0 scaled to fit
    (one factor), or else only c0 (and c1 with two models)."""
    out = {}
    for core in sorted({s.core for s in samples}):
        q = quant_cost(samples, core)
        kernels = {}
        for s in samples:
            if s.core == core:
                kernels.setdefault(s.kernel, []).append(s)
        for kernel, ss in sorted(kernels.items(), key=lambda kv: (len(kv[1]) < 3, kv[0])):
            c3 = q if ss[0].quantizes_all else 0.0
            rest = [(s.y - c3 * s.d) / s.y for s in ss]  # relative: each row's difference / y
            a = [[1 / s.y, s.w0 / s.y, s.w1 / s.y] for s in ss]
            sib = out.get((core, sibling(kernel)))
            if len(ss) >= 3:
                c = minimax(a, rest, [0, 1, 2])
            elif sib is not None:
                base = [[sum(u * v for u, v in zip(r, sib[:3]))] for r in a]
                c = [sib[i] * nnls(base, rest, [0])[0] for i in range(3)]
            else:
                c = minimax(a, rest, [0, 1][:len(ss)])
            out[(core, kernel)] = rounded(list(c) + [c3])
    return out
