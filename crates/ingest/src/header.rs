//! Which column plays which [`Role`]: German and English header synonyms, matched case- and
//! punctuation-insensitively, with `--column ROLE=HEADER` overrides.

use kundenwert_core::Role;

/// Lower-cases, folds umlauts and drops everything but letters and digits:
/// `Kunden-Nr.` → `kundennr`, `Customer ID` → `customerid`.
pub fn normalize(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// Synonyms per role, already normalised, most specific first.
pub fn synonyms(role: Role) -> &'static [&'static str] {
    match role {
        Role::Customer => &[
            "kundennummer",
            "kundennr",
            "kdnr",
            "kundenid",
            "kdnummer",
            "debitorennummer",
            "debitorennr",
            "debitornr",
            "debitor",
            "customerid",
            "customerno",
            "customernumber",
            "custid",
            "clientid",
            "accountid",
            "accountnumber",
            "kunde",
            "customer",
        ],
        Role::Name => &[
            "kundenname",
            "kundenbezeichnung",
            "debitorname",
            "firmenname",
            "firma",
            "name1",
            "name",
            "customername",
            "companyname",
            "clientname",
            "company",
        ],
        Role::Date => &[
            "belegdatum",
            "rechnungsdatum",
            "buchungsdatum",
            "auftragsdatum",
            "lieferdatum",
            "bestelldatum",
            "datum",
            "invoicedate",
            "orderdate",
            "transactiondate",
            "documentdate",
            "postingdate",
            "salesdate",
            "date",
        ],
        Role::Revenue => &[
            "nettoumsatz",
            "umsatznetto",
            "umsatzohnesollhabenkz",
            "nettoerloes",
            "nettobetrag",
            "betragnetto",
            "nettowert",
            "umsatz",
            "erloes",
            "erloese",
            "betrag",
            "netrevenue",
            "revenue",
            "netsales",
            "sales",
            "netamount",
            "salesamount",
            "invoiceamount",
            "lineamount",
            "totalamount",
            "rechnungsbetrag",
            "amount",
            "linetotal",
        ],
        Role::Cost => &[
            "wareneinsatz",
            "einstandskosten",
            "einstandswert",
            "selbstkosten",
            "herstellkosten",
            "kosten",
            "ekwert",
            "einkaufswert",
            "cogs",
            "costofgoodssold",
            "costofgoods",
            "cost",
            "costs",
            "purchasecost",
        ],
        Role::Margin => &[
            "deckungsbeitrag",
            "db1",
            "dbi",
            "db",
            "rohertrag",
            "rohgewinn",
            "marge",
            "contributionmargin",
            "grossprofit",
            "grossmargin",
            "profit",
            "margin",
        ],
        Role::Quantity => &[
            "menge",
            "anzahl",
            "stueckzahl",
            "stueck",
            "stk",
            "quantity",
            "qty",
            "units",
        ],
        Role::UnitPrice => &[
            "einzelpreis",
            "stueckpreis",
            "nettopreis",
            "vkpreis",
            "verkaufspreis",
            "preis",
            "unitprice",
            "priceeach",
            "salesprice",
            "price",
        ],
        Role::Product => &[
            "artikelnummer",
            "artikelnr",
            "artnr",
            "artikel",
            "produktnummer",
            "produkt",
            "materialnummer",
            "material",
            "productid",
            "productcode",
            "product",
            "itemnumber",
            "itemno",
            "item",
            "stockcode",
            "sku",
        ],
        Role::Document => &[
            "belegnummer",
            "belegnr",
            "belegfeld1",
            "beleg",
            "rechnungsnummer",
            "rechnungsnr",
            "renr",
            "auftragsnummer",
            "auftragsnr",
            "lieferscheinnummer",
            "invoiceno",
            "invoicenumber",
            "invoiceid",
            "invoice",
            "orderid",
            "orderno",
            "ordernumber",
            "documentnumber",
            "documentno",
        ],
    }
}

/// The roles found in a header row: `(role, column index)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    columns: Vec<(Role, usize)>,
    /// `columns` by [`role_slot`], for the per-row lookups.
    by_role: [Option<usize>; Role::ALL.len()],
}

