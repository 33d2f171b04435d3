//! The stored result of the workspace's latest analysis: the run (what it was computed from and
//! with, and its summary), one row per customer, and the customer's months packed for a chart.
//! The store knows these as plain records; what the figures mean belongs to the analysis.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};

use crate::StoreError;

/// The latest analysis of the workspace, without its customers.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisRun {
    /// The workspace's data version the analysis read (see [`crate::Workspace::data_version`]).
    pub data_version: i64,
    /// The settings it was computed with (TOML).
    pub settings: String,
    /// End of the history the values refer to.
    pub as_of: NaiveDate,
    /// What the analysis found beyond the single customers (JSON object).
    pub summary: String,
    /// How many customers it holds.
    pub customers: u64,
    /// How long it took, in seconds.
    pub seconds: f64,
    /// When it was computed, UTC `YYYY-MM-DDTHH:MM:SSZ` (set by the store).
    pub computed_at: String,
}

/// One customer of the stored analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerResult {
    /// Rank in customer-number order (1-based); the tie-breaker of every sort.
    pub id: i64,
    /// Customer number.
    pub number: String,
    /// Name, when the export has one.
    pub name: Option<String>,
    /// Customer type (its id, e.g. `growth`).
    pub customer_type: String,
    /// Confidence of the type, 0..1.
    pub confidence: f64,
    /// Why the type, in German.
    pub reason_de: String,
    /// Why the type, in English.
    pub reason_en: String,
    /// Status (its id), when there is one.
    pub status: Option<String>,
    /// ABC class (`A`, `B`, `C`).
    pub abc: String,
    /// Current value.
    pub current_value: f64,
    /// Future value, when forecast.
    pub future_value: Option<f64>,
    /// Lower end of the future value's range.
    pub future_value_low: Option<f64>,
    /// Upper end of the future value's range.
    pub future_value_high: Option<f64>,
    /// What the future value came from (a model's or the projection's id).
    pub future_value_source: Option<String>,
    /// Probability the customer is still buying.
    pub p_alive: Option<f64>,
    /// Expected purchases over the horizon.
    pub expected_purchases: Option<f64>,
    /// Revenue.
    pub revenue: f64,
    /// Margin, when known.
    pub margin: Option<f64>,
    /// Orders.
    pub orders: u64,
    /// First order.
    pub first_order: NaiveDate,
    /// Last order.
    pub last_order: NaiveDate,
}

/// One month with business of a customer, as stored for drawing its chart: single precision
/// (the totals are the row's columns).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthFigures {
    /// Months since January of year 0 (`year * 12 + month - 1`).
    pub month_index: i32,
    /// Revenue of the month.
    pub revenue: f32,
    /// Margin of the month, when known.
    pub margin: Option<f32>,
    /// Orders of the month.
    pub orders: u32,
}

/// Bytes of one packed month: month index (i32), revenue (f32), margin (f32, NaN = unknown),
/// orders (u32), little-endian.
const MONTH_BYTES: usize = 16;

/// Packs months for the `months` column.
pub fn pack_months(months: &[MonthFigures]) -> Vec<u8> {
    let mut out = Vec::with_capacity(months.len() * MONTH_BYTES);
    for m in months {
        out.extend_from_slice(&m.month_index.to_le_bytes());
        out.extend_from_slice(&m.revenue.to_le_bytes());
        out.extend_from_slice(&m.margin.unwrap_or(f32::NAN).to_le_bytes());
        out.extend_from_slice(&m.orders.to_le_bytes());
    }
    out
}

/// Unpacks the `months` column; `None` when its length is not a whole number of months.
pub fn unpack_months(bytes: &[u8]) -> Option<Vec<MonthFigures>> {
    if !bytes.len().is_multiple_of(MONTH_BYTES) {
        return None;
    }
    let word = |c: &[u8], i: usize| -> [u8; 4] { [c[i], c[i + 1], c[i + 2], c[i + 3]] };
    Some(
        bytes
            .chunks_exact(MONTH_BYTES)
            .map(|c| {
                let margin = f32::from_le_bytes(word(c, 8));
                MonthFigures {
                    month_index: i32::from_le_bytes(word(c, 0)),
                    revenue: f32::from_le_bytes(word(c, 4)),
                    margin: (!margin.is_nan()).then_some(margin),
                    orders: u32::from_le_bytes(word(c, 12)),
                }
            })
            .collect(),
    )
}

/// A column of the stored customers a filter or a sort can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Column {
    /// Customer number (text).
    Number,
    /// Name (text).
    Name,
    /// Type id (text).
    Type,
    /// Status id (text).
    Status,
    /// ABC class (text).
    Abc,
    /// Current value.
    CurrentValue,
    /// Future value.
    FutureValue,
    /// Revenue.
    Revenue,
    /// Margin.
    Margin,
    /// P(alive).
    PAlive,
    /// Orders.
    Orders,
    /// Confidence of the type.
    Confidence,
    /// Last order (ISO date text).
    LastOrder,
    /// Rank in customer-number order.
    Id,
}

