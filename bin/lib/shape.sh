# shellcheck shell=bash
# Sourced by bin/mlcluster: the cluster's shape: learners, shards and broker nodes of the run, and
# the `up` flags that set them.

# ---------------------------------------------------------------- cluster shape
#
# `up --learners N --shards S` writes N and S to $TOPOLOGY_FILE; every later command reads them,
# so that status, stop, kill, logs and down know learner-1..N without the flags. A learner beyond
# N started with `start learner-K` is listed in $ADDED_FILE until it is stopped or `down` runs.

# read_topology: LEARNER_COUNT and SHARD_COUNT from $TOPOLOGY_FILE (defaults when absent).
read_topology() {
  LEARNER_COUNT=$DEFAULT_LEARNERS
  SHARD_COUNT=$DEFAULT_SHARDS
  [[ -f $TOPOLOGY_FILE ]] || return 0
  local key value
  while IFS='=' read -r key value; do
    case $key in
      learners) if positive_int "$value"; then LEARNER_COUNT=$value; else warn "$TOPOLOGY_FILE: bad learners=$value ignored"; fi ;;
      shards) if valid_shard_count "$value"; then SHARD_COUNT=$value; else warn "$TOPOLOGY_FILE: bad shards=$value ignored"; fi ;;
      brokers) if valid_broker_count "$value"; then BROKER_NODES=$value; else warn "$TOPOLOGY_FILE: bad brokers=$value ignored"; fi ;;
    esac
  done <"$TOPOLOGY_FILE"
}

write_topology() {
  mkdir -p "$RUN_DIR"
  printf 'learners=%s\nshards=%s\nbrokers=%s\n' "$LEARNER_COUNT" "$SHARD_COUNT" "$BROKER_NODES" >"$TOPOLOGY_FILE.new"
  mv -f "$TOPOLOGY_FILE.new" "$TOPOLOGY_FILE"
}

