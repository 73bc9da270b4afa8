//! plot: plot scatter hist bar imshow title xlabel ylabel legend xlim ylim
//! grid figure subplot savefig show.
//!
//! These edit the current figure (`crate::plot`); `savefig` renders it to a
//! PNG or SVG file, `show` (and the REPL after a statement that changed the
//! figure) draws it through the interpreter's `Output`. Points that are nan
//! or ±inf are skipped with a note; empty data and mismatched lengths are
//! errors.

use super::{Args, Builtin};
use crate::array::{fmt_shape, Array};
use crate::diagnostics::{At, Error, ErrorKind, Result};
use crate::ops::Interp;
use crate::plot::{self, Cmap, Kind, LineStyle, Rgb, Series};
use crate::value::Value;

pub static ROWS: &[Builtin] = &[
    b!("plot", "plot(x, y=none, label=none, color=none, style=\"-\")", "plot", false, plot_,
        "Draw y against x as a line in the current figure (plot(y) uses x = 0, 1, 2, ...). A 2-d y draws one line per column. `label` names the line for legend(); `color` is a name (\"red\", \"C1\") or \"#rrggbb\" (default: the next colour of matplotlib's cycle); `style` is \"-\" (line), \"--\" (dashed), \"o\" or \".\" (markers only) or \"-o\" (both). Points that are nan or inf are skipped with a note. Returns none; see savefig and show.",
        ("plot([1, 4, 9]); ylim()", "(0.6, 9.4)"), ("plot([0, 1, 2], [[0, 0], [1, 2], [2, 4]]); xlim()", "(-0.1, 2.1)")),
    b!("scatter", "scatter(x, y, s=none, c=none, label=none, color=none, cmap=\"viridis\")", "plot", false, scatter,
        "Draw markers at the points (x, y). `s` is the marker area in points² (a number, or one per point; default 20). `c` gives each point a value coloured through `cmap` (viridis, magma, gray, hot, coolwarm) or is a colour name for all. Points with nan or inf are skipped with a note.",
        ("scatter([1, 2, 3], [3, 1, 2], s=[10, 40, 90]); xlim()", "(0.9, 3.1)")),
    b!("hist", "hist(x, bins=10, range=none, density=false, label=none, color=none)", "plot", false, hist,
        "Draw a histogram of the values of x (flattened) and return (counts, edges) as numpy.histogram does. `bins` is a number of equal bins over `range` (default: the data's min and max) or an array of increasing bin edges; each bin includes its left edge, the last also its right edge. density=true scales counts so the bars' area is 1. nan and inf values are skipped with a note.",
        ("hist([1, 2, 2, 3, 3, 3], bins=3)", "([1 2 3], [1.         1.66666667 2.33333333 3.        ])"),
        ("c, e = hist([0.5, 1.5, 1.5], bins=[0, 1, 2], density=true); c", "[0.33333333 0.66666667]")),
    b!("bar", "bar(x, height, width=0.8, label=none, color=none)", "plot", false, bar,
        "Draw bars of the given heights centred at x (heights may be negative; a single height is used for every bar). `width` is a number or one per bar.",
        ("bar([1, 2, 3], [5, 3, 4]); ylim()", "(0.0, 5.25)")),
    b!("imshow", "imshow(a, cmap=\"viridis\", vmin=none, vmax=none)", "plot", false, imshow,
        "Draw a 2-d array as a heat map (row 0 at the top) with a colour bar. Values are coloured through `cmap` (viridis, magma, gray, hot, coolwarm) between vmin and vmax (default: the finite min and max); nan cells are left blank.",
        ("imshow([[1, 2, 3], [4, 5, 6]]); (xlim(), ylim())", "((-0.5, 2.5), (-0.5, 1.5))")),
    b!("title", "title(text=none)", "plot", false, title,
        "Set the title of the current axes; title() returns the current title (none if unset).",
        ("title(\"Loss\"); title()", "\"Loss\"")),
    b!("xlabel", "xlabel(text=none)", "plot", false, xlabel,
        "Set the label under the x axis; xlabel() returns it.",
        ("xlabel(\"epoch\"); xlabel()", "\"epoch\"")),
    b!("ylabel", "ylabel(text=none)", "plot", false, ylabel,
        "Set the label of the y axis; ylabel() returns it.",
        ("ylabel(\"loss\"); ylabel()", "\"loss\"")),
    b!("legend", "legend(*labels)", "plot", false, legend,
        "Show a legend of the labelled series. Labels given here name the series in the order they were drawn (replacing their label= names). Returns the labels shown.",
        ("plot([1, 2], label=\"train\"); plot([2, 1]); legend()", "(\"train\",)"),
        ("plot([1, 2]); plot([2, 1]); legend(\"a\", \"b\")", "(\"a\", \"b\")")),
    b!("xlim", "xlim(lo=none, hi=none)", "plot", false, xlim,
        "Set the x range shown (xlim(0, 10) or xlim((0, 10))) and return it; xlim() returns the current range (the data's range plus 5% unless set).",
        ("plot([0, 10], [0, 1]); xlim(2, 5)", "(2.0, 5.0)"), ("plot([0, 10], [0, 1]); xlim()", "(-0.5, 10.5)")),
    b!("ylim", "ylim(lo=none, hi=none)", "plot", false, ylim,
        "Set the y range shown and return it; ylim() returns the current range (the data's range plus 5% unless set; bars keep 0 as their base).",
        ("plot([0, 1], [0, 10]); ylim(-1, 1)", "(-1.0, 1.0)")),
    b!("grid", "grid(on=true)", "plot", false, grid,
        "Draw grid lines in the current axes (grid(false) removes them). Returns whether the grid is on.",
        ("grid()", "true")),
    b!("figure", "figure(width=640, height=480)", "plot", false, figure,
        "Start a new, empty figure of the given size in pixels (used by savefig and the terminal image protocols). Returns (width, height).",
        ("figure(width=800, height=400)", "(800, 400)")),
    b!("subplot", "subplot(rows, cols, index)", "plot", false, subplot,
        "Split the figure into a rows x cols grid and make cell `index` current (counted from 1, row by row, as in matplotlib). Later plots, titles and limits apply to that cell. Returns the index.",
        ("subplot(1, 2, 2); plot([1, 2]); subplot(1, 2, 1)", "1")),
    b!("savefig", "savefig(path, width=none, height=none)", "plot", false, savefig,
        "Write the current figure to a .png or .svg file (the figure's size unless width/height are given). The file is written whole or not at all. Returns the path written.",
        ("plot([1, 3, 2]); savefig(\"chart.svg\")", "\"chart.svg\"")),
    b!("show", "show()", "plot", false, show,
        "Draw the current figure in the terminal: as an image on terminals that show images (kitty, iTerm2, or sixel with ARR_PLOT=sixel), else as a braille text chart; ARR_PLOT=braille|kitty|iterm|sixel|none overrides. In a script, charts appear only when show() is called, and show() then closes the figure (the next plot starts a new one); in the REPL every statement that changes the figure draws it.",
        ("plot([0, 1, 4, 9]); show()", " │                                                                 ⢀\n │                                                              ⢀⡠⠊⠁\n8┤                                                            ⡠⠔⠁\n │                                                         ⢀⠔⠊\n │                                                       ⡠⠊⠁\n6┤                                                    ⣀⠔⠉\n │                                                 ⢀⠤⠊\n │                                               ⡠⠒⠁\n │                                            ⣀⠔⠉\n4┤                                       ⢀⡠⠔⠒⠉\n │                                   ⣀⠤⠔⠊⠁\n │                               ⣀⡠⠔⠊\n2┤                           ⣀⠤⠒⠉\n │                  ⢀⣀⣀⣀⠤⠤⠔⠊⠉\n │     ⢀⣀⣀⡠⠤⠤⠤⠒⠒⠒⠊⠉⠉⠁\n0┤   ⠉⠉⠁\n └───┬────────────────────┬────────────────────┬───────────────────┬───\n     0                    1                    2                   3\nnone")),
];

