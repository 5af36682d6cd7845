"""The cluster under test and the generated data: start and stop it, find its processes,
measure their CPU and RSS, drive load at it (wrk, LoadGen) and fit the models the figures predict with."""
import csv
import json
import re
import shutil
import time
from pathlib import Path

from figures.common import API_JAR, BENCH_CLASSES, CLK_TCK, JAVA_PKG, LEARNER_JAR, MLCLUSTER, REPO, StepFailed, beam_pids, children, cpu_ticks, http, load_avg, log, run


class Cluster:
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

    def mlcluster(self, *args, timeout=600):
        p = run([str(MLCLUSTER), *args], env=self.cluster_env(), timeout=timeout, check=False)
        (self.out / "mlcluster-replicas.log").open("a").write((p.stdout or "") + (p.stderr or ""))
        if p.returncode != 0:
            raise StepFailed(f"bin/mlcluster {' '.join(args)} failed:\n{(p.stdout or '')[-1200:]}{(p.stderr or '')[-1200:]}")

    def fit_default(self, learners, dataset=None):
        body = {"deadlineMs": 600000}
        if dataset:
            body["dataset"] = dataset
        s, b = http("POST", f"{self.url}/v1/ml-distributed/fit", body, timeout=700, headers=self.key_headers)
        if s != 200:
            raise StepFailed(f"fit answered {s}: {b[:500]}")
        r = json.loads(b)
        trained = sum(1 for l in r["learners"] if l["status"] == "trained")
        if r["members"]["used"] != 4 or trained != learners:
            raise StepFailed(f"fit on {learners} learners: members {r['members']}, {trained} trained")
        return r["modelId"]

    def predict_model(self):
        """The model P1-P4 predict with: the latest when the step starts (the P3 fit or a default
        linear fit), pinned by id so that the forest P4 fits does not replace it."""
        if not getattr(self, "linear_model", None):
            self.linear_model = self.predict_once()["modelId"]
        return self.linear_model
