//! The `arr` command line: REPL, scripts, `-e CODE`.

use arr::output::StdOutput;
use arr::Interp;
use std::io::IsTerminal;
use std::process::ExitCode;

const USAGE: &str = "arr — a NumPy-flavoured array language

usage:
  arr                      start the REPL
  arr FILE.arr [ARGS..]    run a script (ARGS reach it as `argv`)
  arr -e 'CODE'            run code, print the value of the last statement
  arr --device gpu FILE    run with GPU as the default device
  arr --sandbox FILE       run untrusted code: files only in the script's folder
  arr kernel install [--user|--prefix P]   register arr as a Jupyter kernel
  arr --help | --version
";

/// Interpreter stack: deep recursion and deep expressions stay errors,
/// never a stack overflow.
const STACK_BYTES: usize = 512 << 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // A panic is a bug in arr, never the user's fault: say so plainly.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("arr: internal error: {info}\nThis is a bug in arr; please report it with the code that caused it.");
    }));
    // Ctrl-C stops the running computation at the next loop iteration or
    // call (the REPL keeps its session); a second Ctrl-C before that quits.
    let _ = ctrlc::set_handler(|| {
        if arr::interrupt::INTERRUPTED.swap(true, std::sync::atomic::Ordering::SeqCst)
            && arr::interrupt::SIGINT_QUITS.load(std::sync::atomic::Ordering::SeqCst)
        {
            std::process::exit(130);
        }
    });
    let child = std::thread::Builder::new()
        .name("arr".into())
        .stack_size(STACK_BYTES)
        .spawn(move || run(args));
    match child {
        Ok(h) => h.join().unwrap_or(ExitCode::from(2)),
        Err(e) => {
            eprintln!("arr: cannot start the interpreter thread: {e}");
            ExitCode::from(2)
        }
    }
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn run(args: Vec<String>) -> ExitCode {
    if args.first().map(|a| a.as_str()) == Some("kernel") {
        return kernel(&args[1..]);
    }
    let mut it = Interp::new(Box::new(StdOutput));
    let mut i = 0;
    let mut sandbox = false;
    while i < args.len() {
        match args[i].as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "-V" | "--version" => {
                println!("arr {}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            "--device" => {
                match args.get(i + 1).map(|s| s.as_str()) {
                    Some("cpu") => {}
                    Some("gpu") => match it.gpu_available(None) {
                        Ok(true) => it.device = vec![arr::eval::Device::Gpu],
                        Ok(false) => {}
                        Err(e) => {
                            eprintln!("{}", it.render(&e, false));
                            return ExitCode::FAILURE;
                        }
                    },
                    other => {
                        eprintln!(
                            "arr: --device takes `cpu` or `gpu`, not {:?}",
                            other.unwrap_or("")
                        );
                        return ExitCode::from(2);
                    }
                }
                i += 2;
            }
            "--sandbox" => {
                sandbox = true;
                i += 1;
            }
            "-e" => {
                let Some(code) = args.get(i + 1) else {
                    eprintln!("arr: -e needs code, e.g. arr -e '1 + 2'");
                    return ExitCode::from(2);
                };
                it.set_argv(args[i + 2..].to_vec());
                if sandbox {
                    // `-e` code has no folder of its own: the current one.
                    match std::env::current_dir().and_then(std::fs::canonicalize) {
                        Ok(d) => it.sandbox = Some(d),
                        Err(e) => {
                            eprintln!("arr: --sandbox: cannot read the current folder: {e}");
                            return ExitCode::from(2);
                        }
                    }
                }
                return match it.run_source("<-e>", code) {
                    Ok(Some(v)) => {
                        // Like the REPL: a trailing `;` or a none value prints nothing.
                        if !code.trim_end().ends_with(';') && !matches!(v, arr::value::Value::None)
                        {
                            it.out.result(&v);
                        }
                        ExitCode::SUCCESS
                    }
                    Ok(None) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprint!("{}", it.render(&e, color()));
                        ExitCode::FAILURE
                    }
                };
            }
            s if s.starts_with('-') && s.len() > 1 => {
                eprintln!("arr: unknown option {s}\n\n{USAGE}");
                return ExitCode::from(2);
            }
            file => {
                it.set_argv(args[i + 1..].to_vec());
                let path = std::path::Path::new(file);
                if sandbox {
                    let dir = std::fs::canonicalize(path)
                        .map(|p| p.parent().map(|d| d.to_path_buf()).unwrap_or(p));
                    match dir {
                        Ok(d) => it.sandbox = Some(d),
                        Err(e) => {
                            eprintln!("arr: cannot read {file}: {e}");
                            return ExitCode::FAILURE;
                        }
                    }
                }
                return match it.run_file(path) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprint!("{}", it.render(&e, color()));
                        ExitCode::FAILURE
                    }
                };
            }
        }
    }
    if sandbox {
        eprintln!("arr: --sandbox needs a script or -e CODE");
        return ExitCode::from(2);
    }
    arr::repl::run(&mut it)
}

#[cfg(feature = "jupyter")]
fn kernel(args: &[String]) -> ExitCode {
    arr::kernel::main(args)
}

#[cfg(not(feature = "jupyter"))]
fn kernel(_: &[String]) -> ExitCode {
    eprintln!("arr: this arr was built without the Jupyter kernel (cargo feature `jupyter`)");
    ExitCode::FAILURE
}
