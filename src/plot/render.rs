//! Drawing a figure with plotters: RGB pixels (then PNG) or SVG text.
//!
//! Text uses DejaVu Sans, compiled into the binary and registered with
//! plotters' `ab_glyph` font support under the family name "sans-serif", so
//! titles, ticks and legends render on machines without any system font.

use super::{fmt_tick, nice_ticks, Axes, Figure, Kind, Rgb};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

/// DejaVu Sans (Bitstream Vera licence, see assets/fonts/).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Register the bundled font once; false if it could not be parsed.
fn font_ready() -> bool {
    static OK: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *OK.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    })
}

const FAMILY: &str = "sans-serif";

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// The figure as RGB pixels, `width * height * 3` bytes, row-major.
pub fn pixels(fig: &Figure, width: u32, height: u32) -> Result<Vec<u8>, String> {
    if !font_ready() {
        return Err("the bundled font could not be loaded".into());
    }
    let mut buf = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (width, height)).into_drawing_area();
        draw(&root, fig)?;
    }
    Ok(buf)
}

/// The figure as a PNG file's bytes.
pub fn png(fig: &Figure, width: u32, height: u32) -> Result<Vec<u8>, String> {
    let px = pixels(fig, width, height)?;
    let mut out = Vec::new();
    encode_png(&mut out, &px, width, height).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Encode RGB pixels as PNG into `w`.
pub fn encode_png<W: std::io::Write>(
    w: W,
    px: &[u8],
    width: u32,
    height: u32,
) -> Result<(), ::png::EncodingError> {
    let mut enc = ::png::Encoder::new(w, width, height);
    enc.set_color(::png::ColorType::Rgb);
    enc.set_depth(::png::BitDepth::Eight);
    let mut wr = enc.write_header()?;
    wr.write_image_data(px)?;
    wr.finish()
}

/// The figure as an SVG document.
pub fn svg(fig: &Figure, width: u32, height: u32) -> Result<String, String> {
    if !font_ready() {
        return Err("the bundled font could not be loaded".into());
    }
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (width, height)).into_drawing_area();
        draw(&root, fig)?;
    }
    Ok(s)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let areas = root.split_evenly((fig.rows.max(1), fig.cols.max(1)));
    for (ax, area) in fig.axes.iter().zip(areas.iter()) {
        if ax.series.is_empty() && ax.title.is_none() {
            continue;
        }
        draw_axes(area, ax).map_err(e)?;
    }
    root.present().map_err(e)
}

/// Tick label formatter for a range: decimals from the tick step.
fn tick_fmt(lo: f64, hi: f64) -> impl Fn(&f64) -> String {
    let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let (_, dec) = nice_ticks(a, b, 10);
    move |v: &f64| fmt_tick(*v, dec)
}

