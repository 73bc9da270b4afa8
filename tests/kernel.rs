//! The Jupyter kernel driven over ZeroMQ from Rust (a client built from the
//! same `zeromq` crate and arr's own wire format), so `cargo test` checks
//! the protocol without Python. tests/jupyter/test_kernel.py checks it with
//! Jupyter's own clients (in .ci/run).
#![cfg(feature = "jupyter")]

use arr::kernel::wire::{decode, Key, Message, Session};
use bytes::Bytes;
use serde_json::{json, Value as Json};
use std::process::{Child, Command};
use std::time::Duration;
use zeromq::{DealerSocket, Socket, SocketRecv, SocketSend, SubSocket, ZmqMessage};

const ARR: &str = env!("CARGO_BIN_EXE_arr");
const WAIT: Duration = Duration::from_secs(20);

struct Client {
    session: Session,
    shell: DealerSocket,
    control: DealerSocket,
    iopub: SubSocket,
    kernel: Child,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start() -> Client {
    let dir = std::env::temp_dir().join(format!(
        "arr-kernel-test-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ports: Vec<u16> = (0..5).map(|_| free_port()).collect();
    let conn = json!({
        "shell_port": ports[0], "iopub_port": ports[1], "stdin_port": ports[2],
        "control_port": ports[3], "hb_port": ports[4], "ip": "127.0.0.1",
        "key": "a-secret", "transport": "tcp", "signature_scheme": "hmac-sha256",
    });
    let file = dir.join("kernel.json");
    std::fs::write(&file, conn.to_string()).expect("connection file");
    let kernel = Command::new(ARR)
        .args(["kernel", "-f"])
        .arg(&file)
        .spawn()
        .expect("start the kernel");
    let ep = |p: u16| format!("tcp://127.0.0.1:{p}");
    let mut shell = DealerSocket::new();
    shell.connect(&ep(ports[0])).await.expect("shell");
    let mut iopub = SubSocket::new();
    iopub.connect(&ep(ports[1])).await.expect("iopub");
    iopub.subscribe("").await.expect("subscribe");
    let mut control = DealerSocket::new();
    control.connect(&ep(ports[3])).await.expect("control");
    let mut c = Client {
        session: Session::new(Key::new(b"a-secret")),
        shell,
        control,
        iopub,
        kernel,
        _dir: TempDir(dir),
    };
    // Like jupyter_client's wait_for_ready: kernel_info until iopub speaks
    // (a SUB socket misses what is published before it is subscribed).
    loop {
        let id = c.send(false, "kernel_info_request", json!({})).await;
        let _ = c.reply(false, &id).await;
        if let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(300), c.iopub_msg()).await {
            break;
        }
    }
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(100), c.iopub_msg()).await {}
    c
}

impl Client {
    /// Send a request; returns its msg_id.
    async fn send(&mut self, control: bool, msg_type: &str, content: Json) -> String {
        let frames = self.session.encode(vec![], msg_type, &json!({}), content);
        // `encode` wrote a fresh header: read back its msg_id.
        let header: Json = serde_json::from_slice(&frames[2]).expect("header");
        let id = header["msg_id"].as_str().unwrap_or_default().to_string();
        let m = ZmqMessage::try_from(frames).expect("frames");
        let sock = if control {
            &mut self.control
        } else {
            &mut self.shell
        };
        sock.send(m).await.expect("send");
        id
    }

    async fn raw(&mut self, frames: Vec<&'static [u8]>) {
        let m = ZmqMessage::try_from(
            frames
                .into_iter()
                .map(Bytes::from_static)
                .collect::<Vec<_>>(),
        )
        .expect("frames");
        self.shell.send(m).await.expect("send");
    }

    /// The reply to `id` on shell (or control).
    async fn reply(&mut self, control: bool, id: &str) -> Message {
        let sock = if control {
            &mut self.control
        } else {
            &mut self.shell
        };
        loop {
            let m = tokio::time::timeout(WAIT, sock.recv())
                .await
                .expect("a reply in time")
                .expect("recv");
            let msg =
                decode(m.into_vec(), &self.session.key).expect("the kernel's messages decode");
            if msg.parent["msg_id"] == id {
                return msg;
            }
        }
    }

    async fn iopub_msg(&mut self) -> Option<Message> {
        let m = self.iopub.recv().await.ok()?;
        decode(m.into_vec(), &self.session.key).ok()
    }

    /// Every iopub message of request `id` up to its `idle`.
    async fn outputs(&mut self, id: &str) -> Vec<Message> {
        let mut out = Vec::new();
        loop {
            let m = tokio::time::timeout(WAIT, self.iopub_msg())
                .await
                .expect("iopub in time")
                .expect("an iopub message");
            if m.parent["msg_id"] != id {
                continue;
            }
            let idle = m.msg_type() == "status" && m.content["execution_state"] == "idle";
            out.push(m);
            if idle {
                return out;
            }
        }
    }

