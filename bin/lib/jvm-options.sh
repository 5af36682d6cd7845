# shellcheck shell=bash
# The default JVM options of the cluster's processes, defined once. Sourced by bin/mlcluster (its
# LEARNER_JAVA_OPTS / API_JAVA_OPTS fall back to these) and read by bench/figures/common.py (the
# option sets P3 and P5 compare against). Plain assignments only: both read them.
#
# Why these: Serial GC and C1 only for the learners (fewest threads and the smallest footprint on a
# shared host; see docs/performance.md, P5), heaps sized for the default request limits.
# -Xms32m: without it the JVM starts the heap at 1/64 of the host's memory, capped at -Xmx, i.e. at
# all of -Xmx on a 24 GB host, and Serial GC never gives a heap back below its initial size; from 32 MB
# the heap grows under load and a full collection shrinks it again (-XX:-ShrinkHeapInSteps: at once,
# not over four collections). A learner held 256 MB of heap after a batch load, with it ~120 MB.
ML_DEFAULT_LEARNER_JAVA_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m -Xms32m -XX:-ShrinkHeapInSteps"
ML_DEFAULT_API_JAVA_OPTS="-XX:+UseSerialGC -Xmx128m -Xms32m -XX:-ShrinkHeapInSteps"
