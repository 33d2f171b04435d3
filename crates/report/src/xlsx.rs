//! The report as an XLSX workbook: a summary sheet (the report model's figures and settings),
//! a customers sheet with every customer (autofilter, frozen header, number formats) and a
//! customer × month sheet of each month's value. Both customer sheets are written in constant
//! memory from the store a page at a time (keyset paging), so a million customers are never
//! held at once; a sheet holds at most Excel's 1,048,575 data rows, and the summary says how
//! many were left out. Every text cell is written as a string: a customer called
//! `=HYPERLINK(…)` stays text. Headers are in the reader's language; numbers carry formats
//! written US-style, which Excel shows in the reader's convention. The creation time is the
//! analysis's as-of, so the same analysis gives the same workbook.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use kundenwert_core::{fmt, CustomerType, Lang, ValueBasis};
use kundenwert_store::{CustomerResult, MonthFigures, Workspace};
use kundenwert_text::{self as t, CustomerTypeLabel};
use kundenwert_workbench::Workbench;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use crate::model::Report;
use crate::ReportError;

/// Customers read per query while the sheets are written.
pub const PAGE: u64 = 10_000;

/// Excel's last row: the header and 1,048,575 rows.
pub const MAX_ROWS: u64 = 1_048_575;

struct Formats {
    bold: Format,
    money: Format,
    share: Format,
    whole: Format,
    date: Format,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        Formats {
            bold: Format::new().set_bold(),
            money: Format::new().set_num_format("#,##0.00"),
            share: Format::new().set_num_format("0.0%"),
            whole: Format::new().set_num_format("#,##0"),
            date: Format::new()
                .set_num_format(match lang {
                    Lang::De => "dd.mm.yyyy",
                    Lang::En => "yyyy-mm-dd",
                })
                .set_align(FormatAlign::Left),
        }
    }
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// A stored month's amount (single precision) to the cent: `6587.8`, not the
/// `6587.7998046875` its widening gives, which a reader would see in the cell.
fn cents(v: f32) -> f64 {
    (f64::from(v) * 100.0).round() / 100.0
}

/// Months since January of year 0, as the stored months count them.
fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

fn month_label(index: i32) -> String {
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

/// The customers sheet's columns, in order.
fn customer_headers(lang: Lang) -> [&'static str; 16] {
    [
        t::report_col_number(lang),
        t::report_col_name(lang),
        t::report_col_type(lang),
        t::report_col_reason(lang),
        t::report_col_status(lang),
        t::report_col_abc(lang),
        t::report_col_current(lang),
        t::report_col_future(lang),
        t::report_col_future_low(lang),
        t::report_col_future_high(lang),
        t::report_col_p_alive(lang),
        t::report_col_revenue(lang),
        t::report_col_margin(lang),
        t::report_col_orders(lang),
        t::report_col_first_order(lang),
        t::report_col_last_order(lang),
    ]
}

fn status_name(id: Option<&str>, lang: Lang) -> &'static str {
    match id {
        Some("active") => t::web_status_active(lang),
        Some("dormant") => t::web_status_dormant(lang),
        Some("lost") => t::web_status_lost(lang),
        Some(_) => t::web_status_one_time(lang),
        None => "",
    }
}

fn number_or_blank(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    v: Option<f64>,
    format: &Format,
) -> Result<(), XlsxError> {
    if let Some(v) = v {
        sheet.write_number_with_format(row, col, v, format)?;
    }
    Ok(())
}

