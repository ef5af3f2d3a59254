#!/usr/bin/env bash
# The whole test suite: starts every server the tests need, then unit tests (surefire) and
# integration tests against real servers (failsafe).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
mvn -B -ntp -fae -Dstyle.color=never verify "$@"
