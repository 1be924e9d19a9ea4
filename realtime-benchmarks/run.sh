#!/usr/bin/env bash
# Builds the benchmarks and runs them: ./realtime-benchmarks/run.sh [--smoke] [--jmh [JMH options]] [runner options]
# (starter-before: the starter from the class path in STARTER_BEFORE_CLASSPATH, another build to compare with;
#  starter-metrics: the starter with Actuator and a Prometheus registry, scraped every 5 s)
# Runner options: --systems starter,baseline,nchan[,floor,starter-mvc,sseemitter,starter-before,starter-metrics] --scenarios s1,s1ws,s2,s2h,s3,s4,s4ws,s5,st
#                 --rounds 2 | --repeat 3 --jvm warm|fresh|both --warmup-seconds 5
#                 --history on|off|both --token header|query|both
#                 --step-seconds 5 --final-seconds 15 --threads 2 --jfr --out results.md
#                 --fixed-rate 8000 [--ws] [--shape s2]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${SKIP_BUILD:-}" ]]; then
	./mvnw -q -pl realtime-benchmarks -am package -DskipTests ${MAVEN_ARGS:-}
fi
classpath="realtime-benchmarks/target/classes:$(cat realtime-benchmarks/target/classpath.txt)"
METRICS_CLASSPATH="$(cat realtime-benchmarks/target/classpath-metrics.txt)"
export METRICS_CLASSPATH
if [[ "${1:-}" == "--jmh" ]]; then
	shift
	exec java -cp "$classpath" org.openjdk.jmh.Main "$@"
fi
exec java -Xms1g -Xmx1g -cp "$classpath" dev.realtime.benchmarks.BenchmarkRunner "$@"