valid_shard_count() { positive_int "$1" && (($1 <= ${#SHARD_LETTERS})); }

# The added learners (beyond learner-N), in number order.
added_learners() {
  [[ -f $ADDED_FILE ]] || return 0
  grep -xE 'learner-[1-9][0-9]{0,4}' "$ADDED_FILE" | sort -t- -k2,2n -u || true
}

is_added() { (($(index_of "$1") > LEARNER_COUNT)); }

remember_added() {
  local name=$1
  is_added "$name" || return 0
  added_learners | grep -qxF "$name" && return 0
  mkdir -p "$RUN_DIR"
  echo "$name" >>"$ADDED_FILE"
}

# forget_added NAME...: drops NAMEs from $ADDED_FILE
forget_added() {
  [[ -f $ADDED_FILE ]] || return 0
  local keep
  keep=$(added_learners | grep -vxF -f <(printf '%s\n' "$@") || true)
  if [[ -n $keep ]]; then printf '%s\n' "$keep" >"$ADDED_FILE"; else rm -f "$ADDED_FILE"; fi
}

# set_names: LEARNERS (learner-1..N, then the added ones) and ALL_NAMES from the shape.
set_names() {
  local k n
  LEARNERS=()
  for ((k = 1; k <= LEARNER_COUNT; k++)); do LEARNERS+=("learner-$k"); done
  while read -r n; do
    [[ -n $n ]] && is_added "$n" && LEARNERS+=("$n")
  done < <(added_learners)
  set_broker_names
  ALL_NAMES=("${BROKERS[@]}" "${LEARNERS[@]}" "${APIS[@]}" "${LBS[@]}")
  # every JVM start shares the 2 cores: more learners take longer to become healthy
  if [[ -z ${ML_UP_TIMEOUT:-} ]]; then
    UP_TIMEOUT=$((120 + 15 * (LEARNER_COUNT > 4 ? LEARNER_COUNT - 4 : 0)))
  fi
}

# Learners with a pid file, whatever the shape says (a safety net for `down`).
learners_with_pid_files() {
  local f
  for f in "$PID_DIR"/learner-*.pid; do
    [[ -f $f ]] || continue
    f=$(basename "$f" .pid)
    is_learner_name "$f" && echo "$f"
  done
}

# The shard a running learner was started with (from its command line).
running_shard() {
  local pid args
  pid=$(pid_of "$1") || return 1
  args=$(cmdline_of "$pid")
  [[ $args =~ --ml\.learner\.shard=([^ ]*) ]] && echo "${BASH_REMATCH[1]}"
}

# parse_up_flags ARG...: UP_LEARNERS and UP_SHARDS (empty: keep the current shape).
parse_up_flags() {
  UP_LEARNERS=
  UP_SHARDS=
  UP_BROKERS=
  while (($# > 0)); do
    case $1 in
      --broker-nodes)
        (($# >= 2)) || die "up: --broker-nodes needs a value"
        UP_BROKERS=$2
        shift ;;
      --broker-nodes=*) UP_BROKERS=${1#*=} ;;
      --learners | --shards)
        (($# >= 2)) || die "up: $1 needs a value (up [--learners N] [--shards S])"
        if [[ $1 == --learners ]]; then UP_LEARNERS=$2; else UP_SHARDS=$2; fi
        shift ;;
      --learners=*) UP_LEARNERS=${1#*=} ;;
      --shards=*) UP_SHARDS=${1#*=} ;;
      *) die "up: unknown option '$1' (up [--learners N] [--shards S] [--broker-nodes B])" ;;
    esac
    shift
  done
  if [[ -n $UP_LEARNERS ]]; then
    positive_int "$UP_LEARNERS" || die "--learners must be a positive integer, got '$UP_LEARNERS'"
    ((LEARNER_PORT_BASE + UP_LEARNERS <= 65535)) ||
      die "--learners $UP_LEARNERS: learner-$UP_LEARNERS would listen on port $((LEARNER_PORT_BASE + UP_LEARNERS)), beyond 65535 (lower ML_LEARNER_PORT_BASE)"
  fi
  if [[ -n $UP_BROKERS ]]; then
    valid_broker_count "$UP_BROKERS" || die "--broker-nodes must be 1 (the machine's broker) or 3, 4, 5, 6 or 7 (a cluster of the run's own), got '$UP_BROKERS'"
  fi
  if [[ -n $UP_SHARDS ]]; then
    valid_shard_count "$UP_SHARDS" || die "--shards must be an integer from 1 to ${#SHARD_LETTERS} (shard letters A..Z), got '$UP_SHARDS'"
  fi
  return 0
}

# apply_shape: makes UP_LEARNERS / UP_SHARDS the cluster's shape and persists it. Learners that run
# keep their shard: a new S that would move one is refused.
apply_shape() {
  local n=${UP_LEARNERS:-$LEARNER_COUNT} s=${UP_SHARDS:-$SHARD_COUNT} old_s=$SHARD_COUNT name k have moved=()
  SHARD_COUNT=$s
  # every learner with a pid file (learner-1..N and the added ones have one when they run)
  for name in $(learners_with_pid_files); do
    have=$(running_shard "$name") || continue
    [[ $have == "$(shard_of "$name")" ]] || moved+=("$name (shard $have, would be $(shard_of "$name"))")
  done
  if ((${#moved[@]} > 0)); then
    SHARD_COUNT=$old_s
    die "--shards $s would move running learners to another shard: ${moved[*]}; run '$SCRIPT_NAME down' first"
  fi
  # learners beyond a smaller N that still run are kept as added learners, so `down` stops them
  for ((k = n + 1; k <= LEARNER_COUNT; k++)); do
    if is_running "learner-$k"; then
      warn "learner-$k runs but is beyond --learners $n: kept as an added learner ('$SCRIPT_NAME stop learner-$k' stops it)"
      echo "learner-$k" >>"$ADDED_FILE"
    fi
  done
  LEARNER_COUNT=$n
  if [[ -n $UP_BROKERS && $UP_BROKERS != "$BROKER_NODES" ]]; then
    for name in $(learners_with_pid_files) "${APIS[@]}" "${BROKERS[@]}"; do
      is_running "$name" && die "--broker-nodes $UP_BROKERS: the cluster runs with $BROKER_NODES broker node(s) ($name is up); run '$SCRIPT_NAME down' first"
    done
    BROKER_NODES=$UP_BROKERS
  fi
  # added learners within the new 1..N are ordinary members now
  local within=()
  for ((k = 1; k <= n; k++)); do within+=("learner-$k"); done
  forget_added "${within[@]}"
  write_topology
  set_names
  warn_unserved_shards
}

# Warns about shards no learner of 1..N holds, and shards without data in $DATA_DIR.
warn_unserved_shards() {
  local i letter k held=" " missing=() nodata=()
  for ((k = 1; k <= LEARNER_COUNT; k++)); do held+="$(shard_of "learner-$k") "; done
  for ((i = 0; i < SHARD_COUNT; i++)); do
    letter=$(shard_letter "$i")
    [[ $held == *" $letter "* ]] || missing+=("$letter")
  done
  ((${#missing[@]} == 0)) ||
    warn "no learner holds shard(s) ${missing[*]} (--shards $SHARD_COUNT with --learners $LEARNER_COUNT): their rows are left out of every fit"
  [[ -d $DATA_DIR ]] || return 0
  for letter in $(tr ' ' '\n' <<<"$held" | sort -u); do
    compgen -G "$DATA_DIR/*/$letter/" >/dev/null || nodata+=("$letter")
  done
  ((${#nodata[@]} == 0)) ||
    warn "no dataset in $DATA_DIR has a folder for shard(s) ${nodata[*]}: learners on them cannot fit"
}

shape_summary() {
  local per=""
  if ((LEARNER_COUNT % SHARD_COUNT == 0 && LEARNER_COUNT > SHARD_COUNT)); then
    per=", $((LEARNER_COUNT / SHARD_COUNT)) replicas per shard"
  fi
  printf '%s learners on %s shards (%s..%s)%s' "$LEARNER_COUNT" "$SHARD_COUNT" "$(shard_letter 0)" \
    "$(shard_letter $((SHARD_COUNT - 1)))" "$per"
  if own_brokers; then printf ', %s broker nodes of its own' "$BROKER_NODES"; fi
}
