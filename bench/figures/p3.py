"""P3: the distributed fit against the same members trained in one JVM; P3p: the same table fitted by
peers (XGBoost4J, H2O-3's GLM) beside our linear and boosted ensembles."""
import hashlib
import json
import threading
import time

from figures.common import BENCH_CLASSES, JAVA_PKG, MLCLUSTER_LEARNER_OPTS, StepFailed, http, load_avg, log, median, mem_available_mb, parse_mb, rss_mb, run


class P3:
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

    def peers(self, rec):
        """P3p: the same table fitted by peers in one process each, one after the other: our linear
        and boosted ensembles (4 members, the learners' code, 2 threads; P3 shows the cluster takes
        1.0 x this), XGBoost4J (one booster of --peer-trees rounds, 2 threads) and H2O-3's embedded
        GLM (2 threads). Wall time = parse + fit; R2 on the dataset's test rows."""
        ds = self.data_dir / "house_pricing"
        heap = self.a.peer_heap
        need = parse_mb(heap) + 1024
        avail = mem_available_mb()
        rec["memAvailableMb"] = avail
        if avail is not None and avail < need:
            raise StepFailed(f"P3p needs about {need} MB free (-Xmx{heap}); {avail} MB available. Lower --peer-heap.")
        h2o_cp = BENCH_CLASSES.parent / "h2o-classpath.txt"
        if not h2o_cp.exists():
            raise StepFailed(f"{h2o_cp} is missing: build the bench module (./mvnw -pl bench -am package -DskipTests)")
        opts = ["-XX:+UseSerialGC", f"-Xmx{heap}"]
        runs = {
            "ours-linear": opts + ["-cp", self.bench_cp, JAVA_PKG + "PeerFit", str(ds), "ours", "linear"],
            "ours-boosted": opts + ["-cp", self.bench_cp, JAVA_PKG + "PeerFit", str(ds), "ours", "boosted",
                                    json.dumps({"trees": self.a.peer_trees})],
            "xgboost4j": opts + ["-cp", self.bench_cp, JAVA_PKG + "PeerFit", str(ds), "xgboost",
                                 str(self.a.peer_trees)],
            # H2O defines classes at run time through ClassLoader.defineClass
            "h2o-glm": [f"-Xmx{heap}", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
                        f"{BENCH_CLASSES}:{h2o_cp.read_text().strip()}", JAVA_PKG + "H2oGlmPeer", str(ds)],
        }
        # XGBoost's OpenMP threads spin while they wait for each other: on cores other processes
        # share, that spinning took 3-8 x the fit's time in a smoke run; passive waiting is fair to both
        env = dict(self.env, OMP_WAIT_POLICY="PASSIVE")
        wanted = (self.a.peers or ",".join(runs)).split(",")
        rec["peers"] = {}
        for name in wanted:
            results = []
            for i in range(self.runs):
                load = load_avg()
                t0 = time.monotonic()
                p = run(["java"] + runs[name], env=env, timeout=3600)
                r = json.loads([line for line in p.stdout.splitlines() if line.startswith("{")][-1])
                r["processSeconds"] = round(time.monotonic() - t0, 1)
                r["loadBefore"], r["loadAfter"] = load, load_avg()
                results.append(r)
                log(f"   {name} {i + 1}/{self.runs}: {r['wallMs']} ms (parse {r['parseMs']}, fit {r['fitMs']} ms), "
                    f"R2 {r['r2']}, {r['rows']:,} rows, load {load} -> {r['loadAfter']}")
            rec["peers"][name] = {"wallMsMedian": median([r["wallMs"] for r in results]),
                                  "r2": results[0]["r2"], "runs": results}
            self.save()
