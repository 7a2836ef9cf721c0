//! Charts, each rendered as SVG and PNG from the same drawing code. Text is drawn with an
//! embedded DejaVu Sans, so charts render the same on a machine without system fonts.
//! Suppressed values are drawn as gaps with a note, never as zero.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::format::Lang;
use crate::error::{Error, Result};

static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
static REGISTER_FONT: Once = Once::new();
const FAMILY: &str = "sans-serif";

fn register_font() {
    REGISTER_FONT.call_once(|| {
        // The font is compiled in, so failure would be a build defect, not a user error.
        if plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            panic!("the embedded DejaVu Sans font does not load");
        }
    });
}

/// A chart as both SVG text and PNG bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedChart {
    /// The file stem, e.g. `savings_per_cocktail`.
    pub name: String,
    /// SVG text.
    pub svg: String,
    /// PNG bytes.
    pub png: Vec<u8>,
}

/// What charts write in the report's language: the note under charts with hidden values,
/// and how numbers read.
pub struct Notes {
    /// "hidden to protect households" in the report language.
    pub suppressed: String,
    /// The language of numbers on axes and cells.
    pub lang: Lang,
}

impl Notes {
    /// The notes of a language.
    pub fn of(lang: Lang) -> Notes {
        Notes {
            suppressed: lang
                .t(
                    "verborgen om huishoudens te beschermen",
                    "hidden to protect households",
                )
                .to_owned(),
            lang,
        }
    }
}

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn chart_error(name: &str, message: impl std::fmt::Display) -> Error {
    Error::Output {
        what: format!("chart {name}"),
        message: message.to_string(),
    }
}

/// Renders one drawing function to SVG and PNG.
macro_rules! render_both {
    ($name:expr, $size:expr, |$root:ident| $body:block) => {{
        register_font();
        let name: &str = $name;
        let size: (u32, u32) = $size;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            let draw = |$root: &DrawingArea<SVGBackend, Shift>| -> DrawResult<SVGBackend> { $body };
            draw(&root).map_err(|e| chart_error(name, format!("{e:?}")))?;
            root.present()
                .map_err(|e| chart_error(name, format!("{e:?}")))?;
        }
        let mut rgb = vec![0u8; (size.0 * size.1 * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
            let draw =
                |$root: &DrawingArea<BitMapBackend, Shift>| -> DrawResult<BitMapBackend> { $body };
            draw(&root).map_err(|e| chart_error(name, format!("{e:?}")))?;
            root.present()
                .map_err(|e| chart_error(name, format!("{e:?}")))?;
        }
        Ok::<RenderedChart, Error>(RenderedChart {
            name: name.to_owned(),
            svg,
            png: encode_png(&rgb, size).map_err(|e| chart_error(name, e))?,
        })
    }};
}

fn encode_png(
    rgb: &[u8],
    (width, height): (u32, u32),
) -> std::result::Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
    }
    Ok(bytes)
}

/// A colour-blind-safe palette (Okabe–Ito).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().into()
}

/// Bars with optional whiskers; `None` values are gaps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BarData {
    /// Chart title.
    pub title: String,
    /// Axis label for the values.
    pub value_label: String,
    /// One label per bar.
    pub labels: Vec<String>,
    /// One value per bar; `None` is suppressed.
    pub values: Vec<Option<f64>>,
    /// Whiskers per bar (low, high), when known.
    pub whiskers: Vec<Option<(f64, f64)>>,
    /// A colour index per bar (e.g. by owner level), or empty for one colour.
    pub colors: Vec<usize>,
    /// Legend entries for the colour indices.
    pub legend: Vec<(usize, String)>,
}

fn value_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut low, mut high) = (0.0f64, 0.0f64);
    for v in values {
        low = low.min(v);
        high = high.max(v);
    }
    if high <= low {
        high = low + 1.0;
    }
    let pad = (high - low) * 0.08;
    (if low < 0.0 { low - pad } else { 0.0 }, high + pad)
}

fn suppressed_note<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    any: bool,
    notes: &Notes,
) -> DrawResult<DB> {
    if any {
        let (_, height) = root.dim_in_pixel();
        root.draw(&Text::new(
            format!("· = {}", notes.suppressed),
            (10, height as i32 - 18),
            font(13).color(&RGBColor(90, 90, 90)),
        ))?;
    }
    Ok(())
}

