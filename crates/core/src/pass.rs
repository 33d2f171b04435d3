//! Where the rows of one reading of a file go: the reader (`kundenwert-ingest`) calls them, the
//! analysis (`kundenwert-analysis`) implements them. Here, not in the reader, so that the
//! analysis does not depend on the reader.

use crate::Transaction;

/// Receives accepted rows; each reading thread has its own.
pub trait RowSink: Send {
    /// Takes one accepted row.
    fn push(&mut self, tx: &Transaction<'_>);
}

/// Where one reading of one file goes.
///
/// A file may be read twice, when its whole columns decide formats differently from its first
/// rows; the first reading's pass is then dropped unused. Passes of several files are combined
/// with [`Pass::absorb`].
pub trait Pass: Send + Sync {
    /// The sink of one reading thread.
    type Sink: RowSink;
    /// A sink for one thread.
    fn sink(&self) -> Self::Sink;
    /// Takes back the threads' sinks once the reading is done.
    fn close(&mut self, sinks: Vec<Self::Sink>);
    /// Adds the pass of another file.
    fn absorb(&mut self, other: Self)
    where
        Self: Sized;
}
