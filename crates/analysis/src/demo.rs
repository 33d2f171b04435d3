//! A synthetic German mid-sized company for `kundenwert demo`: invoice lines of about 5,000
//! customers over 36 months, each customer drawn with a known customer type, so that the
//! classifier can be checked against the truth.
//!
//! Pure and deterministic: [`generate`] does no IO and draws from its own small generator
//! (SplitMix64), so the same [`DemoConfig`] gives the same lines on every machine. The monthly
//! margin of a customer follows the shape of its type (steady, cyclical, bell, growth,
//! shrinking, barnacle; `new` customers start in the last five months) with the noise real
//! business has: orders come in the customer's own rhythm, shifted by monthly ups and downs;
//! an order holds 1–4 lines of articles from the customer's own price band; quantities vary; a
//! few invoices are corrected by credit notes. Barnacles buy loyally at net prices around the
//! cost (special conditions), so their margin is about zero or below.
//!
//! ```
//! use kundenwert_analysis::demo::{generate, DemoConfig};
//! let demo = generate(&DemoConfig { customers: 50, ..DemoConfig::default() });
//! assert_eq!(demo.truth.len(), 50);
//! assert!(demo.lines.iter().all(|l| l.date <= demo.as_of));
//! ```

use std::collections::HashSet;

use chrono::{Datelike, Months, NaiveDate, Weekday};

use crate::typology::CustomerType;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoConfig {
    /// Number of customers (default 5,000).
    pub customers: usize,
    /// Seed of the random generator.
    pub seed: u64,
    /// How often each type is drawn (relative weights; default [`TYPE_WEIGHTS`]).
    pub type_shares: [(CustomerType, f64); 7],
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            customers: 5_000,
            seed: 20_251_231,
            type_shares: TYPE_WEIGHTS,
        }
    }
}

/// One line of an invoice or credit note, as an ERP exports it. Amounts are in cents; a credit
/// note has negative quantity, revenue and cost.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceLine {
    /// Document number: `RE…` for invoices, `GS…` for credit notes.
    pub document: String,
    /// Customer number.
    pub customer_id: String,
    /// Customer name.
    pub customer_name: String,
    /// Document date.
    pub date: NaiveDate,
    /// Article number.
    pub article: &'static str,
    /// Article description.
    pub description: &'static str,
    /// Quantity (negative on a credit note).
    pub quantity: i64,
    /// Net unit price after the customer's discount, in cents.
    pub unit_price_cents: i64,
    /// Net revenue (quantity × unit price), in cents.
    pub revenue_cents: i64,
    /// Cost of goods sold (Wareneinsatz), in cents.
    pub cost_cents: i64,
}

/// The generated company: invoice lines sorted by date and document number, and the true type
/// of every customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Demo {
    /// The last day of the history (all lines lie on or before it).
    pub as_of: NaiveDate,
    /// Invoice and credit-note lines, sorted by date and document number.
    pub lines: Vec<InvoiceLine>,
    /// Customer number and the type the customer was drawn with, in customer-number order;
    /// [`CustomerType::Insufficient`] (`new`) for customers that started in the last months.
    pub truth: Vec<(String, CustomerType)>,
}

/// Months of history.
pub const MONTHS: u32 = 36;

/// The last day of the history: 31.12.2025.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 31).expect("valid date")
}

fn first_month() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 1).expect("valid date")
}

/// SplitMix64's finaliser: every bit of `z` spread over every bit of the result. The
/// generator below steps through it; it also turns a plain hash into a well-mixed one.
pub(crate) fn mix64(z: u64) -> u64 {
    let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast and good enough for synthetic data; the
/// seed is the whole state, so every run with the same seed draws the same numbers.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }

    /// Uniform in lo..=hi.
    pub(crate) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_u64() % items.len() as u64) as usize]
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Standard normal (Box-Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.f64();
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal with median `median` and log-sd `sd`.
    pub(crate) fn lognormal(&mut self, median: f64, sd: f64) -> f64 {
        median * (sd * self.normal()).exp()
    }
}