// ------------------------------------------------------------ helpers

fn err_here(a: &Args, i: usize, kind: ErrorKind, msg: String, label: &str) -> Error {
    Error::new(kind, msg).at(a.call).label(At::Arg(i), label)
}

/// Argument `i` as an array with at least one element and at most `max_nd`
/// dimensions.
fn data(a: &Args, i: usize, what: &str, max_nd: usize) -> Result<Array> {
    let x = a.array(i)?;
    if x.is_empty() {
        return Err(err_here(
            a,
            i,
            ErrorKind::Value,
            format!("{}(): `{what}` is empty: there is nothing to draw", a.name),
            "no values",
        ));
    }
    if x.ndim() == 0 || x.ndim() > max_nd {
        let want = if max_nd == 1 {
            "a 1-d array"
        } else {
            "a 1-d or 2-d array"
        };
        return Err(err_here(
            a,
            i,
            ErrorKind::Shape,
            format!(
                "{}(): `{what}` must be {want}, got shape {}",
                a.name,
                fmt_shape(x.shape())
            ),
            &format!("shape {}", fmt_shape(x.shape())),
        )
        .with_help(if x.ndim() == 0 {
            "put the value in a list: [v]"
        } else {
            "flatten(a) gives a 1-d array"
        }));
    }
    Ok(x)
}

