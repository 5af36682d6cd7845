#!/usr/bin/env python3
"""The performance benchmark behind bin/bench (see docs/performance.md).

Starts its own cluster with bin/mlcluster on isolated ports (or measures the one given by --url)
and measures, in one run on this machine:

  P1  predict throughput through nginx -> api -> RabbitMQ -> 4 learners vs the HTTP floor
      (the same nginx and api answering GET /v1/ml-distributed/ping), wrk, closed loop
  P1b the same predict rate vs the broker's own floor: the scatter-gather on the plain amqp-client
      (BrokerFloor: one-row predict bodies, 4 queues, 4 direct replies, P1's in-flight count)
  P2  predict latency p50/p99/p99.9 at half the P1 peak, open loop (bench/LoadGen.java)
  P3  a 4-member linear fit on >= 1M rows through the cluster vs the same members trained
      in one JVM on 2 threads (bench/FitReference.java), with the time split into CSV read,
      encoding, training, saving and messaging
  P4  batch predict rows/s with 10,000-row requests, JSON and CSV bodies, linear and forest models;
      then the big table (1,000,000 rows) scored in one streamed CSV request, with peak RSS
  P2r the tail with replicas: p99/p50 at a quarter of the peak with 1 replica per shard
      (learner-1..4), then with 2 (learner-5..8 added on shards A-D, a model fitted on all 8)
  P5  learner / api start-up (process start -> healthy and counted in presence) and RSS, for
      several JVM option sets, AppCDS included

Every figure is the median of --runs runs. Results: RUN_DIR/results/<stamp>/results.json and
chart.png. Python 3 standard library only; wrk, java, nginx and RabbitMQ as bin/mlcluster needs.
Exit status: 0 when every step ran, 1 when a step failed (targets are reported, not enforced,
unless --strict).
"""
import argparse
import csv
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
MLCLUSTER = REPO / "bin" / "mlcluster"
LEARNER_JAR = REPO / "learner-worker" / "target" / "learner-worker-exec.jar"
API_JAR = REPO / "api" / "target" / "api-exec.jar"
# the bench module's classes: LoadGen, BrokerFloor, FitReference, Chart (package org.mlensemble.bench)
BENCH_CLASSES = REPO / "bench" / "target" / "classes"
JAVA_PKG = "org.mlensemble.bench."

# JVM options of bin/mlcluster when LEARNER_JAVA_OPTS / API_JAVA_OPTS are not set
MLCLUSTER_LEARNER_OPTS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m"
MLCLUSTER_API_OPTS = "-XX:+UseSerialGC -Xmx128m"

TARGETS = {
    "P1": ("predict req/s / ping req/s", ">=", 0.5),
    "P1b": ("predict req/s / broker floor scatter-gathers/s", None, None),
    "P2": ("p99 / p50 at half the peak rate", "<=", 4.0),
    "P2q": ("p99 / p50 at a quarter of the peak rate", "<=", 4.0),
    "P2r": ("p99 / p50 at a quarter of the peak, 2 replicas per shard", "<=", 4.0),
    "P3": ("distributed fit / in-process fit (2 threads)", "<=", 1.25),
    "P4": ("batch predict rows/s", ">=", 100_000),
    "P4c": ("batch predict rows/s, CSV", ">=", 100_000),
    "P4f": ("batch predict rows/s, forest", ">=", 100_000),
    "P4fc": ("batch predict rows/s, forest, CSV", ">=", 100_000),
    "P4m": ("rows/s scoring one streamed CSV of the big table", ">=", 100_000),
    "P4mf": ("rows/s scoring one streamed CSV of the big table, forest", ">=", 100_000),
    "P5a": ("learner start -> healthy + in presence (s)", "<=", 8.0),
    "P5b": ("learner RSS (MB)", "<=", 300),
    "P5c": ("api RSS (MB)", "<=", 300),
    "P5d": ("learner RSS after P1-P4 (MB)", "<=", 300),
    "P5e": ("api RSS after P1-P4 (MB)", "<=", 300),
}


class StepFailed(Exception):
    pass


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def load_avg():
    return [round(x, 2) for x in os.getloadavg()]


def run(cmd, env=None, timeout=None, check=True, capture=True, cwd=None):
    """Runs a command; returns CompletedProcess. Raises StepFailed on a non-zero exit when check."""
    try:
        p = subprocess.run(cmd, env=env, timeout=timeout, cwd=cwd, text=True,
                           stdout=subprocess.PIPE if capture else None,
                           stderr=subprocess.PIPE if capture else None)
    except subprocess.TimeoutExpired as e:
        raise StepFailed(f"timed out after {timeout} s: {' '.join(map(str, cmd))}") from e
    if check and p.returncode != 0:
        tail = ((p.stdout or "")[-1500:] + (p.stderr or "")[-1500:]) if capture else ""
        raise StepFailed(f"exit {p.returncode}: {' '.join(map(str, cmd))}\n{tail}")
    return p


def http(method, url, body=None, timeout=10, headers=None):
    """(status, text). Never raises for HTTP errors; raises StepFailed when nothing answers."""
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as e:
        raise StepFailed(f"{method} {url}: {e}") from e


def rss_mb(pid):
    """(VmRSS, VmHWM) of a process in MB, from /proc."""
    rss = hwm = None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    except OSError:
        pass
    return (round(rss, 1) if rss else None, round(hwm, 1) if hwm else None)


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    """utime + stime of a process (its threads included), in clock ticks."""
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    except (OSError, IndexError, ValueError):
        return None


def children(pid):
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if Path(d, "stat").read_text().rsplit(")", 1)[1].split()[1] == str(pid):
                    out.append(int(d.name))
            except (OSError, IndexError):
                pass
    return out


def beam_pids():
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if Path(d, "comm").read_text().strip() == "beam.smp":
                    pids.append(int(d.name))
            except OSError:
                pass
    return pids


