//! Charts for the reports: [`render`] draws one bar or line [`Chart`] to SVG
//! and PNG (900x500 px) with plotters. The only file that uses plotters.
//!
//! Invariants:
//! - Text uses Liberation Sans Regular, embedded from `assets/fonts/` (SIL OFL
//!   1.1, licence beside it) and registered once with ab_glyph, so no system
//!   font is needed. SVG names it with fallbacks ("Liberation Sans, Arial, ...").
//! - The same chart always gives byte-identical SVG and PNG: layout depends
//!   only on the spec and the embedded font.
//! - No panic on any input: NaN/infinite values are gaps, missing values are
//!   gaps, extra values are ignored, no data draws axes and "No data".
//!   Input the design cannot show honestly is an `Err`: more series than the
//!   six palette colours, more than six reference lines, values too large.
//! - Look: white background, title on top, legend (when more than one series
//!   or any reference line) under it, y axis from 0 (or below if negative),
//!   light horizontal grid lines only, x labels thinned or rotated to fit,
//!   Analysis Function categorical palette in order, flat colours.
//! - A PNG is drawn into memory and encoded with the image crate's PNG
//!   encoder at its defaults, as plotters' own file saving does: no
//!   temporary file, and the same bytes.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::OnceLock;

/// One named series of values, one per category (None = gap / no value).
#[derive(Debug, Clone)]
pub struct Series { pub name: String, pub values: Vec<Option<f64>> }

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Vertical bars per category, series side by side.
    Bar,
    /// Lines over the categories (e.g. months), one per series, with point markers.
    Line,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub kind: Kind,
    pub categories: Vec<String>,   // x-axis labels (scheme codes, or months "2008-03")
    pub series: Vec<Series>,       // first series gets palette colour 1, etc.
    pub y_label: String,           // e.g. "People", "Per cent"
    /// Optional horizontal reference lines, e.g. ("Minimum (15)", 15.0); drawn dashed or thin in #3D3D3D with a legend entry.
    pub reference_lines: Vec<(String, f64)>,
}

const W: u32 = 900;
const H: u32 = 500;
const FAMILY: &str = "Liberation Sans, Arial, Helvetica, sans-serif";
const FONT: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
/// Analysis Function categorical palette, in order.
const PALETTE: [RGBColor; 6] = [
    RGBColor(0x12, 0x43, 0x6D), RGBColor(0x28, 0xA1, 0x97), RGBColor(0x80, 0x16, 0x50),
    RGBColor(0xF4, 0x6A, 0x25), RGBColor(0x3D, 0x3D, 0x3D), RGBColor(0xA2, 0x85, 0xD1),
];
const DARK: RGBColor = RGBColor(0x3D, 0x3D, 0x3D);
const TEXT: RGBColor = RGBColor(0x0B, 0x0C, 0x0C);
const GRID: RGBColor = RGBColor(0xD9, 0xD9, 0xD9);
const MAX_REFS: usize = 6;

/// Render to (svg_bytes, png_bytes). Size 900x500 px.
pub fn render(chart: &Chart) -> Result<(Vec<u8>, Vec<u8>), String> {
    font_registered()?;
    if chart.series.len() > PALETTE.len() {
        return Err(format!("chart \"{}\": {} series, but at most {} can be told apart", chart.title, chart.series.len(), PALETTE.len()));
    }
    if chart.reference_lines.len() > MAX_REFS {
        return Err(format!("chart \"{}\": more than {MAX_REFS} reference lines", chart.title));
    }
    let mut svg = String::new();
    let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
    draw(&root, chart).and_then(|_| root.present().map_err(fail))?;
    drop(root);
    Ok((svg.into_bytes(), render_png(chart)?))
}

/// Register the embedded font under [`FAMILY`] once; every later call gets the same result.
fn font_registered() -> Result<(), String> {
    static DONE: OnceLock<Result<(), ()>> = OnceLock::new();
    let done = DONE.get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).map_err(|_| ()));
    (*done).map_err(|_| "the embedded chart font is not a valid font".to_string())
}