fn same_len(a: &Args, i: usize, n: usize, j: usize, m: usize, wi: &str, wj: &str) -> Result<()> {
    if n == m {
        return Ok(());
    }
    Err(Error::shape(format!(
        "{}(): `{wi}` has {n} values but `{wj}` has {m}",
        a.name
    ))
    .at(a.call)
    .label(At::Arg(i), format!("{n} values"))
    .label(At::Arg(j), format!("{m} values"))
    .with_help(format!("`{wi}` and `{wj}` need one value per point")))
}

fn opt_string(a: &Args, i: usize) -> Result<Option<String>> {
    if a.has(i) {
        a.string(i).map(Some)
    } else {
        Ok(None)
    }
}

fn color_arg(a: &Args, i: usize) -> Result<Option<Rgb>> {
    let Some(s) = opt_string(a, i)? else {
        return Ok(None);
    };
    plot::parse_color(&s).map(Some).ok_or_else(|| {
        err_here(
            a,
            i,
            ErrorKind::Value,
            format!("{}(): unknown colour \"{s}\"", a.name),
            "this colour",
        )
        .with_help(format!("colours: {}", plot::COLOR_NAMES))
    })
}

fn cmap_arg(a: &Args, i: usize) -> Result<Cmap> {
    let Some(s) = opt_string(a, i)? else {
        return Ok(Cmap::Viridis);
    };
    Cmap::parse(&s).ok_or_else(|| {
        err_here(
            a,
            i,
            ErrorKind::Value,
            format!("{}(): unknown colour map \"{s}\"", a.name),
            "this map",
        )
        .with_help(format!("colour maps: {}", Cmap::NAMES))
    })
}

/// Tell the user how many points were skipped as nan/inf.
fn note_skipped(it: &mut Interp, name: &str, skipped: usize, what: &str) {
    if skipped > 0 {
        it.out.warn(&format!(
            "note: {name}() skipped {skipped} {what}{} that {} nan or inf",
            if skipped == 1 { "" } else { "s" },
            if skipped == 1 { "is" } else { "are" }
        ));
    }
}

fn no_finite(a: &Args, i: usize, what: &str) -> Error {
    err_here(
        a,
        i,
        ErrorKind::Value,
        format!(
            "{}(): every {what} is nan or inf: there is nothing to draw",
            a.name
        ),
        "no finite values",
    )
}

fn pair(lo: f64, hi: f64) -> Value {
    Value::tuple(vec![Value::float(lo), Value::float(hi)])
}

// ------------------------------------------------------------ series

