# shellcheck shell=bash
# Sourced by bin/mlcluster: the two nginx load balancers: install, configuration from the template,
# start.

# share_with_nginx_workers DIR...: as root, gives DIR (0750) to the group of the user nginx workers
# run as, so that they reach their folders although the run is umask 027.
share_with_nginx_workers() {
  is_root || return 0
  local u
  for u in www-data nginx nobody; do
    if id "$u" >/dev/null 2>&1; then chgrp "$(id -gn "$u")" "$@" 2>/dev/null || true; return 0; fi
  done
}

# ---------------------------------------------------------------- nginx

ensure_nginx() {
  command -v nginx >/dev/null 2>&1 && return 0
  if is_root && command -v apt-get >/dev/null 2>&1; then
    info "installing nginx: apt-get install -y nginx"
    apt_install nginx
  else
    die "nginx is not installed (Debian/Ubuntu: sudo apt-get install -y nginx)"
  fi
}

# nginx workers run as an unprivileged user when the master is root: pick one that exists and can
# reach the run directory (temp files for request bodies live there).
nginx_user_directive() {
  is_root || { echo "# not root: workers run as the current user"; return 0; }
  local u
  for u in www-data nginx nobody; do
    id "$u" >/dev/null 2>&1 || continue
    if runuser -u "$u" -- test -x "$1" 2>/dev/null; then
      echo "user $u $(id -gn "$u");"
      return 0
    fi
  done
  warn "no unprivileged user can reach $1; nginx workers of $(basename "$1") run as root"
  echo "user root root;"
}

render_lb() {
  local name=$1 prefix port
  prefix=$(lb_prefix "$name")
  port=$(port_of "$name")
  mkdir -p "$prefix/logs" "$prefix/tmp"
  share_with_nginx_workers "$prefix" "$prefix/tmp"
  # shellcheck disable=SC2016 # envsubst gets the literal list of variables to replace
  LB_NAME=$name \
  LB_LISTEN="127.0.0.1:$port" \
  LB_ACCESS_LOG="$prefix/logs/access.log" \
  API_1_UPSTREAM="127.0.0.1:$(port_of api-1)" \
  API_2_UPSTREAM="127.0.0.1:$(port_of api-2)" \
    envsubst '${LB_NAME} ${LB_LISTEN} ${LB_ACCESS_LOG} ${API_1_UPSTREAM} ${API_2_UPSTREAM}' \
    <"$REPO_DIR/nginx/ml-lb.conf.template" >"$prefix/ml-lb.conf.new"
  # shellcheck disable=SC2016
  LB_PREFIX=$prefix \
  LB_USER_DIRECTIVE=$(nginx_user_directive "$prefix") \
    envsubst '${LB_PREFIX} ${LB_USER_DIRECTIVE}' \
    <"$REPO_DIR/nginx/nginx.conf.template" >"$prefix/nginx.conf.new"
  mv "$prefix/ml-lb.conf.new" "$prefix/ml-lb.conf"
  mv "$prefix/nginx.conf.new" "$prefix/nginx.conf"
}

nginx_args() {
  local prefix
  prefix=$(lb_prefix "$1")
  NGINX_ARGS=(-p "$prefix/" -c "$prefix/nginx.conf")
  # -e (nginx >= 1.19.5): error log before the config is read, so /var/log/nginx is never opened
  if nginx -h 2>&1 | grep -q -- '-e filename'; then
    NGINX_ARGS+=(-e "$prefix/logs/error.log")
  fi
}

start_lb() {
  local name=$1 port out
  port=$(port_of "$name")
  render_lb "$name"
  nginx_args "$name"
  out=$(nginx -t -q "${NGINX_ARGS[@]}" 2>&1) || die "nginx config of $name is invalid: $out"
  if is_running "$name"; then
    nginx "${NGINX_ARGS[@]}" -s reload 2>/dev/null || warn "could not reload $name"
    say "    $name already running (config reloaded)"
    return 0
  fi
  if port_in_use "$port"; then
    who_listens "$port" >&2
    die "$name: port $port is already in use (choose another with ML_LB_MAIN_PORT / ML_LB_BACKUP_PORT)"
  fi
  nginx "${NGINX_ARGS[@]}" 2>>"$(log_file "$name")" || { show_log_tail "$name"; die "$name: nginx failed to start"; }
  say "    started $name on 127.0.0.1:$port (pid $(pid_of "$name" || echo '?'))"
}
