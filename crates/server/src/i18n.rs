//! The reader's language: `?lang=de|en` on the request, else the language cookie the switch
//! sets, else the first of German or English in `Accept-Language`, else German (the
//! handbook's language).

use axum::extract::Request;
use axum::http::{header, HeaderMap};
use kundenwert_core::Lang;

/// The cookie remembering the language switch.
pub const LANG_COOKIE: &str = "kw_lang";

/// The language for `request`.
pub fn lang_of(request: &Request) -> Lang {
    let query = request.uri().query().unwrap_or("");
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang=").and_then(parse))
        .or_else(|| cookie(request.headers(), LANG_COOKIE).and_then(|v| parse(&v)))
        .or_else(|| accept_language(request.headers()))
        .unwrap_or(Lang::De)
}

fn parse(s: &str) -> Option<Lang> {
    match s {
        "de" => Some(Lang::De),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The short code of a language (`de`, `en`), for `lang=` attributes and links.
pub fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::De => "de",
        Lang::En => "en",
    }
}

/// The other language, for the switch.
pub fn other(lang: Lang) -> Lang {
    match lang {
        Lang::De => Lang::En,
        Lang::En => Lang::De,
    }
}

/// The first of `de`/`en` in `Accept-Language` by weight (`de-AT;q=0.9` counts as German).
fn accept_language(headers: &HeaderMap) -> Option<Lang> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, Lang)> = None;
    for item in value.split(',') {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(lang) = parse(primary) {
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
    }
    best.map(|(_, lang)| lang)
}

/// The value of cookie `name`, when the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_accept(value: &str) -> Option<Lang> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(value).unwrap(),
        );
        accept_language(&headers)
    }

    #[test]
    fn accept_language_takes_the_heaviest_of_german_and_english() {
        let cases = [
            ("de-DE,de;q=0.9,en;q=0.8", Some(Lang::De)),
            ("en-US,en;q=0.9", Some(Lang::En)),
            ("fr-FR,fr;q=0.9,en;q=0.5,de;q=0.7", Some(Lang::De)),
            ("fr", None),
            ("", None),
            ("de;q=0.1, en", Some(Lang::En)),
        ];
        for (value, expected) in cases {
            assert_eq!(with_accept(value), expected, "{value}");
        }
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; kw_lang=en; b=2"),
        );
        assert_eq!(cookie(&headers, LANG_COOKIE).as_deref(), Some("en"));
        assert_eq!(cookie(&headers, "kw"), None);
    }
}
