//! The settings an analysis is computed with: the thresholds of the customer types, the cost to
//! serve and the forecast. One TOML format for the configuration file (`--config`,
//! `config/kundenwert.toml` documents every setting with its default) and for the settings a
//! workspace keeps (`kundenwert settings`).

use std::path::PathBuf;

use kundenwert_analysis::future::{FutureConfig, Source, TimeUnit};
use kundenwert_analysis::TypologyConfig;
use kundenwert_core::Lang;
use serde::{Deserialize, Serialize};

/// Everything a configuration file or a workspace may set; what it leaves out keeps its default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `[typology]`: thresholds of the type rules.
    pub typology: TypologyConfig,
    /// `[cost_to_serve]`: what serving a customer costs (values become margin II).
    pub cost_to_serve: CostToServeSettings,
    /// `[forecast]`: horizon, discounting and models of the future value.
    pub forecast: ForecastSettings,
}

/// `[cost_to_serve]`: the same settings as the `analyze` options of that name (an option given
/// on the command line wins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CostToServeSettings {
    /// Cost per order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_order: Option<f64>,
    /// Cost per invoice line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_line: Option<f64>,
    /// Assumed margin rate where the export has no cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub margin_rate: Option<f64>,
    /// CSV of yearly fixed costs per customer (relative to the working directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_costs: Option<PathBuf>,
}

/// `[forecast]`: the same settings as the `analyze` options of that name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForecastSettings {
    /// Months ahead for the future value.
    pub horizon: u32,
    /// Annual discount rate, as a fraction (0.10 = 10 % a year).
    pub discount_rate: f64,
    /// Clock of the lifetime-value models: `day`, `week` or `month`.
    pub time_unit: TimeUnit,
    /// Purchase models to fit and compare (ids: `bg_nbd`, `mbg_nbd`, `pareto_nbd`,
    /// `bg_cnbd_k`).
    pub models: Vec<String>,
    /// Whether to backtest the forecast and calibrate it there.
    pub backtest: bool,
}

impl Default for ForecastSettings {
    fn default() -> Self {
        let d = FutureConfig::default();
        ForecastSettings {
            horizon: d.horizon_months,
            discount_rate: d.discount_rate,
            time_unit: d.time_unit,
            models: d.models.iter().map(|m| m.id().to_owned()).collect(),
            backtest: d.backtest,
        }
    }
}

/// Longest horizon, in months: beyond ten years no model of this kind says anything.
pub const MAX_HORIZON: u32 = 120;

/// Why settings cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The text is not TOML of the settings (a wrong key, a wrong type); the TOML parser's
    /// message, which names the line and the key.
    #[error("{0}")]
    Syntax(String),
    /// `settings set` named a key that does not exist.
    #[error("unknown setting `{key}`")]
    UnknownKey {
        /// The key as given.
        key: String,
        /// The nearest known key, when one is near.
        suggestion: Option<String>,
    },
    /// A value outside its range; one line per problem.
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// `settings set` named a setting that only a whole file can change (the typology's tree).
    #[error("`{key}` cannot be set on its own")]
    NotSettable {
        /// The key as given.
        key: String,
    },
}

impl SettingsError {
    /// The message in the user's language and a `hint:` line.
    pub fn localized(&self, lang: Lang) -> (String, Option<String>) {
        let listed = kundenwert_text::settings_listed_hint(lang);
        match self {
            SettingsError::Syntax(m) => (m.trim_end().to_owned(), Some(listed.to_owned())),
            SettingsError::UnknownKey { key, suggestion } => (
                kundenwert_text::settings_unknown_key(lang, key),
                Some(match suggestion {
                    Some(s) => kundenwert_text::settings_did_you_mean(lang, s),
                    None => listed.to_owned(),
                }),
            ),
            SettingsError::Invalid(problems) => (problems.join("; "), Some(listed.to_owned())),
            SettingsError::NotSettable { key } => (
                kundenwert_text::settings_not_settable(lang, key),
                Some(kundenwert_text::settings_not_settable_hint(lang).to_owned()),
            ),
        }
    }
}

