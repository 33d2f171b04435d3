## The `chain` command: stored chains, edits, the text view.

chain-cmd-no-such = no chain named `{ $name }` in the workspace
chain-cmd-no-such-hint = create one with `kundenwert chain import FILE` or `kundenwert chain new`
chain-cmd-stored-list = stored: { $names }
chain-cmd-not-key-value = `{ $arg }` is not of the form KEY=VALUE
chain-cmd-not-key-value-hint = e.g. `tier=customer` or `name="Farm Machines Inc"`
chain-cmd-not-utf8-hint = save chain files as UTF-8
chain-cmd-replaced = Chain replaced `{ $name }`: { $actors } actors · { $persons } persons · { $flows } flows
chain-cmd-stored = Chain stored `{ $name }`: { $actors } actors · { $persons } persons · { $flows } flows
chain-cmd-exists = a chain named `{ $name }` already exists
chain-cmd-exists-hint = choose another name or use `kundenwert chain rm`
chain-cmd-created = Chain created `{ $name }`
chain-cmd-png-needs-output = PNG needs an output file
chain-cmd-png-needs-output-hint = add `-o chain.png`
chain-cmd-pdf-needs-output = PDF needs an output file
chain-cmd-pdf-needs-output-hint = add `-o chain.pdf`
chain-cmd-none-stored = No chains stored – `kundenwert chain import FILE`
chain-cmd-list-entry = { $name }  ({ $subject }, { $actors } actors, { $persons } persons, updated { $updated })
chain-cmd-deleted = Chain deleted `{ $name }`
chain-cmd-actor-added = Actor added `{ $id }`
chain-cmd-actor-changed = Actor changed `{ $id }`
chain-cmd-actor-removed = Actor removed `{ $id }`
chain-cmd-person-added = Person added `{ $person }` @ `{ $actor }`
chain-cmd-person-changed = Person changed `{ $person }` @ `{ $actor }`
chain-cmd-person-removed = Person removed `{ $person }` @ `{ $actor }`
chain-cmd-flow-added = Flow added { $from } → { $to } ({ $kind })
chain-cmd-flow-removed = Flow removed { $from } → { $to } ({ $kind })
chain-show-importance = importance { $importance }/5
chain-show-current-value = current value { $value }
chain-show-success-factors = success factors: { $factors }
chain-show-nobody-known = (no person known)
chain-show-known-by = { " " }(known by { $name })
chain-show-last-contact = , last { $date }
