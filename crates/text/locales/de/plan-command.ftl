## The `plan` command: stored focus plans and their text view.

plan-cmd-no-such = kein Plan namens `{ $name }` im Arbeitsbereich
plan-cmd-no-such-hint = `kundenwert plan list` zeigt die gespeicherten Pläne
plan-cmd-pdf-needs-output = PDF braucht eine Ausgabedatei
plan-cmd-pdf-needs-output-hint = `-o plan.pdf` angeben
plan-cmd-no-such-selection = targets.selection: keine gespeicherte Auswahl `@{ $name }`
plan-cmd-no-such-selection-hint = mit `kundenwert select save NAME AUSDRUCK` anlegen
plan-cmd-no-such-chain = scope.value: keine Kette namens `{ $name }` im Arbeitsbereich
plan-cmd-no-such-chain-hint = `kundenwert chain list` zeigt die gespeicherten Ketten
plan-cmd-no-such-actor = activities[{ $index }].actor: kein Akteur `{ $actor }` in den gespeicherten Ketten
plan-cmd-unknown-person = activities[{ $index }].person: `{ $person }` ist bei `{ $actor }` nicht bekannt
plan-cmd-unknown-references = der Plan verweist auf Unbekanntes:
plan-cmd-unknown-references-hint = nichts wurde gespeichert; zuerst die Kette importieren oder den Verweis korrigieren
plan-cmd-stored = Plan gespeichert `{ $name }`: { $activities } Aktivitäten · { $coaching } Kunden im Coaching
plan-cmd-scope-form = `--scope { $scope }` braucht die Form ART=WERT
plan-cmd-scope-form-hint = z. B. `--scope customer_type=growth` oder `--scope product=Hydraulikzylinder`
plan-cmd-exists = einen Plan namens `{ $name }` gibt es schon
plan-cmd-exists-hint = anderen Namen wählen oder `kundenwert plan rm` verwenden
plan-cmd-created = Plan angelegt `{ $name }`: { $customers } Zielkunden heute
plan-cmd-none-stored = Keine Pläne gespeichert
plan-cmd-list-entry = { $name }  ({ $scope }: { $value }, { $activities } Aktivitäten, geändert { $updated })
plan-cmd-deleted = Plan gelöscht `{ $name }`
plan-show-scope = Schwerpunkt { $kind }: { $value }
plan-show-why = Warum: { $reasons }
plan-show-selection = Auswahl: { $selection }
plan-show-targets = Zielkunden heute ({ $count })
plan-show-due = , bis { $date }
plan-show-coaching = Kundencoaching: { $customers }
plan-show-priorities = Prioritäten