/// Article number, description, list price in cents, cost rate (cost / list price).
const ARTICLES: [(&str, &str, i64, f64); 30] = [
    ("HZ-100", "Hydraulikzylinder 100 mm", 41_250, 0.62),
    ("HZ-160", "Hydraulikzylinder 160 mm", 68_900, 0.60),
    ("DS-20", "Dichtungssatz für Zylinder", 3_890, 0.35),
    ("SV-12", "Schlauchverbinder 12\"", 1_240, 0.45),
    ("SRV", "Service vor Ort (Std.)", 9_500, 0.30),
    ("PU-3", "Pumpeneinheit 3 kW", 145_000, 0.68),
    ("KH-25", "Kugelhahn DN 25 Messing", 4_780, 0.52),
    ("DR-10", "Druckschalter 10 bar", 8_650, 0.55),
    ("ÖF-01", "Ölfilter-Element", 2_290, 0.40),
    ("GÖ-20", "Getriebeöl 20 l Kanister", 11_900, 0.66),
    ("WT-40", "Wärmetauscher 40 kW", 98_000, 0.64),
    ("ST-08", "Stößel gehärtet Ø 8 mm", 1_680, 0.38),
    ("FD-50", "Flanschdichtung DN 50", 960, 0.33),
    ("MM-P", "Montagematerial; pauschal", 4_500, 0.25),
    ("VT-3W", "Wegeventil 3/2 Magnet", 23_400, 0.58),
    ("DM-63", "Manometer Ø 63 mm", 2_150, 0.42),
    ("KL-12", "Kupplungsstück Größe 12", 3_320, 0.47),
    ("SS-M8", "Sechskantschrauben M8 (100 Stück)", 1_490, 0.36),
    ("LG-62", "Rillenkugellager 6205 2RS", 1_870, 0.44),
    ("ZR-5M", "Zahnriemen 5M-450", 2_760, 0.41),
    ("GM-75", "Getriebemotor 0,75 kW", 62_500, 0.63),
    ("SP-HD", "Hochdruckschlauch 1/2\" 10 m", 8_990, 0.50),
    ("FR-LU", "Filterregler Luftaufbereitung", 13_750, 0.54),
    ("AK-24", "Anschlusskabel 24 V, 5 m", 1_590, 0.39),
    ("SB-STW", "Steuerblock für Stapler", 189_000, 0.70),
    ("RP-KT", "Reparatursatz Kettenspanner", 7_420, 0.48),
    ("SM-ÜB", "Schmierfett Überkopf 400 g", 890, 0.31),
    ("PR-ÄN", "Prüfung & Abnahme nach BetrSichV", 29_500, 0.28),
    ("WT-GR", "Wartungspauschale Großanlage", 65_000, 0.35),
    ("FK-SÄ", "Führungsschiene Säulenbohrmaschine", 15_600, 0.57),
];

const SURNAMES: [&str; 60] = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
    "Vogel",
    "Keller",
    "Günther",
    "Berger",
    "Winkler",
    "Roth",
    "Lorenz",
    "Baumann",
    "Albrecht",
    "Böhm",
    "Winter",
    "Krämer",
    "Vogt",
    "Jäger",
    "Sommer",
    "Groß",
    "Brandt",
    "Kühn",
    "Pohl",
    "Größer",
];

const PATTERNS: [&str; 24] = [
    "{} Maschinenbau GmbH",
    "Bäckerei {} e.K.",
    "{} & Söhne KG",
    "Landtechnik {} GmbH & Co. KG",
    "{} Metallbau GmbH",
    "Autohaus {} GmbH",
    "Schlosserei {}",
    "{} Hydraulik AG",
    "Gärtnerei {} e.K.",
    "{} Fördertechnik GmbH",
    "Elektro {} GmbH",
    "{} Agrarhandel eG",
    "Brauerei {} KG",
    "Zimmerei {} GmbH",
    "{} Präzisionsteile GmbH",
    "Mühle {} OHG",
    "Kälte-Klima {} GmbH",
    "Sägewerk {} KG",
    "{} Straßenbau AG",
    "Tischlerei {} e.K.",
    "{} Anlagenbau GmbH",
    "Kranverleih {} GmbH",
    "{} Lebensmitteltechnik KG",
    "Forstbetrieb {}",
];

const TOWNS: [&str; 16] = [
    "München",
    "Köln",
    "Düsseldorf",
    "Nürnberg",
    "Würzburg",
    "Lübeck",
    "Göttingen",
    "Osnabrück",
    "Saarbrücken",
    "Fürth",
    "Gießen",
    "Lüneburg",
    "Tübingen",
    "Jülich",
    "Bückeburg",
    "Zwickau",
];

/// The true types and how often each is drawn by default.
pub const TYPE_WEIGHTS: [(CustomerType, f64); 7] = [
    (CustomerType::Stable, 0.30),
    (CustomerType::Cyclical, 0.12),
    (CustomerType::Bell, 0.10),
    (CustomerType::Growth, 0.14),
    (CustomerType::Shrink, 0.13),
    (CustomerType::Barnacle, 0.11),
    (CustomerType::Insufficient, 0.10),
];

