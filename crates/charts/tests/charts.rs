//! Every chart: pinned SVG, well-formed XML with its accessible name and description, loadable
//! by usvg, escaped text, deterministic, and never a panic whatever the values.

use kundenwert_charts::{
    bars, line_with_band, scatter_quadrant, whale_curve, whale_points, BarChart, BarSeries,
    ChartText, ForecastPoint, Format, LineChart, Orientation, QuadrantLabels, ScatterChart,
    ScatterPoint, WhaleChart,
};
use kundenwert_core::Lang;
use proptest::prelude::*;

fn text(id: &str, title: &str, desc: &str) -> ChartText {
    ChartText {
        id: id.to_string(),
        title: title.to_string(),
        desc: desc.to_string(),
        no_data: "Keine Daten.".to_string(),
    }
}

fn strings(s: &[&str]) -> Vec<String> {
    s.iter().map(|s| s.to_string()).collect()
}

/// Customers per type, German.
fn type_distribution() -> BarChart {
    BarChart {
        text: text(
            "types",
            "Kunden je Typ",
            "Die meisten Kunden sind stabil (1.234); 12 % wachsen.",
        ),
        orientation: Orientation::Horizontal,
        categories: strings(&[
            "stabil",
            "wachsend",
            "schrumpfend",
            "saisonal",
            "sporadisch",
            "neu",
            "abgewandert",
        ]),
        series: vec![BarSeries {
            name: String::new(),
            values: vec![1234.0, 402.0, 388.0, 151.0, 2875.0, 96.0, 1010.0],
        }],
        value_axis: "Kunden".to_string(),
        show_values: true,
    }
}

/// ABC classes: share of customers and of value, English.
fn abc() -> BarChart {
    BarChart {
        text: text(
            "abc",
            "ABC classes",
            "A: 20% of customers bring 80% of the value.",
        ),
        orientation: Orientation::Vertical,
        categories: strings(&["A (412)", "B (618)", "C (1,030)"]),
        series: vec![
            BarSeries {
                name: "Share of customers".to_string(),
                values: vec![0.2, 0.3, 0.5],
            },
            BarSeries {
                name: "Share of value".to_string(),
                values: vec![0.8, 0.15, 0.05],
            },
        ],
        value_axis: "Share".to_string(),
        show_values: true,
    }
}

/// A portfolio's margins: many small profitable customers, a few large loss makers.
fn margins() -> Vec<f64> {
    (0..500)
        .map(|i| {
            let i = i as f64;
            if i < 440.0 {
                20_000.0 / (1.0 + i * 0.15)
            } else {
                -150.0 * (i - 439.0)
            }
        })
        .collect()
}

fn whale() -> WhaleChart {
    WhaleChart {
        text: text(
            "whale",
            "Whale curve",
            "The most profitable 70% of customers earn 143% of the margin.",
        ),
        points: whale_points(&margins(), 200),
        x_axis: "Share of customers, most profitable first".to_string(),
        y_axis: "Cumulative share of margin".to_string(),
    }
}

fn scatter(log: bool) -> ScatterChart {
    // A deterministic spread over four orders of magnitude, with zeros and a few negatives.
    let points = (0..120)
        .map(|i| {
            let f = i as f64;
            let x = (f * 7.3 % 41.0).powf(2.6) - if i % 17 == 0 { 300.0 } else { 0.0 };
            let y = x * (0.4 + (f * 3.7 % 13.0) / 8.0) + if i % 11 == 0 { 0.0 } else { 50.0 };
            ScatterPoint {
                x: if i % 23 == 0 { 0.0 } else { x },
                y,
                category: i % 5,
            }
        })
        .collect();
    ScatterChart {
        text: text(
            if log { "portfolio-log" } else { "portfolio" },
            "Portfolio",
            "Current against future value of 120 customers.",
        ),
        x_axis: "Current value".to_string(),
        y_axis: "Future value".to_string(),
        categories: strings(&["steady", "growing", "shrinking", "seasonal", "sporadic"]),
        points,
        median_x: 2_000.0,
        median_y: 2_500.0,
        quadrants: QuadrantLabels {
            top_left: "develop".to_string(),
            top_right: "keep and grow".to_string(),
            bottom_left: "serve efficiently".to_string(),
            bottom_right: "secure".to_string(),
        },
        log,
    }
}