/// Vertical bars (or horizontal with `horizontal`), with whiskers and gaps.
pub fn bar_chart(
    name: &str,
    data: &BarData,
    horizontal: bool,
    notes: &Notes,
) -> Result<RenderedChart> {
    let n = data.labels.len().max(1);
    let size = if horizontal {
        (900, (120 + 28 * n as u32).max(300))
    } else {
        (900, 520)
    };
    let (low, high) = value_range(
        data.values
            .iter()
            .flatten()
            .copied()
            .chain(data.whiskers.iter().flatten().flat_map(|&(a, b)| [a, b])),
    );
    // Room on the right for the legend, so it never covers a bar.
    let high = if data.legend.is_empty() {
        high
    } else {
        high + (high - low) * 0.3
    };
    render_both!(name, size, |root| {
        root.fill(&WHITE)?;
        if horizontal {
            horizontal_bars(root, data, notes, (low, high))?;
        } else {
            vertical_bars(root, data, notes, (low, high))?;
        }
        suppressed_note(root, data.values.iter().any(Option::is_none), notes)
    })
}

/// The label of a bar at position `v` on its axis.
fn bar_label(data: &BarData, v: f64) -> String {
    let i = v.round();
    if (v - i).abs() < 1e-9 && i >= 0.0 && (i as usize) < data.labels.len() {
        data.labels[i as usize].clone()
    } else {
        String::new()
    }
}

/// A hidden value's mark: a grey dot where its bar would start.
fn hidden_mark(at: (f64, f64)) -> Text<'static, (f64, f64), String> {
    Text::new("·".to_owned(), at, font(28).color(&RGBColor(90, 90, 90)))
}

fn horizontal_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &BarData,
    notes: &Notes,
    (low, high): (f64, f64),
) -> DrawResult<DB> {
    let n = data.labels.len().max(1);
    // Room for the longest label (about 7 pixels a character at 12 points), so that none is
    // cut off at the left edge, within half the chart.
    let longest = data
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let label_area = (longest as u32 * 7 + 20).clamp(120, 440);
    let mut chart = ChartBuilder::on(root)
        .caption(&data.title, font(20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(label_area)
        .build_cartesian_2d(low..high, -0.5f64..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| bar_label(data, n as f64 - 1.0 - *v))
        .x_desc(&data.value_label)
        .x_label_formatter(&|v| notes.lang.whole(*v))
        .label_style(font(12))
        .disable_y_mesh()
        .draw()?;
    for (i, value) in data.values.iter().enumerate() {
        let c = color(data.colors.get(i).copied().unwrap_or(0));
        // The first bar on top, as a reader expects a list.
        let y = (n - 1 - i) as f64;
        match value {
            Some(v) => {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.35), (*v, y + 0.35)],
                    c.filled(),
                )))?;
            }
            None => {
                chart.draw_series(std::iter::once(hidden_mark((0.0, y + 0.2))))?;
            }
        }
    }
    if data.legend.is_empty() {
        return Ok(());
    }
    for (index, label) in &data.legend {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, -1.0), (0.0, -1.0)],
                color(*index).filled(),
            )))?
            .label(label.clone())
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 12, y + 5)], color(*index).filled())
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(font(13))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
}

fn vertical_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &BarData,
    notes: &Notes,
    (low, high): (f64, f64),
) -> DrawResult<DB> {
    let n = data.labels.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(&data.title, font(20))
        .margin(12)
        .x_label_area_size(70)
        .y_label_area_size(90)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), low..high)?;
    chart
        .configure_mesh()
        .x_labels(n)
        .x_label_formatter(&|v| bar_label(data, *v))
        .y_desc(&data.value_label)
        .y_label_formatter(&|v| notes.lang.whole(*v))
        .label_style(font(12))
        .disable_x_mesh()
        .draw()?;
    for (i, value) in data.values.iter().enumerate() {
        let c = color(data.colors.get(i).copied().unwrap_or(0));
        let x = i as f64;
        let Some(v) = value else {
            chart.draw_series(std::iter::once(hidden_mark((x, (high - low) * 0.03))))?;
            continue;
        };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - 0.3, 0.0), (x + 0.3, *v)],
            c.filled(),
        )))?;
        if let Some(Some((a, b))) = data.whiskers.get(i) {
            chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                x,
                *a,
                *v,
                *b,
                BLACK.stroke_width(2),
                14,
            )))?;
        }
    }
    Ok(())
}