fn render_png(chart: &Chart) -> Result<Vec<u8>, String> {
    // Drawn into memory and encoded as plotters would save it to a file
    // (the image crate's PNG encoder, its default settings), so no
    // temporary file is needed.
    let mut pixels = vec![0u8; W as usize * H as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (W, H)).into_drawing_area();
        draw(&root, chart).and_then(|_| root.present().map_err(fail))?;
    }
    let mut png = Vec::new();
    image::ImageEncoder::write_image(image::codecs::png::PngEncoder::new(&mut png), &pixels, W, H, image::ColorType::Rgb8)
        .map_err(fail)?;
    Ok(png)
}

fn fail<E: std::fmt::Display>(e: E) -> String { format!("cannot draw the chart: {e}") }

fn style(size: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal).color(&TEXT).pos(Pos::new(h, v))
}

/// Text without control characters, at most `max` characters (then "…").
fn clean(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let s: String = chars.iter().take(max).collect();
    if chars.len() > max { format!("{}…", s.trim_end()) } else { s.trim().to_string() }
}

type Area<DB> = DrawingArea<DB, Shift>;

fn text_w<DB: DrawingBackend>(a: &Area<DB>, text: &str, st: &TextStyle) -> Result<i32, String> {
    if text.is_empty() { return Ok(0); }
    a.estimate_text_size(text, st).map(|(w, _)| w as i32).map_err(fail)
}

/// Shorten `text` with "…" until it is at most `max_w` pixels wide.
fn fit<DB: DrawingBackend>(a: &Area<DB>, text: &str, st: &TextStyle, max_w: i32) -> Result<String, String> {
    if text_w(a, text, st)? <= max_w { return Ok(text.to_string()); }
    let chars: Vec<char> = text.chars().collect();
    for k in (0..chars.len()).rev() {
        let s = format!("{}…", chars[..k].iter().collect::<String>().trim_end());
        if text_w(a, &s, st)? <= max_w { return Ok(s); }
    }
    Ok(String::new())
}

/// Y axis: (low, high, step, decimals) with round ticks covering 0 and every value.
fn y_scale(values: impl Iterator<Item = f64>) -> Result<(f64, f64, f64, usize), String> {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values { lo = lo.min(v); hi = hi.max(v); }
    if hi - lo == 0.0 { hi = 1.0; }
    let raw = (hi - lo) / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let step = mag * if norm <= 1.0 { 1.0 } else if norm <= 2.0 { 2.0 } else if norm <= 5.0 { 5.0 } else { 10.0 };
    let (lo, hi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
    if !(step > 0.0 && lo.is_finite() && hi.is_finite() && hi > lo) {
        return Err("chart values are too large or too small to draw".into());
    }
    let decimals = if step >= 1.0 { 0 } else { ((-step.log10().floor()) as usize).min(10) };
    Ok((lo, hi, step, decimals))
}

/// A tick label: thousands separated, fixed decimals, no "-0".
fn number(v: f64, decimals: usize) -> String {
    if v.abs() >= 1e15 { return format!("{v:.1e}"); }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 { out.push(','); }
        out.push(c);
    }
    if !frac.is_empty() { out = format!("{out}.{frac}"); }
    if v < 0.0 && s.chars().any(|c| ('1'..='9').contains(&c)) { format!("-{out}") } else { out }
}

enum Swatch { Bar(RGBColor), Line(RGBColor), Reference }