fn line() -> LineChart {
    let past = vec![
        820.0,
        910.0,
        f64::NAN,
        1_240.0,
        1_105.0,
        990.0,
        1_480.0,
        1_310.0,
        1_205.0,
        1_390.0,
        1_520.0,
        1_460.0,
    ];
    let forecast = (1..=6)
        .map(|k| {
            let v = 1_450.0 + 20.0 * k as f64;
            let w = 120.0 * k as f64;
            ForecastPoint {
                value: v,
                low: v - w,
                high: v + w,
            }
        })
        .collect();
    let months = (0..18)
        .map(|i| format!("{:02}/{}", i % 12 + 1, 2024 + i / 12))
        .collect();
    LineChart {
        text: text(
            "customer-1001",
            "Marge je Monat",
            "Die Marge stieg von 820 auf 1.460; erwartet werden 1.470 bis 1.570.",
        ),
        months,
        past,
        forecast,
        past_name: "Marge".to_string(),
        forecast_name: "Prognose".to_string(),
        band_name: "wahrscheinlicher Bereich".to_string(),
        y_axis: "Marge (€)".to_string(),
    }
}

/// Every chart as drawn in the tests, with a name.
fn all_charts() -> Vec<(&'static str, String)> {
    vec![
        (
            "bars_types_de",
            bars(&type_distribution(), Format::Number(Lang::De)),
        ),
        ("bars_abc_en", bars(&abc(), Format::Percent(Lang::En))),
        ("whale_en", whale_curve(&whale(), Format::Percent(Lang::En))),
        (
            "scatter_en",
            scatter_quadrant(&scatter(false), Format::Number(Lang::En)),
        ),
        (
            "scatter_log_en",
            scatter_quadrant(&scatter(true), Format::Number(Lang::En)),
        ),
        ("line_de", line_with_band(&line(), Format::Number(Lang::De))),
        (
            "no_data",
            bars(
                &BarChart {
                    text: text("empty", "Kunden je Typ", "Noch keine Kunden."),
                    ..BarChart::default()
                },
                Format::Number(Lang::De),
            ),
        ),
    ]
}

#[test]
fn snapshots() {
    for (name, svg) in all_charts() {
        insta::assert_snapshot!(name, svg);
    }
}

/// Parses `svg` and checks the accessible frame: `role="img"`, `aria-labelledby` naming a
/// `<title>` and a `<desc>` with the given texts.
fn check_accessible(svg: &str, title: &str, desc: &str) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("width"), Some("100%"));
    assert!(root.attribute("viewBox").is_some());
    let ids: Vec<&str> = root
        .attribute("aria-labelledby")
        .expect("aria-labelledby")
        .split(' ')
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    let by_id = |id: &str| {
        doc.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no element {id}"))
    };
    let t = by_id(ids[0]);
    assert_eq!(t.tag_name().name(), "title");
    assert_eq!(t.text().unwrap_or(""), title);
    let d = by_id(ids[1]);
    assert_eq!(d.tag_name().name(), "desc");
    assert_eq!(d.text().unwrap_or(""), desc);
    // The first two children: title, then desc.
    let kids: Vec<&str> = root
        .children()
        .filter(|n| n.is_element())
        .take(2)
        .map(|n| n.tag_name().name())
        .collect();
    assert_eq!(kids, ["title", "desc"]);
    // Text is real text in a sans-serif font.
    assert_eq!(root.attribute("font-family"), Some("sans-serif"));
}

#[test]
fn every_chart_is_well_formed_and_accessible() {
    let charts = all_charts();
    let texts = [
        type_distribution().text,
        abc().text,
        whale().text,
        scatter(false).text,
        scatter(true).text,
        line().text,
        text("empty", "Kunden je Typ", "Noch keine Kunden."),
    ];
    assert_eq!(charts.len(), texts.len());
    for ((name, svg), t) in charts.iter().zip(&texts) {
        check_accessible(svg, &t.title, &t.desc);
        assert!(svg.contains("<text"), "{name} has no text");
    }
}

#[test]
fn every_chart_loads_in_usvg() {
    for (name, svg) in all_charts() {
        let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(tree.size().width() > 100.0, "{name}");
    }
}