/// Several series per group, side by side (grouped bars) or stacked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupedBarData {
    /// Chart title.
    pub title: String,
    /// Axis label for the values.
    pub value_label: String,
    /// Group labels (x axis).
    pub groups: Vec<String>,
    /// Series: name and one value per group (`None` suppressed).
    pub series: Vec<(String, Vec<Option<f64>>)>,
}

/// Grouped (side-by-side) or stacked bars.
pub fn grouped_bar_chart(
    name: &str,
    data: &GroupedBarData,
    stacked: bool,
    notes: &Notes,
) -> Result<RenderedChart> {
    let n = data.groups.len().max(1);
    let k = data.series.len().max(1);
    let (low, high) = grouped_range(data, stacked);
    let any_suppressed = data
        .series
        .iter()
        .any(|(_, v)| v.iter().any(Option::is_none));
    render_both!(name, (900, 540), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption(&data.title, font(20))
            .margin(12)
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), low..high)?;
        chart
            .configure_mesh()
            .x_labels(n)
            .x_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() < 1e-9 && i >= 0.0 && (i as usize) < data.groups.len() {
                    data.groups[i as usize].clone()
                } else {
                    String::new()
                }
            })
            .y_desc(&data.value_label)
            .y_label_formatter(&|v| notes.lang.whole(*v))
            .label_style(font(12))
            .disable_x_mesh()
            .draw()?;
        let mut base = vec![0.0f64; n];
        for (s, (label, values)) in data.series.iter().enumerate() {
            let c = color(s);
            let bars = grouped_bars(values, s, k, stacked, &mut base, c);
            chart
                .draw_series(bars)?
                .label(label.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(font(13))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()?;
        suppressed_note(root, any_suppressed, notes)
    })
}

/// The value range of grouped bars: each group's stack (or tallest bar) and each value.
fn grouped_range(data: &GroupedBarData, stacked: bool) -> (f64, f64) {
    let n = data.groups.len().max(1);
    let shown = |g: usize| {
        data.series
            .iter()
            .filter_map(move |(_, v)| v.get(g).copied().flatten())
    };
    let totals = (0..n).map(|g| {
        if stacked {
            shown(g).filter(|v| *v > 0.0).sum::<f64>()
        } else {
            shown(g).fold(0.0, f64::max)
        }
    });
    value_range(
        totals.chain(
            data.series
                .iter()
                .flat_map(|(_, v)| v.iter().flatten().copied()),
        ),
    )
}

/// The bars of series `s` of `k`, side by side in each group or stacked on `base`.
fn grouped_bars(
    values: &[Option<f64>],
    s: usize,
    k: usize,
    stacked: bool,
    base: &mut [f64],
    c: RGBColor,
) -> Vec<Rectangle<(f64, f64)>> {
    let width = 0.8 / k as f64;
    values
        .iter()
        .enumerate()
        .filter_map(|(g, v)| {
            let v = (*v)?;
            let x = g as f64;
            Some(if stacked {
                let rect =
                    Rectangle::new([(x - 0.35, base[g]), (x + 0.35, base[g] + v)], c.filled());
                base[g] += v;
                rect
            } else {
                let left = x - 0.4 + s as f64 * width;
                Rectangle::new([(left, 0.0), (left + width * 0.95, v)], c.filled())
            })
        })
        .collect()
}

/// A matrix of values with row and column labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeatmapData {
    /// Chart title.
    pub title: String,
    /// Row labels (top to bottom).
    pub rows: Vec<String>,
    /// Column labels (left to right).
    pub columns: Vec<String>,
    /// Values, row-major; `None` is suppressed or undefined.
    pub values: Vec<Vec<Option<f64>>>,
    /// The value shown as the darkest colour.
    pub max_value: f64,
    /// Whether values are centred on 1 (lift): below 1 blue, above 1 red.
    pub centred_on_one: bool,
    /// Label columns `1..n` and prefix row labels with their number: for square matrices
    /// whose column names would not fit side by side.
    pub number_columns: bool,
    /// For hidden cells, what is published of them elsewhere (that a problem defines a
    /// cocktail, in clusters.csv): written in the cell, in a mid colour. Empty for none.
    pub hidden_labels: Vec<Vec<Option<String>>>,
}

