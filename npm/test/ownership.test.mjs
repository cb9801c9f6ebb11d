// Entry ownership through the packed package (contract §5): the rules, the record, and a
// property holding apply and release together. Runs from scripts/test.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AwsAuth, AwsAuthError } from "aws-auth";

const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    # by hand
    - rolearn: arn:aws:iam::111122223333:role/admin   # break glass
      username: admin
      groups: [system:masters]
    - rolearn: arn:aws:iam::111122223333:role/nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
`;
const role = (name, groups = ["team"]) => ({ rolearn: `arn:aws:iam::111122223333:role/${name}`, username: name, groups });
const actions = (r) => r.changes.map((c) => `${c.action} ${c.subject.replace(/.*[:/]/, "")}`);
const owned = (code) => (e) => e instanceof AwsAuthError && e.code === code;

test("apply creates, records, shows managers; release restores the manifest", () => {
  const auth = AwsAuth.parse(MANIFEST);
  const r = auth.apply("cdk:App/Stack", { roles: [role("ci")], accounts: ["444455556666"] });
  assert.deepEqual(actions(r), ["added ci", "added 444455556666"]);
  assert.equal(r.changed, true);
  assert.deepEqual(auth.managers(), ["cdk:App/Stack"]);
  assert.equal(auth.roles[2].manager, "cdk:App/Stack");
  assert.equal(auth.roles[0].manager, undefined);
  assert.match(auth.ownershipRecord(), /^\{"v":1,"managers":\{"cdk:App\/Stack":/);
  assert.match(auth.toString(), /\n  annotations:\n    aws-auth\/managers: '/);
  // The same desire again: nothing to write.
  const again = auth.apply("cdk:App/Stack", { roles: [role("ci")], accounts: ["444455556666"] });
  assert.equal(again.changed, false);
  assert.deepEqual(actions(again), ["unchanged ci", "unchanged 444455556666"]);
  const released = auth.release("cdk:App/Stack");
  assert.deepEqual(actions(released), ["removed ci", "removed 444455556666"]);
  assert.equal(auth.ownershipRecord(), undefined);
  assert.ok(auth.toString().startsWith(MANIFEST), auth.toString());
});

test("an equal unmanaged entry is adopted, a differing one refused, take-over explicit", () => {
  const auth = AwsAuth.parse(MANIFEST);
  const nodes = { rolearn: "arn:aws:iam::111122223333:role/nodes", username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:nodes", "system:bootstrappers"] };
  assert.deepEqual(actions(auth.apply("eks", { roles: [nodes] })), ["adopted nodes"]);
  const differs = { ...nodes, groups: ["system:nodes"] };
  assert.throws(() => auth.apply("other", { roles: [differs] }), (e) => owned("owned")(e) && /managed by "eks"/.test(e.message));
  const before = auth.toString();
  assert.throws(() => AwsAuth.parse(MANIFEST).apply("x", { roles: [{ ...role("admin"), username: "admin" }] }), (e) => owned("owned")(e) && /not managed by anyone/.test(e.message));
  assert.equal(auth.toString(), before, "a refusal changes nothing");
  const taken = auth.apply("other", { roles: [differs] }, { takeOver: true });
  assert.deepEqual(actions(taken), ["updated nodes"]);
  assert.match(taken.changes[0].note, /taken over from eks/);
  // Adopted, then released: it stays.
  assert.deepEqual(actions(auth.release("other")), ["kept nodes"]);
  assert.ok(auth.toString().includes("role/nodes"));
});

test("drift is reported and set back; release keeps a drifted entry", () => {
  const auth = AwsAuth.parse(MANIFEST);
  auth.apply("team", { roles: [role("ci")] });
  const edited = AwsAuth.parse(auth.toString().replace("groups:\n        - team", "groups:\n        - team\n        - extra").replace("groups: [team]", "groups: [team, extra]"));
  assert.ok(edited.validate().some((d) => d.code === "ownership-record" && /changed since manager "team"/.test(d.message)));
  const r = edited.apply("team", { roles: [role("ci")] });
  assert.deepEqual(r.drifted, ["arn:aws:iam::111122223333:role/ci"]);
  assert.deepEqual(actions(r), ["updated ci"]);
  const again = AwsAuth.parse(edited.toString().replace("groups: [team]", "groups: [team, hand]"));
  assert.deepEqual(actions(again.release("team")), ["kept ci"]);
});

test("the lockout guard holds on apply and release", () => {
  const auth = AwsAuth.parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata:\n  mapRoles: |\n    []\n");
  auth.apply("admins", { roles: [role("admin", ["system:masters"])] });
  assert.throws(() => auth.release("admins"), owned("lockout"));
  assert.throws(() => auth.apply("admins", {}), owned("lockout"));
  auth.release("admins", { allowLockout: true });
  assert.equal(auth.roles.length, 0);
});

test("a broken record is repaired; data from the API server carries the record beside it", () => {
  const broken = MANIFEST.replace("  namespace: kube-system\n", "  namespace: kube-system\n  annotations:\n    aws-auth/managers: nonsense\n");
  const auth = AwsAuth.parse(broken);
  const r = auth.apply("team", { roles: [role("ci")] });
  assert.match(r.repaired, /unreadable/);
  assert.deepEqual(auth.validate(), []);
  const live = AwsAuth.fromData(auth.data(), auth.ownershipRecord());
  assert.deepEqual(live.managers(), ["team"]);
  live.release("team");
  assert.equal(live.ownershipRecord(), undefined);
  assert.ok(!live.data().mapRoles.includes("role/ci"));
});

test("bad arguments throw invalid-argument", () => {
  const auth = AwsAuth.parse(MANIFEST);
  for (const bad of [
    () => auth.apply("", { roles: [] }),
    () => auth.apply("x", { roles: [{ rolearn: "arn:aws:iam::111122223333:role/a" }] }),
    () => auth.apply("x", { roles: [{ userarn: "arn:aws:iam::111122223333:user/a", username: "a" }] }),
    () => auth.apply("x", { roles: [role("a"), role("a")] }),
    () => auth.apply("x", { groups: [] }),
    () => auth.apply("x", null),
    () => auth.apply(5, {}),
  ]) {
    assert.throws(bad, owned("invalid-argument"));
  }
  assert.equal(auth.toString(), MANIFEST);
});

// A small deterministic generator (mulberry32): AWS_AUTH_OWNERSHIP_SEED replays a run.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("property: apply A, apply B, hand edits, release A leave B's and unowned entries as they were", () => {
  const seed = Number(process.env.AWS_AUTH_OWNERSHIP_SEED ?? Date.now() % 100000);
  const rand = rng(seed);
  const pick = (n) => Math.floor(rand() * n);
  let checked = 0;
  for (let run = 0; run < 150; run++) {
    const auth = AwsAuth.parse(MANIFEST);
    // Disjoint names per manager; random groups; sometimes a hand edit in between.
    const desire = (m) => ({ roles: Array.from({ length: 1 + pick(4) }, (_, i) => role(`${m}-${i}`, pick(2) ? ["a"] : ["a", "b"])) });
    const a = desire("a");
    const b = desire("b");
    auth.apply("A", a);
    if (pick(2)) auth.upsertRole(role(`hand-${run}`, ["viewers"]));
    auth.apply("B", b);
    if (pick(2)) auth.apply("A", desire("a"));
    const snapshot = (x) => x.roles.filter((r) => r.manager !== "A").map((r) => JSON.stringify(r));
    const before = snapshot(auth);
    auth.release("A");
    assert.deepEqual(snapshot(auth), before, `seed ${seed} run ${run}`);
    assert.ok(!auth.roles.some((r) => r.rolearn.includes("role/a-")), `seed ${seed} run ${run}: A's entries gone`);
    assert.deepEqual(auth.managers(), ["B"]);
    // Releasing B as well leaves the hand-written text where it was.
    auth.release("B");
    assert.ok(auth.toString().startsWith(MANIFEST.slice(0, MANIFEST.indexOf("    - rolearn: arn:aws:iam::111122223333:role/nodes"))), `seed ${seed} run ${run}`);
    checked++;
  }
  assert.equal(checked, 150, `seed ${seed}`);
});
