//! The standard library written in arr (`stdlib/*.arr`), compiled into the
//! binary and run when an interpreter starts. `#:` comment lines above a
//! `fn` are its help text; `#: ex: CODE => OUTPUT` lines are examples that a
//! test runs, like the Rust builtins' examples.

/// (file name, source) of every stdlib file.
pub const FILES: &[(&str, &str)] = &[("stdlib/nn.arr", include_str!("../stdlib/nn.arr"))];

#[derive(Debug, Clone)]
pub struct StdDoc {
    pub name: String,
    pub sig: String,
    pub doc: String,
    pub examples: Vec<(String, String)>,
}

/// The documented functions of the stdlib, in file order.
pub fn docs() -> &'static [StdDoc] {
    static D: std::sync::OnceLock<Vec<StdDoc>> = std::sync::OnceLock::new();
    D.get_or_init(|| {
        let mut out = Vec::new();
        for (_, src) in FILES {
            let mut doc: Vec<String> = Vec::new();
            let mut ex: Vec<(String, String)> = Vec::new();
            for line in src.lines() {
                let t = line.trim();
                if let Some(rest) = t.strip_prefix("#:") {
                    let rest = rest.trim();
                    if let Some(e) = rest.strip_prefix("ex:") {
                        if let Some((code, want)) = e.split_once("=>") {
                            ex.push((code.trim().to_string(), want.trim().replace("\\n", "\n")));
                        }
                    } else {
                        doc.push(rest.to_string());
                    }
                } else if let Some(def) = t.strip_prefix("fn ") {
                    if !doc.is_empty() {
                        let name: String = def
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        let sig_end = def.find(')').map(|i| i + 1).unwrap_or(def.len());
                        out.push(StdDoc {
                            name,
                            sig: def[..sig_end].to_string(),
                            doc: doc.join("\n"),
                            examples: std::mem::take(&mut ex),
                        });
                    }
                    doc.clear();
                    ex.clear();
                } else if !t.starts_with('#') {
                    doc.clear();
                    ex.clear();
                }
            }
        }
        out
    })
}

pub fn doc(name: &str) -> Option<&'static StdDoc> {
    docs().iter().find(|d| d.name == name)
}

/// Help text in the same layout as the builtins'.
pub fn help_text(d: &StdDoc) -> String {
    let mut s = format!("{}\n", d.sig);
    for l in d.doc.lines() {
        s.push_str(&format!("  {l}\n"));
    }
    if !d.examples.is_empty() {
        s.push_str("  example:\n");
        for (c, o) in &d.examples {
            s.push_str(&format!("    >>> {c}\n"));
            for l in o.lines() {
                s.push_str(&format!("    {l}\n"));
            }
        }
    }
    s.push_str("  (defined in arr, in stdlib/)");
    s
}
