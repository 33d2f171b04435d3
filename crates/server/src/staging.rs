//! Uploads waiting for their import: each in its own directory under `<workspace>.staging/`
//! next to the workspace file, named by a random id, with what the user uploaded (`data/`),
//! the name it had and the corrections given so far (`meta.json`) and, once confirmed, how the
//! import went (`result.json`). A confirmed or discarded upload loses its file at once; every
//! directory older than [`MAX_AGE_SECS`] is swept away on the next upload or import page.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::auth;

/// How long an upload waits for its confirmation.
pub const MAX_AGE_SECS: i64 = 3600;

/// The corrections a user gave on the preview, as the form fields hold them (empty: detected).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Corrections {
    /// Encoding label.
    pub encoding: String,
    /// `;` `,` `tab` `|` `whitespace`.
    pub delimiter: String,
    /// `comma` or `point`.
    pub decimal: String,
    /// strftime pattern.
    pub date_format: String,
    /// The role given to each column (by index), empty where detection decides.
    pub columns: Vec<String>,
}

impl Corrections {
    /// The import options these corrections state (the CLI's flags: `--column ROLE=#N`, …).
    pub fn spec(&self) -> kundenwert_workbench::ImportSpec {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        kundenwert_workbench::ImportSpec {
            columns: self
                .columns
                .iter()
                .enumerate()
                .filter(|(_, role)| !role.is_empty())
                .map(|(i, role)| format!("{role}=#{}", i + 1))
                .collect(),
            delimiter: some(&self.delimiter),
            decimal: match self.decimal.as_str() {
                "comma" => Some(kundenwert_ingest::DecimalStyle::Comma),
                "point" => Some(kundenwert_ingest::DecimalStyle::Point),
                _ => None,
            },
            date_format: some(&self.date_format),
            encoding: some(&self.encoding),
        }
    }

    /// Reads the preview form's fields (`encoding`, `delimiter`, `decimal`, `date_format`,
    /// `role_N`).
    pub fn from_form(fields: &[(String, String)]) -> Corrections {
        let mut c = Corrections::default();
        for (key, value) in fields {
            match key.as_str() {
                "encoding" => c.encoding = value.clone(),
                "delimiter" => c.delimiter = value.clone(),
                "decimal" => c.decimal = value.clone(),
                "date_format" => c.date_format = value.clone(),
                _ => {
                    if let Some(i) = key
                        .strip_prefix("role_")
                        .and_then(|i| i.parse::<usize>().ok())
                        .filter(|i| *i < 1000)
                    {
                        if c.columns.len() <= i {
                            c.columns.resize(i + 1, String::new());
                        }
                        c.columns[i] = value.clone();
                    }
                }
            }
        }
        c
    }
}

/// What is kept beside an upload.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Meta {
    /// The file's name as uploaded (cleaned).
    pub name: String,
    /// When it was uploaded, unix seconds.
    pub created: i64,
    /// The corrections given so far.
    pub corrections: Corrections,
}

/// How a confirmed import went.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Outcome {
    /// Whether it was stored.
    pub ok: bool,
    /// Why not, in the reader's language at the time.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
    /// Rows read.
    pub read: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Rows stored.
    pub inserted: u64,
    /// Rows skipped as duplicates.
    pub duplicates: u64,
    /// The content was imported before.
    pub already: bool,
}

/// One upload.
#[derive(Debug, Clone)]
pub struct Staged {
    /// Its directory.
    pub dir: PathBuf,
    /// What is kept beside it.
    pub meta: Meta,
}

impl Staged {
    /// The uploaded file.
    pub fn file(&self) -> PathBuf {
        self.dir.join("data").join(&self.meta.name)
    }

    /// Whether the uploaded file is still there (not yet stored or discarded).
    pub fn has_file(&self) -> bool {
        self.file().is_file()
    }

    /// Stores the corrections.
    pub fn save(&self) -> std::io::Result<()> {
        write_json(&self.dir.join("meta.json"), &self.meta)
    }

