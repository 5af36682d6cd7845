# shellcheck shell=bash
# Sourced by bin/mlcluster: output, root, TCP probes and JSON strings: the small helpers every other
# file uses.

say()  { printf '%s\n' "$*"; }
info() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [[ $EUID -eq 0 ]]; }

port_in_use() {
  # A TCP connect to 127.0.0.1:PORT succeeds.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

tcp_reachable() {
  timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

who_listens() {
  if command -v ss >/dev/null 2>&1; then
    ss -ltnp 2>/dev/null | awk -v p=":$1" '$4 ~ p"$"' || true
  fi
}

json_escape() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '%s' "$s"
}
