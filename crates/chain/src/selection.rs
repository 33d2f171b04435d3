//! Saved selections: a small expression language that picks customers by their figures.
//!
//! ```text
//! type=growth and future_value>10000
//! type in (growth, steady) and current_value >= 5000 or abc=A
//! not status=lost
//! name ~ "Müller"
//! ```
//!
//! `and` binds tighter than `or`, `not` tighter than both; parentheses group. Keywords are
//! case-insensitive and also accepted in German (`und`, `oder`, `nicht`), and so are the types'
//! German labels (`type = Wachstum` is `type = growth`). Text comparisons ignore
//! case; `~` means "contains". Numbers use `.` as decimal point and may group digits with `_`
//! (`10_000`); a German decimal comma is not read, because `,` separates the values of `in (…)`.
//! A comparison with a figure the customer does not have (no future value yet, say) is false,
//! whatever the operator; so `not future_value > 0` selects customers without one.
//!
//! [`parse`] reports the first problem with its 1-based column; [`Selection`]'s `Display` writes
//! the canonical form, which parses back to the same selection.

use std::fmt;

use kundenwert_core::{CustomerType, Lang};
use kundenwert_text::{self as text, CustomerTypeLabel};

/// A figure of a customer that a selection can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Customer number (text).
    Id,
    /// Customer name (text).
    Name,
    /// Customer type: `steady`, `cyclical`, `bell`, `growth`, `shrinking`, `barnacle`, `new` (text).
    Type,
    /// Lifecycle status, e.g. `active`, `lost` (text).
    Status,
    /// ABC class `A`, `B`, `C` (text).
    Abc,
    /// Current customer value (number).
    CurrentValue,
    /// Future customer value (number).
    FutureValue,
    /// Revenue (number).
    Revenue,
    /// Contribution margin (number).
    Margin,
    /// Probability the customer is still active (number).
    PAlive,
    /// Number of transactions (number).
    Transactions,
}

impl Field {
    /// Every field, in the order the help lists them.
    pub const ALL: [Field; 11] = [
        Field::Id,
        Field::Name,
        Field::Type,
        Field::Status,
        Field::Abc,
        Field::CurrentValue,
        Field::FutureValue,
        Field::Revenue,
        Field::Margin,
        Field::PAlive,
        Field::Transactions,
    ];

    /// The name used in expressions.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Type => "type",
            Field::Status => "status",
            Field::Abc => "abc",
            Field::CurrentValue => "current_value",
            Field::FutureValue => "future_value",
            Field::Revenue => "revenue",
            Field::Margin => "margin",
            Field::PAlive => "p_alive",
            Field::Transactions => "transactions",
        }
    }

    /// Whether the field holds a number (else a text).
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Field::CurrentValue
                | Field::FutureValue
                | Field::Revenue
                | Field::Margin
                | Field::PAlive
                | Field::Transactions
        )
    }

    fn from_name(name: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a selection asks of a customer; implemented by the CLI's per-customer result.
pub trait CustomerFields {
    /// The value of a text field, `None` when unknown.
    fn text(&self, field: Field) -> Option<&str>;
    /// The value of a number field, `None` when unknown.
    fn number(&self, field: Field) -> Option<f64>;
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `~`: contains, ignoring case (text fields only).
    Contains,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "~",
        }
    }
}

/// A value on the right of a comparison, typed by its field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// For text fields.
    Text(String),
    /// For number fields.
    Number(f64),
}

/// A parsed selection.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// `field op value`.
    Compare {
        /// The field.
        field: Field,
        /// The operator.
        op: Op,
        /// The value, of the field's kind.
        value: Value,
    },
    /// `field in (v1, v2, …)`.
    In {
        /// The field.
        field: Field,
        /// The values, of the field's kind; at least one.
        values: Vec<Value>,
    },
    /// `not s`.
    Not(Box<Selection>),
    /// `a and b and …` (two or more).
    And(Vec<Selection>),
    /// `a or b or …` (two or more).
    Or(Vec<Selection>),
}