pub fn plot_(it: &mut Interp, a: Args) -> Result<Value> {
    let (xs, ys, yi) = if a.has(1) {
        (Some(data(&a, 0, "x", 1)?), data(&a, 1, "y", 2)?, 1)
    } else {
        (None, data(&a, 0, "y", 2)?, 0)
    };
    let n = ys.shape()[0];
    let x: Vec<f64> = match &xs {
        Some(x) => {
            same_len(&a, 0, x.len(), yi, n, "x", "y")?;
            x.to_f64_vec()
        }
        None => (0..n).map(|i| i as f64).collect(),
    };
    let yv = ys.to_f64_vec();
    let m = if ys.ndim() == 2 { ys.shape()[1] } else { 1 };
    if m == 0 {
        return Err(err_here(
            &a,
            yi,
            ErrorKind::Value,
            "plot(): `y` has no columns".into(),
            "no columns",
        ));
    }
    let style_s = opt_string(&a, 4)?.unwrap_or_else(|| "-".into());
    let style = LineStyle::parse(&style_s).ok_or_else(|| {
        err_here(
            &a,
            4,
            ErrorKind::Value,
            format!("plot(): unknown style \"{style_s}\""),
            "this style",
        )
        .with_help(
            "styles: \"-\" line, \"--\" dashed, \"o\" or \".\" markers, \"-o\" line and markers",
        )
    })?;
    let color = color_arg(&a, 3)?;
    let label = opt_string(&a, 2)?;
    let mut lines = Vec::new();
    let mut skipped = 0;
    for j in 0..m {
        let (mut px, mut py) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..n {
            let (xv, yv) = (x[i], yv[i * m + j]);
            if xv.is_finite() && yv.is_finite() {
                px.push(xv);
                py.push(yv);
            } else {
                skipped += 1;
            }
        }
        if px.is_empty() {
            return Err(no_finite(&a, yi, "point"));
        }
        let label = match (&label, m) {
            (Some(l), 1) => Some(l.clone()),
            (Some(l), _) => Some(format!("{l} {j}")),
            _ => None,
        };
        lines.push((px, py, label));
    }
    plot::edit(it, |f| {
        let ax = f.ax();
        for (x, y, label) in lines {
            let color = color.unwrap_or_else(|| ax.next_color());
            ax.series.push(Series {
                kind: Kind::Line { x, y, style },
                label,
                color,
            });
        }
    });
    note_skipped(it, "plot", skipped, "point");
    Ok(Value::None)
}

pub fn scatter(it: &mut Interp, a: Args) -> Result<Value> {
    let x = data(&a, 0, "x", 1)?.to_f64_vec();
    let y = data(&a, 1, "y", 1)?.to_f64_vec();
    let n = x.len();
    same_len(&a, 0, n, 1, y.len(), "x", "y")?;
    // Sizes: one number or one per point.
    let sizes: Vec<f64> = match a.get(2) {
        None | Some(Value::None) => vec![20.0],
        Some(_) => {
            let s = a.array(2)?;
            if s.len() != 1 {
                same_len(&a, 0, n, 2, s.len(), "x", "s")?;
            }
            let v = s.to_f64_vec();
            if let Some(bad) = v.iter().find(|v| **v < 0.0) {
                return Err(err_here(
                    &a,
                    2,
                    ErrorKind::Value,
                    format!("scatter(): marker sizes must not be negative, got {bad}"),
                    "sizes",
                ));
            }
            v
        }
    };
    let cmap = cmap_arg(&a, 6)?;
    let mut color = color_arg(&a, 5)?;
    // c: a colour name, or one value per point for the colour map.
    let cvals: Option<Vec<f64>> = match a.get(3) {
        None | Some(Value::None) => None,
        Some(Value::Str(s)) => {
            color = Some(plot::parse_color(s).ok_or_else(|| {
                err_here(
                    &a,
                    3,
                    ErrorKind::Value,
                    format!("scatter(): unknown colour \"{s}\""),
                    "this colour",
                )
                .with_help(format!("colours: {}", plot::COLOR_NAMES))
            })?);
            None
        }
        Some(_) => {
            let c = a.array(3)?;
            same_len(&a, 0, n, 3, c.len(), "x", "c")?;
            Some(c.to_f64_vec())
        }
    };
    let (lo, hi) = cvals.as_ref().map_or((0.0, 1.0), |c| finite_range(c));
    let mut keep = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut skipped = 0;
    for i in 0..n {
        let s = if sizes.len() == 1 { sizes[0] } else { sizes[i] };
        let cv = cvals.as_ref().map(|c| c[i]);
        if !(x[i].is_finite() && y[i].is_finite() && s.is_finite() && cv.is_none_or(f64::is_finite))
        {
            skipped += 1;
            continue;
        }
        keep.0.push(x[i]);
        keep.1.push(y[i]);
        keep.2.push(s);
        if let Some(v) = cv {
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            keep.3.push(cmap.at(t));
        }
    }
    if keep.0.is_empty() {
        return Err(no_finite(&a, 1, "point"));
    }
    let label = opt_string(&a, 4)?;
    let (x, y, sizes, cols) = keep;
    let colors = cvals.map(|_| cols);
    plot::edit(it, |f| {
        let ax = f.ax();
        let color = color.unwrap_or_else(|| ax.next_color());
        ax.series.push(Series {
            kind: Kind::Scatter {
                x,
                y,
                sizes,
                colors,
            },
            label,
            color,
        });
    });
    note_skipped(it, "scatter", skipped, "point");
    Ok(Value::None)
}