fn role_slot(role: Role) -> usize {
    Role::ALL.iter().position(|r| *r == role).unwrap_or(0)
}

impl ColumnMap {
    /// Column index of a role.
    pub fn get(&self, role: Role) -> Option<usize> {
        self.by_role[role_slot(role)]
    }

    /// `(role, column index)` pairs in role order.
    pub fn iter(&self) -> impl Iterator<Item = (Role, usize)> + '_ {
        self.columns.iter().copied()
    }

    /// Largest column index any role uses.
    pub fn max_index(&self) -> usize {
        self.columns.iter().map(|(_, i)| *i).max().unwrap_or(0)
    }

    fn set(&mut self, role: Role, index: usize) {
        self.columns.retain(|(r, i)| *r != role && *i != index);
        self.columns.push((role, index));
        self.columns.sort();
        self.by_role = [None; Role::ALL.len()];
        for (r, i) in &self.columns {
            self.by_role[role_slot(*r)] = Some(*i);
        }
    }
}

/// Why the `--column` overrides could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverrideError {
    /// An override names a header the file does not have.
    UnknownHeader {
        /// The role asked for.
        role: Role,
        /// The header that is not in the file.
        header: String,
    },
    /// Two overrides contradict each other.
    Conflict(ColumnConflict),
}

/// Two `--column` overrides that contradict each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnConflict {
    /// Two overrides name one column (by header or position) for two roles.
    ColumnTwice {
        /// The column's header in the file.
        column: String,
        /// The role named first.
        first: Role,
        /// The role named second.
        second: Role,
    },
    /// One role is given twice, for two different columns.
    RoleTwice {
        /// The role.
        role: Role,
        /// The first column's header in the file.
        first: String,
        /// The second column's header in the file.
        second: String,
    },
}

