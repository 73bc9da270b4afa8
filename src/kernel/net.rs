//! The network thread: the five sockets of a connection file on a
//! single-threaded tokio runtime. Heartbeat and control are answered here;
//! shell and stdin requests go to the interpreter thread; everything the
//! kernel sends goes through one queue (`Out`), written in order.

use super::wire::{self, Message, Session};
use super::{log, Connection, In, Ports};
use bytes::Bytes;
use serde_json::json;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use zeromq::{PubSocket, RepSocket, RouterSocket, Socket, SocketRecv, SocketSend, ZmqMessage};

#[derive(Clone, Copy, Debug)]
pub enum Sock {
    Shell,
    IoPub,
    Stdin,
    Control,
}

pub enum Out {
    Send(Sock, Vec<Bytes>),
    /// Send what is queued, then end the process (after `shutdown_reply`).
    Exit,
}

/// Bind the sockets and start serving them; returns the sender of the
/// outgoing queue once every socket is bound.
pub fn start(
    conn: Connection,
    session: Arc<Session>,
    to_interp: std::sync::mpsc::Sender<In>,
) -> Result<tokio::sync::mpsc::UnboundedSender<Out>, String> {
    let (out_tx, out_rx) = tokio::sync::mpsc::unbounded_channel();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let ports = Ports {
        session,
        out: out_tx.clone(),
    };
    std::thread::Builder::new()
        .name("arr-kernel-net".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(format!("cannot start the network runtime: {e}")));
                    return;
                }
            };
            rt.block_on(serve(conn, ports, to_interp, out_rx, ready_tx));
        })
        .map_err(|e| format!("cannot start the network thread: {e}"))?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(out_tx),
        Ok(Err(e)) => Err(e),
        Err(_) => Err("the network thread ended before binding its sockets".into()),
    }
}

async fn bind<S: Socket>(mut s: S, ip: &str, port: u16, what: &str) -> Result<S, String> {
    let ep = format!("tcp://{ip}:{port}");
    s.bind(&ep)
        .await
        .map_err(|e| format!("cannot bind the {what} socket to {ep}: {e}"))?;
    Ok(s)
}

fn frames(m: ZmqMessage) -> Vec<Bytes> {
    m.into_vec()
}

/// A receive error: ZeroMQ reports a vanished peer this way; wait a moment
/// so a socket with no peers does not spin.
async fn pause() {
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
}

async fn serve(
    conn: Connection,
    ports: Ports,
    to_interp: std::sync::mpsc::Sender<In>,
    mut out_rx: tokio::sync::mpsc::UnboundedReceiver<Out>,
    ready: std::sync::mpsc::Sender<Result<(), String>>,
) {
    let ip = conn.ip.as_str();
    let bound = async {
        Ok::<_, String>((
            bind(RouterSocket::new(), ip, conn.shell_port, "shell").await?,
            bind(RouterSocket::new(), ip, conn.control_port, "control").await?,
            bind(RouterSocket::new(), ip, conn.stdin_port, "stdin").await?,
            bind(PubSocket::new(), ip, conn.iopub_port, "iopub").await?,
            bind(RepSocket::new(), ip, conn.hb_port, "heartbeat").await?,
        ))
    }
    .await;
    let (shell, control, stdin, mut iopub, mut hb) = match bound {
        Ok(s) => s,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    let key = ports.session.key.clone();
    let (mut shell_tx, mut shell_rx) = shell.split();
    let (mut control_tx, mut control_rx) = control.split();
    let (mut stdin_tx, mut stdin_rx) = stdin.split();

    // Heartbeat: echo.
    tokio::spawn(async move {
        loop {
            match hb.recv().await {
                Ok(m) => {
                    let _ = hb.send(m).await;
                }
                Err(_) => pause().await,
            }
        }
    });
    // Shell and stdin: decode, hand to the interpreter thread.
    let k = key.clone();
    let to = to_interp.clone();
    tokio::spawn(async move {
        loop {
            match shell_rx.recv().await {
                Ok(m) => match wire::decode(frames(m), &k) {
                    Ok(msg) => {
                        if to.send(In::Shell(msg)).is_err() {
                            return;
                        }
                    }
                    Err(e) => log(&format!("skipped a malformed shell message: {e}")),
                },
                Err(_) => pause().await,
            }
        }
    });
    let k = key.clone();
    tokio::spawn(async move {
        loop {
            match stdin_rx.recv().await {
                Ok(m) => match wire::decode(frames(m), &k) {
                    Ok(msg) => {
                        if to_interp.send(In::Stdin(msg)).is_err() {
                            return;
                        }
                    }
                    Err(e) => log(&format!("skipped a malformed stdin message: {e}")),
                },
                Err(_) => pause().await,
            }
        }
    });
    // Control: answered here, so it works while a cell runs.
    let p = ports.clone();
    tokio::spawn(async move {
        loop {
            match control_rx.recv().await {
                Ok(m) => match wire::decode(frames(m), &key) {
                    Ok(msg) => control_request(&p, &msg),
                    Err(e) => log(&format!("skipped a malformed control message: {e}")),
                },
                Err(_) => pause().await,
            }
        }
    });
    // The one writer.
    while let Some(o) = out_rx.recv().await {
        let (sock, f) = match o {
            Out::Send(sock, f) => (sock, f),
            Out::Exit => {
                // Let the last replies leave before the process ends.
                tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                std::process::exit(0);
            }
        };
        let Ok(m) = ZmqMessage::try_from(f) else {
            continue;
        };
        let r = match sock {
            Sock::Shell => shell_tx.send(m).await,
            Sock::Control => control_tx.send(m).await,
            Sock::Stdin => stdin_tx.send(m).await,
            Sock::IoPub => iopub.send(m).await,
        };
        if let Err(e) = r {
            // A client that went away: its reply has nowhere to go.
            log(&format!("could not send on {sock:?}: {e}"));
        }
    }
}

fn control_request(p: &Ports, m: &Message) {
    p.status(&m.header, "busy");
    match m.msg_type() {
        "kernel_info_request" => {
            p.reply(Sock::Control, m, "kernel_info_reply", super::kernel_info())
        }
        "interrupt_request" => {
            // The running cell stops at its next loop iteration or call,
            // as with Ctrl-C in the REPL; the session keeps its variables.
            crate::interrupt::INTERRUPTED.store(true, Ordering::SeqCst);
            p.reply(
                Sock::Control,
                m,
                "interrupt_reply",
                json!({ "status": "ok" }),
            );
        }
        "shutdown_request" => {
            let restart = m
                .content
                .get("restart")
                .and_then(|r| r.as_bool())
                .unwrap_or(false);
            p.reply(
                Sock::Control,
                m,
                "shutdown_reply",
                json!({ "status": "ok", "restart": restart }),
            );
            p.status(&m.header, "idle");
            let _ = p.out.send(Out::Exit);
            return;
        }
        other => log(&format!(
            "skipped a control message of unknown type {other:?}"
        )),
    }
    p.status(&m.header, "idle");
}
