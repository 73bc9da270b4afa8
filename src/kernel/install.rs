//! `arr kernel install [--user | --prefix P] [--name NAME]`: write the
//! kernelspec (kernel.json and the logos) where Jupyter looks for it,
//! in the folders `jupyter kernelspec install` uses:
//!
//! - `--user`: the user's Jupyter data folder (`$JUPYTER_DATA_DIR`, else
//!   `$XDG_DATA_HOME/jupyter` or `~/.local/share/jupyter` on Linux,
//!   `~/Library/Jupyter` on macOS, `%APPDATA%\jupyter` on Windows);
//! - `--prefix P`: `P/share/jupyter/kernels/NAME`;
//! - neither: the active Python environment (`$VIRTUAL_ENV` or
//!   `$CONDA_PREFIX`, Jupyter's `sys.prefix`) as with `--prefix`, and the
//!   user folder when no environment is active.

use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const LOGO_32: &[u8] = include_bytes!("../../assets/kernel/logo-32x32.png");
const LOGO_64: &[u8] = include_bytes!("../../assets/kernel/logo-64x64.png");
const LOGO_SVG: &[u8] = include_bytes!("../../assets/kernel/logo-svg.svg");

const USAGE: &str = "usage: arr kernel install [--user | --prefix P] [--name NAME]
  --user       into your Jupyter data folder (jupyter --data-dir)
  --prefix P   into P/share/jupyter/kernels/NAME (as jupyter kernelspec install --prefix)
  (neither)    into the active virtualenv/conda environment, else as --user
  --name NAME  the kernelspec's name (default: arr)
";

/// Where the kernelspec goes.
#[derive(Debug, PartialEq)]
pub enum Place {
    User,
    Prefix(PathBuf),
    Default,
}

/// The user's Jupyter data folder, from an environment lookup `env`.
pub fn user_data_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(d) = env("JUPYTER_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    if cfg!(windows) {
        return env("APPDATA").map(|a| Path::new(&a).join("jupyter"));
    }
    let home = env("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
    if cfg!(target_os = "macos") {
        return home.map(|h| h.join("Library").join("Jupyter"));
    }
    match env("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        Some(x) => Some(Path::new(&x).join("jupyter")),
        None => home.map(|h| h.join(".local").join("share").join("jupyter")),
    }
}