impl Settings {
    /// Reads TOML text; every value is checked ([`Settings::check`]).
    ///
    /// # Errors
    /// On text that is not TOML of the settings, or a value outside its range.
    pub fn parse(text: &str) -> Result<Settings, SettingsError> {
        let settings: Settings =
            toml::from_str(text).map_err(|e| SettingsError::Syntax(e.to_string()))?;
        settings.check()?;
        Ok(settings)
    }

    /// The settings as TOML (every value, defaults included), in the configuration file's
    /// format.
    pub fn to_toml(&self) -> String {
        // Serialising plain numbers, strings and tables cannot fail.
        toml::to_string(self).unwrap_or_default()
    }

    /// Checks every value's range.
    ///
    /// # Errors
    /// [`SettingsError::Invalid`] naming every value out of range.
    pub fn check(&self) -> Result<(), SettingsError> {
        let mut problems = Vec::new();
        let f = &self.forecast;
        if !(1..=MAX_HORIZON).contains(&f.horizon) {
            problems.push(format!(
                "`forecast.horizon = {}` is not between 1 and {MAX_HORIZON} months",
                f.horizon
            ));
        }
        if !(0.0..=1.0).contains(&f.discount_rate) {
            problems.push(format!(
                "`forecast.discount_rate = {}` is not between 0 and 1 (0.10 for 10 % a year)",
                f.discount_rate
            ));
        }
        for m in &f.models {
            if !Source::MODELS.iter().any(|s| s.id() == m) {
                let known: Vec<&str> = Source::MODELS.iter().map(|s| s.id()).collect();
                problems.push(format!(
                    "`forecast.models` names `{m}`, which is none of {}",
                    known.join(", ")
                ));
            }
        }
        if f.models.is_empty() {
            problems.push("`forecast.models` is empty; name at least one model".to_owned());
        }
        let c = &self.cost_to_serve;
        for (key, v) in [("per_order", c.per_order), ("per_line", c.per_line)] {
            if let Some(v) = v.filter(|v| !(v.is_finite() && *v >= 0.0)) {
                problems.push(format!("`cost_to_serve.{key} = {v}` is negative"));
            }
        }
        if let Some(r) = c.margin_rate.filter(|r| !(0.0..=1.0).contains(r)) {
            problems.push(format!(
                "`cost_to_serve.margin_rate = {r}` is not between 0 and 1"
            ));
        }
        if self.typology.model == kundenwert_analysis::typology::TypologyModel::Tree {
            for p in kundenwert_analysis::typology::tree::check(&self.typology.tree) {
                problems.push(format!("`typology.tree`: {}", p.message(Lang::En)));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SettingsError::Invalid(problems))
        }
    }

    /// The forecast's configuration.
    pub fn future_config(&self) -> FutureConfig {
        let f = &self.forecast;
        FutureConfig {
            horizon_months: f.horizon.max(1),
            discount_rate: f.discount_rate,
            time_unit: f.time_unit,
            // In the canonical order, each once.
            models: Source::MODELS
                .into_iter()
                .filter(|s| f.models.iter().any(|m| m == s.id()))
                .collect(),
            backtest: f.backtest,
            ..FutureConfig::default()
        }
    }

