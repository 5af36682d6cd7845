# shellcheck shell=bash
# Sourced by bin/mlcluster: provisioning the machine's RabbitMQ: server, users, definitions,
# plugins.

# ---------------------------------------------------------------- RabbitMQ

rabbit_is_local() {
  case $RABBIT_HOST in
    127.0.0.1 | localhost | ::1) return 0 ;;
    *) return 1 ;;
  esac
}

ctl_ok() {
  if own_brokers; then
    rctl -q status >/dev/null 2>&1
    return
  fi
  command -v rabbitmqctl >/dev/null 2>&1 && timeout 30 rabbitmqctl -q status >/dev/null 2>&1
}

start_rabbit_server() {
  info "starting RabbitMQ (rabbitmq-server -detached)"
  # Management / Prometheus listeners on loopback only, long consumer timeout for fits.
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="${RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS:-} -rabbit consumer_timeout $RABBIT_CONSUMER_TIMEOUT_MS -rabbitmq_management tcp_config [{ip,{127,0,0,1}},{port,$RABBIT_MGMT_PORT}] -rabbitmq_prometheus tcp_config [{ip,{127,0,0,1}},{port,15692}]" \
    rabbitmq-server -detached || die "rabbitmq-server -detached failed"
  local deadline=$((SECONDS + 90))
  until ctl_ok; do
    ((SECONDS < deadline)) || die "RabbitMQ did not start within 90 s (see /var/log/rabbitmq/)"
    sleep 2
  done
  timeout 60 rabbitmqctl -q await_startup >/dev/null 2>&1 || true
}

rabbit_definitions_present() {
  local vhosts users u
  vhosts=$(rctl -q list_vhosts --no-table-headers name 2>/dev/null) || return 1
  grep -qxF "$RABBIT_VHOST" <<<"$vhosts" || return 1
  users=$(rctl -q list_users --no-table-headers 2>/dev/null | cut -f1) || return 1
  grep -qxF "$API_RABBIT_USER" <<<"$users" || return 1
}

learner_rabbit_user() { printf '%s' "${LEARNER_RABBIT_USER_PATTERN//\{id\}/$1}"; }
learner_secret_file() { printf '%s/secrets/rabbit-%s' "$RUN_DIR" "$1"; }

# learner_secret NAME: the broker password of learner NAME, generated on first use (0600).
learner_secret() {
  local f
  f=$(learner_secret_file "$1")
  if [[ ! -s $f ]]; then
    mkdir -p "$RUN_DIR/secrets"
    chmod 0700 "$RUN_DIR/secrets"
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$f")
  fi
  cat "$f"
}

# ensure_learner_users NAME...: creates or updates the broker users of these learners, with their
# passwords and their rights, in one definitions import (each rabbitmqctl call costs seconds).
# Rights: configure/declare and read only this learner's queues (plus the shared exchanges it
# declares and binds to); write presence, sync, the dead-letter exchange and the default exchange
# (direct replies). It cannot declare or bind any other queue, so it cannot read other learners' jobs.
ensure_learner_users() {
  [[ $LEARNER_RABBIT_USERS == never ]] && return 0
  [[ $LEARNER_RABBIT_USERS == auto ]] || die "ML_LEARNER_RABBIT_USERS must be auto or never"
  if ! rabbit_is_local || ! ctl_ok; then
    local n
    for n in "$@"; do
      [[ -s $(learner_secret_file "$n") ]] ||
        die "cannot create the broker user $(learner_rabbit_user "$n") here (no rabbitmqctl for $RABBIT_HOST): create it on the broker with the rights of docs/security.md and put its password in $(learner_secret_file "$n")"
    done
    return 0
  fi
  need python3
  local n defs
  defs=$(mktemp)
  # every password exists before the reader below opens it (in one pipeline loop, the reader
  # could open a learner's file before the loop had written it)
  for n in "$@"; do learner_secret "$n" >/dev/null; done
  for n in "$@"; do
    printf '%s\t%s\n' "$(learner_rabbit_user "$n")" "$n"
  done | RUN_DIR=$RUN_DIR PREFIX=$PREFIX VHOST=$RABBIT_VHOST python3 -c '
import base64, hashlib, json, os, re, sys
prefix, vhost, run = re.escape(os.environ["PREFIX"]), os.environ["VHOST"], os.environ["RUN_DIR"]
users, perms = [], []
for line in sys.stdin:
    user, lid = line.rstrip("\n").split("\t")
    pw = open(os.path.join(run, "secrets", "rabbit-" + lid)).read().strip().encode()
    salt = os.urandom(4)
    users.append({"name": user, "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": [], "limits": {},
                  "password_hash": base64.b64encode(salt + hashlib.sha256(salt + pw).digest()).decode()})
    i = re.escape(lid)
    perms.append({"user": user, "vhost": vhost,
        "configure": f"^{prefix}\\.(learner\\.{i}|sync\\.{i}|jobs|dlx|dead-letter|presence|sync)$",
        "write": f"^({prefix}\\.(learner\\.{i}|sync\\.{i}|dlx|dead-letter|presence|sync)|amq\\.default)$",
        "read": f"^({prefix}\\.(learner\\.{i}|sync\\.{i}|jobs|dlx|sync|dataset\\..*)|amq\\.rabbitmq\\.reply-to.*)$"})
json.dump({"users": users, "permissions": perms}, sys.stdout)
' >"$defs" || { rm -f "$defs"; die "cannot write the learner users' definitions"; }
  rctl -q import_definitions --format json <"$defs" >/dev/null || { rm -f "$defs"; die "rabbitmqctl import_definitions (learner users) failed"; }
  rm -f "$defs"
  # the shared learner login of earlier versions, and guest, have nothing to do in the vhost
  # (rights on this vhost only: another cluster on the same broker may still run an older version)
  local who u
  who=$(rctl -q list_permissions -p "$RABBIT_VHOST" --no-table-headers 2>/dev/null | cut -f1)
  for u in ml-learner guest; do
    if grep -qxF "$u" <<<"$who"; then
      warn "broker user $u had rights on vhost $RABBIT_VHOST: cleared (every learner has its own user now)"
      rctl -q clear_permissions -p "$RABBIT_VHOST" "$u" >/dev/null 2>&1 || true
    fi
  done
  say "    broker users $(for n in "$@"; do printf '%s ' "$(learner_rabbit_user "$n")"; done)(passwords in $RUN_DIR/secrets/)"
}

