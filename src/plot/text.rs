//! Figures as Unicode text: braille dots (2x4 per character) for lines,
//! points and bars, shade blocks (` ░▒▓█`) for heat maps, with box-drawing
//! axes, tick labels, title, axis labels and a legend. Plain text that
//! reads in any terminal or log; colour (ANSI) only when asked for.
//!
//! Series are told apart without colour by their line pattern: the first
//! line is solid, the second dotted, the third dashed (then repeating); the
//! legend shows each pattern.

use super::{fmt_tick, nice_ticks, Axes, Figure, Kind, Rgb};

#[derive(Clone, Copy, Debug)]
pub struct Opts {
    /// Total width in characters (tick labels included).
    pub width: usize,
    /// Height of the plot area in character rows.
    pub height: usize,
    /// Colour each series with ANSI truecolor escapes (terminals only).
    pub color: bool,
}

impl Default for Opts {
    fn default() -> Opts {
        Opts {
            width: 72,
            height: 16,
            color: false,
        }
    }
}

/// The whole figure; subplots are drawn one below the other.
pub fn render(fig: &Figure, o: &Opts) -> String {
    let mut out: Vec<String> = Vec::new();
    for ax in &fig.axes {
        if ax.series.is_empty() && ax.title.is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        render_axes(ax, o, &mut out);
    }
    out.join("\n")
}

/// Dot pattern of the i-th line series: (dots on, dots off).
fn pattern(i: usize) -> (usize, usize) {
    match i % 3 {
        0 => (1, 0),
        1 => (1, 1),
        _ => (3, 2),
    }
}

fn legend_sample(kind: &Kind, line_index: usize) -> &'static str {
    match kind {
        Kind::Line { style, .. } if !style.line => "•",
        Kind::Line { .. } => match line_index % 3 {
            0 => "───",
            1 => "···",
            _ => "╌╌╌",
        },
        Kind::Scatter { .. } => "•",
        Kind::Bars { .. } => "███",
        Kind::Image { .. } => "▒▒▒",
    }
}

struct Canvas {
    w: usize,
    h: usize,
    bits: Vec<u8>,
    owner: Vec<Option<Rgb>>,
    block: Vec<Option<char>>,
}

