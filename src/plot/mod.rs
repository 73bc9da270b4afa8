//! Charts: the figure model behind `plot scatter hist bar imshow ...`.
//!
//! A `Figure` holds a grid of `Axes` (one unless `subplot` split it); each
//! axes holds its series, labels, limits and flags. The builtins
//! (`builtins/plot.rs`) only edit this model; drawing happens elsewhere:
//! - `render`: plotters, to PNG (bitmap backend + the `png` encoder) or SVG,
//!   with the bundled DejaVu Sans font, so no system font is needed;
//! - `text`: a Unicode braille/block chart for any terminal or log;
//! - `term`: choosing how to show a figure in the terminal (kitty, iTerm2,
//!   sixel or text) and the image escape sequences.
//!
//! The current figure is per interpreter thread (like the random stream),
//! with a `changed` flag: the REPL draws the figure after a statement that
//! changed it (`draw_if_changed`), scripts only on `show()`.

pub mod render;
pub mod term;
pub mod text;

use crate::state::HasState;

pub type Rgb = (u8, u8, u8);

/// matplotlib's default colour cycle ("tab10"), so charts look familiar.
pub const CYCLE: [Rgb; 10] = [
    (0x1f, 0x77, 0xb4),
    (0xff, 0x7f, 0x0e),
    (0x2c, 0xa0, 0x2c),
    (0xd6, 0x27, 0x28),
    (0x94, 0x67, 0xbd),
    (0x8c, 0x56, 0x4b),
    (0xe3, 0x77, 0xc2),
    (0x7f, 0x7f, 0x7f),
    (0xbc, 0xbd, 0x22),
    (0x17, 0xbe, 0xcf),
];

/// A colour by name (`"red"`, `"C1"`, `"k"`) or `"#rrggbb"`.
pub fn parse_color(s: &str) -> Option<Rgb> {
    let s = s.trim().to_ascii_lowercase();
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let v = u32::from_str_radix(hex, 16).ok()?;
            return Some(((v >> 16) as u8, (v >> 8) as u8, v as u8));
        }
        return None;
    }
    if let Some(d) = s.strip_prefix('c') {
        if let Ok(i) = d.parse::<usize>() {
            return Some(CYCLE[i % CYCLE.len()]);
        }
    }
    Some(match s.as_str() {
        "blue" | "b" => CYCLE[0],
        "orange" => CYCLE[1],
        "green" | "g" => CYCLE[2],
        "red" | "r" => CYCLE[3],
        "purple" => CYCLE[4],
        "brown" => CYCLE[5],
        "pink" => CYCLE[6],
        "gray" | "grey" => CYCLE[7],
        "olive" => CYCLE[8],
        "cyan" | "c" => CYCLE[9],
        "black" | "k" => (0, 0, 0),
        "white" | "w" => (255, 255, 255),
        "yellow" | "y" => (0xff, 0xd7, 0x00),
        "magenta" | "m" => (0xc0, 0x00, 0xc0),
        _ => return None,
    })
}

pub const COLOR_NAMES: &str =
    "blue orange green red purple brown pink gray olive cyan black white yellow magenta, C0..C9, b g r c m y k w, or \"#rrggbb\"";

/// A colour map: evenly spaced anchor colours, linearly interpolated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cmap {
    Viridis,
    Magma,
    Gray,
    Hot,
    Coolwarm,
}

impl Cmap {
    pub fn parse(s: &str) -> Option<Cmap> {
        Some(match s.to_ascii_lowercase().as_str() {
            "viridis" => Cmap::Viridis,
            "magma" => Cmap::Magma,
            "gray" | "grey" => Cmap::Gray,
            "hot" => Cmap::Hot,
            "coolwarm" => Cmap::Coolwarm,
            _ => return None,
        })
    }
    pub const NAMES: &'static str = "viridis, magma, gray, hot, coolwarm";

    fn anchors(self) -> &'static [Rgb] {
        match self {
            Cmap::Viridis => &[
                (68, 1, 84),
                (59, 82, 139),
                (33, 145, 140),
                (94, 201, 98),
                (253, 231, 37),
            ],
            Cmap::Magma => &[
                (0, 0, 4),
                (81, 18, 124),
                (183, 55, 121),
                (252, 137, 97),
                (252, 253, 191),
            ],
            Cmap::Gray => &[(0, 0, 0), (255, 255, 255)],
            Cmap::Hot => &[(11, 0, 0), (230, 0, 0), (255, 210, 0), (255, 255, 255)],
            Cmap::Coolwarm => &[(59, 76, 192), (221, 221, 221), (180, 4, 38)],
        }
    }

    /// The colour at `t` in [0, 1] (clamped; nan gives the low end).
    pub fn at(self, t: f64) -> Rgb {
        let a = self.anchors();
        let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
        let pos = t * (a.len() - 1) as f64;
        let i = (pos.floor() as usize).min(a.len() - 2);
        let f = pos - i as f64;
        let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
        (
            mix(a[i].0, a[i + 1].0),
            mix(a[i].1, a[i + 1].1),
            mix(a[i].2, a[i + 1].2),
        )
    }
}

