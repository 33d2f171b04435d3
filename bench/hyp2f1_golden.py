#!/usr/bin/env python3
"""Writes crates/clv/tests/golden/hyp2f1.csv: reference values of ln 2F1(a, b; c; z) at 50 digits.

The cases are shaped like the Pareto/NBD likelihood (Fader & Hardie 2005 note): a = r+s+x,
b = s+1 or r+x, c = a+1, z = (alpha-beta)/(alpha+t) for the larger of alpha/beta (z in [0,1)),
and the same with the smaller one (z < 0, reached by the Pfaff transformation); plus hand-made
extreme cases (z within 1e-12 of 1, x up to 1e4, tiny r and s) and a few general cases with c > a, b.
Inputs are printed with repr() so the Rust test reads back the exact doubles mpmath used.

Usage: pip install mpmath && python3 bench/hyp2f1_golden.py
"""
import os
import random

import mpmath as mp

mp.mp.dps = 50
OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "clv", "tests", "golden", "hyp2f1.csv")


def log_uniform(rng, lo, hi):
    return 10 ** rng.uniform(mp.log10(lo), mp.log10(hi))


def ln2f1_transformed(a, b, c, z):
    """ln 2F1 through the Euler (z >= 0) or Pfaff+Euler (z < 0) transformation, whose series have
    only positive terms in this parameter region, summed by mpmath at 50 digits.

    Used when mpmath's 2F1 on the original arguments does not converge (near z = 1 with c - a - b
    close to an integer, where it tries the 1-z connection formulas, and for huge a, b).
    """
    a, b, c, z = mp.mpf(a), mp.mpf(b), mp.mpf(c), mp.mpf(z)
    if z < 0:
        w = z / (z - 1)
        return -b * mp.log(1 - z) + mp.log(mp.hyp2f1(c - a, b, c, w, maxterms=10**8))
    return (c - a - b) * mp.log(1 - z) + mp.log(mp.hyp2f1(c - a, c - b, c, z, maxterms=10**8))


def ln2f1(a, b, c, z):
    try:
        v = mp.hyp2f1(mp.mpf(a), mp.mpf(b), mp.mpf(c), mp.mpf(z), maxterms=10**6, maxprec=1000)
        assert v > 0, (a, b, c, z, v)
        return mp.log(v), "hyp2f1"
    except (mp.libmp.NoConvergence, ValueError):
        return ln2f1_transformed(a, b, c, z), "transformed"


def main():
    rng = random.Random(20261127)
    cases = []
    # Random Pareto/NBD-shaped cases.
    xs = [0, 1, 2, 3, 5, 10, 30, 100, 1000, 10000]
    for i in range(300):
        r = float(log_uniform(rng, 1e-3, 1e2))
        s = float(log_uniform(rng, 1e-3, 1e2))
        al = float(log_uniform(rng, 1e-3, 1e4))
        be = float(log_uniform(rng, 1e-3, 1e4))
        x = xs[i % len(xs)]
        t = float(rng.choice([0.0, log_uniform(rng, 1e-2, 1e3)]))
        a = r + s + x
        c = a + 1.0
        hi, lo = max(al, be), min(al, be)
        b = s + 1.0 if al >= be else r + x
        if b <= 0.0:
            b = s + 1.0
        z = (hi - lo) / (hi + t)
        cases.append((a, b, c, z))
        if i % 3 == 0:
            # The other branch: negative z, handled through the Pfaff transformation.
            z_neg = (lo - hi) / (lo + t)
            cases.append((a, b, c, z_neg))
    # Extreme hand-made cases: z near 1, huge x, tiny r/s.
    for a0 in [1e-3, 0.3, 1.16, 10.0, 1e3, 1e4 + 0.5]:
        for bfrac in [1e-3, 0.5, 0.999]:
            b = bfrac * (a0 + 1.0)
            for one_minus_z in [1e-12, 1e-8, 1e-4, 1e-2, 0.2]:
                z = 1.0 - one_minus_z
                cases.append((a0, b, a0 + 1.0, z))
    for z in [-1e6, -1e3, -10.0, -0.5]:
        cases.append((1.16, 1.61, 2.16, z))
        cases.append((1e4, 0.55 + 1e4, 1e4 + 1.0, z))
    # General cases (c - a, c - b not 1), moderate z.
    for i in range(40):
        a = float(log_uniform(rng, 1e-2, 50))
        b = float(log_uniform(rng, 1e-2, 50))
        c = max(a, b) + float(log_uniform(rng, 1e-2, 20))
        z = rng.uniform(-5.0, 0.9)
        cases.append((a, b, c, z))
    with open(OUT, "w") as f:
        f.write("a,b,c,z,ln_value,reference\n")
        # Cross-check of the two reference methods where mpmath's 2F1 converges.
        for a, b, c, z in cases[:40:4]:
            v, how = ln2f1(a, b, c, z)
            if how == "hyp2f1":
                w = ln2f1_transformed(a, b, c, z)
                assert abs(v - w) < mp.mpf(10) ** -30 * max(1, abs(v)), (a, b, c, z, v, w)
        for a, b, c, z in cases:
            v, how = ln2f1(a, b, c, z)
            f.write("%r,%r,%r,%r,%s,%s\n" % (a, b, c, z, mp.nstr(v, 25), how))
    print("wrote", len(cases), "cases to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