/// Maps headers to roles: overrides first, then exact synonym matches (in each role's order of
/// preference), then headers that start with a synonym (`Nettoumsatz EUR`).
///
/// # Errors
/// An override naming a header the file lacks, one column named for two roles, or one role
/// named for two columns: either would otherwise drop one of the user's overrides silently.
pub fn map_columns(
    headers: &[String],
    overrides: &[(Role, String)],
) -> Result<ColumnMap, OverrideError> {
    let normalized: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let mut map = ColumnMap::default();
    let mut taken = vec![false; headers.len()];
    for (role, wanted) in overrides {
        let wanted_norm = normalize(wanted);
        let index = headers
            .iter()
            .position(|h| h.trim() == wanted.trim())
            .or_else(|| normalized.iter().position(|h| *h == wanted_norm))
            .or_else(|| {
                // `#3` or a bare number picks a column by position (files without a header).
                let pos = wanted
                    .trim()
                    .trim_start_matches('#')
                    .parse::<usize>()
                    .ok()?;
                (1..=headers.len()).contains(&pos).then(|| pos - 1)
            })
            .ok_or_else(|| OverrideError::UnknownHeader {
                role: *role,
                header: wanted.clone(),
            })?;
        if let Some((first, _)) = map.iter().find(|(r, i)| *i == index && r != role) {
            return Err(OverrideError::Conflict(ColumnConflict::ColumnTwice {
                column: headers[index].clone(),
                first,
                second: *role,
            }));
        }
        if let Some(other) = map.get(*role).filter(|i| *i != index) {
            return Err(OverrideError::Conflict(ColumnConflict::RoleTwice {
                role: *role,
                first: headers[other].clone(),
                second: headers[index].clone(),
            }));
        }
        map.set(*role, index);
        taken[index] = true;
    }
    let overridden: Vec<Role> = overrides.iter().map(|(r, _)| *r).collect();
    for prefix_pass in [false, true] {
        for role in Role::ALL {
            if overridden.contains(&role) || map.get(role).is_some() {
                continue;
            }
            'syn: for syn in synonyms(role) {
                for (i, h) in normalized.iter().enumerate() {
                    let hit = if prefix_pass {
                        syn.len() >= 6 && h.starts_with(syn)
                    } else {
                        h == syn
                    };
                    if hit && !taken[i] {
                        map.set(role, i);
                        taken[i] = true;
                        break 'syn;
                    }
                }
            }
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn german_export() {
        let h = headers(&[
            "Belegnummer",
            "Kundennr.",
            "Kundenname",
            "Belegdatum",
            "Artikel",
            "Menge",
            "Einzelpreis",
            "Nettoumsatz",
            "Wareneinsatz",
        ]);
        let map = map_columns(&h, &[]).unwrap();
        assert_eq!(map.get(Role::Document), Some(0));
        assert_eq!(map.get(Role::Customer), Some(1));
        assert_eq!(map.get(Role::Name), Some(2));
        assert_eq!(map.get(Role::Date), Some(3));
        assert_eq!(map.get(Role::Product), Some(4));
        assert_eq!(map.get(Role::Quantity), Some(5));
        assert_eq!(map.get(Role::UnitPrice), Some(6));
        assert_eq!(map.get(Role::Revenue), Some(7));
        assert_eq!(map.get(Role::Cost), Some(8));
    }

    #[test]
    fn english_export_and_punctuation() {
        let h = headers(&[
            "InvoiceNo",
            "StockCode",
            "Quantity",
            "InvoiceDate",
            "UnitPrice",
            "Customer ID",
        ]);
        let map = map_columns(&h, &[]).unwrap();
        assert_eq!(map.get(Role::Document), Some(0));
        assert_eq!(map.get(Role::Product), Some(1));
        assert_eq!(map.get(Role::Quantity), Some(2));
        assert_eq!(map.get(Role::Date), Some(3));
        assert_eq!(map.get(Role::UnitPrice), Some(4));
        assert_eq!(map.get(Role::Customer), Some(5));
        assert_eq!(map.get(Role::Revenue), None);
        assert_eq!(normalize("Kunden-Nr."), "kundennr");
        assert_eq!(normalize("Stückpreis"), "stueckpreis");
    }

    #[test]
    fn overrides_win_and_unknown_headers_are_named() {
        let h = headers(&["customer_id", "date", "number_of_cds", "dollar_value"]);
        let map = map_columns(&h, &[(Role::Revenue, "dollar_value".into())]).unwrap();
        assert_eq!(map.get(Role::Revenue), Some(3));
        assert_eq!(map.get(Role::Customer), Some(0));
        let err = map_columns(&h, &[(Role::Cost, "Kosten".into())]).unwrap_err();
        assert_eq!(
            err,
            OverrideError::UnknownHeader {
                role: Role::Cost,
                header: "Kosten".into()
            }
        );
    }

    /// Overrides that contradict each other are refused, never half applied; the same
    /// override twice (one column, by header and by position) is no contradiction.
    #[test]
    fn contradicting_overrides_are_named() {
        let h = headers(&["Kunde", "Datum", "Umsatz", "Netto"]);
        type Case<'a> = (&'a [(Role, &'a str)], Result<(), OverrideError>);
        let cases: [Case; 4] = [
            (
                &[(Role::Customer, "Kunde"), (Role::Revenue, "#1")],
                Err(OverrideError::Conflict(ColumnConflict::ColumnTwice {
                    column: "Kunde".into(),
                    first: Role::Customer,
                    second: Role::Revenue,
                })),
            ),
            (
                &[(Role::Revenue, "Umsatz"), (Role::Revenue, "netto")],
                Err(OverrideError::Conflict(ColumnConflict::RoleTwice {
                    role: Role::Revenue,
                    first: "Umsatz".into(),
                    second: "Netto".into(),
                })),
            ),
            (&[(Role::Revenue, "Umsatz"), (Role::Revenue, "#3")], Ok(())),
            (&[(Role::Revenue, "Netto"), (Role::Cost, "Umsatz")], Ok(())),
        ];
        for (overrides, want) in cases {
            let overrides: Vec<(Role, String)> =
                overrides.iter().map(|(r, h)| (*r, h.to_string())).collect();
            let got = map_columns(&h, &overrides).map(|_| ());
            assert_eq!(got, want, "{overrides:?}");
        }
    }

    #[test]
    fn prefix_match_for_decorated_headers() {
        let h = headers(&["Kunde", "Datum", "Nettoumsatz EUR"]);
        let map = map_columns(&h, &[]).unwrap();
        assert_eq!(map.get(Role::Revenue), Some(2));
    }
}
