"""Checks that `kundenwert select show` (stored analysis) lists exactly what `analyze --json`
computes: the same customers, types, current and future values (as `select show` prints them in
English: whole units, thousands with `,`).

    python3 bench/select_vs_analyze.py ANALYZE.json SELECT.txt "PYTHON CONDITION ON c"

The condition is the selection written in Python over one customer `c` of the JSON, e.g.
"c['type'] == 'growth' and (c['future_value'] or 0) > 2000". Exit 1 when they differ.
"""
import json, sys
an = json.load(open(sys.argv[1]))
lines = open(sys.argv[2], encoding='utf-8').read().splitlines()[2:]
rows = {}
for l in lines:
    # Fixed columns in characters: number, name, type, current value, future value.
    c = list(l)
    col = lambda a, b: ''.join(c[a:b]).strip()
    rows[col(2, 12)] = (col(44, 58), col(59, 73), col(74, 88))
def whole(v):
    s = f"{abs(v):,.0f}"
    return ("-" + s) if v < 0 and s != "0" else s
want = {c['id']: (c['type'], whole(c['current_value']), whole(c['future_value']) if c['future_value'] is not None else '')
        for c in an['customers'] if eval(sys.argv[3], {}, {'c': c})}
print(f"{len(want)} customers in analyze --json, {len(rows)} listed: {'same' if want == rows else 'DIFFERENT'}")
bad = [k for k in want if rows.get(k) != want[k]][:5]
for k in bad: print(k, want[k], rows.get(k))
sys.exit(0 if want == rows else 1)
