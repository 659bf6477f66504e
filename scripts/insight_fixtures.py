#!/usr/bin/env python3
"""Writes the reference values for insightflow's statistics (tests/fixtures/insights/*.json).

Every expected value comes from an implementation that is not insightflow's: scipy
(pearsonr, linregress, theilslopes, variation, median_abs_deviation, norm, t), numpy
(percentile, cumsum), pymannkendall (Mann-Kendall, Sen's slope), pyhomogeneity (Pettitt) and
lttb (Largest-Triangle-Three-Buckets). The inputs are small, seeded, and stored next to the
answers, so the Rust tests (src/insight/fixture_tests.rs, src/chart/reduce.rs) read both.

    python3 -m venv ~/.cache/insightflow/insight-venv
    ~/.cache/insightflow/insight-venv/bin/pip install scipy numpy pymannkendall pyhomogeneity lttb
    ~/.cache/insightflow/insight-venv/bin/python scripts/insight_fixtures.py
"""
import json
import math
import os
import sys

try:
    import numpy as np
    import scipy
    from scipy import stats
    import pymannkendall as mk
    import pyhomogeneity as hg
    import lttb
except ImportError as e:  # pragma: no cover
    sys.exit(f"insight_fixtures.py needs scipy numpy pymannkendall pyhomogeneity lttb ({e})")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "insights")
rng = np.random.default_rng(20240611)


def fl(xs):
    return [float(x) for x in xs]


def r6(x):
    """Inputs are rounded to 6 decimals so the JSON text is the exact input on both sides."""
    return [round(float(v), 6) for v in x]


def series():
    """Named series in time order: trends, steps, noise, ties, short ones."""
    n = 40
    t = np.arange(n)
    out = {
        "up_noisy": r6(10 + 0.5 * t + rng.normal(0, 3, n)),
        "down_noisy": r6(100 - 1.2 * t + rng.normal(0, 8, n)),
        "flat_noise": r6(rng.normal(50, 5, n)),
        "step": r6(np.r_[rng.normal(10, 1, 20), rng.normal(16, 1, 20)]),
        "ties": [1, 2, 2, 3, 3, 3, 5, 4, 4, 6, 7, 7, 8, 8, 8, 9],
        "short_up": [3.0, 4.0, 4.5, 6.0, 7.5],
        "spiky": r6(np.r_[rng.normal(20, 1, 15), [45.0], rng.normal(20, 1, 14), [-5.0], rng.normal(20, 1, 9)]),
        "yearly_spend": [1.2e6, 1.35e6, 1.5e6, 1.62e6, 1.8e6, 1.77e6, 1.9e6, 2.0e6, 2.1e6, 2.25e6],
        "long_walk": r6(np.cumsum(rng.normal(0.1, 1, 300))),
    }
    return out


def mann_kendall_cases(ss):
    cases = []
    for name, y in ss.items():
        r = mk.original_test(np.array(y, dtype=float))
        w = mk.trend_free_pre_whitening_modification_test(np.array(y, dtype=float))
        cases.append({"name": name, "y": y, "s": float(r.s), "var_s": float(r.var_s), "z": float(r.z),
                      "p": float(r.p), "tau": float(r.Tau), "sen_slope": float(r.slope),
                      "tfpw": {"s": float(w.s), "var_s": float(w.var_s), "z": float(w.z), "p": float(w.p)}})
    return cases


def acf1(x):
    """Lag-1 autocorrelation with the biased (1/n) estimator, via numpy.correlate."""
    y = np.asarray(x, dtype=float) - np.mean(x)
    ac = np.correlate(y, y, "full")[len(y) - 1:] / len(y)
    return float(ac[1] / ac[0])


def pettitt_cases(ss):
    """Pettitt (pyhomogeneity, asymptotic p) and the AR(1)-corrected p: r1 = lag-1
    autocorrelation of the residuals from the two segment means; when r1 > 0,
    p = 2 exp(-6 K^2 / (f (n^3 + n^2))) with f = (1 + r1) / (1 - r1)."""
    cases = []
    for name, y in list(ss.items()) + [("seasonal", r6(10 * np.sin(np.arange(120) * 2 * np.pi / 12) + rng.normal(0, 1, 120)))]:
        r = hg.pettitt_test(np.array(y, dtype=float), sim=None)
        n, at = len(y), int(r.cp)
        resid = np.array(y, dtype=float) - np.r_[np.full(at, r.avg.mu1), np.full(n - at, r.avg.mu2)]
        r1 = acf1(resid)
        f = (1 + r1) / (1 - r1) if r1 > 0 else 1.0
        p_adj = min(1.0, 2 * math.exp(-6 * float(r.U) ** 2 / (f * (n ** 3 + n ** 2))))
        cases.append({"name": name, "y": y, "at": at, "k": float(r.U), "p": float(min(1.0, r.p)),
                      "mean_before": float(r.avg.mu1), "mean_after": float(r.avg.mu2), "r1": r1, "p_ar1": p_adj})
    return cases