impl Column {
    /// Every column, in declaration order (each one sortable with keyset paging).
    pub const ALL: [Column; 14] = [
        Column::Number,
        Column::Name,
        Column::Type,
        Column::Status,
        Column::Abc,
        Column::CurrentValue,
        Column::FutureValue,
        Column::Revenue,
        Column::Margin,
        Column::PAlive,
        Column::Orders,
        Column::Confidence,
        Column::LastOrder,
        Column::Id,
    ];

    fn sql(self) -> &'static str {
        match self {
            Column::Number => "number",
            Column::Name => "name",
            Column::Type => "type",
            Column::Status => "status",
            Column::Abc => "abc",
            Column::CurrentValue => "current_value",
            Column::FutureValue => "future_value",
            Column::Revenue => "revenue",
            Column::Margin => "margin",
            Column::PAlive => "p_alive",
            Column::Orders => "orders",
            Column::Confidence => "confidence",
            Column::LastOrder => "last_order",
            Column::Id => "id",
        }
    }

    /// Whether a customer may lack the figure (no future value yet, no margin without cost).
    fn nullable(self) -> bool {
        matches!(
            self,
            Column::Name | Column::Status | Column::FutureValue | Column::Margin | Column::PAlive
        )
    }

    /// For the columns holding ids, how they are stored: comparing a value brought to that
    /// form with the bare column lets SQLite use the column's index, where folding the column
    /// would read every row. `None` for free text.
    fn stored_case(self) -> Option<fn(&str) -> String> {
        match self {
            Column::Type | Column::Status => Some(str::to_lowercase),
            Column::Abc => Some(str::to_uppercase),
            _ => None,
        }
    }

    fn is_text(self) -> bool {
        matches!(
            self,
            Column::Number
                | Column::Name
                | Column::Type
                | Column::Status
                | Column::Abc
                | Column::LastOrder
        )
    }
}

/// A comparison of a [`Filter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `=` (text: case-insensitive).
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// Text contains (case-insensitive).
    Contains,
}

/// A value a [`Filter`] compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    /// For text columns.
    Text(String),
    /// For number columns.
    Number(f64),
}

/// Which stored customers a query returns. A comparison with an unknown (NULL) figure is false,
/// and `Not` of it true, as the selection language defines.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `column op value`.
    Compare {
        /// The column.
        column: Column,
        /// The comparison.
        op: Comparison,
        /// The value.
        value: FilterValue,
    },
    /// `column` equals one of `values`.
    In {
        /// The column.
        column: Column,
        /// The values.
        values: Vec<FilterValue>,
    },
    /// The customer number is exactly (case and all) one of these.
    Numbers(Vec<String>),
    /// Negation.
    Not(Box<Filter>),
    /// All of them.
    And(Vec<Filter>),
    /// Any of them.
    Or(Vec<Filter>),
}

/// A page of stored customers: filter, search, sort, keyset position and size.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerQuery {
    /// Only customers matching this.
    pub filter: Option<Filter>,
    /// Only customers whose number or name contains this, case-insensitively (both sides
    /// folded by `str::to_lowercase`, so `MÜL` finds `Müller`; `u` does not find `ü`). A text of
    /// one or two characters (after folding) matches the start of the number only (`k0` finds
    /// `K0012345`): a trigram index serves three characters and more. NUL characters in it
    /// are ignored.
    pub search: Option<String>,
    /// Sort column; ties broken by [`CustomerResult::id`] in the same direction.
    pub sort: Column,
    /// Largest first.
    pub descending: bool,
    /// Continue after this customer (its sort value and id: the last row of the page before).
    pub after: Option<Cursor>,
    /// At most this many rows.
    pub limit: Option<u64>,
}

impl Default for CustomerQuery {
    fn default() -> Self {
        CustomerQuery {
            filter: None,
            search: None,
            sort: Column::Id,
            descending: false,
            after: None,
            limit: None,
        }
    }
}

/// Where a page ends: the sort value and id of its last row.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The sort column's value (`None` for NULL).
    pub value: Option<FilterValue>,
    /// The row's id.
    pub id: i64,
}

/// SQL function folding text for case-insensitive comparison the way the selection language
/// does in Rust (`str::to_lowercase`, all of Unicode; SQLite's own `lower` knows ASCII only).
pub(crate) const FOLD: &str = "kw_fold";

