"""The arr Jupyter kernel, tested through Jupyter's own client libraries.

Run from the repository root after `cargo build --release`:

    python -m unittest discover -s tests/jupyter -v

(needs jupyter_client, nbclient, nbformat, jupyter_kernel_test). The
kernelspec is installed with `arr kernel install --prefix` into a temporary
folder that JUPYTER_PATH points at, so nothing outside it is touched.
ARR_BIN names the binary (default target/release/arr).
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARR = Path(os.environ.get("ARR_BIN", ROOT / "target" / "release" / "arr")).resolve()
PREFIX = Path(tempfile.mkdtemp(prefix="arr-kernelspec-"))
subprocess.run([str(ARR), "kernel", "install", "--prefix", str(PREFIX)], check=True)
os.environ["JUPYTER_PATH"] = str(PREFIX / "share" / "jupyter")
# Charts as PNG whatever the caller's environment says.
os.environ.pop("ARR_PLOT", None)

import jupyter_kernel_test  # noqa: E402
import nbformat  # noqa: E402
from jupyter_client.manager import start_new_kernel  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def strip_ansi(s):
    return ANSI.sub("", s)


def tearDownModule():
    shutil.rmtree(PREFIX, ignore_errors=True)


class ArrKernelTests(jupyter_kernel_test.KernelTests):
    """The protocol checks of jupyter_kernel_test (each message is validated
    against the 5.x message specification)."""

    kernel_name = "arr"
    language_name = "arr"
    file_extension = ".arr"

    code_hello_world = 'print("hello, world")'
    # legend() with nothing labelled writes a note to stderr.
    code_stderr = "figure(); legend()"
    completion_samples = [
        {"text": "linsp", "matches": {"linspace"}},
        {"text": "x = whi", "matches": {"while"}},
        {"text": "a.resh", "matches": {"reshape"}},
    ]
    complete_code_samples = ["x = 1", "print(1)", "for i in range(3) { print(i) }", ":vars"]
    incomplete_code_samples = ["for i in range(3) {", "f(1,", "x = [1, 2,"]
    invalid_code_samples = ["x = = 1", "1 +* 2"]
    code_generate_error = "zeros(3, 4) + ones(5)"
    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "arange(4) * 2", "result": "[0 2 4 6]"},
        {"code": "eye(2)", "mime": "text/html"},
    ]
    code_display_data = [
        {"code": "plot([1, 3, 2])", "mime": "image/png"},
        {"code": "hist(randn(100)); show()", "mime": "image/png"},
    ]
    code_inspect_sample = "linspace"


class ArrKernelBehaviour(unittest.TestCase):
    """What a notebook user sees: the session, the outputs, interrupts."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="arr")

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel()

    def run_cell(self, code, timeout=30):
        """Execute `code`; return (reply content, iopub messages of it)."""
        outputs = []
        reply = self.kc.execute_interactive(
            code, timeout=timeout, output_hook=outputs.append
        )
        return reply["content"], outputs

    def test_variables_live_across_cells_and_counts_increase(self):
        r1, _ = self.run_cell("w = [1.0, 2.0, 3.0]")
        r2, out = self.run_cell("sum(w ** 2)")
        self.assertEqual(r1["status"], "ok")
        self.assertEqual(r2["execution_count"], r1["execution_count"] + 1)
        results = [m for m in out if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1)
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "14.0")
        self.assertEqual(results[0]["content"]["execution_count"], r2["execution_count"])

    def test_error_is_the_ariadne_report_and_the_session_survives(self):
        self.run_cell("kept = 41")
        r, out = self.run_cell("y = zeros(3, 4) + ones(5)")
        self.assertEqual(r["status"], "error")
        self.assertEqual(r["ename"], "shape error")
        errors = [m for m in out if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        tb = strip_ansi("\n".join(errors[0]["content"]["traceback"]))
        self.assertIn("could not be broadcast together with shapes (3, 4) and (5,)", tb)
        self.assertIn("Help:", tb)
        self.assertIn("<cell>:", tb)
        r, out = self.run_cell("kept + 1")
        self.assertEqual(r["status"], "ok")
        self.assertEqual(
            [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"],
            ["42"],
        )

    def test_a_cell_shows_its_figure_once_as_png(self):
        _, out = self.run_cell('x = linspace(0, 6, 50)\nplot(x, sin(x))\ntitle("sine")\nxlabel("x")')
        shown = [m for m in out if m["msg_type"] == "display_data"]
        self.assertEqual(len(shown), 1, "one figure per cell, not one per statement")
        png = base64.b64decode(shown[0]["content"]["data"]["image/png"])
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertIn("text/plain", shown[0]["content"]["data"])
        # The next cell starts a new chart (matplotlib inline's behaviour).
        _, out = self.run_cell("plot([1, 2]); xlim()[1]")
        [res] = [m for m in out if m["msg_type"] == "execute_result"]
        self.assertLess(float(res["content"]["data"]["text/plain"]), 2, "x from 0 to 1, not to 6")

    def test_print_order_and_trailing_semicolon(self):
        r, out = self.run_cell('print("a")\nprint("b")\n3;')
        text = "".join(m["content"]["text"] for m in out if m["msg_type"] == "stream")
        self.assertEqual(text, "a\nb\n")
        self.assertFalse([m for m in out if m["msg_type"] == "execute_result"])

    def test_repl_commands_work_in_cells(self):
        self.run_cell("grid_var = ones(2, 3)")
        _, out = self.run_cell(":vars")
        text = "".join(m["content"]["text"] for m in out if m["msg_type"] == "stream")
        self.assertRegex(text, r"grid_var\s+\(2, 3\)\s+float64")
        _, out = self.run_cell("?linspace")
        text = "".join(m["content"]["text"] for m in out if m["msg_type"] == "stream")
        self.assertIn("linspace(start, stop", text)

    def test_inspect_of_a_call_and_of_a_variable(self):
        self.run_cell("v = arange(3)")
        msg_id = self.kc.inspect("mean(v, ", cursor_pos=8)
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertTrue(reply["content"]["found"])
        self.assertIn("mean(", reply["content"]["data"]["text/plain"])
        self.kc.inspect("v", cursor_pos=1)
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertIn("[0 1 2]", reply["content"]["data"]["text/plain"])
        self.kc.inspect("nosuchname", cursor_pos=3)
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertFalse(reply["content"]["found"])

    def test_completion_of_session_names_with_positions(self):
        self.run_cell("learning_rate = 0.1")
        self.kc.complete("y = learn", cursor_pos=9)
        reply = self.kc.get_shell_msg(timeout=10)["content"]
        self.assertIn("learning_rate", reply["matches"])
        self.assertEqual((reply["cursor_start"], reply["cursor_end"]), (4, 9))

    def test_comm_info_is_empty(self):
        self.kc.comm_info()
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply["msg_type"], "comm_info_reply")
        self.assertEqual(reply["content"]["comms"], {})

    def test_interrupt_stops_the_cell_and_keeps_the_variables(self):
        self.run_cell("before = 7")
        msg_id = self.kc.execute("n = 0\nwhile true { n = n + 1 }")
        time.sleep(0.5)
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "interrupted")
        # Drain the interrupted cell's output.
        while True:
            m = self.kc.get_iopub_msg(timeout=10)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" \
                    and m["content"]["execution_state"] == "idle":
                break
        r, out = self.run_cell("(before, n > 0)")
        self.assertEqual(r["status"], "ok")
        [res] = [m for m in out if m["msg_type"] == "execute_result"]
        self.assertEqual(res["content"]["data"]["text/plain"], "(7, true)")

    def test_malformed_messages_are_skipped(self):
        # Garbage, a bad signature and an unknown type on the shell socket:
        # the kernel logs and skips them and still answers.
        import zmq

        ctx = zmq.Context.instance()
        s = ctx.socket(zmq.DEALER)
        info = self.km.get_connection_info()
        s.connect(f"tcp://{info['ip']}:{info['shell_port']}")
        s.send_multipart([b"junk"])
        s.send_multipart([b"<IDS|MSG>", b"bad", b"{}", b"{}", b"{}", b"{}"])
        s.close(linger=1000)
        msg = self.kc.session.msg("no_such_request", {})
        self.kc.shell_channel.send(msg)
        r, out = self.run_cell("40 + 2")
        self.assertEqual(r["status"], "ok")
        self.assertEqual(
            [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] == "execute_result"],
            ["42"],
        )

    def test_an_error_aborts_the_cells_queued_behind_it(self):
        # The first cell runs a while (~0.3 s) before failing, so the second
        # is surely queued behind it.
        first = self.kc.execute("n = 0\nwhile n < 3000000 { n = n + 1 }\nundefined_name_xyz")
        second = self.kc.execute("queued = 1")
        replies = {}
        while len(replies) < 2:
            m = self.kc.get_shell_msg(timeout=10)
            replies[m["parent_header"]["msg_id"]] = m["content"]["status"]
        self.assertEqual(replies, {first: "error", second: "aborted"})


