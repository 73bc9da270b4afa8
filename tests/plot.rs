//! Charts: PNG files decoded and checked (size, drawn plot area, series
//! colours), SVG text, the braille chart against golden text, terminal
//! protocol choice and encodings, the REPL/script drawing rule, bad input.

mod common;

use arr::output::Capture;
use arr::plot::term::{self, Mode};
use arr::Interp;

fn tmpdir(tag: &str) -> common::Scratch {
    common::Scratch::new(&format!("plot-{tag}"))
}

/// (width, height, RGB pixels) of a PNG file.
fn decode(path: &std::path::Path) -> (u32, u32, Vec<u8>) {
    let f = std::fs::File::open(path).expect("png exists");
    let mut r = png::Decoder::new(std::io::BufReader::new(f))
        .read_info()
        .expect("png header");
    let mut buf = vec![0; r.output_buffer_size()];
    let info = r.next_frame(&mut buf).expect("png data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn count_near(px: &[u8], c: (u8, u8, u8), tol: i32) -> usize {
    px.chunks_exact(3)
        .filter(|p| {
            (p[0] as i32 - c.0 as i32).abs() <= tol
                && (p[1] as i32 - c.1 as i32).abs() <= tol
                && (p[2] as i32 - c.2 as i32).abs() <= tol
        })
        .count()
}

fn run_in(dir: &std::path::Path, code: &str) -> common::Run {
    let r = common::run_named("<test>", code, Some(dir.to_path_buf()));
    assert!(r.error.is_none(), "{code}: {:?}", r.error);
    r
}

#[test]
fn png_has_size_drawn_area_and_series_colours() {
    let d = tmpdir("png");
    run_in(
        &d,
        "x = linspace(0, 6.28, 100)\nplot(x, sin(x), label=\"sin\")\nplot(x, cos(x), color=\"red\", label=\"cos\")\ntitle(\"Waves\"); legend()\nsavefig(\"a.png\")\nsavefig(\"b.png\", width=300, height=200)",
    );
    let (w, h, px) = decode(&d.join("a.png"));
    assert_eq!((w, h), (640, 480));
    assert_eq!(px.len(), 640 * 480 * 3);
    // The first series is matplotlib's blue (C0), the second "red" (C3).
    let blue = count_near(&px, (0x1f, 0x77, 0xb4), 10);
    let red = count_near(&px, (0xd6, 0x27, 0x28), 10);
    assert!(blue > 300, "blue pixels: {blue}");
    assert!(red > 300, "red pixels: {red}");
    // The plot area (middle of the image) is not blank.
    let mut inked = 0;
    for y in 100..380 {
        for x in 100..540 {
            let i = (y * 640 + x) * 3;
            if px[i..i + 3] != [255, 255, 255] {
                inked += 1;
            }
        }
    }
    assert!(inked > 1000, "inked pixels in the plot area: {inked}");
    // Dark text (title, ticks) was rendered with the bundled font.
    let dark = count_near(&px, (0, 0, 0), 60);
    assert!(dark > 200, "dark (text/axis) pixels: {dark}");
    let (w2, h2, _) = decode(&d.join("b.png"));
    assert_eq!((w2, h2), (300, 200));
}

#[test]
fn every_chart_kind_renders_to_png() {
    let d = tmpdir("kinds");
    run_in(
        &d,
        "seed(1)\nsubplot(2, 2, 1); hist(randn(500), bins=15, color=\"green\")\nsubplot(2, 2, 2); bar([1, 2, 3], [3, 1, 2], color=\"purple\")\nsubplot(2, 2, 3); scatter(randn(40), randn(40), s=50, color=\"orange\")\nsubplot(2, 2, 4); imshow(reshape(arange(16), 4, 4), cmap=\"gray\")\nsavefig(\"k.png\")",
    );
    let (_, _, px) = decode(&d.join("k.png"));
    assert!(
        count_near(&px, (0x2c, 0xa0, 0x2c), 8) > 500,
        "histogram green"
    );
    assert!(count_near(&px, (0x94, 0x67, 0xbd), 8) > 500, "bar purple");
    assert!(
        count_near(&px, (0xff, 0x7f, 0x0e), 40) > 100,
        "scatter orange"
    );
    // gray colour map: the top-left cell (value 0) is black, the last white-ish.
    assert!(count_near(&px, (0, 0, 0), 2) > 500, "imshow black cells");
}

#[test]
fn svg_contains_its_text() {
    let d = tmpdir("svg");
    run_in(
        &d,
        "plot([1, 2, 3], label=\"train loss\"); title(\"Training\"); xlabel(\"epoch\"); ylabel(\"loss\"); legend(); savefig(\"f.svg\")",
    );
    let s = std::fs::read_to_string(d.join("f.svg")).expect("svg");
    assert!(s.starts_with("<svg"), "{}", &s[..40.min(s.len())]);
    for t in ["Training", "epoch", "loss", "train loss", "<polyline"] {
        assert!(s.contains(t), "svg lacks {t}");
    }
    assert!(s.trim_end().ends_with("</svg>"));
}

/// (Starts with a newline so the first line keeps its indentation.)
const GOLDEN: &str = "
                                squares
value
  │                                                          ⡀
  │                                                       ⢀⠤⠊
15┤                                                     ⢀⠔⠁
  │                                                   ⢀⠔⠁
  │                                                 ⡠⠊⠁
  │                                               ⡠⠊
10┤                                            ⢀⠤⠊
  │                                         ⢀⠤⠊⠁
  │                                      ⢀⠤⠊⠁
  │                                   ⣀⠔⠊⠁
 5┤                                ⣀⠔⠊
  │                           ⣀⠤⠔⠊⠉
  │                      ⣀⠤⠔⠊⠉
  │           ⢀⣀⣀⣀⡠⠤⠤⠤⠔⠒⠉
 0┤      ⠐⠒⠙⠩⠩⠡⠠⢀⢀⢀⢀     ⣀⢀⢀⠠⠠⠠⠠⠐⠐⠐⠂⠂⠂⠄⠄⠄⠄⡀⡀⡀⡀    ⢀⢀⢀⢀⠠⠠⠠⠠⠐⠐⠐⠂⠂⠂⠄⠄⠄⠄⡀⡀⡀
  │                 ⠈⠈⠈⠁⠁                     ⠁⠁⠉⠈
  └──────┬─────────────────────────┬─────────────────────────┬─────────
         0                         2                         4
                                   n
   ─── squares   ··· noise";

#[test]
fn braille_chart_matches_golden_text() {
    let r = common::run(
        "plot([0, 1, 4, 9, 16], label=\"squares\"); plot([0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, 1, 0, 1, 0, -1, 0], label=\"noise\"); xlim(-0.5, 4.75); title(\"squares\"); xlabel(\"n\"); ylabel(\"value\"); legend(); show()",
    );
    assert!(r.error.is_none(), "{:?}", r.error);
    let got = r.out.trim_end();
    if got != &GOLDEN[1..] {
        panic!("braille chart differs from the golden text; got:\n{got}");
    }
}

#[test]
fn heat_map_text_uses_shades_and_scale() {
    let r = common::run("imshow([[0, 1], [2, 3]]); show()");
    let out = r.out;
    assert!(
        out.contains('█') && out.contains('▓') && out.contains('░'),
        "{out}"
    );
    assert!(out.contains("scale: 0 [ ░▒▓█] 3"), "{out}");
    // Row 0 (values 0, 1) is at the top: its first line has no full block.
    let first = out.lines().next().unwrap_or("");
    assert!(!first.contains('█'), "{out}");
}

#[test]
fn hist_counts_match_numpy() {
    // numpy.histogram([1, 2, 2, 3, 3, 3, 10], bins=4) ->
    // counts [6 0 0 1], edges [1. 3.25 5.5 7.75 10.]
    let r = common::run("hist([1, 2, 2, 3, 3, 3, 10], bins=4)");
    assert_eq!(
        r.value.as_deref(),
        Some("([6 0 0 1], [ 1.    3.25  5.5   7.75 10.  ])")
    );
    // Explicit edges; values outside are not counted, the last edge is.
    let r = common::run("c, e = hist([0, 1, 1.5, 2, 5], bins=[1, 1.5, 2]); c");
    assert_eq!(r.value.as_deref(), Some("[1 2]"));
    let r = common::run("c, e = hist([1, 2, 3], range=(0, 4), bins=2); c");
    assert_eq!(r.value.as_deref(), Some("[1 2]"));
}

#[test]
fn repl_draws_after_the_changing_statement_scripts_only_on_show() {
    let run = |interactive: bool, code: &str| {
        let code = code.to_string();
        std::thread::spawn(move || {
            let cap = Capture::default();
            let mut it = Interp::new(Box::new(cap.clone()));
            it.interactive = interactive;
            let mut outs = Vec::new();
            for line in code.lines() {
                it.run_source("<repl>", line).expect("runs");
                outs.push(std::mem::take(&mut *cap.out.borrow_mut()));
            }
            outs
        })
        .join()
        .expect("thread")
    };
    let code = "x = 1\nplot([1, 2, 3])\ny = 2\ntitle(\"T\")\nshow()";
    let repl = run(true, code);
    assert!(repl[0].is_empty());
    assert!(
        repl[1].contains('┤'),
        "plot draws in the REPL: {:?}",
        repl[1]
    );
    assert!(repl[2].is_empty(), "an unrelated statement draws nothing");
    assert!(repl[3].contains('T'), "title redraws");
    assert!(repl[4].contains('┤'), "show draws");
    let script = run(false, code);
    assert!(script[..4].iter().all(|s| s.is_empty()), "{script:?}");
    assert!(script[4].contains('┤'));
    // In a script show() closes the figure: the next plot starts anew.
    let r = common::run("plot([0, 100]); show(); plot([0, 1]); ylim()");
    assert_eq!(r.value.as_deref(), Some("(-0.05, 1.05)"));
}

#[test]
fn terminal_mode_choice() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    let pick = |pairs: &'static [(&'static str, &'static str)], tty| term::choose(&env(pairs), tty);
    assert_eq!(pick(&[], true), Mode::Braille);
    assert_eq!(pick(&[("KITTY_WINDOW_ID", "1")], true), Mode::Kitty);
    assert_eq!(pick(&[("TERM", "xterm-kitty")], true), Mode::Kitty);
    assert_eq!(pick(&[("TERM_PROGRAM", "iTerm.app")], true), Mode::Iterm);
    assert_eq!(pick(&[("TERM_PROGRAM", "WezTerm")], true), Mode::Iterm);
    // Never escape codes to a pipe, nor to a dumb terminal.
    assert_eq!(pick(&[("KITTY_WINDOW_ID", "1")], false), Mode::Braille);
    assert_eq!(pick(&[("ARR_PLOT", "kitty")], false), Mode::Braille);
    assert_eq!(pick(&[("ARR_PLOT", "sixel")], false), Mode::Braille);
    assert_eq!(
        pick(&[("TERM", "dumb"), ("TERM_PROGRAM", "iTerm.app")], true),
        Mode::Braille
    );
    // ARR_PLOT overrides on a terminal.
    assert_eq!(pick(&[("ARR_PLOT", "sixel")], true), Mode::Sixel);
    assert_eq!(pick(&[("ARR_PLOT", "iterm")], true), Mode::Iterm);
    assert_eq!(
        pick(&[("ARR_PLOT", "braille"), ("KITTY_WINDOW_ID", "1")], true),
        Mode::Braille
    );
    assert_eq!(pick(&[("ARR_PLOT", "none")], true), Mode::None);
    assert_eq!(pick(&[("ARR_PLOT", "none")], false), Mode::None);
    assert_eq!(pick(&[("ARR_PLOT", "bogus")], true), Mode::Braille);
    assert_eq!(
        term::bad_override(&env(&[("ARR_PLOT", "bogus")])).as_deref(),
        Some("bogus")
    );
}

