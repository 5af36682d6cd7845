"""P4: batch predict rows/s, JSON and CSV, linear, forest and boosted; the big table in one streamed CSV."""
import json
import threading
import time

from figures.common import StepFailed, http, load_avg, log, median, native_memory, rss_mb, run


class P4:
    def small_dataset(self):
        """The first --forest-rows rows of each shard (and of the test part), copied into a dataset
        of their own, once: what the learners' default heap (256 MB) trains any algorithm on, where
        the cluster's own table may be P3's 250,000 rows per shard."""
        dataset = "house_pricing_forest"
        dst = self.data_dir / dataset
        if getattr(self, "small_dataset_rows", None) == self.a.forest_rows:
            return dataset
        src = self.data_dir / "house_pricing"
        rows = self.a.forest_rows
        for part in ("A", "B", "C", "D", "test"):
            (dst / part).mkdir(parents=True, exist_ok=True)
            with open(src / part / "data.csv") as f, open(dst / part / "data.csv", "w") as out:
                for i, line in enumerate(f):
                    if i > rows:
                        break
                    out.write(line)
        self.small_dataset_rows = rows
        return dataset

    def fit_forest(self, rec, algorithm="forest"):
        """A default forest (25 trees), or boosted ensemble (300 rounds), on the first --forest-rows
        rows of each shard (`small_dataset`): the learners' default heap (256 MB) cannot train a
        forest on 25,000 rows."""
        dataset = self.small_dataset()
        rec["forestDataset"] = {"dataset": dataset, "rowsPerShard": self.a.forest_rows}
        s, b = http("POST", f"{self.url}/v1/ml-distributed/fit",
                    {"algorithm": algorithm, "dataset": dataset, "deadlineMs": 600000},
                    timeout=700, headers=self.key_headers)
        if s != 200:
            raise StepFailed(f"{algorithm} fit answered {s}: {b[:500]}")
        r = json.loads(b)
        if r["members"]["used"] != 4:
            raise StepFailed(f"{algorithm} fit: members {r['members']}")
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
                    models[algo], rec[f"{algo}Params"] = self.fit_forest(rec, algo)
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
        if self.env.get("ML_BENCH_NMT") == "1":
            # where the RSS goes: the JVMs' own account (needs -XX:NativeMemoryTracking=summary in
            # LEARNER_JAVA_OPTS / API_JAVA_OPTS); RSS minus 'Total' is memory the JVM does not track
            # (glibc arenas, native libraries such as XGBoost's)
            rec["nativeMemoryMb"] = {n: native_memory(self.pid_of(n)) for n in rec["clusterRssMb"]}
            for n, areas in rec["nativeMemoryMb"].items():
                log(f"   {n}: RSS {rec['clusterRssMb'][n]} MB, JVM committed {areas}")
        if errors:
            raise StepFailed("; ".join(errors))
