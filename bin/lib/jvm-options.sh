# shellcheck shell=bash
# The default JVM options of the cluster's processes, defined once. Sourced by bin/mlcluster (its
# LEARNER_JAVA_OPTS / API_JAVA_OPTS fall back to these) and read by bench/figures/common.py (the
# option sets P3 and P5 compare against). Plain assignments only: both read them.
#
# Why these: Serial GC and C1 only for the learners (fewest threads and the smallest footprint on a
# shared host; see docs/performance.md, P5), heaps sized for the default request limits.
ML_DEFAULT_LEARNER_JAVA_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m"
ML_DEFAULT_API_JAVA_OPTS="-XX:+UseSerialGC -Xmx128m"