#[test]
fn output_is_deterministic() {
    assert_eq!(all_charts(), all_charts());
}

#[test]
fn ticks_follow_the_language() {
    let de = bars(&type_distribution(), Format::Number(Lang::De));
    let en = bars(&type_distribution(), Format::Number(Lang::En));
    assert!(de.contains(">1.234<") && de.contains(">2.875<"), "{de}");
    assert!(en.contains(">1,234<") && en.contains(">2,875<"), "{en}");
    assert!(de.contains(">3.000<") && en.contains(">3,000<"));
    let abc_de = bars(&abc(), Format::Percent(Lang::De));
    assert!(abc_de.contains(">80 %<"), "{abc_de}");
    let euro = |v: f64| format!("{v:.0} EUR");
    let custom = line_with_band(&line(), Format::Custom(&euro));
    assert!(custom.contains(">2000 EUR<"), "{custom}");
}

#[test]
fn markup_in_texts_stays_text() {
    let evil = r#"<script>&"'"#;
    let t = ChartText {
        id: evil.to_string(),
        title: evil.to_string(),
        desc: evil.to_string(),
        no_data: evil.to_string(),
    };
    let charts = [
        bars(
            &BarChart {
                text: t.clone(),
                categories: vec![evil.to_string()],
                series: vec![BarSeries {
                    name: evil.to_string(),
                    values: vec![1.0],
                }],
                value_axis: evil.to_string(),
                ..BarChart::default()
            },
            Format::Number(Lang::En),
        ),
        whale_curve(
            &WhaleChart {
                text: t.clone(),
                points: vec![(0.0, 0.0), (1.0, 1.0)],
                x_axis: evil.to_string(),
                y_axis: evil.to_string(),
            },
            Format::Custom(&|_| evil.to_string()),
        ),
        scatter_quadrant(
            &ScatterChart {
                text: t.clone(),
                categories: vec![evil.to_string()],
                points: vec![ScatterPoint {
                    x: 1.0,
                    y: 1.0,
                    category: 0,
                }],
                quadrants: QuadrantLabels {
                    top_left: evil.to_string(),
                    ..QuadrantLabels::default()
                },
                ..ScatterChart::default()
            },
            Format::Number(Lang::En),
        ),
        line_with_band(
            &LineChart {
                text: t.clone(),
                months: vec![evil.to_string()],
                past: vec![1.0],
                past_name: evil.to_string(),
                ..LineChart::default()
            },
            Format::Number(Lang::En),
        ),
        bars(
            &BarChart {
                text: t.clone(),
                ..BarChart::default()
            },
            Format::Number(Lang::En),
        ),
    ];
    for svg in &charts {
        check_accessible(svg, evil, evil);
        let doc = roxmltree::Document::parse(svg).unwrap();
        assert!(
            doc.descendants().all(|n| n.tag_name().name() != "script"),
            "{svg}"
        );
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "text")
            .filter_map(|n| n.text())
            .collect();
        assert!(texts.contains(&evil), "{texts:?}");
        assert!(svg.contains("&lt;script&gt;&amp;&quot;&apos;"));
    }
}

#[test]
fn nothing_to_draw_says_so() {
    let t = text("x", "T", "D");
    let no_data = |svg: String| {
        check_accessible(&svg, "T", "D");
        assert!(svg.contains(">Keine Daten.<"), "{svg}");
    };
    let nan = f64::NAN;
    no_data(bars(
        &BarChart {
            text: t.clone(),
            categories: strings(&["a"]),
            series: vec![BarSeries {
                name: "s".into(),
                values: vec![nan],
            }],
            ..BarChart::default()
        },
        Format::Number(Lang::De),
    ));
    no_data(whale_curve(
        &WhaleChart {
            text: t.clone(),
            points: whale_points(&[-5.0, nan], 200),
            ..WhaleChart::default()
        },
        Format::Percent(Lang::De),
    ));
    no_data(scatter_quadrant(
        &ScatterChart {
            text: t.clone(),
            points: vec![ScatterPoint {
                x: f64::INFINITY,
                y: 1.0,
                category: 0,
            }],
            ..ScatterChart::default()
        },
        Format::Number(Lang::De),
    ));
    no_data(line_with_band(
        &LineChart {
            text: t.clone(),
            past: vec![nan, f64::NEG_INFINITY],
            ..LineChart::default()
        },
        Format::Number(Lang::De),
    ));
}

