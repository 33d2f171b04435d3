## The workspace (SQLite store).

store-open = cannot open the workspace `{ $path }`: { $error }
store-open-hint = check that the directory exists and is writable
store-schema-too-new = the workspace `{ $path }` has schema version { $found }; this version of Kundenwert knows up to { $known }
store-schema-too-new-hint = update Kundenwert; the workspace was written by a newer version
store-migration = cannot upgrade the workspace `{ $path }` to schema version { $version }: { $error }
store-invalid-row = row { $row } of `{ $path }` cannot be stored: { $reason }
store-invalid-row-nothing-imported = row { $row } of `{ $path }` cannot be stored: { $reason }; nothing was imported
store-read-failed = reading `{ $path }` failed; nothing was imported
store-attempts-interleaved = the reader of `{ $path }` went back to an earlier reading attempt; nothing was imported
store-temp-file = cannot use a temporary file to sort the import: { $error }; nothing was imported
store-temp-file-hint = check the free space in the temporary directory (TMPDIR)
store-invalid-document = the { $kind } `{ $name }` is not a JSON document: { $message }
store-corrupt-row = a stored transaction (id { $id }) is unreadable: { $message }
store-database = workspace database error: { $error }
store-disk-full = the workspace cannot grow, the disk is full ({ $error }); nothing was changed
store-disk-io = the workspace file could not be written or read ({ $error }); nothing was changed
store-disk-hint = free space on the workspace's disk (or lift a limit on the file's size) and run the command again
store-row-not-finite = revenue, cost or quantity is not a finite number
store-row-empty-customer = the customer number is empty
store-row-date-out-of-range = the date's year is not between 0 and 9999
store-user-exists = the user `{ $name }` exists already (names are compared regardless of case)
store-user-exists-hint = choose another name, or change the existing user's password or role
store-token-exists = the user has a token named `{ $name }` already
store-token-exists-hint = choose another name, or revoke the existing token first