def parse_mb(size):
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", size.strip())
    if not m:
        raise ValueError(f"bad size {size}")
    n, unit = int(m.group(1)), m.group(2).lower()
    return {"k": n // 1024, "m": n, "g": n * 1024, "": n // (1024 * 1024)}[unit]


def mem_available_mb():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


class Bench:
    def __init__(self, a):
        self.a = a
        self.smoke = a.smoke
        self.runs = a.runs or (1 if a.smoke else 3)
        self.stamp = time.strftime("%Y%m%d-%H%M%S")
        self.run_dir = Path(os.environ.get("ML_RUN_DIR", "/tmp/mlbench-run"))
        self.out = Path(a.out) if a.out else self.run_dir / "results" / self.stamp
        if not a.report:
            self.out.mkdir(parents=True, exist_ok=True)
        self.work = self.run_dir / "bench-work"
        self.work.mkdir(parents=True, exist_ok=True)
        self.classes = BENCH_CLASSES
        self.api_key = os.environ.get("ML_API_KEY")
        self.key_headers = {"X-API-Key": self.api_key} if self.api_key else {}
        self.own_cluster = not a.url
        self.env = dict(os.environ)
        self.lb_port = int(self.env.get("ML_LB_MAIN_PORT", "27080"))
        self.url = a.url.rstrip("/") if a.url else f"http://127.0.0.1:{self.lb_port}"
        self.api1 = f"http://127.0.0.1:{self.env.get('ML_API_1_PORT', '27001')}"
        self.api2 = f"http://127.0.0.1:{self.env.get('ML_API_2_PORT', '27002')}"
        # actuator answers on each process's port + this (bin/mlcluster's ML_MANAGEMENT_PORT_OFFSET)
        self.mgmt_offset = int(self.env.get("ML_MANAGEMENT_PORT_OFFSET", "1000"))
        self.failed = []
        self.probe = None
        self.R = {
            "stamp": self.stamp,
            "mode": "smoke" if self.smoke else "full",
            "runs": self.runs,
            "command": " ".join(["bin/bench"] + sys.argv[1:]),
            "url": self.url,
            "machine": {},
            "load": {"start": load_avg()},
            "steps": {},
            "figures": [],
        }
        # sizes: full vs smoke
        if self.smoke:
            self.p1_duration, self.p2_duration, self.p2_warmup, self.p4_duration = 3, 3, 1, 4
            self.fit_rows, self.fit_test_rows, self.batch_rows = 10_000, 2_000, 2_000
        else:
            self.p1_duration, self.p2_duration, self.p2_warmup, self.p4_duration = 10, 10, 2, 15
            self.fit_rows, self.fit_test_rows, self.batch_rows = 1_000_000, 10_000, 10_000
        self.p1_conns = a.connections
        if "P3" in (a.skip or "").split(",") and not self.smoke:
            # the predict figures need a model, not a big table: the default learner heap cannot fit 1M rows
            self.fit_rows = 100_000
        if a.fit_rows:
            self.fit_rows = a.fit_rows
        self.fit_heap = a.fit_heap

    # ------------------------------------------------------------------ bookkeeping

    def save(self):
        self.R["load"]["now"] = load_avg()
        (self.out / "results.json").write_text(json.dumps(self.R, indent=2) + "\n")

    def broker_disturbances(self):
        """Lines of the cluster's logs since the last call that say the broker closed our connections
        (another user of a shared broker restarting it, for instance): the figures of a step that saw
        one are suspect."""
        seen = getattr(self, "_log_offsets", {})
        self._log_offsets = seen
        hits = []
        for f in sorted((self.run_dir / "logs").glob("*.log")):
            try:
                size = f.stat().st_size
                start = seen.get(str(f), 0)
                if size < start:
                    start = 0  # rotated
                with open(f, "rb") as fh:
                    fh.seek(start)
                    chunk = fh.read().decode("utf-8", "replace")
                seen[str(f)] = size
            except OSError:
                continue
            for line in chunk.splitlines():
                if "CONNECTION_FORCED" in line or "reply channel" in line and "lost" in line:
                    hits.append(f"{f.name}: {line.strip()[:200]}")
        return hits

    def step(self, name, fn):
        log(f"== {name} (load average {load_avg()})")
        t0 = time.monotonic()
        rec = {"loadBefore": load_avg()}
        self.R["steps"][name] = rec
        self.broker_disturbances()
        try:
            fn(rec)
            rec["ok"] = True
        except Exception as e:  # a failed step is reported; the others still run
            rec["ok"] = False
            rec["error"] = str(e)[-3000:]
            self.failed.append(name)
            log(f"!! {name} failed: {str(e)[-1500:]}")
        rec["seconds"] = round(time.monotonic() - t0, 1)
        rec["loadAfter"] = load_avg()
        hits = self.broker_disturbances()
        if hits:
            rec["brokerDisturbed"] = hits[:10]
            log(f"   WARNING: the broker closed connections during this step ({len(hits)} log lines, e.g. "
                f"{hits[0][:160]}); its figures are suspect")
        self.save()

    def figure(self, fid, measured, detail=""):
        what, op, target = TARGETS[fid]
        met = None
        if measured is not None and op is not None:
            met = measured >= target if op == ">=" else measured <= target
        ratio = None
        if measured is not None and target:
            ratio = measured / target
        self.R["figures"].append({"id": fid, "figure": what, "measured": measured,
                                  "target": f"{op} {target}" if op else "- (diagnosis)",
                                  "targetValue": target, "op": op, "ratioToTarget": ratio, "met": met,
                                  "detail": detail})

    # ------------------------------------------------------------------ preparation

    def machine(self, rec):
        cpu = "?"
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        mem = "?"
        try:
            kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
        except (OSError, ValueError, IndexError):
            pass
        java = run(["java", "-version"], check=False).stderr.strip().splitlines()
        rabbit = "?"
        if shutil.which("rabbitmqctl"):
            p = run(["timeout", "20", "rabbitmqctl", "-q", "version"], check=False)
            rabbit = (p.stdout or "").strip() or "?"
        nginx = run(["nginx", "-v"], check=False).stderr.strip() if shutil.which("nginx") else "?"
        wrk = (run(["wrk", "--version"], check=False).stdout or "").splitlines()[:1] if shutil.which("wrk") else []
        self.R["machine"] = {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "java": java,
                             "rabbitmq": rabbit, "nginx": nginx, "wrk": wrk[0] if wrk else "missing",
                             "kernel": platform.release(), "loadAtStart": load_avg()}
        rec.update(self.R["machine"])
        if not shutil.which("wrk"):
            raise StepFailed("wrk is not installed (apt-get install -y wrk)")

    def broker(self, rec):
        """A vhost of the bench's own, with the users of rabbitmq/definitions.json and their permissions
        rewritten for the bench's prefix (those of the definitions only allow the prefix 'ml')."""
        vhost = self.env.get("ML_RABBIT_VHOST", "ml")
        prefix = self.env.get("ML_PREFIX", "ml")
        rec["vhost"], rec["prefix"] = vhost, prefix
        if vhost == "ml" and prefix == "ml":
            return
        if not shutil.which("rabbitmqctl") or run(["timeout", "30", "rabbitmqctl", "-q", "status"],
                                                   check=False).returncode != 0:
            rec["note"] = "rabbitmqctl unavailable: the vhost and permissions must exist already"
            return
        defs = json.loads((REPO / "rabbitmq" / "definitions.json").read_text())
        users = {u["name"] for u in defs.get("users", [])}
        have = set(run(["rabbitmqctl", "-q", "list_users", "--no-table-headers"]).stdout.split())
        if not users <= have:
            rec["note"] = "users missing: importing rabbitmq/definitions.json"
            with open(REPO / "rabbitmq" / "definitions.json") as f:
                subprocess.run(["rabbitmqctl", "-q", "import_definitions", "--format", "json"], stdin=f,
                               check=False, timeout=120, capture_output=True)
        vhosts = run(["rabbitmqctl", "-q", "list_vhosts", "--no-table-headers"]).stdout.split()
        if vhost not in vhosts:
            run(["rabbitmqctl", "-q", "add_vhost", vhost])
        for perm in defs.get("permissions", []):
            if perm["vhost"] != "ml":
                continue
            pats = [perm[k].replace("ml\\.", re.escape(prefix) + "\\.") for k in ("configure", "write", "read")]
            run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, perm["user"]] + pats)
        rec["permissions"] = run(["rabbitmqctl", "-q", "list_permissions", "-p", vhost]).stdout

    def prepare(self, rec):
        if not LEARNER_JAR.exists() or not API_JAR.exists() or not (BENCH_CLASSES / "org").exists():
            if self.env.get("ML_SKIP_BUILD") == "1":
                raise StepFailed("jars or bench/target/classes missing and ML_SKIP_BUILD=1")
            log("building the jars (./mvnw -o -q -B package -DskipTests)")
            run([str(REPO / "mvnw"), "-o", "-q", "-B", "package", "-DskipTests"], cwd=REPO, timeout=1800)
        # extracted jars: the classpath of the in-process reference, and the AppCDS layout of P5
        for name, jar in (("learner", LEARNER_JAR), ("api", API_JAR)):
            dest = self.work / "extracted" / name
            stamp = dest / ".source"
            sig = f"{jar.stat().st_size}:{jar.stat().st_mtime_ns}"
            if not stamp.exists() or stamp.read_text() != sig:
                shutil.rmtree(dest, ignore_errors=True)
                (self.work / f"{name}.jsa").unlink(missing_ok=True)  # an archive is only valid for its jars
                run(["java", "-Djarmode=tools", "-jar", str(jar), "extract", "--destination", str(dest)], timeout=300)
                stamp.write_text(sig)
        self.learner_app = self.work / "extracted" / "learner" / LEARNER_JAR.name
        self.api_app = self.work / "extracted" / "api" / API_JAR.name
        # the bench module's classes run on the extracted learner's classpath (Tribuo, amqp-client, common)
        self.bench_cp = f"{self.classes}:{self.learner_app}"
        rec["classes"] = str(self.classes)

    def data(self, rec):
        if not self.own_cluster:
            # a cluster given by --url: only the predict bodies are needed, from the shipped test rows
            self.data_dir = REPO / "data"
            self.one_row = REPO / "data" / "house_pricing" / "other" / "one_prediction_house_pricing_test.json"
            self.batch_body = self.work / f"batch-{self.batch_rows}-shipped.json"
            self.make_batch(REPO / "data" / "house_pricing" / "test" / "data.csv", self.batch_body, self.batch_rows)
            rec.update({"batchRows": self.batch_rows, "batchBodyBytes": self.batch_body.stat().st_size})
            return
        root = Path(self.a.data_cache)
        self.data_dir = root / f"rows-{self.fit_rows}"
        ds = self.data_dir / "house_pricing"
        marker = self.data_dir / ".complete"
        want = f"rows={self.fit_rows} test={self.fit_test_rows} seed=42"
        if not marker.exists() or marker.read_text() != want:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            ds.mkdir(parents=True)
            t0 = time.monotonic()
            run(["java", "-XX:+UseSerialGC", "-jar", str(REPO / "datagen" / "target" / "datagen-exec.jar"),
                 "--out", str(ds), "--train-rows", str(self.fit_rows), "--test-rows", str(self.fit_test_rows)],
                timeout=1800)
            marker.write_text(want)
            rec["generatedSeconds"] = round(time.monotonic() - t0, 1)
        rec["dataDir"] = str(self.data_dir)
        rec["shardRows"] = self.fit_rows // 4
        rec["csvBytes"] = sum((ds / s / "data.csv").stat().st_size for s in "ABCD")
        # bodies: the seed's one-row JSON, and a batch of test rows, column by column
        self.one_row = REPO / "data" / "house_pricing" / "other" / "one_prediction_house_pricing_test.json"
        if not self.one_row.exists():
            self.one_row = ds / "other" / "one_prediction_house_pricing_test.json"
        self.batch_body = self.work / f"batch-{self.batch_rows}.json"
        self.make_batch(ds / "test" / "data.csv", self.batch_body, self.batch_rows)
        rec["batchBodyBytes"] = self.batch_body.stat().st_size
        rec["batchRows"] = self.batch_rows

    @staticmethod
    def make_batch(test_csv, out, rows):
        with open(test_csv, newline="") as f:
            r = csv.reader(f)
            header = next(r)
            data = [row for _, row in zip(range(rows), r)]
        if not data:
            raise StepFailed(f"{test_csv} has no rows")
        while len(data) < rows:
            data += data[: rows - len(data)]

        def typed(v):
            if v == "" or v == "NA":
                return None
            try:
                return int(v)
            except ValueError:
                pass
            try:
                return float(v)
            except ValueError:
                return v

        cols = {}
        keep = [i for i, name in enumerate(header) if name != "SalePrice"]
        for i in keep:
            cols[header[i]] = [typed(row[i]) for row in data]
        out.write_text(json.dumps(cols, separators=(",", ":")))
        # the same rows as CSV, for the streamed batch path
        with open(out.with_suffix(".csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow([header[i] for i in keep])
            for row in data:
                w.writerow([row[i] for i in keep])

    @staticmethod
    def make_big_csv(batch_csv, out, rows):
        """batch_csv's rows repeated up to `rows` rows under its header (the 1,000,000-row scoring)."""
        if out.exists() and out.stat().st_size > 0:
            return
        lines = batch_csv.read_text().splitlines(keepends=True)
        header, data = lines[0], lines[1:]
        tmp = out.with_suffix(".tmp")
        with open(tmp, "w") as f:
            f.write(header)
            left = rows
            while left > 0:
                part = data[:left]
                f.writelines(part)
                left -= len(part)
        tmp.rename(out)

    # ------------------------------------------------------------------ cluster

    def cluster_env(self, learner_opts=None, api_opts=None):
        env = dict(self.env)
        env["ML_DATA_DIR"] = str(self.data_dir)
        if learner_opts is not None:
            env["LEARNER_JAVA_OPTS"] = learner_opts
        if api_opts is not None:
            env["API_JAVA_OPTS"] = api_opts
        return env

    def up(self, learner_opts=None, api_opts=None):
        env = self.cluster_env(learner_opts, api_opts)
        t0 = time.monotonic()
        p = run([str(MLCLUSTER), "up"], env=env, timeout=900, check=False)
        (self.out / "mlcluster-up.log").open("a").write((p.stdout or "") + (p.stderr or ""))
        if p.returncode != 0:
            raise StepFailed(f"bin/mlcluster up failed:\n{(p.stdout or '')[-1500:]}{(p.stderr or '')[-1500:]}")
        return round(time.monotonic() - t0, 1)

    def down(self):
        if not self.own_cluster:
            return
        self.stop_probe()
        p = run([str(MLCLUSTER), "down"], env=self.cluster_env(), timeout=300, check=False)
        (self.out / "mlcluster-down.log").open("a").write((p.stdout or "") + (p.stderr or ""))

    def pid_of(self, name):
        f = self.run_dir / "pids" / f"{name}.pid"
        try:
            pid = int(f.read_text().strip())
            # the marker bin/mlcluster puts on the command line guards against a reused pid
            if f"-Dmlcluster.name={name}".encode() not in Path(f"/proc/{pid}/cmdline").read_bytes():
                return None
            return pid
        except (OSError, ValueError):
            return None

    def processes(self):
        """name -> pids of the cluster's parts (from bin/mlcluster's pid files), nginx workers and the broker."""
        procs = {}
        for n in ("learner-1", "learner-2", "learner-3", "learner-4", "api-1", "api-2"):
            pid = self.pid_of(n)
            if pid:
                procs[n] = [pid]
        for lb in ("main", "backup"):
            try:
                master = int((self.run_dir / f"nginx-{lb}" / "nginx.pid").read_text().strip())
                procs[f"lb-{lb}"] = [master] + children(master)
            except (OSError, ValueError):
                pass
        procs["rabbitmq (shared)"] = beam_pids()
        return procs

    def cpu_snapshot(self):
        snap = {}
        for name, pids in self.processes().items():
            ticks = [cpu_ticks(p) for p in pids]
            snap[name] = {p: t for p, t in zip(pids, ticks) if t is not None}
        return snap

    @staticmethod
    def cpu_delta(before, after, requests):
        """CPU milliseconds per request for each part, between two snapshots."""
        out = {}
        for name, now in after.items():
            was = before.get(name, {})
            ticks = sum(t - was[p] for p, t in now.items() if p in was)
            out[name] = round(ticks * 1000 / CLK_TCK / max(1, requests), 3)
        out["total"] = round(sum(out.values()), 3)
        return out

    def learners(self):
        s, body = http("GET", f"{self.url}/v1/ml-distributed/learners", headers=self.key_headers)
        if s != 200:
            raise StepFailed(f"GET /learners answered {s}: {body[:300]}")
        return json.loads(body)

    def wait_presence(self, count, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if sum(1 for l in self.learners() if l.get("alive")) >= count:
                    return
            except StepFailed:
                pass
            time.sleep(0.5)
        raise StepFailed(f"fewer than {count} learners alive after {timeout} s")

    def predict_url(self):
        """The predict URL, naming the model P1-P4 use once it is known: without a modelId the api
        picks the newest model whose columns fit, and answers 409 when models of several datasets
        (a forest dataset of an earlier run, say) fit alike."""
        model = getattr(self, "linear_model", None)
        return f"{self.url}/v1/ml-distributed/predict" + (f"?modelId={model}" if model else "")

    def predict_once(self):
        s, body = http("POST", self.predict_url(), self.one_row.read_bytes(), timeout=10,
                       headers=self.key_headers)
        if s != 200:
            raise StepFailed(f"predict answered {s}: {body[:500]}")
        return json.loads(body)

    # ------------------------------------------------------------------ P3: fit

    def p3(self, rec):
        ds = self.data_dir / "house_pricing"
        heap_mb = parse_mb(self.fit_heap)
        rec["fitHeapMb"] = heap_mb
        if not self.smoke:
            # 4 learners with this heap (and the reference with 2 x) must fit: never push a shared box into swap/OOM
            avail = mem_available_mb()
            rec["memAvailableMb"] = avail
            if avail is not None and avail < 4 * heap_mb + 1024:
                raise StepFailed(f"P3 needs about {4 * heap_mb + 1024} MB free (4 learners x -Xmx{self.fit_heap}); "
                                 f"{avail} MB available. Lower --fit-heap or --fit-rows.")
        # 1. in-process reference, before the cluster runs (the two do not fit in memory together);
        #    2 threads, each member with the heap of one learner
        refs = []
        ref_opts = (self.a.reference_java_opts or f"-XX:+UseSerialGC -Xmx{2 * heap_mb}m").split()
        rec["referenceJavaOpts"] = " ".join(ref_opts)
        for i in range(self.runs):
            t0 = time.monotonic()
            p = run(["java"] + ref_opts + ["-cp", self.bench_cp, JAVA_PKG + "FitReference", str(ds), "2"],
                    timeout=3600)
            line = [l for l in p.stdout.splitlines() if l.startswith("{")][-1]
            r = json.loads(line)
            r["processSeconds"] = round(time.monotonic() - t0, 1)
            r["load"] = load_avg()
            refs.append(r)
            log(f"   in-process fit {i + 1}/{self.runs}: {r['wallMs']} ms (read {r['sumReadMs']}, encode "
                f"{r['sumEncodeMs']}, train {r['sumTrainMs']} ms summed over members; peak heap "
                f"{r['peakHeapUsedMb']} MB)")
        rec["inProcess"] = refs

        # 2. the cluster, learners with a heap big enough for a shard (smoke: bin/mlcluster's defaults,
        #    and the same cluster serves the other figures)
        learner_opts = f"-XX:+UseSerialGC -Xmx{self.fit_heap}"
        if self.a.fit_learner_java_opts:
            learner_opts = self.a.fit_learner_java_opts
        if self.smoke and not self.a.fit_learner_java_opts:
            learner_opts = None
        rec["learnerJavaOpts"] = learner_opts or self.env.get("LEARNER_JAVA_OPTS", MLCLUSTER_LEARNER_OPTS)
        try:
            rec["clusterUpSeconds"] = self.up(learner_opts=learner_opts)
            self.wait_presence(4)
            dist = []
            for i in range(self.runs):
                dist.append(self.one_fit(f"bench-{self.stamp}-{i}"))
                f = dist[-1]
                self.linear_model = f["modelId"]  # P1-P4 predict with the model P3 fitted
                log(f"   distributed fit {i + 1}/{self.runs}: {f['wallMs']} ms (api elapsed {f['elapsedMs']} ms, "
                    f"max learner trainMs {max(f['trainMs'].values())} ms)")
            rec["distributed"] = dist
            rec["learnerPeakRssMb"] = {n: rss_mb(self.pid_of(n))[1] for n in ("learner-1", "learner-2", "learner-3",
                                                                            "learner-4") if self.pid_of(n)}
        finally:
            if learner_opts is not None:
                self.down()  # the other figures run with bin/mlcluster's default options, failed fit or not

        ref_ms = median([r["wallMs"] for r in refs])
        dist_ms = median([d["wallMs"] for d in dist])
        rec["inProcessMedianMs"] = ref_ms
        rec["distributedMedianMs"] = dist_ms
        # the shares, in-process (exact, per member, summed) and distributed (per learner, from presence)
        rec["inProcessShares"] = {
            "readMs": median([r["sumReadMs"] for r in refs]),
            "encodeMs": median([r["sumEncodeMs"] for r in refs]),
            "trainMs": median([r["sumTrainMs"] for r in refs]),
        }
        rec["distributedPhasesMedian"] = {
            k: median([d["phasesMaxMs"].get(k) for d in dist]) for k in ("loading", "encoding", "training", "saving")
        }
        rec["messagingMsMedian"] = median([d["messagingMs"] for d in dist])
        # CPU time is what the two spend, whatever else the machine runs: a ratio robust to load
        rec["inProcessCpuMsMedian"] = median([r["processCpuMs"] for r in refs])
        rec["distributedLearnersCpuMsMedian"] = median([d["learnersCpuMs"] for d in dist])
        if rec["inProcessCpuMsMedian"]:
            rec["cpuRatio"] = round(rec["distributedLearnersCpuMsMedian"] / rec["inProcessCpuMsMedian"], 3)

    def one_fit(self, key):
        model = "m-k" + hashlib.sha256(key.encode()).hexdigest()[:16]
        phases = {}  # learner -> {phase: first seen (monotonic)}
        stop = threading.Event()

        def poll():
            while not stop.is_set():
                try:
                    s, body = http("GET", f"{self.url}/v1/ml-distributed/fit/jobs/{model}", timeout=5,
                                   headers=self.key_headers)
                    if s == 200:
                        now = time.monotonic()
                        for m in json.loads(body).get("members", {}).get("list", []):
                            phases.setdefault(m["learnerId"], {}).setdefault(m["phase"], now)
                except (StepFailed, ValueError):
                    pass
                stop.wait(0.2)

        t = threading.Thread(target=poll, daemon=True)
        cpu0 = self.cpu_snapshot()
        t0 = time.monotonic()
        t.start()
        s, body = http("POST", f"{self.url}/v1/ml-distributed/fit",
                       {"idempotencyKey": key, "deadlineMs": 600000, "quorum": 4}, timeout=700,
                       headers=self.key_headers)
        wall = time.monotonic() - t0
        cpu = self.cpu_delta(cpu0, self.cpu_snapshot(), 1)
        time.sleep(1.2)  # one more heartbeat, to see "trained"
        stop.set()
        t.join()
        if s != 200:
            raise StepFailed(f"fit answered {s}: {body[:1500]}")
        r = json.loads(body)
        if r["members"]["used"] != 4:
            raise StepFailed(f"fit trained {r['members']} members: {body[:1500]}")
        train_ms = {l["learnerId"]: l.get("trainMs") for l in r["learners"]}
        order = ["pending", "loading", "encoding", "training", "saving", "trained"]
        per = {}
        for lid, seen in phases.items():
            pts = {p: seen[p] for p in order if p in seen}
            dur = {}
            names = [p for p in order if p in pts]
            for a_, b_ in zip(names, names[1:]):
                dur[a_] = round((pts[b_] - pts[a_]) * 1000)
            per[lid] = dur
        phases_max = {}
        for p in ("loading", "encoding", "training", "saving"):
            vals = [d[p] for d in per.values() if p in d]
            phases_max[p] = max(vals) if vals else None
        # messaging and everything outside the learners' work: wall minus the slowest learner's
        # work, the work being its read + encode + train + save as seen in presence (1 s heartbeats)
        work = [sum(v for k, v in d.items() if k in ("loading", "encoding", "training", "saving")) for d in per.values()]
        messaging = round(wall * 1000 - max(work)) if work else None
        return {"key": key, "modelId": r["modelId"], "wallMs": round(wall * 1000), "elapsedMs": r.get("elapsedMs"),
                "trainMs": train_ms, "rows": {l["learnerId"]: l.get("rows") for l in r["learners"]},
                "phasesMs": per, "phasesMaxMs": phases_max, "messagingMs": messaging,
                "learnersCpuMs": round(sum(v for k, v in cpu.items() if k.startswith("learner-"))), "cpuMs": cpu,
                "load": load_avg()}

    # ------------------------------------------------------------------ P1: throughput

    def wrk(self, url, script=None, conns=None, duration=None, threads=2):
        conns = conns or self.p1_conns
        duration = duration or self.p1_duration
        cmd = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{duration}s", "--latency", "--timeout", "10s"]
        if script:
            cmd += ["-s", str(script)]
        elif self.api_key:
            cmd += ["-H", f"X-API-Key: {self.api_key}"]
        cmd.append(url)
        before = self.cpu_snapshot()
        p = run(cmd, timeout=duration + 60)
        after = self.cpu_snapshot()
        out = p.stdout
        m = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if not m:
            raise StepFailed(f"cannot read wrk output:\n{out}")
        non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        total = re.search(r"(\d+) requests in", out)
        errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        lat = {}
        for q, v, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
            lat[f"p{q}Ms"] = float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
        res = {"url": url, "connections": conns, "seconds": duration, "rps": float(m.group(1)),
               "requests": int(total.group(1)) if total else None,
               "non2xx": int(non2xx.group(1)) if non2xx else 0,
               "socketErrors": sum(map(int, errs.groups())) if errs else 0, **lat, "load": load_avg()}
        res["cpuMsPerRequest"] = self.cpu_delta(before, after, res["requests"] or 1)
        if res["requests"] and (res["non2xx"] + res["socketErrors"]) > 0.01 * res["requests"]:
            raise StepFailed(f"{url}: {res['non2xx']} non-2xx and {res['socketErrors']} socket errors in "
                             f"{res['requests']} requests:\n{out}")
        return res

    def post_script(self, body, name, content_type="application/json"):
        s = self.work / f"{name}.lua"
        lines = ['wrk.method = "POST"', f'wrk.headers["Content-Type"] = "{content_type}"',
                 f'wrk.headers["Accept"] = "{content_type}, application/problem+json"']
        if self.api_key:
            lines.append(f'wrk.headers["X-API-Key"] = "{self.api_key}"')
        lines.append(f'local f = assert(io.open("{body}", "rb")); wrk.body = f:read("*a"); f:close()')
        s.write_text("\n".join(lines) + "\n")
        return s

    def batching(self):
        """The api instances' predict batching counters: shared jobs and the requests they carried."""
        total = {"sharedJobs": 0.0, "requestsInSharedJobs": 0.0}
        if not self.own_cluster:
            return total
        for api in (self.api1, self.api2):
            host, port = api.rsplit(":", 1)
            try:
                s, text = http("GET", f"{host}:{int(port) + self.mgmt_offset}/actuator/prometheus", timeout=5)
            except StepFailed:
                continue
            if s != 200:
                continue
            for name, key in (("ml_api_predict_batch_requests_count", "sharedJobs"),
                              ("ml_api_predict_batch_requests_sum", "requestsInSharedJobs")):
                m = re.search(rf"^{name}(?:{{[^}}]*}})? ([\d.eE+-]+)$", text, re.M)
                if m:
                    total[key] += float(m.group(1))
        return total

    def broker_floor(self, duration, warmup):
        """The broker's own floor (bench/.../BrokerFloor.java): the same scatter-gather on the plain
        amqp-client, a one-row predict's job and reply bodies, 4 queues, 4 direct replies per gather,
        as many gathers in flight as P1 has connections. Broker and floor CPU per gather from /proc."""
        uri = self.env.get("ML_BENCH_FLOOR_URI",
                           f"amqp://guest:guest@{self.env.get('ML_RABBIT_HOST', '127.0.0.1')}:"
                           f"{self.env.get('ML_RABBIT_PORT', '5672')}/%2f")
        cmd = ["java", "-XX:+UseSerialGC", "-Xmx128m", "-cp", self.bench_cp, JAVA_PKG + "BrokerFloor", "--uri", uri,
               "--body", str(self.one_row), "--queues", "4", "--in-flight", str(self.p1_conns),
               "--duration", str(duration), "--warmup", str(warmup)]
        before = self.cpu_snapshot()
        p = run(cmd, timeout=duration + warmup + 60)
        after = self.cpu_snapshot()
        r = json.loads([l for l in p.stdout.splitlines() if l.startswith("{")][-1])
        if r["wrongReplies"] or not r["gathers"]:
            raise StepFailed(f"broker floor: {r}")
        cpu = self.cpu_delta(before, after, r["gathers"])
        r["brokerCpuMsPerGather"] = cpu.get("rabbitmq (shared)")
        r["load"] = load_avg()
        return r

    def p1(self, rec):
        r = self.predict_once()
        self.linear_model = r["modelId"]
        rec["samplePredict"] = r
        if r["members"]["used"] != 4:
            raise StepFailed(f"predict used {r['members']} members, expected 4")
        script = self.post_script(self.one_row, "predict-one")
        # warm up both paths (JIT), then alternate floor and full path so drift hits both
        warm = 3 if self.smoke else 15
        rec["warmupSeconds"] = {"ping": warm, "predict": 2 * warm}
        self.wrk(f"{self.url}/v1/ml-distributed/ping", duration=warm)
        self.wrk(self.predict_url(), script, duration=2 * warm)
        lb, ping, pred, floor, floor_errors = [], [], [], [], []
        for i in range(self.runs):
            lb.append(self.wrk(f"{self.url}/lb-health", duration=max(2, self.p1_duration // 3)))
            ping.append(self.wrk(f"{self.url}/v1/ml-distributed/ping"))
            before = self.batching()
            pred.append(self.wrk(self.predict_url(), script))
            after = self.batching()
            shared = after["sharedJobs"] - before["sharedJobs"]
            carried = after["requestsInSharedJobs"] - before["requestsInSharedJobs"]
            n = pred[-1]["requests"] or 0
            # every request not carried by a shared job travelled alone
            jobs = shared + max(0.0, n - carried)
            pred[-1]["jobs"] = int(jobs)
            pred[-1]["requestsPerJob"] = round(n / jobs, 2) if jobs else None
            try:
                floor.append(self.broker_floor(self.p1_duration, 1 if self.smoke else 2))
                shown = f"{floor[-1]['gathersPerSecond']:.0f}/s"
            except StepFailed as e:
                floor_errors.append(str(e)[-800:])
                shown = "failed"
            log(f"   run {i + 1}/{self.runs}: nginx only {lb[-1]['rps']:.0f}/s, ping {ping[-1]['rps']:.0f}/s, "
                f"predict {pred[-1]['rps']:.0f}/s, {pred[-1]['requestsPerJob']} requests per job, broker floor "
                f"{shown} (load {load_avg()[0]})")
        rec.update({"nginxOnly": lb, "ping": ping, "predict": pred, "brokerFloor": floor})
        if floor:
            rec["brokerFloorGathersPerSecond"] = median([x["gathersPerSecond"] for x in floor])
            rec["brokerFloorRequestBytes"] = floor[0]["requestBytes"]
            rec["brokerFloorReplyBytes"] = floor[0]["replyBytes"]
            rec["brokerCpuMsPerGather"] = median([x["brokerCpuMsPerGather"] for x in floor])
        rec["pingRps"] = median([x["rps"] for x in ping])
        rec["predictRps"] = median([x["rps"] for x in pred])
        rec["nginxOnlyRps"] = median([x["rps"] for x in lb])
        rec["ratioPerRun"] = [round(p["rps"] / f["rps"], 3) for p, f in zip(pred, ping)]
        rec["cpuMsPerRequest"] = {
            label: {k: median([x["cpuMsPerRequest"].get(k) for x in xs]) for k in xs[0]["cpuMsPerRequest"]}
            for label, xs in (("ping", ping), ("predict", pred))}
        log(f"   CPU ms per request, ping: {rec['cpuMsPerRequest']['ping']}")
        log(f"   CPU ms per request, predict: {rec['cpuMsPerRequest']['predict']}")
        self.peak = rec["predictRps"]
        if floor_errors:
            rec["brokerFloorErrors"] = floor_errors
            raise StepFailed("the broker floor failed (set ML_BENCH_FLOOR_URI=amqp://user:password@host:port/vhost "
                             "to a user that may declare server-named queues): " + floor_errors[0])

    # ------------------------------------------------------------------ P2: latency

    def loadgen(self, url, rate, duration, warmup, body=None, timeout_ms=10000):
        cmd = ["java", "-XX:+UseSerialGC", "-Xmx256m", "-cp", str(self.classes), JAVA_PKG + "LoadGen", url, "--rate",
               f"{rate:.1f}", "--duration", str(duration), "--warmup", str(warmup), "--timeout-ms", str(timeout_ms)]
        if body:
            cmd += ["--body", str(body)]
        if self.api_key:
            cmd += ["--header", f"X-API-Key: {self.api_key}"]
        p = run(cmd, timeout=duration + warmup + timeout_ms / 1000 + 120)
        r = json.loads([l for l in p.stdout.splitlines() if l.startswith("{")][-1])
        r["load"] = load_avg()
        return r

    def p2(self, rec):
        peak = getattr(self, "peak", None)
        if not peak:
            raise StepFailed("P1 gave no peak rate")
        rate = max(1.0, peak / 2)
        rec["rate"] = rate
        res = []
        for i in range(self.runs):
            r = self.loadgen(self.predict_url(), rate, self.p2_duration, self.p2_warmup,
                             self.one_row)
            if r["errors"] or r["non2xx"]:
                raise StepFailed(f"{r['errors']} errors and {r['non2xx']} non-2xx answers at {rate:.0f}/s: {r}")
            res.append(r)
            log(f"   run {i + 1}/{self.runs} at {rate:.0f}/s: p50 {r['p50Ms']:.2f} ms, p99 {r['p99Ms']:.2f} ms, "
                f"p99.9 {r['p999Ms']:.2f} ms (load {load_avg()[0]})")
        rec["runs"] = res
        for k in ("p50Ms", "p90Ms", "p99Ms", "p999Ms", "maxMs"):
            rec[k] = median([r[k] for r in res])
        if not self.smoke:
            # diagnosis, not a figure: the same at a quarter of the peak, where other tenants' load
            # is less likely to push the cluster past its capacity
            q = self.loadgen(self.predict_url(), max(1.0, peak / 4), self.p2_duration,
                             self.p2_warmup, self.one_row)
            rec["quarterPeak"] = q
            log(f"   at a quarter of the peak, {peak / 4:.0f}/s: p50 {q['p50Ms']:.2f} ms, p99 {q['p99Ms']:.2f} ms, "
                f"p99.9 {q['p999Ms']:.2f} ms")
        rec["p99OverP50PerRun"] = [round(r["p99Ms"] / r["p50Ms"], 2) for r in res]

    # ------------------------------------------------------------------ P2r: the tail with replicas

    def mlcluster(self, *args, timeout=600):
        p = run([str(MLCLUSTER), *args], env=self.cluster_env(), timeout=timeout, check=False)
        (self.out / "mlcluster-replicas.log").open("a").write((p.stdout or "") + (p.stderr or ""))
        if p.returncode != 0:
            raise StepFailed(f"bin/mlcluster {' '.join(args)} failed:\n{(p.stdout or '')[-1200:]}{(p.stderr or '')[-1200:]}")

    def fit_default(self, learners):
        s, b = http("POST", f"{self.url}/v1/ml-distributed/fit", {"deadlineMs": 600000}, timeout=700,
                    headers=self.key_headers)
        if s != 200:
            raise StepFailed(f"fit answered {s}: {b[:500]}")
        r = json.loads(b)
        trained = sum(1 for l in r["learners"] if l["status"] == "trained")
        if r["members"]["used"] != 4 or trained != learners:
            raise StepFailed(f"fit on {learners} learners: members {r['members']}, {trained} trained")
        return r["modelId"]

    def tail_at_quarter_peak(self, model_id):
        url = f"{self.url}/v1/ml-distributed/predict?modelId={model_id}"
        script = self.post_script(self.one_row, f"predict-{model_id}")
        self.wrk(url, script, duration=max(2, self.p1_duration // 2))  # warm-up
        peak = self.wrk(url, script)["rps"]
        q = self.loadgen(url, max(1.0, peak / 4), self.p2_duration, self.p2_warmup, self.one_row)
        if q["errors"] or q["non2xx"]:
            raise StepFailed(f"{q['errors']} errors and {q['non2xx']} non-2xx answers at {peak / 4:.0f}/s: {q}")
        return {"peakRps": peak, "rate": q["targetRate"], "p50Ms": q["p50Ms"], "p99Ms": q["p99Ms"],
                "p999Ms": q["p999Ms"], "p99OverP50": round(q["p99Ms"] / q["p50Ms"], 2)}

    def p2r(self, rec):
        """The same measurement with 1 and with 2 replicas per shard, minutes apart on one cluster:
        first learner-1..4 alone, then with learner-5..8 started on shards A-D. Each gets a fresh
        default fit so the model is held by every learner that serves it."""
        extra = [f"learner-{k}" for k in range(5, 9)]
        try:
            for replicas in (1, 2):
                if replicas == 2:
                    for name in extra:
                        self.mlcluster("start", name)
                    self.wait_presence(8, timeout=300)
                model = self.fit_default(4 * replicas)
                time.sleep(1.5)  # presence announces the members with the next heartbeat
                r = self.tail_at_quarter_peak(model)
                rec[f"replicas{replicas}"] = r
                log(f"   {replicas} replica(s) per shard: peak {r['peakRps']:.0f}/s; at {r['rate']:.0f}/s p50 "
                    f"{r['p50Ms']:.2f} ms, p99 {r['p99Ms']:.2f} ms, p99/p50 {r['p99OverP50']}")
        finally:
            for name in extra:
                run([str(MLCLUSTER), "stop", name], env=self.cluster_env(), timeout=120, check=False)

    # ------------------------------------------------------------------ P4: batch

    def predict_model(self):
        """The model P1-P4 predict with: the latest when the step starts (the P3 fit or a default
        linear fit), pinned by id so that the forest P4 fits does not replace it."""
        if not getattr(self, "linear_model", None):
            self.linear_model = self.predict_once()["modelId"]
        return self.linear_model

    def fit_forest(self, rec):
        """A default forest (25 trees) on the first --forest-rows rows of each shard, copied into a
        dataset of their own: the learners' default heap (256 MB) cannot train one on 25,000 rows."""
        src = self.data_dir / "house_pricing"
        dataset = "house_pricing_forest"
        dst = self.data_dir / dataset
        rows = self.a.forest_rows
        for part in ("A", "B", "C", "D", "test"):
            (dst / part).mkdir(parents=True, exist_ok=True)
            with open(src / part / "data.csv") as f, open(dst / part / "data.csv", "w") as out:
                for i, line in enumerate(f):
                    if i > rows:
                        break
                    out.write(line)
        rec["forestDataset"] = {"dataset": dataset, "rowsPerShard": rows}
        s, b = http("POST", f"{self.url}/v1/ml-distributed/fit",
                    {"algorithm": "forest", "dataset": dataset, "deadlineMs": 600000},
                    timeout=700, headers=self.key_headers)
        if s != 200:
            raise StepFailed(f"forest fit answered {s}: {b[:500]}")
        r = json.loads(b)
        if r["members"]["used"] != 4:
            raise StepFailed(f"forest fit: members {r['members']}")
        time.sleep(1.5)  # presence announces the members with the next heartbeat
        return r["modelId"], r.get("params")

    def batch_check(self, query, csv_body):
        """One JSON and one CSV request of the batch: both answer every row, and the same predictions."""
        s, body = http("POST", f"{self.url}/v1/ml-distributed/predict{query}", self.batch_body.read_bytes(),
                       timeout=120, headers=self.key_headers)
        if s != 200:
            raise StepFailed(f"batch predict answered {s}: {body[:500]}")
        r = json.loads(body)
        preds = r.get("Predictions") or []
        if len(preds) != self.batch_rows or r["members"]["used"] != 4:
            raise StepFailed(f"batch predict: {len(preds)} predictions, members {r['members']}")
        s, text = http("POST", f"{self.url}/v1/ml-distributed/predict{query}", csv_body.read_bytes(), timeout=120,
                       headers={**self.key_headers, "Content-Type": "text/csv", "Accept": "text/csv"})
        if s != 200:
            raise StepFailed(f"CSV batch predict answered {s}: {text[:500]}")
        lines = text.splitlines()
        if len(lines) != self.batch_rows:
            raise StepFailed(f"CSV batch predict: {len(lines)} lines for {self.batch_rows} rows")
        worst = max(abs(float(a) - b) / max(1.0, abs(b)) for a, b in zip(lines, preds))
        if worst > 1e-9:
            raise StepFailed(f"CSV and JSON predictions differ (relative {worst:.2e})")
        return r.get("elapsedMs")

    def score_big_csv(self, big, rows, model):
        """The big CSV through the main load balancer in one streamed request (curl -T streams the
        file), the answer to a file; the cluster's RSS sampled every 0.25 s meanwhile."""
        out = self.work / "big-predictions.csv"
        names = ("learner-1", "learner-2", "learner-3", "learner-4", "api-1", "api-2")
        pids = {n: self.pid_of(n) for n in names if self.pid_of(n)}
        peak = {n: rss_mb(p)[0] or 0 for n, p in pids.items()}
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                for n, p in pids.items():
                    peak[n] = max(peak[n], rss_mb(p)[0] or 0)
                stop.wait(0.25)

        t = threading.Thread(target=sample, daemon=True)
        cmd = ["curl", "-sS", "-o", str(out), "-w", "%{http_code}", "-X", "POST", "-T", str(big),
               "-H", "Content-Type: text/csv", "-H", "Accept: text/csv", "--max-time", "1800"]
        if self.api_key:
            cmd += ["-H", f"X-API-Key: {self.api_key}"]
        cmd.append(f"{self.url}/v1/ml-distributed/predict?modelId={model}&deadlineMs=60000")
        cpu0 = self.cpu_snapshot()
        t.start()
        t0 = time.monotonic()
        p = run(cmd, timeout=1900, check=False)
        wall = time.monotonic() - t0
        stop.set()
        t.join()
        cpu = self.cpu_delta(cpu0, self.cpu_snapshot(), rows)
        if p.returncode != 0 or p.stdout.strip() != "200":
            raise StepFailed(f"streamed CSV of {rows:,} rows: curl exit {p.returncode}, status {p.stdout.strip()}: "
                             f"{p.stderr[-500:]} {out.read_text()[:500] if out.exists() else ''}")
        with open(out) as f:
            lines = sum(1 for _ in f)
        out.unlink(missing_ok=True)
        if lines != rows:
            raise StepFailed(f"streamed CSV: {lines:,} predictions for {rows:,} rows")
        return {"rows": rows, "csvBytes": big.stat().st_size, "wallS": round(wall, 1),
                "rowsPerSecond": round(rows / wall), "peakRssMb": peak,
                "cpuMsPerRow": cpu, "load": load_avg()}

    def p4(self, rec):
        csv_body = self.batch_body.with_suffix(".csv")
        algorithms = [a for a in self.a.p4_algorithms.split(",") if a == "linear" or self.own_cluster]
        big_rows = self.a.big_csv_rows or (20_000 if self.smoke else 1_000_000)
        big = self.work / f"score-{big_rows}.csv"
        self.make_big_csv(csv_body, big, big_rows)
        models, errors = {}, []
        for algo in algorithms:
            try:
                if algo == "linear":
                    models[algo] = self.predict_model()
                else:
                    t0 = time.monotonic()
                    models[algo], rec[f"{algo}Params"] = self.fit_forest(rec)
                    rec[f"{algo}FitSeconds"] = round(time.monotonic() - t0, 1)
                model = models[algo]
                query = f"?modelId={model}&deadlineMs=30000"
                rec[f"{algo}SingleRequestMs"] = self.batch_check(query, csv_body)
                for fmt, body, ctype in (("json", self.batch_body, "application/json"), ("csv", csv_body, "text/csv")):
                    script = self.post_script(body, f"predict-batch-{fmt}", ctype)
                    res = []
                    for i in range(self.runs):
                        w = self.wrk(f"{self.url}/v1/ml-distributed/predict{query}", script,
                                     conns=self.a.batch_connections, duration=self.p4_duration)
                        w["rowsPerSecond"] = w["rps"] * self.batch_rows
                        res.append(w)
                        log(f"   {algo} {fmt} run {i + 1}/{self.runs}: {w['rps']:.1f} requests/s = "
                            f"{w['rowsPerSecond']:,.0f} rows/s (load {load_avg()[0]})")
                    rec[f"{algo}_{fmt}"] = {"runs": res, "rowsPerSecond": median([w["rowsPerSecond"] for w in res])}
                if algo in self.a.big_csv_algorithms.split(","):
                    # the big table scored in one streamed request
                    r = self.score_big_csv(big, big_rows, model)
                    rec[f"big_{algo}"] = r
                    log(f"   {big_rows:,} rows as one streamed CSV, {algo}: {r['wallS']} s = {r['rowsPerSecond']:,} "
                        f"rows/s; peak RSS {r['peakRssMb']}")
            except StepFailed as e:
                errors.append(f"{algo}: {e}")
                log(f"   {algo} failed: {str(e)[-600:]}")
        rec["models"] = models
        if rec.get("linear_json"):
            rec["runs"] = rec["linear_json"]["runs"]
            rec["rowsPerSecond"] = rec["linear_json"]["rowsPerSecond"]
        # footprint of the cluster's own processes after P1, P2 and P4 (batch bodies included)
        rec["clusterRssMb"] = {n: rss_mb(self.pid_of(n))[0] for n in
                               ("learner-1", "learner-2", "learner-3", "learner-4", "api-1", "api-2")
                               if self.pid_of(n)}
        if errors:
            raise StepFailed("; ".join(errors))

    # ------------------------------------------------------------------ P5: start-up and footprint

    def learner_user(self, learner_id):
        """The broker user of a learner, as bin/mlcluster names it (ML_LEARNER_RABBIT_USER_PATTERN)."""
        return self.env.get("ML_LEARNER_RABBIT_USER_PATTERN", "ml-learner-{id}").replace("{id}", learner_id)

    def probe_env(self, kind, name):
        e = self.env
        # a learner has its own broker user; bin/mlcluster up wrote its password into the run folder
        pw = (self.run_dir / "secrets" / f"rabbit-{name}").read_text().strip() if kind == "learner" else \
            e.get("ML_API_RABBIT_PASSWORD", "ml-api-dev")
        doc = {"spring": {"rabbitmq": {"password": pw}}}
        if kind == "api" and self.api_key:
            doc["ml"] = {"api": {"api-key": self.api_key}}
        env = dict(e)
        env["SPRING_APPLICATION_JSON"] = json.dumps(doc)
        return env

    def probe_args(self, kind, name, port, model_dir=None):
        e = self.env
        args = [f"--server.port={port}", f"--server.address={e.get('ML_BIND_ADDRESS', '127.0.0.1')}",
                f"--management.server.port={port + self.mgmt_offset}",
                f"--management.server.address={e.get('ML_BIND_ADDRESS', '127.0.0.1')}",
                f"--ml.prefix={e.get('ML_PREFIX', 'ml')}",
                f"--spring.rabbitmq.host={e.get('ML_RABBIT_HOST', '127.0.0.1')}",
                f"--spring.rabbitmq.port={e.get('ML_RABBIT_PORT', '5672')}",
                f"--spring.rabbitmq.virtual-host={e.get('ML_RABBIT_VHOST', 'ml')}"]
        if kind == "learner":
            args += [f"--ml.learner.id={name}", f"--ml.learner.shard={'XABCD'[int(name[-1])]}",
                     f"--ml.learner.data-dir={self.data_dir}",
                     f"--ml.learner.model-dir={model_dir or e.get('ML_MODEL_DIR', str(self.run_dir / 'models'))}",
                     f"--spring.rabbitmq.username={self.learner_user(name)}",
                     f"--ml.identity.learner-user={self.learner_user('{id}')}",
                     f"--ml.identity.api-users={e.get('ML_API_RABBIT_USER', 'ml-api')}"]
        else:
            args += [f"--spring.rabbitmq.username={e.get('ML_API_RABBIT_USER', 'ml-api')}",
                     f"--ml.identity.learner-user={self.learner_user('{id}')}"]
        return args

    def cds_archive(self, kind, rec):
        """Creates the AppCDS archive of the extracted jar with a training run that exits after refresh."""
        app = self.learner_app if kind == "learner" else self.api_app
        jsa = self.work / f"{kind}.jsa"
        if jsa.exists():
            return jsa
        port = 39199 if kind == "learner" else 39099
        tmp_models = self.work / "cds-models"
        tmp_models.mkdir(exist_ok=True)
        name = "learner-4" if kind == "learner" else "api-2"
        t0 = time.monotonic()
        cmd = ["java", f"-XX:ArchiveClassesAtExit={jsa}", "-Dspring.context.exit=onRefresh", "-jar", str(app)] + \
            self.probe_args(kind, name, port, model_dir=tmp_models)
        if kind == "learner":
            cmd = [c.replace("--ml.learner.id=learner-4", "--ml.learner.id=cds-training") for c in cmd]
        p = run(cmd, env=self.probe_env(kind, name), timeout=600, check=False, cwd=self.work)
        if not jsa.exists():
            raise StepFailed(f"no CDS archive written for {kind}:\n{(p.stdout or '')[-1500:]}{(p.stderr or '')[-800:]}")
        rec.setdefault("cdsArchive", {})[kind] = {"seconds": round(time.monotonic() - t0, 1),
                                                   "mb": round(jsa.stat().st_size / 2**20, 1)}
        return jsa

    def stop_probe(self):
        p = self.probe
        if p is None:
            return
        self.probe = None
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=40)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def probe_once(self, kind, opts, jar, rec):
        """Starts learner-4 (or api-2) with the given options in place of the cluster's own and times it
        from the process start to healthy and, for a learner, counted alive in presence by the api.
        opts "via-mlcluster" starts it with `bin/mlcluster start NAME` instead, as the launcher does."""
        name = "learner-4" if kind == "learner" else "api-2"
        port = int(self.env.get("ML_LEARNER_4_PORT", "27104") if kind == "learner" else
                   self.env.get("ML_API_2_PORT", "27002"))
        old_instance = None
        if kind == "learner":
            for l in self.learners():
                if l["learnerId"] == name:
                    old_instance = l.get("instanceId")
        if self.pid_of(name):
            run([str(MLCLUSTER), "stop", name], env=self.cluster_env(), timeout=120)
        pid_file = self.run_dir / "pids" / f"{name}.pid"
        launcher = None
        if opts == "via-mlcluster":
            pid_file.unlink(missing_ok=True)
            launcher = subprocess.Popen([str(MLCLUSTER), "start", name], env=self.cluster_env(),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            pid = None
            while pid is None and time.monotonic() < deadline:
                pid = self.pid_of(name)
                time.sleep(0.02)
            if pid is None:
                raise StepFailed(f"bin/mlcluster start {name} wrote no pid file")
            # the process start as the kernel recorded it, on the monotonic clock
            start_ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
            boot_now = time.clock_gettime(time.CLOCK_BOOTTIME)
            t0 = time.monotonic() - (boot_now - start_ticks / CLK_TCK)

            class Proc:  # the parts of Popen the loop below uses
                def __init__(self, pid):
                    self.pid = pid

                def poll(self):
                    try:
                        os.kill(self.pid, 0)
                        return None
                    except OSError:
                        return 1
            proc = Proc(pid)
            log_file = self.run_dir / "logs" / f"{name}.log"
        else:
            log_file = self.run_dir / "logs" / f"bench-probe-{name}.log"
            # NAME=value tokens are environment variables (MALLOC_ARENA_MAX=2), the others JVM options
            env = self.probe_env(kind, name)
            jvm = []
            for tok in opts.split():
                if re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", tok):
                    k, v = tok.split("=", 1)
                    env[k] = v
                else:
                    jvm.append(tok)
            cmd = ["java"] + jvm + [f"-Dmlcluster.name={name}", "-jar", str(jar)] + self.probe_args(kind, name, port)
            t0 = time.monotonic()
            with open(log_file, "w") as lf:
                self.probe = subprocess.Popen(cmd, env=env, stdout=lf, stderr=subprocess.STDOUT,
                                              stdin=subprocess.DEVNULL, cwd=self.run_dir, start_new_session=True)
            # so that `bin/mlcluster down` (the trap) stops it too
            pid_file.write_text(f"{self.probe.pid}\n")
            proc = self.probe
        healthy = presence = None
        deadline = t0 + 180
        while time.monotonic() < deadline and (healthy is None or presence is None):
            if proc.poll() is not None:
                raise StepFailed(f"{name} exited during start-up with {opts}: see {log_file}")
            now = time.monotonic()
            if healthy is None:
                try:
                    s, b = http("GET", f"http://127.0.0.1:{port + self.mgmt_offset}/actuator/health/readiness",
                                timeout=2)
                    if s == 200 and '"UP"' in b:
                        healthy = now - t0
                except StepFailed:
                    pass
            if presence is None:
                if kind == "learner":
                    try:
                        for l in self.learners():
                            if l["learnerId"] == name and l.get("alive") and l.get("instanceId") != old_instance:
                                presence = time.monotonic() - t0
                    except StepFailed:
                        pass
                else:
                    presence = healthy  # an api is ready once it has heard presence
            time.sleep(0.1)
        if launcher is not None:
            try:
                launcher.wait(timeout=60)
            except subprocess.TimeoutExpired:
                launcher.kill()
        if healthy is None or presence is None:
            raise StepFailed(f"{name} not healthy and in presence within 180 s with {opts}")
        # footprint: RSS after the start and after a short burst of predicts through this process
        rss_start = rss_mb(proc.pid)[0]
        target = f"{self.url}/v1/ml-distributed/predict" if kind == "learner" else \
            f"http://127.0.0.1:{port}/v1/ml-distributed/predict"
        if getattr(self, "linear_model", None):
            target += f"?modelId={self.linear_model}"  # not the forest P4 fitted
        self.loadgen(target, 100, 3 if self.smoke else 5, 1, self.one_row)
        rss_load = rss_mb(proc.pid)[0]
        if launcher is not None:
            run([str(MLCLUSTER), "stop", name], env=self.cluster_env(), timeout=120)
        else:
            self.stop_probe()
        return {"opts": opts, "jar": str(jar), "healthyS": round(healthy, 2),
                "inPresenceS": round(max(healthy, presence), 2),
                "rssAfterStartMb": rss_start, "rssAfterLoadMb": rss_load, "load": load_avg()}

    def p5(self, rec):
        # the cluster as bin/mlcluster runs it by default; one learner and one api are restarted by hand
        cds = " -XX:SharedArchiveFile={jsa} -Xshare:auto"
        lean = " -Xss512k -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=160m MALLOC_ARENA_MAX=2"
        def variants(opts, jar, app):
            return [
                ("via-mlcluster", "via-mlcluster", jar),
                ("jvm-defaults", "", jar),
                ("mlcluster-default", opts, jar),
                ("extracted+appcds", opts + cds, app),
                ("extracted+appcds+lean", opts + cds + lean, app),
            ]

        sets = {"learner": variants(MLCLUSTER_LEARNER_OPTS, LEARNER_JAR, self.learner_app),
                "api": variants(MLCLUSTER_API_OPTS, API_JAR, self.api_app)}
        if self.smoke:
            sets = {"learner": [sets["learner"][0], sets["learner"][3]], "api": [sets["api"][0]]}
        if self.a.p5_sets:
            keep = set(self.a.p5_sets.split(","))
            sets = {k: [s for s in v if s[0] in keep] for k, v in sets.items()}
        out = {}
        for kind, variants in sets.items():
            results = {v[0]: [] for v in variants}
            for i in range(self.runs):
                for label, opts, jar in variants:
                    if "{jsa}" in opts:
                        opts = opts.replace("{jsa}", str(self.cds_archive(kind, rec)))
                    r = self.probe_once(kind, opts, jar, rec)
                    results[label].append(r)
                    log(f"   {kind} {label} run {i + 1}/{self.runs}: healthy {r['healthyS']} s, in presence "
                        f"{r['inPresenceS']} s, RSS {r['rssAfterStartMb']} / {r['rssAfterLoadMb']} MB "
                        f"(load {load_avg()[0]})")
            out[kind] = {label: {"runs": rs, "inPresenceS": median([r["inPresenceS"] for r in rs]),
                                 "healthyS": median([r["healthyS"] for r in rs]),
                                 "rssAfterStartMb": median([r["rssAfterStartMb"] for r in rs]),
                                 "rssAfterLoadMb": median([r["rssAfterLoadMb"] for r in rs]),
                                 "opts": rs[0]["opts"] if rs else None}
                         for label, rs in results.items()}
            # give the cluster its own process back
            name = "learner-4" if kind == "learner" else "api-2"
            run([str(MLCLUSTER), "start", name], env=self.cluster_env(), timeout=300)
        rec.update(out)


    # ------------------------------------------------------------------ figures

    def compute_figures(self):
        """The figures, from the steps' records (so that --report can redo them from a results.json)."""
        self.R["figures"] = []
        st = self.R["steps"]
        p3 = st.get("P3 distributed fit", {})
        if p3.get("distributedMedianMs") and p3.get("inProcessMedianMs"):
            d, r = p3["distributedMedianMs"], p3["inProcessMedianMs"]
            rows = sum((p3["distributed"][0].get("rows") or {}).values()) if p3.get("distributed") else 0
            self.figure("P3", d / r, f"distributed {d / 1000:.1f} s vs in-process {r / 1000:.1f} s wall, "
                                     f"{rows:,} rows, learners '{p3.get('learnerJavaOpts')}'; CPU ratio {p3.get('cpuRatio')}")
        p1 = st.get("P1 predict throughput", {})
        if p1.get("predictRps") and p1.get("pingRps"):
            self.figure("P1", p1["predictRps"] / p1["pingRps"],
                        f"predict {p1['predictRps']:.0f}/s vs ping {p1['pingRps']:.0f}/s, "
                        f"{p1['predict'][0]['connections']} connections")
        if p1.get("predictRps") and p1.get("brokerFloorGathersPerSecond"):
            self.figure("P1b", p1["predictRps"] / p1["brokerFloorGathersPerSecond"],
                        f"predict {p1['predictRps']:.0f}/s vs plain amqp-client scatter-gather "
                        f"{p1['brokerFloorGathersPerSecond']:.0f}/s: 4 queues, 4 direct replies, "
                        f"{p1['predict'][0]['connections']} in flight, {p1['brokerFloorRequestBytes']} B job, "
                        f"{p1['brokerFloorReplyBytes']} B reply; broker CPU {p1.get('brokerCpuMsPerGather')} ms per gather")
        p2 = st.get("P2 predict latency", {})
        if p2.get("p99OverP50PerRun"):
            q = p2.get("quarterPeak")
            # Half the closed-loop peak is more than the cluster sustains when other tenants take CPU:
            # then requests queue, p50 itself grows and p99/p50 says nothing. Such a run is not judged.
            saturated = q is not None and p2["p50Ms"] > 3 * q["p50Ms"]
            self.figure("P2", median(p2["p99OverP50PerRun"]),
                        f"at {p2['rate']:.0f}/s: p50 {p2['p50Ms']:.1f} ms, p99 {p2['p99Ms']:.1f} ms, "
                        f"p99.9 {p2['p999Ms']:.1f} ms" + ("; SATURATED (p50 > 3 x p50 at a quarter of the peak): "
                                                          "not judged" if saturated else ""))
            if saturated:
                self.R["figures"][-1]["met"] = None
            if q:
                self.figure("P2q", q["p99Ms"] / q["p50Ms"],
                            f"at {q['targetRate']:.0f}/s: p50 {q['p50Ms']:.1f} ms, p99 {q['p99Ms']:.1f} ms, "
                            f"p99.9 {q['p999Ms']:.1f} ms (one run, diagnosis)")
        p2r = st.get("P2r tail with replicas", {})
        if p2r.get("replicas2") and p2r.get("replicas1"):
            one, two = p2r["replicas1"], p2r["replicas2"]
            self.figure("P2r", two["p99OverP50"],
                        f"2 replicas at {two['rate']:.0f}/s: p50 {two['p50Ms']:.1f} ms, p99 {two['p99Ms']:.1f} ms; "
                        f"1 replica at {one['rate']:.0f}/s: p50 {one['p50Ms']:.1f} ms, p99 {one['p99Ms']:.1f} ms, "
                        f"p99/p50 {one['p99OverP50']}")
        p4 = st.get("P4 batch predict", {})
        batch = self.R['steps'].get('data', {}).get('batchRows', 0)
        for fid, key, what in (("P4", "linear_json", "linear, JSON"), ("P4c", "linear_csv", "linear, CSV"),
                               ("P4f", "forest_json", "forest, JSON"), ("P4fc", "forest_csv", "forest, CSV")):
            if p4.get(key, {}).get("rowsPerSecond"):
                self.figure(fid, p4[key]["rowsPerSecond"], f"{what}, {batch:,}-row requests, "
                                                           f"{p4[key]['runs'][0]['connections']} connections")
        if p4.get("rowsPerSecond") and not p4.get("linear_json"):  # results of an older bench
            self.figure("P4", p4["rowsPerSecond"], f"{batch:,}-row requests, {p4['runs'][0]['connections']} connections")
        for fid, key in (("P4m", "big_linear"), ("P4mf", "big_forest")):
            big = p4.get(key)
            if big:
                api = max([v for k, v in big["peakRssMb"].items() if k.startswith("api")], default=None)
                learner = max([v for k, v in big["peakRssMb"].items() if k.startswith("learner")], default=None)
                rss = f"; peak RSS api {api:.0f} MB, learner {learner:.0f} MB" if api and learner else ""
                self.figure(fid, big["rowsPerSecond"], f"{big['rows']:,} rows ({big['csvBytes'] / 2**20:.0f} MB) in "
                                                       f"{big['wallS']} s through nginx" + rss)
        p5 = st.get("P5 start-up and footprint", {})
        if p5.get("learner"):
            def pick(kind):
                # the figure is what bin/mlcluster delivers; the detail names the fastest option set
                sets = p5.get(kind) or {}
                if not sets:
                    return None, None
                fastest = min(sets.items(), key=lambda kv: kv[1]["inPresenceS"] or 1e9)
                for name in ("via-mlcluster", "mlcluster-default"):
                    if name in sets:
                        return (name, sets[name]), fastest
                return fastest, fastest

            (lname, lv), (fname, fv) = pick("learner")
            self.figure("P5a", lv["inPresenceS"], f"{lname}; fastest set '{fname}' {fv['inPresenceS']} s")
            self.figure("P5b", lv["rssAfterLoadMb"],
                        f"{lname}, after start + 100 predicts/s; '{fname}' {fv['rssAfterLoadMb']} MB")
            if p5.get("api"):
                (aname, av), (fname, fv) = pick("api")
                self.figure("P5c", av["rssAfterLoadMb"], f"{aname}, after start + 100 predicts/s; "
                                                         f"'{fname}' {fv['rssAfterLoadMb']} MB")
        crss = p4.get("clusterRssMb") or p5.get("clusterRssMb") or {}
        lr = [v for k, v in crss.items() if k.startswith("learner") and v]
        if lr:
            self.figure("P5d", max(lr), "largest learner, after P1, P2 and P4 (batch bodies included)")
        ar = [v for k, v in crss.items() if k.startswith("api") and v]
        if ar:
            self.figure("P5e", max(ar), "largest api, after P1, P2 and P4 (batch bodies included)")

    # ------------------------------------------------------------------ report

    def chart(self, rec):
        lines = ["panel\tEach figure against its target (bar >= target line: met)\tscore\t"]
        for f in self.R["figures"]:
            if f["measured"] is None or f["op"] is None:
                continue
            score = f["measured"] / f["targetValue"] if f["op"] == ">=" else f["targetValue"] / f["measured"]
            val = f["measured"]
            shown = f"{val:,.0f}" if abs(val) >= 100 else f"{val:.2f}"
            lines.append(f"row\t{f['id']} {f['figure']}\t{score:.4f}\t{shown} (target {f['target']})\t"
                         f"{'-' if f['met'] is None else 1 if f['met'] else 0}")
        p1 = self.R["steps"].get("P1 predict throughput", {})
        if p1.get("predictRps"):
            lines.append("panel\tP1 throughput, requests/s (median of runs)\tbars\treq/s")
            for label, key in (("nginx only (/lb-health)", "nginxOnlyRps"), ("nginx + api (GET /ping)", "pingRps"),
                               ("full path (POST /predict)", "predictRps"),
                               ("broker floor (amqp-client scatter-gather)", "brokerFloorGathersPerSecond")):
                if p1.get(key):
                    lines.append(f"row\t{label}\t{p1[key]:.1f}\t{p1[key]:,.0f}/s\t-")
        p2 = self.R["steps"].get("P2 predict latency", {})
        if p2.get("p50Ms"):
            lines.append(f"panel\tP2 predict latency at {p2['rate']:.0f}/s, open loop (ms)\tbars\tms")
            for label, key in (("p50", "p50Ms"), ("p90", "p90Ms"), ("p99", "p99Ms"), ("p99.9", "p999Ms")):
                lines.append(f"row\t{label}\t{p2[key]:.3f}\t{p2[key]:.2f} ms\t-")
        p3 = self.R["steps"].get("P3 distributed fit", {})
        if p3.get("distributedMedianMs"):
            rows = self.R["steps"].get("data", {}).get("shardRows", self.fit_rows // 4) * 4
            lines.append(f"panel\tP3 fit of {rows:,} rows: where the wall time goes (s)\tstack\ts")
            ref = p3["inProcessMedianMs"] / 1000
            sh = p3["inProcessShares"]
            tot = sum(sh.values()) or 1
            segs = ";".join(f"{n}:{ref * sh[k] / tot:.2f}" for n, k in
                            (("CSV read", "readMs"), ("encode", "encodeMs"), ("Tribuo train", "trainMs")))
            lines.append(f"stack\tin-process, 2 threads\t{segs};save + heartbeat lag:0;messaging + other:0\t{ref:.1f} s")
            ph = p3["distributedPhasesMedian"]
            dist = p3["distributedMedianMs"] / 1000
            known = sum((ph[k] or 0) for k in ph) / 1000
            segs = ";".join(f"{n}:{(ph[k] or 0) / 1000:.2f}" for n, k in
                            (("CSV read", "loading"), ("encode", "encoding"), ("Tribuo train", "training"),
                             ("save + heartbeat lag", "saving")))
            lines.append(f"stack\tdistributed, 4 learners (slowest)\t{segs};messaging + other:"
                         f"{max(0.0, dist - known):.2f}\t{dist:.1f} s")
        p5 = self.R["steps"].get("P5 start-up and footprint", {})
        if p5.get("learner"):
            lines.append("panel\tP5 learner start -> healthy and in presence (s), by JVM options\tbars\ts")
            for label, v in p5["learner"].items():
                lines.append(f"row\t{label}\t{v['inPresenceS']}\t{v['inPresenceS']} s, RSS {v['rssAfterLoadMb']} MB\t-")
        spec = self.out / "chart.tsv"
        spec.write_text("\n".join(lines) + "\n")
        png = self.out / "chart.png"
        run(["java", "-Djava.awt.headless=true", "-cp", str(self.classes), JAVA_PKG + "Chart", str(spec), str(png)], timeout=120)
        rec["png"] = str(png)
        if self.a.chart:
            shutil.copyfile(png, self.a.chart)
            rec["copiedTo"] = self.a.chart

    def table(self):
        rows = ["| figure | measured | floor / target | ratio | met? |", "|---|---|---|---|---|"]
        for f in self.R["figures"]:
            m = f["measured"]
            shown = "-" if m is None else (f"{m:,.0f}" if abs(m) >= 100 else f"{m:.2f}")
            ratio = "-" if f["ratioToTarget"] is None else f"{f['ratioToTarget']:.2f}"
            met = ("not judged" if f["measured"] is not None and f["op"] else "-") if f["met"] is None else \
                ("yes" if f["met"] else "**no**")
            rows.append(f"| {f['id']} {f['figure']} ({f['detail']}) | {shown} | {f['target']} | {ratio} | {met} |")
        return "\n".join(rows)

    # ------------------------------------------------------------------ main

    def main(self):
        t0 = time.monotonic()
        log(f"mode {self.R['mode']}, {self.runs} run(s) per figure, results in {self.out}")
        self.step("machine", self.machine)
        self.step("prepare", self.prepare)
        if self.own_cluster:
            self.step("broker", self.broker)
        if "prepare" in self.failed:
            return self.finish(t0)
        self.step("data", self.data)
        if "data" in self.failed:
            return self.finish(t0)
        skip = set((self.a.skip or "").split(","))
        try:
            if self.own_cluster and "P3" not in skip:
                self.step("P3 distributed fit", self.p3)
            if self.own_cluster:
                def up(rec):
                    rec["upSeconds"] = self.up()
                    self.wait_presence(4)
                    # a model to predict with: the P3 fit, or a small default fit
                    if not getattr(self, "linear_model", None):
                        s, b = http("POST", f"{self.url}/v1/ml-distributed/fit", {"deadlineMs": 600000}, timeout=700,
                                    headers=self.key_headers)
                        if s != 200:
                            raise StepFailed(f"fit answered {s}: {b[:500]}")
                        self.linear_model = json.loads(b)["modelId"]
                    time.sleep(1.5)
                self.step("cluster up (bin/mlcluster defaults)", up)
                if "cluster up (bin/mlcluster defaults)" in self.failed:
                    return self.finish(t0)
            if "P1" not in skip:
                self.step("P1 predict throughput", self.p1)
            if "P2" not in skip:
                self.step("P2 predict latency", self.p2)
            if "P4" not in skip:
                self.step("P4 batch predict", self.p4)
            if self.own_cluster and "P2r" not in skip:
                self.step("P2r tail with replicas", self.p2r)
            if self.own_cluster and "P5" not in skip:
                self.step("P5 start-up and footprint", self.p5)
        finally:
            self.down()
        return self.finish(t0)

    def report(self, results_dir):
        """Redoes figures, table and chart of an earlier run from its results.json."""
        self.out = Path(results_dir)
        self.R = json.loads((self.out / "results.json").read_text())
        if not (self.classes / "org").exists():
            run([str(REPO / "mvnw"), "-o", "-q", "-B", "package", "-DskipTests", "-pl", "bench", "-am"], cwd=REPO,
                timeout=1800)
        self.compute_figures()
        rec = {}
        self.chart(rec)
        self.save()
        (self.out / "figures.md").write_text(self.table() + "\n")
        print(self.table())
        log(f"chart: {rec.get('png')}")
        return 0

    def finish(self, t0):
        self.compute_figures()
        self.step("chart", self.chart)
        self.R["totalSeconds"] = round(time.monotonic() - t0, 1)
        self.R["failedSteps"] = self.failed
        self.R["load"]["end"] = load_avg()
        self.save()
        (self.out / "figures.md").write_text(self.table() + "\n")
        print()
        print(self.table())
        print()
        log(f"done in {self.R['totalSeconds']} s; load average at start {self.R['load']['start']}, "
            f"at end {self.R['load']['end']}; results: {self.out}/results.json, chart: {self.out}/chart.png")
        if self.failed:
            log(f"FAILED steps: {', '.join(self.failed)}")
            return 1
        if self.a.strict and any(f["met"] is False for f in self.R["figures"]):
            log("some targets are not met (--strict)")
            return 3
        return 0


def main():
    ap = argparse.ArgumentParser(prog="bin/bench", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="a short run that proves the harness works (CI)")
    ap.add_argument("--url", help="measure this running cluster instead (P1, P2, P4 only)")
    ap.add_argument("--runs", type=int, help="runs per figure (default 3, smoke 1)")
    ap.add_argument("--out", help="results folder (default $ML_RUN_DIR/results/<stamp>)")
    ap.add_argument("--chart", help="also copy the chart PNG here (e.g. docs/performance.png)")
    ap.add_argument("--skip", help="comma-separated figures to skip: P1,P2,P2r,P3,P4,P5")
    ap.add_argument("--only", help="comma-separated figures to run, the others skipped (P2 needs P1's peak)")
    ap.add_argument("--connections", type=int, default=64,
                    help="wrk connections for P1, the same for the floor and the full path (default 64)")
    ap.add_argument("--batch-connections", type=int, default=2, help="wrk connections for P4 (default 2)")
    ap.add_argument("--p4-algorithms", default="linear,forest",
                    help="models P4 measures (default linear,forest; the forest is fitted for it)")
    ap.add_argument("--forest-rows", type=int, default=5_000,
                    help="rows per shard the P4 forest is fitted on (default 5,000: the default learner heap)")
    ap.add_argument("--big-csv-rows", type=int, help="rows of P4's streamed CSV (default 1,000,000; smoke 20,000)")
    ap.add_argument("--big-csv-algorithms", default="linear,forest",
                    help="models that score P4's streamed CSV (default linear,forest)")
    ap.add_argument("--fit-rows", type=int, help="rows of the P3 table (default 1,000,000; smoke 10,000)")
    ap.add_argument("--fit-heap", default="3g",
                    help="learner -Xmx for the P3 fit (default 3g: a 250k-row shard needs ~3 GB with the String[] table)")
    ap.add_argument("--fit-learner-java-opts", help="LEARNER_JAVA_OPTS for the P3 cluster (overrides --fit-heap)")
    ap.add_argument("--reference-java-opts",
                    help="JVM options of the in-process reference (default -XX:+UseSerialGC, -Xmx 2 x --fit-heap)")
    ap.add_argument("--p5-sets", help="comma-separated P5 option sets to run")
    ap.add_argument("--data-cache", default=os.environ.get("ML_BENCH_DATA", "/tmp/mlbench-data"),
                    help="where generated tables are kept between runs (default /tmp/mlbench-data)")
    ap.add_argument("--strict", action="store_true", help="exit 3 when a target is not met")
    ap.add_argument("--report", metavar="RESULTS_DIR",
                    help="only redo the figures, table and chart of an earlier run from its results.json")
    a = ap.parse_args()
    if a.only:
        steps = {"P1", "P2", "P2r", "P3", "P4", "P5"}
        only = set(a.only.split(","))
        if not only <= steps:
            ap.error(f"--only takes {','.join(sorted(steps))}")
        a.skip = ",".join(sorted((steps - only) | set((a.skip or "").split(",")) - {""}))
    b = Bench(a)
    if a.report:
        sys.exit(b.report(a.report))

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    try:
        sys.exit(b.main())
    except KeyboardInterrupt:
        log("interrupted: tearing down")
        b.down()
        sys.exit(130)


if __name__ == "__main__":
    main()
