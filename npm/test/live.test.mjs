// The CDK custom resource's handler and the shared HTTP layer (aws-auth/kube) against the
// project's real kube-apiserver + etcd (testing/cluster, its `serve` example: bearer token
// auth). Runs from scripts/test.sh, which sets AWS_AUTH_TEST_CLUSTER to the `serve` binary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import { handler } from "aws-auth/cdk/handler";
import { applyLive, releaseLive, getConfigMap, KubeError } from "aws-auth/kube";

const SERVE = process.env.AWS_AUTH_TEST_CLUSTER;
let cluster; // { server, ca, token, kubeconfig }
let child;

before(async () => {
  assert.ok(SERVE, "set AWS_AUTH_TEST_CLUSTER to testing/cluster's `serve` example binary");
  child = spawn(SERVE, [], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  cluster = await new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
    lines.once("line", (line) => resolve(JSON.parse(line)));
  });
});
after(() => child?.stdin.end());

const kubectl = (...args) =>
  execFileSync(process.env.KUBECTL ?? "kubectl", ["--kubeconfig", cluster.kubeconfig, "--context", "admin", ...args], {
    encoding: "utf8",
  });
const props = (manager, desired, extra = {}) => ({
  ServiceToken: "arn:aws:lambda:us-east-1:111122223333:function:provider",
  Manager: manager,
  ClusterName: "test",
  Endpoint: cluster.server,
  CertificateAuthorityData: Buffer.from(cluster.ca).toString("base64"),
  Desired: JSON.stringify(desired),
  ...extra,
});
let writes = 0;
const deps = (name = "aws-auth", hook) => ({
  async target(p) {
    let calls = 0;
    return {
      server: p.Endpoint,
      ca: p.CertificateAuthorityData,
      name,
      token: async () => {
        calls++;
        if (hook) await hook(calls);
        return cluster.token;
      },
    };
  },
});
const event = (type, manager, desired, extra) => ({
  RequestType: type,
  ...(type === "Create" ? {} : { PhysicalResourceId: manager }),
  ResourceProperties: props(manager, desired, extra),
});
const cm = (name = "aws-auth") => JSON.parse(kubectl("-n", "kube-system", "get", "configmap", name, "-o", "json"));
const arn = (n) => `arn:aws:iam::111122223333:role/${n}`;
const role = (n, groups = ["team"]) => ({ rolearn: arn(n), username: n, groups });

const START = `# nodes and break-glass, by hand
- rolearn: arn:aws:iam::111122223333:role/admin
  username: admin
  groups:
    - system:masters
- rolearn: arn:aws:iam::111122223333:role/nodes   # the node group
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
`;
const HAND = `- rolearn: arn:aws:iam::111122223333:role/by-hand
  username: by-hand
  groups:
    - viewers
`;

test("two stacks' constructs, an unowned node role, a kubectl hand edit: Create, Update, Delete", async () => {
  kubectl("-n", "kube-system", "create", "configmap", "aws-auth", `--from-literal=mapRoles=${START}`, "--from-literal=other=kept");
  const A = "cdk:StackA/Cluster/AwsAuth";
  const B = "cdk:StackB/Team/AwsAuth";
  const a1 = { roles: [role("ci-a")], users: [{ userarn: "arn:aws:iam::111122223333:user/alice", username: "alice", groups: ["team"] }] };
  const b1 = { roles: [role("ci-b", ["deployers"])], accounts: ["444455556666"] };

  const ra = await handler(event("Create", A, a1), deps());
  assert.equal(ra.PhysicalResourceId, A);
  assert.equal(ra.Data.Added, "2");
  const rb = await handler(event("Create", B, b1), deps());
  assert.equal(rb.Data.Changes, `added ${arn("ci-b")}; added 444455556666`);
  let now = cm();
  assert.ok(now.data.mapRoles.startsWith(START), "the unowned entries and the comment stay as they were");
  assert.equal(now.data.other, "kept");
  const record = JSON.parse(now.metadata.annotations["aws-auth/managers"]);
  assert.deepEqual(Object.keys(record.managers).sort(), [A, B]);

  // A hand edit with kubectl: a role appended after the constructs' entries.
  now.data.mapRoles += HAND;
  delete now.metadata.resourceVersion;
  kubectl("-n", "kube-system", "patch", "configmap", "aws-auth", "--type=merge", "-p", JSON.stringify({ data: { mapRoles: now.data.mapRoles } }));

  // Update A: ci-a's groups change, a role is added; nothing else moves.
  const a2 = { roles: [role("ci-a", ["team", "admins"]), role("ci-a2")], users: a1.users };
  const ua = await handler(event("Update", A, a2), deps());
  assert.equal(ua.Data.Changes, `updated ${arn("ci-a")}; added ${arn("ci-a2")}; unchanged arn:aws:iam::111122223333:user/alice`);
  now = cm();
  assert.ok(now.data.mapRoles.startsWith(START));
  assert.ok(now.data.mapRoles.includes(HAND), "the hand edit stays");
  assert.ok(now.data.mapRoles.includes("ci-b"));

  // A hand edit of B's entry is drift: B's next Update reports it and sets it back.
  const drifted = now.data.mapRoles.replace("    - deployers\n", "    - hijacked\n");
  assert.notEqual(drifted, now.data.mapRoles);
  kubectl("-n", "kube-system", "patch", "configmap", "aws-auth", "--type=merge", "-p", JSON.stringify({ data: { mapRoles: drifted } }));
  const ub = await handler(event("Update", B, b1), deps());
  assert.equal(ub.Data.Drifted, arn("ci-b"));
  now = cm();
  assert.ok(!now.data.mapRoles.includes("hijacked") && now.data.mapRoles.includes("    - deployers\n"));
  assert.ok(now.data.mapRoles.startsWith(START) && now.data.mapRoles.includes(HAND));

  // A third construct that wants B's entry with other values is refused: one line, nothing written.
  const rv = now.metadata.resourceVersion;
  await assert.rejects(handler(event("Create", "cdk:StackC/X", { roles: [role("ci-b", ["other"])] }), deps()), (e) => {
    assert.match(e.message, /^aws-auth: owned: .*cdk:StackB\/Team\/AwsAuth/);
    assert.ok(!e.message.includes("\n"));
    return true;
  });
  assert.equal(cm().metadata.resourceVersion, rv);
  // Delete A: exactly A's entries go.
  const da = await handler(event("Delete", A, a2), deps());
  assert.equal(da.Data.Removed, "3");
  now = cm();
  assert.ok(!now.data.mapRoles.includes("ci-a"));
  assert.ok(!now.data.mapUsers?.includes("alice"));
  assert.ok(now.data.mapRoles.startsWith(START) && now.data.mapRoles.includes(HAND) && now.data.mapRoles.includes("ci-b"));
  // Delete B, then the map is what it was plus the hand edit, annotation gone.
  await handler(event("Delete", B, b1), deps());
  now = cm();
  assert.equal(now.data.mapRoles, START + HAND);
  assert.equal(now.data.other, "kept");
  assert.equal(now.metadata.annotations?.["aws-auth/managers"], undefined);
  // Deleting again (a retried Delete) is a no-op.
  const again = await handler(event("Delete", B, b1), deps());
  assert.equal(again.Data.Changes, "");
});

