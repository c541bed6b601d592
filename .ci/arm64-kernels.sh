#!/usr/bin/env bash
# The ARM64 kernel paths (NEON SDOT and plain NEON) on an emulated CPU: publish the kernel check
# self-contained for linux-arm64 and run it under qemu-user, once with the dot-product extension
# (qemu's "max" CPU, like RK3588's Cortex-A76/A55) and once without (Cortex-A53). It compares every
# path with the scalar reference bit for bit and exits non-zero on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."

sysroot=/usr/aarch64-linux-gnu
if ! command -v qemu-aarch64-static >/dev/null || [ ! -e "$sysroot/lib/ld-linux-aarch64.so.1" ] || [ ! -e "$sysroot/lib/libstdc++.so.6" ]; then
  apt-get update -qq
  apt-get install -y -qq qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross >/dev/null
fi

out=$(mktemp -d /tmp/qwen3-tts-kernel-check-arm64.XXXXXX)
trap 'rm -rf "$out"' EXIT
dotnet publish KernelCheck -c Release -r linux-arm64 --self-contained -o "$out" -v q

run() {
  local cpu=$1 expected=$2 log
  log=$(DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 qemu-aarch64-static -cpu "$cpu" -L "$sysroot" "$out/qwen3-tts-kernel-check")
  echo "$log"
  if ! grep -qi "kernels: $expected\$" <<<"$log"; then
    echo "arm64 kernel check: qemu CPU $cpu should select the $expected path" >&2
    return 1
  fi
}
echo "== arm64 kernels under qemu-user, CPU with dotprod"
run max neondot
echo "== arm64 kernels under qemu-user, Cortex-A53 (no dotprod)"
run cortex-a53 neon