/// Any `f64`: finite ones of every size, zeros, NaN and the infinities.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>(),
        2 => -1e6..1e6f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(0.0),
        1 => Just(f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
    ]
}

fn well_formed(svg: &str) -> Result<(), TestCaseError> {
    let doc = roxmltree::Document::parse(svg).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    prop_assert_eq!(doc.root_element().attribute("role"), Some("img"));
    prop_assert!(!svg.contains("NaN") && !svg.contains("inf"), "{}", svg);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_values_give_well_formed_charts(
        a in prop::collection::vec(value(), 0..12),
        b in prop::collection::vec(value(), 0..12),
        c in prop::collection::vec(value(), 0..12),
        m in value(),
        log in any::<bool>(),
        vertical in any::<bool>(),
    ) {
        let t = text("p", "T", "D");
        let cats: Vec<String> = (0..a.len()).map(|i| format!("c{i}")).collect();
        let chart = BarChart {
            text: t.clone(),
            orientation: if vertical { Orientation::Vertical } else { Orientation::Horizontal },
            categories: cats,
            series: vec![
                BarSeries { name: "a".into(), values: a.clone() },
                BarSeries { name: "b".into(), values: b.clone() },
            ],
            value_axis: "v".into(),
            show_values: true,
        };
        well_formed(&bars(&chart, Format::Number(Lang::De)))?;
        well_formed(&bars(&chart, Format::Percent(Lang::En)))?;

        let points = whale_points(&a, 7);
        prop_assert!(points.len() <= 7);
        prop_assert!(points.iter().all(|p| p.0.is_finite() && p.1.is_finite()));
        well_formed(&whale_curve(&WhaleChart { text: t.clone(), points, ..WhaleChart::default() }, Format::Percent(Lang::De)))?;
        let raw: Vec<(f64, f64)> = a.iter().copied().zip(b.iter().copied()).collect();
        well_formed(&whale_curve(&WhaleChart { text: t.clone(), points: raw, ..WhaleChart::default() }, Format::Number(Lang::En)))?;

        let scatter = ScatterChart {
            text: t.clone(),
            categories: strings(&["x", "y"]),
            points: a.iter().zip(&b).enumerate().map(|(i, (&x, &y))| ScatterPoint { x, y, category: i }).collect(),
            median_x: m,
            median_y: c.first().copied().unwrap_or(f64::NAN),
            log,
            ..ScatterChart::default()
        };
        well_formed(&scatter_quadrant(&scatter, Format::Number(Lang::En)))?;

        let forecast = b.iter().zip(&c).map(|(&v, &w)| ForecastPoint { value: v, low: v - w, high: w }).collect();
        let line = LineChart {
            text: t,
            months: strings(&["01/2024", "02/2024"]),
            past: a,
            forecast,
            past_name: "p".into(),
            forecast_name: "f".into(),
            band_name: "b".into(),
            y_axis: "y".into(),
        };
        well_formed(&line_with_band(&line, Format::Number(Lang::De)))?;
    }
}

/// Renders every chart to `target/chart-previews/*.png` to look at (not run by default):
/// `cargo test -p kundenwert-charts --test charts png_previews -- --ignored`.
#[test]
#[ignore]
fn png_previews() {
    use resvg::{tiny_skia, usvg};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/chart-previews");
    std::fs::create_dir_all(&dir).unwrap();
    let fonts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../chain/assets");
    let mut options = usvg::Options::default();
    {
        let db = options.fontdb_mut();
        for file in ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"] {
            db.load_font_data(std::fs::read(fonts.join(file)).unwrap());
        }
        db.set_sans_serif_family("DejaVu Sans");
    }
    for (name, svg) in all_charts() {
        let tree = usvg::Tree::from_str(&svg, &options).unwrap();
        let size = tree.size();
        let scale = 2.0;
        let mut pixmap = tiny_skia::Pixmap::new(
            (size.width() * scale).ceil() as u32,
            (size.height() * scale).ceil() as u32,
        )
        .unwrap();
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        pixmap.save_png(dir.join(format!("{name}.png"))).unwrap();
    }
}