/// Everything drawn once per customer.
struct Profile {
    kind: CustomerType,
    /// First month with intended business (0 = January 2023).
    start: u32,
    /// Orders per month at intensity 1.
    frequency: f64,
    /// Net value of a typical order line at list prices, in cents.
    line_value: f64,
    /// Discount on list prices (not for barnacles: their special conditions set the net price
    /// around the cost, see [`order_line`]).
    discount: f64,
    /// Indices into [`ARTICLES`].
    assortment: Vec<usize>,
    /// Shape parameters: bell peak and width; cyclical season months; growth/shrink exponent.
    peak: f64,
    width: f64,
    season: [bool; 12],
    exponent: f64,
}

fn draw_type(rng: &mut Rng, shares: &[(CustomerType, f64)]) -> CustomerType {
    let total: f64 = shares.iter().map(|(_, w)| w.max(0.0)).sum();
    let mut u = rng.f64() * total;
    for &(kind, weight) in shares {
        let weight = weight.max(0.0);
        if u < weight {
            return kind;
        }
        u -= weight;
    }
    CustomerType::Stable
}

fn draw_profile(rng: &mut Rng, shares: &[(CustomerType, f64)]) -> Profile {
    let kind = draw_type(rng, shares);
    let start = match kind {
        CustomerType::Insufficient => rng.int(31, 35) as u32,
        CustomerType::Shrink => {
            if rng.chance(0.8) {
                0
            } else {
                rng.int(1, 6) as u32
            }
        }
        CustomerType::Bell | CustomerType::Growth => {
            if rng.chance(0.4) {
                0
            } else {
                rng.int(1, 12) as u32
            }
        }
        _ => {
            if rng.chance(0.65) {
                0
            } else {
                rng.int(1, 15) as u32
            }
        }
    };
    let frequency = match kind {
        CustomerType::Barnacle => rng.range(1.2, 3.5),
        CustomerType::Cyclical => rng.range(1.5, 4.0),
        _ => rng.lognormal(0.9, 0.45).clamp(0.4, 4.0),
    };
    let discount = match kind {
        // Priced per line around the cost instead (`order_line`).
        CustomerType::Barnacle => 0.0,
        _ => rng.range(0.0, 0.12),
    };
    // A customer buys in its own price band: a workshop buys seals and filters, a plant
    // builder pumps and control blocks; the value of a typical line follows from that.
    let line_value = rng.lognormal(40_000.0, 0.7).max(5_000.0);
    let affordable: Vec<usize> = (0..ARTICLES.len())
        .filter(|a| (ARTICLES[*a].2 as f64) <= 1.5 * line_value)
        .collect();
    let n_articles = (rng.int(3, 7) as usize).min(affordable.len());
    let mut assortment = Vec::with_capacity(n_articles);
    while assortment.len() < n_articles {
        let a = rng.pick(&affordable);
        if !assortment.contains(&a) {
            assortment.push(a);
        }
    }
    // Seasons (months 0 = January): spring and autumn (agriculture, construction), one long
    // summer season, or the winter (heating, snow clearing).
    let months: &[usize] = match rng.int(0, 2) {
        0 => &[2, 3, 4, 8, 9],
        1 => &[4, 5, 6, 7],
        _ => &[0, 1, 10, 11],
    };
    let mut season = [false; 12];
    for m in months {
        season[*m] = true;
    }
    Profile {
        kind,
        start,
        frequency,
        line_value,
        discount,
        assortment,
        peak: rng.range(0.35, 0.65),
        width: rng.range(0.14, 0.22),
        season,
        exponent: rng.range(0.8, 1.6),
    }
}

/// Relative business in month `m` (0-based from January 2023) for a customer that started in
/// `p.start`; `t` runs from 0 at the start to 1 at the as-of month.
fn intensity(p: &Profile, m: u32) -> f64 {
    let t = if MONTHS - 1 > p.start {
        (m - p.start) as f64 / (MONTHS - 1 - p.start) as f64
    } else {
        1.0
    };
    match p.kind {
        CustomerType::Stable | CustomerType::Barnacle | CustomerType::Insufficient => 1.0,
        CustomerType::Cyclical => {
            // The season starts and ends with smaller orders in the months beside it.
            let in_season = |m: u32| p.season[(m % 12) as usize];
            if in_season(m) {
                1.7
            } else if in_season(m + 1) || in_season(m + 11) {
                0.45
            } else {
                0.03
            }
        }
        CustomerType::Bell => 0.12 + 1.9 * (-((t - p.peak) / p.width).powi(2)).exp(),
        CustomerType::Growth => 0.2 + 1.8 * t.powf(p.exponent),
        CustomerType::Shrink => 0.12 + 1.9 * (1.0 - t).powf(p.exponent),
    }
}

