# shellcheck shell=bash
# Sourced by bin/mlcluster: required tools and the Debian packages installed on demand.

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not installed (Debian: apt-get install -y $(pkg_for "$tool"))"
  done
}

pkg_for() {
  case $1 in
    java) echo openjdk-17-jre-headless ;;
    envsubst) echo gettext-base ;;
    *) echo "$1" ;;
  esac
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; } ||
    die "apt-get install -y $* failed"
}

# XGBoost's native library (algorithm "boosted") needs the GCC OpenMP runtime.
ensure_libgomp() {
  ldconfig -p 2>/dev/null | grep -q 'libgomp\.so\.1' && return 0
  if is_root && command -v apt-get >/dev/null 2>&1; then
    info "installing libgomp1 (XGBoost's OpenMP runtime): apt-get install -y libgomp1"
    apt_install libgomp1
  else
    warn "libgomp1 is not installed: fits with algorithm boosted will fail (Debian/Ubuntu: sudo apt-get install -y libgomp1)"
  fi
}
