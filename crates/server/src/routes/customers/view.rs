//! The customer list's view state — filters, search, sort, columns and the page's position —
//! as it travels in the URL (shareable, bookmarkable, storable as a saved view), and as the
//! store's query.

use kundenwert_core::{CustomerType, Lang};
use kundenwert_store::{Column, Comparison, Cursor, CustomerQuery, Filter, FilterValue};
use kundenwert_text as t;

use crate::page::urlencode;

/// Rows per page.
pub const PAGE_SIZE: u64 = 50;

/// A column the list can show and sort by: its URL id, the store's column and whether it holds
/// a figure (right-aligned, largest first by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListColumn {
    /// Id in the URL (`future_value`).
    pub id: &'static str,
    /// The store's column.
    pub column: Column,
    /// A figure (sorts descending first, right-aligned).
    pub numeric: bool,
}

/// Every column of the list, in display order.
pub const COLUMNS: [ListColumn; 13] = [
    ListColumn {
        id: "number",
        column: Column::Number,
        numeric: false,
    },
    ListColumn {
        id: "name",
        column: Column::Name,
        numeric: false,
    },
    ListColumn {
        id: "type",
        column: Column::Type,
        numeric: false,
    },
    ListColumn {
        id: "confidence",
        column: Column::Confidence,
        numeric: true,
    },
    ListColumn {
        id: "status",
        column: Column::Status,
        numeric: false,
    },
    ListColumn {
        id: "abc",
        column: Column::Abc,
        numeric: false,
    },
    ListColumn {
        id: "current_value",
        column: Column::CurrentValue,
        numeric: true,
    },
    ListColumn {
        id: "future_value",
        column: Column::FutureValue,
        numeric: true,
    },
    ListColumn {
        id: "p_alive",
        column: Column::PAlive,
        numeric: true,
    },
    ListColumn {
        id: "revenue",
        column: Column::Revenue,
        numeric: true,
    },
    ListColumn {
        id: "margin",
        column: Column::Margin,
        numeric: true,
    },
    ListColumn {
        id: "orders",
        column: Column::Orders,
        numeric: true,
    },
    ListColumn {
        id: "last_order",
        column: Column::LastOrder,
        numeric: false,
    },
];

/// The columns shown when the URL names none.
pub const DEFAULT_COLUMNS: [&str; 9] = [
    "number",
    "name",
    "type",
    "status",
    "abc",
    "current_value",
    "future_value",
    "p_alive",
    "last_order",
];

/// The status ids a filter offers.
pub const STATUSES: [&str; 4] = ["active", "dormant", "lost", "one_time"];

/// A column by its URL id.
pub fn column(id: &str) -> Option<ListColumn> {
    COLUMNS.iter().copied().find(|c| c.id == id)
}

/// A column's heading.
pub fn heading(id: &str, lang: Lang) -> &'static str {
    match id {
        "number" => t::web_col_number(lang),
        "name" => t::web_col_name(lang),
        "type" => t::web_col_type(lang),
        "confidence" => t::web_col_confidence(lang),
        "status" => t::web_col_status(lang),
        "abc" => t::web_col_abc(lang),
        "current_value" => t::web_col_current_value(lang),
        "future_value" => t::web_col_future_value(lang),
        "p_alive" => t::web_col_p_alive(lang),
        "revenue" => t::web_col_revenue(lang),
        "margin" => t::web_col_margin(lang),
        "orders" => t::web_col_orders(lang),
        _ => t::web_col_last_order(lang),
    }
}

/// A status's name for readers.
pub fn status_label(id: &str, lang: Lang) -> &'static str {
    match id {
        "active" => t::web_status_active(lang),
        "dormant" => t::web_status_dormant(lang),
        "lost" => t::web_status_lost(lang),
        _ => t::web_status_one_time(lang),
    }
}

/// The list's state as the URL carries it (every field optional; unknown values are ignored
/// rather than refused, so an old bookmark still opens).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ListView {
    /// Search over number and name.
    pub q: String,
    /// Type ids, comma-separated.
    #[serde(rename = "type")]
    pub types: String,
    /// Status ids, comma-separated.
    pub status: String,
    /// ABC classes, comma-separated.
    pub abc: String,
    /// Current value from.
    pub cv_min: String,
    /// Current value to.
    pub cv_max: String,
    /// Future value from.
    pub fv_min: String,
    /// Future value to.
    pub fv_max: String,
    /// Sort column id.
    pub sort: String,
    /// `asc` or `desc`.
    pub dir: String,
    /// Shown column ids, comma-separated.
    pub cols: String,
    /// Continue after the row with this id.
    pub after: String,
}

fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|v| !v.is_empty())
}

/// A number typed by a German or English reader (`10.000`, `10,000`, `1.234,5`, `1234.5`).
pub fn parse_amount(s: &str) -> Option<f64> {
    let s = s.trim().replace([' ', '\u{a0}', '€'], "");
    if s.is_empty() {
        return None;
    }
    let cleaned = match (s.rfind(','), s.rfind('.')) {
        (Some(c), Some(d)) if c > d => s.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => s.replace(',', ""),
        // One kind of separator: three digits after it and more than one of it, or exactly
        // three digits after a single one, read as thousands (`10.000`, `1,000`).
        (Some(c), None) if s.matches(',').count() > 1 || s.len() - c - 1 == 3 => s.replace(',', ""),
        (Some(_), None) => s.replace(',', "."),
        (None, Some(d)) if s.matches('.').count() > 1 || s.len() - d - 1 == 3 => s.replace('.', ""),
        _ => s,
    };
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

impl ListView {
    /// The view of a URL query. Repeated `col=` (the column chooser's checkboxes without
    /// JavaScript) add up to `cols`; what cannot be read is left at its default.
    pub fn parse(query: Option<&str>) -> ListView {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
        let mut view = ListView::default();
        let mut chosen = Vec::new();
        for (key, value) in pairs {
            let field = match key.as_str() {
                "q" => &mut view.q,
                "type" => &mut view.types,
                "status" => &mut view.status,
                "abc" => &mut view.abc,
                "cv_min" => &mut view.cv_min,
                "cv_max" => &mut view.cv_max,
                "fv_min" => &mut view.fv_min,
                "fv_max" => &mut view.fv_max,
                "sort" => &mut view.sort,
                "dir" => &mut view.dir,
                "cols" => &mut view.cols,
                "after" => &mut view.after,
                "col" => {
                    chosen.push(value);
                    continue;
                }
                _ => continue,
            };
            *field = value;
        }
        if !chosen.is_empty() {
            view.cols = chosen.join(",");
        }
        view
    }

    /// The sort column (default: current value).
    pub fn sort_column(&self) -> ListColumn {
        column(&self.sort).unwrap_or(COLUMNS[6])
    }

    /// Whether the sort is descending (default: figures descending, text ascending).
    pub fn descending(&self) -> bool {
        match self.dir.as_str() {
            "asc" => false,
            "desc" => true,
            _ => self.sort_column().numeric,
        }
    }

    /// The shown columns' ids.
    pub fn columns(&self) -> Vec<&'static str> {
        let chosen: Vec<&'static str> = list(&self.cols).filter_map(column).map(|c| c.id).collect();
        if chosen.is_empty() {
            DEFAULT_COLUMNS.to_vec()
        } else {
            chosen
        }
    }

    /// Whether a type id is among the filter's.
    pub fn has_type(&self, id: &str) -> bool {
        list(&self.types).any(|v| v == id)
    }

    /// Whether a status id is among the filter's.
    pub fn has_status(&self, id: &str) -> bool {
        list(&self.status).any(|v| v == id)
    }

    /// Whether an ABC class is among the filter's.
    pub fn has_abc(&self, id: &str) -> bool {
        list(&self.abc).any(|v| v.eq_ignore_ascii_case(id))
    }

    /// Whether a column is shown.
    pub fn shows(&self, id: &str) -> bool {
        self.columns().contains(&id)
    }

    /// The store's filter for the view (`None` without conditions).
    pub fn filter(&self) -> Option<Filter> {
        let mut all = Vec::new();
        let text_in = |c: Column, values: Vec<&str>| Filter::In {
            column: c,
            values: values
                .into_iter()
                .map(|v| FilterValue::Text(v.to_owned()))
                .collect(),
        };
        let types: Vec<&str> = list(&self.types)
            .filter(|v| CustomerType::from_id(v).is_some())
            .collect();
        if !types.is_empty() {
            all.push(text_in(Column::Type, types));
        }
        let statuses: Vec<&str> = list(&self.status)
            .filter(|v| STATUSES.contains(v))
            .collect();
        if !statuses.is_empty() {
            all.push(text_in(Column::Status, statuses));
        }
        let abc: Vec<&str> = list(&self.abc)
            .filter(|v| ["A", "B", "C"].iter().any(|c| c.eq_ignore_ascii_case(v)))
            .collect();
        if !abc.is_empty() {
            all.push(text_in(Column::Abc, abc));
        }
        for (text, column, op) in [
            (&self.cv_min, Column::CurrentValue, Comparison::Ge),
            (&self.cv_max, Column::CurrentValue, Comparison::Le),
            (&self.fv_min, Column::FutureValue, Comparison::Ge),
            (&self.fv_max, Column::FutureValue, Comparison::Le),
        ] {
            if let Some(v) = parse_amount(text) {
                all.push(Filter::Compare {
                    column,
                    op,
                    value: FilterValue::Number(v),
                });
            }
        }
        match all.len() {
            0 => None,
            1 => all.pop(),
            _ => Some(Filter::And(all)),
        }
    }

    /// The store's query for one page after `cursor` (`limit` rows; one more is asked to know
    /// whether a next page exists).
    pub fn query(&self, cursor: Option<Cursor>, limit: u64) -> CustomerQuery {
        let q = self.q.trim();
        CustomerQuery {
            filter: self.filter(),
            search: (!q.is_empty()).then(|| q.to_owned()),
            sort: self.sort_column().column,
            descending: self.descending(),
            after: cursor,
            limit: Some(limit),
        }
    }

    /// The id of the row the page continues after.
    pub fn after_id(&self) -> Option<i64> {
        self.after.trim().parse().ok()
    }

    /// The URL query of this view (empty fields left out), without the page position.
    pub fn state(&self) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("q", &self.q),
            ("type", &self.types),
            ("status", &self.status),
            ("abc", &self.abc),
            ("cv_min", &self.cv_min),
            ("cv_max", &self.cv_max),
            ("fv_min", &self.fv_min),
            ("fv_max", &self.fv_max),
            ("sort", &self.sort),
            ("dir", &self.dir),
            ("cols", &self.cols),
        ] {
            if !value.trim().is_empty() {
                parts.push(format!("{key}={}", urlencode(value.trim())));
            }
        }
        parts.join("&")
    }

    /// The URL query sorting by `id`: the other direction when it sorts by it already.
    pub fn sorted_by(&self, id: &str) -> String {
        let mut v = self.clone();
        let same = self.sort_column().id == id;
        v.sort = id.to_owned();
        let natural = column(id).is_some_and(|c| c.numeric);
        let descending = if same { !self.descending() } else { natural };
        v.dir = if descending { "desc" } else { "asc" }.to_owned();
        v.after.clear();
        v.state()
    }

    /// `aria-sort` of a column's heading.
    pub fn aria_sort(&self, id: &str) -> &'static str {
        if self.sort_column().id != id {
            "none"
        } else if self.descending() {
            "descending"
        } else {
            "ascending"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_german_and_english_readers_type_them() {
        let cases = [
            ("10000", Some(10000.0)),
            ("10.000", Some(10000.0)),
            ("10,000", Some(10000.0)),
            ("1.234,5", Some(1234.5)),
            ("1,234.5", Some(1234.5)),
            ("12,5", Some(12.5)),
            ("12.5", Some(12.5)),
            ("1.000.000", Some(1_000_000.0)),
            ("-500", Some(-500.0)),
            ("5 000 €", Some(5000.0)),
            ("", None),
            ("abc", None),
            ("1e999", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_amount(text), expected, "{text}");
        }
    }

    #[test]
    fn the_view_round_trips_through_its_url() {
        let view = ListView {
            q: "Müller & Söhne".into(),
            types: "growth,bell".into(),
            sort: "future_value".into(),
            dir: "desc".into(),
            ..ListView::default()
        };
        assert_eq!(ListView::parse(Some(&view.state())), view);
        let chosen = ListView::parse(Some("col=name&col=margin&q=x"));
        assert_eq!(chosen.cols, "name,margin");
        assert_eq!(chosen.columns(), vec!["name", "margin"]);
    }

    #[test]
    fn unknown_values_are_ignored_not_refused() {
        let view = ListView {
            types: "growth,nonsense".into(),
            status: "zombie".into(),
            sort: "no_such_column".into(),
            cols: "bogus".into(),
            ..ListView::default()
        };
        assert_eq!(
            view.filter(),
            Some(Filter::In {
                column: Column::Type,
                values: vec![FilterValue::Text("growth".into())]
            })
        );
        assert_eq!(view.sort_column().id, "current_value");
        assert_eq!(view.columns(), DEFAULT_COLUMNS.to_vec());
    }

    #[test]
    fn sorting_by_the_sorted_column_turns_the_direction() {
        let view = ListView::default();
        assert!(view.descending());
        assert!(view.sorted_by("current_value").contains("dir=asc"));
        assert!(view.sorted_by("name").contains("dir=asc"));
        assert!(view.sorted_by("margin").contains("dir=desc"));
    }
}
