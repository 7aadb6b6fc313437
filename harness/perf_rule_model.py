#!/usr/bin/env python3
"""What the paired performance rule promises, by simulation (docs/performance.md):

    harness/perf_rule_model.py [--scatter=4.5] [--rounds=3] [--threshold=3] [--sign-offs=6000]

Each sign-off draws round-to-round ratios test / baseline - 1 for two speed quantities
(throughput and CPU time, correlated 0.5) with the given scatter (standard deviation, percent)
around the true change, and applies the rule as core's PerfJudge and the harness's PerfStage
do: after `rounds` alternated rounds, then 2 more at a time up to 3 x rounds while undecided;
per look and quantity, FAIL when the interval excludes 0 and the mean slowdown is beyond the
threshold, PASS when the interval's worse end is within it, else undecided. It prints how often
a sign-off FAILs, stays undecided (ERROR) or PASSes with no change and with a 5% slowdown, each
look's interval at 95% and at 1 - 5%/looks (the looks paid for). Standard library only.
"""
import argparse
import math
import random


def t_cdf(t, df):
    """Student's t distribution function, through the regularized incomplete beta function."""
    x = df / (df + t * t)
    tail = 0.5 * incomplete_beta(df / 2, 0.5, x)
    return 1 - tail if t > 0 else tail


def incomplete_beta(a, b, x):
    if x <= 0 or x >= 1:
        return 0.0 if x <= 0 else 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    if x > (a + 1) / (a + b + 2):
        return 1 - incomplete_beta(b, a, 1 - x)
    # Lentz's continued fraction
    f, c, d = 1.0, 1.0, 0.0
    for i in range(400):
        m = i // 2
        if i == 0:
            num = 1.0
        elif i % 2 == 0:
            num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        else:
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 + num * d
        d = 1 / (d if abs(d) > 1e-30 else 1e-30)
        c = 1 + num / c
        c = c if abs(c) > 1e-30 else 1e-30
        f *= c * d
        if abs(1 - c * d) < 1e-12:
            break
    return front * (f - 1) / a


def t_quantile(p, df):
    lo, hi = 0.0, 1000.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if t_cdf(mid, df) < p else (lo, mid)
    return (lo + hi) / 2


def sign_off(true, scatter, rounds, threshold, confidence, quantile):
    z = [random.gauss(0, 1) for _ in range(3 * rounds)]
    quantities = [[true + scatter * v for v in z],
                  [true + scatter * (0.5 * v + math.sqrt(0.75) * random.gauss(0, 1)) for v in z]]
    n = rounds
    while True:
        outcomes = []
        for ratios in quantities:
            r = ratios[:n]
            mean = sum(r) / n
            sd = math.sqrt(sum((x - mean) ** 2 for x in r) / (n - 1))
            noise = quantile(n - 1, confidence) * sd / math.sqrt(n)
            outcomes.append("FAIL" if abs(mean) > noise and mean > threshold
                            else "undecided" if mean + noise > threshold else "PASS")
        if "FAIL" in outcomes:
            return "FAIL"
        if "undecided" not in outcomes:
            return "PASS"
        if n >= 3 * rounds:
            return "undecided"
        n = min(n + 2, 3 * rounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scatter", type=float, default=4.5, help="round-to-round standard deviation of the ratios, percent")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=3.0, help="--max-slowdown, percent")
    parser.add_argument("--sign-offs", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=1)
    a = parser.parse_args()
    if a.rounds < 2 or a.sign_offs < 1 or a.scatter <= 0:
        parser.error("--rounds must be at least 2, --sign-offs and --scatter positive")
    random.seed(a.seed)
    looks = 1 + (2 * a.rounds + 1) // 2
    cache = {}

    def quantile(df, confidence):
        key = (df, confidence)
        if key not in cache:
            cache[key] = t_quantile(1 - (1 - confidence) / 2, df)
        return cache[key]

    for label, confidence in (("95% per look", 0.95), ("looks paid for (%.2f%% each of %d)" % (100 - 5 / looks, looks), 1 - 0.05 / looks)):
        for true in (0.0, 5.0):
            counts = {"FAIL": 0, "undecided": 0, "PASS": 0}
            for _ in range(a.sign_offs):
                counts[sign_off(true / 100, a.scatter / 100, a.rounds, a.threshold / 100, confidence, quantile)] += 1
            print("%s, %s: FAIL %.1f%%, undecided %.1f%%, PASS %.1f%% (%d sign-offs, scatter %.1f%%, %d rounds up to %d,"
                  " threshold %.1f%%)" % (label, "5% slowdown" if true else "no change",
                                          *(100 * counts[k] / a.sign_offs for k in ("FAIL", "undecided", "PASS")),
                                          a.sign_offs, a.scatter, a.rounds, 3 * a.rounds, a.threshold))


if __name__ == "__main__":
    main()
