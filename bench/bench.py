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
  P4  batch predict rows/s with 10,000-row requests, JSON and CSV bodies, linear, forest and boosted models;
      then the big table (1,000,000 rows) scored in one streamed CSV request, with peak RSS
  P3p the same table fitted by peers, one process each: XGBoost4J (100 trees) and H2O-3's embedded
      GLM beside our linear and boosted ensembles; wall time (parse + fit) and R2 on the test rows
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
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from figures.common import BENCH_CLASSES, REPO, StepFailed, TARGETS, http, load_avg, log, run
from figures.cluster import Cluster
from figures.p1 import P1
from figures.p2 import P2
from figures.p3 import P3
from figures.p4 import P4
from figures.p5 import P5
from figures.report import Report


class Bench(Cluster, P1, P2, P3, P4, P5, Report):
    """One run of the benchmark: the steps, their records (self.R) and the figures; each figure's
    steps live in figures/<figure>.py."""

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
        # actuator answers on each process's port + this (bin/mlcluster's ML_MANAGEMENT_PORT_OFFSET)
        self.mgmt_offset = int(os.environ.get("ML_MANAGEMENT_PORT_OFFSET", "1000"))
        self.own_cluster = not a.url
        self.env = dict(os.environ)
        self.lb_port = int(self.env.get("ML_LB_MAIN_PORT", "27080"))
        self.url = a.url.rstrip("/") if a.url else f"http://127.0.0.1:{self.lb_port}"
        self.api1 = f"http://127.0.0.1:{self.env.get('ML_API_1_PORT', '27001')}"
        self.api2 = f"http://127.0.0.1:{self.env.get('ML_API_2_PORT', '27002')}"
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
        if {"P3", "P3p"} <= set((a.skip or "").split(",")) and not self.smoke:
            # the predict figures need a model, not a big table: the default learner heap cannot fit 1M rows
            self.fit_rows = 100_000
        if a.fit_rows:
            self.fit_rows = a.fit_rows
        self.fit_heap = a.fit_heap
        a.peer_heap = a.peer_heap or ("1g" if self.smoke else "6g")

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
            if self.own_cluster and "P3p" not in skip:
                self.step("P3p fit against peers", self.peers)
            if not {"P1", "P2", "P4", "P2r", "P5"} - skip:
                return self.finish(t0)
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


def main():
    ap = argparse.ArgumentParser(prog="bin/bench", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="a short run that proves the harness works (CI)")
    ap.add_argument("--url", help="measure this running cluster instead (P1, P2, P4 only)")
    ap.add_argument("--runs", type=int, help="runs per figure (default 3, smoke 1)")
    ap.add_argument("--out", help="results folder (default $ML_RUN_DIR/results/<stamp>)")
    ap.add_argument("--chart", help="also copy the chart PNG here (e.g. docs/performance.png)")
    ap.add_argument("--skip", help="comma-separated figures to skip: P1,P2,P2r,P3,P3p,P4,P5")
    ap.add_argument("--only", help="comma-separated figures to run, the others skipped (P2 needs P1's peak)")
    ap.add_argument("--connections", type=int, default=64,
                    help="wrk connections for P1, the same for the floor and the full path (default 64)")
    ap.add_argument("--batch-connections", type=int, default=2, help="wrk connections for P4 (default 2)")
    ap.add_argument("--p4-algorithms", default="linear,forest,boosted",
                    help="models P4 measures (default linear,forest,boosted; forest and boosted are fitted for it)")
    ap.add_argument("--forest-rows", type=int, default=5_000,
                    help="rows per shard the P4 forest and boosted models are fitted on (default 5,000: the "
                         "default learner heap)")
    ap.add_argument("--big-csv-rows", type=int, help="rows of P4's streamed CSV (default 1,000,000; smoke 20,000)")
    ap.add_argument("--big-csv-algorithms", default="linear,forest,boosted",
                    help="models that score P4's streamed CSV (default linear,forest,boosted)")
    ap.add_argument("--fit-rows", type=int, help="rows of the P3 table (default 1,000,000; smoke 10,000)")
    ap.add_argument("--fit-heap", default="3g",
                    help="learner -Xmx for the P3 fit (default 3g: a 250k-row shard needs ~3 GB with the String[] table)")
    ap.add_argument("--fit-learner-java-opts", help="LEARNER_JAVA_OPTS for the P3 cluster (overrides --fit-heap)")
    ap.add_argument("--reference-java-opts",
                    help="JVM options of the in-process reference (default -XX:+UseSerialGC, -Xmx 2 x --fit-heap)")
    ap.add_argument("--peers", help="P3p fits to run (default ours-linear,ours-boosted,xgboost4j,h2o-glm)")
    ap.add_argument("--peer-trees", type=int, default=100,
                    help="trees of XGBoost4J's booster and of each of our boosted members in P3p (default 100)")
    ap.add_argument("--peer-heap", help="-Xmx of each P3p process (default 6g; smoke 1g)")
    ap.add_argument("--p5-sets", help="comma-separated P5 option sets to run")
    ap.add_argument("--data-cache", default=os.environ.get("ML_BENCH_DATA", "/tmp/mlbench-data"),
                    help="where generated tables are kept between runs (default /tmp/mlbench-data)")
    ap.add_argument("--strict", action="store_true", help="exit 3 when a target is not met")
    ap.add_argument("--report", metavar="RESULTS_DIR",
                    help="only redo the figures, table and chart of an earlier run from its results.json")
    a = ap.parse_args()
    if a.only:
        steps = {"P1", "P2", "P2r", "P3", "P3p", "P4", "P5"}
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
