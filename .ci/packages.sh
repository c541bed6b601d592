#!/usr/bin/env bash
# What the tests use beyond .NET (issue 13), each installed only when missing, so a machine that has them spends no
# time here: ffmpeg (mp3/aac encoding, decoding every format back), chromium (the web page in a headless browser),
# Node.js with the official `openai` npm package in $QWEN3_TTS_NPM_DIR (the npm client tests).
set -euo pipefail

missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "== ffmpeg: $(ffmpeg -hide_banner -version | head -1)"
echo "== chromium: $(chromium --version 2>/dev/null | head -1)"

npm_dir="${QWEN3_TTS_NPM_DIR:?set QWEN3_TTS_NPM_DIR to the folder for the npm packages}"
if [ ! -f "$npm_dir/node_modules/openai/package.json" ]; then
    echo "== npm install openai@6 into $npm_dir"
    mkdir -p "$npm_dir"
    npm install --prefix "$npm_dir" --no-audit --no-fund --loglevel=error openai@6 >/dev/null
fi
echo "== node $(node --version), openai npm $(node -p "require('$npm_dir/node_modules/openai/package.json').version")"