fn customer_row(
    sheet: &mut Worksheet,
    row: u32,
    c: &CustomerResult,
    f: &Formats,
    lang: Lang,
) -> Result<(), XlsxError> {
    let type_label = CustomerType::from_id(&c.customer_type)
        .map_or(c.customer_type.as_str(), |ty| ty.label(lang));
    // Strings stay strings: a name like `=HYPERLINK(…)` is text, never a formula.
    sheet.write_string(row, 0, &c.number)?;
    sheet.write_string(row, 1, c.name.as_deref().unwrap_or(""))?;
    sheet.write_string(row, 2, type_label)?;
    sheet.write_string(row, 3, kundenwert_workbench::reason(c, lang))?;
    sheet.write_string(row, 4, status_name(c.status.as_deref(), lang))?;
    sheet.write_string(row, 5, &c.abc)?;
    sheet.write_number_with_format(row, 6, c.current_value, &f.money)?;
    number_or_blank(sheet, row, 7, c.future_value, &f.money)?;
    number_or_blank(sheet, row, 8, c.future_value_low, &f.money)?;
    number_or_blank(sheet, row, 9, c.future_value_high, &f.money)?;
    number_or_blank(sheet, row, 10, c.p_alive, &f.share)?;
    sheet.write_number_with_format(row, 11, c.revenue, &f.money)?;
    number_or_blank(sheet, row, 12, c.margin, &f.money)?;
    sheet.write_number_with_format(row, 13, c.orders as f64, &f.whole)?;
    sheet.write_datetime_with_format(row, 14, excel_date(c.first_order)?, &f.date)?;
    sheet.write_datetime_with_format(row, 15, excel_date(c.last_order)?, &f.date)?;
    Ok(())
}

/// Writes `report` with every customer of `bench`'s stored analysis to `path` as XLSX.
///
/// # Errors
/// On a database failure or when the file cannot be written.
pub fn write<W: Workspace>(
    bench: &Workbench<W>,
    report: &Report,
    path: &Path,
) -> Result<(), ReportError> {
    let lang = report.lang;
    let f = Formats::new(lang);
    let ov = &report.overview;
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(t::report_title(lang))
            .set_creation_datetime(&excel_date(ov.as_of)?),
    );

    summary_sheet(workbook.add_worksheet(), report, &f)?;

    // The customers, in customer-number order; the earliest month with business is noted for
    // the month sheet's first column.
    let headers = customer_headers(lang);
    let sheet = workbook.add_worksheet_with_constant_memory();
    sheet.set_name(t::report_sheet_customers(lang))?;
    for (col, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &f.bold)?;
    }
    for (col, width) in [(0u16, 12.0), (1, 28.0), (2, 14.0), (3, 60.0), (4, 12.0)] {
        sheet.set_column_width(col, width)?;
    }
    sheet.set_column_range_width(6, 15, 14.0)?;
    let mut row: u32 = 0;
    let mut first_month = i32::MAX;
    bench.for_each_customer_page(PAGE, &mut |page: &[(
        CustomerResult,
        Vec<MonthFigures>,
    )]| {
        for (c, months) in page {
            if let Some(m) = months.first() {
                first_month = first_month.min(m.month_index);
            }
            if u64::from(row) >= MAX_ROWS {
                continue;
            }
            row += 1;
            customer_row(sheet, row, c, &f, lang)?;
        }
        Ok::<(), ReportError>(())
    })?;
    sheet.autofilter(0, 0, row.max(1), headers.len() as u16 - 1)?;
    sheet.set_freeze_panes(1, 0)?;

    // Each customer's value per month from the first month with business to as-of: margin, or
    // revenue without cost in the data; empty where the customer had no business.
    let last_month = month_index(ov.as_of);
    let first_month = if first_month == i32::MAX {
        last_month
    } else {
        first_month.min(last_month)
    };
    // Excel's last column is 16,384: the latest months are kept.
    let first_month = first_month.max(last_month - (16_384 - 3));
    let sheet = workbook.add_worksheet_with_constant_memory();
    sheet.set_name(t::report_sheet_months(lang))?;
    sheet.write_string_with_format(0, 0, t::report_col_number(lang), &f.bold)?;
    sheet.write_string_with_format(0, 1, t::report_col_name(lang), &f.bold)?;
    for m in first_month..=last_month {
        sheet.write_string_with_format(0, (m - first_month + 2) as u16, month_label(m), &f.bold)?;
    }
    sheet.set_column_width(1, 28.0)?;
    let margin = ov.value_basis == ValueBasis::Margin;
    let mut row: u32 = 0;
    bench.for_each_customer_page(PAGE, &mut |page: &[(
        CustomerResult,
        Vec<MonthFigures>,
    )]| {
        for (c, months) in page {
            if u64::from(row) >= MAX_ROWS {
                return Ok(());
            }
            row += 1;
            sheet.write_string(row, 0, &c.number)?;
            sheet.write_string(row, 1, c.name.as_deref().unwrap_or(""))?;
            for m in months {
                if m.month_index < first_month || m.month_index > last_month {
                    continue;
                }
                let value = if margin {
                    m.margin.unwrap_or(m.revenue)
                } else {
                    m.revenue
                };
                sheet.write_number_with_format(
                    row,
                    (m.month_index - first_month + 2) as u16,
                    cents(value),
                    &f.money,
                )?;
            }
        }
        Ok::<(), ReportError>(())
    })?;
    sheet.autofilter(0, 0, row.max(1), (last_month - first_month + 2) as u16)?;
    sheet.set_freeze_panes(1, 2)?;

    workbook.save(path)?;
    Ok(())
}