def regression_cases(ss):
    cases = []
    for name, y in ss.items():
        x = list(range(len(y)))
        lr = stats.linregress(x, y)
        ts = stats.theilslopes(y, x)
        cases.append({"name": name, "x": x, "y": y, "slope": float(lr.slope), "intercept": float(lr.intercept),
                      "r": float(lr.rvalue), "p": float(lr.pvalue), "stderr": float(lr.stderr),
                      "theil_sen": float(ts.slope)})
    # irregular x (e.g. dates with gaps, in days)
    x = r6(np.sort(rng.uniform(0, 365, 25)))
    y = r6(3 + 0.02 * np.array(x) + rng.normal(0, 1, 25))
    lr = stats.linregress(x, y)
    cases.append({"name": "irregular_x", "x": x, "y": y, "slope": float(lr.slope), "intercept": float(lr.intercept),
                  "r": float(lr.rvalue), "p": float(lr.pvalue), "stderr": float(lr.stderr),
                  "theil_sen": float(stats.theilslopes(y, x).slope)})
    return cases


def pearson_cases():
    cases = []
    for name, n, rho in [("strong_pos", 50, 0.9), ("weak", 30, 0.2), ("negative", 120, -0.6), ("none", 12, 0.0),
                         ("tiny", 5, 0.8)]:
        x = rng.normal(0, 1, n)
        y = rho * x + math.sqrt(1 - rho * rho) * rng.normal(0, 1, n)
        x, y = r6(x * 10 + 100), r6(y * 3 + 7)
        r = stats.pearsonr(x, y)
        cases.append({"name": name, "x": x, "y": y, "r": float(r.statistic), "p": float(r.pvalue), "n": n})
    # real data: cars Horsepower vs Miles_per_Gallon (vega-datasets 2.11.0), rows with both present
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node_modules", "vega-datasets", "data")
    try:
        cars = json.load(open(os.path.join(root, "cars.json")))
        pairs = [(c["Horsepower"], c["Miles_per_Gallon"]) for c in cars
                 if c.get("Horsepower") is not None and c.get("Miles_per_Gallon") is not None]
        x, y = fl(p[0] for p in pairs), fl(p[1] for p in pairs)
        r = stats.pearsonr(x, y)
        cases.append({"name": "cars_hp_mpg", "x": x, "y": y, "r": float(r.statistic), "p": float(r.pvalue), "n": len(x)})
    except FileNotFoundError:
        print("note: node_modules/vega-datasets missing; cars case skipped", file=sys.stderr)
    return cases


def quantile_cases():
    cases = []
    for name, xs in [("odd", [7, 1, 3, 9, 5]), ("even", [4, 1, 8, 2, 6, 3]), ("noisy", r6(rng.normal(0, 10, 23))),
                     ("with_outliers", [10, 12, 11, 13, 12, 11, 10, 14, 12, 95, 11, 13, -40, 12])]:
        xs = fl(xs)
        q = {str(p): float(np.percentile(xs, p * 100)) for p in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]}
        q1, q3 = float(np.percentile(xs, 25)), float(np.percentile(xs, 75))
        iqr = q3 - q1
        lo, hi = q1 - 1.5 * iqr, q3 + 1.5 * iqr
        outl = [i for i, v in enumerate(xs) if v < lo or v > hi]
        mad = float(stats.median_abs_deviation(xs, scale="normal"))
        med = float(np.median(xs))
        rz = [(v - med) / mad for v in xs] if mad > 0 else None
        cases.append({"name": name, "x": xs, "quantiles": q, "q1": q1, "q3": q3, "iqr": iqr, "lower": lo,
                      "upper": hi, "outliers": outl, "median": med, "mad_normal": mad, "robust_z": rz,
                      "cv": float(stats.variation(xs, ddof=1)) if np.mean(xs) > 0 else None,
                      "std": float(np.std(xs, ddof=1))})
    return cases


