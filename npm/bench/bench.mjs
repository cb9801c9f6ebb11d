// Benchmark of the `aws-auth` npm package against js-yaml and yaml (eemeli/yaml) doing the same
// job, plus cold start and the .wasm size. Not part of the tests; figures go in BENCHMARKS.md.
//
//   bash npm/scripts/build.sh      # if npm/dist is missing or stale
//   node npm/bench/bench.mjs       # ITER=30 WARMUP=5 COLD=15 to change the counts
//
// The input is generated deterministically: a `kubectl get -o yaml`-style ConfigMap whose
// `mapRoles: |` block holds 5,000 entries (rolearn, username, two groups), about 1 MiB.
// Each timed job adds one new role and writes the whole manifest back:
//   (a) ours:    AwsAuth.parse(text) + upsertRole(new) + toString()
//   (b) js-yaml: load(manifest) + load(data.mapRoles) + push + dump(roles) + dump(manifest)
//   (c) yaml:    parse(manifest) + parse(data.mapRoles) + push + stringify(roles) + stringify(manifest)
// The three run interleaved (a round = one of each, order rotating), so load changes on a shared
// machine hit all three alike.
// (d) cold start: a fresh `node -e` process requires the package and does one
//     parse + upsertRole + toString on a small manifest; it reports performance.now() when done,
//     i.e. milliseconds since its own process start. Spawn-to-exit wall time and a bare `node -e ""`
//     baseline are reported too.

import { createRequire } from "node:module";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, "..");
const distIndex = join(pkgDir, "dist", "index.js");
const require = createRequire(import.meta.url);

const ITER = Number(process.env.ITER ?? 30);
const WARMUP = Number(process.env.WARMUP ?? 5);
const COLD = Number(process.env.COLD ?? 15);
const ENTRIES = 5_000;

let AwsAuth;
try {
  ({ AwsAuth } = require(distIndex));
} catch (e) {
  console.error(`bench: cannot load ${distIndex} (run bash npm/scripts/build.sh first): ${e.message}`);
  process.exit(1);
}
const jsyaml = require("js-yaml");
const YAML = require("yaml");

// ---------------------------------------------------------------------------------------------
// Input

const ACCOUNTS = ["111122223333", "444455556666", "777788889999", "210987654321"];

/** A deterministic 12-hex-digit suffix (splitmix64, low 48 bits), like CloudFormation's. */
function suffix(i) {
  const M = (1n << 64n) - 1n;
  let z = (BigInt(i) + 0x9e3779b97f4a7c15n) & M;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
  z ^= z >> 31n;
  return (z & 0xffffffffffffn).toString(16).toUpperCase().padStart(12, "0");
}

function roleArn(i) {
  const account = ACCOUNTS[i % ACCOUNTS.length];
  const n = String(i).padStart(5, "0");
  return `arn:aws:iam::${account}:role/eks-nodegroup-${n}-NodeInstanceRole-${suffix(i)}`;
}

const USERNAME = "system:node:{{EC2PrivateDNSName}}";
const GROUPS = ["system:bootstrappers", "system:nodes"];

function manifest(entries) {
  const parts = [
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n",
  ];
  for (let i = 0; i < entries; i++) {
    parts.push(
      `    - rolearn: ${roleArn(i)}\n      username: ${USERNAME}\n      groups:\n        - ${GROUPS[0]}\n        - ${GROUPS[1]}\n`,
    );
  }
  return parts.join("");
}

const TEXT = manifest(ENTRIES);
const NEW_ROLE = {
  rolearn: `arn:aws:iam::111122223333:role/added-by-bench-${suffix(1_000_000)}`,
  username: USERNAME,
  groups: [...GROUPS],
};

// ---------------------------------------------------------------------------------------------
// The three jobs

// Phases of the last call of `ours` (parse, upsertRole, toString), in ms.
const phases = { parse: [], upsert: [], write: [] };
let lastPhases = null;
function ours(text) {
  const t0 = process.hrtime.bigint();
  const auth = AwsAuth.parse(text);
  const t1 = process.hrtime.bigint();
  auth.upsertRole(NEW_ROLE);
  const t2 = process.hrtime.bigint();
  const out = auth.toString();
  const t3 = process.hrtime.bigint();
  lastPhases = [t1 - t0, t2 - t1, t3 - t2].map((d) => Number(d) / 1e6);
  return out;
}