    async fn execute(&mut self, code: &str) -> (Message, Vec<Message>) {
        let id = self
            .send(
                false,
                "execute_request",
                json!({ "code": code, "silent": false }),
            )
            .await;
        let reply = self.reply(false, &id).await;
        let out = self.outputs(&id).await;
        (reply, out)
    }
}

fn result_text(out: &[Message]) -> Vec<String> {
    out.iter()
        .filter(|m| m.msg_type() == "execute_result")
        .map(|m| {
            m.content["data"]["text/plain"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn a_session_over_zeromq() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut c = start().await;
        let id = c.send(false, "kernel_info_request", json!({})).await;
        let info = c.reply(false, &id).await;
        assert_eq!(info.msg_type(), "kernel_info_reply");
        assert_eq!(info.content["language_info"]["name"], "arr");
        assert_eq!(info.content["protocol_version"], "5.3");

        // busy, execute_input, stream, execute_result, idle — in that order.
        let (reply, out) = c.execute("x = 20\nprint(\"hi\")\nx * 2 + 2").await;
        assert_eq!(reply.content["status"], "ok");
        let types: Vec<&str> = out.iter().map(|m| m.msg_type()).collect();
        assert_eq!(
            types,
            [
                "status",
                "execute_input",
                "stream",
                "execute_result",
                "status"
            ]
        );
        assert_eq!(out[2].content["text"], "hi\n");
        assert_eq!(result_text(&out), ["42"]);
        assert_eq!(
            out[3].content["execution_count"],
            reply.content["execution_count"]
        );

        // Garbage and a forged signature are skipped; the kernel answers on.
        c.raw(vec![b"junk"]).await;
        c.raw(vec![b"<IDS|MSG>", b"0000", b"{}", b"{}", b"{}", b"{}"])
            .await;
        let (reply, out) = c.execute("x + 1").await;
        assert_eq!(reply.content["status"], "ok");
        assert_eq!(result_text(&out), ["21"]);

        // An error: the report, and the session survives.
        let (reply, out) = c.execute("x[5]").await;
        assert_eq!(reply.content["status"], "error");
        let err: Vec<&Message> = out.iter().filter(|m| m.msg_type() == "error").collect();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].content["ename"], reply.content["ename"]);

        // A chart: one PNG.
        let (_, out) = c.execute("plot([1, 2, 3]); title(\"t\");").await;
        let shown: Vec<&Message> = out
            .iter()
            .filter(|m| m.msg_type() == "display_data")
            .collect();
        assert_eq!(shown.len(), 1);
        assert!(shown[0].content["data"]["image/png"]
            .as_str()
            .is_some_and(|s| s.starts_with("iVBORw0KGgo")));

        // complete, inspect, is_complete.
        let id = c
            .send(
                false,
                "complete_request",
                json!({ "code": "linsp", "cursor_pos": 5 }),
            )
            .await;
        let r = c.reply(false, &id).await;
        assert_eq!(r.content["matches"], json!(["linspace"]));
        assert_eq!(
            (
                r.content["cursor_start"].as_u64(),
                r.content["cursor_end"].as_u64()
            ),
            (Some(0), Some(5))
        );
        let id = c
            .send(
                false,
                "inspect_request",
                json!({ "code": "zeros(", "cursor_pos": 6, "detail_level": 0 }),
            )
            .await;
        let r = c.reply(false, &id).await;
        assert_eq!(r.content["found"], true);
        assert!(r.content["data"]["text/plain"]
            .as_str()
            .is_some_and(|t| t.starts_with("zeros(")));
        let id = c
            .send(
                false,
                "is_complete_request",
                json!({ "code": "if x > 1 {" }),
            )
            .await;
        assert_eq!(c.reply(false, &id).await.content["status"], "incomplete");

        // Interrupt on control stops an endless loop; variables stay.
        let id = c
            .send(
                false,
                "execute_request",
                json!({ "code": "while true { x = x + 1 }" }),
            )
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let iid = c.send(true, "interrupt_request", json!({})).await;
        assert_eq!(c.reply(true, &iid).await.content["status"], "ok");
        let r = c.reply(false, &id).await;
        assert_eq!(r.content["status"], "error");
        assert_eq!(r.content["ename"], "interrupted");
        c.outputs(&id).await;
        let (_, out) = c.execute("x > 20").await;
        assert_eq!(result_text(&out), ["true"]);

        // Shutdown on control ends the process.
        let sid = c
            .send(true, "shutdown_request", json!({ "restart": false }))
            .await;
        assert_eq!(c.reply(true, &sid).await.content["status"], "ok");
        let t = std::time::Instant::now();
        loop {
            if let Ok(Some(status)) = c.kernel.try_wait() {
                assert!(status.success(), "{status}");
                break;
            }
            assert!(t.elapsed() < WAIT, "the kernel did not exit after shutdown");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
}

#[test]
fn install_writes_a_kernelspec_into_the_prefix() {
    let dir =
        TempDir(std::env::temp_dir().join(format!("arr-kernelspec-test-{}", std::process::id())));
    let out = Command::new(ARR)
        .args(["kernel", "install", "--prefix"])
        .arg(&dir.0)
        .output()
        .expect("run arr kernel install");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let spec = dir.0.join("share/jupyter/kernels/arr");
    let j: Json = serde_json::from_str(
        &std::fs::read_to_string(spec.join("kernel.json")).expect("kernel.json"),
    )
    .expect("kernel.json is JSON");
    assert_eq!(j["argv"][1], "kernel");
    assert_eq!(j["argv"][3], "{connection_file}");
    assert!(std::path::Path::new(j["argv"][0].as_str().unwrap_or("")).is_absolute());
    for logo in ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"] {
        assert!(spec.join(logo).is_file(), "{logo}");
    }
    // Bad arguments: a usage message and status 2, no files.
    let out = Command::new(ARR)
        .args(["kernel", "install", "--bogus"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: arr kernel install"));
    let out = Command::new(ARR)
        .args(["kernel", "-f", "/nonexistent/conn.json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot use the connection file"));
}