# refuse_dev_passwords: with an API key the cluster is meant to be protected, so the broker
# passwords everyone can read in rabbitmq/README.md must not be in use.
refuse_dev_passwords() {
  [[ -n ${ML_API_KEY:-} && $DEV_MODE != 1 ]] || return 0
  if [[ $API_RABBIT_PASSWORD == ml-api-dev ]]; then
    die "ML_API_KEY is set but the api's broker password is the published dev password ml-api-dev: set ML_API_RABBIT_PASSWORD to the password of $API_RABBIT_USER (rabbitmqctl change_password $API_RABBIT_USER ...), or ML_DEV_MODE=1 on a developer machine"
  fi
}

import_rabbit_definitions() {
  case $RABBIT_IMPORT_DEFINITIONS in
    never) return 0 ;;
    auto) if rabbit_definitions_present; then
            say "    broker definitions present (vhost '$RABBIT_VHOST', user $API_RABBIT_USER)"
            # definitions imported before dataset uploads existed lack the dataset stream permissions
            rctl -q list_user_permissions --no-table-headers "$API_RABBIT_USER" 2>/dev/null |
              awk -v vhost="$RABBIT_VHOST" '$1 == vhost' | grep -q 'dataset' ||
              warn "$API_RABBIT_USER has no permission on dataset streams (definitions older than dataset uploads): uploads will fail; re-import with ML_RABBIT_IMPORT_DEFINITIONS=always"
            # (each learner's own user and rights are set on every start: ensure_learner_users)
            return 0
          fi ;;
    always) ;;
    *) die "ML_RABBIT_IMPORT_DEFINITIONS must be auto, always or never" ;;
  esac
  info "importing broker definitions from rabbitmq/definitions.json"
  # Through stdin (no path): the rabbitmqctl wrapper runs as the rabbitmq user from
  # /var/lib/rabbitmq, which may not reach the repository; 3.10 rejects "-" as a path.
  rctl -q import_definitions --format json <"$RABBIT_DEFINITIONS" >/dev/null ||
    die "rabbitmqctl import_definitions failed"
  local deadline=$((SECONDS + 30))
  until rabbit_definitions_present; do
    ((SECONDS < deadline)) || die "definitions imported but vhost '$RABBIT_VHOST' / users not visible after 30 s (custom ML_RABBIT_VHOST or users must be created by hand)"
    sleep 1
  done
}

