//! `kundenwert series`: the customer × period table as CSV, for Excel and BI tools.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use kundenwert_analysis::{PeriodValue, SeriesBuilder};
use kundenwert_core::{Period, PeriodKind};

use crate::analyze::PeriodArg;
use crate::input::InputArgs;

/// Arguments of `kundenwert series`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,

    /// Period length.
    #[arg(long, value_enum, default_value_t = PeriodArg::Month)]
    period: PeriodArg,

    /// Output file (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let timer = crate::Timer::start();
    let lang = crate::resolve_lang(args.input.lang);
    let (builder, _report) = args.input.read()?;
    timer.lap("import");
    let result = match &args.output {
        Some(path) => {
            let file = File::create(path)
                .with_context(|| kundenwert_text::file_cannot_create(lang, path.display()))?;
            write_csv(
                builder,
                args.period.into(),
                BufWriter::with_capacity(1 << 20, file),
            )
            .with_context(|| kundenwert_text::file_cannot_write(lang, path.display()))
        }
        None => Ok(write_csv(
            builder,
            args.period.into(),
            BufWriter::new(io::stdout().lock()),
        )?),
    };
    timer.lap("finish and write");
    result
}

/// `customer_id,period,revenue,cost,margin,orders`; amounts in cents precision with a decimal
/// point; cost and margin empty when the data has neither. Customers are finished and
/// formatted on all cores, a few thousand at a time, and written in order, so the finished
/// periods never sit in memory all at once. Only the periods are computed, not the full
/// [`kundenwert_analysis::CustomerSeries`] (totals, current value) that this table does not
/// show.
pub fn write_csv(
    builder: SeriesBuilder,
    period: PeriodKind,
    mut out: impl Write,
) -> io::Result<()> {
    out.write_all(b"customer_id,period,revenue,cost,margin,orders\n")?;
    builder.periods_in_order(period, format_part, |text| out.write_all(&text))?;
    out.flush()
}

fn format_part(customers: &[(&str, &[PeriodValue])]) -> Vec<u8> {
    let rows: usize = customers.iter().map(|(_, p)| p.len()).sum();
    let mut line = Vec::with_capacity(rows * 48);
    let mut itoa = itoa::Buffer::new();
    for &(id, periods) in customers {
        // Cells are data: `=HYPERLINK(…)` as a customer number must not run in Excel.
        let id = kundenwert_core::cells::text_cell(id);
        let quoted;
        let id = if id.contains([',', '"', '\n', '\r']) {
            quoted = format!("\"{}\"", id.replace('"', "\"\""));
            quoted.as_str()
        } else {
            &id
        };
        for p in periods {
            line.extend_from_slice(id.as_bytes());
            line.push(b',');
            write_period(&mut line, p.period);
            line.push(b',');
            crate::fmt::write_cents(&mut line, p.revenue);
            line.push(b',');
            if let Some(cost) = p.cost {
                crate::fmt::write_cents(&mut line, cost);
            }
            line.push(b',');
            if let Some(margin) = p.margin {
                crate::fmt::write_cents(&mut line, margin);
            }
            line.push(b',');
            line.extend_from_slice(itoa.format(p.orders).as_bytes());
            line.push(b'\n');
        }
    }
    line
}

/// `Period`'s `Display` (`2024-03`, `2024-Q1`, `2024`) without the formatting machinery, which
/// cost as much as the amounts on millions of rows; years outside 0..=9999 take `Display`.
fn write_period(line: &mut Vec<u8>, period: Period) {
    let index = period.first_month_index();
    let year = index.div_euclid(12);
    let Ok(y) = u16::try_from(year) else {
        let _ = write!(line, "{period}");
        return;
    };
    if y > 9999 {
        let _ = write!(line, "{period}");
        return;
    }
    let digit = |d: u16| b'0' + d as u8;
    line.extend_from_slice(&[
        digit(y / 1000),
        digit(y / 100 % 10),
        digit(y / 10 % 10),
        digit(y % 10),
    ]);
    let month = index.rem_euclid(12) as u16 + 1;
    match period.kind() {
        PeriodKind::Month => line.extend_from_slice(&[b'-', digit(month / 10), digit(month % 10)]),
        PeriodKind::Quarter => line.extend_from_slice(&[b'-', b'Q', digit((month - 1) / 3 + 1)]),
        PeriodKind::Year => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path writes what `Display` writes, inside and at the edges of its range.
    #[test]
    fn period_text_equals_display() {
        for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
            for index in (-30..130)
                .chain(9990 * 12..10_010 * 12)
                .chain([i32::MIN / 2])
            {
                let period = Period::containing_month(kind, index);
                let mut fast = Vec::new();
                write_period(&mut fast, period);
                assert_eq!(String::from_utf8(fast).unwrap(), period.to_string());
            }
        }
    }
}