    /// Records how the import went and drops the file when it was stored.
    pub fn finish(&self, outcome: &Outcome) -> std::io::Result<()> {
        if outcome.ok {
            let _ = std::fs::remove_dir_all(self.dir.join("data"));
        }
        write_json(&self.dir.join("result.json"), outcome)
    }

    /// How the import went, once confirmed.
    pub fn outcome(&self) -> Option<Outcome> {
        read_json(&self.dir.join("result.json"))
    }
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let text = serde_json::to_string(value).map_err(std::io::Error::other)?;
    std::fs::write(path, text)
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// The staging directory of the workspace at `workspace`.
pub fn root(workspace: &Path) -> PathBuf {
    let name = workspace.file_name().map_or_else(
        || "kundenwert.db".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    workspace.with_file_name(format!("{name}.staging"))
}

/// Whether `id` is one of ours (32 hex digits): never a path elsewhere.
pub fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A file name fit to keep: its last component, letters, digits, `.`, `-`, `_` (others
/// become `_`), at most 100 characters; `upload.csv` when nothing is left.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "upload.csv".to_owned()
    } else {
        cleaned
    }
}

/// A new upload's directory for a file called `name`.
///
/// # Errors
/// When the directory cannot be made or there is no randomness.
pub fn create(root: &Path, name: &str) -> std::io::Result<Staged> {
    let bytes = auth::random_bytes::<16>().map_err(std::io::Error::other)?;
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let dir = root.join(id);
    std::fs::create_dir_all(dir.join("data"))?;
    let staged = Staged {
        dir,
        meta: Meta {
            name: clean_name(name),
            created: auth::now(),
            corrections: Corrections::default(),
        },
    };
    staged.save()?;
    Ok(staged)
}

/// The upload `id`, when it is there and not too old.
pub fn load(root: &Path, id: &str) -> Option<Staged> {
    if !valid_id(id) {
        return None;
    }
    let dir = root.join(id);
    let meta: Meta = read_json(&dir.join("meta.json"))?;
    (auth::now() - meta.created <= MAX_AGE_SECS).then_some(Staged { dir, meta })
}

/// The id of an upload (its directory's name).
pub fn id_of(staged: &Staged) -> String {
    staged
        .dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Removes an upload.
pub fn remove(staged: &Staged) {
    let _ = std::fs::remove_dir_all(&staged.dir);
}

/// Removes every upload older than [`MAX_AGE_SECS`] (or without its `meta.json`).
pub fn sweep(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let now = auth::now();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !valid_id(&name) {
            continue;
        }
        let meta: Option<Meta> = read_json(&entry.path().join("meta.json"));
        if meta.is_none_or(|m| now - m.created > MAX_AGE_SECS) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_names_and_ids_stay_ids() {
        assert_eq!(
            clean_name("C:\\exports\\Umsätze 2024.csv"),
            "Umsätze_2024.csv"
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name(".."), "upload.csv");
        assert_eq!(clean_name("<script>.csv"), "_script_.csv");
        assert!(valid_id("0123456789abcdef0123456789abcdef"));
        assert!(!valid_id("../0123456789abcdef0123456789abc"));
        assert!(!valid_id("1"));
    }

    #[test]
    fn corrections_become_the_cli_options() {
        let c = Corrections::from_form(&[
            ("encoding".into(), "windows-1252".into()),
            ("delimiter".into(), "".into()),
            ("decimal".into(), "comma".into()),
            ("date_format".into(), "%d.%m.%Y".into()),
            ("role_2".into(), "revenue".into()),
            ("role_0".into(), "".into()),
        ]);
        let spec = c.spec();
        assert_eq!(spec.columns, ["revenue=#3"]);
        assert_eq!(spec.delimiter, None);
        assert_eq!(spec.encoding.as_deref(), Some("windows-1252"));
        assert_eq!(spec.decimal, Some(kundenwert_ingest::DecimalStyle::Comma));
    }
}
