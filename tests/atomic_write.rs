//! `save` and `savetxt` never leave a partial file: a write that fails
//! (disk full, missing or read-only folder, killed process) leaves the old
//! file as it was and no temp file behind (except after SIGKILL, which no
//! program can clean up after: then only a recognisable temp file remains).

mod common;
use arr::array::Array;
use arr::data::{is_temp_name, write_atomic_with, write_npy, write_text, WriteFail};
use arr::diagnostics::ErrorKind;
use std::io::{self, Write};
use std::path::Path;

fn tmpdir(tag: &str) -> common::Scratch {
    common::Scratch::new(&format!("atomic-{tag}"))
}

fn entries(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A writer that fails with "no space left on device" after `left` bytes.
struct DiskFull<W> {
    inner: W,
    left: usize,
}

impl<W: Write> Write for DiskFull<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::from_raw_os_error(28)); // ENOSPC
        }
        let n = b.len().min(self.left);
        self.left -= n;
        self.inner.write(&b[..n])
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn table() -> Array {
    Array::from_vec(&[2000, 3], (0..6000).map(|i| i as f64 / 7.0).collect())
}

#[test]
fn savetxt_and_save_with_a_full_disk_keep_the_old_file() {
    let d = tmpdir("full");
    let p = d.join("t.txt");
    std::fs::write(&p, "old contents\n").unwrap();
    let a = table();
    let mut whole = Vec::new();
    write_text(&mut whole, &a, " ", "x y z", None).unwrap();
    // Fail at the start, in the header, mid-row, and one byte short.
    for left in [0, 3, whole.len() / 2, whole.len() - 1] {
        let r = write_atomic_with(
            &p,
            |f| DiskFull { inner: f, left },
            |w| write_text(w, &a, " ", "x y z", None),
        );
        let e = r.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Io);
        assert!(e.message.contains("t.txt"), "{}", e.message);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old contents\n");
        assert_eq!(entries(&d), vec!["t.txt"], "after failing at {left}");
    }
    // With room for every byte it succeeds and replaces the file whole.
    write_atomic_with(
        &p,
        |f| DiskFull {
            inner: f,
            left: whole.len(),
        },
        |w| write_text(w, &a, " ", "x y z", None),
    )
    .unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), whole);
    // The same for .npy.
    let q = d.join("a.npy");
    std::fs::write(&q, b"old").unwrap();
    for left in [0, 10, 200, 30000] {
        let r = write_atomic_with(
            &q,
            |f| DiskFull { inner: f, left },
            |w| Ok::<(), WriteFail>(write_npy(w, &a)?),
        );
        assert_eq!(r.unwrap_err().kind, ErrorKind::Io);
        assert_eq!(std::fs::read(&q).unwrap(), b"old");
    }
    assert_eq!(entries(&d), vec!["a.npy", "t.txt"]);
}

#[test]
fn a_format_error_midway_keeps_the_old_file() {
    let d = tmpdir("fmt");
    std::fs::write(d.join("t.txt"), "old\n").unwrap();
    // Two formats for three columns: found while writing, after the header.
    let r = common::run_named(
        "<t>",
        "savetxt(\"t.txt\", ones(4, 3), header=\"h\", fmt=(\"%d\", \"%d\"))",
        Some(d.to_path_buf()),
    );
    assert!(
        r.error.is_some(),
        "savetxt accepted 2 formats for 3 columns"
    );
    assert_eq!(std::fs::read_to_string(d.join("t.txt")).unwrap(), "old\n");
    assert_eq!(entries(&d), vec!["t.txt"]);
}

#[test]
fn missing_folder_is_a_file_error_and_creates_nothing() {
    let d = tmpdir("missing");
    for code in [
        "save(\"nope/a.npy\", [1, 2])",
        "save(\"nope/a.npz\", a=[1, 2])",
        "savetxt(\"nope/a.txt\", [1, 2])",
        "savetxt(\"nope/a.csv\", [[1, 2]])",
    ] {
        let r = common::run_named("<t>", code, Some(d.to_path_buf()));
        assert_eq!(r.kind, Some(ErrorKind::Io), "`{code}`: {:?}", r.error);
        let rep = r.error.unwrap();
        assert!(rep.contains("nope/a."), "{rep}");
        assert!(rep.contains("Help:"), "{rep}");
    }
    assert!(entries(&d).is_empty(), "{:?}", entries(&d));
}

#[test]
fn read_only_folder_keeps_the_old_file() {
    use std::os::unix::fs::PermissionsExt;
    let d = tmpdir("ro");
    let p = d.join("a.npy");
    let r = common::run_named("<t>", "save(\"a.npy\", [1, 2, 3])", Some(d.to_path_buf()));
    assert!(r.error.is_none());
    let before = std::fs::read(&p).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o555)).unwrap();
    // root ignores folder permissions; then there is nothing to test here.
    let probe = d.join("probe");
    let writable = std::fs::write(&probe, b"").is_ok();
    if writable {
        std::fs::remove_file(&probe).unwrap();
        eprintln!("read_only_folder_keeps_the_old_file: running as root, skipped");
    } else {
        for code in [
            "save(\"a.npy\", [9, 9])",
            "savetxt(\"a.npy\", [9, 9])",
            "save(\"b.npy\", [9])",
        ] {
            let r = common::run_named("<t>", code, Some(d.to_path_buf()));
            assert_eq!(r.kind, Some(ErrorKind::Io), "`{code}`: {:?}", r.error);
        }
        assert_eq!(std::fs::read(&p).unwrap(), before);
        assert_eq!(entries(&d), vec!["a.npy"]);
    }
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_killed_save_never_leaves_a_partial_target() {
    let d = tmpdir("kill");
    let p = d.join("big.npy");
    std::fs::write(&p, b"old").unwrap();
    // 16M float64 = 128 MB: long enough to be killed mid-write.
    std::fs::write(d.join("s.arr"), "save(\"big.npy\", ones(16000000))\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_arr"))
        .arg(d.join("s.arr"))
        .spawn()
        .unwrap();
    // Wait for the temp file to exist and grow, then SIGKILL.
    let t = std::time::Instant::now();
    let mut saw_temp = false;
    while t.elapsed() < std::time::Duration::from_secs(30) {
        let temp = entries(&d).into_iter().find(|n| is_temp_name(n));
        if let Some(n) = temp {
            if std::fs::metadata(d.join(&n))
                .map(|m| m.len() > 1 << 20)
                .unwrap_or(false)
            {
                saw_temp = true;
                break;
            }
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
    let got = std::fs::read(&p).unwrap();
    if saw_temp {
        assert_eq!(got, b"old", "the target changed before the write finished");
    } else {
        // The save finished before we could kill it: then it is whole.
        assert_eq!(got.len(), 128 + 16_000_000 * 8);
    }
    // Anything else in the folder is a temp file arr can be told apart by.
    for n in entries(&d) {
        assert!(n == "big.npy" || n == "s.arr" || is_temp_name(&n), "{n}");
    }
}

#[test]
fn a_pipe_is_written_in_place_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let d = tmpdir("fifo");
    let fifo = d.join("pipe");
    let st = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(st.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let r = common::run_named(
        "<t>",
        "savetxt(\"pipe\", [1.5, 2.5], fmt=\"%.1f\")",
        Some(d.to_path_buf()),
    );
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(reader.join().unwrap(), "1.5\n2.5\n");
    // Still a pipe (a temp file renamed over it would have replaced it),
    // and nothing else was left in the folder.
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(entries(&d), vec!["pipe"]);
}