enable_rabbit_plugins() {
  local wanted=() enabled missing=() p
  read -r -a wanted <<<"$(tr -d '[].\n\r' <"$RABBIT_PLUGINS_FILE" | tr ',' ' ')"
  # The plugins the node runs, not the ones its enabled_plugins file lists: a file can name a
  # plugin the node never started (an enable that was interrupted), and then nothing listens.
  enabled=$(active_rabbit_plugins)
  for p in "${wanted[@]}"; do
    grep -qxF "$p" <<<"$enabled" || missing+=("$p")
  done
  ((${#missing[@]} > 0)) || return 0
  info "enabling RabbitMQ plugins: ${missing[*]}"
  for p in "${missing[@]}"; do
    # Bind the HTTP listeners to loopback before the plugin starts (default is all interfaces).
    case $p in
      rabbitmq_management)
        rabbitmqctl -q eval "application:load(rabbitmq_management), application:set_env(rabbitmq_management, tcp_config, [{ip, {127,0,0,1}}, {port, $RABBIT_MGMT_PORT}])." >/dev/null ;;
      rabbitmq_prometheus)
        rabbitmqctl -q eval "application:load(rabbitmq_prometheus), application:set_env(rabbitmq_prometheus, tcp_config, [{ip, {127,0,0,1}}, {port, 15692}])." >/dev/null ;;
    esac
  done
  rabbit_plugins -q enable "${missing[@]}" >/dev/null || die "rabbitmq-plugins enable ${missing[*]} failed"
  enabled=$(active_rabbit_plugins)
  for p in "${missing[@]}"; do
    grep -qxF "$p" <<<"$enabled" && continue
    # Listed in the file but not started: "enable" then reports the configuration unchanged and
    # does nothing, so take it out of the file and put it back.
    warn "RabbitMQ plugin $p is configured but not running; re-enabling it"
    rabbit_plugins -q disable "$p" >/dev/null 2>&1 || true
    rabbit_plugins -q enable "$p" >/dev/null || die "rabbitmq-plugins enable $p failed"
    grep -qxF "$p" <<<"$(active_rabbit_plugins)" || die "RabbitMQ plugin $p does not start (see the broker's log)"
  done
}

# rabbitmq-plugins under the usual umask: this script's 027 would leave the broker's
# enabled_plugins file unreadable to the rabbitmq user the broker and its CLI run as (eacces).
rabbit_plugins() {
  local f=${RABBITMQ_ENABLED_PLUGINS_FILE:-/etc/rabbitmq/enabled_plugins}
  [[ -f $f && $EUID -eq 0 ]] && chmod a+r "$f" 2>/dev/null
  (umask 022 && rabbitmq-plugins "$@")
}

active_rabbit_plugins() { # one name per line
  rabbitmqctl -q eval 'io:format("~s~n", [lists:join("\n", [atom_to_list(P) || P <- rabbit_plugins:active()])]).' 2>/dev/null || true
}

raise_consumer_timeout() {
  # A fit holds its job unacked while training; make sure the broker does not cut it off.
  # Runtime only (new channels); rabbitmq/rabbitmq.conf sets it for brokers configured from it.
  rabbitmqctl -q eval "case application:get_env(rabbit, consumer_timeout) of {ok, T} when is_integer(T), T >= $RABBIT_CONSUMER_TIMEOUT_MS -> ok; _ -> application:set_env(rabbit, consumer_timeout, $RABBIT_CONSUMER_TIMEOUT_MS) end." >/dev/null 2>&1 ||
    warn "could not check the broker's consumer_timeout"
}

ensure_rabbit() {
  if own_brokers; then
    ensure_brokers
    return
  fi
  if ! rabbit_is_local; then
    tcp_reachable "$RABBIT_HOST" "$RABBIT_PORT" || die "RabbitMQ at $RABBIT_HOST:$RABBIT_PORT is not reachable"
    say "    remote broker $RABBIT_HOST:$RABBIT_PORT: load rabbitmq/definitions.json there yourself"
    return 0
  fi
  if ! ctl_ok; then
    if tcp_reachable "$RABBIT_HOST" "$RABBIT_PORT"; then
      warn "RabbitMQ answers on $RABBIT_HOST:$RABBIT_PORT but rabbitmqctl cannot manage it (run as root, or load rabbitmq/definitions.json and rabbitmq/enabled_plugins by hand)"
      return 0
    fi
    if command -v rabbitmq-server >/dev/null 2>&1; then
      is_root || die "RabbitMQ is installed but not running; start it as root: rabbitmq-server -detached (or: systemctl start rabbitmq-server)"
      start_rabbit_server
    elif is_root && command -v apt-get >/dev/null 2>&1; then
      info "installing RabbitMQ: apt-get install -y rabbitmq-server"
      apt_install rabbitmq-server
      ctl_ok || start_rabbit_server
    else
      die "RabbitMQ is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y rabbitmq-server; or see https://www.rabbitmq.com/docs/download) and start it, then run '$SCRIPT_NAME up' again"
    fi
  fi
  say "    RabbitMQ is running on $RABBIT_HOST:$RABBIT_PORT"
  import_rabbit_definitions
  enable_rabbit_plugins
  raise_consumer_timeout
}
