## Input options shared by the commands that read export files; rejected rows.

input-column-form = `--column { $spec }` needs the form ROLE=HEADER
input-column-form-hint = e.g. `--column revenue=dollar_value`
input-unknown-role = unknown role `{ $role }`; expected one of { $roles }
input-delimiter-not-single = `--delimiter { $delimiter }` is not a single character
input-delimiter-hint = use one of `;` `,` `tab` `|` `whitespace`
input-no-usable-row = not a single row is usable
input-no-usable-row-hint = the rejected rows above say why; set formats with `--decimal`, `--date-format` or `--column`
input-rejected-rows = Rejected rows: { $count }
input-rejected-more = { "  " }… and { $count }
input-rejects-file-hint = write all rejected rows with `--rejects FILE`
input-rejects-header-file = file
input-rejects-header-line = line
input-rejects-header-column = column
input-rejects-header-reason = reason
input-rejects-header-row = row