class LessonNotebook(unittest.TestCase):
    """examples/lesson.ipynb runs through nbclient (as `jupyter nbconvert
    --execute` would) and its saved outputs hold the chart and the error."""

    def test_the_lesson_executes(self):
        path = ROOT / "examples" / "lesson.ipynb"
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb, kernel_name="arr", timeout=60, allow_errors=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
        # Check the outputs as saved: write the executed notebook, read it back.
        saved = os.environ.get("ARR_NOTEBOOK_OUT") or os.path.join(PREFIX, "lesson.ipynb")
        nbformat.write(nb, saved)
        nb = nbformat.read(saved, as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        pngs = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.data]
        self.assertGreaterEqual(len(pngs), 1)
        self.assertEqual(base64.b64decode(pngs[0].data["image/png"])[:4], b"\x89PNG")
        errors = [o for o in outputs if o.output_type == "error"]
        self.assertEqual(len(errors), 1, "the lesson has one deliberate error cell")
        report = strip_ansi("\n".join(errors[0].traceback))
        self.assertIn("shape error", report)
        self.assertIn("Help:", report)
        tables = [o for o in outputs if o.output_type == "execute_result" and "text/html" in o.data]
        self.assertTrue(tables, "a 2-d array shows as an HTML table")
        # The cells after the error ran in the same session.
        last = [o for o in nb.cells[-1].outputs if o.output_type == "stream"]
        self.assertRegex(last[0].text, r"\bw\s+\(2,\)\s+float64")


