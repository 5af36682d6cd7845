# shellcheck shell=bash
# Sourced by bin/mlcluster: building the service jars when their sources changed.

# ---------------------------------------------------------------- build

sources_newer_than() {
  # Any source or pom of the modules the jars are built from newer than file $1?
  local ref=$1
  [[ -n $(find "$REPO_DIR/pom.xml" "$REPO_DIR/common" "$REPO_DIR/broker-client" "$REPO_DIR/learner-worker" \
    "$REPO_DIR/api" \
    \( -path '*/target' -o -path '*/.run' \) -prune -o \
    -type f \( -path '*/src/*' -o -name pom.xml \) -newer "$ref" -print -quit 2>/dev/null) ]]
}

needs_build() {
  local jar
  for jar in "$LEARNER_JAR" "$API_JAR"; do
    [[ -f $jar ]] || return 0
    sources_newer_than "$jar" && return 0
  done
  return 1
}

do_build() {
  info "building: ./mvnw -B -q -DskipTests package (a few minutes on 2 cores)"
  (cd "$REPO_DIR" && ./mvnw -B -q -DskipTests package) || die "the Maven build failed (see the output above)"
  [[ -f $LEARNER_JAR && -f $API_JAR ]] || die "the build did not produce $LEARNER_JAR and $API_JAR"
}

maybe_build() {
  if ! needs_build; then
    return 0
  fi
  local n running=()
  for n in "${LEARNERS[@]}" "${APIS[@]}"; do
    is_running "$n" && running+=("$n")
  done
  if [[ $SKIP_BUILD == 1 ]]; then
    [[ -f $LEARNER_JAR && -f $API_JAR ]] || die "jars missing and ML_SKIP_BUILD=1: build with '$SCRIPT_NAME build'"
    warn "sources are newer than the jars; ML_SKIP_BUILD=1, using the existing jars"
  elif ((${#running[@]} > 0)); then
    # Rewriting a jar under a running JVM can crash it: leave the build to the next `down` + `up`.
    warn "sources are newer than the jars, but ${running[*]} still run from them: not rebuilding now ('$SCRIPT_NAME down' then '$SCRIPT_NAME up' rebuilds)"
  else
    do_build
  fi
}
