# shellcheck shell=bash
# Sourced by bin/mlcluster: process supervision: which part runs (pid files guarded by a command-
# line marker), health, waiting for readiness, stopping.

# The string that must appear on the command line of NAME's process (guards against pid reuse).
marker_of() {
  case $(kind_of "$1") in
    lb) echo "$(lb_prefix "$1")/nginx.conf" ;;
    broker) echo "-mlcluster_name $1" ;;
    *) echo "-Dmlcluster.name=$1" ;;
  esac
}

cmdline_of() {
  local pid=$1
  if [[ -r /proc/$pid/cmdline ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline"
  else
    ps -o args= -p "$pid" 2>/dev/null || true
  fi
}

# Prints the pid of NAME if it runs, else nothing (and returns 1).
pid_of() {
  local name=$1 pf pid
  pf=$(pid_file "$name")
  [[ -f $pf ]] || return 1
  pid=$(tr -dc '0-9' <"$pf")
  [[ -n $pid ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ $(cmdline_of "$pid") == *"$(marker_of "$name")"* ]] || return 1
  echo "$pid"
}

is_running() { pid_of "$1" >/dev/null; }

http_ok() {
  # http_ok URL [PATTERN]: 2xx answer (whose body matches PATTERN when given)
  local body
  body=$(curl -fsS -m 3 "$1" 2>/dev/null) || return 1
  [[ -z ${2:-} || $body == *$2* ]]
}

health_url() {
  local name=$1 port
  port=$(port_of "$name")
  case $(kind_of "$name") in
    lb) echo "http://127.0.0.1:$port/lb-health" ;;
    broker) echo "amqp://127.0.0.1:$port" ;;
    *) echo "http://127.0.0.1:$(management_port_of "$name")/actuator/health/readiness" ;;
  esac
}

is_healthy() {
  local name=$1
  is_running "$name" || return 1
  case $(kind_of "$name") in
    lb) http_ok "$(health_url "$name")" ;;
    broker) broker_ready "$name" ;;
    *) http_ok "$(health_url "$name")" '"UP"' ;;
  esac
}

show_log_tail() {
  local name=$1 f
  f=$(log_file "$name")
  if [[ -s $f ]]; then
    say "---- last 40 lines of $f ----" >&2
    tail -n 40 "$f" >&2
    say "---- end of $f ----" >&2
  else
    say "(no log at $f)" >&2
  fi
}

# ---------------------------------------------------------------- waiting

