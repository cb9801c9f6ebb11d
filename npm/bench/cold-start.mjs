// The CDK handler's cold start, as a Lambda sees it: a fresh Node process loads
// dist/cdk/handler.js (the package and its wasm), then handles a Create event on a small
// aws-auth map (3 entries) of a real API server (testing/cluster's `serve`, bearer token):
// one GET and one PUT over loopback. Not a test; numbers go to BENCHMARKS.md.
//
//   (cd npm && bash scripts/build.sh)
//   cargo build -p test-cluster --example serve
//   AWS_AUTH_TEST_CLUSTER=$CARGO_TARGET_DIR/debug/examples/serve node npm/bench/cold-start.mjs [runs]
import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as path from "node:path";

const runs = Number(process.argv[2] ?? 15);
const here = path.dirname(fileURLToPath(import.meta.url));
const handlerPath = path.join(here, "..", "dist", "cdk", "handler.js");
const serve = process.env.AWS_AUTH_TEST_CLUSTER;
if (!serve) throw new Error("set AWS_AUTH_TEST_CLUSTER to testing/cluster's serve example");
const server = spawn(serve, [], { stdio: ["pipe", "pipe", "inherit"] });
const cluster = await new Promise((resolve) => createInterface({ input: server.stdout }).once("line", (l) => resolve(JSON.parse(l))));
const kubectl = (...a) => execFileSync("kubectl", ["--kubeconfig", cluster.kubeconfig, "--context", "admin", ...a], { encoding: "utf8" });
const SMALL = `- rolearn: arn:aws:iam::111122223333:role/admin
  username: admin
  groups: [system:masters]
- rolearn: arn:aws:iam::111122223333:role/nodes
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
- rolearn: arn:aws:iam::111122223333:role/dev
  username: dev
  groups: [developers]
`;
// The child: what the Lambda runtime does on a cold start, timed from the process's start.
const child = `
const t0 = performance.now();
const { handler } = require(${JSON.stringify(handlerPath)});
const t1 = performance.now();
const c = JSON.parse(process.env.CLUSTER);
handler({ RequestType: "Create", ResourceProperties: { Manager: "cdk:Bench/Entries", ClusterName: "bench",
  Desired: JSON.stringify({ roles: [{ rolearn: "arn:aws:iam::111122223333:role/ci", username: "ci", groups: ["deployers"] }] }) } },
  { target: async () => ({ server: c.server, ca: c.ca, token: c.token, name: process.env.NAME }) })
  .then((r) => { const t2 = performance.now(); console.log(JSON.stringify({ boot: t0, load: t1 - t0, apply: t2 - t1, total: t2, added: r.Data.Added })); });
`;
// The same cold start without the network: load, then the first fromData + apply + data().
const offline = `
const t0 = performance.now();
const { AwsAuth } = require(${JSON.stringify(path.join(here, "..", "dist", "index.js"))});
const t1 = performance.now();
const auth = AwsAuth.fromData({ mapRoles: process.env.SMALL });
const r = auth.apply("cdk:Bench/Entries", { roles: [{ rolearn: "arn:aws:iam::111122223333:role/ci", username: "ci", groups: ["deployers"] }] });
auth.data(); auth.ownershipRecord();
const t2 = performance.now();
console.log(JSON.stringify({ boot: t0, load: t1 - t0, apply: t2 - t1, total: t2, added: String(r.changes.length) }));
`;
const samples = [];
const offlineSamples = [];
for (let i = 0; i < runs; i++) {
  const name = `bench-${i}`;
  kubectl("-n", "kube-system", "create", "configmap", name, `--from-literal=mapRoles=${SMALL}`);
  const out = execFileSync(process.execPath, ["-e", child], { env: { ...process.env, CLUSTER: JSON.stringify(cluster), NAME: name }, encoding: "utf8" });
  const s = JSON.parse(out.trim().split("\n").pop()); // the handler logs its changes first
  if (s.added !== "1") throw new Error(out);
  samples.push(s);
  const o = execFileSync(process.execPath, ["-e", offline], { env: { ...process.env, SMALL }, encoding: "utf8" });
  offlineSamples.push(JSON.parse(o));
}
server.stdin.end();
const median = (set, k) => {
  const v = set.map((s) => s[k]).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
const max = (set, k) => Math.max(...set.map((s) => s[k]));
for (const [label, set] of [["handler, Create against the API server", samples], ["no network: fromData + apply + data", offlineSamples]]) {
  console.log(`${label}: cold start over ${runs} fresh processes (median / max, ms):`);
  for (const k of ["boot", "load", "apply"]) console.log(`  ${k.padEnd(6)} ${median(set, k).toFixed(1).padStart(7)} / ${max(set, k).toFixed(1)}`);
  const la = set.map((s) => s.load + s.apply).sort((a, b) => a - b);
  console.log(`  load+apply ${la[Math.floor(la.length / 2)].toFixed(1)} / ${la[la.length - 1].toFixed(1)}`);
}
console.log("  boot: Node's own start before the script; load: require the handler (package + wasm);");
console.log("  apply: the first Create (wasm instantiation on first use, GET + PUT on loopback); total: from process start");
