## The `import` command: storing export files in the workspace.

import-no-file = no file given
import-no-file-hint = e.g. `kundenwert import invoices_2024.csv`
import-as-of-not-here = `--as-of` applies to `analyze`, not to `import`: everything is stored
import-file-counts = { $path }: { $read } read · { $accepted } accepted · { $rejected } rejected
import-already-imported = already imported (same file content) – nothing added
import-stored = { $count } { $count ->
    [one] transaction stored
   *[other] transactions stored
}
import-duplicates-skipped = { " " }· { $count } already stored (same document and line) – skipped
import-workspace-total = Workspace `{ $path }`: { $count } { $count ->
    [one] transaction
   *[other] transactions
}
