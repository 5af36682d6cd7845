"""P1 and P1b: predict throughput against the HTTP floor (ping) and the broker's own floor."""
import json
import re

from figures.common import JAVA_PKG, StepFailed, http, load_avg, log, median, run


class P1:
    def batching(self):
        """The api instances' predict batching counters: shared jobs and the requests they carried."""
        total = {"sharedJobs": 0.0, "requestsInSharedJobs": 0.0}
        if not self.own_cluster:
            return total
        for api in (self.api1, self.api2):
            try:
                host, port = api.rsplit(":", 1)
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