/// A heatmap cell's colour and text: its value, else what is published of it elsewhere,
/// else a dot.
fn cell_look(
    data: &HeatmapData,
    (r, c): (usize, usize),
    value: Option<f64>,
    fill: &dyn Fn(f64) -> RGBColor,
    notes: &Notes,
) -> (RGBColor, String) {
    let label = data
        .hidden_labels
        .get(r)
        .and_then(|row| row.get(c))
        .cloned()
        .flatten();
    match (value, label) {
        (Some(v), _) => (fill(v), notes.lang.decimal(v, 2)),
        (None, Some(label)) => (fill(data.max_value * 0.6), label),
        (None, None) => (RGBColor(235, 235, 235), "·".to_owned()),
    }
}

/// A heatmap with the value written in each cell.
pub fn heatmap(name: &str, data: &HeatmapData, notes: &Notes) -> Result<RenderedChart> {
    let numbered;
    let data = if data.number_columns {
        numbered = HeatmapData {
            rows: data
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| format!("{} {r}", i + 1))
                .collect(),
            columns: (1..=data.columns.len()).map(|i| i.to_string()).collect(),
            ..data.clone()
        };
        &numbered
    } else {
        data
    };
    let n_rows = data.rows.len().max(1);
    let n_cols = data.columns.len().max(1);
    let size = (
        (260 + 56 * n_cols as u32).max(600),
        (180 + 34 * n_rows as u32).max(320),
    );
    let any_suppressed = data.values.iter().any(|r| r.iter().any(Option::is_none));
    let fill = |v: f64| -> RGBColor {
        let t = if data.centred_on_one {
            ((v - 1.0) / (data.max_value - 1.0).max(1e-9)).clamp(-1.0, 1.0)
        } else {
            (v / data.max_value.max(1e-9)).clamp(0.0, 1.0)
        };
        let mix = |a: u8, b: u8, t: f64| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
        if t >= 0.0 {
            RGBColor(mix(255, 178, t), mix(255, 24, t), mix(255, 43, t))
        } else {
            RGBColor(mix(255, 33, -t), mix(255, 102, -t), mix(255, 172, -t))
        }
    };
    render_both!(name, size, |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption(&data.title, font(20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(230)
            .build_cartesian_2d(0f64..n_cols as f64, 0f64..n_rows as f64)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(n_cols * 2 + 1)
            .y_labels(n_rows * 2 + 1)
            .x_label_formatter(&|v| centre_label(*v, &data.columns, false))
            .y_label_formatter(&|v| centre_label(*v, &data.rows, true))
            .label_style(font(12))
            .x_label_style(font(12))
            .draw()?;
        for (r, row) in data.values.iter().enumerate() {
            let y = (n_rows - 1 - r) as f64;
            for (c, value) in row.iter().enumerate() {
                let x = c as f64;
                let (cell_color, text) = cell_look(data, (r, c), *value, &fill, notes);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    cell_color.filled(),
                )))?;
                // 13 points: at 11 a decimal comma reads as a point in the PNG.
                chart.draw_series(std::iter::once(Text::new(
                    text,
                    (x + 0.12, y + 0.62),
                    font(13),
                )))?;
            }
        }
        suppressed_note(root, any_suppressed, notes)
    })
}

/// The label of the cell whose centre is at `v`, for axis formatters.
fn centre_label(v: f64, labels: &[String], reversed: bool) -> String {
    let index = v - 0.5;
    let i = index.round();
    if (index - i).abs() > 1e-6 || i < 0.0 || i as usize >= labels.len() {
        return String::new();
    }
    let i = i as usize;
    if reversed {
        labels[labels.len() - 1 - i].clone()
    } else {
        labels[i].clone()
    }
}

/// A point of a line: x, and y when known.
pub type LinePoint = (f64, Option<f64>);

/// Lines through points, one per series.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineData {
    /// Chart title.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// Tick labels for x positions 0..n (empty: numeric).
    pub x_ticks: Vec<String>,
    /// Series: name and points; a `None` y breaks the line.
    pub series: Vec<(String, Vec<LinePoint>)>,
    /// Both axes logarithmic (values must be positive; others are left out).
    pub log_scale: bool,
}

