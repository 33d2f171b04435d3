## Settings of the workspace and the yearly fixed costs per customer.

settings-listed-hint = `kundenwert settings show` zeigt jede Einstellung mit ihrem Wert; `config/kundenwert.toml` erklärt sie
settings-unknown-key = unbekannte Einstellung `{ $key }`
settings-not-settable = `{ $key }` lässt sich nicht einzeln setzen
settings-not-settable-hint = in einer Datei ändern und mit `kundenwert settings import DATEI.toml` übernehmen
settings-did-you-mean = gemeint ist vielleicht `{ $suggestion }`

fixed-costs-read-hint = eine CSV-Datei mit Kundennummer und Fixkosten pro Jahr angeben
fixed-costs-bad-line = { $path }:{ $line }: `{ $customer }`/`{ $amount }` ist keine Kundennummer mit Betrag ≥ 0
fixed-costs-bad-lines-hint = je Zeile Kundennummer und Fixkosten pro Jahr, z. B. `10007;1.200,00`
