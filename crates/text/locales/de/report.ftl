## Berichte (`kundenwert report`, `analyze --report`): der HTML-Bericht, Blätter und Spaltenköpfe der Arbeitsmappe, die Meldungen des Befehls.

report-title = Kundenwert-Bericht
report-meta = Analyse zum { $as_of }: { $customers } Kunden, berechnet { $computed } von Kundenwert { $version }.
report-contents = Inhalt
report-lang-note = Werte in Euro; Spannen sind 80-%-Spannen.

report-summary = Überblick
report-summary-customers = Kunden
report-summary-current = Aktueller Wert (letzte 12 Monate)
report-summary-future = Zukünftiger Wert (nächste { $months } Monate)
report-basis-margin = Werte sind Deckungsbeitrag (Umsatz minus Kosten) der 12 Monate bis zum Stichtagsmonat.
report-basis-revenue = Werte sind Umsatz: Die Daten enthalten weder Kosten noch Marge.
report-margin-estimated = Die Marge ist mit einem angenommenen Margensatz geschätzt.
report-settings = Verwendete Einstellungen
report-settings-defaults = Alle Einstellungen auf ihren Standardwerten.
report-settings-typology-defaults = Die Schwellen der Typologie (`typology.*`) stehen auf ihren Standardwerten, außer den hier aufgeführten.
report-setting = Einstellung
report-setting-value = Wert

report-model = Prognosemodell
report-model-chosen = Der zukünftige Wert kommt aus { $model }, dem Kaufmodell, das am besten vorhergesagt hat, mit Gamma-Gamma für den Betrag je Kauf; je Kundentyp gilt die Methode, die im Backtest am nächsten lag.
report-model-none = Kein Kaufmodell ließ sich anpassen: Die zukünftigen Werte kommen aus der Typprojektion jedes Kunden.
report-model-backtest = Dieselbe Prognose zum { $as_of } für { $customers } Kunden ergab { $ratio } dessen, was sie danach kauften; { $coverage } von ihnen blieben in ihrer 80-%-Spanne.
report-model-no-backtest = Die Historie ist für einen Backtest zu kurz: Die Prognose ließ sich nicht an der Vergangenheit prüfen.

report-types = Kundentypen
report-portfolio = Portfolio: aktueller × zukünftiger Wert
report-portfolio-split = Die Linien liegen bei den Medianen: aktueller Wert { $current }, zukünftiger Wert { $future }.
report-quadrant = Quadrant
report-whale = Walkurve
report-whale-negative = { $count } Kunden ({ $share }) haben über ihre Historie eine negative Marge, zusammen { $value }.
report-whale-total = Die Margen der Kunden über ihre ganze Historie ergeben zusammen { $total }; die besten { $at } der Kunden bringen { $peak } davon.
report-abc = ABC-Klassen
report-abc-cutoffs = A: die Kunden, die die ersten { $a } des positiven aktuellen Werts ausmachen, B: bis { $b }, C: der Rest.
report-abc-class = Klasse

report-migration = Typwechsel vom { $from } zum { $to }
report-migration-intro = Zeilen: Typ am { $from }; Spalten: Typ am { $to }. { $new } Kunden hatten bis zum { $from } kein Geschäft.
report-migration-then-now = damals ＼ heute
report-migration-movers = Größte Wechsler ({ $shown } von { $total } Kunden, deren Typ sich änderte)
report-migration-none = Die Historie ist zu kurz, um die Typen mit dem Vorjahr zu vergleichen.

report-customers = Kunden nach Typ
report-customers-top = Die { $shown } Kunden mit dem größten zukünftigen Wert von { $total }; die Arbeitsmappe (`.xlsx`) listet alle Kunden.
report-plan-top = Die { $shown } Kunden mit dem größten zukünftigen Wert von { $total }; die Summe zählt alle. Der HTML-Export (`kundenwert plan export --format html`) und die Werkbank im Browser listen jeden.
report-customers-all = { $total } Kunden.

report-chains = Problemlöseketten
report-chains-none = Der Arbeitsbereich enthält keine Problemlösekette.
report-chain-gaps = Kontaktlücken
report-plans = Fokuspläne
report-plans-none = Der Arbeitsbereich enthält keinen Fokusplan.

report-col-number = Nummer
report-col-name = Name
report-col-type = Typ
report-col-reason = Begründung
report-col-status = Status
report-col-abc = ABC
report-col-customers = Kunden
report-col-share = Anteil
report-col-revenue = Umsatz
report-col-margin = Marge
report-col-current = Aktueller Wert
report-col-future = Zukünftiger Wert
report-col-future-low = Zukünftiger Wert, unten
report-col-future-high = Zukünftiger Wert, oben
report-col-range = Spanne (80 %)
report-col-p-alive = P(aktiv)
report-col-orders = Aufträge
report-col-first-order = Erster Auftrag
report-col-last-order = Letzter Auftrag
report-col-source = Prognose aus
report-col-type-then = Typ damals
report-col-type-now = Typ heute

report-sheet-summary = Überblick
report-sheet-customers = Kunden
report-sheet-months = Wert je Monat
report-sheet-months-note = Der Wert jedes Monats: Marge, oder Umsatz, wo die Daten keine Kosten enthalten.
report-sheet-item = Angabe
report-sheet-as-of = Stichtag
report-sheet-computed = Berechnet
report-sheet-model = Modell
report-sheet-value-basis = Wertbasis
report-sheet-truncated = Excel fasst { $max } Zeilen je Blatt: { $left } Kunden fehlen hier; der HTML-Bericht und `kundenwert select` zeigen sie.

report-cmd-written = Bericht geschrieben: { $path }
report-cmd-unknown-format = `{ $ext }` ist kein Berichtsformat
report-cmd-unknown-format-hint = die Datei `.html` (der Bericht zum Lesen und Drucken), `.pdf` (derselbe Bericht mit Seiten) oder `.xlsx` (die Arbeitsmappe mit allen Kunden) nennen
report-cmd-no-extension = `{ $path }` hat keine Endung, an der sich das Format des Berichts erkennen ließe
report-cmd-pdf-not-built = dieses kundenwert wurde ohne PDF gebaut: `{ $path }`
report-cmd-pdf-not-built-hint = mit seinen Standard-Features (dem Feature `pdf`) bauen, oder `.html` schreiben und im Browser als PDF drucken
report-cmd-no-analysis = der Arbeitsbereich enthält keine Analyse für einen Bericht
report-cmd-no-analysis-hint = zuerst einen Export übernehmen: `kundenwert import EXPORT.csv`
