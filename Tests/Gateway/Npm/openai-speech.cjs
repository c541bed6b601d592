// The official `openai` npm package, unchanged, against the gateway (run by OpenAiNpmClientTests):
//   node openai-speech.cjs BASE_URL OUT_DIR
// Writes OUT_DIR/<case>.<format> for each case and OUT_DIR/results.json with what each call answered.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const OpenAI = require("openai");

async function main() {
  const [baseURL, outDir] = process.argv.slice(2);
  const client = new OpenAI({ baseURL, apiKey: "any-key-when-none-are-configured", maxRetries: 0 });
  const results = {};
  const input = "Every format through the npm package.";

  for (const format of ["mp3", "opus", "aac", "flac", "wav", "pcm"]) {
    const complete = await client.audio.speech.create({ model: "tts-1", voice: "alloy", input, response_format: format });
    fs.writeFileSync(path.join(outDir, `complete.${format}`), Buffer.from(await complete.arrayBuffer()));
    // Streamed as it is generated: the body is read chunk by chunk.
    const streamed = await client.audio.speech.create({ model: "gpt-4o-mini-tts", voice: "nova", input, response_format: format, stream_format: "audio" });
    const parts = [];
    for await (const part of streamed.body) { parts.push(Buffer.from(part)); }
    fs.writeFileSync(path.join(outDir, `streamed.${format}`), Buffer.concat(parts));
    results[format] = { contentType: complete.headers.get("content-type"), duration: complete.headers.get("x-audio-duration"), streamedParts: parts.length };
  }

  // The same seed (an extra body field) gives the same bytes, also for a text of several chunks.
  const long = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} of a longer text.`).join(" ");
  for (const run of ["a", "b"]) {
    const speech = await client.audio.speech.create({ model: "tts-1", voice: "alloy", input: long, response_format: "wav", seed: 11 });
    fs.writeFileSync(path.join(outDir, `long-${run}.wav`), Buffer.from(await speech.arrayBuffer()));
  }

  for (const [name, body] of [
    ["instructions", { model: "gpt-4o-mini-tts", voice: "alloy", input: "Hello.", instructions: "Whisper." }],
    ["unknownVoice", { model: "tts-1", voice: "zork", input: "Hello." }],
  ]) {
    try {
      await client.audio.speech.create(body);
      results[name] = { status: 200 };
    } catch (e) {
      results[name] = { status: e.status, message: e.error && e.error.message, param: e.error && e.error.param };
    }
  }
  fs.writeFileSync(path.join(outDir, "results.json"), JSON.stringify(results, null, 2));
}

main().catch(e => { console.error(e && e.stack || String(e)); process.exit(1); });
