## Settings of the workspace and the yearly fixed costs per customer.

settings-listed-hint = alle Einstellungen mit ihren Vorgaben stehen in `config/kundenwert.toml`; `kundenwert settings show` zeigt die des Arbeitsbereichs
settings-unknown-key = unbekannte Einstellung `{ $key }`
settings-did-you-mean = gemeint ist vielleicht `{ $suggestion }`

fixed-costs-read-hint = eine CSV-Datei mit Kundennummer und Fixkosten pro Jahr angeben
fixed-costs-bad-line = { $path }:{ $line }: `{ $customer }`/`{ $amount }` ist keine Kundennummer mit Betrag ≥ 0
fixed-costs-bad-lines-hint = je Zeile Kundennummer und Fixkosten pro Jahr, z. B. `10007;1.200,00`