#[test]
fn image_protocol_encodings() {
    assert_eq!(term::base64(b""), "");
    assert_eq!(term::base64(b"f"), "Zg==");
    assert_eq!(term::base64(b"fo"), "Zm8=");
    assert_eq!(term::base64(b"foobar"), "Zm9vYmFy");
    let data = vec![7u8; 10_000];
    let k = term::kitty(&data);
    assert!(k.starts_with("\x1b_Gf=100,a=T,m=1;"));
    // 10000 bytes -> 13336 base64 chars -> 4 chunks, the last with m=0.
    assert_eq!(k.matches("\x1b_G").count(), 4);
    assert!(k.contains("\x1b_Gm=0;"));
    let i = term::iterm(b"abc");
    assert_eq!(
        i,
        "\x1b]1337;File=inline=1;size=3;preserveAspectRatio=1:YWJj\x07\n"
    );
    // A 2x6 image: left column red, right column white -> one band.
    let mut px = Vec::new();
    for _ in 0..6 {
        px.extend([255, 0, 0, 255, 255, 255]);
    }
    let s = term::sixel(&px, 2, 6);
    assert!(s.starts_with("\x1bPq\"1;1;2;6"), "{s:?}");
    // red = 5*36 = register 180, white = 215; all six bits set = '~'.
    assert!(
        s.contains("#180;2;100;0;0") && s.contains("#215;2;100;100;100"),
        "{s:?}"
    );
    assert!(s.contains("#180~?$#215?~-"), "{s:?}");
    assert!(s.ends_with("\x1b\\\n"));
}