/// Registers [`FOLD`] on a connection.
pub(crate) fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        FOLD,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                rusqlite::types::ValueRef::Text(t) => {
                    Some(String::from_utf8_lossy(t).to_lowercase())
                }
                _ => None,
            })
        },
    )
}

const CUSTOMER_COLUMNS: &str = "id, number, name, type, confidence, reason_de, reason_en, status, \
     abc, current_value, future_value, future_value_low, future_value_high, future_value_source, \
     p_alive, expected_purchases, revenue, margin, orders, first_order, last_order";

fn date_of(text: &str, id: i64) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| StoreError::CorruptRow {
        id,
        message: format!("stored result date `{text}`: {e}"),
    })
}

fn customer_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<(CustomerResult, String, String)> {
    Ok((
        CustomerResult {
            id: r.get(0)?,
            number: r.get(1)?,
            name: r.get(2)?,
            customer_type: r.get(3)?,
            confidence: r.get(4)?,
            reason_de: r.get(5)?,
            reason_en: r.get(6)?,
            status: r.get(7)?,
            abc: r.get(8)?,
            current_value: r.get(9)?,
            future_value: r.get(10)?,
            future_value_low: r.get(11)?,
            future_value_high: r.get(12)?,
            future_value_source: r.get(13)?,
            p_alive: r.get(14)?,
            expected_purchases: r.get(15)?,
            revenue: r.get(16)?,
            margin: r.get(17)?,
            orders: r.get::<_, i64>(18)?.max(0) as u64,
            first_order: NaiveDate::MIN,
            last_order: NaiveDate::MIN,
        },
        r.get(19)?,
        r.get(20)?,
    ))
}

fn finish_customer(
    (mut c, first, last): (CustomerResult, String, String),
) -> Result<CustomerResult, StoreError> {
    c.first_order = date_of(&first, c.id)?;
    c.last_order = date_of(&last, c.id)?;
    Ok(c)
}

/// Replaces the stored analysis by `run` and `customers` in one transaction: readers see the old
/// one or the new one, never a mix.
pub(crate) fn replace(
    conn: &mut Connection,
    run: &AnalysisRun,
    customers: &mut dyn Iterator<Item = (CustomerResult, Vec<MonthFigures>)>,
) -> Result<u64, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute("DELETE FROM analysis_run", [])?;
    tx.execute("DELETE FROM analysis_customers", [])?;
    tx.execute(
        &format!("INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('delete-all')"),
        [],
    )?;
    // The list's indexes are built again once the rows are in: one sort per index instead of a
    // million inserts at random places in each. Their definitions are read from the schema, so
    // they stay what the migrations made them. (DDL is transactional: a failure restores them.)
    let indexes: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' \
             AND tbl_name = 'analysis_customers' AND sql IS NOT NULL ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    let mut n = 0u64;
    {
        let mut insert = tx.prepare(
            "INSERT INTO analysis_customers (id, number, name, type, confidence, reason_de, \
             reason_en, status, abc, current_value, future_value, future_value_low, \
             future_value_high, future_value_source, p_alive, expected_purchases, revenue, \
             margin, orders, first_order, last_order, months) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
             ?17, ?18, ?19, ?20, ?21, ?22)",
        )?;
        for (c, months) in customers {
            n += 1;
            insert.execute(params![
                c.id,
                c.number,
                c.name,
                c.customer_type,
                c.confidence,
                c.reason_de,
                c.reason_en,
                c.status,
                c.abc,
                c.current_value,
                c.future_value,
                c.future_value_low,
                c.future_value_high,
                c.future_value_source,
                c.p_alive,
                c.expected_purchases,
                c.revenue,
                c.margin,
                c.orders as i64,
                c.first_order.format("%Y-%m-%d").to_string(),
                c.last_order.format("%Y-%m-%d").to_string(),
                pack_months(&months),
            ])?;
        }
    }
    for (_, sql) in &indexes {
        tx.execute_batch(sql)?;
    }
    tx.execute(
        &format!(
            "INSERT INTO {SEARCH_TABLE} (rowid, folded_number, folded_name) \
             SELECT id, {FOLD}(number), {FOLD}(name) FROM analysis_customers"
        ),
        [],
    )?;
    tx.execute(
        "INSERT INTO analysis_run (id, data_version, settings, as_of, summary, customers, seconds) \
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            run.data_version,
            run.settings,
            run.as_of.format("%Y-%m-%d").to_string(),
            run.summary,
            n as i64,
            run.seconds,
        ],
    )?;
    tx.commit()?;
    Ok(n)
}

