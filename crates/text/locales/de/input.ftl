## Input options shared by the commands that read export files; rejected rows.

input-column-form = `--column { $spec }` braucht die Form ROLLE=SPALTE
input-column-form-hint = z. B. `--column revenue=Nettoumsatz`
input-unknown-role = unbekannte Rolle `{ $role }`; erwartet wird eine von { $roles }
input-delimiter-not-single = `--delimiter { $delimiter }` ist kein einzelnes Zeichen
input-delimiter-hint = eines von `;` `,` `tab` `|` `whitespace` angeben
input-no-usable-row = keine einzige Zeile ist brauchbar
input-no-usable-row-hint = die abgelehnten Zeilen oben nennen die Gründe; Formate mit `--decimal`, `--date-format` oder `--column` festlegen
input-rejected-rows = Abgelehnte Zeilen: { $count }
input-rejected-more = { "  " }… und { $count }
input-rejects-file-hint = alle abgelehnten Zeilen mit `--rejects DATEI` schreiben
input-rejects-header-file = Datei
input-rejects-header-line = Zeile
input-rejects-header-column = Spalte
input-rejects-header-reason = Grund
input-rejects-header-row = Zeileninhalt
