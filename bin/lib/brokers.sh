# shellcheck shell=bash
# Sourced by bin/mlcluster: the project's own RabbitMQ cluster, `up --broker-nodes N` with N >= 3.
#
# broker-K is the node $BROKER_NODE_PREFIX-K@localhost, started by this script as a local process
# (no system service), with everything under the run folder:
#   $RUN_DIR/rabbit/broker-K/        HOME (.erlang.cookie, shared by the nodes and rabbitmqctl),
#                                    rabbitmq.conf, mnesia/ (the node's data)
#   $LOG_DIR/broker-K.log            the node's log; $LOG_DIR/broker-K.out its console
#   $PID_DIR/broker-K.pid
# Ports (ML_BROKER_PORT_BASE, default 5680): AMQP base+K (5681..), management base+10000+K
# (15681..), Prometheus base+10100+K (15781..), Erlang distribution base+20000+K (25681..; the
# CLI tools take base+30000+K and up). The machine's own broker (5672) is left alone.
# With --broker-nodes 1 (the default) none of this runs: the machine's broker is used as before.

BROKER_NODE_PREFIX=${ML_BROKER_NODE_PREFIX:-ml-rabbit}
BROKER_PORT_BASE=${ML_BROKER_PORT_BASE:-5680}
BROKER_NODES=1           # from the run's topology file (brokers=N), or `up --broker-nodes N`
BROKERS=()               # broker-1..N when the run has its own cluster
# The server scripts themselves, not Debian's /usr/sbin wrappers (those switch to the rabbitmq user
# and its cookie in /var/lib/rabbitmq).
if [[ -n ${ML_RABBIT_BIN_DIR:-} ]]; then
  RABBIT_BIN_DIR=$ML_RABBIT_BIN_DIR
elif [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]]; then
  RABBIT_BIN_DIR=/usr/lib/rabbitmq/bin
else
  RABBIT_BIN_DIR=$(dirname "$(command -v rabbitmq-server 2>/dev/null || echo /usr/sbin/rabbitmq-server)")
fi

own_brokers() { ((BROKER_NODES > 1)); }

valid_broker_count() { [[ $1 =~ ^[1-7]$ ]] && [[ $1 != 2 ]]; }

set_broker_names() {
  local k
  BROKERS=()
  if own_brokers; then
    for ((k = 1; k <= BROKER_NODES; k++)); do BROKERS+=("broker-$k"); done
    # the services reach the cluster through broker-1's port in messages, every node in fact
    RABBIT_HOST=127.0.0.1
    RABBIT_PORT=$(broker_port broker-1)
    RABBIT_MGMT_PORT=$(broker_mgmt_port broker-1)
  fi
}

is_broker_name() { [[ $1 =~ ^broker-[1-7]$ ]] && (($(index_of "$1") <= BROKER_NODES)) && own_brokers; }

broker_node() { echo "$BROKER_NODE_PREFIX-$(index_of "$1")@localhost"; }
broker_port() { echo $((BROKER_PORT_BASE + $(index_of "$1"))); }
broker_mgmt_port() { echo $((BROKER_PORT_BASE + 10000 + $(index_of "$1"))); }
broker_dir() { echo "$RUN_DIR/rabbit/$1"; }

# host:port of every node, comma-separated (spring.rabbitmq.addresses)
broker_addresses() {
  local n out=()
  for n in "${BROKERS[@]}"; do out+=("127.0.0.1:$(broker_port "$n")"); done
  local IFS=,
  echo "${out[*]}"
}

# The cookie that lets the nodes and rabbitmqctl talk: made once per run folder.
broker_cookie() {
  local f=$RUN_DIR/rabbit/erlang.cookie
  if [[ ! -s $f ]]; then
    mkdir -p "$RUN_DIR/rabbit"
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$f.new" && mv "$f.new" "$f")
  fi
  echo "$f"
}

broker_prepare_dir() {
  local name=$1 dir k port
  dir=$(broker_dir "$name")
  k=$(index_of "$name")
  port=$(broker_port "$name")
  mkdir -p "$dir/mnesia" "$LOG_DIR"
  chmod 0700 "$dir"
  install -m 0400 "$(broker_cookie)" "$dir/.erlang.cookie.new" && mv -f "$dir/.erlang.cookie.new" "$dir/.erlang.cookie"
  cat >"$dir/rabbitmq.conf" <<CONF
# broker-$k of the run's own cluster (written by bin/mlcluster; see rabbitmq/rabbitmq.conf for the why)
listeners.tcp.1 = 127.0.0.1:$port
loopback_users.guest = true
management.tcp.ip = 127.0.0.1
management.tcp.port = $(broker_mgmt_port "$name")
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $((BROKER_PORT_BASE + 10100 + k))
consumer_timeout = $RABBIT_CONSUMER_TIMEOUT_MS
vm_memory_high_watermark.relative = 0.2
disk_free_limit.absolute = 256MB
log.file = $LOG_DIR/$name.log
log.file.level = info
log.console = false
# a blank node joins the others at its first boot; a member remembers its cluster in mnesia/
cluster_formation.peer_discovery_backend = classic_config
CONF
  local j
  for ((j = 1; j <= BROKER_NODES; j++)); do
    echo "cluster_formation.classic_config.nodes.$j = $(broker_node "broker-$j")" >>"$dir/rabbitmq.conf"
  done
}

# rctl ARG...: rabbitmqctl against the run's broker: the first running node of its own cluster,
# or the machine's broker.
rctl() {
  if own_brokers; then
    local n
    for n in "${BROKERS[@]}"; do
      if is_running "$n"; then
        rctl_on "$n" "$@"
        return
      fi
    done
    return 1
  fi
  rabbitmqctl "$@"
}

