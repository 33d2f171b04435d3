//! `kundenwert series`: the customer × period table as CSV, for Excel and BI tools.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use kundenwert_analysis::{CustomerSeries, SeriesBuilder};
use kundenwert_core::PeriodKind;

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
    let (builder, _report) = args.input.read()?;
    timer.lap("import");
    let result = match &args.output {
        Some(path) => {
            let file = File::create(path)
                .with_context(|| format!("cannot create `{}`", path.display()))?;
            write_csv(
                builder,
                args.period.into(),
                BufWriter::with_capacity(1 << 20, file),
            )
            .with_context(|| format!("cannot write `{}`", path.display()))
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
/// series never sit in memory all at once.
pub fn write_csv(
    builder: SeriesBuilder,
    period: PeriodKind,
    mut out: impl Write,
) -> io::Result<()> {
    out.write_all(b"customer_id,period,revenue,cost,margin,orders\n")?;
    builder.finish_in_order(
        period,
        |part| format_part(&part),
        |text| out.write_all(&text),
    )?;
    out.flush()
}

fn format_part(customers: &[CustomerSeries]) -> Vec<u8> {
    let mut line = Vec::with_capacity(customers.len() * 200);
    let mut itoa = itoa::Buffer::new();
    for c in customers {
        let quoted;
        let id = if c.id.contains([',', '"', '\n', '\r']) {
            quoted = format!("\"{}\"", c.id.replace('"', "\"\""));
            quoted.as_str()
        } else {
            c.id.as_str()
        };
        for p in c.periods() {
            line.extend_from_slice(id.as_bytes());
            line.push(b',');
            // Writing to a Vec cannot fail.
            let _ = write!(line, "{}", p.period);
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
