## The `demo` command: the generated demo company.

demo-exists = `{ $path }` gibt es schon
demo-exists-hint = mit `--force` überschreiben oder mit `--out DIR` einen anderen Ordner wählen
demo-all-shares-zero = alle Typanteile sind null
demo-all-shares-zero-hint = mindestens einem Typ einen Anteil über null geben
demo-written = Demo-Daten geschrieben: ein erfundenes mittelständisches Unternehmen mit { $customers } Kunden, { $months } Monate bis { $as_of }.
demo-export-file = { $lines } Rechnungszeilen als ERP-Export (Windows-1252, `;`, Dezimalkomma)
demo-truth-file = der wahre Kundentyp jedes der { $customers } Kunden
demo-next = Weiter mit:
demo-examples-stored = Dazu gespeichert: { $stored }.
demo-example-chain = die Beispiel-Problemlösekette `{ $chain }`
demo-example-plan = der Beispiel-Fokusplan `{ $plan }`
demo-and = { " " }und{ " " }