fn draw_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ax: &Axes,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let ((x0, x1), (y0, y1)) = ax.limits();
    let (w, _) = area.dim_in_pixel();
    let image = ax.image();
    let (main, bar) = match image {
        Some(_) if w > 240 => {
            let (a, b) = area.split_horizontally(w - 90);
            (a, Some(b))
        }
        _ => (area.clone(), None),
    };
    let mut builder = ChartBuilder::on(&main);
    builder
        .margin(12)
        .x_label_area_size(if ax.xlabel.is_some() { 50 } else { 30 })
        .y_label_area_size(if ax.ylabel.is_some() { 72 } else { 56 });
    if let Some(t) = &ax.title {
        builder.caption(t, (FAMILY, 20));
    }
    // Heat maps put row 0 at the top: the y axis counts rows downward.
    let yr = if ax.is_image() { y1..y0 } else { y0..y1 };
    let mut chart = builder.build_cartesian_2d(x0..x1, yr)?;
    let xf = tick_fmt(x0, x1);
    let yf = tick_fmt(y0, y1);
    {
        let mut mesh = chart.configure_mesh();
        if !ax.grid {
            mesh.disable_mesh();
        } else {
            mesh.light_line_style(RGBColor(235, 235, 235))
                .bold_line_style(RGBColor(200, 200, 200));
        }
        mesh.label_style((FAMILY, 13))
            .axis_desc_style((FAMILY, 15))
            .x_label_formatter(&xf)
            .y_label_formatter(&yf)
            .x_labels(8)
            .y_labels(8);
        if let Some(l) = &ax.xlabel {
            mesh.x_desc(l.as_str());
        }
        if let Some(l) = &ax.ylabel {
            mesh.y_desc(l.as_str());
        }
        mesh.draw()?;
    }

    for s in &ax.series {
        let col = rgb(s.color);
        match &s.kind {
            Kind::Line { x, y, style } => {
                let pts: Vec<(f64, f64)> = x.iter().copied().zip(y.iter().copied()).collect();
                let stroke = col.stroke_width(2);
                if style.markers {
                    let a =
                        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, col.filled())))?;
                    if let (false, Some(l)) = (style.line, &s.label) {
                        a.label(l.as_str())
                            .legend(move |(x, y)| Circle::new((x + 10, y), 3, col.filled()));
                    }
                }
                if style.line {
                    let a = if style.dashed {
                        chart.draw_series(DashedLineSeries::new(pts, 8, 5, stroke))?
                    } else {
                        chart.draw_series(LineSeries::new(pts, stroke))?
                    };
                    if let Some(l) = &s.label {
                        a.label(l.as_str()).legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 20, y)], col.stroke_width(2))
                        });
                    }
                }
            }
            Kind::Scatter {
                x,
                y,
                sizes,
                colors,
            } => {
                let radius = |i: usize| {
                    let s = sizes.get(i).or(sizes.first()).copied().unwrap_or(20.0);
                    (s.max(0.0).sqrt() * 0.7).clamp(1.0, 200.0) as i32
                };
                let a = chart.draw_series((0..x.len()).map(|i| {
                    let c = colors
                        .as_ref()
                        .and_then(|v| v.get(i))
                        .map(|&c| rgb(c))
                        .unwrap_or(col);
                    Circle::new((x[i], y[i]), radius(i), c.mix(0.85).filled())
                }))?;
                if let Some(l) = &s.label {
                    a.label(l.as_str())
                        .legend(move |(x, y)| Circle::new((x + 10, y), 4, col.filled()));
                }
            }
            Kind::Bars {
                left,
                right,
                height,
            } => {
                let a = chart.draw_series((0..height.len()).map(|i| {
                    Rectangle::new([(left[i], 0.0), (right[i], height[i])], col.filled())
                }))?;
                if let Some(l) = &s.label {
                    a.label(l.as_str()).legend(move |(x, y)| {
                        Rectangle::new([(x + 4, y - 5), (x + 16, y + 5)], col.filled())
                    });
                }
                // A thin white edge keeps neighbouring bars apart.
                chart.draw_series((0..height.len()).map(|i| {
                    Rectangle::new(
                        [(left[i], 0.0), (right[i], height[i])],
                        WHITE.stroke_width(1),
                    )
                }))?;
            }
            Kind::Image {
                rows,
                cols,
                data,
                lo,
                hi,
                cmap,
            } => {
                let (rows, cols, lo, hi, cmap) = (*rows, *cols, *lo, *hi, *cmap);
                let span = hi - lo;
                chart.draw_series((0..rows * cols).filter(|&k| data[k].is_finite()).map(
                    move |k| {
                        let (r, c) = (k / cols, k % cols);
                        let t = if span > 0.0 {
                            (data[k] - lo) / span
                        } else {
                            0.5
                        };
                        let (x, y) = (c as f64, r as f64);
                        Rectangle::new(
                            [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                            rgb(cmap.at(t)).filled(),
                        )
                    },
                ))?;
            }
        }
    }
    if ax.legend && ax.series.iter().any(|s| s.label.is_some()) {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FAMILY, 13))
            .draw()?;
    }

    if let (Some(bar), Some((lo, hi, cmap))) = (bar, image) {
        let (blo, bhi) = if hi > lo {
            (lo, hi)
        } else {
            (lo - 0.5, hi + 0.5)
        };
        let mut b = ChartBuilder::on(&bar);
        b.margin_top(if ax.title.is_some() { 42 } else { 12 })
            .margin_bottom(if ax.xlabel.is_some() { 62 } else { 42 })
            .margin_left(4)
            .margin_right(4)
            .right_y_label_area_size(56);
        let mut cb = b.build_cartesian_2d(0.0..1.0, blo..bhi)?;
        let f = tick_fmt(blo, bhi);
        cb.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_label_formatter(&f)
            .label_style((FAMILY, 12))
            .y_labels(6)
            .draw()?;
        let n = 128;
        cb.draw_series((0..n).map(|i| {
            let a = blo + (bhi - blo) * i as f64 / n as f64;
            let b = blo + (bhi - blo) * (i + 1) as f64 / n as f64;
            let t = (i as f64 + 0.5) / n as f64;
            Rectangle::new([(0.0, a), (1.0, b)], rgb(cmap.at(t)).filled())
        }))?;
    }
    Ok(())
}
