## The `analyze` command: the terminal summary, type migration, portfolio lines.

analyze-discount-rate-range = `--discount-rate { $rate }` liegt nicht zwischen 0 und 1
analyze-discount-rate-hint = als Anteil angeben: 0.10 für 10 % im Jahr
analyze-no-cost = die Daten haben weder Wareneinsatz noch Deckungsbeitrag: Servicekosten lassen sich nur von einer Marge abziehen
analyze-no-cost-hint = eine angenommene Marge angeben, z. B. `--margin-rate 0.3`
analyze-cost-to-serve-negative = Servicekosten dürfen nicht negativ sein, `--margin-rate` liegt zwischen 0 und 1
analyze-compare-not-before = `--compare-as-of { $compare }` liegt nicht vor dem Stichtag { $as_of }
analyze-compare-not-before-hint = ein früheres Datum angeben, z. B. ein Jahr vorher
analyze-migration-title = Typwanderung { $from } → { $to }
analyze-migration-corner = vorher \ jetzt
analyze-migration-new = { $count } Kunden sind seitdem neu dazugekommen
analyze-migration-moved = Gewandert ({ $count }, nach aktuellem Wert):
analyze-abc = ABC-Klassen: { $a } A · { $b } B · { $c } C ({ $cutoff_a } / { $cutoff_b } / Rest des aktuellen Werts)
analyze-of-margin = des Deckungsbeitrags
analyze-of-revenue = des Umsatzes
analyze-whale-peak = die besten { $customers } der Kunden = { $share } { $basis }
analyze-whale-not-positive = Summe { $basis } nicht positiv
analyze-whale-line = Walkurve:    { $headline } · { $negative } der Kunden negativ
analyze-period-months = Monate
analyze-period-quarters = Quartale
analyze-period-years = Jahre
analyze-title = Kundenwert-Analyse, Stand { $as_of } ({ $period })
analyze-workspace = Arbeitsbereich: { $path }
analyze-file = Datei: { $path }
analyze-file-formats = Kodierung { $encoding }, Trenner `{ $delimiter }`, Dezimalzeichen `{ $decimal }`, Datum { $dates }{ $datev }
analyze-file-columns = Spalten: { $columns }
analyze-file-derived = berechnet: { $derived }
analyze-settings = Einstellungen: { $settings }
analyze-rows = Zeilen:    { $read } gelesen · { $accepted } übernommen · { $rejected } abgelehnt · { $blank } { $blank ->
    [one] Leerzeile übersprungen
   *[other] Leerzeilen übersprungen
}
analyze-holdout = Zurückgelegt: { $rows } Zeilen nach dem Stichtag (für die Prüfung von Prognosen)
analyze-revenue = Umsatz:    { $revenue }
analyze-cost-and-margin = { " " }· Wareneinsatz { $cost } · Deckungsbeitrag { $margin }
analyze-customers = Kunden:    { $count }
analyze-types = Kundentypen: { $types }
analyze-basis-margin-ii = Deckungsbeitrag II nach Servicekosten ({ $per_order } je Auftrag, { $per_line } je Zeile)
analyze-basis-estimated-cost = , Wareneinsatz geschätzt mit { $rate } Marge
analyze-basis-fixed-costs = , Fixkosten für { $count } Kunden
analyze-basis-margin = Deckungsbeitrag (DB I)
analyze-basis-revenue = Umsatz – die Daten haben weder Wareneinsatz noch Deckungsbeitrag
analyze-top-customers = Top-Kunden nach aktuellem Wert ({ $basis }, { $from } – { $to })
analyze-col-customer = Kunde
analyze-col-name = Name
analyze-col-current-value = Aktueller Wert
analyze-col-total-revenue = Umsatz gesamt
analyze-col-orders = Aufträge
analyze-col-last-order = Letzter Kauf
analyze-col-type = Typ
analyze-col-future-value = Zukünftiger Wert (80 %)
analyze-col-active = Aktiv
analyze-rows-rejected = { $count } Zeilen abgelehnt – Einzelheiten oben auf stderr
analyze-report-as-of = `--as-of { $date }` geht nicht zusammen mit `--report`: der Bericht wertet alle Zeilen bis zur letzten Buchung aus, wie ein Arbeitsbereich
analyze-report-as-of-hint = `--as-of` weglassen, oder die Auswertung zu diesem Datum mit `kundenwert analyze DATEIEN --as-of DATUM --json` schreiben
