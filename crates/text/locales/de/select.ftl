## The `select` command: saved customer selections.

select-example-hint = z. B. `type=growth and future_value > 10000`
select-saved = Auswahl gespeichert `{ $name }`: { $selection }
select-matched = { $selection }: { $count } Kunden
select-no-such = keine gespeicherte Auswahl `{ $name }`
select-deleted = Auswahl gelöscht `{ $name }`