/// The finite min and max (0, 1 if there are none).
fn finite_range(v: &[f64]) -> (f64, f64) {
    let mut it = v.iter().copied().filter(|x| x.is_finite());
    let Some(first) = it.next() else {
        return (0.0, 1.0);
    };
    it.fold((first, first), |(lo, hi), x| (lo.min(x), hi.max(x)))
}

pub fn hist(it: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    if x.is_empty() {
        return Err(err_here(
            &a,
            0,
            ErrorKind::Value,
            "hist(): `x` is empty: there is nothing to count".into(),
            "no values",
        ));
    }
    let all = x.to_f64_vec();
    let vals: Vec<f64> = all.iter().copied().filter(|v| v.is_finite()).collect();
    let skipped = all.len() - vals.len();
    if vals.is_empty() {
        return Err(no_finite(&a, 0, "value"));
    }
    // The bin edges: explicit, or `bins` equal bins over the range.
    let edges: Vec<f64> = match a.get(1) {
        Some(Value::Array(e)) if e.ndim() == 1 => {
            let e = e.to_f64_vec();
            if e.len() < 2
                || e.windows(2).any(|w| !(w[0] < w[1]))
                || e.iter().any(|v| !v.is_finite())
            {
                return Err(err_here(
                    &a,
                    1,
                    ErrorKind::Value,
                    "hist(): bin edges must be at least two finite, increasing numbers".into(),
                    "these edges",
                )
                .with_help("e.g. bins=[0, 1, 2, 5], or a number of bins: bins=20"));
            }
            e
        }
        _ => {
            let nb = a.opt_int(1)?.unwrap_or(10);
            if !(1..=100_000).contains(&nb) {
                return Err(err_here(
                    &a,
                    1,
                    ErrorKind::Value,
                    format!("hist(): `bins` must be between 1 and 100000, got {nb}"),
                    "number of bins",
                ));
            }
            let (mut lo, mut hi) = match a.get(2) {
                None | Some(Value::None) => finite_range(&vals),
                Some(r) => {
                    let r = crate::value::value_to_array(r)
                        .filter(|r| r.len() == 2)
                        .map(|r| r.to_f64_vec())
                        .ok_or_else(|| a.type_err(2, "a pair (lo, hi)", r))?;
                    if !(r[0].is_finite() && r[1].is_finite() && r[0] <= r[1]) {
                        return Err(err_here(
                            &a,
                            2,
                            ErrorKind::Value,
                            format!(
                                "hist(): `range` must be finite with lo <= hi, got ({}, {})",
                                r[0], r[1]
                            ),
                            "this range",
                        ));
                    }
                    (r[0], r[1])
                }
            };
            if lo == hi {
                lo -= 0.5;
                hi += 0.5;
            }
            let nb = nb as usize;
            (0..=nb)
                .map(|k| {
                    if k == nb {
                        hi
                    } else {
                        lo + (hi - lo) * k as f64 / nb as f64
                    }
                })
                .collect()
        }
    };
    let nb = edges.len() - 1;
    let mut counts = vec![0i64; nb];
    let last = edges[nb];
    for &v in &vals {
        if v < edges[0] || v > last {
            continue;
        }
        let k = if v == last {
            nb - 1
        } else {
            edges.partition_point(|e| *e <= v) - 1
        };
        counts[k] += 1;
    }
    let density = a.bool_or(3, false)?;
    let heights: Vec<f64> = if density {
        let total: i64 = counts.iter().sum();
        counts
            .iter()
            .enumerate()
            .map(|(k, &c)| {
                if total == 0 {
                    0.0
                } else {
                    c as f64 / (total as f64 * (edges[k + 1] - edges[k]))
                }
            })
            .collect()
    } else {
        counts.iter().map(|&c| c as f64).collect()
    };
    let color = color_arg(&a, 5)?;
    let label = opt_string(&a, 4)?;
    let (left, right) = (edges[..nb].to_vec(), edges[1..].to_vec());
    let h2 = heights.clone();
    plot::edit(it, |f| {
        let ax = f.ax();
        let color = color.unwrap_or_else(|| ax.next_color());
        ax.series.push(Series {
            kind: Kind::Bars {
                left,
                right,
                height: h2,
            },
            label,
            color,
        });
    });
    note_skipped(it, "hist", skipped, "value");
    let counts = if density {
        Array::from_vec(&[nb], heights)
    } else {
        Array::from_vec(&[nb], counts)
    };
    Ok(Value::tuple(vec![
        Value::Array(counts),
        Value::Array(Array::from_vec(&[nb + 1], edges)),
    ]))
}