/// How a line series is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineStyle {
    pub line: bool,
    pub dashed: bool,
    pub markers: bool,
}

impl LineStyle {
    /// matplotlib-like format strings: "-", "--", "o", ".", "-o", "o-", "--o".
    pub fn parse(s: &str) -> Option<LineStyle> {
        let dashed = s.contains("--");
        let rest = s.replace("--", "").replace('-', "");
        let line = s.contains('-');
        let markers = match rest.as_str() {
            "" => false,
            "o" | "." => true,
            _ => return None,
        };
        if !line && !markers {
            return None;
        }
        Some(LineStyle {
            line,
            dashed,
            markers,
        })
    }
}

#[derive(Clone, Debug)]
pub enum Kind {
    /// Points joined in order (finite points only).
    Line {
        x: Vec<f64>,
        y: Vec<f64>,
        style: LineStyle,
    },
    /// Markers; `sizes` has one entry (all points) or one per point (in
    /// points², as matplotlib's `s=`); `colors` one per point when `c=`.
    Scatter {
        x: Vec<f64>,
        y: Vec<f64>,
        sizes: Vec<f64>,
        colors: Option<Vec<Rgb>>,
    },
    /// Rectangles from (left, 0) to (right, height): bar charts, histograms.
    Bars {
        left: Vec<f64>,
        right: Vec<f64>,
        height: Vec<f64>,
    },
    /// A heat map of a rows x cols grid: cell (r, c) is centred at x = c,
    /// y = r, and axes holding only heat maps show y downward (row 0 at the
    /// top); nan cells are left blank.
    Image {
        rows: usize,
        cols: usize,
        data: Vec<f64>,
        lo: f64,
        hi: f64,
        cmap: Cmap,
    },
}

#[derive(Clone, Debug)]
pub struct Series {
    pub kind: Kind,
    pub label: Option<String>,
    pub color: Rgb,
}

#[derive(Clone, Debug, Default)]
pub struct Axes {
    pub title: Option<String>,
    pub xlabel: Option<String>,
    pub ylabel: Option<String>,
    pub xlim: Option<(f64, f64)>,
    pub ylim: Option<(f64, f64)>,
    pub grid: bool,
    pub legend: bool,
    pub series: Vec<Series>,
}

impl Axes {
    /// The colour the next series gets when none is given.
    pub fn next_color(&self) -> Rgb {
        let n = self
            .series
            .iter()
            .filter(|s| !matches!(s.kind, Kind::Image { .. }))
            .count();
        CYCLE[n % CYCLE.len()]
    }

    /// The last heat map drawn here, for the colour bar.
    pub fn image(&self) -> Option<(f64, f64, Cmap)> {
        self.series.iter().rev().find_map(|s| match s.kind {
            Kind::Image { lo, hi, cmap, .. } => Some((lo, hi, cmap)),
            _ => None,
        })
    }

    pub fn is_image(&self) -> bool {
        !self.series.is_empty()
            && self
                .series
                .iter()
                .all(|s| matches!(s.kind, Kind::Image { .. }))
    }

    /// The x and y ranges shown: the limits set by `xlim`/`ylim`, else the
    /// data's range with 5% padding (bars keep 0 as their base, heat maps
    /// fill the axes exactly).
    pub fn limits(&self) -> ((f64, f64), (f64, f64)) {
        let mut xb = Bounds::default();
        let mut yb = Bounds::default();
        let (mut x_tight, mut y_tight) = (false, false);
        let mut y_zero = false;
        for s in &self.series {
            match &s.kind {
                Kind::Line { x, y, .. } | Kind::Scatter { x, y, .. } => {
                    x.iter().for_each(|&v| xb.add(v));
                    y.iter().for_each(|&v| yb.add(v));
                }
                Kind::Bars {
                    left,
                    right,
                    height,
                } => {
                    left.iter().chain(right).for_each(|&v| xb.add(v));
                    height.iter().for_each(|&v| yb.add(v));
                    yb.add(0.0);
                    y_zero = true;
                }
                // Cells are centred on integer coordinates, as in matplotlib.
                Kind::Image { rows, cols, .. } => {
                    xb.add(-0.5);
                    xb.add(*cols as f64 - 0.5);
                    yb.add(-0.5);
                    yb.add(*rows as f64 - 0.5);
                    x_tight = true;
                    y_tight = true;
                }
            }
        }
        let x = self.xlim.unwrap_or_else(|| xb.padded(x_tight, false));
        let y = self.ylim.unwrap_or_else(|| yb.padded(y_tight, y_zero));
        (x, y)
    }
}

#[derive(Default)]
struct Bounds {
    lo: f64,
    hi: f64,
    any: bool,
}

