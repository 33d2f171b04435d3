## The workspace (SQLite store).

store-open = der Arbeitsbereich `{ $path }` kann nicht geöffnet werden: { $error }
store-open-hint = prüfen, ob das Verzeichnis existiert und beschreibbar ist
store-schema-too-new = der Arbeitsbereich `{ $path }` hat Schema-Version { $found }; diese Kundenwert-Version kennt höchstens { $known }
store-schema-too-new-hint = Kundenwert aktualisieren; der Arbeitsbereich wurde von einer neueren Version angelegt
store-migration = der Arbeitsbereich `{ $path }` kann nicht auf Schema-Version { $version } gebracht werden: { $error }
store-invalid-row = Zeile { $row } aus `{ $path }` kann nicht gespeichert werden: { $reason }
store-invalid-row-nothing-imported = Zeile { $row } aus `{ $path }` kann nicht gespeichert werden: { $reason }; nichts wurde importiert
store-read-failed = `{ $path }` konnte nicht gelesen werden; nichts wurde importiert
store-attempts-interleaved = der Leser von `{ $path }` ist zu einem früheren Leseversuch zurückgekehrt; nichts wurde importiert
store-temp-file = eine temporäre Datei zum Sortieren des Imports ist nicht nutzbar: { $error }; nichts wurde importiert
store-temp-file-hint = freien Platz im temporären Verzeichnis prüfen (TMPDIR)
store-invalid-document = { $kind ->
    [chain] Kette
   *[other] Plan
} `{ $name }` ist kein JSON-Dokument: { $message }
store-corrupt-row = ein gespeicherter Umsatz (id { $id }) ist nicht lesbar: { $message }
store-database = Datenbankfehler im Arbeitsbereich: { $error }
store-disk-full = der Arbeitsbereich kann nicht wachsen, der Datenträger ist voll ({ $error }); nichts wurde geändert
store-disk-io = die Datei des Arbeitsbereichs konnte nicht geschrieben oder gelesen werden ({ $error }); nichts wurde geändert
store-disk-hint = Platz auf dem Datenträger des Arbeitsbereichs schaffen (oder eine Größengrenze der Datei aufheben) und den Befehl wiederholen
store-row-not-finite = Umsatz, Kosten oder Menge ist keine endliche Zahl
store-row-empty-customer = die Kundennummer ist leer
store-row-date-out-of-range = das Jahr des Datums liegt nicht zwischen 0 und 9999
store-user-exists = den Benutzer `{ $name }` gibt es schon (bei Namen zählt Groß- und Kleinschreibung nicht)
store-user-exists-hint = einen anderen Namen wählen oder Passwort bzw. Rolle des vorhandenen Benutzers ändern
store-token-exists = der Benutzer hat schon ein Token namens `{ $name }`
store-token-exists-hint = einen anderen Namen wählen oder das vorhandene Token zuerst widerrufen
