#!/usr/bin/env bash
# The reliability suite (issue 14, docs/reliability.md): every role's board killed (SIGKILL) and stopped (SIGTERM)
# mid-request as real silo processes, restarted and serving again; localhost healing; a load run on loopback with
# the silo's RSS watched; overlapping long texts bit-identical to alone; every parser fuzzed at length. Prints
# one line of figures per check at the end. Sized by the QWEN3_TTS_* variables below; about 10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

report="${QWEN3_TTS_RELIABILITY_REPORT:-${TMPDIR:-/tmp}/qwen3-tts-reliability-report.txt}"
mkdir -p "$(dirname "$report")"
: > "$report"
export QWEN3_TTS_RELIABILITY=1
export QWEN3_TTS_RELIABILITY_REPORT="$report"
export QWEN3_TTS_FUZZ_ITERATIONS="${QWEN3_TTS_FUZZ_ITERATIONS:-3000}"
export QWEN3_TTS_LOAD_CLIENTS="${QWEN3_TTS_LOAD_CLIENTS:-12}"
export QWEN3_TTS_LOAD_SECONDS="${QWEN3_TTS_LOAD_SECONDS:-60}"

status=0
timeout 20m dotnet test Tests/Qwen3Tts.Tests.csproj \
  --filter "Category=Reliability|FullyQualifiedName~Tests.Reliability|FullyQualifiedName~DrainTests|FullyQualifiedName~LocalhostHealingTests" \
  || status=$?

echo "== reliability figures ($report)"
cat "$report"
exit "$status"