function withJsYaml(text) {
  const doc = jsyaml.load(text);
  const roles = jsyaml.load(doc.data.mapRoles);
  roles.push({ ...NEW_ROLE, groups: [...NEW_ROLE.groups] });
  doc.data.mapRoles = jsyaml.dump(roles);
  return jsyaml.dump(doc);
}

function withYaml(text) {
  const doc = YAML.parse(text);
  const roles = YAML.parse(doc.data.mapRoles);
  roles.push({ ...NEW_ROLE, groups: [...NEW_ROLE.groups] });
  doc.data.mapRoles = YAML.stringify(roles);
  return YAML.stringify(doc);
}

const JOBS = [
  ["ours: AwsAuth.parse + upsertRole + toString", ours],
  ["js-yaml: load ×2 + push + dump ×2", withJsYaml],
  ["yaml: parse ×2 + push + stringify ×2", withYaml],
];

// Check once that every job did the job: the result reads back (with js-yaml) as the 5,001 roles.
for (const [name, fn] of JOBS) {
  const out = fn(TEXT);
  const roles = jsyaml.load(jsyaml.load(out).data.mapRoles);
  const last = roles[roles.length - 1];
  if (roles.length !== ENTRIES + 1 || last.rolearn !== NEW_ROLE.rolearn || roles[0].rolearn !== roleArn(0)) {
    console.error(`bench: ${name} produced a wrong result (${roles.length} roles)`);
    process.exit(1);
  }
}
{
  // Ours is lossless: the output is the input plus the new entry, byte for byte.
  const out = ours(TEXT);
  if (!out.startsWith(TEXT)) console.error("bench: note: ours did not keep the input as a prefix");
}

// ---------------------------------------------------------------------------------------------
// Timing

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: pct(s, 50), p90: pct(s, 90), min: s[0], max: s[s.length - 1], n: s.length };
};
const ms = (x) => x.toFixed(1);

let sink = 0;
function timeOnce(fn) {
  const t0 = process.hrtime.bigint();
  const out = fn(TEXT);
  const t1 = process.hrtime.bigint();
  sink += out.length;
  return Number(t1 - t0) / 1e6;
}

const samples = JOBS.map(() => []);
for (let r = 0; r < WARMUP + ITER; r++) {
  for (let k = 0; k < JOBS.length; k++) {
    const j = (r + k) % JOBS.length; // rotate the order inside a round
    const t = timeOnce(JOBS[j][1]);
    if (r >= WARMUP) {
      samples[j].push(t);
      if (j === 0) ["parse", "upsert", "write"].forEach((k, i) => phases[k].push(lastPhases[i]));
    }
  }
}
const results = samples.map(stats);

// ---------------------------------------------------------------------------------------------
// Cold start

const SMALL = `apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/eks-nodegroup-NodeInstanceRole-1A2B3C4D5E6F
      username: system:node:{{EC2PrivateDNSName}}
      groups:
        - system:bootstrappers
        - system:nodes
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/ada
      username: ada
      groups:
        - system:masters
`;
const child = `
const t0 = performance.now();
const { AwsAuth } = require(${JSON.stringify(distIndex)});
const t1 = performance.now();
const a = AwsAuth.parse(${JSON.stringify(SMALL)});
a.upsertRole({ rolearn: "arn:aws:iam::111122223333:role/new-nodes", username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:bootstrappers", "system:nodes"] });
const s = a.toString();
const t2 = performance.now();
if (!s.includes("role/new-nodes")) process.exit(3);
const t3 = performance.now();
const b = AwsAuth.parse(${JSON.stringify(SMALL)});
b.upsertRole({ rolearn: "arn:aws:iam::111122223333:role/new-nodes", username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:bootstrappers", "system:nodes"] });
b.toString();
const call2 = performance.now() - t3;
process.stdout.write(JSON.stringify({ boot: t0, require: t1 - t0, call: t2 - t1, done: t2, call2 }));
`;

function spawnTimed(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    console.error(`bench: cold-start child failed (${r.status}): ${r.stderr}`);
    process.exit(1);
  }
  return { wall, out: r.stdout };
}

