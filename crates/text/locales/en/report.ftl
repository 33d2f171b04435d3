## Reports (`kundenwert report`, `analyze --report`): the HTML report, the workbook's sheets and headers, the command's messages.

report-title = Customer value report
report-meta = Analysis as of { $as_of }: { $customers } customers, computed { $computed } by Kundenwert { $version }.
report-contents = Contents
report-lang-note = Values in euros; ranges are 80 % ranges.

report-summary = Summary
report-summary-customers = Customers
report-summary-current = Current value (last 12 months)
report-summary-future = Future value (next { $months } months)
report-basis-margin = Values are contribution margin (revenue minus cost) of the 12 months ending with the as-of month.
report-basis-revenue = Values are revenue: the data has no cost or margin.
report-margin-estimated = The margin is estimated with an assumed margin rate.
report-settings = Settings used
report-settings-defaults = Every setting at its default.
report-settings-typology-defaults = The typology's thresholds (`typology.*`) are at their defaults, except those listed here.
report-setting = Setting
report-setting-value = Value

report-model = Forecast model
report-model-chosen = The future value comes from { $model }, the purchase model that predicted best, with Gamma-Gamma for the spend per purchase; per customer type the method that came closest in the backtest is used.
report-model-none = No purchase model could be fitted: the future values come from each customer's type projection.
report-model-backtest = The same forecast made as of { $as_of } for { $customers } customers came to { $ratio } of what they then bought; { $coverage } of them stayed within their 80 % range.
report-model-no-backtest = The history is too short for a backtest: the forecast could not be held against the past.

report-types = Customer types
report-portfolio = Portfolio: current × future value
report-portfolio-split = The lines lie at the medians: current value { $current }, future value { $future }.
report-quadrant = Quadrant
report-whale = Whale curve
report-whale-negative = { $count } customers ({ $share }) have a negative margin over their history, together { $value }.
report-whale-total = The customers' margins over their whole history add up to { $total }; the best { $at } of customers bring { $peak } of it.
report-abc = ABC classes
report-abc-cutoffs = A: the customers that make up the first { $a } of the positive current value, B: up to { $b }, C: the rest.
report-abc-class = Class

report-migration = Type migration from { $from } to { $to }
report-migration-intro = Rows: type on { $from }; columns: type on { $to }. { $new } customers had no business by { $from }.
report-migration-then-now = then ＼ now
report-migration-movers = Biggest movers ({ $shown } of { $total } customers whose type changed)
report-migration-none = The history is too short to compare types with a year before.

report-customers = Customers by type
report-customers-top = The { $shown } customers with the largest future value of { $total }; the workbook (`.xlsx`) lists every customer.
report-plan-top = The { $shown } customers with the largest future value of { $total }; the total counts all of them. The HTML export (`kundenwert plan export --format html`) and the web workbench list every one.
report-customers-all = { $total } customers.

report-chains = Problem-solving chains
report-chains-none = The workspace holds no problem-solving chain.
report-chain-gaps = Contact gaps
report-plans = Focus plans
report-plans-none = The workspace holds no focus plan.

report-col-number = Number
report-col-name = Name
report-col-type = Type
report-col-reason = Reason
report-col-status = Status
report-col-abc = ABC
report-col-customers = Customers
report-col-share = Share
report-col-revenue = Revenue
report-col-margin = Margin
report-col-current = Current value
report-col-future = Future value
report-col-future-low = Future value, low
report-col-future-high = Future value, high
report-col-range = Range (80 %)
report-col-p-alive = P(alive)
report-col-orders = Orders
report-col-first-order = First order
report-col-last-order = Last order
report-col-source = Forecast from
report-col-type-then = Type then
report-col-type-now = Type now

report-sheet-summary = Summary
report-sheet-customers = Customers
report-sheet-months = Value per month
report-sheet-months-note = The value of each month: margin, or revenue where the data has no cost.
report-sheet-item = Item
report-sheet-as-of = As of
report-sheet-computed = Computed
report-sheet-model = Model
report-sheet-value-basis = Value basis
report-sheet-truncated = Excel holds { $max } rows a sheet: { $left } customers are left out; the HTML report and `kundenwert select` show them.

report-cmd-written = Report written: { $path }
report-cmd-unknown-format = `{ $ext }` is not a report format
report-cmd-unknown-format-hint = name the file `.html` (the report to read and print), `.pdf` (the same report in pages) or `.xlsx` (the workbook with every customer)
report-cmd-no-extension = `{ $path }` has no extension to tell the report's format by
report-cmd-pdf-not-built = this kundenwert was built without PDF support: `{ $path }`
report-cmd-pdf-not-built-hint = build it with its default features (the `pdf` feature), or write `.html` and print it to PDF from the browser
report-cmd-no-analysis = the workspace holds no analysis to report on
report-cmd-no-analysis-hint = import an export first: `kundenwert import EXPORT.csv`
