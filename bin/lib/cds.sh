# shellcheck shell=bash
# Sourced by bin/mlcluster: class-data sharing: the extracted jars and the AppCDS archive of each
# service.

# ---------------------------------------------------------------- class-data sharing (AppCDS)

# Most of a JVM's start-up goes into loading and verifying the classes of Spring and the
# libraries. An AppCDS archive holds them parsed and verified and is mapped at start instead. It
# saves time more than memory: this JDK maps it at a random address and patches it, so each JVM
# has a private copy, about as large as the metaspace it replaces. The archive needs a class path
# of plain jars (it cannot index the nested jars of the Spring Boot fat jar), hence the extracted
# copy.

CDS_NOTED=" "   # kinds whose fallback to the fat jar was already reported

fat_jar_of() {
  case $1 in
    learner) echo "$LEARNER_JAR" ;;
    api) echo "$API_JAR" ;;
  esac
}

# One directory per build of the jar (modification time and size): an archive is valid only for
# the very jars it was made from, and JVMs still running from an older build keep their files.
cds_dir() {
  local jar
  jar=$(fat_jar_of "$1")
  echo "$APP_DIR/$1/$(stat -c '%Y-%s' "$jar")"
}

# Older builds' directories that no running process of KIND uses any more.
cds_prune() {
  local kind=$1 keep=$2 d n pid used
  for d in "$APP_DIR/$kind"/*/; do
    d=${d%/}
    [[ -d $d && $d != "$keep" ]] || continue
    used=0
    for n in "${ALL_NAMES[@]}"; do
      [[ $(kind_of "$n") == "$kind" ]] || continue
      if pid=$(pid_of "$n") && [[ $(cmdline_of "$pid") == *"$d/"* ]]; then used=1; fi
    done
    ((used)) || rm -rf "$d"
  done
}

# cds_train KIND DIR: extracts KIND's jar into DIR and writes DIR/app.jsa from a start that stops
# right after the context refresh; returns 1 on failure.
cds_train() {
  local kind=$1 dir=$2 log name jar app t0=$SECONDS
  log=$LOG_DIR/cds-$kind.log
  # the archive records the classes of this start: the same options, arguments and environment
  # as the real ones, so that it covers what they load (auto-configuration follows properties)
  name=$kind-1
  java_spec "$name" 0
  jar=$SPEC_JAR
  app=$dir/$(basename "$jar")
  say "    preparing class-data archive for $kind (once per build)..."
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  printf '# class-data archive of %s, %s\n' "$jar" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$log"
  timeout -k 5 "$CDS_TIMEOUT" java -Djarmode=tools -jar "$jar" extract --destination "$dir" >>"$log" 2>&1 </dev/null &&
    [[ -f $app ]] || return 1
  # extracted by root; the JVMs' user reads it, and writes only the archive into the folder
  jvm_prefix
  local g
  g=$(jvm_group)
  if [[ -n $g ]]; then
    chgrp "$g" "$(dirname "$dir")" && chmod g+rx "$(dirname "$dir")" &&
      chgrp -R "$g" "$dir" && chmod -R g+rX "$dir" && chmod g+w "$dir" || return 1
  fi
  # Spring exits by itself after the refresh (-Dspring.context.exit=onRefresh): no port is bound,
  # no listener started and no broker connection opened. The timeout bounds a start that hangs.
  # The archive is written under a temporary name and renamed, so that a JVM never maps half of it.
  (
    cd "$RUN_DIR"
    SPRING_APPLICATION_JSON=$SPEC_JSON exec timeout -k 5 "$CDS_TIMEOUT" "${JVM_AS[@]}" java "${SPEC_OPTS[@]}" "-XX:ArchiveClassesAtExit=$dir/app.jsa.tmp" \
      -Dspring.context.exit=onRefresh -jar "$app" "${SPEC_ARGS[@]}"
  ) >>"$log" 2>&1 </dev/null || return 1
  [[ -s $dir/app.jsa.tmp ]] || return 1
  mv -f "$dir/app.jsa.tmp" "$dir/app.jsa"
  if [[ -n $g ]]; then
    # from now on read-only for the JVMs
    chown "root:$g" "$dir/app.jsa" && chmod 0640 "$dir/app.jsa" && chmod g-w "$dir" || return 1
  fi
  say "    class-data archive for $kind ready ($((SECONDS - t0)) s)"
}

# cds_fresh APP JSA JAR: the extracted jar and an archive younger than the fat jar are there.
cds_fresh() { [[ -f $1 && -f $2 && $2 -nt $3 ]]; }

# cds_prepare KIND: sets CDS_JAR and CDS_OPTS to start KIND from its extracted jar with its archive,
# making them when missing or older than the jar. Returns 1 when KIND runs from the fat jar.
cds_prepare() {
  local kind=$1 jar dir app jsa lock
  CDS_JAR=
  CDS_OPTS=()
  [[ $JVM_CDS == 1 ]] || return 1
  jar=$(fat_jar_of "$kind")
  [[ -f $jar ]] || return 1
  dir=$(cds_dir "$kind")
  app=$dir/$(basename "$jar")
  jsa=$dir/app.jsa
  if ! cds_fresh "$app" "$jsa" "$jar"; then
    mkdir -p "$APP_DIR/$kind" "$LOG_DIR"
    # two `start`s at once must not train into the same directory
    exec {lock}>"$APP_DIR/$kind/.lock"
    command -v flock >/dev/null 2>&1 && flock "$lock"
    if ! cds_fresh "$app" "$jsa" "$jar" && [[ ! -f $dir.failed ]]; then
      if cds_train "$kind" "$dir"; then
        cds_prune "$kind" "$dir"
      else
        # not retried for this build: a failing training would cost every start its timeout
        rm -rf "$dir"
        touch "$dir.failed"
        warn "no class-data archive for $kind (log: $LOG_DIR/cds-$kind.log); starting the fat jar (retry: rm $dir.failed)"
        CDS_NOTED+=" $kind "
      fi
    fi
    exec {lock}>&-
    if ! cds_fresh "$app" "$jsa" "$jar"; then
      [[ $CDS_NOTED == *" $kind "* ]] || say "    $kind: no class-data archive for this build (rm $dir.failed to retry), fat jar"
      CDS_NOTED+=" $kind "
      return 1
    fi
  fi
  CDS_JAR=$app
  # auto: a JVM that cannot map the archive (other JDK, incompatible options) starts without it
  CDS_OPTS=("-XX:SharedArchiveFile=$jsa" -Xshare:auto)
}