# rctl_on NAME ARG...: rabbitmqctl against broker NAME of the run's own cluster.
rctl_on() {
  local name=$1
  shift
  HOME=$(broker_dir "$name") RABBITMQ_CTL_DIST_PORT_MIN=$((BROKER_PORT_BASE + 30000 + 10 * $(index_of "$name"))) \
    RABBITMQ_CTL_DIST_PORT_MAX=$((BROKER_PORT_BASE + 30009 + 10 * $(index_of "$name"))) \
    timeout 90 "$RABBIT_BIN_DIR/rabbitmqctl" -n "$(broker_node "$name")" "$@"
}

start_broker() {
  local name=$1 port k dir log out
  k=$(index_of "$name")
  port=$(broker_port "$name")
  dir=$(broker_dir "$name")
  port_in_use "$port" && die "port $port (AMQP of $name) is taken by $(who_listens "$port")"
  broker_prepare_dir "$name"
  out=$LOG_DIR/$name.out
  say "    starting $name ($(broker_node "$name"), AMQP 127.0.0.1:$port, management http://127.0.0.1:$(broker_mgmt_port "$name")/)"
  (
    cd "$dir"
    HOME=$dir \
    RABBITMQ_NODENAME=$(broker_node "$name") \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=$port \
    RABBITMQ_DIST_PORT=$((BROKER_PORT_BASE + 20000 + k)) \
    RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf \
    RABBITMQ_MNESIA_BASE=$dir/mnesia \
    RABBITMQ_LOG_BASE=$LOG_DIR \
    RABBITMQ_ENABLED_PLUGINS_FILE=$RABBIT_PLUGINS_FILE \
    RABBITMQ_PID_FILE=$dir/beam.pid \
      setsid "$RABBIT_BIN_DIR/rabbitmq-server" -mlcluster_name "$name" >>"$out" 2>&1 </dev/null &
    echo $! >"$(pid_file "$name")"
  )
}

# broker_ready NAME: the node runs RabbitMQ (not only its Erlang VM) and takes AMQP connections.
broker_ready() {
  is_running "$1" && tcp_reachable 127.0.0.1 "$(broker_port "$1")"
}

# broker_joined NAME: the node is a running member of broker-1's cluster.
broker_joined() {
  rctl_on "$1" -q cluster_status --formatter json 2>/dev/null |
    grep -q "\"running_nodes\":\[[^]]*\"$(broker_node broker-1)\""
}

# broker_fresh NAME: the node has never run in this run folder (no data yet).
broker_fresh() { [[ ! -d $(broker_dir "$1")/mnesia/$(broker_node "$1") ]]; }

# await_brokers DEADLINE NAME...: each node runs RabbitMQ and answers rabbitmqctl.
await_brokers() {
  local deadline=$1 n
  shift
  for n in "$@"; do
    until broker_ready "$n" && rctl_on "$n" -q await_startup >/dev/null 2>&1; do
      is_running "$n" || { show_log_tail "$n"; die "$n exited during start-up (log: $(log_file "$n"))"; }
      ((SECONDS < deadline)) || { show_log_tail "$n"; die "$n did not start within 240 s (log: $(log_file "$n"))"; }
      sleep 2
    done
  done
}

# ensure_brokers: every node of the run's cluster runs, is a member of broker-1's cluster, and
# the cluster has the definitions.
ensure_brokers() {
  local n deadline=$((SECONDS + 240)) rest=()
  [[ -x $RABBIT_BIN_DIR/rabbitmq-server ]] ||
    die "--broker-nodes $BROKER_NODES needs RabbitMQ installed (rabbitmq-server in $RABBIT_BIN_DIR; ML_RABBIT_BIN_DIR to point elsewhere)"
  say "    own cluster of $BROKER_NODES nodes: ${BROKERS[*]} (data in $RUN_DIR/rabbit/)"
  if broker_fresh broker-1 && ! is_running broker-1; then
    # a new cluster: broker-1 first, so that the others find it and join it at their first boot
    start_broker broker-1
    await_brokers "$deadline" broker-1
  fi
  # members that ran before start together: each waits for its peers' data before it serves
  for n in "${BROKERS[@]}"; do
    is_running "$n" || start_broker "$n"
    rest+=("$n")
  done
  await_brokers "$deadline" "${rest[@]}"
  for n in "${BROKERS[@]:1}"; do
    broker_joined "$n" && continue
    # a node that formed a cluster of its own (it could not reach broker-1 at its first boot)
    say "    $n joins $(broker_node broker-1)"
    rctl_on "$n" -q stop_app >/dev/null && rctl_on "$n" -q reset >/dev/null &&
      rctl_on "$n" -q join_cluster "$(broker_node broker-1)" >/dev/null &&
      rctl_on "$n" -q start_app >/dev/null || die "$n could not join the cluster (log: $(log_file "$n"))"
  done
  say "    $(rctl_on broker-1 -q cluster_status --formatter json | grep -o '"running_nodes":\[[^]]*\]')"
  import_rabbit_definitions
}

# wait_broker_healthy DEADLINE NAME: after `start broker-K`, the node serves and is in the cluster.
wait_broker_healthy() {
  local deadline=$1 name=$2
  until broker_ready "$name" && broker_joined "$name"; do
    is_running "$name" || { show_log_tail "$name"; die "$name exited during start-up (log: $(log_file "$name"))"; }
    ((SECONDS < deadline)) || die "$name not back in the cluster within ${UP_TIMEOUT} s (log: $(log_file "$name"))"
    sleep 2
  done
  say "    $name is back in the cluster"
}
