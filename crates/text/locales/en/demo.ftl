## The `demo` command: the generated demo company.

demo-exists = `{ $path }` already exists
demo-exists-hint = overwrite it with `--force` or choose another folder with `--out DIR`
demo-all-shares-zero = every type share is zero
demo-all-shares-zero-hint = give at least one type a share above zero
demo-written = Demo data written: a fictitious German mid-sized company with { $customers } customers, { $months } months up to { $as_of }.
demo-export-file = { $lines } invoice lines as a German ERP export (Windows-1252, `;`, decimal comma)
demo-truth-file = the true customer type of each of the { $customers } customers
demo-next = Next:
demo-examples-stored = Stored with it: { $stored }.
demo-example-chain = the example problem-solving chain `{ $chain }`
demo-example-plan = the example focus plan `{ $plan }`
demo-and = { " " }and{ " " }
