#!/usr/bin/env python3
"""Writes the XLSX seeds of the `xlsx_import` target: minimal workbooks (five parts, inline or
shared strings), stored uncompressed so that the fuzzer's mutations reach the XML, and one
compressed; and the workbook of the ingest crate's regression test for a shared-string index
beyond the table. Run from `fuzz/`: `python3 make_xlsx_seeds.py`."""
import zipfile

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{extra}</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Rechnungen" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{extra}</Relationships>"""
SHEET = """<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"""


def cell(ref, value):
    if isinstance(value, tuple):  # (type, raw)
        kind, raw = value
        return f'<c r="{ref}" t="{kind}"><v>{raw}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet(rows):
    out = []
    for i, row in enumerate(rows, start=1):
        cells = "".join(cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(row))
        out.append(f'<row r="{i}">{cells}</row>')
    return SHEET.format(rows="".join(out))


def write(name, rows, compression=zipfile.ZIP_STORED, shared=None, folder="corpus/xlsx_import"):
    extra_types = extra_rels = ""
    if shared is not None:
        extra_types = '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        extra_rels = '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(f"{folder}/{name}", "w", compression) as z:
        # A fixed time for every part, so that the files are the same on every run.
        def writestr(part, text):
            z.writestr(zipfile.ZipInfo(part, date_time=(2024, 1, 1, 0, 0, 0)), text, compression)

        writestr("[Content_Types].xml", CONTENT_TYPES.format(extra=extra_types))
        writestr("_rels/.rels", RELS)
        writestr("xl/workbook.xml", WORKBOOK)
        writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(extra=extra_rels))
        writestr("xl/worksheets/sheet1.xml", sheet(rows))
        if shared is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in shared)
            writestr(
                "xl/sharedStrings.xml",
                f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>',
            )


ROWS = [
    ["Kundennr.", "Belegdatum", "Nettoumsatz", "Wareneinsatz"],
    ["10001", 45300, 1234.56, 800],
    [10002, "15.02.2024", "250,00", ""],
    ["10003", 45400.5, ("e", "#DIV/0!"), 1],
    ["", 45401, 5, 1],
]
write("inline_stored.xlsx", ROWS)
write("inline_deflated.xlsx", ROWS, zipfile.ZIP_DEFLATED)
write(
    "shared_strings.xlsx",
    [
        [("s", 0), ("s", 1), ("s", 2), ("s", 3)],
        [("s", 4), "2024-01-02", 2, 9.99],
        [("s", 4), 45300, ("str", "3"), ("b", 1)],
    ],
    shared=["Customer", "Date", "Quantity", "Unit Price", "C1"],
)

# A shared-string index beyond the table: calamine 0.31 panics on it (found by fuzzing; issue 20).
# The regression test of the ingest crate reads this file.
write(
    "shared_string_out_of_range.xlsx",
    [
        [("s", 0), ("s", 1), ("s", 2)],
        [("s", 3), 45300, ("s", 7)],
    ],
    shared=["Kundennr.", "Belegdatum", "Nettoumsatz", "10001"],
    folder="../crates/ingest/tests/it/data",
)
