"""P5: start-up and footprint of a learner and an api, by JVM option set."""
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from figures.common import API_JAR, CLK_TCK, LEARNER_JAR, MLCLUSTER, MLCLUSTER_API_OPTS, MLCLUSTER_LEARNER_OPTS, StepFailed, http, load_avg, log, median, rss_mb, run


class P5:
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