fn draw<DB: DrawingBackend>(root: &Area<DB>, chart: &Chart) -> Result<(), String> {
    root.fill(&WHITE).map_err(fail)?;
    let n = chart.categories.len();
    let value = |s: &Series, i: usize| s.values.get(i).copied().flatten().filter(|v| v.is_finite());
    let data: Vec<f64> = chart.series.iter().flat_map(|s| (0..n).filter_map(move |i| value(s, i))).collect();
    let refs: Vec<(String, f64)> = chart.reference_lines.iter().filter(|(_, v)| v.is_finite()).map(|(l, v)| (clean(l, 60), *v)).collect();
    let (lo, hi, step, decimals) = y_scale(data.iter().chain(refs.iter().map(|(_, v)| v)).copied())?;

    let title_st = style(24.0, HPos::Center, VPos::Top);
    let label_st = style(15.0, HPos::Left, VPos::Center);
    let text_h = root.estimate_text_size("Ag", &label_st).map_err(fail)?.1 as i32;
    let title_h = root.estimate_text_size("Ag", &title_st).map_err(fail)?.1 as i32;

    // Horizontal layout: y description, tick labels, plot, right margin.
    let ticks: Vec<f64> = (0..=40).map(|k| lo + step * k as f64).take_while(|t| *t <= hi + step * 1e-9).collect();
    let tick_labels: Vec<String> = ticks.iter().map(|t| number(*t, decimals)).collect();
    let mut tick_w = 0;
    for t in &tick_labels { tick_w = tick_w.max(text_w(root, t, &label_st)?); }
    let y_desc = clean(&chart.y_label, 60);
    let left = 14 + if y_desc.is_empty() { 0 } else { text_h + 10 } + tick_w + 8;
    let right = W as i32 - 28;

    // Title, then the legend in rows under it.
    let title = fit(root, &clean(&chart.title, 200), &title_st, W as i32 - 40)?;
    root.draw_text(&title, &title_st, (W as i32 / 2, 14)).map_err(fail)?;
    let mut entries: Vec<(Swatch, String)> = Vec::new();
    for (k, s) in chart.series.iter().enumerate() {
        let c = PALETTE[k % PALETTE.len()];
        entries.push((if chart.kind == Kind::Bar { Swatch::Bar(c) } else { Swatch::Line(c) }, clean(&s.name, 60)));
    }
    entries.extend(refs.iter().map(|(l, _)| (Swatch::Reference, l.clone())));
    let mut top = 14 + title_h + 14;
    if chart.series.len() > 1 || !refs.is_empty() {
        let row_h = text_h.max(14) + 8;
        let (mut x, mut y) = (left, top + row_h / 2);
        for (swatch, name) in &entries {
            let name = fit(root, name, &label_st, (right - left - 40).min(250))?;
            let w = 30 + text_w(root, &name, &label_st)?;
            if x > left && x + w > right { x = left; y += row_h; }
            match swatch {
                Swatch::Bar(c) => root.draw(&Rectangle::new([(x, y - 7), (x + 14, y + 7)], c.filled())),
                Swatch::Line(c) => root.draw(&PathElement::new(vec![(x - 2, y), (x + 18, y)], c.stroke_width(2)))
                    .and_then(|_| root.draw(&Circle::new((x + 8, y), 3, c.filled()))),
                Swatch::Reference => dashes(root, x - 2, x + 20, y),
            }.map_err(fail)?;
            root.draw_text(&name, &label_st, (x + 26, y)).map_err(fail)?;
            x += w + 22;
        }
        top = y + row_h / 2 + 8;
    }
    top += text_h / 2 + 4;

    // X labels: horizontal if they fit, else thinned (lines) or rotated (bars).
    let plot_w = (right - left).max(1);
    let slot = plot_w as f64 / n.max(1) as f64;
    let mut labels: Vec<String> = chart.categories.iter().map(|c| clean(c, 40)).collect();
    let mut widest = 0;
    for l in &labels { widest = widest.max(text_w(root, l, &label_st)?); }
    let (rotated, every) = if f64::from(widest + 10) <= slot {
        (false, 1)
    } else if chart.kind == Kind::Bar && slot >= 90.0 {
        for l in labels.iter_mut() { *l = fit(root, l, &label_st, slot as i32 - 10)?; }
        (false, 1)
    } else if chart.kind == Kind::Bar {
        widest = widest.min(150);
        for l in labels.iter_mut() { *l = fit(root, l, &label_st, 150)?; }
        (true, (f64::from(text_h + 4) / slot).ceil().max(1.0) as usize)
    } else {
        for l in labels.iter_mut() { *l = fit(root, l, &label_st, plot_w / 2)?; }
        let widest = widest.min(plot_w / 2);
        (false, (f64::from(widest + 14) / slot).ceil().max(1.0) as usize)
    };
    let x_area = if rotated { widest + 12 } else { text_h + 12 };
    let bottom = H as i32 - 14 - x_area;
    if bottom - top < 60 {
        return Err(format!("chart \"{}\": too little room left for the plot", chart.title));
    }
    let px = |i: f64| left + ((i + 0.5) * slot).round() as i32;
    let py = |v: f64| bottom - ((v - lo) / (hi - lo) * f64::from(bottom - top)).round() as i32;

    // Grid, y tick labels and y description.
    let tick_st = style(15.0, HPos::Right, VPos::Center);
    for (t, l) in ticks.iter().zip(&tick_labels) {
        root.draw(&PathElement::new(vec![(left, py(*t)), (right, py(*t))], GRID.stroke_width(1))).map_err(fail)?;
        root.draw_text(l, &tick_st, (left - 8, py(*t))).map_err(fail)?;
    }
    if !y_desc.is_empty() {
        let st = style(15.0, HPos::Center, VPos::Center).transform(FontTransform::Rotate270);
        let y_desc = fit(root, &y_desc, &label_st, bottom - top)?;
        root.draw_text(&y_desc, &st, (14 + text_h / 2, (top + bottom) / 2)).map_err(fail)?;
    }

    // Series.
    let ns = chart.series.len().max(1);
    for (k, s) in chart.series.iter().enumerate() {
        let c = PALETTE[k % PALETTE.len()];
        match chart.kind {
            Kind::Bar => {
                let bw = 0.8 / ns as f64;
                let gap = if bw * slot >= 6.0 { 1 } else { 0 };
                for i in 0..n {
                    let Some(v) = value(s, i) else { continue };
                    let x0 = px(i as f64 - 0.4 + bw * k as f64);
                    let x1 = (px(i as f64 - 0.4 + bw * (k + 1) as f64) - gap).max(x0 + 1);
                    root.draw(&Rectangle::new([(x0, py(0.0)), (x1, py(v))], c.filled())).map_err(fail)?;
                }
            }
            Kind::Line => {
                let mut run: Vec<(i32, i32)> = Vec::new();
                for i in 0..=n {
                    match if i < n { value(s, i) } else { None } {
                        Some(v) => run.push((px(i as f64), py(v))),
                        None => {
                            if run.len() > 1 { root.draw(&PathElement::new(run.clone(), c.stroke_width(2))).map_err(fail)?; }
                            for p in run.drain(..) { root.draw(&Circle::new(p, 3, c.filled())).map_err(fail)?; }
                        }
                    }
                }
            }
        }
    }
    root.draw(&PathElement::new(vec![(left, py(0.0)), (right, py(0.0))], DARK.stroke_width(1))).map_err(fail)?;
    for (_, v) in &refs { dashes(root, left, right, py(*v)).map_err(fail)?; }
    if data.is_empty() {
        let st = style(18.0, HPos::Center, VPos::Center).color(&DARK);
        root.draw_text("No data", &st, ((left + right) / 2, (top + bottom) / 2)).map_err(fail)?;
    }

    // X labels under the plot.
    for (i, l) in labels.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let x = px(i as f64);
        if rotated {
            let st = style(15.0, HPos::Right, VPos::Center).transform(FontTransform::Rotate270);
            root.draw_text(l, &st, (x, bottom + 8)).map_err(fail)?;
        } else {
            let half = text_w(root, l, &label_st)? / 2;
            let x = x.min(W as i32 - 8 - half).max(8 + half);
            root.draw_text(l, &style(15.0, HPos::Center, VPos::Top), (x, bottom + 8)).map_err(fail)?;
        }
    }
    Ok(())
}

