//! `kundenwert series`: the customer × period table as CSV, for Excel and BI tools.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use kundenwert_analysis::ValueSeries;

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
    let series = builder.finish(args.period.into());
    timer.lap("finish");
    let result = match &args.output {
        Some(path) => {
            let file = File::create(path)
                .with_context(|| format!("cannot create `{}`", path.display()))?;
            write_csv(&series, BufWriter::with_capacity(1 << 20, file))
                .with_context(|| format!("cannot write `{}`", path.display()))
        }
        None => Ok(write_csv(&series, BufWriter::new(io::stdout().lock()))?),
    };
    timer.lap("write");
    result
}

/// `customer_id,period,revenue,cost,margin,orders`; amounts in cents precision with a decimal
/// point; cost and margin empty when the data has neither.
pub fn write_csv(series: &ValueSeries, mut out: impl Write) -> io::Result<()> {
    out.write_all(b"customer_id,period,revenue,cost,margin,orders\n")?;
    let mut line = Vec::with_capacity(128);
    let mut itoa = itoa::Buffer::new();
    for c in &series.customers {
        let id = if c.id.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", c.id.replace('"', "\"\""))
        } else {
            c.id.clone()
        };
        for p in c.periods() {
            line.clear();
            line.extend_from_slice(id.as_bytes());
            line.push(b',');
            write!(line, "{}", p.period)?;
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
            out.write_all(&line)?;
        }
    }
    out.flush()
}
