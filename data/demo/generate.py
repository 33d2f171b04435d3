#!/usr/bin/env python3
"""Writes the bundled demo export: invoice lines of a fictitious German mid-sized company
(Windows-1252, `;`, decimal comma, DD.MM.YYYY, CRLF), as a German ERP would export them.

Deterministic (seeded); run `python3 data/demo/generate.py` to rebuild
`rechnungen_2023_2024.csv`. Three rows are broken on purpose, as real exports have them, so
that a first run shows how Kundenwert reports rejected rows.
"""
import datetime as dt
import random
from pathlib import Path

rng = random.Random(20241231)
FIRMS = ["Müller Maschinenbau GmbH", "Bäckerei Schäfer KG", "Hydraulik Nord AG", "Weber & Söhne OHG",
         "Agrartechnik Süd GmbH", "Stahlbau Köhler", "Landtechnik Groß GmbH", "Fördertechnik Jäger",
         "Brückner Anlagenbau", "Öko-Landhandel eG", "Straßenbau Lüdtke", "Schlosserei Bär",
         "Kranverleih Hoffmann", "Präzisionsteile Vogt", "Mühlenwerke Fuchs", "Gärtnerei Lange",
         "Hafenlogistik Krüger", "Zimmerei Wolff", "Metallbau Schröder", "Forsttechnik Braun"]
ARTICLES = [("HZ-100", "Hydraulikzylinder 100 mm", 412.50, 0.62), ("HZ-160", "Hydraulikzylinder 160 mm", 689.00, 0.60),
            ("DS-20", "Dichtungssatz", 38.90, 0.35), ("SV-12", "Schlauchverbinder 12\"", 12.40, 0.45),
            ("SRV", "Service vor Ort (Std.)", 95.00, 0.30), ("PU-3", "Pumpeneinheit", 1450.00, 0.68)]
SHAPES = ["steady", "cyclical", "bell", "growth", "shrinking", "barnacle"]


def amount(v: float) -> str:
    s = f"{abs(v):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return ("-" if v < 0 else "") + s


def intensity(shape: str, month: int) -> float:
    t = month / 23
    return {"steady": 1.0, "cyclical": 1.6 if month % 12 in (2, 3, 4, 8, 9) else 0.15,
            "bell": max(0.05, 1.8 - abs(t - 0.45) * 4), "growth": 0.2 + 1.8 * t,
            "shrinking": max(0.05, 1.9 - 1.9 * t), "barnacle": 1.2}[shape]


rows = []
doc = 240000
for i in range(60):
    cust = str(10001 + i)
    firm = FIRMS[i % len(FIRMS)] + ("" if i < len(FIRMS) else f" {i // len(FIRMS) + 1}")
    shape = SHAPES[i % len(SHAPES)]
    size = rng.choice([0.5, 1, 1, 2, 4])
    for month in range(24):
        expected = size * intensity(shape, month)
        for _ in range(int(rng.random() * expected * 2 + (0.5 if expected > 0.6 else 0))):
            day = dt.date(2023 + month // 12, month % 12 + 1, rng.randint(1, 28))
            doc += 1
            for _ in range(rng.randint(1, 4)):
                art, text, price, cost_rate = rng.choice(ARTICLES)
                qty = rng.randint(1, 12 if price < 100 else 3)
                rev = round(qty * price * (0.8 if shape == "barnacle" else 1.0), 2)
                cost = round(qty * price * (cost_rate if shape != "barnacle" else 0.9), 2)
                rows.append([f"RE{doc}", cust, firm, day.strftime("%d.%m.%Y"), art, text, str(qty),
                             amount(price), amount(rev), amount(cost)])
    if i % 10 == 3:  # a credit note
        doc += 1
        rows.append([f"GS{doc}", cust, firm, "15.11.2024", "DS-20", "Gutschrift Reklamation", "-2",
                     amount(38.90), "77,80-", "27,23-"])
rows.sort(key=lambda r: (r[3][6:], r[3][3:5], r[3][:2], r[0]))
rows.insert(40, ["RE999001", "10007", FIRMS[6], "31.02.2024", "DS-20", "Dichtungssatz", "1", "38,90", "38,90", "13,62"])
rows.insert(80, ["RE999002", "", "Barverkauf", "12.03.2024", "SRV", "Service", "1", "95,00", "95,00", "28,50"])
rows.insert(120, ["RE999003", "10012", FIRMS[11], "14.03.2024", "PU-3", "Pumpeneinheit", "1", "1.450,00", "n/a", "986,00"])

header = ["Belegnummer", "Kundennr.", "Kundenname", "Belegdatum", "Artikel", "Bezeichnung", "Menge",
          "Einzelpreis", "Nettoumsatz", "Wareneinsatz"]


def field(v: str) -> str:
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in ';"') else v


lines = [";".join(header)] + [";".join(field(v) for v in r) for r in rows]
lines.insert(200, "")
out = Path(__file__).with_name("rechnungen_2023_2024.csv")
out.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
print(f"{out}: {len(rows)} rows")
