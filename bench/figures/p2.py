"""P2 and P2r: predict latency, open loop, at half and a quarter of the P1 peak; the tail with
one and two replicas per shard."""
import time

from figures.common import MLCLUSTER, StepFailed, load_avg, log, median, run


class P2:
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
        default fit so the model is held by every learner that serves it, on the small table of P4
        (`small_dataset`): after P3 the cluster's own table has 250,000 rows per shard, more than a
        learner's default heap trains."""
        extra = [f"learner-{k}" for k in range(5, 9)]
        try:
            for replicas in (1, 2):
                if replicas == 2:
                    for name in extra:
                        self.mlcluster("start", name)
                    self.wait_presence(8, timeout=300)
                model = self.fit_default(4 * replicas, dataset=self.small_dataset())
                time.sleep(1.5)  # presence announces the members with the next heartbeat
                r = self.tail_at_quarter_peak(model)
                rec[f"replicas{replicas}"] = r
                log(f"   {replicas} replica(s) per shard: peak {r['peakRps']:.0f}/s; at {r['rate']:.0f}/s p50 "
                    f"{r['p50Ms']:.2f} ms, p99 {r['p99Ms']:.2f} ms, p99/p50 {r['p99OverP50']}")
        finally:
            for name in extra:
                run([str(MLCLUSTER), "stop", name], env=self.cluster_env(), timeout=120, check=False)
