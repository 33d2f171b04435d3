## The `import` command: storing export files in the workspace.

import-no-file = keine Datei angegeben
import-no-file-hint = z. B. `kundenwert import rechnungen_2024.csv`
import-as-of-not-here = `--as-of` gilt für `analyze`, nicht für `import`: gespeichert wird alles
import-file-counts = { $path }: { $read } gelesen · { $accepted } übernommen · { $rejected } abgelehnt
import-already-imported = bereits importiert (gleicher Dateiinhalt) – nichts hinzugefügt
import-stored = { $count } { $count ->
    [one] Buchung gespeichert
   *[other] Buchungen gespeichert
}
import-duplicates-skipped = { " " }· { $count } schon vorhanden (gleicher Beleg und Position) – übersprungen
import-workspace-total = Arbeitsbereich `{ $path }`: { $count } { $count ->
    [one] Buchung
   *[other] Buchungen
}
