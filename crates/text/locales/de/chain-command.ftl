## The `chain` command: stored chains, edits, the text view.

chain-cmd-no-such = keine Kette namens `{ $name }` im Arbeitsbereich
chain-cmd-no-such-hint = eine Kette mit `kundenwert chain import DATEI` oder `kundenwert chain new` anlegen
chain-cmd-stored-list = vorhanden: { $names }
chain-cmd-not-key-value = `{ $arg }` hat nicht die Form SCHLÜSSEL=WERT
chain-cmd-not-key-value-hint = z. B. `tier=customer` oder `name="Landtechnik Süd"`
chain-cmd-not-utf8-hint = Kettendateien als UTF-8 speichern
chain-cmd-replaced = Kette ersetzt `{ $name }`: { $actors } Akteure · { $persons } Personen · { $flows } Flüsse
chain-cmd-stored = Kette gespeichert `{ $name }`: { $actors } Akteure · { $persons } Personen · { $flows } Flüsse
chain-cmd-exists = eine Kette namens `{ $name }` gibt es schon
chain-cmd-exists-hint = einen anderen Namen wählen oder `kundenwert chain rm` verwenden
chain-cmd-created = Kette angelegt `{ $name }`
chain-cmd-png-needs-output = PNG braucht eine Ausgabedatei
chain-cmd-png-needs-output-hint = `-o kette.png` angeben
chain-cmd-pdf-needs-output = PDF braucht eine Ausgabedatei
chain-cmd-pdf-needs-output-hint = `-o kette.pdf` angeben
chain-cmd-none-stored = Keine Ketten gespeichert – `kundenwert chain import DATEI`
chain-cmd-list-entry = { $name }  ({ $subject }, { $actors } Akteure, { $persons } Personen, geändert { $updated })
chain-cmd-deleted = Kette gelöscht `{ $name }`
chain-cmd-actor-added = Akteur hinzugefügt `{ $id }`
chain-cmd-actor-changed = Akteur geändert `{ $id }`
chain-cmd-actor-removed = Akteur entfernt `{ $id }`
chain-cmd-person-added = Person hinzugefügt `{ $person }` @ `{ $actor }`
chain-cmd-person-changed = Person geändert `{ $person }` @ `{ $actor }`
chain-cmd-person-removed = Person entfernt `{ $person }` @ `{ $actor }`
chain-cmd-flow-added = Fluss hinzugefügt { $from } → { $to } ({ $kind })
chain-cmd-flow-removed = Fluss entfernt { $from } → { $to } ({ $kind })
chain-show-importance = Bedeutung { $importance }/5
chain-show-current-value = aktueller Wert { $value }
chain-show-success-factors = Erfolgsfaktoren: { $factors }
chain-show-nobody-known = (keine Person bekannt)
chain-show-known-by = { " " }(kennt: { $name })
chain-show-last-contact = , zuletzt { $date }
