## The workspace as the CLI opens, reads and analyses it.

workspace-missing = der Arbeitsbereich `{ $path }` existiert nicht
workspace-missing-hint = zuerst Daten mit `kundenwert import DATEI` übernehmen, oder Dateien direkt angeben: `kundenwert analyze DATEI`
workspace-empty = der Arbeitsbereich `{ $path }` enthält noch keine Buchungen
workspace-empty-hint = Daten mit `kundenwert import DATEI` übernehmen
workspace-step-reading = Analyse: Buchungen lesen
workspace-step-backtest = Analyse: Backtest
workspace-step-types = Analyse: Kundentypen
workspace-step-forecast = Analyse: Prognose
workspace-step-storing = Analyse: speichern
workspace-unknown-fixed-cost-customers = Fixkosten für Kunden ohne Umsatz in den Daten: { $count }
workspace-refreshed = Analyse des Arbeitsbereichs aktualisiert: { $customers } Kunden, { $as_of } als Stichtag
workspace-analysis-line = Analyse, Stand { $as_of } · Einstellungen: { $settings }
