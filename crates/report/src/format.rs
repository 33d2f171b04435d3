//! Numbers, dates and names as the renderers (HTML and PDF) write them, in the reader's
//! language.

use kundenwert_core::{fmt, CustomerType, Lang};
use kundenwert_text::{self as t, CustomerTypeLabel};

/// Whole euros.
pub(crate) fn money(v: f64, lang: Lang) -> String {
    fmt::whole_amount(v, lang)
}

/// Whole euros, `–` when unknown.
pub(crate) fn money_opt(v: Option<f64>, lang: Lang) -> String {
    v.map_or_else(|| "–".to_owned(), |v| money(v, lang))
}

/// A share as a whole percentage.
pub(crate) fn pct(v: f64, lang: Lang) -> String {
    fmt::percent(v, lang)
}

/// A count with thousands separators.
pub(crate) fn count(v: u64, lang: Lang) -> String {
    fmt::count(v, lang)
}

/// A type id's name; the id itself when it names no type.
pub(crate) fn type_name(id: &str, lang: Lang) -> String {
    CustomerType::from_id(id).map_or_else(|| id.to_owned(), |t| t.label(lang).to_owned())
}

/// A status id's name.
pub(crate) fn status_name(id: Option<&str>, lang: Lang) -> &'static str {
    match id {
        Some("active") => t::web_status_active(lang),
        Some("dormant") => t::web_status_dormant(lang),
        Some("lost") => t::web_status_lost(lang),
        Some(_) => t::web_status_one_time(lang),
        None => "",
    }
}

/// The range of a future value, `low – high`.
pub(crate) fn range(low: Option<f64>, high: Option<f64>, lang: Lang) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!("{} – {}", money(l, lang), money(h, lang)),
        _ => "–".to_owned(),
    }
}

/// The computing moment as `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn computed(at: &str) -> String {
    at.replace('T', " ").trim_end_matches('Z').to_owned()
}

/// What the values are (margin or revenue) and whether the margin is estimated, in words.
pub(crate) fn value_basis(ov: &kundenwert_workbench::Overview, lang: Lang) -> String {
    let basis = match ov.value_basis {
        kundenwert_core::ValueBasis::Margin => t::report_basis_margin(lang),
        kundenwert_core::ValueBasis::Revenue => t::report_basis_revenue(lang),
    };
    if ov.margin_estimated {
        format!("{basis} {}", t::report_margin_estimated(lang))
    } else {
        basis.to_owned()
    }
}

/// The model choice and what last year's backtest said of it, in words.
pub(crate) fn model_in_words(ov: &kundenwert_workbench::Overview, lang: Lang) -> String {
    let model = match &ov.model {
        Some(id) => t::report_model_chosen(lang, kundenwert_workbench::source_label(id, lang)),
        None => t::report_model_none(lang).to_owned(),
    };
    let backtest = match &ov.backtest {
        Some(b) => match (b.ratio, b.coverage) {
            (Some(ratio), Some(coverage)) => t::report_model_backtest(
                lang,
                kundenwert_core::fmt::date(b.as_of, lang),
                pct(coverage, lang),
                count(b.customers, lang),
                pct(ratio, lang),
            ),
            _ => t::report_model_no_backtest(lang).to_owned(),
        },
        None => t::report_model_no_backtest(lang).to_owned(),
    };
    format!("{model} {backtest}")
}
