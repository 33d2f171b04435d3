## The workspace as the CLI opens, reads and analyses it.

workspace-missing = the workspace `{ $path }` does not exist
workspace-missing-hint = import data first with `kundenwert import FILE`, or name files directly: `kundenwert analyze FILE`
workspace-empty = the workspace `{ $path }` holds no transactions yet
workspace-empty-hint = import data with `kundenwert import FILE`
workspace-step-reading = Analysis: reading transactions
workspace-step-backtest = Analysis: backtest
workspace-step-types = Analysis: customer types
workspace-step-forecast = Analysis: forecast
workspace-step-storing = Analysis: storing
workspace-unknown-fixed-cost-customers = fixed costs for customers without transactions in the data: { $count }
workspace-refreshed = Workspace analysis brought up to date: { $customers } customers, { $as_of } as of
workspace-analysis-line = Analysis as of { $as_of } · settings: { $settings }