#[test]
fn bad_input_errors_and_notes() {
    let cases = [
        ("plot([1, 2, 3], [1, 2])", "`x` has 3 values but `y` has 2"),
        ("plot([])", "`y` is empty"),
        (
            "scatter([1, 2], [1, 2, 3])",
            "`x` has 2 values but `y` has 3",
        ),
        ("plot([nan, inf])", "every point is nan or inf"),
        ("hist([])", "`x` is empty"),
        ("hist([nan])", "every value is nan or inf"),
        (
            "hist([1, 2], bins=0)",
            "`bins` must be between 1 and 100000",
        ),
        ("hist([1, 2], bins=[2, 1])", "increasing"),
        ("imshow([1, 2])", "needs a 2-d array"),
        ("plot([1, 2], color=\"chartreuse-ish\")", "unknown colour"),
        ("plot([1, 2], style=\"x\")", "unknown style"),
        ("imshow([[1]], cmap=\"jet2\")", "unknown colour map"),
        ("plot([1]); savefig(\"x.gif\")", "unknown image type .gif"),
        ("savefig(\"x.png\")", "the figure is empty"),
        ("subplot(2, 2, 5)", "outside the 2 x 2 grid"),
        ("xlim(1, 1)", "two different finite numbers"),
        ("figure(width=5)", "16 to 8192 pixels"),
        ("legend(\"a\")", "1 labels for 0 series"),
        (
            "bar([1, 2], [1, 2, 3])",
            "`x` has 2 values but `height` has 3",
        ),
    ];
    for (code, want) in cases {
        let r = common::run(code);
        let e = r.error.unwrap_or_else(|| panic!("{code}: no error"));
        assert!(e.contains(want), "{code}: {e}");
    }
    // nan/inf points are skipped with a note, the rest is drawn.
    let r = common::run("plot([1, nan, 3, inf]); ylim()");
    assert!(
        r.err
            .contains("plot() skipped 2 points that are nan or inf"),
        "{}",
        r.err
    );
    assert_eq!(r.value.as_deref(), Some("(0.9, 3.1)"));
    let r = common::run("c, e = hist([1, 2, nan]); sum(c)");
    assert!(r.err.contains("hist() skipped 1 value"), "{}", r.err);
    assert_eq!(r.value.as_deref(), Some("2"));
}

