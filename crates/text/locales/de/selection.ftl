## The customer selection language (`type=growth and future_value>10000`).

selection-empty = die Auswahl ist leer
selection-unknown-field = unbekanntes Feld '{ $name }'; Felder: { $fields }
selection-expected-operator = erwartet ein Vergleichszeichen (= != < <= > >= ~ in), gefunden { $found }
selection-expected-value = nach '{ $after }' fehlt ein Wert
selection-expected-field = erwartet ein Feld ({ $fields }), gefunden { $found }
selection-not-a-number = '{ $value }' ist keine Zahl ({ $field } ist ein Zahlenfeld)
selection-ambiguous-number = '{ $value }' ist mehrdeutig: Tausender als { $int } schreiben (oder mit '_' gruppieren), eine Dezimalzahl als { $value }0
selection-operator-not-for-field = '{ $op }' passt nicht zum Feld { $field }
selection-unclosed-quote = das Anführungszeichen wird nicht geschlossen
selection-expected-close = erwartet ')', gefunden { $found }
selection-expected-open-after-in = nach 'in' fehlt '('
selection-trailing = unerwartet { $found } (fehlt 'and' oder 'or'?)
selection-too-deep = mehr als 64 Ebenen aus Klammern oder 'not' geschachtelt
selection-unexpected-char = unerwartetes Zeichen '{ $found }'
selection-error-at = bei Spalte { $column }: { $what }