/// A line chart.
pub fn line_chart(name: &str, data: &LineData, notes: &Notes) -> Result<RenderedChart> {
    // Logarithmic axes are drawn as linear axes over log10 values, labelled with powers.
    let logged;
    let data = if data.log_scale {
        logged = logarithmic(data);
        &logged
    } else {
        data
    };
    let xs = data
        .series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(x, _)| *x));
    let (x_low, x_high) = match extent(xs) {
        Some((low, high)) => (low - 0.3, high + 0.3),
        None => (0.0, 1.0),
    };
    let ys = data
        .series
        .iter()
        .flat_map(|(_, p)| p.iter().filter_map(|(_, y)| *y));
    let (y_low, y_high) = extent(ys).unwrap_or((0.0, 1.0));
    let pad = ((y_high - y_low) * 0.1).max(0.05);
    let any_suppressed = data
        .series
        .iter()
        .any(|(_, p)| p.iter().any(|(_, y)| y.is_none()));
    render_both!(name, (900, 520), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption(&data.title, font(20))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x_low..x_high, (y_low - pad)..(y_high + pad))?;
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(&data.x_label)
            .y_desc(&data.y_label)
            .label_style(font(12));
        let x_tick = |v: &f64| line_x_tick(data, notes, *v, x_high - x_low);
        mesh.x_label_formatter(&x_tick);
        let y_tick = |v: &f64| match data.log_scale {
            true => power_of_ten(notes, *v),
            false => notes.lang.decimal(*v, 2),
        };
        mesh.y_label_formatter(&y_tick);
        if !data.x_ticks.is_empty() {
            mesh.x_labels(data.x_ticks.len());
        }
        mesh.draw()?;
        for (s, (label, points)) in data.series.iter().enumerate() {
            draw_line(&mut chart, label, points, color(s))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font(font(13))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()?;
        suppressed_note(root, any_suppressed, notes)
    })
}

/// The same lines over log10 values (points at or below 0 are left out).
fn logarithmic(data: &LineData) -> LineData {
    let log = |v: f64| (v > 0.0).then(|| v.log10());
    LineData {
        series: data
            .series
            .iter()
            .map(|(name, points)| {
                let points = points
                    .iter()
                    .filter_map(|&(x, y)| Some((log(x)?, y.and_then(log))))
                    .collect();
                (name.clone(), points)
            })
            .collect(),
        ..data.clone()
    }
}

/// The lowest and highest of some values, if there are any.
fn extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |range, v| match range {
        None => Some((v, v)),
        Some((low, high)) => Some((low.min(v), high.max(v))),
    })
}

/// A log10 value labelled as the number it stands for.
fn power_of_ten(notes: &Notes, v: f64) -> String {
    let value = 10f64.powf(v);
    notes.lang.decimal(value, if value >= 1.0 { 0 } else { 3 })
}

fn line_x_tick(data: &LineData, notes: &Notes, v: f64, span: f64) -> String {
    if data.log_scale {
        return power_of_ten(notes, v);
    }
    if data.x_ticks.is_empty() {
        // Noise levels between 0 and 1 need decimals; sizes and k do not.
        return notes.lang.decimal(v, if span < 5.0 { 2 } else { 0 });
    }
    let i = v.round();
    if (v - i).abs() < 1e-9 && i >= 0.0 && (i as usize) < data.x_ticks.len() {
        data.x_ticks[i as usize].clone()
    } else {
        String::new()
    }
}

/// One series, broken at missing values rather than bridging them.
fn draw_line<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    label: &str,
    points: &[LinePoint],
    c: RGBColor,
) -> DrawResult<DB> {
    let mut segment: Vec<(f64, f64)> = Vec::new();
    let mut segments = Vec::new();
    for &(x, y) in points {
        match y {
            Some(y) => segment.push((x, y)),
            None => segments.push(std::mem::take(&mut segment)),
        }
    }
    segments.push(segment);
    let mut first = true;
    for segment in segments.into_iter().filter(|s| !s.is_empty()) {
        chart.draw_series(segment.iter().map(|&p| Circle::new(p, 4, c.filled())))?;
        let series = chart.draw_series(LineSeries::new(segment, c.stroke_width(2)))?;
        if first {
            series.label(label.to_owned()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2))
            });
            first = false;
        }
    }
    Ok(())
}

/// A dendrogram from linkage steps in the SciPy/kodama convention: leaves are `0..n`, step
/// `i` merges clusters `a` and `b` at height `h` into cluster `n + i`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DendrogramData {
    /// Chart title.
    pub title: String,
    /// Number of leaves.
    pub n_leaves: usize,
    /// Leaf labels (may be empty).
    pub leaf_labels: Vec<String>,
    /// Merge steps: (a, b, height).
    pub steps: Vec<(usize, usize, f64)>,
    /// The height at which the tree was cut, drawn as a dashed line.
    pub cut_height: Option<f64>,
}