def series_outlier_cases(ss):
    """Time-series outliers: when the least-squares slope over the index is significant
    (scipy linregress p < 0.05) the line is removed first; each point's residual is its
    distance from the median of its k nearest neighbours on each side (k = min(2 when n >= 12
    else 1, the room on the shorter side); the point itself left out; an end point gets the
    line through its two nearest neighbours, 2*y1 - y2); robust z of the residuals with scipy's
    normal-scaled MAD (fallback when it is 0: mean absolute deviation around the median x
    sqrt(pi/2)); flagged when |z| > 3.5 and the residual is at least IQR(values) / 4."""
    cases = []
    hourly = r6(10 + 5 * np.sin(np.arange(240) * 2 * np.pi / 24) + rng.normal(0, 0.05, 240))
    for name, y in list(ss.items()) + [("flat_one_spike", [5.0] * 10 + [9.0] + [5.0] * 9), ("smooth_cycle", hourly)]:
        y0 = np.array(y, dtype=float)
        n = len(y0)
        idx = np.arange(n)
        lr = stats.linregress(idx, y0)
        y = y0 - (lr.intercept + lr.slope * idx) if lr.pvalue < 0.05 else y0
        h = 2 if n >= 12 else 1
        def expected(i):
            k = min(h, i, n - 1 - i)
            if k == 0:  # an end point: the line through its two nearest neighbours
                return 2 * y[1] - y[2] if i == 0 else 2 * y[n - 2] - y[n - 3]
            return np.median(np.r_[y[i - k:i], y[i + 1:i + k + 1]])
        smooth = np.array([expected(i) for i in range(n)])
        resid = y - smooth
        med = np.median(resid)
        scale = stats.median_abs_deviation(resid, scale="normal")
        if scale == 0:
            scale = np.mean(np.abs(resid - med)) * math.sqrt(math.pi / 2)
        z = (resid - med) / scale
        iqr = float(np.percentile(y0, 75) - np.percentile(y0, 25))
        flagged = [int(i) for i in np.nonzero((np.abs(z) > 3.5) & (np.abs(resid) >= 0.25 * iqr))[0]]
        cases.append({"name": name, "y": fl(y0), "detrended": bool(lr.pvalue < 0.05), "resid": fl(resid), "z": fl(z),
                      "flagged": flagged})
    return cases


def concentration_cases():
    cases = []
    for name, xs in [("pareto", r6(rng.pareto(1.2, 25) * 100)), ("even", [10.0] * 8), ("two", [70.0, 30.0]),
                     ("exact", [50.0, 30.0, 10.0, 5.0, 5.0])]:
        d = np.sort(np.array(xs))[::-1]
        cum = np.cumsum(d) / d.sum()
        k = int(np.argmax(cum >= 0.8 - 1e-12) + 1)
        cases.append({"name": name, "x": fl(xs), "k": k, "share": float(cum[k - 1])})
    return cases


def special_cases():
    zs = [0.0, 0.5, 1.0, 1.96, 2.5, 3.3, 5.0, 8.0]
    ts = [(0.5, 3), (1.0, 8), (2.0, 10), (2.5, 30), (4.0, 120), (7.0, 400), (1.3, 1.5)]
    return {"normal_two_sided": [{"z": z, "p": float(2 * stats.norm.sf(abs(z)))} for z in zs],
            "t_two_sided": [{"t": t, "df": df, "p": float(2 * stats.t.sf(abs(t), df))} for t, df in ts]}


def lttb_cases():
    cases = []
    for name, n, k in [("sine", 500, 50), ("walk", 3000, 100), ("small", 12, 5)]:
        x = np.arange(n, dtype=float)
        if name == "sine":
            y = np.sin(x / 15.0) * 10 + rng.normal(0, 0.5, n)
        else:
            y = np.cumsum(rng.normal(0, 1, n))
        y = np.array(r6(y))
        out = lttb.downsample(np.c_[x, y], n_out=k)
        idx = [int(v) for v in out[:, 0]]
        cases.append({"name": name, "x": fl(x), "y": fl(y), "threshold": k, "indices": idx})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    ss = series()
    files = {
        "mann_kendall.json": mann_kendall_cases(ss),
        "pettitt.json": pettitt_cases(ss),
        "regression.json": regression_cases(ss),
        "pearson.json": pearson_cases(),
        "quantiles.json": quantile_cases(),
        "series_outliers.json": series_outlier_cases(ss),
        "concentration.json": concentration_cases(),
        "special.json": special_cases(),
        "lttb.json": lttb_cases(),
    }
    about = (f"Written by scripts/insight_fixtures.py with scipy {scipy.__version__}, numpy {np.__version__}, "
             "pymannkendall, pyhomogeneity, lttb; inputs seeded")
    for name, cases in files.items():
        with open(os.path.join(OUT, name), "w") as f:
            json.dump({"_about": about, "cases": cases}, f, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