/// The stored run, when there is one.
pub(crate) fn run(conn: &Connection) -> Result<Option<AnalysisRun>, StoreError> {
    let row = conn
        .query_row(
            "SELECT data_version, settings, as_of, summary, customers, seconds, computed_at \
             FROM analysis_run WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, f64>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?;
    row.map(
        |(data_version, settings, as_of, summary, customers, seconds, computed_at)| {
            Ok(AnalysisRun {
                data_version,
                settings,
                as_of: date_of(&as_of, 1)?,
                summary,
                customers: customers.max(0) as u64,
                seconds,
                computed_at,
            })
        },
    )
    .transpose()
}

/// How a query's search is evaluated, decided once per call by [`resolve`]: a search is
/// looked up in an index once, and the page and its count both read what it found.
#[derive(Debug, Clone, PartialEq)]
enum Search {
    /// No search.
    None,
    /// Fewer than [`SORT_AT_MOST`] matches, looked up (in the trigram index or the number's
    /// ranges): the page and the count read these ids (sorting a few thousand rows takes a
    /// millisecond or two, and a rare phrase of many common trigrams, `özdemir ug 4`, costs
    /// a few milliseconds to look up: once, not once for the page and once for the count).
    Ids(Vec<i64>),
    /// A search of three characters or more in id order: the trigram index is the outer loop
    /// of the page's join and streams it, stopping after the page.
    Stream,
    /// At least [`SORT_AT_MOST`] matches in another order: checked on each row while the
    /// order's index is walked (dense matches fill a page after a few hundred rows, where
    /// sorting every match of a broad search, `müller`: 183 k of 1 M, took a third of a second).
    Walk,
}

/// The folded search text of `q`, when it has one. NUL characters are dropped: nobody types
/// them, and the trigram index's query language ends a string at one ("unterminated string").
fn search_text(q: &CustomerQuery) -> Option<String> {
    q.search
        .as_deref()
        .map(|s| s.replace('\0', "").to_lowercase())
        .filter(|s| !s.is_empty())
}

/// Whether a folded search text is looked up in the trigram index.
fn uses_trigrams(folded: &str) -> bool {
    folded.chars().count() >= TRIGRAM
}

/// How `q`'s search is evaluated (see [`Search`]). `counting`: the caller also counts, so a
/// search in id order is looked up too (streaming the page would leave the count to read the
/// trigram index a second time).
fn resolve(conn: &Connection, q: &CustomerQuery, counting: bool) -> Result<Search, StoreError> {
    let Some(folded) = search_text(q) else {
        return Ok(Search::None);
    };
    let trigram = uses_trigrams(&folded);
    if trigram && q.sort == Column::Id && !counting {
        return Ok(Search::Stream);
    }
    let mut args = Vec::new();
    let condition = search_sql(&folded, &mut args, false);
    let sql = if trigram {
        format!("SELECT rowid FROM {SEARCH_TABLE} WHERE {condition} LIMIT {SORT_AT_MOST}")
    } else {
        format!("SELECT id FROM analysis_customers WHERE {condition} LIMIT {SORT_AT_MOST}")
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let ids = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            r.get::<_, i64>(0)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(if (ids.len() as u64) < SORT_AT_MOST {
        Search::Ids(ids)
    } else if trigram && q.sort == Column::Id {
        Search::Stream
    } else {
        Search::Walk
    })
}

/// The conditions of a query's filter and its search as `search` evaluates it, with their
/// arguments.
fn conditions(q: &CustomerQuery, args: &mut Vec<SqlValue>, search: &Search) -> Vec<String> {
    let mut conditions = Vec::new();
    if let Some(f) = &q.filter {
        let mut text = String::new();
        filter_sql(f, &mut text, args);
        conditions.push(text);
    }
    match (search, search_text(q)) {
        // The ids are the outer loop of the join that [`source`] names.
        (Search::None | Search::Ids(_), _) | (_, None) => {}
        (Search::Stream, Some(folded)) => conditions.push(search_sql(&folded, args, false)),
        (Search::Walk, Some(folded)) => conditions.push(search_sql(&folded, args, true)),
    }
    conditions
}

/// The trigram index of number and name, folded (migration 0005).
const SEARCH_TABLE: &str = "analysis_customers_search";

/// What a query reads, and how it names the id. A streamed search (see [`Search::Stream`]) is
/// the outer loop of a join, read in rowid (= id) order, so that a page in id order stops after
/// the page (`id IN (SELECT rowid …)` would first collect every match). Looked-up ids (see
/// [`Search::Ids`]) are the outer loop too, as a JSON array bound to the statement (one cached
/// statement whatever the ids; `id IN (…)` let SQLite walk a filter's index instead, checking
/// each of a type's 150 k rows against the list), their rows then sorted.
fn source(search: &Search, args: &mut Vec<SqlValue>) -> (String, &'static str) {
    match search {
        Search::Stream => (
            "analysis_customers_search CROSS JOIN analysis_customers \
             ON analysis_customers.id = analysis_customers_search.rowid"
                .to_owned(),
            "analysis_customers_search.rowid",
        ),
        Search::Ids(ids) => {
            let mut json = String::with_capacity(2 + ids.len() * 8);
            json.push('[');
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                let _ = write!(json, "{id}");
            }
            json.push(']');
            args.push(SqlValue::Text(json));
            (
                format!(
                    "(SELECT value AS found FROM json_each(?{})) CROSS JOIN analysis_customers \
                     ON analysis_customers.id = found",
                    args.len()
                ),
                "analysis_customers.id",
            )
        }
        Search::None | Search::Walk => ("analysis_customers".to_owned(), "id"),
    }
}

/// Search texts of at least this many characters (folded) are looked up in [`SEARCH_TABLE`];
/// shorter ones match a prefix of the number.
const TRIGRAM: usize = 3;

/// The condition of a search (see [`CustomerQuery::search`]) on its folded text. The trigram
/// index holds the folded texts and is case-sensitive, so a phrase of the folded search text
/// matches exactly the rows whose folded number or name contains it. `walk_order`: checked on
/// each row of the order's index instead (see [`Search::Walk`]).
fn search_sql(folded: &str, args: &mut Vec<SqlValue>, walk_order: bool) -> String {
    let chars = folded.chars().count();
    if chars >= TRIGRAM && walk_order {
        // What the trigram phrase finds: the folded number or name contains the text.
        args.push(SqlValue::Text(folded.to_owned()));
        let n = args.len();
        return format!(
            "(instr({FOLD}(number), ?{n}) > 0 OR coalesce(instr({FOLD}(name), ?{n}) > 0, 0))"
        );
    }
    if chars >= TRIGRAM {
        // One FTS5 string: the whole text as a phrase of consecutive trigrams.
        args.push(SqlValue::Text(format!(
            "\"{}\"",
            folded.replace('"', "\"\"")
        )));
        return format!("{SEARCH_TABLE} MATCH ?{}", args.len());
    }
    // A prefix of the folded number: the rows whose number starts with a character that folds
    // to the search's first one are ranges of the number's index; the fold of the whole prefix
    // is checked on those rows only.
    let first = folded.chars().next().unwrap_or_default();
    // `+number` keeps SQLite from reading these rows through the number's index (and then
    // sorting them).
    let number = if walk_order { "+number" } else { "number" };
    let mut ranges = Vec::new();
    for x in case_variants(first) {
        args.push(SqlValue::Text(x.to_string()));
        let lo = args.len();
        match successor(x) {
            Some(next) => {
                args.push(SqlValue::Text(next.to_string()));
                ranges.push(format!(
                    "({number} >= ?{lo} AND {number} < ?{})",
                    args.len()
                ));
            }
            None => ranges.push(format!("{number} >= ?{lo}")),
        }
    }
    args.push(SqlValue::Text(folded.to_owned()));
    format!(
        "(({}) AND substr({FOLD}(number), 1, {chars}) = ?{})",
        ranges.join(" OR "),
        args.len()
    )
}

/// A search matching fewer rows than this is looked up once and its matches sorted (see
/// [`Search::Ids`]); more are checked row by row while the order's index is walked.
const SORT_AT_MOST: u64 = 5_000;

/// Every character whose lower case (`char::to_lowercase`, which `str::to_lowercase` applies
/// to a text's first character) begins with `c`: `k` → `k`, `K`, `K` (Kelvin sign).
fn case_variants(c: char) -> Vec<char> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    // Only the characters that lower-case to another one; built once (about 1,400 entries).
    static UPPER: OnceLock<HashMap<char, Vec<char>>> = OnceLock::new();
    let upper = UPPER.get_or_init(|| {
        let mut map: HashMap<char, Vec<char>> = HashMap::new();
        for x in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if let Some(first) = x.to_lowercase().next().filter(|&f| f != x) {
                map.entry(first).or_default().push(x);
            }
        }
        map
    });
    let mut out = Vec::new();
    if c.to_lowercase().next() == Some(c) {
        out.push(c);
    }
    out.extend(upper.get(&c).into_iter().flatten());
    out
}