#[test]
fn savefig_writes_nothing_on_error_and_respects_the_sandbox() {
    let d = tmpdir("sandbox");
    // An unknown extension leaves no file behind.
    let r = common::run_named(
        "<t>",
        "plot([1, 2]); savefig(\"x.jpg\")",
        Some(d.to_path_buf()),
    );
    assert!(r.error.is_some());
    assert!(
        std::fs::read_dir(&d).expect("dir").next().is_none(),
        "no file written"
    );
    // Under --sandbox a path outside the folder is refused.
    let d2 = d.to_path_buf();
    let err = std::thread::spawn(move || {
        let mut it = Interp::new(Box::new(Capture::default()));
        it.base_dir = Some(d2.clone());
        it.sandbox = Some(std::fs::canonicalize(&d2).expect("canon"));
        it.run_source("<t>", "plot([1, 2]); savefig(\"../escape.png\")")
            .err()
            .map(|e| it.render(&e, false))
    })
    .join()
    .expect("thread");
    let err = err.expect("sandbox error");
    assert!(err.contains("sandbox"), "{err}");
    assert!(!d.parent().expect("parent").join("escape.png").exists());
}

#[test]
fn plots_of_two_d_columns_and_subplots() {
    let r = common::run("plot([[0, 1], [1, 2], [2, 3]], label=\"c\"); legend()");
    assert_eq!(r.value.as_deref(), Some("(\"c 0\", \"c 1\")"));
    let r = common::run("subplot(1, 2, 1); plot([1, 2]); subplot(1, 2, 2); bar([0], [5]); ylim()");
    assert_eq!(r.value.as_deref(), Some("(0.0, 5.25)"));
    let r = common::run(
        "subplot(1, 2, 1); plot([1, 2]); subplot(1, 2, 2); bar([0], [5]); subplot(1, 2, 1); ylim()",
    );
    assert_eq!(r.value.as_deref(), Some("(0.95, 2.05)"));
}
