//! The configuration file (`--config FILE`, TOML): thresholds of the customer-type rules.
//! `config/kundenwert.toml` in the repository documents every setting with its default.

use std::path::Path;

use kundenwert_analysis::TypologyConfig;
use kundenwert_core::Lang;
use serde::Deserialize;

use crate::UserError;

/// Everything a configuration file may set; what it leaves out keeps its default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `[typology]`: thresholds of the type rules.
    pub typology: TypologyConfig,
    /// `[cost_to_serve]`: the same settings as the `analyze` options of that name (an option
    /// given on the command line wins).
    pub cost_to_serve: CostToServeConfig,
}

/// `[cost_to_serve]` of the configuration file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CostToServeConfig {
    /// Cost per order.
    pub per_order: Option<f64>,
    /// Cost per invoice line.
    pub per_line: Option<f64>,
    /// Assumed margin rate where the export has no cost.
    pub margin_rate: Option<f64>,
    /// CSV of yearly fixed costs per customer (relative to the working directory).
    pub fixed_costs: Option<std::path::PathBuf>,
}

impl Config {
    /// Reads `path`, or the defaults when no file is given.
    pub fn load(path: Option<&Path>, lang: Lang) -> Result<Config, UserError> {
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(path).map_err(|e| {
            UserError::usage(
                format!(
                    "{} `{}`: {e}",
                    lang.pick("kann nicht lesen:", "cannot read"),
                    path.display()
                ),
                None,
            )
        })?;
        let config = Config::parse(&text).map_err(|e| {
            UserError::usage(
                format!("`{}`: {}", path.display(), e.trim_end()),
                Some(
                    lang.pick(
                        "alle Einstellungen mit ihren Vorgaben stehen in `config/kundenwert.toml`",
                        "every setting with its default is listed in `config/kundenwert.toml`",
                    )
                    .to_string(),
                ),
            )
        })?;
        if config.typology.model == kundenwert_analysis::typology::TypologyModel::Tree {
            let problems = kundenwert_analysis::typology::tree::check(&config.typology.tree);
            if !problems.is_empty() {
                let list: Vec<String> = problems.iter().map(|p| p.message(lang)).collect();
                return Err(UserError::usage(
                    format!("`{}`: {}", path.display(), list.join("; ")),
                    Some(
                        lang.pick(
                            "den Baum aus `config/kundenwert.toml` übernehmen oder `model = \"rules\"` setzen",
                            "copy the tree from `config/kundenwert.toml` or set `model = \"rules\"`",
                        )
                        .to_string(),
                    ),
                ));
            }
        }
        Ok(config)
    }

    /// Parses TOML text.
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped, documented file must state exactly the defaults, and parse.
    #[test]
    fn broken_tree_is_refused_with_its_problems() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.toml");
        std::fs::write(
            &path,
            "[typology]\nmodel = \"tree\"\ntree = [\n  { feature = \"tau\", le = 0.3, yes = 1, no = 7 },\n  { leaf = \"new\", confidence = 1.5 },\n]\n",
        )
        .unwrap();
        let err = Config::load(Some(&path), Lang::En).unwrap_err().to_string();
        assert!(
            err.contains("node 0: child 7 is not a later node (the tree has 2)"),
            "{err}"
        );
        assert!(err.contains("node 1: a leaf cannot be `new`"), "{err}");
        assert!(
            err.contains("node 1: `confidence` is not between 0 and 1"),
            "{err}"
        );
        // The shipped tree passes.
        assert!(
            kundenwert_analysis::typology::tree::check(&TypologyConfig::default().tree).is_empty()
        );
    }

    #[test]
    fn shipped_config_states_the_defaults() {
        let text = include_str!("../../../config/kundenwert.toml");
        assert_eq!(Config::parse(text).unwrap(), Config::default());
    }

    #[test]
    fn partial_files_keep_defaults_and_unknown_keys_are_refused() {
        let c = Config::parse("[typology]\nsig_p = 0.05\n").unwrap();
        assert_eq!(c.typology.sig_p, 0.05);
        assert_eq!(c.typology.min_active, TypologyConfig::default().min_active);
        let err = Config::parse("[typology]\nsig = 0.05\n").unwrap_err();
        assert!(err.contains("sig"), "{err}");
    }
}