/// The next character in code point order (UTF-8 text sorts in that order), if any.
fn successor(c: char) -> Option<char> {
    (u32::from(c) + 1..=u32::from(char::MAX)).find_map(char::from_u32)
}

/// The stored customers a query asks for, in its order.
pub(crate) fn query(
    conn: &Connection,
    q: &CustomerQuery,
) -> Result<Vec<CustomerResult>, StoreError> {
    let search = resolve(conn, q, false)?;
    rows(conn, q, &search)
}

/// The stored customers a query asks for, in its order, and how many match its filter and
/// search (its paging aside), counted up to `cap`: a list page, its search looked up once.
pub(crate) fn page(
    conn: &Connection,
    q: &CustomerQuery,
    cap: u64,
) -> Result<(Vec<CustomerResult>, u64), StoreError> {
    let search = resolve(conn, q, true)?;
    let rows = rows(conn, q, &search)?;
    let n = count_resolved(conn, q, &search, Some(cap))?;
    Ok((rows, n))
}

fn rows(
    conn: &Connection,
    q: &CustomerQuery,
    search: &Search,
) -> Result<Vec<CustomerResult>, StoreError> {
    let mut out = Vec::new();
    for part in keyset_parts(q) {
        let left = q.limit.map(|l| l.saturating_sub(out.len() as u64));
        if left == Some(0) {
            break;
        }
        let (sql, args) = select_sql(q, &part, left, search);
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), customer_of)?;
        for r in rows {
            out.push(finish_customer(r?)?);
        }
    }
    Ok(out)
}