impl Selection {
    /// Whether a customer matches. A comparison with an unknown figure is false.
    pub fn matches(&self, customer: &dyn CustomerFields) -> bool {
        match self {
            Selection::Compare { field, op, value } => compare(customer, *field, *op, value),
            Selection::In { field, values } => {
                values.iter().any(|v| compare(customer, *field, Op::Eq, v))
            }
            Selection::Not(inner) => !inner.matches(customer),
            Selection::And(parts) => parts.iter().all(|p| p.matches(customer)),
            Selection::Or(parts) => parts.iter().any(|p| p.matches(customer)),
        }
    }
}

fn compare(customer: &dyn CustomerFields, field: Field, op: Op, value: &Value) -> bool {
    match value {
        Value::Number(want) => {
            let Some(have) = customer.number(field) else {
                return false;
            };
            match op {
                Op::Eq => have == *want,
                Op::Ne => have != *want,
                Op::Lt => have < *want,
                Op::Le => have <= *want,
                Op::Gt => have > *want,
                Op::Ge => have >= *want,
                // The parser never builds `~` with a number.
                Op::Contains => false,
            }
        }
        Value::Text(want) => {
            let Some(have) = customer.text(field) else {
                return false;
            };
            let (have, want) = (have.to_lowercase(), want.to_lowercase());
            match op {
                Op::Eq => have == want,
                Op::Ne => have != want,
                Op::Contains => have.contains(&want),
                // The parser never builds an ordering with a text.
                Op::Lt | Op::Le | Op::Gt | Op::Ge => false,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Display: the canonical form.

const KEYWORDS: [&str; 7] = ["and", "or", "not", "in", "und", "oder", "nicht"];

fn is_bare_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '(' | ')' | '=' | '!' | '<' | '>' | '~' | ',' | '"')
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => {
                let text = n.to_string();
                // `1.125` would be refused as ambiguous; `1.1250` is the same number.
                if looks_like_thousands(&text) {
                    write!(f, "{text}0")
                } else {
                    f.write_str(&text)
                }
            }
            Value::Text(t) => {
                let bare = !t.is_empty()
                    && t.chars().all(is_bare_char)
                    && !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(t));
                if bare {
                    f.write_str(t)
                } else {
                    f.write_str("\"")?;
                    for c in t.chars() {
                        if matches!(c, '"' | '\\') {
                            f.write_str("\\")?;
                        }
                        write!(f, "{c}")?;
                    }
                    f.write_str("\"")
                }
            }
        }
    }
}

impl fmt::Display for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selection::Compare { field, op, value } => {
                write!(f, "{field} {} {value}", op.as_str())
            }
            Selection::In { field, values } => {
                write!(f, "{field} in (")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str(")")
            }
            Selection::Not(inner) => match **inner {
                Selection::And(_) | Selection::Or(_) => write!(f, "not ({inner})"),
                _ => write!(f, "not {inner}"),
            },
            Selection::And(parts) => join(f, parts, " and ", |p| {
                matches!(p, Selection::Or(_) | Selection::And(_))
            }),
            Selection::Or(parts) => join(f, parts, " or ", |p| matches!(p, Selection::Or(_))),
        }
    }
}

