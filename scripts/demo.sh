#!/usr/bin/env bash
# The demo: starts the servers it needs, builds, and runs the quickstart (examples/), which writes
# and reads for two tenants on every engine and prints what each tenant sees.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh postgresql
bash scripts/services.sh redis
bash scripts/services.sh clickhouse
mvn -B -q -ntp -Dstyle.color=never -pl testkit-opensearch,examples -am package dependency:build-classpath \
  -DskipTests -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
exec java -Dtenantdb.opensearch.classpath="$PWD/testkit-opensearch/target/opensearch.classpath" \
  -cp "examples/target/classes:$(cat examples/target/classpath.txt)" io.tenantdb.examples.Quickstart "$@"