/// `EXPLAIN QUERY PLAN` of each statement [`query`] runs for `q`, one line per plan step.
pub(crate) fn plan(conn: &Connection, q: &CustomerQuery) -> Result<Vec<String>, StoreError> {
    let search = resolve(conn, q, false)?;
    let mut out = Vec::new();
    for part in keyset_parts(q) {
        let (sql, args) = select_sql(q, &part, q.limit, &search);
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            r.get::<_, String>(3)
        })?;
        for r in rows {
            out.push(r?);
        }
    }
    Ok(out)
}

/// The rows after a cursor, as consecutive parts of the order, each one range of the sort
/// column's index: NULLs are the smallest values, and a range such as `(col, id) < (v, c)`
/// excludes them, so "after" is not one range when they come next. One statement a part keeps
/// every part an index walk that stops after the page (an `OR` of the two would be sorted).
#[derive(Debug, Clone, Copy)]
enum Part<'a> {
    /// No cursor: the whole order.
    Whole,
    /// After `id` in id order.
    AfterId(i64),
    /// The rows with the cursor's value after its id (an equality and a rowid range: a row
    /// value `(col, id) > (v, c)` would use the index for `col` only and read a long run of
    /// equal values from its start).
    TiesAfter(&'a FilterValue, i64),
    /// Values beyond the cursor's (never NULL).
    Beyond(&'a FilterValue),
    /// NULLs after `id`.
    NullsAfter(i64),
    /// Every non-NULL value.
    NotNull,
    /// Every NULL.
    Nulls,
}

fn keyset_parts(q: &CustomerQuery) -> Vec<Part<'_>> {
    let Some(cursor) = &q.after else {
        return vec![Part::Whole];
    };
    let nulls = q.sort.nullable();
    let mut parts = Vec::new();
    match (&cursor.value, q.descending) {
        _ if q.sort == Column::Id => parts.push(Part::AfterId(cursor.id)),
        (Some(v), false) => parts.extend([Part::TiesAfter(v, cursor.id), Part::Beyond(v)]),
        (Some(v), true) => {
            parts.extend([Part::TiesAfter(v, cursor.id), Part::Beyond(v)]);
            if nulls {
                parts.push(Part::Nulls);
            }
        }
        (None, false) => {
            if nulls {
                parts.push(Part::NullsAfter(cursor.id));
            }
            parts.push(Part::NotNull);
        }
        (None, true) => {
            if nulls {
                parts.push(Part::NullsAfter(cursor.id));
            }
        }
    }
    parts
}

/// The statement of one part of a query.
fn select_sql(
    q: &CustomerQuery,
    part: &Part<'_>,
    limit: Option<u64>,
    search: &Search,
) -> (String, Vec<SqlValue>) {
    let mut args: Vec<SqlValue> = Vec::new();
    let (from, id) = source(search, &mut args);
    let mut sql = format!("SELECT {CUSTOMER_COLUMNS} FROM {from}");
    let mut conditions = conditions(q, &mut args, search);
    let col = q.sort.sql();
    let (cmp, dir) = if q.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    match *part {
        Part::Whole => {}
        Part::AfterId(after) => {
            args.push(SqlValue::Integer(after));
            conditions.push(format!("{id} {cmp} ?{}", args.len()));
        }
        Part::TiesAfter(v, id) => {
            args.push(sql_value(v));
            args.push(SqlValue::Integer(id));
            let n = args.len();
            conditions.push(format!("{col} = ?{} AND id {cmp} ?{n}", n - 1));
        }
        Part::Beyond(v) => {
            args.push(sql_value(v));
            conditions.push(format!("{col} {cmp} ?{}", args.len()));
        }
        Part::NullsAfter(id) => {
            args.push(SqlValue::Integer(id));
            conditions.push(format!("{col} IS NULL AND id {cmp} ?{}", args.len()));
        }
        Part::NotNull => conditions.push(format!("{col} IS NOT NULL")),
        Part::Nulls => conditions.push(format!("{col} IS NULL")),
    }
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    // NULLs count as the smallest value, as SQLite orders them: last when descending.
    if q.sort == Column::Id {
        let _ = write!(sql, " ORDER BY {id} {dir}");
    } else {
        let _ = write!(sql, " ORDER BY {col} {dir}, id {dir}");
    }
    if let Some(limit) = limit {
        let _ = write!(sql, " LIMIT {}", limit.min(i64::MAX as u64));
    }
    (sql, args)
}