/// A document date in month `m`: a working day (weekends move to the Friday before).
fn date_in_month(rng: &mut Rng, m: u32) -> NaiveDate {
    let month_start = first_month() + Months::new(m);
    let days = (month_start + Months::new(1) - month_start).num_days();
    let mut date = month_start + chrono::Days::new(rng.int(0, days - 1) as u64);
    let weekend = |d: NaiveDate| matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    while weekend(date) {
        date = date.pred_opt().expect("valid date");
    }
    if date < month_start {
        // The month begins on a weekend: the first Monday.
        date = month_start;
        while weekend(date) {
            date = date.succ_opt().expect("valid date");
        }
    }
    date
}

fn company_name(rng: &mut Rng, taken: &mut HashSet<String>) -> String {
    for _ in 0..20 {
        let surname = if rng.chance(0.15) {
            format!("{} & {}", rng.pick(&SURNAMES), rng.pick(&SURNAMES))
        } else {
            rng.pick(&SURNAMES).to_string()
        };
        let mut name = rng.pick(&PATTERNS).replace("{}", &surname);
        if rng.chance(0.3) {
            name.push(' ');
            name.push_str(rng.pick(&TOWNS));
        }
        if taken.insert(name.clone()) {
            return name;
        }
    }
    // Real customer masters hold duplicate names too; keep it.
    format!(
        "{} {}",
        rng.pick(&PATTERNS).replace("{}", rng.pick(&SURNAMES)),
        rng.pick(&TOWNS)
    )
}

/// One line before numbering: article, quantity, unit price, revenue and cost in cents.
struct Line {
    article: usize,
    quantity: i64,
    unit_price: i64,
    revenue: i64,
    cost: i64,
}

struct Document {
    date: NaiveDate,
    customer: usize,
    credit: bool,
    lines: Vec<Line>,
}

fn order_line(rng: &mut Rng, p: &Profile, scale: f64) -> Line {
    let article = rng.pick(&p.assortment);
    let (_, _, list, cost_rate) = ARTICLES[article];
    let quantity = (p.line_value * scale * rng.lognormal(1.0, 0.4) / list as f64)
        .round()
        .max(1.0) as i64;
    let unit_cost = list as f64 * cost_rate * rng.range(0.97, 1.03);
    let unit_price = if p.kind == CustomerType::Barnacle {
        // Net price around the cost: -5 % .. +4 % margin, the way special conditions,
        // free delivery and small orders eat the margin of a loyal customer.
        (unit_cost * rng.range(0.95, 1.04)).round() as i64
    } else {
        (list as f64 * (1.0 - p.discount)).round() as i64
    };
    Line {
        article,
        quantity,
        unit_price,
        revenue: quantity * unit_price,
        cost: (quantity as f64 * unit_cost).round() as i64,
    }
}

impl Demo {
    /// The company's monthly value series with its history ending at `as_of` (later lines are
    /// kept as holdout), as `analyze` would build it from the export.
    pub fn series(&self, as_of: NaiveDate) -> crate::ValueSeries {
        let mut builder = crate::SeriesBuilder::new(Some(as_of));
        for l in &self.lines {
            builder.add(&kundenwert_core::Transaction {
                customer: &l.customer_id,
                name: Some(&l.customer_name),
                date: l.date,
                revenue: l.revenue_cents as f64 / 100.0,
                cost: Some(l.cost_cents as f64 / 100.0),
                quantity: Some(l.quantity as f64),
                product: Some(l.article),
                document: Some(&l.document),
            });
        }
        builder.finish(kundenwert_core::PeriodKind::Month)
    }
}