/// Writes `parts` with `sep`, in parentheses where `needs_parens` says the part would otherwise
/// be read differently (a nested `and` is parenthesised too, so the tree shape survives).
fn join(
    f: &mut fmt::Formatter<'_>,
    parts: &[Selection],
    sep: &str,
    needs_parens: impl Fn(&Selection) -> bool,
) -> fmt::Result {
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        if needs_parens(p) {
            write!(f, "({p})")?;
        } else {
            write!(f, "{p}")?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// Why a selection cannot be read, at a 1-based column (counted in characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.localized(Lang::En))]
pub struct SelectionError {
    /// 1-based column of the problem (one past the end for a missing part).
    pub column: usize,
    /// What is wrong.
    pub kind: SelectionErrorKind,
}

/// What is wrong with a selection.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SelectionErrorKind {
    /// Nothing but blanks.
    Empty,
    /// A name that is no field.
    UnknownField {
        /// The name found.
        name: String,
    },
    /// A field but no operator after it.
    ExpectedOperator {
        /// What was found instead (`end` at the end).
        found: String,
    },
    /// An operator but no value after it.
    ExpectedValue {
        /// The operator (or `in (`, `,`) after which the value is missing.
        after: String,
    },
    /// A field name was expected (start of a comparison).
    ExpectedField {
        /// What was found instead.
        found: String,
    },
    /// A number field compared with something that is not a number.
    NotANumber {
        /// The field.
        field: String,
        /// The value.
        value: String,
    },
    /// `10.000`: a German reader means ten thousand, the language reads ten.
    AmbiguousNumber {
        /// The value.
        value: String,
    },
    /// `<`, `<=`, `>`, `>=` on a text field, or `~` on a number field.
    OperatorNotForField {
        /// The operator.
        op: String,
        /// The field.
        field: String,
    },
    /// A quoted text without its closing quote.
    UnclosedQuote,
    /// `(` without `)`.
    ExpectedClose {
        /// What was found instead.
        found: String,
    },
    /// `in` must be followed by `(`.
    ExpectedOpenAfterIn,
    /// Text after a complete selection.
    Trailing {
        /// What was found.
        found: String,
    },
    /// Parentheses or `not` nested deeper than 64 levels.
    TooDeep,
    /// A character that starts nothing (`!` without `=`).
    UnexpectedChar {
        /// The character.
        found: char,
    },
}

impl SelectionError {
    /// The message in German or English: `at 14: expected a value after '>'`.
    pub fn localized(&self, lang: Lang) -> String {
        use SelectionErrorKind as K;
        let fields = Field::ALL.map(Field::as_str).join(", ");
        let what = match &self.kind {
            K::Empty => text::selection_empty(lang).to_owned(),
            K::UnknownField { name } => text::selection_unknown_field(lang, &fields, name),
            K::ExpectedOperator { found } => text::selection_expected_operator(lang, found),
            K::ExpectedValue { after } => text::selection_expected_value(lang, after),
            K::ExpectedField { found } => text::selection_expected_field(lang, &fields, found),
            K::NotANumber { field, value } => text::selection_not_a_number(lang, field, value),
            K::AmbiguousNumber { value } => {
                text::selection_ambiguous_number(lang, value.replace('.', ""), value)
            }
            K::OperatorNotForField { op, field } => {
                text::selection_operator_not_for_field(lang, field, op)
            }
            K::UnclosedQuote => text::selection_unclosed_quote(lang).to_owned(),
            K::ExpectedClose { found } => text::selection_expected_close(lang, found),
            K::ExpectedOpenAfterIn => text::selection_expected_open_after_in(lang).to_owned(),
            K::Trailing { found } => text::selection_trailing(lang, found),
            K::TooDeep => text::selection_too_deep(lang).to_owned(),
            K::UnexpectedChar { found } => text::selection_unexpected_char(lang, found),
        };
        text::selection_error_at(lang, self.column, what)
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Comma,
    Op(Op),
    /// A bare run of characters: field, keyword or value.
    Word(String),
    /// A quoted text.
    Quoted(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// 1-based column of the first character.
    column: usize,
}

fn lex(text: &str) -> Result<Vec<Token>, SelectionError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let next = chars.get(i + 1).copied();
        let (tok, len) = match c {
            _ if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => (Tok::Open, 1),
            ')' => (Tok::Close, 1),
            ',' => (Tok::Comma, 1),
            '~' => (Tok::Op(Op::Contains), 1),
            '=' if next == Some('=') => (Tok::Op(Op::Eq), 2),
            '=' => (Tok::Op(Op::Eq), 1),
            '!' if next == Some('=') => (Tok::Op(Op::Ne), 2),
            '<' if next == Some('>') => (Tok::Op(Op::Ne), 2),
            '<' if next == Some('=') => (Tok::Op(Op::Le), 2),
            '<' => (Tok::Op(Op::Lt), 1),
            '>' if next == Some('=') => (Tok::Op(Op::Ge), 2),
            '>' => (Tok::Op(Op::Gt), 1),
            '"' => {
                let mut s = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => {
                            return Err(SelectionError {
                                column,
                                kind: SelectionErrorKind::UnclosedQuote,
                            })
                        }
                        Some('"') => break,
                        Some('\\') if matches!(chars.get(j + 1), Some('"' | '\\')) => {
                            s.push(chars[j + 1]);
                            j += 2;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            j += 1;
                        }
                    }
                }
                (Tok::Quoted(s), j + 1 - i)
            }
            _ if is_bare_char(c) => {
                let len = chars[i..]
                    .iter()
                    .take_while(|&&ch| is_bare_char(ch))
                    .count();
                (Tok::Word(chars[i..i + len].iter().collect()), len)
            }
            _ => {
                return Err(SelectionError {
                    column,
                    kind: SelectionErrorKind::UnexpectedChar { found: c },
                })
            }
        };
        out.push(Token { tok, column });
        i += len;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser (recursive descent; depth bounded so hostile input cannot overflow the stack).

/// Nesting beyond this is refused; real selections nest two or three levels.
const MAX_DEPTH: usize = 64;

/// Reads a selection.
///
/// # Errors
/// The first problem, with its column.
pub fn parse(text: &str) -> Result<Selection, SelectionError> {
    let tokens = lex(text)?;
    let end = text.chars().count() + 1;
    let mut p = Parser {
        tokens,
        pos: 0,
        end,
        depth: 0,
    };
    if p.tokens.is_empty() {
        return Err(SelectionError {
            column: 1,
            kind: SelectionErrorKind::Empty,
        });
    }
    let sel = p.or()?;
    if let Some(t) = p.peek() {
        return Err(SelectionError {
            column: t.column,
            kind: SelectionErrorKind::Trailing {
                found: describe(Some(&t.tok)),
            },
        });
    }
    Ok(sel)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    end: usize,
    depth: usize,
}

fn keyword(tok: Option<&Tok>, words: &[&str]) -> bool {
    matches!(tok, Some(Tok::Word(w)) if words.iter().any(|k| k.eq_ignore_ascii_case(w)))
}

fn describe(tok: Option<&Tok>) -> String {
    match tok {
        None => "the end".to_owned(),
        Some(Tok::Open) => "'('".into(),
        Some(Tok::Close) => "')'".into(),
        Some(Tok::Comma) => "','".into(),
        Some(Tok::Op(op)) => format!("'{}'", op.as_str()),
        Some(Tok::Word(w)) => format!("'{w}'"),
        Some(Tok::Quoted(q)) => format!("\"{q}\""),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }

    fn column(&self) -> usize {
        self.peek().map_or(self.end, |t| t.column)
    }

    fn err(&self, kind: SelectionErrorKind) -> SelectionError {
        SelectionError {
            column: self.column(),
            kind,
        }
    }

    fn or(&mut self) -> Result<Selection, SelectionError> {
        let mut parts = vec![self.and()?];
        while keyword(self.peek_tok(), &["or", "oder"]) {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Selection::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Selection, SelectionError> {
        let mut parts = vec![self.unary()?];
        while keyword(self.peek_tok(), &["and", "und"]) {
            self.pos += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Selection::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Selection, SelectionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(SelectionErrorKind::TooDeep));
        }
        let result = if keyword(self.peek_tok(), &["not", "nicht"]) {
            self.pos += 1;
            self.unary().map(|s| Selection::Not(Box::new(s)))
        } else if self.peek_tok() == Some(&Tok::Open) {
            self.pos += 1;
            let inner = self.or()?;
            if self.peek_tok() == Some(&Tok::Close) {
                self.pos += 1;
                Ok(inner)
            } else {
                Err(self.err(SelectionErrorKind::ExpectedClose {
                    found: describe(self.peek_tok()),
                }))
            }
        } else {
            self.comparison()
        };
        self.depth -= 1;
        result
    }

    fn comparison(&mut self) -> Result<Selection, SelectionError> {
        let field = match self.peek_tok() {
            Some(Tok::Word(w)) if !keyword(self.peek_tok(), &KEYWORDS) => {
                match Field::from_name(w) {
                    Some(f) => f,
                    None => {
                        return Err(self.err(SelectionErrorKind::UnknownField { name: w.clone() }))
                    }
                }
            }
            other => {
                return Err(self.err(SelectionErrorKind::ExpectedField {
                    found: describe(other),
                }))
            }
        };
        self.pos += 1;
        if keyword(self.peek_tok(), &["in"]) {
            self.pos += 1;
            if self.peek_tok() != Some(&Tok::Open) {
                return Err(self.err(SelectionErrorKind::ExpectedOpenAfterIn));
            }
            self.pos += 1;
            let mut values = vec![self.value(field, "in (")?];
            loop {
                match self.peek_tok() {
                    Some(Tok::Comma) => {
                        self.pos += 1;
                        values.push(self.value(field, ",")?);
                    }
                    Some(Tok::Close) => {
                        self.pos += 1;
                        break;
                    }
                    other => {
                        return Err(self.err(SelectionErrorKind::ExpectedClose {
                            found: describe(other),
                        }))
                    }
                }
            }
            return Ok(Selection::In { field, values });
        }
        let op = match self.peek_tok() {
            Some(Tok::Op(op)) => *op,
            other => {
                return Err(self.err(SelectionErrorKind::ExpectedOperator {
                    found: describe(other),
                }))
            }
        };
        let fits = if field.is_number() {
            op != Op::Contains
        } else {
            matches!(op, Op::Eq | Op::Ne | Op::Contains)
        };
        if !fits {
            return Err(self.err(SelectionErrorKind::OperatorNotForField {
                op: op.as_str().into(),
                field: field.as_str().into(),
            }));
        }
        self.pos += 1;
        let value = self.value(field, op.as_str())?;
        Ok(Selection::Compare { field, op, value })
    }

    fn value(&mut self, field: Field, after: &str) -> Result<Value, SelectionError> {
        let raw = match self.peek_tok() {
            Some(Tok::Word(w)) => w.clone(),
            Some(Tok::Quoted(q)) => q.clone(),
            _ => {
                return Err(self.err(SelectionErrorKind::ExpectedValue {
                    after: after.into(),
                }))
            }
        };
        let value = if field.is_number() {
            if looks_like_thousands(&raw) {
                return Err(self.err(SelectionErrorKind::AmbiguousNumber { value: raw }));
            }
            match parse_number(&raw) {
                Some(n) => Value::Number(n),
                None => {
                    return Err(self.err(SelectionErrorKind::NotANumber {
                        field: field.as_str().into(),
                        value: raw,
                    }))
                }
            }
        } else if field == Field::Type {
            Value::Text(type_id(&raw).map_or(raw, str::to_owned))
        } else {
            Value::Text(raw)
        };
        self.pos += 1;
        Ok(value)
    }
}

/// The type id a German label stands for (`Wachstum` → `growth`, `unauffällig` → `steady`,
/// any case), so German users can write the types as the outputs name them; `None` for
/// anything else, which is compared as written.
fn type_id(word: &str) -> Option<&'static str> {
    let word = word.to_lowercase();
    CustomerType::ALL
        .into_iter()
        .find(|t| t.label(Lang::De).to_lowercase() == word)
        .map(CustomerType::id)
}

/// `1.500`, `-10.000`, `250.000`: one to three digits (not just `0`), a point, exactly three
/// digits. German users write thousands this way; reading it as a decimal would silently select
/// the wrong customers, so it is refused with a hint instead.
fn looks_like_thousands(raw: &str) -> bool {
    let body = raw.strip_prefix('-').unwrap_or(raw);
    let Some((int, frac)) = body.split_once('.') else {
        return false;
    };
    (1..=3).contains(&int.len())
        && int.bytes().all(|b| b.is_ascii_digit())
        && int.bytes().any(|b| b != b'0')
        && frac.len() == 3
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// `10000`, `10_000`, `-2.5`, `0.93`; no exponent, no decimal comma, finite only.
fn parse_number(raw: &str) -> Option<f64> {
    let body = raw.strip_prefix('-').unwrap_or(raw);
    let ok = !body.is_empty()
        && body.starts_with(|c: char| c.is_ascii_digit())
        && body.ends_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '_' || c == '.')
        && body.chars().filter(|&c| c == '.').count() <= 1
        && !body.contains("_.")
        && !body.contains("._");
    if !ok {
        return None;
    }
    let n: f64 = raw.replace('_', "").parse().ok()?;
    n.is_finite().then_some(n)
}