/// Draws a dendrogram.
pub fn dendrogram(name: &str, data: &DendrogramData, _notes: &Notes) -> Result<RenderedChart> {
    let n = data.n_leaves;
    // Leaf order: depth-first from the root so that merged branches sit side by side.
    let mut children: Vec<Option<(usize, usize)>> = vec![None; n + data.steps.len()];
    let mut height = vec![0.0f64; n + data.steps.len()];
    for (i, &(a, b, h)) in data.steps.iter().enumerate() {
        children[n + i] = Some((a, b));
        height[n + i] = h;
    }
    let mut x = vec![0.0f64; n + data.steps.len()];
    let mut next_leaf = 0.0;
    let roots: Vec<usize> = if data.steps.is_empty() {
        (0..n).collect()
    } else {
        vec![n + data.steps.len() - 1]
    };
    let mut stack: Vec<(usize, bool)> = roots.iter().rev().map(|&r| (r, false)).collect();
    while let Some((node, expanded)) = stack.pop() {
        match children[node] {
            None => {
                x[node] = next_leaf;
                next_leaf += 1.0;
            }
            Some((a, b)) if !expanded => {
                stack.push((node, true));
                stack.push((b, false));
                stack.push((a, false));
            }
            Some((a, b)) => x[node] = (x[a] + x[b]) / 2.0,
        }
    }
    let max_height = height.iter().copied().fold(0.0, f64::max).max(1e-9);
    render_both!(name, (1000, 520), |root| {
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(root)
            .caption(&data.title, font(20))
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(70)
            .build_cartesian_2d(-1f64..(n.max(1) as f64), 0f64..max_height * 1.05)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc("Jaccard distance")
            .label_style(font(12))
            .draw()?;
        for (i, &(a, b, h)) in data.steps.iter().enumerate() {
            let _ = i;
            let lines = [
                vec![(x[a], height[a]), (x[a], h)],
                vec![(x[b], height[b]), (x[b], h)],
                vec![(x[a], h), (x[b], h)],
            ];
            for line in lines {
                chart.draw_series(std::iter::once(PathElement::new(
                    line,
                    color(0).stroke_width(1),
                )))?;
            }
        }
        if let Some(cut) = data.cut_height {
            chart.draw_series(DashedLineSeries::new(
                vec![(-1.0, cut), (n as f64, cut)],
                6,
                4,
                color(5).stroke_width(2),
            ))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes() -> Notes {
        Notes {
            lang: Lang::Nl,
            suppressed: "verborgen om huishoudens te beschermen".into(),
        }
    }

    /// The PNG decodes, and is not a blank canvas: text and bars put many colours on it.
    pub(crate) fn assert_non_trivial_png(bytes: &[u8]) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("PNG header");
        let mut buffer = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buffer).expect("PNG data");
        assert!(info.width >= 300 && info.height >= 200);
        let pixels = &buffer[..info.buffer_size()];
        let non_white = pixels.chunks(3).filter(|p| p != &[255, 255, 255]).count();
        assert!(non_white > 2_000, "only {non_white} non-white pixels");
    }

    #[test]
    fn bar_chart_renders_text_gaps_and_whiskers() {
        let data = BarData {
            title: "Gemiddelde besparing per cocktail".into(),
            value_label: "€".into(),
            labels: vec![
                "GGZ + Wonen".into(),
                "Schulden + Wonen".into(),
                "Klein".into(),
            ],
            values: vec![Some(21_000.0), Some(15_500.0), None],
            whiskers: vec![Some((18_000.0, 24_000.0)), Some((12_000.0, 19_000.0)), None],
            ..BarData::default()
        };
        let chart = bar_chart("savings", &data, false, &notes()).unwrap();
        assert!(chart.svg.contains("Gemiddelde besparing per cocktail"));
        assert!(chart.svg.contains("verborgen om huishoudens te beschermen"));
        assert_non_trivial_png(&chart.png);
        // Same input, same bytes.
        assert_eq!(bar_chart("savings", &data, false, &notes()).unwrap(), chart);
        if let Ok(dir) = std::env::var("MAATPACT_CHART_PREVIEW") {
            std::fs::write(format!("{dir}/bar.png"), &chart.png).unwrap();
        }
    }
}
