## The `analyze` command: the terminal summary, type migration, portfolio lines.

analyze-discount-rate-range = `--discount-rate { $rate }` is not between 0 and 1
analyze-discount-rate-hint = give a fraction: 0.10 for 10 % a year
analyze-no-cost = the data has neither cost nor margin: cost to serve can only be taken off a margin
analyze-no-cost-hint = give an assumed margin rate, e.g. `--margin-rate 0.3`
analyze-cost-to-serve-negative = cost to serve must not be negative, `--margin-rate` lies between 0 and 1
analyze-compare-not-before = `--compare-as-of { $compare }` is not before the as-of date { $as_of }
analyze-compare-not-before-hint = give an earlier date, e.g. a year before
analyze-migration-title = Type migration { $from } → { $to }
analyze-migration-corner = before \ now
analyze-migration-new = { $count } customers are new since
analyze-migration-moved = Moved ({ $count }, by current value):
analyze-abc = ABC classes: { $a } A · { $b } B · { $c } C ({ $cutoff_a } / { $cutoff_b } / rest of the current value)
analyze-of-margin = of the margin
analyze-of-revenue = of the revenue
analyze-whale-peak = the top { $customers } of customers = { $share } { $basis }
analyze-whale-not-positive = total { $basis } not positive
analyze-whale-line = Whale curve: { $headline } · { $negative } of customers negative
analyze-period-months = months
analyze-period-quarters = quarters
analyze-period-years = years
analyze-title = Kundenwert analysis as of { $as_of } ({ $period })
analyze-workspace = Workspace: { $path }
analyze-file = File:  { $path }
analyze-file-formats = encoding { $encoding }, delimiter `{ $delimiter }`, decimal `{ $decimal }`, dates { $dates }{ $datev }
analyze-file-columns = columns: { $columns }
analyze-file-derived = derived: { $derived }
analyze-settings = Settings: { $settings }
analyze-rows = Rows:      { $read } read · { $accepted } accepted · { $rejected } rejected · { $blank } { $blank ->
    [one] blank line skipped
   *[other] blank lines skipped
}
analyze-holdout = Holdout:   { $rows } rows after as-of (kept to check forecasts)
analyze-revenue = Revenue:   { $revenue }
analyze-cost-and-margin = { " " }· cost { $cost } · margin { $margin }
analyze-customers = Customers: { $count }
analyze-types = Types:     { $types }
analyze-basis-margin-ii = contribution margin II after cost to serve ({ $per_order } per order, { $per_line } per line)
analyze-basis-estimated-cost = , cost of goods estimated at a { $rate } margin
analyze-basis-fixed-costs = , fixed costs for { $count } customers
analyze-basis-margin = contribution margin
analyze-basis-revenue = revenue – the data has neither cost nor margin
analyze-top-customers = Top customers by current value ({ $basis }, { $from } – { $to })
analyze-col-customer = Customer
analyze-col-name = Name
analyze-col-current-value = Current value
analyze-col-total-revenue = Total revenue
analyze-col-orders = Orders
analyze-col-last-order = Last order
analyze-col-type = Type
analyze-col-future-value = Future value (80%)
analyze-col-active = Active
analyze-rows-rejected = { $count } rows rejected – details on stderr above
analyze-report-as-of = `--as-of { $date }` cannot be combined with `--report`: the report analyses every row up to the last transaction, as a workspace does
analyze-report-as-of-hint = leave `--as-of` out, or write the analysis as of that date with `kundenwert analyze FILES --as-of DATE --json`