impl Canvas {
    fn new(w: usize, h: usize) -> Canvas {
        Canvas {
            w,
            h,
            bits: vec![0; w * h],
            owner: vec![None; w * h],
            block: vec![None; w * h],
        }
    }
    /// Set dot (dx, dy), dots counted from the top-left.
    fn dot(&mut self, dx: i64, dy: i64, c: Rgb) {
        if dx < 0 || dy < 0 || dx >= 2 * self.w as i64 || dy >= 4 * self.h as i64 {
            return;
        }
        let (cx, cy) = (dx as usize / 2, dy as usize / 4);
        let (sx, sy) = (dx as usize % 2, dy as usize % 4);
        const BITS: [[u8; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];
        let k = cy * self.w + cx;
        self.bits[k] |= BITS[sx][sy];
        self.owner[k] = Some(c);
    }
    /// A segment between dot coordinates, clipped to the canvas.
    fn segment(
        &mut self,
        a: (f64, f64),
        b: (f64, f64),
        pat: (usize, usize),
        n: &mut usize,
        c: Rgb,
    ) {
        let (xmax, ymax) = ((2 * self.w) as f64 - 0.5, (4 * self.h) as f64 - 0.5);
        let Some((p, q)) = clip(a, b, (-0.5, xmax), (-0.5, ymax)) else {
            return;
        };
        let steps = (q.0 - p.0).abs().max((q.1 - p.1).abs()).ceil().max(1.0) as usize;
        for s in 0..=steps {
            let t = s as f64 / steps as f64;
            let (x, y) = (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
            if *n % (pat.0 + pat.1) < pat.0 {
                self.dot(x.round() as i64, y.round() as i64, c);
            }
            *n += 1;
        }
    }
}

/// Liang–Barsky: the part of segment a→b inside the box, if any.
fn clip(
    a: (f64, f64),
    b: (f64, f64),
    xr: (f64, f64),
    yr: (f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - xr.0),
        (dx, xr.1 - a.0),
        (-dy, a.1 - yr.0),
        (dy, yr.1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    Some((
        (a.0 + dx * t0, a.1 + dy * t0),
        (a.0 + dx * t1, a.1 + dy * t1),
    ))
}

fn center(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        return s.to_string();
    }
    format!("{}{}", " ".repeat((width - n) / 2), s)
}

fn render_axes(ax: &Axes, o: &Opts, out: &mut Vec<String>) {
    let ((x0, x1), (y0, y1)) = ax.limits();
    let h = o.height.max(4);
    // Heat maps count rows downward from the top.
    let flip = ax.is_image();
    let (ylo, yhi) = (y0.min(y1), y0.max(y1));
    let (yt, ydec) = nice_ticks(ylo, yhi, (h / 3).max(2));
    let ylabels: Vec<String> = yt.iter().map(|&v| fmt_tick(v, ydec)).collect();
    let gutter = ylabels
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(1)
        .max(1);
    let w = o.width.saturating_sub(gutter + 2).max(10);
    let mut cv = Canvas::new(w, h);
    let (dw, dh) = ((2 * w) as f64, (4 * h) as f64);
    let px = |x: f64| (x - x0) / (x1 - x0) * (dw - 1.0);
    let py = |y: f64| {
        if flip {
            (y - y0) / (y1 - y0) * (dh - 1.0)
        } else {
            (y1 - y) / (y1 - y0) * (dh - 1.0)
        }
    };

    let mut line_index = 0;
    let mut samples = Vec::new();
    for s in &ax.series {
        let c = s.color;
        match &s.kind {
            Kind::Line { x, y, style } => {
                if style.line {
                    let pat = pattern(line_index);
                    let mut n = 0;
                    for i in 1..x.len() {
                        cv.segment(
                            (px(x[i - 1]), py(y[i - 1])),
                            (px(x[i]), py(y[i])),
                            pat,
                            &mut n,
                            c,
                        );
                    }
                    if x.len() == 1 {
                        cv.dot(px(x[0]).round() as i64, py(y[0]).round() as i64, c);
                    }
                }
                if style.markers {
                    for i in 0..x.len() {
                        cv.dot(px(x[i]).round() as i64, py(y[i]).round() as i64, c);
                    }
                }
                samples.push((legend_sample(&s.kind, line_index), s));
                if style.line {
                    line_index += 1;
                }
            }
            Kind::Scatter { x, y, colors, .. } => {
                for i in 0..x.len() {
                    let ci = colors.as_ref().and_then(|v| v.get(i)).copied().unwrap_or(c);
                    cv.dot(px(x[i]).round() as i64, py(y[i]).round() as i64, ci);
                }
                samples.push((legend_sample(&s.kind, 0), s));
            }
            Kind::Bars {
                left,
                right,
                height,
            } => {
                let base = py(0.0).clamp(-1.0, dh);
                for i in 0..height.len() {
                    let (a, b) = (px(left[i]).min(px(right[i])), px(left[i]).max(px(right[i])));
                    let (a, mut b) = (a.round() as i64, b.round() as i64);
                    // Keep a one-dot gap between neighbouring bars.
                    if b - a >= 3 {
                        b -= 1;
                    }
                    let top = py(height[i]).clamp(-1.0, dh);
                    let (t, u) = (top.min(base).round() as i64, top.max(base).round() as i64);
                    for dx in a.max(0)..b.max(a + 1).min(2 * w as i64) {
                        for dy in t.max(0)..=u.min(4 * h as i64 - 1) {
                            cv.dot(dx, dy, c);
                        }
                    }
                }
                samples.push((legend_sample(&s.kind, 0), s));
            }
            Kind::Image {
                rows,
                cols,
                data,
                lo,
                hi,
                ..
            } => {
                const SHADES: [char; 5] = [' ', '░', '▒', '▓', '█'];
                for cy in 0..h {
                    for cx in 0..w {
                        let x = x0 + (cx as f64 + 0.5) / w as f64 * (x1 - x0);
                        let f = (cy as f64 + 0.5) / h as f64;
                        let y = if flip {
                            y0 + f * (y1 - y0)
                        } else {
                            y1 - f * (y1 - y0)
                        };
                        let (x, y) = (x + 0.5, y + 0.5);
                        if x < 0.0 || y < 0.0 {
                            continue;
                        }
                        let (col, row) = (x.floor() as usize, y.floor() as usize);
                        if col >= *cols || row >= *rows {
                            continue;
                        }
                        let v = data[row * cols + col];
                        if !v.is_finite() {
                            continue;
                        }
                        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                        let k = ((t * 5.0).floor() as usize).min(4);
                        cv.block[cy * w + cx] = Some(SHADES[k]);
                    }
                }
            }
        }
    }

    let full = gutter + 1 + w;
    if let Some(t) = &ax.title {
        out.push(center(t, full).trim_end().to_string());
    }
    if let Some(l) = &ax.ylabel {
        out.push(l.clone());
    }
    // Which canvas row each y tick falls in.
    let tick_rows: Vec<usize> = yt
        .iter()
        .map(|&v| ((py(v) / 4.0).round().max(0.0) as usize).min(h - 1))
        .collect();
    for r in 0..h {
        let mut line = String::new();
        match tick_rows.iter().position(|&tr| tr == r) {
            Some(i) => {
                line.push_str(&format!("{:>gutter$}┤", ylabels[i]));
            }
            None => {
                line.push_str(&" ".repeat(gutter));
                line.push('│');
            }
        }
        for cx in 0..w {
            let k = r * w + cx;
            let ch = match cv.block[k] {
                Some(b) => b,
                None if cv.bits[k] != 0 => {
                    char::from_u32(0x2800 + cv.bits[k] as u32).unwrap_or('?')
                }
                None => ' ',
            };
            match (o.color, cv.owner[k]) {
                (true, Some((r, g, b))) if cv.block[k].is_none() => {
                    line.push_str(&format!("\x1b[38;2;{r};{g};{b}m{ch}\x1b[0m"))
                }
                _ => line.push(ch),
            }
        }
        out.push(line.trim_end().to_string());
    }
    // x axis with tick marks, then the tick labels where they fit.
    let (xlo, xhi) = (x0.min(x1), x0.max(x1));
    let (xt, xdec) = nice_ticks(xlo, xhi, (w / 12).max(2));
    let mut axis: Vec<char> = std::iter::repeat_n('─', w).collect();
    let mut labels: Vec<char> = vec![' '; full + 12];
    let mut free_from = 0usize;
    for &v in &xt {
        let col = (px(v) / 2.0).round();
        if col < 0.0 || col >= w as f64 {
            continue;
        }
        let col = col as usize;
        axis[col] = '┬';
        let s: Vec<char> = fmt_tick(v, xdec).chars().collect();
        let start = (gutter + 1 + col).saturating_sub(s.len() / 2);
        if start >= free_from && start + s.len() <= labels.len() {
            labels[start..start + s.len()].copy_from_slice(&s);
            free_from = start + s.len() + 1;
        }
    }
    out.push(format!(
        "{}└{}",
        " ".repeat(gutter),
        axis.iter().collect::<String>()
    ));
    out.push(labels.iter().collect::<String>().trim_end().to_string());
    if let Some(l) = &ax.xlabel {
        out.push(center(l, full).trim_end().to_string());
    }
    if let Some((lo, hi, _)) = ax.image() {
        let (_, dec) = nice_ticks(lo.min(hi), lo.max(hi) + f64::EPSILON, 4);
        out.push(format!(
            "{}scale: {} [ ░▒▓█] {}",
            " ".repeat(gutter + 1),
            fmt_tick(lo, dec),
            fmt_tick(hi, dec)
        ));
    }
    if ax.legend {
        let items: Vec<String> = samples
            .iter()
            .filter_map(|(sample, s)| s.label.as_ref().map(|l| format!("{sample} {l}")))
            .collect();
        if !items.is_empty() {
            out.push(format!("{}{}", " ".repeat(gutter + 1), items.join("   ")));
        }
    }
}