    /// The settings after `key = value` (a dotted key such as `forecast.horizon`; the value in
    /// TOML, where a bare word counts as a string), checked.
    ///
    /// # Errors
    /// On an unknown key (with the nearest known one), a value of the wrong kind or range.
    pub fn with(&self, key: &str, value: &str) -> Result<Settings, SettingsError> {
        let keys = Settings::keys();
        if !keys.iter().any(|k| k == key) {
            let whole = toml::Value::try_from(self).ok();
            let exists = key
                .split('.')
                .try_fold(whole.as_ref(), |at, part| at.map(|v| v.get(part)))
                .flatten()
                .is_some();
            if exists {
                return Err(SettingsError::NotSettable {
                    key: key.to_owned(),
                });
            }
            return Err(SettingsError::UnknownKey {
                key: key.to_owned(),
                suggestion: nearest(key, &keys),
            });
        }
        let mut table: toml::Table = toml::from_str(&self.to_toml())
            .map_err(|e: toml::de::Error| SettingsError::Syntax(e.to_string()))?;
        let parsed = parse_value(value);
        let mut parts = key.split('.').peekable();
        let mut at = &mut table;
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                at.insert(part.to_owned(), parsed);
                break;
            }
            at = match at
                .entry(part.to_owned())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            {
                toml::Value::Table(t) => t,
                _ => {
                    return Err(SettingsError::UnknownKey {
                        key: key.to_owned(),
                        suggestion: None,
                    })
                }
            };
        }
        // The parser's own message, without the position in a document the user never saw.
        let settings: Settings =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| {
                    SettingsError::Syntax(format!("`{key} = {value}`: {}", e.message().trim_end()))
                })?;
        settings.check()?;
        Ok(settings)
    }

    /// Every key `settings set` accepts (dotted), in the file's order. The typology's tree,
    /// confidences and evidence levels are set by `settings import` of a file.
    pub fn keys() -> Vec<String> {
        // The confidences and evidence levels are tables of their own: their scalars can be set
        // one by one.
        let mut out: Vec<String> = flat(&Settings::default())
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        for optional in ["per_order", "per_line", "margin_rate", "fixed_costs"] {
            out.push(format!("cost_to_serve.{optional}"));
        }
        out
    }

    /// Every setting as `key = value` (TOML; empty for an optional setting that is not set),
    /// with whether it differs from the default, sorted by key (for `settings show` and for
    /// outputs that state their settings). The typology's tree is summarised.
    pub fn lines(&self) -> Vec<(String, String, bool)> {
        let mine = flat(self);
        let default = flat(&Settings::default());
        let value = |list: &[(String, String)], key: &str| {
            list.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
        };
        // Every key, also the optional ones that are not set (an empty value).
        let mut keys = Settings::keys();
        keys.sort();
        let mut out: Vec<(String, String, bool)> = keys
            .into_iter()
            .map(|k| {
                let mine = value(&mine, &k);
                let changed = mine != value(&default, &k);
                (k, mine.unwrap_or_default(), changed)
            })
            .collect();
        let tree_changed = self.typology.tree != Settings::default().typology.tree;
        out.push((
            "typology.tree".to_owned(),
            format!("[{} nodes]", self.typology.tree.len()),
            tree_changed,
        ));
        out
    }
}

/// `value` as TOML: a number, boolean, string, array; anything else as a string.
fn parse_value(value: &str) -> toml::Value {
    #[derive(Deserialize)]
    struct One {
        v: toml::Value,
    }
    toml::from_str::<One>(&format!("v = {value}"))
        .map(|o| o.v)
        .unwrap_or_else(|_| toml::Value::String(value.to_owned()))
}

/// Every setting as (dotted key, TOML value), in the file's order; arrays of tables (the
/// typology's tree) left out.
fn flat(s: &Settings) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(toml::Value::Table(t)) = toml::Value::try_from(s) {
        flatten("", &t, &mut out);
    }
    out
}

fn flatten(prefix: &str, t: &toml::Table, out: &mut Vec<(String, String)>) {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(inner) => flatten(&key, inner, out),
            toml::Value::Array(items) if items.iter().any(|i| i.is_table()) => {}
            other => out.push((key, other.to_string())),
        }
    }
}

