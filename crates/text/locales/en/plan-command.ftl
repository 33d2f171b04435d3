## The `plan` command: stored focus plans and their text view.

plan-cmd-no-such = no plan named `{ $name }` in the workspace
plan-cmd-no-such-hint = `kundenwert plan list` shows the stored plans
plan-cmd-pdf-needs-output = PDF needs an output file
plan-cmd-pdf-needs-output-hint = add `-o plan.pdf`
plan-cmd-no-such-selection = targets.selection: no saved selection `@{ $name }`
plan-cmd-no-such-selection-hint = create it with `kundenwert select save NAME EXPRESSION`
plan-cmd-no-such-chain = scope.value: no chain named `{ $name }` in the workspace
plan-cmd-no-such-chain-hint = `kundenwert chain list` shows the stored chains
plan-cmd-no-such-actor = activities[{ $index }].actor: no actor `{ $actor }` in the stored chains
plan-cmd-unknown-person = activities[{ $index }].person: `{ $person }` is not known at `{ $actor }`
plan-cmd-unknown-references = the plan refers to what does not exist:
plan-cmd-unknown-references-hint = nothing was stored; import the chain first or correct the reference
plan-cmd-stored = Plan stored `{ $name }`: { $activities } activities · { $coaching } customers to coach
plan-cmd-scope-form = `--scope { $scope }` needs the form KIND=VALUE
plan-cmd-scope-form-hint = e.g. `--scope customer_type=growth` or `--scope product=cylinders`
plan-cmd-exists = a plan named `{ $name }` already exists
plan-cmd-exists-hint = choose another name or use `kundenwert plan rm`
plan-cmd-created = Plan created `{ $name }`: { $customers } target customers today
plan-cmd-none-stored = No plans stored
plan-cmd-list-entry = { $name }  ({ $scope }: { $value }, { $activities } activities, updated { $updated })
plan-cmd-deleted = Plan deleted `{ $name }`
plan-show-scope = Scope { $kind }: { $value }
plan-show-why = Why: { $reasons }
plan-show-selection = Selection: { $selection }
plan-show-targets = Target customers today ({ $count })
plan-show-due = , due { $date }
plan-show-coaching = Customer coaching: { $customers }
plan-show-priorities = Priorities
