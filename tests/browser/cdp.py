"""A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (standard library only).

Chromium reads commands from file descriptor 3 and writes replies and events to descriptor 4,
each message a JSON object followed by a NUL byte. No websocket, no network port.
"""
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser(explicit=None):
    """The browser's path: `explicit`, $VB_CHROMIUM, or the first candidate on PATH; else None."""
    for name in (explicit, os.environ.get("VB_CHROMIUM")) + CANDIDATES:
        if name:
            path = shutil.which(name)
            if path:
                return path
    return None


class CDPError(Exception):
    pass


class Browser:
    def __init__(self, path, timeout=60.0, extra_args=()):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="vb-chromium-")
        r3, w3 = os.pipe()  # we write, the browser reads (its fd 3)
        r4, w4 = os.pipe()  # the browser writes (its fd 4), we read

        def child():
            # dup twice: dup2 onto a descriptor that already has the number would keep
            # close-on-exec set
            a, b = os.dup(r3), os.dup(w4)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [path, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-default-apps", "--disable-extensions", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--mute-audio",
                "--hide-scrollbars", "--disable-dev-shm-usage", "--remote-debugging-pipe",
                "--user-data-dir=" + self.profile] + list(extra_args) + ["about:blank"]
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, preexec_fn=child, close_fds=False,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.stderr)
        os.close(r3)
        os.close(w4)
        self.out = w3
        self.inp = r4
        self.buf = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.out, self.inp):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def _send(self, method, params, session):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self.out, data)
            data = data[n:]
        return self.next_id

    def _read_one(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("timed out waiting for the browser")
            ready, _, _ = select.select([self.inp], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.inp, 1 << 20)
            if not chunk:
                raise CDPError("the browser closed the pipe (exit %s)" % self.proc.poll())
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        want = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._read_one(deadline)
            if msg.get("id") == want:
                if "error" in msg:
                    raise CDPError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self.events.append(msg)

    def wait_event(self, method, session=None):
        deadline = time.monotonic() + self.timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method and (session is None or e.get("sessionId") == session):
                return self.events.pop(i)
        while True:
            msg = self._read_one(deadline)
            if msg.get("method") == method and (session is None or msg.get("sessionId") == session):
                return msg
            self.events.append(msg)

    def drain(self, seconds):
        """Collects events for a while (late console messages)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_one(deadline))
        except CDPError:
            pass

    def open_page(self, url, width=1100, height=900):
        """Opens `url` in a new tab and waits for its load event; returns the session id."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(domain + ".enable", session=s)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  session=s)
        self.call("Page.navigate", {"url": url}, session=s)
        self.wait_event("Page.loadEventFired", s)
        return s

    def evaluate(self, session, expression):
        r = self.call("Runtime.evaluate",
                      {"expression": expression, "returnByValue": True, "awaitPromise": True},
                      session=session)
        if "exceptionDetails" in r:
            raise CDPError("evaluate: %s" % json.dumps(r["exceptionDetails"])[:2000])
        return r["result"].get("value")

    def problems(self, session):
        """Console errors and warnings, uncaught exceptions and log errors seen so far."""
        out = []
        for e in self.events:
            if e.get("sessionId") != session:
                continue
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                out.append("console.%s: %s" % (p["type"], json.dumps(p.get("args"))[:300]))
            elif m == "Runtime.exceptionThrown":
                out.append("exception: %s" % json.dumps(p)[:300])
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
                entry = p["entry"]
                out.append("log %s (%s): %s %s" % (entry.get("level"), entry.get("source"),
                                                   entry.get("text"), entry.get("url", "")))
        return out

    def screenshot(self, session, path):
        """A PNG of the whole page."""
        m = self.call("Page.getLayoutMetrics", session=session)
        size = m.get("cssContentSize") or m["contentSize"]
        w, h = int(size["width"]), int(min(size["height"], 30000))
        r = self.call("Page.captureScreenshot",
                      {"format": "png", "captureBeyondViewport": True,
                       "clip": {"x": 0, "y": 0, "width": w, "height": h, "scale": 1}},
                      session=session)
        import base64
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))
        return w, h

    def pdf(self, session, path):
        """The page printed to PDF (print CSS applied); returns the number of bytes."""
        import base64
        r = self.call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True},
                      session=session)
        data = base64.b64decode(r["data"])
        with open(path, "wb") as f:
            f.write(data)
        return data
