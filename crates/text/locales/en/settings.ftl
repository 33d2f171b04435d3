## Settings of the workspace and the yearly fixed costs per customer.

settings-listed-hint = `kundenwert settings show` lists every setting with its value; `config/kundenwert.toml` explains them
settings-unknown-key = unknown setting `{ $key }`
settings-not-settable = `{ $key }` cannot be set on its own
settings-not-settable-hint = change it in a file and take that with `kundenwert settings import FILE.toml`
settings-did-you-mean = did you mean `{ $suggestion }`?

fixed-costs-read-hint = name a CSV file with customer number and fixed cost per year
fixed-costs-bad-line = { $path }:{ $line }: `{ $customer }`/`{ $amount }` is not a customer number with an amount ≥ 0
fixed-costs-bad-lines-hint = one customer number and yearly fixed cost per line, e.g. `10007,1200.00`

settings-cannot-read = cannot read `{ $path }`: { $error }
settings-defaults = defaults
settings-show-title = Settings of the workspace `{ $path }` (* = differs from the default)
settings-not-set = (not set)
settings-stored = Setting stored: { $key } = { $value }
settings-imported = Settings taken from `{ $path }` · { $changed }
