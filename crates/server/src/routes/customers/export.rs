//! The list's export: exactly the rows the list shows (its filter, search and sort, every
//! page) with exactly its columns, as CSV in the reader's convention or as XLSX. Text cells are
//! data, never formulas: the CSV neutralises a leading `=`, `+`, `-`, `@`, tab or CR
//! (`core::cells::text_cell`); the XLSX writes every text as a string cell.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use kundenwert_core::{cells::text_cell, Lang};
use kundenwert_store::{Cursor, CustomerResult, Store};
use kundenwert_workbench::Workbench;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};

use super::sort_value;
use super::view::{heading, status_label, ListView};
use crate::error::AppError;
use crate::page::PageCtx;
use crate::routes::chains::download;
use crate::state::AppState;

/// Rows read per query while the file is written.
const EXPORT_PAGE: u64 = 10_000;

/// Excel's last row: the header and 1,048,575 customers.
const XLSX_MAX_ROWS: u64 = 1_048_575;

/// Calls `row` for every customer of the view, in its order, a page at a time.
fn each_row(
    bench: &Workbench<Store>,
    view: &ListView,
    mut row: impl FnMut(&CustomerResult) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let sort = view.sort_column().column;
    let mut cursor = None;
    loop {
        let rows = bench.customers(&view.query(cursor.take(), EXPORT_PAGE))?;
        for c in &rows {
            row(c)?;
        }
        match rows.last() {
            Some(last) if rows.len() as u64 == EXPORT_PAGE => {
                cursor = Some(Cursor {
                    value: sort_value(last, sort),
                    id: last.id,
                });
            }
            _ => return Ok(()),
        }
    }
}

fn file_stem(lang: Lang) -> &'static str {
    match lang {
        Lang::De => "kunden",
        Lang::En => "customers",
    }
}

/// `GET /customers/export.csv`.
pub(super) async fn csv(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let view = ListView::parse(raw.as_deref());
    let lang = ctx.lang;
    let body = state
        .read(move |bench| {
            let columns = view.columns();
            let mut out = csv_writer(lang);
            out.write_record(columns.iter().map(|id| heading(id, lang)))
                .map_err(AppError::internal)?;
            each_row(bench, &view, |c| {
                let cells: Vec<String> = columns
                    .iter()
                    .map(|id| text_cell(&csv_cell(c, id, lang)).into_owned())
                    .collect();
                out.write_record(&cells).map_err(AppError::internal)
            })?;
            out.into_inner().map_err(AppError::internal)
        })
        .await?;
    download(
        "text/csv; charset=utf-8",
        &format!("{}.csv", file_stem(lang)),
        body,
    )
}

/// A CSV writer in the reader's convention: `;` for German spreadsheets, `,` for English, with
/// a BOM so Excel reads UTF-8.
fn csv_writer(lang: Lang) -> csv::Writer<Vec<u8>> {
    let delimiter = match lang {
        Lang::De => b';',
        Lang::En => b',',
    };
    csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(b"\xEF\xBB\xBF".to_vec())
}

/// A figure of a column, when the column holds one.
fn figure(c: &CustomerResult, id: &str) -> Option<Option<f64>> {
    Some(match id {
        "confidence" => Some(c.confidence),
        "current_value" => Some(c.current_value),
        "future_value" => c.future_value,
        "p_alive" => c.p_alive,
        "revenue" => Some(c.revenue),
        "margin" => c.margin,
        "orders" => Some(c.orders as f64),
        _ => return None,
    })
}

/// A text cell of a column.
fn text(c: &CustomerResult, id: &str, lang: Lang) -> String {
    match id {
        "number" => c.number.clone(),
        "name" => c.name.clone().unwrap_or_default(),
        "type" => kundenwert_workbench::type_label(c, lang).to_owned(),
        "status" => c
            .status
            .as_deref()
            .map(|s| status_label(s, lang))
            .unwrap_or("")
            .to_owned(),
        "abc" => c.abc.clone(),
        _ => c.last_order.to_string(),
    }
}

/// A CSV cell: figures as plain numbers in the reader's decimal convention (no thousands
/// separators, so spreadsheets read them as numbers), dates ISO.
fn csv_cell(c: &CustomerResult, id: &str, lang: Lang) -> String {
    match figure(c, id) {
        Some(Some(v)) => plain(v, lang),
        Some(None) => String::new(),
        None => text(c, id, lang),
    }
}

/// A number with its decimals as stored, the decimal comma for German readers.
fn plain(v: f64, lang: Lang) -> String {
    let s = format!("{}", kundenwert_core::fmt::rounded(v, 4));
    match lang {
        Lang::De => s.replace('.', ","),
        Lang::En => s,
    }
}

/// `GET /customers/export.xlsx`: one sheet, header frozen, autofilter, number formats (written
/// US-style, shown in the reader's Excel convention), dates as dates; written row by row in
/// constant memory.
pub(super) async fn xlsx(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let view = ListView::parse(raw.as_deref());
    let lang = ctx.lang;
    let body = state
        .read(move |bench| write_xlsx(bench, &view, lang).map_err(AppError::internal))
        .await?;
    download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{}.xlsx", file_stem(lang)),
        body,
    )
}

fn write_xlsx(
    bench: &Workbench<Store>,
    view: &ListView,
    lang: Lang,
) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
    let columns = view.columns();
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let share = Format::new().set_num_format("0.0%");
    let whole = Format::new().set_num_format("#,##0");
    let date = Format::new()
        .set_num_format(match lang {
            Lang::De => "dd.mm.yyyy",
            Lang::En => "yyyy-mm-dd",
        })
        .set_align(FormatAlign::Left);
    let sheet = workbook.add_worksheet_with_constant_memory();
    sheet.set_name(match lang {
        Lang::De => "Kunden",
        Lang::En => "Customers",
    })?;
    for (col, id) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, heading(id, lang), &bold)?;
    }
    let mut row: u32 = 0;
    let mut result = Ok(());
    each_row(bench, view, |c| {
        if u64::from(row) >= XLSX_MAX_ROWS {
            return Ok(());
        }
        row += 1;
        for (col, id) in columns.iter().enumerate() {
            let col = col as u16;
            let written = match (figure(c, id), *id) {
                (Some(Some(v)), "confidence" | "p_alive") => sheet
                    .write_number_with_format(row, col, v, &share)
                    .map(|_| ()),
                (Some(Some(v)), "orders") => sheet
                    .write_number_with_format(row, col, v, &whole)
                    .map(|_| ()),
                (Some(Some(v)), _) => sheet
                    .write_number_with_format(row, col, v, &money)
                    .map(|_| ()),
                (Some(None), _) => Ok(()),
                (None, "last_order") => {
                    let d = c.last_order;
                    use chrono::Datelike;
                    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                        .and_then(|dt| {
                            sheet
                                .write_datetime_with_format(row, col, &dt, &date)
                                .map(|_| ())
                        })
                }
                // Strings stay strings: a name like `=HYPERLINK(…)` is text, never a formula.
                (None, _) => sheet.write_string(row, col, text(c, id, lang)).map(|_| ()),
            };
            if let Err(e) = written {
                result = Err(e);
            }
        }
        Ok(())
    })
    .map_err(|e| format!("{e:?}"))?;
    result?;
    let last_col = columns.len().saturating_sub(1) as u16;
    sheet.autofilter(0, 0, row.max(1), last_col)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(workbook.save_to_buffer()?)
}