impl Bounds {
    fn add(&mut self, v: f64) {
        if !v.is_finite() {
            return;
        }
        if !self.any {
            self.lo = v;
            self.hi = v;
            self.any = true;
        } else {
            self.lo = self.lo.min(v);
            self.hi = self.hi.max(v);
        }
    }
    fn padded(&self, tight: bool, keep_zero: bool) -> (f64, f64) {
        if !self.any {
            return (0.0, 1.0);
        }
        let (lo, hi) = (self.lo, self.hi);
        if hi - lo <= f64::EPSILON * lo.abs().max(hi.abs()).max(1e-300) {
            let d = if lo == 0.0 { 0.5 } else { lo.abs() * 0.05 };
            return (lo - d, hi + d);
        }
        if tight {
            return (lo, hi);
        }
        let pad = (hi - lo) * 0.05;
        let lo2 = if keep_zero && lo == 0.0 { lo } else { lo - pad };
        let hi2 = if keep_zero && hi == 0.0 { hi } else { hi + pad };
        (lo2, hi2)
    }
}

#[derive(Clone, Debug)]
pub struct Figure {
    pub width: u32,
    pub height: u32,
    pub rows: usize,
    pub cols: usize,
    pub axes: Vec<Axes>,
    pub current: usize,
}

pub const DEFAULT_SIZE: (u32, u32) = (640, 480);

impl Default for Figure {
    fn default() -> Figure {
        Figure::new(DEFAULT_SIZE.0, DEFAULT_SIZE.1)
    }
}

impl Figure {
    pub fn new(width: u32, height: u32) -> Figure {
        Figure {
            width,
            height,
            rows: 1,
            cols: 1,
            axes: vec![Axes::default()],
            current: 0,
        }
    }
    /// The current axes, for reading.
    pub fn cur(&self) -> &Axes {
        &self.axes[self.current.min(self.axes.len() - 1)]
    }
    pub fn ax(&mut self) -> &mut Axes {
        let i = self.current.min(self.axes.len() - 1);
        &mut self.axes[i]
    }
    pub fn is_empty(&self) -> bool {
        self.axes.iter().all(|a| {
            a.series.is_empty() && a.title.is_none() && a.xlabel.is_none() && a.ylabel.is_none()
        })
    }
    /// Switch to a rows x cols grid (keeping axes when the grid is the same)
    /// and select axes `index` (0-based, row-major).
    pub fn subplot(&mut self, rows: usize, cols: usize, index: usize) {
        if rows != self.rows || cols != self.cols {
            let mut axes = vec![Axes::default(); rows * cols];
            // The axes drawn so far stay in the first cell.
            if let Some(a) = self.axes.first() {
                axes[0] = a.clone();
            }
            self.rows = rows;
            self.cols = cols;
            self.axes = axes;
        }
        self.current = index;
    }
}

/// An interpreter's figure and whether a statement changed it (kept in
/// `Interp::state`, so each interpreter has its own).
#[derive(Default)]
pub struct State {
    pub fig: Figure,
    pub changed: bool,
    /// `show()` in a script closes the figure: the next chart starts anew.
    pub closed: bool,
}

/// Run `f` on the current figure and mark it changed.
pub fn edit<T>(it: &mut impl HasState, f: impl FnOnce(&mut Figure) -> T) -> T {
    let s = it.state::<State>();
    if s.closed {
        s.fig = Figure::new(s.fig.width, s.fig.height);
        s.closed = false;
    }
    s.changed = true;
    f(&mut s.fig)
}

/// Read the current figure.
pub fn with<T>(it: &mut impl HasState, f: impl FnOnce(&Figure) -> T) -> T {
    f(&it.state::<State>().fig)
}

/// Replace the current figure (`figure()`).
pub fn reset(it: &mut impl HasState, width: u32, height: u32) {
    let s = it.state::<State>();
    s.fig = Figure::new(width, height);
    s.changed = false;
    s.closed = false;
}

/// Take the changed flag (true if a statement edited the figure since the
/// last draw).
pub fn take_changed(it: &mut impl HasState) -> bool {
    std::mem::take(&mut it.state::<State>().changed)
}

pub fn close(it: &mut impl HasState) {
    it.state::<State>().closed = true
}

/// Tick positions for [lo, hi]: multiples of 1, 2 or 5 times a power of
/// ten, about `n` of them, and the number of decimals that shows them.
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> (Vec<f64>, usize) {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || n == 0 {
        return (vec![], 0);
    }
    let raw = (hi - lo) / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let ticks: Vec<f64> = (first..=last.min(first + 1000))
        .map(|k| {
            let v = k as f64 * step;
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect();
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    (ticks, decimals)
}

/// A tick label: fixed decimals for ordinary magnitudes, else scientific.
pub fn fmt_tick(v: f64, decimals: usize) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e6).contains(&a) {
        return format!("{v:.1e}");
    }
    format!("{v:.decimals$}")
}
