//! `kundenwert series`: the customer × period table as CSV, for Excel and BI tools.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use kundenwert_analysis::{CustomerSeries, ValueSeries};

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
/// point; cost and margin empty when the data has neither. Lines are formatted on all cores,
/// a few thousand customers per task, and written in order.
pub fn write_csv(series: &ValueSeries, mut out: impl Write) -> io::Result<()> {
    out.write_all(b"customer_id,period,revenue,cost,margin,orders\n")?;
    const PART: usize = 8192;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    for round in series.customers.chunks(PART * threads) {
        let parts: Vec<Vec<u8>> = if round.len() <= PART {
            vec![format_part(round)]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = round
                    .chunks(PART)
                    .map(|part| scope.spawn(|| format_part(part)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("formatting thread panicked"))
                    .collect()
            })
        };
        for part in parts {
            out.write_all(&part)?;
        }
    }
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