class KernelspecInstall(unittest.TestCase):
    """`arr kernel install` writes where `jupyter kernelspec list` looks."""

    def list_specs(self, env):
        out = subprocess.run(
            [sys.executable, "-m", "jupyter_client.kernelspecapp", "list", "--json"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout
        return json.loads(out)["kernelspecs"]

    def test_prefix_and_user(self):
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, JUPYTER_DATA_DIR=os.path.join(d, "data"),
                       JUPYTER_PATH=os.path.join(d, "p", "share", "jupyter"))
            subprocess.run([str(ARR), "kernel", "install", "--prefix", os.path.join(d, "p"),
                            "--name", "arr-prefix"], check=True, env=env)
            subprocess.run([str(ARR), "kernel", "install", "--user", "--name", "arr-user"],
                           check=True, env=env)
            specs = self.list_specs(env)
            self.assertIn("arr-prefix", specs)
            self.assertIn("arr-user", specs)
            spec = specs["arr-user"]
            self.assertEqual(spec["spec"]["language"], "arr")
            self.assertEqual(spec["spec"]["argv"][0], str(ARR))
            for f in ("kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"):
                self.assertTrue(os.path.exists(os.path.join(spec["resource_dir"], f)), f)


if __name__ == "__main__":
    unittest.main()
