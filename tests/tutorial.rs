//! docs/tutorial.md runs: every ```arr block is a REPL transcript. The
//! entries (`>>> ` lines, continued by `... ` lines) run in one REPL session
//! through `arr::repl::run_entry`, in order, and what each prints must be
//! the lines shown under it. An output line `...` stands for any number of
//! lines (to show the start and the end of a long report); `warning:`
//! lines (such as the no-GPU fallback) and `note:` lines (such as "no GPU
//! kernel here", which depends on the machine) are not compared.

mod common;

use arr::output::Capture;
use arr::repl::{run_entry, Session};
use arr::Interp;

struct Entry {
    line: usize,
    code: String,
    want: Vec<String>,
}

fn entries(md: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut in_block = false;
    let mut cont = false;
    for (i, line) in md.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = line.trim() == "```arr";
            cont = false;
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(code) = line.strip_prefix(">>> ") {
            out.push(Entry {
                line: i + 1,
                code: code.to_string(),
                want: Vec::new(),
            });
            cont = true;
        } else if let (true, Some(more)) = (cont, line.strip_prefix("... ")) {
            if let Some(e) = out.last_mut() {
                e.code.push('\n');
                e.code.push_str(more);
            }
        } else if let Some(e) = out.last_mut() {
            cont = false;
            e.want.push(line.trim_end().to_string());
        }
    }
    out
}

/// `want` (with `...` as "any lines") matches `got`.
fn matches(want: &[String], got: &[String]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((w, rest)) if w == "..." => (0..=got.len()).any(|k| matches(rest, &got[k..])),
        Some((w, rest)) => {
            got.first().is_some_and(|g| common::same_output(w, g)) && matches(rest, &got[1..])
        }
    }
}

#[test]
fn the_tutorial_runs_and_prints_what_it_shows() {
    let md = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tutorial.md"))
        .expect("docs/tutorial.md");
    assert!(md.contains("<!-- plot section -->"));
    let es = entries(&md);
    assert!(es.len() > 60, "only {} entries found", es.len());
    let cap = Capture::default();
    let mut it = Interp::new(Box::new(cap.clone()));
    it.interactive = true;
    let mut sess = Session::new(&it, false, "<repl>");
    let mut failures = Vec::new();
    for e in &es {
        cap.out.borrow_mut().clear();
        cap.err.borrow_mut().clear();
        let _ = run_entry(&mut it, &mut sess, &e.code);
        let text = format!("{}{}", cap.out.borrow(), cap.err.borrow());
        let got: Vec<String> = text
            .lines()
            .map(|l| l.trim_end().to_string())
            .filter(|l| !l.starts_with("warning:") && !l.starts_with("note:"))
            .collect();
        if !matches(&e.want, &got) {
            failures.push(format!(
                "docs/tutorial.md:{}: `{}`\n--- want\n{}\n--- got\n{}",
                e.line,
                e.code,
                e.want.join("\n"),
                got.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn wildcard_matching() {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(matches(&v(&["a", "...", "d"]), &v(&["a", "b", "c", "d"])));
    assert!(matches(&v(&["a", "..."]), &v(&["a"])));
    assert!(!matches(&v(&["a", "d"]), &v(&["a", "b", "d"])));
    assert!(!matches(&v(&["a"]), &v(&["a", "b"])));
}