/// A dashed horizontal line in the reference colour.
fn dashes<DB: DrawingBackend>(a: &Area<DB>, x0: i32, x1: i32, y: i32) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let mut x = x0;
    while x < x1 {
        a.draw(&PathElement::new(vec![(x, y), ((x + 8).min(x1), y)], DARK.stroke_width(2)))?;
        x += 13;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(kind: Kind, n: usize, series: usize) -> Chart {
        let values = |k: usize| (0..n).map(|i| Some(((i * 7 + k * 3) % 23) as f64)).collect();
        let series = (0..series).map(|k| Series { name: format!("Series {k}"), values: values(k) }).collect();
        let categories = (0..n).map(|i| format!("20{:02}-{:02}", 8 + i / 12, 1 + i % 12)).collect();
        let (title, y_label) = (format!("Test chart {kind:?}"), "People".into());
        Chart { title, kind, categories, series, y_label, reference_lines: vec![("Minimum (15)".into(), 15.0)] }
    }

    fn check(c: &Chart) {
        let (svg, png) = render(c).expect("renders");
        let start: String = c.title.chars().take(20).collect();
        assert!(String::from_utf8_lossy(&svg).contains(&start), "SVG holds the title");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "PNG signature");
        assert_eq!(render(c).expect("renders again"), (svg, png), "deterministic");
    }

    #[test]
    fn bar_and_line_render_deterministically() {
        check(&chart(Kind::Bar, 12, 3));
        check(&chart(Kind::Line, 30, 2));
    }

    #[test]
    fn awkward_input_does_not_panic() {
        let mut c = chart(Kind::Bar, 0, 0);
        check(&c);
        c.series = vec![Series { name: String::new(), values: vec![] }];
        check(&c);
        for kind in [Kind::Bar, Kind::Line] {
            let mut c = chart(kind, 5, 2);
            c.series[0].values = vec![Some(f64::NAN), None, Some(f64::INFINITY), Some(-12.5), Some(-0.0)];
            c.series[1].values = vec![Some(1.0)];
            c.reference_lines.push(("NaN line".into(), f64::NAN));
            check(&c);
            c.series.iter_mut().for_each(|s| s.values = vec![Some(0.0); 5]);
            c.reference_lines.clear();
            check(&c);
            c.categories = vec!["One very long category name that goes on and on \n and on".repeat(5)];
            c.title = "T".repeat(500);
            check(&c);
            c.series[0].values = vec![Some(f64::MAX)];
            assert!(render(&c).is_err());
        }
        assert!(render(&chart(Kind::Line, 3, 7)).is_err());
        check(&crowded(Kind::Bar));
        check(&crowded(Kind::Line));
    }

    /// Six long series names, six reference lines, 60 wide category names.
    fn crowded(kind: Kind) -> Chart {
        let mut c = chart(kind, 60, 6);
        c.categories = (0..60).map(|i| format!("{i} {}", "WM".repeat(30))).collect();
        c.series.iter_mut().for_each(|s| s.name = format!("{} {}", s.name, "W".repeat(60)));
        c.reference_lines = (0..6).map(|i| (format!("Line {i} {}", "M".repeat(60)), i as f64 * 1e6)).collect();
        c
    }

    #[test]
    fn tick_labels() {
        assert_eq!(number(12345.0, 0), "12,345");
        assert_eq!(number(-0.04, 1), "0.0");
        assert_eq!(number(-2.5, 1), "-2.5");
        assert_eq!(y_scale([3.0, 15.3].into_iter()).map(|s| (s.0, s.1)), Ok((0.0, 20.0)));
    }

    /// `cargo test --lib charts -- --ignored` writes sample charts to the temp folder to look at.
    #[test]
    #[ignore]
    fn write_samples() {
        let mut bars = chart(Kind::Bar, 40, 3);
        bars.categories = (0..40).map(|i| format!("PPO{:03}", i * 7)).collect();
        bars.title = "People on the scheme at the end of the month, by scheme".into();
        let mut lines = chart(Kind::Line, 30, 2);
        (lines.series[1].values[4], lines.series[1].values[9], lines.y_label) = (None, Some(-6.0), "Per cent".into());
        let empty = Chart { title: "No schemes".into(), ..chart(Kind::Bar, 0, 0) };
        let mut one = chart(Kind::Bar, 5, 2);
        one.categories = (1..=5).map(|i| format!("Scheme {i} with a very long name indeed, longer than a label")).collect();
        (one.series[1].values, one.y_label) = (vec![Some(-12.5), Some(30.0), None, Some(f64::NAN), Some(-3.0)], "Per cent reduction".into());
        let samples = [("bar", bars), ("line", lines), ("empty", empty), ("one", one), ("crowded", crowded(Kind::Bar))];
        for (name, c) in samples {
            let (svg, png) = render(&c).expect("renders");
            let path = |ext: &str| std::env::temp_dir().join(format!("pmf-chart-sample-{name}.{ext}"));
            std::fs::write(path("png"), png).and_then(|_| std::fs::write(path("svg"), svg)).expect("writes");
        }
    }
}
