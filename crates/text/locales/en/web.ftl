## The web workbench (`kundenwert serve`): layout, login, errors, dashboard, customer list and page.

web-serve-listening = Kundenwert workbench at { $url }
web-serve-first-admin = First login: user `{ $name }`, password `{ $password }` (change it under Settings)
web-serve-refreshing = The stored analysis is out of date; recomputing it in the background.
web-title = Kundenwert
web-skip-to-content = Skip to content
web-nav-dashboard = Overview
web-nav-customers = Customers
web-nav-chains = Chains
web-nav-plans = Focus plans
web-nav-import = Import
web-nav-settings = Settings
web-nav-logout = Log out
web-nav-language = Deutsch
web-signed-in-as = Signed in as { $name } ({ $role })
web-role-admin = administrator
web-role-editor = editor
web-role-viewer = viewer

web-login-title = Log in
web-login-username = User name
web-login-password = Password
web-login-submit = Log in
web-login-failed = User name or password is wrong.
web-login-throttled = Too many failed attempts. Try again in a minute.
web-logged-out = You are logged out.

web-error-not-found = Not found
web-error-not-found-text = There is no such page: `{ $path }`.
web-error-forbidden = Not allowed
web-error-forbidden-text = Your role may not do this. Ask an administrator.
web-error-cross-site = This request came from another site and was refused.
web-error-internal = Something went wrong
web-error-internal-text = The workbench could not answer. The server log says why.
web-error-bad-request = This request cannot be answered
web-back-home = Back to the overview

web-no-analysis = The workspace holds no analysis yet. Import an export first.
web-analysis-stale = The analysis is being brought up to date; the figures shown are from { $computed }.
web-analysis-as-of = Analysis as of { $as_of }, { $customers } customers, computed { $computed }.

web-dashboard-title = Overview
web-dashboard-types = Customer types
web-dashboard-types-desc = Customers per type: { $summary }.
web-dashboard-portfolio = Portfolio: current × future value
web-dashboard-portfolio-desc = { $count } customers by current value (across) and future value (up); the lines mark the medians.
web-dashboard-whale = Whale curve
web-dashboard-whale-desc = Cumulative share of the margin by share of customers, best first: the peak is { $peak } at { $at } of customers.
web-dashboard-abc = ABC classes
web-dashboard-report = Report to hand on
web-dashboard-report-html = Report (HTML, to print or mail)
web-dashboard-report-pdf = Report (PDF, pages to print)
web-dashboard-report-xlsx = Workbook (Excel, every customer with their months)
web-dashboard-abc-desc = Customers and share of the current value per ABC class: { $summary }.
web-dashboard-movers = Biggest movers from { $from } to { $to }
web-dashboard-no-migration = The history is too short to compare types with a year before.
web-dashboard-quadrant-stars = high now, high later
web-dashboard-quadrant-potential = low now, high later
web-dashboard-quadrant-harvest = high now, low later
web-dashboard-quadrant-question = low now, low later
web-col-customers = Customers
web-col-share = Share of value
web-col-type-then = Type then
web-col-type-now = Type now

web-customers-title = Customers
web-customers-filter = Filter
web-customers-search = Search number or name
web-customers-type = Type
web-customers-status = Status
web-customers-abc = ABC
web-customers-any = any
web-customers-min = from
web-customers-max = to
web-customers-apply = Apply
web-customers-reset = Reset
web-customers-columns = Columns
web-customers-count = { $count } customers
web-customers-count-capped = more than { $count } customers
web-customers-none = No customer matches.
web-customers-next = Next page
web-customers-first = First page
web-customers-export = Export what is shown
web-customers-save-view = Save view as
web-customers-saved-views = Saved views
web-customers-view-saved = View saved `{ $name }`
web-customers-sort-by = Sort by { $column }

web-col-number = Number
web-col-name = Name
web-col-type = Type
web-col-confidence = Confidence
web-col-status = Status
web-col-abc = ABC
web-col-current-value = Current value
web-col-future-value = Future value
web-col-future-range = Range (80 %)
web-col-p-alive = P(alive)
web-col-revenue = Revenue
web-col-margin = Margin
web-col-orders = Orders
web-col-last-order = Last order
web-col-first-order = First order
web-col-expected-purchases = Expected purchases
web-col-month = Month
web-col-source = Forecast from

web-status-active = active
web-status-dormant = dormant
web-status-lost = lost
web-status-one-time = one-time

web-customer-title = Customer { $number }
web-customer-not-found = There is no customer `{ $number }` in the stored analysis.
web-customer-why = Why { $kind }
web-customer-chart = Monthly margin
web-customer-chart-desc = Margin per month from { $from } to { $to }, with the forecast of { $future } over the horizon and its 80 % range.
web-customer-figures = Key figures
web-customer-months = Months with business
web-customer-in-chains = In chains
web-customer-in-plans = In focus plans
web-customer-none = none
web-customer-previous = Previous
web-customer-next = Next
web-customer-back-to-list = Back to the list
web-customer-forecast = forecast
web-customer-range = 80 % range
web-customer-lines = Invoice lines
web-customer-lines-shown = The newest { $shown } of { $total } lines.
web-customer-lines-all = { $total ->
    [one] One line.
   *[other] All { $total } lines.
}
web-customer-lines-pending = The invoice lines are being indexed after the last import; they appear here in a moment.
web-col-date = Date
web-col-document = Document
web-col-position = Line
web-col-product = Product
web-col-quantity = Quantity
web-col-cost = Cost

web-healthz-ok = ok

web-password-too-short = The password must have at least { $min } characters.
    hint: choose a longer one, e.g. four unrelated words
web-user-name-invalid = `{ $name }` cannot be a user name: 1 to 64 letters, digits, `.`, `_`, `-` or `@`.
    hint: e.g. `anna.schmidt`
web-no-such-user = There is no user `{ $name }`.
    hint: `kundenwert user list` shows them
web-password-missing = No password on stdin.
web-password-missing-hint = e.g. `printf '%s\n' 'four unrelated words here' | kundenwert user add anna --role editor`
web-user-added = User `{ $name }` added ({ $role }).
web-user-password-set = Password of `{ $name }` set.
web-user-role-set = `{ $name }` is now { $role }.
web-user-removed = User `{ $name }` removed; their sessions and tokens ended.
web-token-no-admin = There is no administrator whose role a token could carry.
web-token-no-admin-hint = name a user with `--user NAME`, or add an administrator with `kundenwert user add NAME --role admin`
web-token-created = Token `{ $name }` for `{ $user }` (shown once; send it as `Authorization: Bearer …`):
web-token-no-such = There is no token with id { $id }.
web-token-revoked = Token { $id } revoked.

web-chart-no-data = No data yet.
web-chart-share-of-customers = Share of customers (best first)
web-chart-share-of-margin = Cumulative share of margin
web-chart-past = Margin per month
web-chart-abc-customers = Share of customers
web-chart-abc-value = Share of current value
web-chart-share = Share
