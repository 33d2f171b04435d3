//! Cells are data: text we write into a CSV file (or a spreadsheet) is never taken for a
//! formula when the file is opened in Excel or LibreOffice (CSV injection).
//!
//! A text value that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with
//! a leading `'`, the spreadsheet's own mark for "this is text" (OWASP's advice). A customer
//! called `=HYPERLINK("http://x")` then shows as that text instead of a link that runs. Numbers
//! are written as numbers and are never changed: only text cells (customer numbers, names,
//! reasons, raw rows) go through [`text_cell`].

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula.
pub const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a cell a spreadsheet shows as text: unchanged, or with a leading `'` when it
/// would start a formula.
pub fn text_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_START) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_everything_else_stays() {
        let cases = [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("@SUM(1)", "'@SUM(1)"),
            ("+49 30 1234", "'+49 30 1234"),
            ("-10001", "'-10001"),
            ("\tTab", "'\tTab"),
            ("\rCR", "'\rCR"),
            ("10001", "10001"),
            ("Müller GmbH", "Müller GmbH"),
            (" =leading space", " =leading space"),
            ("a=b", "a=b"),
            ("'quoted", "'quoted"),
            ("", ""),
        ];
        for (text, cell) in cases {
            assert_eq!(text_cell(text), cell, "{text:?}");
        }
    }
}