pub fn bar(it: &mut Interp, a: Args) -> Result<Value> {
    let x = data(&a, 0, "x", 1)?.to_f64_vec();
    let n = x.len();
    let h = a.array(1)?;
    let h: Vec<f64> = if h.len() == 1 {
        vec![h.to_f64_vec()[0]; n]
    } else {
        same_len(&a, 0, n, 1, h.len(), "x", "height")?;
        h.to_f64_vec()
    };
    let w: Vec<f64> = match a.get(2) {
        None | Some(Value::None) => vec![0.8; n],
        Some(_) => {
            let w = a.array(2)?;
            if w.len() == 1 {
                vec![w.to_f64_vec()[0]; n]
            } else {
                same_len(&a, 0, n, 2, w.len(), "x", "width")?;
                w.to_f64_vec()
            }
        }
    };
    let (mut left, mut right, mut height) = (Vec::new(), Vec::new(), Vec::new());
    let mut skipped = 0;
    for i in 0..n {
        if !(x[i].is_finite() && h[i].is_finite() && w[i].is_finite()) {
            skipped += 1;
            continue;
        }
        left.push(x[i] - w[i] / 2.0);
        right.push(x[i] + w[i] / 2.0);
        height.push(h[i]);
    }
    if height.is_empty() {
        return Err(no_finite(&a, 1, "bar"));
    }
    let color = color_arg(&a, 4)?;
    let label = opt_string(&a, 3)?;
    plot::edit(it, |f| {
        let ax = f.ax();
        let color = color.unwrap_or_else(|| ax.next_color());
        ax.series.push(Series {
            kind: Kind::Bars {
                left,
                right,
                height,
            },
            label,
            color,
        });
    });
    note_skipped(it, "bar", skipped, "bar");
    Ok(Value::None)
}

pub fn imshow(it: &mut Interp, a: Args) -> Result<Value> {
    let m = a.array(0)?;
    if m.ndim() != 2 {
        return Err(err_here(
            &a,
            0,
            ErrorKind::Shape,
            format!(
                "imshow(): needs a 2-d array, got shape {}",
                fmt_shape(m.shape())
            ),
            "not 2-d",
        )
        .with_help("reshape(a, rows, cols) makes a 2-d array"));
    }
    if m.is_empty() {
        return Err(err_here(
            &a,
            0,
            ErrorKind::Value,
            "imshow(): the array is empty: there is nothing to draw".into(),
            "no values",
        ));
    }
    let (rows, cols) = (m.shape()[0], m.shape()[1]);
    let data = m.to_f64_vec();
    if !data.iter().any(|v| v.is_finite()) {
        return Err(no_finite(&a, 0, "value"));
    }
    let (dlo, dhi) = finite_range(&data);
    let lo = a.opt_float(2)?.unwrap_or(dlo);
    let hi = a.opt_float(3)?.unwrap_or(dhi);
    if !(lo.is_finite() && hi.is_finite()) || lo > hi {
        return Err(err_here(
            &a,
            2,
            ErrorKind::Value,
            format!("imshow(): vmin and vmax must be finite with vmin <= vmax, got {lo} and {hi}"),
            "vmin",
        ));
    }
    let cmap = cmap_arg(&a, 1)?;
    plot::edit(it, |f| {
        f.ax().series.push(Series {
            kind: Kind::Image {
                rows,
                cols,
                data,
                lo,
                hi,
                cmap,
            },
            label: None,
            color: (0, 0, 0),
        });
    });
    Ok(Value::None)
}