/// Generates the demo company (deterministic for a given `config`).
pub fn generate(config: &DemoConfig) -> Demo {
    let mut rng = Rng(config.seed);
    let as_of = as_of();
    let mut taken = HashSet::new();
    let mut customers = Vec::with_capacity(config.customers);
    let mut documents: Vec<Document> = Vec::new();
    for c in 0..config.customers {
        let profile = draw_profile(&mut rng, &config.type_shares);
        let name = company_name(&mut rng, &mut taken);
        let first_doc = documents.len();
        // B2B customers reorder in a rhythm (replenishment, service intervals) rather than at
        // random: the expected orders accumulate month by month and an order goes out each
        // time a whole one is due; the monthly noise shifts the rhythm.
        let mut due = rng.f64();
        for m in profile.start..MONTHS {
            let level = intensity(&profile, m) * rng.lognormal(1.0, 0.3);
            due += profile.frequency * level;
            let mut orders = due.floor() as u32;
            due -= orders as f64;
            // A new customer is acquired with a first order.
            if m == profile.start && profile.kind == CustomerType::Insufficient {
                orders = orders.max(1);
            }
            for _ in 0..orders {
                let n_lines = match rng.f64() {
                    u if u < 0.5 => 1,
                    u if u < 0.8 => 2,
                    u if u < 0.95 => 3,
                    _ => 4,
                };
                let scale = level.max(0.2).powf(0.5);
                let lines = (0..n_lines)
                    .map(|_| order_line(&mut rng, &profile, scale))
                    .collect();
                documents.push(Document {
                    date: date_in_month(&mut rng, m),
                    customer: c,
                    credit: false,
                    lines,
                });
            }
        }
        // A few complaints end in a credit note for part of one line.
        if documents.len() > first_doc && rng.chance(0.04) {
            let i = rng.int(first_doc as i64, documents.len() as i64 - 1) as usize;
            let original = &documents[i];
            let line = &original.lines[rng.int(0, original.lines.len() as i64 - 1) as usize];
            let quantity = rng.int(1, line.quantity);
            let date = (original.date + chrono::Days::new(rng.int(5, 40) as u64)).min(as_of);
            let credit = Line {
                article: line.article,
                quantity: -quantity,
                unit_price: line.unit_price,
                revenue: -quantity * line.unit_price,
                cost: -(line.cost * quantity / line.quantity),
            };
            documents.push(Document {
                date,
                customer: c,
                credit: true,
                lines: vec![credit],
            });
        }
        customers.push((format!("{}", 10_001 + c), name, profile.kind));
    }
    documents.sort_by_key(|d| (d.date, d.customer, d.credit));
    let mut lines = Vec::new();
    let (mut invoice_no, mut credit_no) = (2_300_001u64, 900_001u64);
    for d in &documents {
        let document = if d.credit {
            credit_no += 1;
            format!("GS{}", credit_no - 1)
        } else {
            invoice_no += 1;
            format!("RE{}", invoice_no - 1)
        };
        let (id, name, _) = &customers[d.customer];
        for l in &d.lines {
            let (article, description, _, _) = ARTICLES[l.article];
            lines.push(InvoiceLine {
                document: document.clone(),
                customer_id: id.clone(),
                customer_name: name.clone(),
                date: d.date,
                article,
                description,
                quantity: l.quantity,
                unit_price_cents: l.unit_price,
                revenue_cents: l.revenue,
                cost_cents: l.cost,
            });
        }
    }
    Demo {
        as_of,
        lines,
        truth: customers.into_iter().map(|(id, _, k)| (id, k)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_consistent() {
        let config = DemoConfig {
            customers: 300,
            ..DemoConfig::default()
        };
        let a = generate(&config);
        assert_eq!(a, generate(&config));
        assert_eq!(a.truth.len(), 300);
        for kind in CustomerType::ALL {
            assert!(a.truth.iter().any(|(_, k)| *k == kind), "{kind:?} missing");
        }
        assert!(a.lines.windows(2).all(|w| w[0].date <= w[1].date));
        for l in &a.lines {
            assert_eq!(l.revenue_cents, l.quantity * l.unit_price_cents);
            assert!(l.date >= first_month() && l.date <= a.as_of);
            assert!(!matches!(l.date.weekday(), Weekday::Sat | Weekday::Sun) || l.quantity < 0);
        }
        assert!(a.lines.iter().any(|l| l.document.starts_with("GS")));
        // An invoice holds 1–4 lines.
        let mut per_doc = std::collections::HashMap::new();
        for l in &a.lines {
            *per_doc.entry(&l.document).or_insert(0) += 1;
        }
        assert!(per_doc.values().all(|n| (1..=4).contains(n)));
    }

    #[test]
    fn barnacles_earn_almost_nothing() {
        let demo = generate(&DemoConfig {
            customers: 400,
            ..DemoConfig::default()
        });
        let barnacles: HashSet<&str> = demo
            .truth
            .iter()
            .filter(|(_, k)| *k == CustomerType::Barnacle)
            .map(|(id, _)| id.as_str())
            .collect();
        let (mut revenue, mut margin) = (0i64, 0i64);
        for l in demo
            .lines
            .iter()
            .filter(|l| barnacles.contains(l.customer_id.as_str()))
        {
            revenue += l.revenue_cents;
            margin += l.revenue_cents - l.cost_cents;
        }
        assert!(revenue > 0);
        assert!((margin as f64 / revenue as f64).abs() < 0.05);
    }
}
