## Reading export files: errors that stop an import, rejected rows.

import-io = cannot read `{ $path }`: { $error }
import-unknown-encoding = unknown encoding `{ $label }`
import-unknown-encoding-hint = use e.g. `--encoding windows-1252` or `--encoding utf-8`
import-empty = `{ $path }` is empty
import-missing-columns = `{ $path }` has no usable column for { $roles }; found: { $found }
import-missing-columns-hint = expected a customer (e.g. `Customer ID`), a date (`Invoice Date`) and revenue (`Revenue`) or quantity and unit price; map a column yourself with `--column { $example }="Header"`
import-unknown-header = `{ $path }` has no column `{ $header }` (asked for as `{ $role }`)
import-unknown-header-found = `{ $path }` has no column `{ $header }` (asked for as `{ $role }`); found: { $found }
import-unknown-header-hint = give the header exactly as in the file, or `#N` for the N-th column
import-column-two-roles = `{ $path }`: the column `{ $column }` is given for two roles, `{ $first }` and `{ $second }`
import-column-two-roles-hint = a column plays at most one role: leave out one of the two
import-role-two-columns = `{ $path }`: two columns are given for `{ $role }`, `{ $first }` and `{ $second }`
import-role-two-columns-hint = a role reads exactly one column: leave out one of the two
import-ambiguous-dates = `{ $path }`, column `{ $column }`: the order of day and month cannot be decided (every date such as `{ $example }` fits both)
import-ambiguous-dates-hint = pass `--date-format %m/%d/%Y` (month first, US) or `--date-format %d/%m/%Y` (day first)
import-spreadsheet = cannot read the spreadsheet `{ $path }`: { $message }
import-damaged-workbook = `{ $path }` is a damaged workbook: its cells cannot be read
import-damaged-workbook-hint = open it in Excel or LibreOffice and save it again as `.xlsx`, or export the invoice lines as CSV
import-no-worksheet = the workbook `{ $path }` has no worksheet
import-not-an-export = `{ $path }` is { $kind }, not an export of invoice lines (CSV or Excel)
import-kind-pdf = a PDF document
import-kind-zip = a ZIP archive
import-kind-workbook = an Excel workbook under another extension
import-kind-image = an image
import-kind-archive = a compressed archive
import-kind-program = a program
import-kind-encrypted-office = a password-protected workbook or an old binary Office file
import-kind-binary = a binary file
import-kind-text = a text file under a spreadsheet's extension
import-kind-other-hint = export the invoice lines from the ERP as CSV or XLSX and read that file
import-kind-workbook-hint = give it the extension `.xlsx`
import-kind-encrypted-office-hint = open it in Excel and save it as `.xlsx` without a password
import-kind-text-hint = if it is a CSV export, give it the extension `.csv`
import-unsupported = `{ $path }`: { $format } files are not supported
import-unsupported-hint = export as CSV or XLSX

import-pattern-day = DD
import-pattern-year = YYYY
import-reject-invalid-date = '{ $value }' is not a valid date ({ $pattern })
import-reject-invalid-number = '{ $value }' is not a number (format { $example })
import-reject-implausible-number = '{ $value }' cannot be an amount: more than 1,000,000,000,000 (one trillion) either way; row skipped
import-reject-customer-missing = customer number missing; row skipped
import-reject-date-missing = date missing; row skipped
import-reject-amount-missing = amount missing; row skipped
import-reject-field-count = row has { $found } { $found ->
    [one] field
   *[other] fields
} instead of { $expected }
import-reject-other-delimiter = ; it looks separated by `{ $delimiter }`, not like the header
import-reject-stray-quote = quote is not closed on this line and would swallow the next { $lines } rows; this row was skipped, the following rows were read on their own
import-reject-unclosed-quote = quote is never closed; the rest of the file was not read ({ $lines } lines)
import-rejection-in-column = Line { $line }, { $column }: { $reason }
import-rejection = Line { $line }: { $reason }