spawnTimed(["-e", child]); // warm the file cache
spawnTimed(["-e", ""]);
const cold = { done: [], boot: [], require: [], call: [], own: [], call2: [], wall: [], bare: [] };
for (let i = 0; i < COLD; i++) {
  const { wall, out } = spawnTimed(["-e", child]);
  const o = JSON.parse(out);
  for (const k of ["done", "boot", "require", "call", "call2"]) cold[k].push(o[k]);
  cold.own.push(o.require + o.call);
  cold.wall.push(wall);
  cold.bare.push(spawnTimed(["-e", ""]).wall);
}
const coldStats = Object.fromEntries(Object.entries(cold).map(([k, v]) => [k, stats(v)]));

// ---------------------------------------------------------------------------------------------
// Size

const wasmDir = join(pkgDir, "dist", "wasm");
const wasmFile = readdirSync(wasmDir).find((f) => f.endsWith(".wasm"));
const wasmBytes = readFileSync(join(wasmDir, wasmFile));
const gz = gzipSync(wasmBytes, { level: 9 }).length;

// ---------------------------------------------------------------------------------------------
// Report

const kib = (b) => (b / 1024).toFixed(1);
console.log(`machine: nproc ${cpus().length}, CPU ${cpus()[0]?.model ?? "?"}, node ${process.version}`);
console.log(
  `input: ${ENTRIES} mapRoles entries, ${TEXT.length} bytes (${kib(TEXT.length)} KiB); ` +
    `js-yaml ${require("js-yaml/package.json").version}, yaml ${require("yaml/package.json").version}`,
);
console.log(`timing: ${WARMUP} warm-up rounds, ${ITER} timed rounds, jobs interleaved\n`);
console.log("| job | median | p90 | min | max |");
console.log("|---|---|---|---|---|");
for (let k = 0; k < JOBS.length; k++) {
  const s = results[k];
  console.log(`| ${JOBS[k][0]} | ${ms(s.median)} ms | ${ms(s.p90)} ms | ${ms(s.min)} ms | ${ms(s.max)} ms |`);
}
const ph = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, stats(v)]));
console.log(
  `\nours by phase (median / p90): AwsAuth.parse ${ms(ph.parse.median)} / ${ms(ph.parse.p90)} ms, ` +
    `upsertRole ${ms(ph.upsert.median)} / ${ms(ph.upsert.p90)} ms, toString ${ms(ph.write.median)} / ${ms(ph.write.p90)} ms`,
);
const [a, b, c] = results;
const ratio = (x, y) => (y.median / x.median >= 1 ? `${(y.median / x.median).toFixed(2)}× faster` : `${(x.median / y.median).toFixed(2)}× slower`);
console.log(`\nours vs js-yaml (median): ${ratio(a, b)} (goal: ≥ 2× faster) — ${b.median / a.median >= 2 ? "MET" : "MISSED"}`);
console.log(`ours vs yaml    (median): ${ratio(a, c)}`);
console.log(`ours vs js-yaml (p90):    ${ratio({ median: a.p90 }, { median: b.p90 })}`);

console.log(`\ncold start (${COLD} fresh processes, median / p90 / min):`);
const cs = (k) => `${ms(coldStats[k].median)} / ${ms(coldStats[k].p90)} / ${ms(coldStats[k].min)} ms`;
// The goal is the package's own cold cost (require + first call); Node's own bootstrap, which
// no package can shorten, is reported beside it.
console.log(`  require + first call (the package's own share):        ${cs("own")}  (goal ≤ 50 ms) — ${coldStats.own.median <= 50 ? "MET" : "MISSED"}`);
console.log(`    require("aws-auth") (loads + compiles the .wasm):     ${cs("require")}`);
console.log(`    first parse + upsertRole + toString:                 ${cs("call")}`);
console.log(`  process start → done (performance.now() in the child): ${cs("done")}`);
console.log(`    of which node bootstrap before the script:           ${cs("boot")}`);
console.log(`  (second call in the same process, for reference:       ${cs("call2")})`);
console.log(`  spawn → exit, seen by the parent:                      ${cs("wall")}`);
console.log(`  bare \`node -e ""\` spawn → exit, for reference:         ${cs("bare")}`);

console.log(`\nwasm: dist/wasm/${wasmFile}: ${wasmBytes.length} bytes raw (${kib(wasmBytes.length)} KiB), ` +
  `${gz} bytes gzip level 9 (${kib(gz)} KiB); goal ≤ 250 KiB raw — ${wasmBytes.length <= 250 * 1024 ? "MET" : "MISSED"}`);
if (sink === 0) console.log(""); // keep the results alive