fn sql_value(v: &FilterValue) -> SqlValue {
    match v {
        FilterValue::Text(t) => SqlValue::Text(t.clone()),
        FilterValue::Number(n) => SqlValue::Real(*n),
    }
}

/// Appends `f` as an SQL condition that is never NULL (unknown figures compare false), so that
/// `NOT` means what it means in the selection language. A comparison of a figure a customer
/// may lack is guarded by `IS NOT NULL` rather than wrapped in `coalesce`, which would hide the
/// column from its index.
fn filter_sql(f: &Filter, out: &mut String, args: &mut Vec<SqlValue>) {
    match f {
        Filter::Compare { column, op, value } => {
            out.push('(');
            compare_sql(*column, *op, value, out, args);
            not_null_guard(*column, out);
            out.push(')');
        }
        Filter::In { column, values } => {
            out.push('(');
            let exact = column.stored_case();
            match exact {
                Some(_) => out.push_str(column.sql()),
                None => out.push_str(&operand(*column)),
            }
            out.push_str(" IN (");
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match (exact, v) {
                    (Some(case), FilterValue::Text(t)) => {
                        args.push(SqlValue::Text(case(t)));
                        let _ = write!(out, "?{}", args.len());
                    }
                    _ => push_arg(*column, v, out, args),
                }
            }
            out.push(')');
            not_null_guard(*column, out);
            out.push(')');
        }
        Filter::Numbers(numbers) => {
            out.push_str("(number IN (");
            for (i, n) in numbers.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                args.push(SqlValue::Text(n.clone()));
                let _ = write!(out, "?{}", args.len());
            }
            out.push_str("))");
        }
        Filter::Not(inner) => {
            out.push_str("NOT ");
            filter_sql(inner, out, args);
        }
        Filter::And(parts) | Filter::Or(parts) => {
            let sep = if matches!(f, Filter::And(_)) {
                " AND "
            } else {
                " OR "
            };
            out.push('(');
            if parts.is_empty() {
                out.push_str(if matches!(f, Filter::And(_)) {
                    "1"
                } else {
                    "0"
                });
            }
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                filter_sql(p, out, args);
            }
            out.push(')');
        }
    }
}

/// ` AND column IS NOT NULL` for a figure a customer may lack.
fn not_null_guard(column: Column, out: &mut String) {
    if column.nullable() {
        let _ = write!(out, " AND {} IS NOT NULL", column.sql());
    }
}

/// The column as compared: text folded to lower case.
fn operand(column: Column) -> String {
    if column.is_text() {
        format!("{FOLD}({})", column.sql())
    } else {
        column.sql().to_owned()
    }
}

fn push_arg(column: Column, v: &FilterValue, out: &mut String, args: &mut Vec<SqlValue>) {
    args.push(match v {
        FilterValue::Text(t) if column.is_text() => SqlValue::Text(t.to_lowercase()),
        other => sql_value(other),
    });
    let _ = write!(out, "?{}", args.len());
}

fn compare_sql(
    column: Column,
    op: Comparison,
    value: &FilterValue,
    out: &mut String,
    args: &mut Vec<SqlValue>,
) {
    // A text value against a number column (or the reverse) matches nothing, as in Rust.
    if column.is_text() != matches!(value, FilterValue::Text(_)) {
        out.push('0');
        return;
    }
    if let (Some(case), FilterValue::Text(t), Comparison::Eq | Comparison::Ne) =
        (column.stored_case(), value, op)
    {
        args.push(SqlValue::Text(case(t)));
        let sym = if op == Comparison::Eq { "=" } else { "<>" };
        let _ = write!(out, "{} {sym} ?{}", column.sql(), args.len());
        return;
    }
    let lhs = operand(column);
    let sym = match op {
        Comparison::Contains => {
            if column.is_text() {
                let _ = write!(out, "instr({lhs}, ");
                push_arg(column, value, out, args);
                out.push_str(") > 0");
            } else {
                out.push('0');
            }
            return;
        }
        Comparison::Eq => "=",
        Comparison::Ne => "<>",
        Comparison::Lt => "<",
        Comparison::Le => "<=",
        Comparison::Gt => ">",
        Comparison::Ge => ">=",
    };
    let _ = write!(out, "{lhs} {sym} ");
    push_arg(column, value, out, args);
}