/// The known key nearest to `key`: a typo of one, or a key given without its section
/// (`horizon`) when exactly one key ends so.
fn nearest(key: &str, keys: &[String]) -> Option<String> {
    let all: Vec<&str> = keys.iter().map(String::as_str).collect();
    kundenwert_core::closest(key, &all)
        .map(str::to_owned)
        .or_else(|| {
            let mut ends = keys.iter().filter(|k| k.ends_with(&format!(".{key}")));
            match (ends.next(), ends.next()) {
                (Some(k), None) => Some(k.clone()),
                _ => None,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_config_states_the_defaults() {
        let text = include_str!("../../../config/kundenwert.toml");
        assert_eq!(Settings::parse(text).unwrap(), Settings::default());
    }

    #[test]
    fn partial_files_keep_defaults_and_unknown_keys_are_refused() {
        let s = Settings::parse("[typology]\nsig_p = 0.05\n").unwrap();
        assert_eq!(s.typology.sig_p, 0.05);
        assert_eq!(s.typology.min_active, TypologyConfig::default().min_active);
        let err = Settings::parse("[typology]\nsig = 0.05\n").unwrap_err();
        assert!(err.to_string().contains("sig"), "{err}");
    }

    #[test]
    fn the_toml_form_reads_back_to_the_same_settings() {
        let mut s = Settings::default();
        s.forecast.horizon = 6;
        s.cost_to_serve.per_order = Some(25.0);
        assert_eq!(Settings::parse(&s.to_toml()).unwrap(), s);
    }

    #[test]
    fn set_takes_toml_values_and_checks_key_kind_and_range() {
        let s = Settings::default();
        let s = s.with("forecast.horizon", "6").unwrap();
        assert_eq!(s.forecast.horizon, 6);
        let s = s.with("forecast.time_unit", "day").unwrap();
        assert_eq!(s.forecast.time_unit, TimeUnit::Day);
        let s = s.with("cost_to_serve.margin_rate", "0.3").unwrap();
        assert_eq!(s.cost_to_serve.margin_rate, Some(0.3));
        let s = s.with("typology.evidence.trend", "0.05").unwrap();
        assert_eq!(s.typology.evidence.trend, 0.05);
        let s = s
            .with("forecast.models", "[\"bg_nbd\", \"pareto_nbd\"]")
            .unwrap();
        assert_eq!(
            s.future_config().models,
            vec![Source::BgNbd, Source::ParetoNbd]
        );

        let err = s.with("forecast.horizont", "6").unwrap_err();
        assert_eq!(
            err,
            SettingsError::UnknownKey {
                key: "forecast.horizont".into(),
                suggestion: Some("forecast.horizon".into())
            }
        );
        let err = s.with("horizon", "6").unwrap_err();
        assert!(
            matches!(&err, SettingsError::UnknownKey { suggestion: Some(k), .. } if k == "forecast.horizon"),
            "{err:?}"
        );
        assert!(matches!(
            s.with("forecast.horizon", "twelve").unwrap_err(),
            SettingsError::Syntax(_)
        ));
        let err = s.with("forecast.discount_rate", "10").unwrap_err();
        assert!(err.to_string().contains("between 0 and 1"), "{err}");
        let err = s.with("forecast.models", "[\"bg-nbd\"]").unwrap_err();
        assert!(err.to_string().contains("`bg-nbd`"), "{err}");
    }

    #[test]
    fn lines_mark_what_differs_from_the_default() {
        let s = Settings::default().with("forecast.horizon", "6").unwrap();
        let lines = s.lines();
        let horizon = lines
            .iter()
            .find(|(k, _, _)| k == "forecast.horizon")
            .unwrap();
        assert_eq!((horizon.1.as_str(), horizon.2), ("6", true));
        let rate = lines
            .iter()
            .find(|(k, _, _)| k == "forecast.discount_rate")
            .unwrap();
        assert_eq!((rate.1.as_str(), rate.2), ("0.1", false));
        assert!(lines
            .iter()
            .any(|(k, v, _)| k == "typology.tree" && v.ends_with("nodes]")));
    }
}