/// The folder `kernels/NAME` for `place`.
pub fn kernel_dir(
    place: &Place,
    name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<PathBuf, String> {
    let prefix_dir = |p: &Path| p.join("share").join("jupyter").join("kernels").join(name);
    let user = || {
        user_data_dir(env)
            .map(|d| d.join("kernels").join(name))
            .ok_or_else(|| {
                "cannot find your home folder: set HOME or JUPYTER_DATA_DIR, or use --prefix"
                    .to_string()
            })
    };
    match place {
        Place::User => user(),
        Place::Prefix(p) => Ok(prefix_dir(p)),
        Place::Default => match env("VIRTUAL_ENV")
            .or_else(|| env("CONDA_PREFIX"))
            .filter(|p| !p.is_empty())
        {
            Some(p) => Ok(prefix_dir(Path::new(&p))),
            None => user(),
        },
    }
}

/// kernel.json for the arr binary at `exe`.
pub fn kernel_json(exe: &Path, name: &str) -> String {
    let display = if name == "arr" {
        "arr".to_string()
    } else {
        format!("arr ({name})")
    };
    let j = json!({
        "argv": [exe.to_string_lossy(), "kernel", "-f", "{connection_file}"],
        "display_name": display,
        "language": "arr",
        "interrupt_mode": "message",
        "metadata": { "debugger": false },
    });
    serde_json::to_string_pretty(&j).unwrap_or_default() + "\n"
}

/// Write the kernelspec into `dir`.
pub fn write_spec(dir: &Path, exe: &Path, name: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let spec = kernel_json(exe, name);
    let files: [(&str, &[u8]); 4] = [
        ("kernel.json", spec.as_bytes()),
        ("logo-32x32.png", LOGO_32),
        ("logo-64x64.png", LOGO_64),
        ("logo-svg.svg", LOGO_SVG),
    ];
    for (f, bytes) in files {
        let p = dir.join(f);
        crate::data::write_atomic(&p, |w| {
            use std::io::Write;
            w.write_all(bytes)?;
            Ok(())
        })
        .map_err(|e| format!("cannot write {}: {}", p.display(), e.message))?;
    }
    Ok(())
}

pub fn parse_args(args: &[String]) -> Result<(Place, String), String> {
    let mut place = Place::Default;
    let mut name = "arr".to_string();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--user" => place = Place::User,
            "--sys-prefix" => place = Place::Default,
            "--prefix" => {
                let p = args.get(i + 1).ok_or("--prefix needs a folder")?;
                place = Place::Prefix(PathBuf::from(p));
                i += 1;
            }
            "--name" => {
                let n = args.get(i + 1).ok_or("--name needs a name")?;
                if n.is_empty()
                    || !n
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                {
                    return Err(format!(
                        "--name {n:?}: a kernelspec name uses letters, digits, '.', '_' and '-'"
                    ));
                }
                name = n.clone();
                i += 1;
            }
            a if a.starts_with("--prefix=") => {
                place = Place::Prefix(PathBuf::from(&a["--prefix=".len()..]))
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
        i += 1;
    }
    Ok((place, name))
}

pub fn main(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (place, name) = match parse_args(args) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("arr kernel install: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let env = |k: &str| std::env::var(k).ok();
    let exe = std::env::current_exe().and_then(std::fs::canonicalize);
    let exe = match exe {
        Ok(e) => e,
        Err(e) => {
            eprintln!("arr kernel install: cannot find the arr binary's own path: {e}");
            return ExitCode::FAILURE;
        }
    };
    let dir = match kernel_dir(&place, &name, &env) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("arr kernel install: {e}");
            return ExitCode::FAILURE;
        }
    };
    match write_spec(&dir, &exe, &name) {
        Ok(()) => {
            println!("Installed kernelspec {name} in {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("arr kernel install: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn places_follow_jupyter() {
        let e = env_of(&[("HOME", "/h"), ("VIRTUAL_ENV", "/venv")]);
        assert_eq!(
            kernel_dir(&Place::Prefix("/p".into()), "arr", &e),
            Ok(PathBuf::from("/p/share/jupyter/kernels/arr"))
        );
        assert_eq!(
            kernel_dir(&Place::Default, "arr", &e),
            Ok(PathBuf::from("/venv/share/jupyter/kernels/arr"))
        );
        if cfg!(target_os = "linux") {
            assert_eq!(
                kernel_dir(&Place::User, "arr", &e),
                Ok(PathBuf::from("/h/.local/share/jupyter/kernels/arr"))
            );
            let x = env_of(&[("HOME", "/h"), ("XDG_DATA_HOME", "/x")]);
            assert_eq!(
                kernel_dir(&Place::Default, "arr", &x),
                Ok(PathBuf::from("/x/jupyter/kernels/arr"))
            );
        }
        let j = env_of(&[("JUPYTER_DATA_DIR", "/j")]);
        assert_eq!(
            kernel_dir(&Place::User, "a2", &j),
            Ok(PathBuf::from("/j/kernels/a2"))
        );
        assert!(kernel_dir(&Place::User, "arr", &env_of(&[])).is_err());
    }

    #[test]
    fn arguments() {
        let a = |v: &[&str]| parse_args(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(a(&[]), Ok((Place::Default, "arr".into())));
        assert_eq!(a(&["--user"]), Ok((Place::User, "arr".into())));
        assert_eq!(
            a(&["--prefix", "/p", "--name", "arr-dev"]),
            Ok((Place::Prefix("/p".into()), "arr-dev".into()))
        );
        assert!(a(&["--prefix"]).is_err());
        assert!(a(&["--name", "../x"]).is_err());
        assert!(a(&["--bogus"]).is_err());
    }

    #[test]
    fn kernel_json_starts_this_binary() {
        let j: serde_json::Value =
            serde_json::from_str(&kernel_json(Path::new("/bin/arr"), "arr")).unwrap_or_default();
        assert_eq!(
            j["argv"],
            json!(["/bin/arr", "kernel", "-f", "{connection_file}"])
        );
        assert_eq!(j["language"], "arr");
        assert_eq!(j["interrupt_mode"], "message");
    }
}
