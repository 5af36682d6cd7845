"""Constants, targets and the small helpers every figure uses (processes, HTTP, /proc)."""
import json
import os
import re
import shutil
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
BENCH = REPO / "bench"
MLCLUSTER = REPO / "bin" / "mlcluster"
LEARNER_JAR = REPO / "learner-worker" / "target" / "learner-worker-exec.jar"
API_JAR = REPO / "api" / "target" / "api-exec.jar"
# the bench module's classes: LoadGen, BrokerFloor, FitReference, Chart (package org.mlensemble.bench)
BENCH_CLASSES = REPO / "bench" / "target" / "classes"
JAVA_PKG = "org.mlensemble.bench."

# JVM options of bin/mlcluster when LEARNER_JAVA_OPTS / API_JAVA_OPTS are not set
JVM_OPTIONS = REPO / "bin" / "lib" / "jvm-options.sh"


def jvm_option_defaults():
    """bin/mlcluster's default learner and api options, from the one file that defines them."""
    out = subprocess.run(["bash", "-c", 'source "$1"; printf "%s\\n%s\\n" "$ML_DEFAULT_LEARNER_JAVA_OPTS" '
                                        '"$ML_DEFAULT_API_JAVA_OPTS"', "-", str(JVM_OPTIONS)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return out[0], out[1]


MLCLUSTER_LEARNER_OPTS, MLCLUSTER_API_OPTS = jvm_option_defaults()

TARGETS = {
    "P1": ("predict req/s / ping req/s", ">=", 0.5),
    "P1b": ("predict req/s / broker floor scatter-gathers/s", None, None),
    "P2": ("p99 / p50 at half the peak rate", "<=", 4.0),
    "P2q": ("p99 / p50 at a quarter of the peak rate", "<=", 4.0),
    "P2r": ("p99 / p50 at a quarter of the peak, 2 replicas per shard", "<=", 4.0),
    "P3": ("distributed fit / in-process fit (2 threads)", "<=", 1.25),
    "P3p": ("our linear fit / H2O-3 GLM, wall time (parse + fit)", None, None),
    "P3pb": ("our boosted fit / XGBoost4J, wall time (parse + fit)", None, None),
    "P4": ("batch predict rows/s", ">=", 100_000),
    "P4c": ("batch predict rows/s, CSV", ">=", 100_000),
    "P4f": ("batch predict rows/s, forest", ">=", 100_000),
    "P4fc": ("batch predict rows/s, forest, CSV", ">=", 100_000),
    "P4b": ("batch predict rows/s, boosted", ">=", 100_000),
    "P4bc": ("batch predict rows/s, boosted, CSV", ">=", 100_000),
    "P4m": ("rows/s scoring one streamed CSV of the big table", ">=", 100_000),
    "P4mf": ("rows/s scoring one streamed CSV of the big table, forest", ">=", 100_000),
    "P4mb": ("rows/s scoring one streamed CSV of the big table, boosted", ">=", 100_000),
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


def native_memory(pid):
    """A JVM's own account of its memory, committed MB per area ('Total', 'Java Heap', 'Thread',
    'Class', 'Code', 'GC', 'Internal', 'Other', ...), from `jcmd PID VM.native_memory summary`, run
    as the process's owner (the attach mechanism wants the same user). None when the JVM was not
    started with -XX:NativeMemoryTracking=summary or jcmd is missing."""
    try:
        import pwd
        user = pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name
    except (OSError, KeyError):
        return None
    cmd = ["jcmd", str(pid), "VM.native_memory", "summary", "scale=MB"]
    if user != pwd.getpwuid(os.getuid()).pw_name and shutil.which("runuser"):
        cmd = ["runuser", "-u", user, "--"] + cmd
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    areas = {}
    for m in re.finditer(r"^(?:-\s*)?([A-Za-z][A-Za-z ]*?)\s*\(reserved=\d+MB, committed=(\d+)MB\)", out, re.M):
        areas[m.group(1).strip()] = int(m.group(2))
    m = re.search(r"Total: reserved=\d+MB, committed=(\d+)MB", out)
    if m:
        areas["Total"] = int(m.group(1))
    return areas or None


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
