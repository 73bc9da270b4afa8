#!/usr/bin/env python3
"""The Jupyter kernel's latency, measured through jupyter_client (what
Jupyter itself uses). Targets (issue #20): kernel start to the first
execute_reply under 0.3 s; a trivial cell's round trip under 5 ms.

usage: python3 benches/kernel.py [--arr target/release/arr] [--starts 10] [--cells 500]

- start: from KernelManager.start_kernel() (connection file, process
  spawn) until the execute_reply of `1 + 1`, sent as soon as the client's
  channels are up (ZeroMQ queues it until the kernel has bound its
  sockets): the time a notebook waits before its first cell answers.
- cell: one `execute_request` of `1 + 1` until its execute_reply on shell,
  and until the `idle` status on iopub (all of the cell's output is in),
  as a notebook's Run does.

Needs jupyter_client. Prints median, 90th percentile and best, in ms.
A kernel named in --kernel (e.g. python3, when ipykernel is installed)
is measured the same way, for comparison.
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))


def stats(xs):
    xs = sorted(xs)
    p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
    return f"median {statistics.median(xs):7.2f}   p90 {p90:7.2f}   best {xs[0]:7.2f}"


def measure(kernel_name, starts, cells):
    from jupyter_client.manager import KernelManager

    start_ms = []
    for _ in range(starts):
        km = KernelManager(kernel_name=kernel_name)
        t = time.perf_counter()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        msg_id = kc.execute("1 + 1")
        while True:
            r = kc.get_shell_msg(timeout=30)
            if r["parent_header"].get("msg_id") == msg_id:
                break
        start_ms.append((time.perf_counter() - t) * 1000)
        kc.stop_channels()
        km.shutdown_kernel(now=False)

    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    reply_ms, idle_ms = [], []
    for i in range(cells + 20):
        t = time.perf_counter()
        msg_id = kc.execute("1 + 1")
        while kc.get_shell_msg(timeout=30)["parent_header"].get("msg_id") != msg_id:
            pass
        t_reply = time.perf_counter()
        while True:
            m = kc.get_iopub_msg(timeout=30)
            if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                    and m["content"]["execution_state"] == "idle"):
                break
        t_idle = time.perf_counter()
        if i >= 20:  # warm-up
            reply_ms.append((t_reply - t) * 1000)
            idle_ms.append((t_idle - t) * 1000)
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    print(f"{kernel_name}: start to first execute_reply ({starts} starts): {stats(start_ms)} ms")
    print(f"{kernel_name}: cell `1 + 1` to execute_reply ({cells} cells):   {stats(reply_ms)} ms")
    print(f"{kernel_name}: cell `1 + 1` to idle on iopub ({cells} cells):  {stats(idle_ms)} ms")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arr", default=os.path.join(HERE, "..", "target", "release", "arr"))
    ap.add_argument("--starts", type=int, default=10)
    ap.add_argument("--cells", type=int, default=500)
    ap.add_argument("--kernel", action="append", default=[])
    a = ap.parse_args()
    prefix = tempfile.mkdtemp(prefix="arr-kernel-bench-")
    subprocess.run([os.path.abspath(a.arr), "kernel", "install", "--prefix", prefix],
                   check=True, capture_output=True)
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter") + os.pathsep + \
        os.environ.get("JUPYTER_PATH", "")
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    for k in ["arr"] + a.kernel:
        measure(k, a.starts, a.cells)


if __name__ == "__main__":
    main()
