# shellcheck shell=bash
# Sourced by bin/mlcluster: the names of the parts, their ports and shards, and the run's folders
# and files.

# A name this script can run: an api or load balancer, or learner-K for any K >= 1 whose port exists.
valid_name() {
  local n
  if is_learner_name "$1"; then
    (($(port_of "$1") <= 65535))
    return
  fi
  is_broker_name "$1" && return 0
  for n in "${APIS[@]}" "${LBS[@]}"; do [[ $n == "$1" ]] && return 0; done
  return 1
}

is_learner_name() { [[ $1 =~ ^learner-[1-9][0-9]{0,4}$ ]]; }

# positive_int VALUE: a decimal integer >= 1 (no sign, no leading zero, at most 6 digits)
positive_int() { [[ $1 =~ ^[1-9][0-9]{0,5}$ ]]; }

kind_of() {
  case $1 in
    learner-*) echo learner ;;
    api-*) echo api ;;
    lb-*) echo lb ;;
    broker-*) echo broker ;;
    *) return 1 ;;
  esac
}

# learner-3 -> 3, api-2 -> 2
index_of() { echo "${1##*-}"; }

port_of() {
  local name=$1 idx var
  case $name in
    learner-*)
      idx=$(index_of "$name"); var="ML_LEARNER_${idx}_PORT"
      echo "${!var:-$((LEARNER_PORT_BASE + idx))}" ;;
    api-*)
      idx=$(index_of "$name"); var="ML_API_${idx}_PORT"
      echo "${!var:-$((9000 + idx))}" ;;
    broker-*) broker_port "$name" ;;
    lb-main) echo "$LB_MAIN_PORT" ;;
    lb-backup) echo "$LB_BACKUP_PORT" ;;
  esac
}

# shard_letter I: the letter of shard number I (0 -> A)
shard_letter() { echo "${SHARD_LETTERS:$1:1}"; }

# learner-K holds shard ((K-1) mod S), unless ML_LEARNER_<K>_SHARD says otherwise
shard_of() {
  local idx var
  idx=$(index_of "$1"); var="ML_LEARNER_${idx}_SHARD"
  echo "${!var:-$(shard_letter $(((idx - 1) % SHARD_COUNT)))}"
}

# management_port_of NAME: where an api instance or learner answers actuator
management_port_of() { echo $(($(port_of "$1") + MANAGEMENT_PORT_OFFSET)); }

lb_prefix() { echo "$RUN_DIR/nginx-${1#lb-}"; }

log_file() {
  case $(kind_of "$1") in
    lb) echo "$(lb_prefix "$1")/logs/error.log" ;;
    *) echo "$LOG_DIR/$1.log" ;;
  esac
}

pid_file() {
  case $(kind_of "$1") in
    lb) echo "$(lb_prefix "$1")/nginx.pid" ;;
    *) echo "$PID_DIR/$1.pid" ;;
  esac
}

ensure_dirs() {
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$PID_DIR" "$MODEL_DIR"
  # run folders and logs are not for other local users: logs name models, datasets and users
  chmod 0750 "$RUN_DIR" "$LOG_DIR" "$PID_DIR" 2>/dev/null || true
  # the nginx workers' group may traverse the run folder to their temp files, and no one else
  share_with_nginx_workers "$RUN_DIR"
  ensure_jvm_user
  share_with_jvms
}
