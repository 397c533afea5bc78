#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Unit tests of make bench's program (bench/bench.py, report.py, targets.py)
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
        r.estimate("tree", "iris", "m4", "m4", {"kernel": "k", "predict_flash_bytes": 106},
                   {"flash_bytes": "336"})
        r.estimate("tree", "wine", "m4", "m4", {"kernel": "k", "predict_flash_bytes": 122},
                   {"flash_bytes": "348"})
        r.estimate("tree", "iris", "uno", "avr", {"kernel": "k", "predict_flash_bytes": 106},
                   {"flash_bytes": "724"})
        lines = r.estimate_table({("m4", "k"): (230, 20), ("avr", "k"): (618, 38)})
        self.assertEqual(lines[2:5], ["| tree | iris | m4 | 106 | 230 | 336 | 336 | +0.0% |",
                                      "| tree | wine | m4 | 122 | 230 | 352 | 348 | +1.1% |",
                                      "| tree | iris | uno | 106 | 618 | 724 | 724 | +0.0% |"])
        self.assertEqual(lines[-1], "Spread, the largest |difference| per board: m4 1.1%, uno 0.0%.")

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
                f.write("# header\nm4\tk\t1\t2\nm4\told\t5\t6\navr\tz\t7\t8\n")
            bench.write_costs(path, {("m4", "k"): (230, 24), ("m0", "k"): (192, 24)})
            with open(path, encoding="utf-8") as f:
                self.assertEqual(f.read().splitlines()[1:],
                                 ["avr\tz\t7\t8", "m0\tk\t192\t24", "m4\tk\t230\t24", "m4\told\t5\t6"])

    def test_negative(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "costs.tsv")
            with self.assertRaisesRegex(bench.BenchError, "negative code or frame.*m4 k"):
                bench.write_costs(path, {("m4", "k"): (-4, 24)})
            self.assertFalse(os.path.exists(path))

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


class RefArgs(unittest.TestCase):
    def setUp(self):
        try:
            import reflib
        except ImportError:
            self.skipTest("numpy is not installed")
        self.args = reflib.args

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
