//! `arr --sandbox FILE`: files only in the script's folder. Each case runs
//! the real binary on a script in `box/`, next to files outside it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

struct Tree {
    root: common::Scratch,
}

impl Tree {
    /// root/outside.npy, root/lib_out.arr, root/box/{data.npy, lib.arr, sub/},
    /// root/box/up -> .. (a folder symlink out), root/box/out.npy ->
    /// ../outside.npy (a file symlink out), root/box/dangling.npy ->
    /// ../created_outside.npy (a symlink to a file that does not exist yet).
    fn new(tag: &str) -> Tree {
        let root = common::Scratch::new(&format!("sandbox-{tag}"));
        std::fs::create_dir_all(root.join("box/sub")).unwrap();
        let t = Tree { root };
        let mk = |code: &str, path: &str| {
            let o = Command::new(env!("CARGO_BIN_EXE_arr"))
                .arg("-e")
                .arg(format!("save(\"{path}\", {code})"))
                .current_dir(&t.root)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        };
        mk("[1, 2, 3]", "outside.npy");
        mk("[4, 5]", "box/data.npy");
        std::fs::write(t.root.join("lib_out.arr"), "SECRET = 42\n").unwrap();
        std::fs::write(t.root.join("box/lib.arr"), "K = 7\n").unwrap();
        std::os::unix::fs::symlink("..", t.root.join("box/up")).unwrap();
        std::os::unix::fs::symlink("../outside.npy", t.root.join("box/out.npy")).unwrap();
        std::os::unix::fs::symlink("../created_outside.npy", t.root.join("box/dangling.npy"))
            .unwrap();
        t
    }

    fn path(&self, p: &str) -> PathBuf {
        self.root.join(p)
    }

    /// Run `code` as box/script.arr under --sandbox: (status, stdout, stderr).
    fn run(&self, code: &str) -> (i32, String, String) {
        self.run_with(code, &["--sandbox"])
    }

    fn run_with(&self, code: &str, opts: &[&str]) -> (i32, String, String) {
        let script = self.path("box/script.arr");
        std::fs::write(&script, code).unwrap();
        // Run from the outer folder: the sandbox is the script's folder,
        // not the current one.
        let o = Command::new(env!("CARGO_BIN_EXE_arr"))
            .args(opts)
            .arg(&script)
            .current_dir(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    /// The code must fail with the sandbox's file error naming `given`.
    fn refused(&self, code: &str, given: &str) {
        let (st, out, err) = self.run(code);
        assert_eq!(st, 1, "`{code}` was not refused: {out}{err}");
        assert!(
            err.contains("file error: the sandbox refuses access to")
                && err.contains(given)
                && err.contains(
                    "Help: under --sandbox a script may only use files in its own folder"
                ),
            "`{code}`:\n{err}"
        );
        assert!(!out.contains("LEAK"), "`{code}` ran on: {out}");
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn inside_the_folder_everything_works() {
    let t = Tree::new("inside");
    let (st, out, err) = t.run(
        "import \"lib.arr\"\n\
         a = load(\"data.npy\")\n\
         save(\"sub/b.npy\", a * K)\n\
         savetxt(\"sub/b.txt\", a)\n\
         save(\"sub/../c.npy\", a)\n\
         print(load(\"sub/b.npy\"), loadtxt(\"sub/b.txt\"), load(\"c.npy\"))\n",
    );
    assert_eq!((st, err.as_str()), (0, ""), "{out}");
    assert_eq!(out, "[28 35] [4. 5.] [4 5]\n");
}

#[test]
fn paths_leading_out_are_refused() {
    let t = Tree::new("out");
    let abs = t.path("outside.npy").display().to_string();
    t.refused(
        "print(\"LEAK\", load(\"../outside.npy\"))",
        "../outside.npy",
    );
    t.refused(&format!("print(\"LEAK\", load(\"{abs}\"))"), &abs);
    t.refused("print(\"LEAK\", loadtxt(\"/etc/passwd\"))", "/etc/passwd");
    t.refused(
        "import \"../lib_out.arr\"\nprint(\"LEAK\", SECRET)",
        "../lib_out.arr",
    );
    t.refused("save(\"../new.npy\", [1])", "../new.npy");
    t.refused("savetxt(\"../new.txt\", [1])", "../new.txt");
    t.refused("save(\"sub/../../new.npy\", [1])", "sub/../../new.npy");
    // `..` through a folder that does not exist (yet).
    t.refused("save(\"nope/../../new.npy\", [1])", "nope/../../new.npy");
    assert_eq!(
        listing(&t.root),
        vec!["box", "lib_out.arr", "outside.npy"],
        "a refused write left a file"
    );
}

#[test]
fn symlinks_leading_out_are_refused() {
    let t = Tree::new("links");
    let before = std::fs::read(t.path("outside.npy")).unwrap();
    t.refused(
        "print(\"LEAK\", load(\"up/outside.npy\"))",
        "up/outside.npy",
    );
    t.refused("print(\"LEAK\", load(\"out.npy\"))", "out.npy");
    t.refused("save(\"out.npy\", [9])", "out.npy");
    t.refused("savetxt(\"up/new.txt\", [9])", "up/new.txt");
    t.refused(
        "import \"up/lib_out.arr\"\nprint(\"LEAK\", SECRET)",
        "up/lib_out.arr",
    );
    assert_eq!(std::fs::read(t.path("outside.npy")).unwrap(), before);
    // A dangling link: saving replaces the link inside the box; nothing is
    // created where it pointed.
    let (st, _, err) = t.run("save(\"dangling.npy\", [9])");
    assert_eq!(st, 0, "{err}");
    assert!(!t.path("created_outside.npy").exists());
    assert!(!std::fs::symlink_metadata(t.path("box/dangling.npy"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn without_sandbox_the_same_paths_work() {
    let t = Tree::new("free");
    let (st, out, err) = t.run_with(
        "import \"../lib_out.arr\"\nprint(load(\"../outside.npy\"), SECRET)",
        &[],
    );
    assert_eq!((st, err.as_str()), (0, ""), "{out}");
    assert_eq!(out, "[1 2 3] 42\n");
}

#[test]
fn sandboxed_dash_e_uses_the_current_folder() {
    let t = Tree::new("dash-e");
    let run = |code: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_arr"))
            .args(["--sandbox", "-e", code])
            .current_dir(t.path("box"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (st, out, _) = run("load(\"data.npy\")");
    assert_eq!((st, out.as_str()), (Some(0), "[4 5]\n"));
    let (st, _, err) = run("load(\"../outside.npy\")");
    assert_eq!(st, Some(1));
    assert!(err.contains("the sandbox refuses access"), "{err}");
    // --sandbox without a script or code is a usage error, not a REPL.
    let o = Command::new(env!("CARGO_BIN_EXE_arr"))
        .arg("--sandbox")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
