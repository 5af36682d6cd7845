# shellcheck shell=bash
# Sourced by bin/mlcluster: starting the JVMs: their options (native memory), command lines and
# environment.

# ---------------------------------------------------------------- native memory

TRIM_KNOWN=   # does this JVM know -XX:TrimNativeHeapInterval? (asked once)

# native_opts: sets NATIVE_OPTS, the trim option when on and known (older 17 updates refuse to
# start with an unknown -XX option).
native_opts() {
  NATIVE_OPTS=()
  [[ $TRIM_MS != 0 ]] || return 0
  if [[ -z $TRIM_KNOWN ]]; then
    if java "-XX:TrimNativeHeapInterval=$TRIM_MS" -version >/dev/null 2>&1; then TRIM_KNOWN=1; else TRIM_KNOWN=0; fi
  fi
  if [[ $TRIM_KNOWN == 1 ]]; then NATIVE_OPTS=("-XX:TrimNativeHeapInterval=$TRIM_MS"); fi
}

# ---------------------------------------------------------------- java processes

# java_spec NAME [PORT]: fills SPEC_JAR, SPEC_OPTS, SPEC_ARGS and SPEC_JSON, the launch of NAME
# (PORT overrides its own, for the class-data training run).
java_spec() {
  local name=$1 kind port opts_str extra_str
  local -a extra
  kind=$(kind_of "$name")
  port=${2:-$(port_of "$name")}
  SPEC_ARGS=(
    "--server.port=$port"
    "--server.address=$BIND_ADDRESS"
    "--management.server.port=$(((port == 0) ? 0 : port + MANAGEMENT_PORT_OFFSET))"
    "--management.server.address=$BIND_ADDRESS"
    "--ml.prefix=$PREFIX"
    "--spring.rabbitmq.virtual-host=$RABBIT_VHOST"
  )
  if own_brokers; then
    # every node: Spring's connections and the hand-made ones move to a live node by themselves
    SPEC_ARGS+=("--spring.rabbitmq.addresses=$(broker_addresses)")
    [[ $kind == learner ]] && SPEC_ARGS+=("--ml.queue-type=quorum")
  else
    SPEC_ARGS+=("--spring.rabbitmq.host=$RABBIT_HOST" "--spring.rabbitmq.port=$RABBIT_PORT")
  fi
  # Secrets go through SPRING_APPLICATION_JSON (process environment, readable only by the owner),
  # not the command line, which every local user can read in `ps`.
  if [[ $kind == learner ]]; then
    SPEC_JAR=$LEARNER_JAR
    opts_str=$LEARNER_JAVA_OPTS
    extra_str=$LEARNER_EXTRA_ARGS
    SPEC_ARGS+=(
      "--ml.learner.id=$name"
      "--ml.learner.shard=$(shard_of "$name")"
      "--ml.learner.data-dir=$DATA_DIR"
      "--ml.learner.model-dir=$MODEL_DIR"
      "--ml.learner.training.learners-on-host=${#LEARNERS[@]}"
      "--spring.rabbitmq.username=$(learner_rabbit_user "$name")"
      "--ml.identity.learner-user=$LEARNER_RABBIT_USER_PATTERN"
      "--ml.identity.api-users=$API_RABBIT_USER"
    )
    SPEC_JSON="{\"spring\":{\"rabbitmq\":{\"password\":\"$(json_escape "$(learner_secret "$name")")\"}}}"
  else
    SPEC_JAR=$API_JAR
    opts_str=$API_JAVA_OPTS
    extra_str=$API_EXTRA_ARGS
    SPEC_ARGS+=("--spring.rabbitmq.username=$API_RABBIT_USER" "--ml.identity.learner-user=$LEARNER_RABBIT_USER_PATTERN"
      "--ml.api.instance-name=$name" "--ml.api.stats.management-url=http://$RABBIT_HOST:$RABBIT_MGMT_PORT")
    if [[ -n ${ML_API_KEY:-} ]]; then
      SPEC_JSON="{\"spring\":{\"rabbitmq\":{\"password\":\"$(json_escape "$API_RABBIT_PASSWORD")\"}},\"ml\":{\"api\":{\"api-key\":\"$(json_escape "$ML_API_KEY")\"}}}"
    else
      SPEC_JSON="{\"spring\":{\"rabbitmq\":{\"password\":\"$(json_escape "$API_RABBIT_PASSWORD")\"}}}"
    fi
  fi
  read -r -a SPEC_OPTS <<<"$opts_str"
  read -r -a extra <<<"$extra_str"
  SPEC_ARGS+=("${extra[@]}")
}

start_java() {
  local name=$1 kind port jar
  kind=$(kind_of "$name")
  port=$(port_of "$name")
  if is_running "$name"; then
    say "    $name already running (pid $(pid_of "$name"))"
    return 0
  fi
  if port_in_use "$port"; then
    who_listens "$port" >&2
    die "$name: port $port is already in use by a process this script did not start"
  fi
  jar=$(fat_jar_of "$kind")
  [[ -f $jar ]] || die "$jar is missing: run '$SCRIPT_NAME build' (or '$SCRIPT_NAME up')"
  local -a cds=()
  if cds_prepare "$kind"; then
    jar=$CDS_JAR
    cds=("${CDS_OPTS[@]}")
  fi
  # Broker users are global to the broker while run directories are not: another cluster on the
  # same broker (the test suite's, the benchmark's) may have set this user's password from its own
  # run directory since. So a learner started on its own always sets its user from this run's
  # secret first; `up` has just done it for all of them at once.
  if [[ $kind == learner && $LEARNER_USERS_SET != 1 ]]; then
    ensure_learner_users "$name"
  fi
  # after cds_prepare: its training start fills SPEC_* too
  java_spec "$name"
  native_opts
  jvm_prefix
  if ((${#JVM_AS[@]})) && ! "${JVM_AS[@]}" test -r "$jar"; then
    die "$name: user $(jvm_user) cannot read $jar (ML_JVM_CDS=1 runs a readable copy; or ML_JVM_USER=root)"
  fi

  local log pidf
  log=$(log_file "$name")
  pidf=$(pid_file "$name")
  [[ -f $log ]] && mv -f "$log" "$log.prev"
  printf '# %s: started by %s at %s\n' "$name" "$SCRIPT_NAME" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$log"
  # setsid: own session + process group, so a Ctrl-C on the terminal that ran `up` does not reach it.
  # JVM_AS (setpriv) drops to the JVMs' user and execs java: $! stays the JVM's pid.
  (
    cd "$RUN_DIR"
    export SPRING_APPLICATION_JSON=$SPEC_JSON
    if [[ $MALLOC_ARENAS != 0 ]]; then export MALLOC_ARENA_MAX=$MALLOC_ARENAS; fi
    exec setsid "${JVM_AS[@]}" java "${NATIVE_OPTS[@]}" "${SPEC_OPTS[@]}" "${cds[@]}" "-Dmlcluster.name=$name" -jar "$jar" "${SPEC_ARGS[@]}" \
      >>"$log" 2>&1 </dev/null
  ) &
  echo $! >"$pidf"
  say "    started $name on 127.0.0.1:$port (pid $!)"
}

start_one() {
  local name=$1
  case $(kind_of "$name") in
    lb) start_lb "$name" ;;
    broker) start_broker "$name" ;;
    *) start_java "$name" ;;
  esac
}