# wait_healthy DEADLINE NAME...: every NAME healthy before SECONDS reaches DEADLINE, else fail.
wait_healthy() {
  local deadline=$1
  shift
  local pending=("$@") still n t0=$SECONDS
  while ((${#pending[@]} > 0)); do
    still=()
    for n in "${pending[@]}"; do
      if is_healthy "$n"; then
        say "    $n healthy ($((SECONDS - t0)) s)"
      elif ! is_running "$n"; then
        show_log_tail "$n"
        die "$n exited during start-up (log: $(log_file "$n"))"
      else
        still+=("$n")
      fi
    done
    pending=("${still[@]}")
    ((${#pending[@]} > 0)) || break
    if ((SECONDS >= deadline)); then
      for n in "${pending[@]}"; do show_log_tail "$n"; done
      die "not healthy within ${UP_TIMEOUT} s: ${pending[*]} (readiness: $(health_url "${pending[0]}"))"
    fi
    sleep 2
  done
}

# Every running learner must be listed by every running api instance.
wait_learners_listed() {
  local deadline=$1 api learners=() n body missing
  for n in "${LEARNERS[@]}"; do is_running "$n" && learners+=("$n"); done
  ((${#learners[@]} > 0)) || return 0
  for api in "${APIS[@]}"; do
    is_running "$api" || continue
    while :; do
      missing=()
      body=$(curl -fsS -m 3 ${ML_API_KEY:+-H "X-API-Key: $ML_API_KEY"} "http://127.0.0.1:$(port_of "$api")/v1/ml-distributed/learners" 2>/dev/null || true)
      for n in "${learners[@]}"; do
        [[ $body == *"\"$n\""* ]] || missing+=("$n")
      done
      ((${#missing[@]} == 0)) && break
      if ((SECONDS >= deadline)); then
        say "    $api answered: ${body:-<nothing>}" >&2
        die "$api does not list ${missing[*]} within ${UP_TIMEOUT} s (presence over the ${PREFIX}.presence exchange; check $(log_file "${missing[0]}"))"
      fi
      sleep 2
    done
    say "    $api lists ${#learners[@]} learners"
  done
}

# wait_announced DEADLINE NAME: until a running api lists the learner alive. A learner with
# replicas copies its shard from them before its first heartbeat, so "healthy" comes first.
wait_announced() {
  local deadline=$1 name=$2 api body t0=$SECONDS
  for api in "${APIS[@]}"; do
    is_running "$api" || continue
    until body=$(curl -fsS -m 3 ${ML_API_KEY:+-H "X-API-Key: $ML_API_KEY"} "http://127.0.0.1:$(port_of "$api")/v1/ml-distributed/learners" 2>/dev/null) &&
      [[ $body =~ \"learnerId\":\"$name\",\"shard\":\"[^\"]*\",\"instanceId\":\"[^\"]*\",\"alive\":true ]]; do
      ((SECONDS < deadline)) || die "$api does not list $name alive within ${UP_TIMEOUT} s (check $(log_file "$name"))"
      sleep 1
    done
    say "    $name announced in presence ($((SECONDS - t0)) s after healthy)"
    return 0
  done
}

# ---------------------------------------------------------------- stopping

# signal_stop NAME: graceful stop signal; prints the pid (nothing if not running).
signal_stop() {
  local name=$1 pid
  pid=$(pid_of "$name") || return 0
  case $(kind_of "$name") in
    lb) kill -QUIT "$pid" 2>/dev/null || true ;;   # nginx graceful shutdown
    *) kill -TERM "$pid" 2>/dev/null || true ;;    # Spring Boot graceful shutdown
  esac
  echo "$pid"
}

group_alive() { kill -0 -- "-$1" 2>/dev/null; }

# wait_gone DEADLINE PID...: SIGKILL (whole process group) whatever is left at DEADLINE.
wait_gone() {
  local deadline=$1
  shift
  local pids=("$@") left p
  while :; do
    left=()
    for p in "${pids[@]}"; do
      if kill -0 "$p" 2>/dev/null || group_alive "$p"; then left+=("$p"); fi
    done
    ((${#left[@]} == 0)) && return 0
    if ((SECONDS >= deadline)); then
      warn "still running after ${STOP_TIMEOUT} s, sending SIGKILL: pids ${left[*]}"
      for p in "${left[@]}"; do
        kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
      done
      sleep 1
      return 0
    fi
    sleep 1
  done
}

stop_names() {
  local n pid pids=() names=()
  for n in "$@"; do
    pid=$(signal_stop "$n")
    if [[ -n $pid ]]; then
      pids+=("$pid")
      names+=("$n")
    fi
  done
  ((${#pids[@]} > 0)) || return 0
  say "    stopping ${names[*]}"
  wait_gone $((SECONDS + STOP_TIMEOUT)) "${pids[@]}"
  for n in "${names[@]}"; do
    [[ $(kind_of "$n") == lb ]] || rm -f "$(pid_file "$n")"
  done
}

kill_name() {
  local name=$1 pid
  pid=$(pid_of "$name") || { say "$name is not running"; return 0; }
  # nginx: the whole group (master + workers; workers outlive a killed master otherwise).
  # java: started under setsid, so its pid is its process group.
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while (kill -0 "$pid" 2>/dev/null || group_alive "$pid") && ((SECONDS < deadline)); do sleep 0.2; done
  say "$name (pid $pid) killed with SIGKILL"
}
