//! The `arr` binary: scripts, `-e`, argv, exit status, piped REPL input.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

fn arr() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_arr"));
    c.env("NO_COLOR", "1").env_remove("RUST_BACKTRACE");
    c
}

fn out(c: &mut Command) -> (i32, String, String) {
    let o = c.output().expect("run arr");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn dash_e_prints_the_last_value() {
    let (code, so, _) = out(arr().args(["-e", "x = 2\nx * 3"]));
    assert_eq!(code, 0);
    assert_eq!(so, "6\n");
    let (code, so, _) = out(arr().args(["-e", "[[1, 2], [3, 4]] @ [[5, 6], [7, 8]]"]));
    assert_eq!(code, 0);
    assert_eq!(so, "[[19 22]\n [43 50]]\n");
    // A trailing `;` suppresses the value.
    let (_, so, _) = out(arr().args(["-e", "1 + 1;"]));
    assert_eq!(so, "");
}

#[test]
fn script_runs_prints_and_exits_zero() {
    let dir = common::Scratch::new("cli");
    let f = dir.join("s.arr");
    std::fs::write(&f, "x = arange(3)\nx * 2          # expression statements print nothing in scripts\nprint(\"x =\", x, len(argv), argv[0])\n").unwrap();
    let (code, so, se) = out(arr().arg(&f).arg("hello"));
    assert_eq!(code, 0, "{se}");
    assert_eq!(so, "x = [0 1 2] 1 hello\n");
}

#[test]
fn errors_exit_one_with_a_report() {
    let (code, so, se) = out(arr().args(["-e", "zeros(3) + zeros(4)"]));
    assert_eq!(code, 1);
    assert_eq!(so, "");
    assert!(
        se.contains("shape error") && se.contains("<-e>:1:1"),
        "{se}"
    );
    assert!(!se.contains("internal error"));
    let (code, _, se) = out(arr().arg("/no/such/file.arr"));
    assert_eq!(code, 1);
    assert!(se.contains("cannot read"), "{se}");
}

#[test]
fn import_runs_a_file_relative_to_the_script() {
    let dir = common::Scratch::new("imp");
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(dir.join("lib/helpers.arr"), "fn twice(x) = 2 * x\nK = 21\n").unwrap();
    std::fs::write(
        dir.join("main.arr"),
        "import \"lib/helpers.arr\"\nprint(twice(K))\n",
    )
    .unwrap();
    let (code, so, se) = out(arr().arg(dir.join("main.arr")));
    assert_eq!(code, 0, "{se}");
    assert_eq!(so, "42\n");
    std::fs::write(dir.join("a.arr"), "import \"a.arr\"\n").unwrap();
    let (code, _, se) = out(arr().arg(dir.join("a.arr")));
    assert_eq!(code, 1);
    assert!(se.contains("circular import"), "{se}");
}

#[test]
fn piped_stdin_runs_like_the_repl_without_prompts() {
    let mut child = arr()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"x = 2; x * 3\ny = [1,\n  2]\ny\nundefined_name\nx + 1\nz = 5;\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let so = String::from_utf8_lossy(&o.stdout);
    let se = String::from_utf8_lossy(&o.stderr);
    assert_eq!(so, "6\n[1 2]\n3\n", "stderr: {se}");
    assert!(se.contains("`undefined_name` is not defined"));
    assert!(
        !so.contains('\x1b') && !se.contains('\x1b'),
        "no escape codes when piped"
    );
}

#[test]
fn help_and_version() {
    let (code, so, _) = out(arr().arg("--version"));
    assert_eq!(code, 0);
    assert!(so.starts_with("arr "));
    let (code, so, _) = out(arr().arg("--help"));
    assert_eq!(code, 0);
    assert!(so.contains("arr -e"));
    let (code, _, se) = out(arr().arg("--bogus"));
    assert_eq!(code, 2);
    assert!(se.contains("unknown option"));
}

#[test]
fn gpu_block_falls_back_to_cpu_with_one_warning() {
    // ARR_NO_GPU=1 hides any adapter, as on a machine without one.
    let (code, so, se) = out(arr()
        .args([
            "-e",
            "@device(gpu) { x = ones(3) }\n@device(gpu) { y = x * 2 }\nprint(y.device)\ny",
        ])
        .env("ARR_NO_GPU", "1")
        .env_remove("ARR_DEVICE"));
    assert_eq!(code, 0, "{se}");
    assert_eq!(so, "cpu\n[2. 2. 2.]\n");
    assert_eq!(se.matches("warning").count(), 1, "{se}");
    let (code, _, se) = out(arr()
        .args(["-e", "@device(gpu) { x = 1 }"])
        .env("ARR_NO_GPU", "1")
        .env("ARR_DEVICE", "require-gpu"));
    assert_eq!(code, 1);
    assert!(se.contains("require-gpu"), "{se}");
    // --device gpu: the same warning, or the same error.
    let (code, so, se) = out(arr()
        .args([
            "--device",
            "gpu",
            "-e",
            "x = [1.0, 2.0] * 2\nprint(x.device)\nx",
        ])
        .env("ARR_NO_GPU", "1")
        .env_remove("ARR_DEVICE"));
    assert_eq!(code, 0, "{se}");
    assert_eq!(so, "cpu\n[2. 4.]\n");
    assert_eq!(se.matches("warning: no GPU adapter").count(), 1, "{se}");
    let (code, _, se) = out(arr()
        .args(["--device", "gpu", "-e", "1"])
        .env("ARR_NO_GPU", "1")
        .env("ARR_DEVICE", "require-gpu"));
    assert_eq!(code, 1);
    assert!(se.contains("require-gpu"), "{se}");
}

#[test]
fn device_gpu_runs_the_whole_script_on_the_gpu() {
    let (code, so, se) = out(arr()
        .args([
            "--device",
            "gpu",
            "-e",
            "x = [1.0, 2.0] * 2\nprint(x.device)\nx",
        ])
        .env_remove("ARR_NO_GPU")
        .env_remove("ARR_DEVICE"));
    assert_eq!(code, 0, "{se}");
    if se.contains("no GPU adapter") {
        assert!(
            std::env::var("ARR_REQUIRE_GPU_TESTS").as_deref() != Ok("1"),
            "no GPU adapter and ARR_REQUIRE_GPU_TESTS=1"
        );
        println!("skipped: no GPU adapter");
        return;
    }
    assert_eq!(so, "gpu\n[2. 4.]\n");
}

#[test]
fn printing_follows_numpy() {
    let cases: &[(&str, &str)] = &[
        ("[1.0, 2.0, 3.0]", "[1. 2. 3.]"),
        ("[[1, 2], [3, 4]]", "[[1 2]\n [3 4]]"),
        ("[true, false]", "[ true false]"),
        ("3", "3"),
        ("2.5", "2.5"),
        ("true", "true"),
        ("[1.5, 2.25, -10.0]", "[  1.5    2.25 -10.  ]"),
        ("arange(1002)", "[   0    1    2 ...  999 1000 1001]"),
        ("[1e-5, 1.0]", "[1.e-05 1.e+00]"),
        ("(1, [1, 2])", "(1, [1 2])"),
        ("{\"a\": 1.5}", "{\"a\": 1.5}"),
        ("\"text\"", "\"text\""),
        ("none", ""),
        ("float32", "float32"),
        ("astype([0.1, 0.2], float32)", "[0.1 0.2]"),
    ];
    for (code, want) in cases {
        let (code_rc, so, se) = out(arr().args(["-e", code]));
        assert_eq!(code_rc, 0, "{code}: {se}");
        assert_eq!(so.trim_end_matches('\n'), *want, "printing {code}");
    }
}

#[test]
fn ctrl_c_stops_a_running_script_with_an_error() {
    let dir = common::Scratch::new("int");
    let f = dir.join("spin.arr");
    std::fs::write(&f, "print(\"started\")\nwhile true { x = 1 }\n").unwrap();
    let mut child = arr()
        .arg(&f)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "started\n");
    let t = std::time::Instant::now();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        t.elapsed() < std::time::Duration::from_secs(2),
        "stopping took {:?}",
        t.elapsed()
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("stopped by Ctrl-C"));
}
