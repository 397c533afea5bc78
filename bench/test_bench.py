#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Unit tests of make bench's program (bench/bench.py, insnfit.py, report.py, targets.py)
and of the references' command line (reflib.py):

    python3 bench/test_bench.py
"""
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import insnfit  # noqa: E402
import report  # noqa: E402
import targets  # noqa: E402


class Targets(unittest.TestCase):
    def test_rows_of_results(self):
        # Figures as bench/results.md has them.
        self.assertEqual(targets.target("kmeans", "iris", "m4", 3, 4), "<= 248")
        self.assertEqual(targets.target("kmeans", "iris", "m0", 3, 4), "-")
        self.assertEqual(targets.target("tree", "iris", "m4", 3, 4), "<= 61; q15 <= 57")
        self.assertEqual(targets.target("tree", "iris", "m0", 3, 4), "<= 515; q15 <= 515")
        self.assertEqual(targets.target("tree", "digits", "m4", 10, 64), "<= 229; q15 <= 229")
        self.assertEqual(targets.target("forest", "wine", "m4", 3, 13), "<= 363; q15 <= 256")
        self.assertEqual(targets.target("svm_poly", "wine", "m4", 3, 13), "<= 7102, flash <= 3942")
        self.assertEqual(targets.target("mlp_int8", "digits", "m4", 10, 64),
                         "<= 8162, flash <= 5017")
        self.assertEqual(targets.target("svm_linear", "iris", "m4", 3, 4), "<= 104")

    def test_none(self):
        self.assertEqual(targets.target("mlp_tanh", "iris", "m4", 3, 4), "-")
        self.assertEqual(targets.target("tree", "iris", "rv32", 3, 4), "-")
        self.assertEqual(targets.target("gmm", "shuttle", "m4", 7, 9), "-")
        self.assertEqual(targets.target("svm", "iris", "m0", 3, 4), "-")


class Report(unittest.TestCase):
    def test_formats(self):
        self.assertEqual(report.pct(0.866667), "86.67%")
        self.assertEqual(report.pct(1), "100.00%")
        self.assertEqual(report.g(0.00028637612), "0.000286376")
        self.assertEqual(report.g(2.00079e-56), "2.00079e-56")
        self.assertEqual(report.g(0), "0")
        self.assertEqual(report.board_label("m0"), "Cortex-m0")
        self.assertEqual(report.board_label("mega"), "AVR ATmega2560 (cycles)")

    def test_regress_row(self):
        c = {"rows": 133, "host_r2": 0.5, "device_r2": 0.4996, "host_mae": 44.25, "device_mae": 44.3,
             "median_value_diff_of_range": 0.0001, "p99_value_diff_of_range": 0.004,
             "saturated_rows": 0, "clipped": 0, "coefficients": 11}
        r = report.Report()
        r.regress_row("linear_reg", "diabetes", c, 0.49, None)
        self.assertEqual(r.regress[0][3:9], ["0.5000", "0.4996", "0.00040", "-", "0.4900", "+0.0100"])
        self.assertEqual(r.regress[0][-1], "yes")
        # Each target missed alone: the p99 difference, the device R^2, scikit-learn's R^2.
        for key, value, ref in (("p99_value_diff_of_range", 0.0051, 0.49), ("device_r2", 0.494, 0.49),
                                (None, None, 0.479)):
            bad = dict(c)
            if key:
                bad[key] = value
            r.regress_row("linear_reg", "diabetes", bad, ref, None)
            self.assertEqual(r.regress[-1][-1], "NO", key)
        # A seeded model is held to its mean over the seeds.
        r.regress_row("forest_reg", "diabetes", c, 0.45, 0.46)
        self.assertEqual(r.regress[-1][6:9], ["0.4600", "0.4500", "+0.0100"])

    def test_table(self):
        self.assertEqual(report.table(["a", "|d|"], "lr", [[1, "x|y"]]),
                         ["| a | \\|d\\| |", "| --- | ---: |", "| 1 | x\\|y |"])

    def test_spread_row(self):
        self.assertEqual(report.mean_sd([1.0, 2.0, 3.0]), (2.0, 1.0))
        self.assertEqual(report.mean_sd([0.5]), (0.5, 0.0))
        r = report.Report()
        # Means 0.35 and 0.40, sample sds 0.1155 and 0.2309: standard error
        # sqrt((0.1155^2 + 0.2309^2) / 4) = 0.1291, the difference 0.39 of it.
        r.spread_row("forest_reg", "diabetes", [0.25, 0.45, 0.25, 0.45], [0.2, 0.6, 0.2, 0.6])
        self.assertEqual(r.spread[0][2:], ["0..3", "0.3500 (0.1155)", "0.4000 (0.2309)", "-0.0500",
                                           "0.1291", "0.39"])
        r.spread_row("tree_reg", "diabetes", [0.3], [0.3])
        self.assertEqual(r.spread[1][2:], ["0..0", "0.3000 (0.0000)", "0.3000 (0.0000)", "+0.0000",
                                           "0.0000", "-"])

    def test_linear_vs_svm(self):
        r = report.Report()
        line = {"insn_per_inference": "90", "flash_bytes": "300", "stack_bytes": "40"}
        svm = {"insn_per_inference": "104", "flash_bytes": "320", "stack_bytes": "48"}
        r.cost_rows("linear", "iris", "3 x 4", "m4", "-", line, None, None, False, None, None, False)
        r.cost_rows("svm_linear", "iris", "3 x 4", "m4", "-", svm, None, None, False, None, None, False)
        r.cost_rows("linear", "iris", "3 x 4", "m0", "-", svm, None, None, False, None, None, False)
        self.assertEqual(r.linear_vs_svm(), [["iris", "90", "104", "300", "320", "yes"]])
        r.cost_rows("linear", "wine", "3 x 13", "m4", "-", svm, None, None, False, None, None, False)
        r.cost_rows("svm_linear", "wine", "3 x 13", "m4", "-", line, None, None, False, None, None, False)
        self.assertEqual(r.linear_vs_svm()[1][-1], "NO")

    def test_selection_row(self):
        s = {"tried": 42, "candidates": [{"fits": True, "device_mean": 0.58},
                                         {"fits": False, "device_mean": 0.63},
                                         {"fits": True, "device_mean": 0.575}],
             "chosen": {"algorithm": "mlp", "options": "--hidden 128 --bits 8", "device_mean": 0.575,
                        "device_sd": 0.0592}}
        r = report.Report()
        r.selection_row("uno", s, 20.25, 2)
        self.assertEqual(r.selection[0], ["uno", 42, 2, "20.2 (2 cores)", "mlp --hidden 128 --bits 8",
                                          "57.50% (sd 5.92)", "58.00%", "0.50", "met"])
        r.selection_row("uno", s, 301.0, 2)  # too slow
        self.assertEqual(r.selection[1][-1], "**not met**")
        s["chosen"]["device_mean"] = 0.569  # more than a point below the best that fits
        r.selection_row("uno", s, 20.0, 2)
        self.assertEqual(r.selection[2][-2:], ["1.10", "**not met**"])
        r.selection_row("m0", s, 20.0, 2)  # no target
        self.assertEqual(r.selection[3][-1], "-")

    def test_tree_layout_helpers(self):
        # Marginal instructions per node between two bench lines.
        lo, hi = {"insn_per_inference": "100.0"}, {"insn_per_inference": "140.0"}
        self.assertEqual(bench.marginal(lo, hi, 10.0, 15.0), 8.0)
        self.assertIsNone(bench.marginal(lo, hi, 10.0, 10.4))  # too few nodes apart
        # The code layout's estimate of `mlq info`, per core.
        line = ("about 812 (avr), 400 (m0), 396 (m4), 420 (rv32) bytes of code with "
                "NAME_predict_q15, 1000 (m0) with NAME_predict")
        self.assertEqual(bench.code_estimate(line), {"avr": 812, "m0": 400, "m4": 396, "rv32": 420})
        self.assertEqual(bench.f32(0.1), 0.10000000149011612)
        # The targets: inline figures for forests on m4 and m0 only.
        self.assertEqual(targets.tree_layout_target("forest", "iris", "m4")[1], 107)
        self.assertEqual(targets.tree_layout_target("forest", "digits", "m0")[1], 654)
        self.assertIsNone(targets.tree_layout_target("tree", "iris", "m4")[1])
        self.assertIsNone(targets.tree_layout_target("forest", "iris", "rv32")[1])

    def test_field(self):
        avr = {"cycles_per_inference": "539.0", "flash_bytes": "724"}
        self.assertEqual(report.field(avr, "insn_per_inference"), "539.0")
        self.assertEqual(report.field(avr, "flash_bytes"), "724")
        self.assertEqual(report.field(avr, "ram_bytes"), "-")
        self.assertEqual(report.field(None, "flash_bytes"), "-")

    def test_agreement(self):
        self.assertEqual(report.agreement(["a", "b", "c", "d"], ["a", "b x", "d", "d"]), "75.00%")
        self.assertEqual(report.agreement(["a"], ["a", "b"]), "50.00%")
        self.assertEqual(report.agreement([], []), "-")

    def test_seeded_difference(self):
        r = report.Report()
        r.seeded_row("tree", "wine", 0.877358, "87.74%")
        r.seeded_row("tree", "iris", 0.944444, "94.22%")
        r.seeded_row("tree", "x", 0.5, "n/a")
        self.assertEqual(r.seeded, [["tree", "wine", "87.74%", "87.74%", "+0.00"],
                                    ["tree", "iris", "94.44%", "94.22%", "+0.22"],
                                    ["tree", "x", "50.00%", "n/a", "-"]])

    def test_estimates(self):
        r = report.Report()
        s = insnfit.InsnSample
        r.estimate("tree", "iris", "m4", "m4", {"kernel": "k", "predict_flash_bytes": 106},
                   {"flash_bytes": "336"}, s("m4", "k", 4, 3.5, 1, 40.0, 41.0, False))
        r.estimate("tree", "wine", "m4", "m4", {"kernel": "k", "predict_flash_bytes": 122},
                   {"flash_bytes": "348"}, s("m4", "k", 13, 4, 1, 50.0, None, False))
        r.estimate("tree", "iris", "uno", "avr", {"kernel": "k", "predict_flash_bytes": 106},
                   {"flash_bytes": "724"}, s("avr", "k", 4, 3.5, 1, 539.0, None, False))
        # A kernel without an instruction model, and a row without a sample.
        r.estimate("svm", "iris", "m4", "m4", {"kernel": "s", "predict_flash_bytes": 900},
                   {"flash_bytes": "1000"}, s("m4", "s", 4, 10, 2, 500.0, None, True))
        r.estimate("svm", "wine", "m4", "m4", {"kernel": "s", "predict_flash_bytes": 900},
                   {"flash_bytes": "1000"})
        costs = {("m4", "k"): (230, 20), ("avr", "k"): (618, 38), ("m4", "s"): (100, 8)}
        insns = {("m4", "k"): (10.0, 8.0, 2.0, 0.0), ("avr", "k"): (100.0, 120.0, 0.0, 1.0)}
        lines = r.estimate_table(costs, insns)
        self.assertEqual(lines[2:7], [
            "| tree | iris | m4 | 106 + 230 | 336 | +0.0% | 3.5 / 1 | 40 | 40 | +0.0% |",
            "| tree | wine | m4 | 122 + 230 | 348 | +1.1% | 4 / 1 | 44 | 50 | -12.0% |",
            "| tree | iris | uno | 106 + 618 | 724 | +0.0% | 3.5 / 1 | 524 | 539 | -2.8% |",
            "| svm | iris | m4 | 900 + 100 | 1000 | +0.0% | - | - | - | - |",
            "| svm | wine | m4 | 900 + 100 | 1000 | +0.0% | - | - | - | - |"])
        self.assertEqual(lines[-3], "Largest |difference| per board, flash / instructions: "
                                    "m4 1.1% / 12.0%, uno 0.0% / 2.8%.")
        self.assertEqual(lines[-1], "Targets (issue 19): flash within 5% on every row: yes; "
                                    "instructions within 15% on every row: yes.")
        # Each target missed: the rows that miss it are named.
        r.estimate("tree", "x", "m0", "m0", {"kernel": "k", "predict_flash_bytes": 100},
                   {"flash_bytes": "300"}, s("m0", "k", 4, 1, 1, 100.0, None, False))
        lines = r.estimate_table({**costs, ("m0", "k"): (210, 20)}, {**insns, ("m0", "k"): (1, 2, 3, 4)})
        self.assertEqual(lines[-5], "| tree | x | m0 | 100 + 210 | 300 | +3.3% | 1 / 1 | 22 | 100 | -78.0% |")
        r.estimate("tree", "y", "m0", "m0", {"kernel": "k", "predict_flash_bytes": 100},
                   {"flash_bytes": "290"}, s("m0", "k", 4, 1, 1, 23.0, None, False))
        lines = r.estimate_table({**costs, ("m0", "k"): (210, 20)}, {**insns, ("m0", "k"): (1, 2, 3, 4)})
        self.assertEqual(lines[-1], "Targets (issue 19): flash within 5% on every row: NO (tree y m0); "
                                    "instructions within 15% on every row: NO (tree x m0).")
        # Without instruction models (an old costs.tsv): flash only.
        self.assertTrue(r.estimate_table({**costs, ("m0", "k"): (210, 20)})[2].endswith("| 336 | +0.0% | - | - | - | - |"))

    def test_insn_estimate(self):
        s = insnfit.InsnSample("m0", "k", 10, 100, 5, 0.0, None, True)
        self.assertEqual(report.insn_estimate((1, 2, 3, 4), s), 1 + 200 + 15 + 40)
        self.assertEqual(report.insn_estimate((-500, 2, 3, 4), s), 0.0)  # as mlq_fit_insns: >= 0

    def test_write_umask(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "out.md")
            old = os.umask(0o027)
            try:
                report.write(path, "text\n")
            finally:
                os.umask(old)
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o640)
            with open(path, encoding="utf-8") as f:
                self.assertEqual(f.read(), "text\n")
            self.assertEqual(os.listdir(d), ["out.md"])


class Costs(unittest.TestCase):
    def test_largest(self):
        got = bench.largest([("m4", "k", 230, 20), ("m4", "k", 228, 24), ("m0", "k", 192, 24)])
        self.assertEqual(got, {("m4", "k"): (230, 24), ("m0", "k"): (192, 24)})

    def test_merge(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "costs.tsv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("# header\nm4\tk\t1\t2\nm4\told\t5\t6\navr\tz\t7\t8\t1\t2\t3\t4\n")
            bench.write_costs(path, {("m4", "k"): (230, 24), ("m0", "k"): (192, 24)},
                              {("m4", "k"): (12.5, 1.0 / 3, 0.0, 7e-05)})
            with open(path, encoding="utf-8") as f:
                text = f.read()
            self.assertEqual([x for x in text.splitlines() if not x.startswith("#")],
                             ["avr\tz\t7\t8\t1\t2\t3\t4", "m0\tk\t192\t24\t-\t-\t-\t-",
                              "m4\tk\t230\t24\t12.5\t0.333333\t0\t7e-05", "m4\told\t5\t6"])
            self.assertTrue(text.startswith(bench.COSTS_HEAD))

    def test_negative(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "costs.tsv")
            with self.assertRaisesRegex(bench.BenchError, "negative code or frame.*m4 k"):
                bench.write_costs(path, {("m4", "k"): (-4, 24)})
            self.assertFalse(os.path.exists(path))

    def test_least_squares(self):
        self.assertEqual(insnfit.lstsq([[1, 0], [0, 2], [1, 1]], [1, 4, 3]), [1.0, 2.0])
        self.assertIsNone(insnfit.lstsq([[1, 2], [2, 4]], [1, 2]))
        # Unconstrained, x would be (3, -1): the best with x >= 0 drops the second.
        a, b = [[1, 1], [1, 2], [1, 3]], [2, 1, 0]
        x = insnfit.lstsq(a, b)
        self.assertAlmostEqual(x[0], 3.0)
        self.assertAlmostEqual(x[1], -1.0)
        self.assertEqual(insnfit.nnls(a, b, [0, 1]), [1.0, 0.0])
        self.assertEqual(insnfit.nnls(a, b, []), [0.0, 0.0])

    def test_minimax(self):
        # Fitting a constant to 0, 1 and 10: least squares gives the mean, minimax the midrange.
        a, b = [[1], [1], [1]], [0, 1, 10]
        self.assertAlmostEqual(insnfit.nnls(a, b, [0])[0], 11 / 3)
        self.assertAlmostEqual(insnfit.minimax(a, b, [0])[0], 5.0, places=3)
        # An exact line stays exact.
        x = insnfit.minimax([[1, 1], [1, 2], [1, 4]], [3, 5, 9], [0, 1])
        self.assertAlmostEqual(x[0], 1.0)
        self.assertAlmostEqual(x[1], 2.0)

    def test_quant_cost(self):
        s = insnfit.InsnSample
        samples = [s("m0", "a", 4, 0, 0, 1000.0, 200.0, True), s("m0", "b", 4, 0, 0, 5000.0, 4200.0, True),
                   s("m0", "c", 4, 0, 0, 900.0, 50.0, True),      # median of 800, 800, 850
                   s("m0", "a", 10, 0, 0, 3000.0, 1000.0, True),  # 2000
                   s("m0", "t", 10, 0, 0, 90.0, 80.0, False),     # not a generic float entry
                   s("m0", "a", 20, 0, 0, 5000.0, None, True),    # no q15 figure
                   s("m4", "a", 4, 0, 0, 60.0, 20.0, True)]
        self.assertAlmostEqual(insnfit.quant_cost(samples, "m0"), 200.0)
        self.assertAlmostEqual(insnfit.quant_cost(samples, "m4"), 10.0)  # one D: the ratio
        self.assertEqual(insnfit.quant_cost(samples, "rv32"), 0.0)
        self.assertEqual(insnfit.sibling("mlq_svm_rbf_regress_q15"), "mlq_svm_rbf_predict_q15")
        self.assertEqual(insnfit.sibling("mlq_mlp_relu16_scores_q15"), "mlq_mlp_relu16_predict_q15")
        self.assertEqual(insnfit.sibling("mlq_tree_predict_q15"), "mlq_tree_predict_q15")

    def test_fit_insns(self):
        # Measurements made by a known model are fitted back exactly; c3 is the
        # float entry less the q15 entry per feature, 0 for an entry of its own.
        s = insnfit.InsnSample

        def model(c, d, w0, w1):
            return c[0] + c[1] * w0 + c[2] * w1 + c[3] * d

        k, t = (50, 6, 40, 180), (60, 1.25, 0, 0)
        shapes = [(4, 12, 3), (13, 39, 3), (30, 60, 2), (64, 640, 10)]
        samples = [s("m0", "mlq_k_predict_q15", d, w0, w1, model(k, d, w0, w1),
                     model(k, 0, w0, w1), True) for d, w0, w1 in shapes]
        samples += [s("m0", "mlq_t_predict_q15", d, w0, w0 / 2, model(t, d, w0, 0), None, False)
                    for d, w0, _ in shapes]
        # One model of a sibling kernel: the classifier's coefficients, scaled by 1.5.
        samples.append(s("m0", "mlq_k_scores_q15", 10, 100, 1, 1.5 * model(k[:3] + (0,), 0, 100, 1)
                         + 180 * 10, None, True))
        # One model of a kernel alone: c0.
        samples.append(s("m0", "mlq_x_predict_q15", 10, 100, 1, 2000.0, None, True))
        got = insnfit.fit_insns(samples)
        for key, want in ((("m0", "mlq_k_predict_q15"), k), (("m0", "mlq_t_predict_q15"), t),
                          (("m0", "mlq_k_scores_q15"), (75, 9, 60, 180)),
                          (("m0", "mlq_x_predict_q15"), (200, 0, 0, 180))):
            for g, w in zip(got[key], want):
                self.assertAlmostEqual(g, w, places=3, msg=key)
        self.assertEqual(len(got), 4)
        self.assertEqual(insnfit.rounded([1 / 3, 123456789.0]), (0.333333, 123457000.0))

    def test_stack_frames(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "a.su"), "w", encoding="utf-8") as f:
                f.write("src/a.c:10:5:mlq_a\t24\tstatic\nsrc/a.c:20:12:helper.constprop.0\t8\tstatic\n")
            with open(os.path.join(d, "b.su"), "w", encoding="utf-8") as f:
                f.write("src/b.c:3:1:helper\t16\tstatic\n")
            self.assertEqual(bench.stack_frames(d), {"mlq_a": "24", "helper": "8"})


@unittest.skipUnless(shutil.which("arm-none-eabi-gcc"), "arm-none-eabi-gcc is not installed")
class Lmul(unittest.TestCase):
    def obj(self, d, name, code):
        src = os.path.join(d, name + ".c")
        with open(src, "w", encoding="utf-8") as f:
            f.write(code)
        os.makedirs(os.path.join(d, "arm", "m0", "obj"), exist_ok=True)
        subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m0", "-mthumb", "-O2", "-ffunction-sections",
                        "-c", src, "-o", os.path.join(d, "arm", "m0", "obj", name + ".o")], check=True)

    def test_calls(self):
        mul = "long long {}(long long a, long long b) {{ return a * b; }}\n"
        add = "int {}(int a) {{ return a + 1; }}\n"
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(bench.BenchError, "no kmeans.o"):
                bench.m0_lmul_calls(d)
            self.obj(d, "kmeans", add.format("mlq_kmeans"))
            self.obj(d, "fixed", mul.format("other") + add.format("mlq_dot_q15"))
            self.assertFalse(bench.m0_lmul_calls(d))
            self.obj(d, "fixed", mul.format("mlq_dot_q15"))
            self.assertTrue(bench.m0_lmul_calls(d))
            self.obj(d, "fixed", add.format("mlq_dot_q15"))
            self.obj(d, "kmeans", mul.format("mlq_kmeans"))
            self.assertTrue(bench.m0_lmul_calls(d))


class CodeLayoutFit(unittest.TestCase):
    def setUp(self):
        try:
            import fit_code_layout
        except ImportError:
            self.skipTest("numpy or scipy is not installed")
        self.f = fit_code_layout

    def test_terms(self):
        # 10 comparisons, 12 leaf adds, 2 trees, features 3, 20, 40 and 40 read.
        forest = (10, 12, 2, [3, 20, 40, 40], True, False)
        self.assertEqual(self.f.terms(forest, "m4", 0), [10, 12, 0, 2, 1, 0, 0])
        self.assertEqual(self.f.terms(forest, "m0", 0), [10, 12, 0, 2, 1, 2, 0])
        self.assertEqual(self.f.terms(forest, "avr", 1), [10, 12, 0, 2, 1, 3, 0])
        tree_reg = (10, 11, 1, [1, 2], False, True)
        self.assertEqual(self.f.terms(tree_reg, "rv32", 1), [10, 0, 11, 1, 1, 0, 1])

    def test_fit(self):
        import numpy as np
        x = np.array([[1.0, 0.0], [2.0, 1.0], [4.0, 1.0], [8.0, 3.0]])
        c = self.f.fit(x, x @ np.array([3.0, 5.0]))  # exact: the error is 0 there
        self.assertTrue(np.allclose(c, [3.0, 5.0], atol=1e-6), c)
        c = self.f.fit(np.array([[1.0], [1.0]]), np.array([90.0, 110.0]))  # the relative midpoint
        self.assertAlmostEqual(c[0], 2 / (1 / 90 + 1 / 110), places=6)


class RefArgs(unittest.TestCase):
    def setUp(self):
        try:
            import reflib
        except ImportError:
            self.skipTest("numpy is not installed")
        self.args = reflib.args
        self.seeded = reflib.seeded

    def seeded_output(self, n):
        """What seeded() prints for score(seed) = seed / 100 with MLQ_REF_SEEDS=n (None: unset)."""
        import contextlib
        import io
        out, old = io.StringIO(), os.environ.pop("MLQ_REF_SEEDS", None)
        try:
            if n is not None:
                os.environ["MLQ_REF_SEEDS"] = n
            with contextlib.redirect_stdout(out):
                self.seeded(lambda seed: seed / 100)
        finally:
            os.environ.pop("MLQ_REF_SEEDS", None)
            if old is not None:
                os.environ["MLQ_REF_SEEDS"] = old
        return out.getvalue()

    def test_seeded(self):
        self.assertEqual(self.seeded_output(None), "0.045000\n")  # mean of 0.00 .. 0.09
        self.assertEqual(self.seeded_output("3"), "0.000000\n0.010000\n0.020000\n")
        for bad in ("0", "x", "-2", ""):
            with self.assertRaises(SystemExit) as e:
                self.seeded_output(bad)
            self.assertIn("MLQ_REF_SEEDS", str(e.exception))

    def test_options(self):
        d = {"C": "1", "kernel": "rbf"}
        self.assertEqual(self.args(["ref", "a.csv", "b.csv"], d), ("a.csv", "b.csv", d))
        self.assertEqual(self.args(["ref", "a.csv", "--C", "10", "b.csv", "--kernel=poly", "--x"],
                                   d, flags=("x",)),
                         ("a.csv", "b.csv", {"C": "10", "kernel": "poly", "x": True}))

    def test_bad(self):
        d = {"C": "1"}
        for argv in (["ref", "a.csv"], ["ref", "a.csv", "b.csv", "c.csv"],
                     ["ref", "a.csv", "b.csv", "--gamma", "2"], ["ref", "a.csv", "b.csv", "--C"],
                     ["ref", "a.csv", "b.csv", "--C", "2", "--C=3"]):
            with self.assertRaises(SystemExit) as e:
                self.args(argv, d)
            self.assertIn(argv[-1].split("=")[0] if "--" in argv[-1] else "usage", str(e.exception))


if __name__ == "__main__":
    unittest.main()
