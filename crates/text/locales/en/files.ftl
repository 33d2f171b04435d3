## Problems in chain and plan files (YAML/JSON), shared by both.

file-whole-document = file: { $what }
file-syntax-error = file not readable (syntax error): { $message }
file-missing-required = missing (required)
file-unknown-key = unknown key; allowed: { $allowed }
file-unknown-key-did-you-mean = unknown key (did you mean '{ $suggestion }'?); allowed: { $allowed }
file-duplicate-key = key appears twice
file-not-one-of = '{ $value }' is not one of { $allowed }
file-wrong-type = expected { $expected }, found { $found }
file-not-between = { $value } is not between { $min } and { $max }
file-less-than = { $value } is less than { $min }
file-bad-date = '{ $value }' is not a date of the form YYYY-MM-DD
file-must-not-be-empty = must not be empty
file-expected-whole-number = a whole number
file-expected-list = a list
file-expected-mapping = a mapping (key: value)
file-not-utf8 = `{ $path }` is not UTF-8 text
file-invalid-chain = the chain is not valid ({ $count } { $count ->
    [one] problem
   *[other] problems
}):
file-invalid-plan = the plan is not valid ({ $count } { $count ->
    [one] problem
   *[other] problems
}):
file-invalid-nothing-stored = nothing was stored; each problem names the allowed values

# A file the command itself reads or writes (the system's reason follows after a colon).
file-cannot-read = cannot read `{ $path }`
file-cannot-write = cannot write `{ $path }`
file-cannot-create = cannot create `{ $path }`
