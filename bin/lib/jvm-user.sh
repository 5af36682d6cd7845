# shellcheck shell=bash
# Sourced by bin/mlcluster: the unprivileged user the JVMs run as when the launcher is root.

# ---------------------------------------------------------------- the JVMs' user
#
# As root, the JVMs run as ML_JVM_USER (default mlensemble, a system user without home or shell)
# through setpriv, which execs: the pid, process group and command line marker stay those of the
# java process. The root shell still opens the logs and passes the secrets in the environment;
# the user gets write access only to what the JVMs write: the model folder, the data folder and,
# during the class-data training start, the archive's folder. Only nginx's master keeps root.

# jvm_user: the user the JVMs run as, empty when they run as the launcher's user.
jvm_user() {
  is_root || return 0
  [[ $JVM_USER_SETTING == root ]] && return 0
  printf '%s' "$JVM_USER_SETTING"
}

# jvm_group: the primary group of the JVMs' user (empty when none applies or it does not exist yet).
jvm_group() {
  local u
  u=$(jvm_user)
  [[ -n $u ]] || return 0
  id -gn "$u" 2>/dev/null || true
}

# ensure_jvm_user: creates the JVMs' system user and group when missing (useradd).
ensure_jvm_user() {
  local u
  u=$(jvm_user)
  [[ -n $u ]] || return 0
  [[ $u =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "ML_JVM_USER='$u' is not a valid user name (or root to run the JVMs as root)"
  id "$u" >/dev/null 2>&1 && return 0
  command -v useradd >/dev/null 2>&1 ||
    die "the JVMs' user $u does not exist and useradd is missing (Debian: apt-get install -y passwd): create $u, or set ML_JVM_USER=root to run the JVMs as root"
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$u" ||
    die "cannot create the JVMs' user $u (useradd failed)"
  say "    created system user $u for the JVMs"
}

# jvm_prefix: sets JVM_AS, the command prefix that runs a JVM as the JVMs' user (empty: as is).
jvm_prefix() {
  JVM_AS=()
  local u g
  u=$(jvm_user)
  [[ -n $u ]] || return 0
  need setpriv
  g=$(jvm_group)
  [[ -n $g ]] || die "the JVMs' user $u does not exist (run '$SCRIPT_NAME up' or '$SCRIPT_NAME start', which create it)"
  JVM_AS=(setpriv "--reuid=$u" "--regid=$g" --init-groups --)
}

# share_with_jvms: gives the JVMs' user what the JVMs write, and checks that it can reach it.
#   run folder   0751: the JVMs' user (and the nginx workers) may pass through to their folders;
#                nothing in it can be listed or read by others (logs, pids 0750 root; secrets 0700)
#   models       owned by the user (0750): learners create, replace and delete model files
#   app/         root:group, readable: the JVMs run the extracted jars and map the archives;
#                only a training start may write in its own folder (see cds_train)
#   data         group-owned and group-writable (directories setgid, so that new files keep the
#                group): learners write uploaded datasets and synced shards into it. The owner
#                of the files (a checkout's user, or root) stays, so the repository's data/
#                remains theirs to edit; only the group and its write bit change.
share_with_jvms() {
  local u g
  u=$(jvm_user)
  [[ -n $u ]] || return 0
  g=$(jvm_group)
  chmod 0751 "$RUN_DIR"
  mkdir -p "$MODEL_DIR" "$APP_DIR"
  chown -R "$u:$g" "$MODEL_DIR"
  chmod 0750 "$MODEL_DIR"
  chgrp -R "$g" "$APP_DIR"
  chmod -R g+rX "$APP_DIR"
  if [[ -d $DATA_DIR ]]; then
    chgrp -R "$g" "$DATA_DIR"
    chmod -R g+rwX "$DATA_DIR"
    find "$DATA_DIR" -type d -exec chmod g+s {} +
  fi
  local -a as
  jvm_prefix
  as=("${JVM_AS[@]}")
  # A checkout under a closed folder (a home directory, say) cannot be reached by the user: the
  # cluster then still starts, as root, and says why and what to change.
  if ! "${as[@]}" test -x "$RUN_DIR" -a -w "$MODEL_DIR" -a -x "$APP_DIR"; then
    warn "user $u cannot reach $RUN_DIR, $MODEL_DIR or $APP_DIR (a parent folder is closed to it): the JVMs run as root this time; choose ML_RUN_DIR / ML_MODEL_DIR elsewhere, or set ML_JVM_USER=root to say so"
    JVM_USER_SETTING=root
  elif [[ -d $DATA_DIR ]] && ! "${as[@]}" test -w "$DATA_DIR"; then
    warn "user $u cannot write $DATA_DIR (a parent folder is closed to it): the JVMs run as root this time; choose ML_DATA_DIR elsewhere, or set ML_JVM_USER=root to say so"
    JVM_USER_SETTING=root
  fi
}
