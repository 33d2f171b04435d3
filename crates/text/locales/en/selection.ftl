## The customer selection language (`type=growth and future_value>10000`).

selection-empty = the selection is empty
selection-unknown-field = unknown field '{ $name }'; fields: { $fields }
selection-expected-operator = expected an operator (= != < <= > >= ~ in), found { $found }
selection-expected-value = expected a value after '{ $after }'
selection-expected-field = expected a field ({ $fields }), found { $found }
selection-not-a-number = '{ $value }' is not a number ({ $field } is a number field)
selection-ambiguous-number = '{ $value }' is ambiguous: write { $int } (or group digits with '_') for thousands, { $value }0 for a decimal
selection-operator-not-for-field = '{ $op }' does not apply to the field { $field }
selection-unclosed-quote = the quote is never closed
selection-expected-close = expected ')', found { $found }
selection-expected-open-after-in = expected '(' after 'in'
selection-trailing = unexpected { $found } (missing 'and' or 'or'?)
selection-too-deep = nested deeper than 64 levels of parentheses or 'not'
selection-unexpected-char = unexpected character '{ $found }'
selection-error-at = at { $column }: { $what }