// ------------------------------------------------------------ labels

fn text_setter(
    it: &mut Interp,
    a: &Args,
    get: fn(&mut plot::Axes) -> &mut Option<String>,
) -> Result<Value> {
    match opt_string(a, 0)? {
        Some(t) => {
            plot::edit(it, |f| *get(f.ax()) = Some(t));
            Ok(Value::None)
        }
        None => {
            let mut ax = plot::with(it, |f| f.cur().clone());
            Ok(get(&mut ax).clone().map_or(Value::None, |s| Value::str(&s)))
        }
    }
}

pub fn title(it: &mut Interp, a: Args) -> Result<Value> {
    text_setter(it, &a, |ax| &mut ax.title)
}
pub fn xlabel(it: &mut Interp, a: Args) -> Result<Value> {
    text_setter(it, &a, |ax| &mut ax.xlabel)
}
pub fn ylabel(it: &mut Interp, a: Args) -> Result<Value> {
    text_setter(it, &a, |ax| &mut ax.ylabel)
}

pub fn legend(it: &mut Interp, a: Args) -> Result<Value> {
    let mut labels = Vec::new();
    for (k, v) in a.rest.iter().enumerate() {
        match v {
            Value::Str(s) => labels.push(s.to_string()),
            _ => return Err(a.type_err(a.rest_start + k, "a string", v)),
        }
    }
    let n = plot::with(it, |f| {
        f.cur()
            .series
            .iter()
            .filter(|s| !matches!(s.kind, Kind::Image { .. }))
            .count()
    });
    if labels.len() > n {
        return Err(
            Error::value(format!("legend(): {} labels for {n} series", labels.len()))
                .at(a.call)
                .label(
                    At::Arg(a.rest_start + n.min(labels.len() - 1)),
                    "no series for this label",
                )
                .with_help("draw a series for each label first, or pass fewer labels"),
        );
    }
    let shown = plot::edit(it, |f| {
        let ax = f.ax();
        ax.legend = true;
        let mut series = ax
            .series
            .iter_mut()
            .filter(|s| !matches!(s.kind, Kind::Image { .. }));
        for l in labels {
            if let Some(s) = series.next() {
                s.label = Some(l);
            }
        }
        ax.series
            .iter()
            .filter_map(|s| s.label.clone())
            .collect::<Vec<_>>()
    });
    if shown.is_empty() {
        it.out.warn("note: legend(): no series has a label; give label= to plot(), or names to legend(\"a\", \"b\")");
    }
    Ok(Value::tuple(shown.iter().map(|s| Value::str(s)).collect()))
}

fn limits(it: &mut Interp, a: &Args, x_axis: bool) -> Result<Value> {
    let given: Option<(f64, f64)> = match (a.get(0), a.get(1)) {
        (None | Some(Value::None), None | Some(Value::None)) => None,
        (Some(Value::Tuple(t)), None | Some(Value::None)) if t.len() == 2 => {
            let r = crate::value::value_to_array(&Value::Tuple(t.clone()))
                .map(|r| r.to_f64_vec())
                .ok_or_else(|| a.type_err(0, "numbers (lo, hi)", &Value::Tuple(t.clone())))?;
            Some((r[0], r[1]))
        }
        _ => Some((a.float(0)?, a.float(1)?)),
    };
    match given {
        Some((lo, hi)) => {
            if !(lo.is_finite() && hi.is_finite()) || lo == hi {
                return Err(Error::value(format!(
                    "{}(): the limits must be two different finite numbers, got ({lo}, {hi})",
                    a.name
                ))
                .at(a.call)
                .with_help(format!("e.g. {}(0, 10)", a.name)));
            }
            plot::edit(it, |f| {
                let ax = f.ax();
                if x_axis {
                    ax.xlim = Some((lo, hi));
                } else {
                    ax.ylim = Some((lo, hi));
                }
            });
            Ok(pair(lo, hi))
        }
        None => {
            let (x, y) = plot::with(it, |f| f.cur().limits());
            let (lo, hi) = if x_axis { x } else { y };
            Ok(pair(lo, hi))
        }
    }
}

pub fn xlim(it: &mut Interp, a: Args) -> Result<Value> {
    limits(it, &a, true)
}
pub fn ylim(it: &mut Interp, a: Args) -> Result<Value> {
    limits(it, &a, false)
}

