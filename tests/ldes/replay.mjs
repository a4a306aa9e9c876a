// Replays an LDES with ldes-client (the reference LDES harvester) and prints one JSON line per
// member, then one per HTTP request it made. Usage: node replay.mjs URL STATE_DIR
// With the same STATE_DIR a second run resumes: it emits only members it has not emitted yet
// and skips the immutable pages it has already read (LDES §2: the client keeps its own state).
import { replicateLDES } from "ldes-client";
import { Writer } from "n3";

const [url, statePath] = process.argv.slice(2);
if (!url || !statePath) {
  console.error("usage: node replay.mjs URL STATE_DIR");
  process.exit(2);
}
const origin = new URL(url).origin;
const fetched = [];
const realFetch = globalThis.fetch;

// Every request goes through here, the client's own and its libraries' (rdf-dereference,
// JSON-LD context loading): anything outside the server under test is refused and reported.
async function guardedFetch(input, init) {
  const target = typeof input === "string" ? input : input.url ?? String(input);
  fetched.push(target);
  if (new URL(target).origin !== origin) {
    throw new Error(`refused to fetch ${target}: only ${origin} may be contacted`);
  }
  return realFetch(input, init);
}
globalThis.fetch = guardedFetch;

const client = replicateLDES({ url, statePath, fetch: guardedFetch, concurrentFetches: 4 });
const writer = new Writer({ format: "N-Quads" });
const reader = client.stream({ highWaterMark: 10 }).getReader();
let count = 0;
for (;;) {
  const { value, done } = await reader.read();
  if (value) {
    count += 1;
    process.stdout.write(
      JSON.stringify({
        member: value.id.value,
        isVersionOf: value.isVersionOf ?? null,
        timestamp: value.timestamp instanceof Date ? value.timestamp.toISOString() : null,
        type: value.type?.value ?? null,
        nquads: writer.quadsToString(value.quads),
      }) + "\n",
    );
  }
  if (done) break;
}
for (const target of fetched) {
  process.stdout.write(JSON.stringify({ fetched: target }) + "\n");
}
process.stderr.write(`${count} members\n`);