/// The summary sheet: the analysis's key figures, the types, the model and the settings.
fn summary_sheet(sheet: &mut Worksheet, report: &Report, f: &Formats) -> Result<(), XlsxError> {
    let lang = report.lang;
    let ov = &report.overview;
    sheet.set_name(t::report_sheet_summary(lang))?;
    sheet.set_column_width(0, 34.0)?;
    sheet.set_column_range_width(1, 6, 16.0)?;
    sheet.write_string_with_format(0, 0, t::report_title(lang), &f.bold)?;
    let mut row = 2u32;
    sheet.write_string(row, 0, t::report_sheet_as_of(lang))?;
    sheet.write_datetime_with_format(row, 1, excel_date(ov.as_of)?, &f.date)?;
    row += 1;
    sheet.write_string(row, 0, t::report_sheet_computed(lang))?;
    sheet.write_string(row, 1, &ov.computed_at)?;
    row += 1;
    sheet.write_string(row, 0, t::report_summary_customers(lang))?;
    sheet.write_number_with_format(row, 1, ov.customers as f64, &f.whole)?;
    row += 1;
    sheet.write_string(row, 0, t::report_summary_current(lang))?;
    sheet.write_number_with_format(row, 1, ov.current_value, &f.money)?;
    row += 1;
    sheet.write_string(
        row,
        0,
        t::report_summary_future(lang, report.horizon_months),
    )?;
    sheet.write_number_with_format(row, 1, ov.future_value, &f.money)?;
    row += 1;
    sheet.write_string(row, 0, t::report_sheet_model(lang))?;
    let model = ov.model.as_deref().map_or_else(String::new, |id| {
        kundenwert_workbench::source_label(id, lang)
    });
    sheet.write_string(row, 1, model)?;
    row += 1;
    sheet.write_string(row, 0, t::report_sheet_value_basis(lang))?;
    sheet.write_string(
        row,
        1,
        match ov.value_basis {
            ValueBasis::Margin => t::report_basis_margin(lang),
            ValueBasis::Revenue => t::report_basis_revenue(lang),
        },
    )?;
    row += 1;
    sheet.write_string(row, 0, t::report_sheet_months_note(lang))?;
    row += 1;
    if ov.customers > MAX_ROWS {
        sheet.write_string(
            row,
            0,
            t::report_sheet_truncated(
                lang,
                fmt::count(ov.customers - MAX_ROWS, lang),
                fmt::count(MAX_ROWS, lang),
            ),
        )?;
        row += 1;
    }

    row += 1;
    let heads = [
        t::report_col_type(lang),
        t::report_col_customers(lang),
        t::report_col_share(lang),
        t::report_col_revenue(lang),
        t::report_col_margin(lang),
        t::report_col_current(lang),
    ];
    for (col, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *h, &f.bold)?;
    }
    for l in &ov.types {
        row += 1;
        sheet.write_string(row, 0, l.label(lang))?;
        sheet.write_number_with_format(row, 1, l.customers as f64, &f.whole)?;
        sheet.write_number_with_format(row, 2, l.share, &f.share)?;
        sheet.write_number_with_format(row, 3, l.revenue, &f.money)?;
        number_or_blank(sheet, row, 4, l.margin, &f.money)?;
        sheet.write_number_with_format(row, 5, l.current_value, &f.money)?;
    }

    row += 2;
    sheet.write_string_with_format(row, 0, t::report_setting(lang), &f.bold)?;
    sheet.write_string_with_format(row, 1, t::report_setting_value(lang), &f.bold)?;
    for s in &report.settings {
        row += 1;
        sheet.write_string(row, 0, &s.key)?;
        sheet.write_string(row, 1, &s.value)?;
        if s.changed {
            sheet.write_string(row, 2, "*")?;
        }
    }
    Ok(())
}