test("a 409 from a concurrent writer between GET and PUT is re-read and re-applied", async () => {
  kubectl("-n", "kube-system", "create", "configmap", "race", `--from-literal=mapRoles=${START}`);
  const hook = async (call) => {
    // Call 2 is the PUT of the first round: another writer gets in first.
    if (call === 2) kubectl("-n", "kube-system", "annotate", "configmap", "race", "someone=else");
  };
  const r = await handler(event("Create", "cdk:S/Race", { roles: [role("racer")] }), deps("race", hook));
  assert.equal(r.Data.Attempts, "2");
  const now = cm("race");
  assert.equal(now.metadata.annotations.someone, "else", "the other writer's change stays");
  assert.ok(now.data.mapRoles.startsWith(START) && now.data.mapRoles.includes("racer"));
});

test("a missing ConfigMap: created by POST only when the desire adds something; release writes nothing", async () => {
  const target = { server: cluster.server, ca: cluster.ca, token: cluster.token, name: "fresh" };
  const none = await applyLive(target, "m", {});
  assert.equal(none.written, false);
  assert.equal(await getConfigMap(target), undefined);
  const released = await releaseLive(target, "m");
  assert.equal(released.written, false);
  const made = await applyLive(target, "m", { roles: [role("first")] });
  assert.equal(made.created, true);
  const got = await getConfigMap(target);
  assert.match(got.data.mapRoles, /role\/first/);
  assert.match(got.metadata.annotations["aws-auth/managers"], /"m"/);
  const gone = await releaseLive(target, "m");
  assert.deepEqual(gone.changes.map((c) => c.action), ["removed"]);
  assert.equal((await getConfigMap(target)).metadata.annotations, undefined);
});

test("API errors are one line with the HTTP status", async () => {
  const target = { server: cluster.server, ca: cluster.ca, token: "wrong", name: "x" };
  await assert.rejects(getConfigMap(target), (e) => e instanceof KubeError && e.status === 401 && /^GET \/api\/v1\/namespaces\/kube-system\/configmaps\/x: HTTP 401/.test(e.message) && !e.message.includes("\n"));
  await assert.rejects(getConfigMap({ ...target, ca: undefined, token: cluster.token }), (e) => e instanceof KubeError && /certificate/.test(e.message));
});

test("a Delete that would remove the last system:masters grant fails the deployment, nothing written", async () => {
  const ADMIN = "- rolearn: arn:aws:iam::111122223333:role/admin\n  username: admin\n  groups:\n    - system:masters\n";
  kubectl("-n", "kube-system", "create", "configmap", "lock", `--from-literal=mapRoles=${ADMIN}`);
  const L = "cdk:Platform/Admins";
  await handler(event("Create", L, { roles: [role("admin2", ["system:masters"])] }), deps("lock"));
  // By hand, the old admin goes: the construct's entry is now the only grant.
  const text = cm("lock").data.mapRoles.replace(ADMIN, "");
  kubectl("-n", "kube-system", "patch", "configmap", "lock", "--type=merge", "-p", JSON.stringify({ data: { mapRoles: text } }));
  const rv = cm("lock").metadata.resourceVersion;
  await assert.rejects(handler(event("Delete", L, {}), deps("lock")), (e) => /^aws-auth: lockout: /.test(e.message) && !e.message.includes("\n"));
  assert.equal(cm("lock").metadata.resourceVersion, rv);
  // With the explicit override it goes.
  const forced = await handler(event("Delete", L, {}, { AllowLockout: "true" }), deps("lock"));
  assert.equal(forced.Data.Removed, "1");
});
