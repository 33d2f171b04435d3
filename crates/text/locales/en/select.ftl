## The `select` command: saved customer selections.

select-example-hint = e.g. `type=growth and future_value > 10000`
select-saved = Selection saved `{ $name }`: { $selection }
select-matched = { $selection }: { $count } customers
select-no-such = no saved selection `{ $name }`
select-deleted = Selection deleted `{ $name }`