/// One stored customer by number, with its months.
pub(crate) fn customer(
    conn: &Connection,
    number: &str,
) -> Result<Option<(CustomerResult, Vec<MonthFigures>)>, StoreError> {
    let row = conn
        .query_row(
            &format!("SELECT {CUSTOMER_COLUMNS}, months FROM analysis_customers WHERE number = ?1"),
            [number],
            |r| Ok((customer_of(r)?, r.get::<_, Vec<u8>>(21)?)),
        )
        .optional()?;
    let Some((c, blob)) = row else {
        return Ok(None);
    };
    let c = finish_customer(c)?;
    let months = unpack_months(&blob).ok_or_else(|| StoreError::CorruptRow {
        id: c.id,
        message: format!("stored months of `{}` have {} bytes", c.number, blob.len()),
    })?;
    Ok(Some((c, months)))
}

/// Up to `limit` stored customers with their months, in id (customer-number) order, after the
/// customer with id `after` (0: from the first): one page of a keyset walk over every customer.
pub(crate) fn customers_with_months(
    conn: &Connection,
    after: i64,
    limit: u64,
) -> Result<Vec<(CustomerResult, Vec<MonthFigures>)>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CUSTOMER_COLUMNS}, months FROM analysis_customers WHERE id > ?1 ORDER BY id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(
        rusqlite::params![after, limit.min(i64::MAX as u64) as i64],
        |r| Ok((customer_of(r)?, r.get::<_, Vec<u8>>(21)?)),
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (c, blob) = row?;
        let c = finish_customer(c)?;
        let months = unpack_months(&blob).ok_or_else(|| StoreError::CorruptRow {
            id: c.id,
            message: format!("stored months of `{}` have {} bytes", c.number, blob.len()),
        })?;
        out.push((c, months));
    }
    Ok(out)
}

/// How many stored customers match a query's filter and search (its paging aside), counting
/// up to `cap` when one is given.
pub(crate) fn count(
    conn: &Connection,
    q: &CustomerQuery,
    cap: Option<u64>,
) -> Result<u64, StoreError> {
    let search = match search_text(q) {
        None => Search::None,
        // A count of every match reads them all anyway: no lookup first.
        Some(folded) if cap.is_none() && uses_trigrams(&folded) => Search::Stream,
        Some(_) if cap.is_none() => Search::Walk,
        Some(_) => resolve(conn, q, true)?,
    };
    count_resolved(conn, q, &search, cap)
}

/// [`count`] with the search evaluated as `search` says.
fn count_resolved(
    conn: &Connection,
    q: &CustomerQuery,
    search: &Search,
    cap: Option<u64>,
) -> Result<u64, StoreError> {
    let capped = |n: u64| cap.map_or(n, |c| n.min(c));
    let mut args: Vec<SqlValue> = Vec::new();
    let from = match (search, search_text(q)) {
        // The looked-up ids are the answer without a filter.
        (Search::Ids(ids), _) if q.filter.is_none() => return Ok(capped(ids.len() as u64)),
        (Search::Ids(_), _) | (Search::None, _) | (_, None) => {
            let (from, _) = source(search, &mut args);
            let conditions = conditions(q, &mut args, search);
            let mut sql = format!("SELECT 1 FROM {from}");
            if !conditions.is_empty() {
                sql.push_str(" WHERE ");
                sql.push_str(&conditions.join(" AND "));
            }
            sql
        }
        // Many matches: counted in the index that finds them, joined to the rows only for a
        // filter.
        (Search::Stream | Search::Walk, Some(folded)) => {
            let mut conditions = Vec::new();
            if let Some(f) = &q.filter {
                let mut text = String::new();
                filter_sql(f, &mut text, &mut args);
                conditions.push(text);
            }
            conditions.push(search_sql(&folded, &mut args, false));
            let from = if !uses_trigrams(&folded) {
                "analysis_customers".to_owned()
            } else if q.filter.is_some() {
                source(&Search::Stream, &mut args).0
            } else {
                SEARCH_TABLE.to_owned()
            };
            format!("SELECT 1 FROM {from} WHERE {}", conditions.join(" AND "))
        }
    };
    let sql = match cap {
        // Counting stops after `cap` matches.
        Some(cap) => format!(
            "SELECT count(*) FROM ({from} LIMIT {})",
            cap.min(i64::MAX as u64)
        ),
        None => from.replacen("SELECT 1", "SELECT count(*)", 1),
    };
    let n: i64 = conn
        .prepare_cached(&sql)?
        .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    Ok(n.max(0) as u64)
}
