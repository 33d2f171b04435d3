## Settings of the workspace and the yearly fixed costs per customer.

settings-listed-hint = `kundenwert settings show` zeigt jede Einstellung mit ihrem Wert; `config/kundenwert.toml` erklärt sie
settings-unknown-key = unbekannte Einstellung `{ $key }`
settings-not-settable = `{ $key }` lässt sich nicht einzeln setzen
settings-not-settable-hint = in einer Datei ändern und mit `kundenwert settings import DATEI.toml` übernehmen
settings-did-you-mean = gemeint ist vielleicht `{ $suggestion }`

fixed-costs-read-hint = eine CSV-Datei mit Kundennummer und Fixkosten pro Jahr angeben
fixed-costs-bad-line = { $path }:{ $line }: `{ $customer }`/`{ $amount }` ist keine Kundennummer mit Betrag ≥ 0
fixed-costs-bad-lines-hint = je Zeile Kundennummer und Fixkosten pro Jahr, z. B. `10007;1.200,00`

settings-cannot-read = kann nicht lesen: `{ $path }`: { $error }
settings-defaults = Vorgaben
settings-show-title = Einstellungen des Arbeitsbereichs `{ $path }` (* = von der Vorgabe abweichend)
settings-not-set = (nicht gesetzt)
settings-stored = Einstellung gespeichert: { $key } = { $value }
settings-imported = Einstellungen übernommen aus `{ $path }` · { $changed }
