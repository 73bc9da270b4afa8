//! Showing a figure in a terminal: which way (`choose`), and the image
//! protocols' escape sequences (kitty graphics, iTerm2 inline images,
//! sixel).
//!
//! Images are only ever sent to a terminal (stdout is a TTY) that says it
//! shows them: kitty (`KITTY_WINDOW_ID`, or `TERM` naming kitty), iTerm2 or
//! WezTerm (`TERM_PROGRAM`). Sixel support cannot be detected without
//! querying the terminal, so it is used only when asked for with
//! `ARR_PLOT=sixel`. `ARR_PLOT=braille|kitty|iterm|sixel|none` overrides
//! the choice, but an image protocol never goes to a pipe or file: there
//! the braille text is printed instead.

use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Braille,
    Kitty,
    Iterm,
    Sixel,
    None,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "braille" | "text" => Mode::Braille,
            "kitty" => Mode::Kitty,
            "iterm" | "iterm2" => Mode::Iterm,
            "sixel" => Mode::Sixel,
            "none" | "off" => Mode::None,
            _ => return None,
        })
    }
}

/// How to show a figure, from the environment (`env(name)`) and whether
/// stdout is a terminal. A bad `ARR_PLOT` value is ignored (the caller
/// warns about it with `bad_override`).
pub fn choose(env: &dyn Fn(&str) -> Option<String>, tty: bool) -> Mode {
    let forced = env("ARR_PLOT").and_then(|v| Mode::parse(&v));
    match forced {
        Some(Mode::None) => return Mode::None,
        Some(Mode::Braille) => return Mode::Braille,
        Some(m) if tty => return m,
        Some(_) => return Mode::Braille,
        None => {}
    }
    if !tty {
        return Mode::Braille;
    }
    let term = env("TERM").unwrap_or_default().to_ascii_lowercase();
    if term == "dumb" {
        return Mode::Braille;
    }
    if env("KITTY_WINDOW_ID").is_some_and(|v| !v.is_empty()) || term.contains("kitty") {
        return Mode::Kitty;
    }
    let program = env("TERM_PROGRAM").unwrap_or_default();
    if program == "iTerm.app" || program == "WezTerm" {
        return Mode::Iterm;
    }
    Mode::Braille
}

/// `ARR_PLOT`'s value if it is set but not understood.
pub fn bad_override(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    env("ARR_PLOT").filter(|v| Mode::parse(v).is_none())
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// kitty graphics protocol: transmit and display a PNG, in chunks of at
/// most 4096 base64 bytes (`m=1` on all but the last).
pub fn kitty(png: &[u8]) -> String {
    let b = base64(png);
    let chunks: Vec<&[u8]> = b.as_bytes().chunks(4096).collect();
    let mut s = String::new();
    for (i, c) in chunks.iter().enumerate() {
        let more = u8::from(i + 1 < chunks.len());
        let body = std::str::from_utf8(c).unwrap_or("");
        if i == 0 {
            let _ = write!(s, "\x1b_Gf=100,a=T,m={more};{body}\x1b\\");
        } else {
            let _ = write!(s, "\x1b_Gm={more};{body}\x1b\\");
        }
    }
    s.push('\n');
    s
}

/// iTerm2 inline image (OSC 1337 File), also understood by WezTerm.
pub fn iterm(png: &[u8]) -> String {
    format!(
        "\x1b]1337;File=inline=1;size={};preserveAspectRatio=1:{}\x07\n",
        png.len(),
        base64(png)
    )
}

/// Sixel image from RGB pixels: colours reduced to a 6x6x6 cube (216
/// registers), six pixel rows per band, runs compressed with `!n`.
pub fn sixel(px: &[u8], width: usize, height: usize) -> String {
    let level = |v: u8| ((v as usize * 5 + 127) / 255).min(5);
    let index: Vec<u8> = px
        .chunks_exact(3)
        .map(|p| (level(p[0]) * 36 + level(p[1]) * 6 + level(p[2])) as u8)
        .collect();
    let mut s = String::from("\x1bPq");
    let _ = write!(s, "\"1;1;{width};{height}");
    let mut used = [false; 216];
    for &i in &index {
        used[i as usize] = true;
    }
    for (i, _) in used.iter().enumerate().filter(|(_, u)| **u) {
        let (r, g, b) = (i / 36, i / 6 % 6, i % 6);
        let _ = write!(s, "#{i};2;{};{};{}", r * 20, g * 20, b * 20);
    }
    let mut band_bits = vec![0u8; width];
    for top in (0..height).step_by(6) {
        let rows = (height - top).min(6);
        let mut first = true;
        for colour in 0..216u8 {
            if !used[colour as usize] {
                continue;
            }
            let mut any = false;
            for (x, bits) in band_bits.iter_mut().enumerate() {
                *bits = 0;
                for dy in 0..rows {
                    if index[(top + dy) * width + x] == colour {
                        *bits |= 1 << dy;
                        any = true;
                    }
                }
            }
            if !any {
                continue;
            }
            if !first {
                s.push('$');
            }
            first = false;
            let _ = write!(s, "#{colour}");
            let mut x = 0;
            while x < width {
                let b = band_bits[x];
                let mut run = 1;
                while x + run < width && band_bits[x + run] == b {
                    run += 1;
                }
                let ch = (63 + b) as char;
                if run > 3 {
                    let _ = write!(s, "!{run}{ch}");
                } else {
                    (0..run).for_each(|_| s.push(ch));
                }
                x += run;
            }
        }
        s.push('-');
    }
    s.push_str("\x1b\\\n");
    s
}