pub fn grid(it: &mut Interp, a: Args) -> Result<Value> {
    let on = a.bool_or(0, true)?;
    plot::edit(it, |f| f.ax().grid = on);
    Ok(Value::bool(on))
}

fn size_arg(a: &Args, i: usize, default: u32) -> Result<u32> {
    match a.opt_int(i)? {
        None => Ok(default),
        Some(v) if (16..=8192).contains(&v) => Ok(v as u32),
        Some(v) => Err(err_here(
            a,
            i,
            ErrorKind::Value,
            format!(
                "{}(): a figure size must be 16 to 8192 pixels, got {v}",
                a.name
            ),
            "this size",
        )),
    }
}

pub fn figure(it: &mut Interp, a: Args) -> Result<Value> {
    let w = size_arg(&a, 0, plot::DEFAULT_SIZE.0)?;
    let h = size_arg(&a, 1, plot::DEFAULT_SIZE.1)?;
    plot::reset(it, w, h);
    Ok(Value::tuple(vec![
        Value::int(w as i64),
        Value::int(h as i64),
    ]))
}

pub fn subplot(it: &mut Interp, a: Args) -> Result<Value> {
    let rows = a.int(0)?;
    let cols = a.int(1)?;
    let index = a.int(2)?;
    for (i, v) in [(0, rows), (1, cols)] {
        if !(1..=10).contains(&v) {
            return Err(err_here(
                &a,
                i,
                ErrorKind::Value,
                format!("subplot(): a grid may have 1 to 10 rows and columns, got {v}"),
                "here",
            ));
        }
    }
    if !(1..=rows * cols).contains(&index) {
        return Err(err_here(
            &a,
            2,
            ErrorKind::Index,
            format!(
                "subplot(): index {index} is outside the {rows} x {cols} grid (1 to {})",
                rows * cols
            ),
            "this index",
        )
        .with_help("subplot cells count from 1, row by row"));
    }
    plot::edit(it, |f| {
        f.subplot(rows as usize, cols as usize, index as usize - 1)
    });
    Ok(Value::int(index))
}

pub fn savefig(it: &mut Interp, a: Args) -> Result<Value> {
    let given = a.string(0)?;
    let path = it
        .resolve_path(&given)
        .map_err(|e| e.label_arg(0, "this path"))?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let svg = match ext.as_str() {
        "png" => false,
        "svg" => true,
        _ => {
            return Err(err_here(
                &a,
                0,
                ErrorKind::Value,
                format!(
                    "savefig(): cannot write \"{given}\": unknown image type{}",
                    if ext.is_empty() {
                        String::new()
                    } else {
                        format!(" .{ext}")
                    }
                ),
                "file type from the extension",
            )
            .with_help("use a .png or .svg file name"))
        }
    };
    let fig = plot::with(it, |f| f.clone());
    if fig.is_empty() {
        return Err(
            Error::value("savefig(): the figure is empty: there is nothing to save")
                .at(a.call)
                .with_help("draw something first, e.g. plot([1, 2, 3])"),
        );
    }
    let w = size_arg(&a, 1, fig.width)?;
    let h = size_arg(&a, 2, fig.height)?;
    let fail =
        |m: String| Error::new(ErrorKind::Io, format!("savefig(): drawing failed: {m}")).at(a.call);
    let bytes: Vec<u8> = if svg {
        plot::render::svg(&fig, w, h).map_err(fail)?.into_bytes()
    } else {
        plot::render::png(&fig, w, h).map_err(fail)?
    };
    crate::data::write_atomic(&path, |f| {
        use std::io::Write;
        f.write_all(&bytes)?;
        Ok(())
    })
    .map_err(|e| e.at(a.call).label_arg(0, "this file"))?;
    Ok(Value::str(&given))
}

pub fn show(it: &mut Interp, a: Args) -> Result<Value> {
    let fig = plot::with(it, |f| f.clone());
    plot::take_changed(it);
    if fig.is_empty() {
        it.out
            .warn("note: show(): the figure is empty; draw something first, e.g. plot([1, 2, 3])");
        return Ok(Value::None);
    }
    let _ = a;
    it.out.figure(&fig);
    if !it.interactive {
        plot::close(it);
    }
    Ok(Value::None)
}
