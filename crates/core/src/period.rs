use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Length of the periods of a value series.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    /// Calendar month (`2024-03`).
    #[default]
    Month,
    /// Calendar quarter (`2024-Q1`).
    Quarter,
    /// Calendar year (`2024`).
    Year,
}

impl PeriodKind {
    /// Identifier used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    /// Number of months in one period.
    pub fn months(self) -> i32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
        }
    }
}

/// One calendar period, stored as the index of its first month (`year * 12 + month0`).
///
/// Months are the finest grain: quarters and years are rolled up from months, so one pass over
/// the data serves every period length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    kind: PeriodKind,
    month_index: i32,
}

impl Period {
    /// Index of a date's calendar month, `year * 12 + (month - 1)`.
    pub fn month_index_of(date: NaiveDate) -> i32 {
        date.year() * 12 + date.month0() as i32
    }

    /// The period of the given kind that contains the month with index `month_index`.
    pub fn containing_month(kind: PeriodKind, month_index: i32) -> Period {
        let step = kind.months();
        Period {
            kind,
            month_index: month_index.div_euclid(step) * step,
        }
    }

    /// The period of the given kind that contains `date`.
    pub fn containing(kind: PeriodKind, date: NaiveDate) -> Period {
        Self::containing_month(kind, Self::month_index_of(date))
    }

    /// Kind of the period.
    pub fn kind(self) -> PeriodKind {
        self.kind
    }

    /// Index of the period's first month.
    pub fn first_month_index(self) -> i32 {
        self.month_index
    }

    /// First day of the period.
    pub fn start(self) -> NaiveDate {
        let y = self.month_index.div_euclid(12);
        let m = self.month_index.rem_euclid(12) as u32 + 1;
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The following period.
    pub fn next(self) -> Period {
        Period {
            kind: self.kind,
            month_index: self.month_index + self.kind.months(),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = self.month_index.div_euclid(12);
        let m0 = self.month_index.rem_euclid(12);
        match self.kind {
            PeriodKind::Month => write!(f, "{y:04}-{:02}", m0 + 1),
            PeriodKind::Quarter => write!(f, "{y:04}-Q{}", m0 / 3 + 1),
            PeriodKind::Year => write!(f, "{y:04}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_format_and_contain_their_dates() {
        let date = d(2024, 8, 31);
        assert_eq!(
            Period::containing(PeriodKind::Month, date).to_string(),
            "2024-08"
        );
        assert_eq!(
            Period::containing(PeriodKind::Quarter, date).to_string(),
            "2024-Q3"
        );
        assert_eq!(
            Period::containing(PeriodKind::Year, date).to_string(),
            "2024"
        );
        assert_eq!(
            Period::containing(PeriodKind::Quarter, date).start(),
            d(2024, 7, 1)
        );
        assert_eq!(
            Period::containing(PeriodKind::Month, d(2024, 12, 5))
                .next()
                .to_string(),
            "2025-01"
        );
    }
}
