## Problems in chain and plan files (YAML/JSON), shared by both.

file-whole-document = Datei: { $what }
file-syntax-error = Datei nicht lesbar (Syntaxfehler): { $message }
file-missing-required = fehlt (Pflichtangabe)
file-unknown-key = unbekannter Schlüssel; erlaubt: { $allowed }
file-unknown-key-did-you-mean = unbekannter Schlüssel (gemeint: '{ $suggestion }'?); erlaubt: { $allowed }
file-duplicate-key = Schlüssel kommt doppelt vor
file-not-one-of = '{ $value }' ist keiner der Werte { $allowed }
file-wrong-type = erwartet { $expected }, gefunden { $found }
file-not-between = { $value } liegt nicht zwischen { $min } und { $max }
file-less-than = { $value } ist kleiner als { $min }
file-bad-date = '{ $value }' ist kein Datum der Form JJJJ-MM-TT
file-must-not-be-empty = darf nicht leer sein
file-expected-whole-number = eine ganze Zahl
file-expected-list = eine Liste
file-expected-mapping = eine Zuordnung (Schlüssel: Wert)
file-not-utf8 = `{ $path }` ist kein UTF-8-Text
file-invalid-chain = die Kette ist nicht gültig ({ $count } { $count ->
    [one] Problem
   *[other] Probleme
}):
file-invalid-plan = der Plan ist nicht gültig ({ $count } { $count ->
    [one] Problem
   *[other] Probleme
}):
file-invalid-nothing-stored = nichts wurde gespeichert; erlaubte Werte stehen bei jedem Problem

# A file the command itself reads or writes (the system's reason follows after a colon).
file-cannot-read = `{ $path }` kann nicht gelesen werden
file-cannot-write = `{ $path }` kann nicht geschrieben werden
file-cannot-create = `{ $path }` kann nicht angelegt werden
