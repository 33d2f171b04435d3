## Reading export files: errors that stop an import, rejected rows.

import-io = `{ $path }` kann nicht gelesen werden: { $error }
import-unknown-encoding = unbekannte Zeichenkodierung `{ $label }`
import-unknown-encoding-hint = z. B. `--encoding windows-1252` oder `--encoding utf-8`
import-empty = `{ $path }` ist leer
import-missing-columns = `{ $path }` hat keine brauchbare Spalte für { $roles }; gefunden: { $found }
import-missing-columns-hint = erwartet werden Kunde (z. B. `Kundennr.`), Datum (`Belegdatum`) und Umsatz (`Nettoumsatz`) oder Menge und Einzelpreis; Spalte selbst zuordnen mit `--column { $example }="Spaltenname"`
import-unknown-header = `{ $path }` hat keine Spalte `{ $header }` (angegeben für `{ $role }`)
import-unknown-header-found = `{ $path }` hat keine Spalte `{ $header }` (angegeben für `{ $role }`); gefunden: { $found }
import-unknown-header-hint = Spaltennamen genau wie in der Kopfzeile angeben, oder `#N` für die N-te Spalte
import-column-two-roles = `{ $path }`: die Spalte `{ $column }` ist für zwei Rollen angegeben, `{ $first }` und `{ $second }`
import-column-two-roles-hint = jede Spalte spielt höchstens eine Rolle: eine der beiden Angaben weglassen
import-role-two-columns = `{ $path }`: für `{ $role }` sind zwei Spalten angegeben, `{ $first }` und `{ $second }`
import-role-two-columns-hint = jede Rolle liest genau eine Spalte: eine der beiden Angaben weglassen
import-ambiguous-dates = `{ $path }`, Spalte `{ $column }`: die Reihenfolge von Tag und Monat ist nicht zu entscheiden (jedes Datum wie `{ $example }` passt zu beiden)
import-ambiguous-dates-hint = mit `--date-format %d/%m/%Y` (Tag zuerst) oder `--date-format %m/%d/%Y` (Monat zuerst, USA) angeben
import-spreadsheet = die Tabelle `{ $path }` kann nicht gelesen werden: { $message }
import-damaged-workbook = `{ $path }` ist eine beschädigte Arbeitsmappe: ihre Zellen können nicht gelesen werden
import-damaged-workbook-hint = in Excel oder LibreOffice öffnen und erneut als `.xlsx` speichern, oder die Rechnungspositionen als CSV exportieren
import-no-worksheet = die Arbeitsmappe `{ $path }` hat kein Tabellenblatt
import-not-an-export = `{ $path }` ist { $kind }, kein Export von Rechnungspositionen (CSV oder Excel)
import-kind-pdf = ein PDF-Dokument
import-kind-zip = ein ZIP-Archiv
import-kind-workbook = eine Excel-Arbeitsmappe mit anderer Endung
import-kind-image = ein Bild
import-kind-archive = ein komprimiertes Archiv
import-kind-program = ein Programm
import-kind-encrypted-office = eine kennwortgeschützte Arbeitsmappe oder eine alte binäre Office-Datei
import-kind-binary = eine Binärdatei
import-kind-text = eine Textdatei mit der Endung einer Tabelle
import-kind-other-hint = die Rechnungspositionen aus dem ERP als CSV oder XLSX exportieren und diese Datei lesen
import-kind-workbook-hint = die Datei in `.xlsx` umbenennen
import-kind-encrypted-office-hint = in Excel öffnen und ohne Kennwort als `.xlsx` speichern
import-kind-text-hint = ist es ein CSV-Export, die Datei in `.csv` umbenennen
import-unsupported = `{ $path }`: { $format }-Dateien werden nicht unterstützt
import-unsupported-hint = als CSV oder XLSX exportieren

import-pattern-day = TT
import-pattern-year = JJJJ
import-reject-invalid-date = '{ $value }' ist kein gültiges Datum ({ $pattern })
import-reject-invalid-number = '{ $value }' ist keine Zahl (Format { $example })
import-reject-implausible-number = '{ $value }' kann kein Betrag sein: mehr als 1.000.000.000.000 (eine Billion) im Plus oder Minus; Zeile übersprungen
import-reject-customer-missing = Kundennummer fehlt; Zeile übersprungen
import-reject-date-missing = Datum fehlt; Zeile übersprungen
import-reject-amount-missing = Betrag fehlt; Zeile übersprungen
import-reject-field-count = Zeile hat { $found } { $found ->
    [one] Feld
   *[other] Felder
} statt { $expected }
import-reject-other-delimiter = ; sie scheint durch `{ $delimiter }` getrennt, anders als die Kopfzeile
import-reject-stray-quote = Anführungszeichen wird in dieser Zeile nicht geschlossen und würde die nächsten { $lines } Zeilen verschlucken; diese Zeile wurde übersprungen, die folgenden einzeln gelesen
import-reject-unclosed-quote = Anführungszeichen wird nie geschlossen; der Rest der Datei wurde nicht gelesen ({ $lines } Zeilen)
import-rejection-in-column = Zeile { $line }, { $column }: { $reason }
import-rejection = Zeile { $line }: { $reason }
