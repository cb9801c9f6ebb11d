// Runs against the packed package installed in a temporary project (see scripts/test.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import AwsAuthDefault, { AwsAuth, AwsAuthError } from "aws-auth";

const fixture = (name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const CDK_JSON = fixture("json-manifest-json-array-strings.json");
const CDK_YAML = fixture("cdk-username-is-arn-mapaccounts-quoted.yaml");
const NODE = {
  rolearn: "arn:aws:iam::111122223333:role/nodes",
  username: "system:node:{{EC2PrivateDNSName}}",
  groups: ["system:bootstrappers", "system:nodes"],
};
const ADMIN = { userarn: "arn:aws:iam::111122223333:user/ada", username: "ada", groups: ["system:masters"] };

const COMMENTED = `# managed by hand
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    # the admins
    - rolearn: arn:aws:iam::111122223333:role/admin   # break-glass
      username: admin
      groups:
        - system:masters
    - rolearn: arn:aws:iam::111122223333:role/old
      username: old
      groups: [viewers]
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/bob
      username: bob
      groups:
        - viewers
`;

test("the default export is the class", () => {
  assert.equal(AwsAuthDefault, AwsAuth);
});

test("parse + toString is byte-identical (YAML and CDK JSON)", () => {
  for (const text of [CDK_JSON, CDK_YAML, COMMENTED]) {
    assert.equal(AwsAuth.parse(text).toString(), text);
  }
});

test("getters return typed plain objects", () => {
  const auth = AwsAuth.parse(CDK_YAML);
  assert.equal(auth.roles.length, 2);
  assert.deepEqual(auth.roles[1], {
    rolearn: "arn:aws:iam::777788889999:role/PaymentsEksStack-WorkersNodegroupRole5E1B2A77-K3DV8M0T1QYE",
    username: "system:node:{{EC2PrivateDNSName}}",
    groups: ["system:bootstrappers", "system:nodes"],
  });
  assert.deepEqual(auth.users, [
    { userarn: "arn:aws:iam::777788889999:user/payments-release", username: "payments-release", groups: ["system:masters"] },
  ]);
  assert.deepEqual(auth.accounts, []);
  assert.equal(Object.getPrototypeOf(auth.roles[0]), Object.prototype);
});

test("upsertRole: added, unchanged, updated, append, updateUsername", () => {
  const auth = AwsAuth.parse(COMMENTED);
  assert.deepEqual(auth.upsertRole(NODE), {
    action: "added",
    count: 1,
    subjects: [NODE.rolearn],
    changes: [{ action: "added", key: "mapRoles", subject: NODE.rolearn }],
  });
  assert.equal(auth.upsertRole(NODE).action, "unchanged");
  assert.equal(auth.upsertRole(NODE).count, 0);
  const r = auth.upsertRole({ rolearn: NODE.rolearn, groups: ["extra"] }, { append: true });
  assert.equal(r.action, "updated");
  assert.equal(r.count, 1);
  assert.deepEqual(auth.roles.at(-1).groups, ["system:bootstrappers", "system:nodes", "extra"]);
  auth.upsertRole({ rolearn: NODE.rolearn, username: "other", groups: ["g"] }, { updateUsername: false });
  assert.equal(auth.roles.at(-1).username, NODE.username);
  assert.deepEqual(auth.roles.at(-1).groups, ["g"]);
});

// Issue 19: the CLI refuses an upsert without --username; npm used to add an entry with no
// username key for a new ARN (flagged by its own validate()).
test("an upsert without a username never adds an entry, and keeps an existing username", () => {
  for (const username of [undefined, null, "", "  "]) {
    const auth = AwsAuth.parse(COMMENTED);
    const role = { rolearn: "arn:aws:iam::111122223333:role/new", username, groups: ["g"] };
    const user = { userarn: "arn:aws:iam::111122223333:user/new", username, groups: ["g"] };
    for (const call of [() => auth.upsertRole(role), () => auth.upsertUser(user), () => auth.upsertRole(role, { updateUsername: false })]) {
      assert.throws(call, (e) => e instanceof AwsAuthError && e.code === "invalid-argument" && /needs a username/.test(e.message));
      assert.equal(auth.toString(), COMMENTED, "a call that throws changes nothing");
    }
    assert.deepEqual(auth.validate().filter((d) => d.code === "empty-username"), []);
    const kept = auth.upsertRole({ rolearn: "arn:aws:iam::111122223333:role/old", username, groups: ["g"] });
    assert.equal(kept.action, "updated");
    assert.deepEqual(auth.roles[1], { rolearn: "arn:aws:iam::111122223333:role/old", username: "old", groups: ["g"] });
    const bob = auth.upsertUser({ userarn: "arn:aws:iam::111122223333:user/bob", username, groups: ["viewers"] });
    assert.equal(bob.action, "unchanged");
  }
});

test("upsertRole strips a role path and says so", () => {
  const auth = AwsAuth.parse(COMMENTED);
  const r = auth.upsertRole({ rolearn: "arn:aws:iam::111122223333:role/team/dev", username: "dev", groups: ["d"] });
  assert.equal(r.action, "added");
  assert.deepEqual(r.subjects, ["arn:aws:iam::111122223333:role/dev"]);
  assert.match(r.note, /path/);
});

test("lossless: untouched entries and comments are byte-identical", () => {
  const auth = AwsAuth.parse(COMMENTED);
  auth.upsertRole(NODE);
  auth.upsertUser(ADMIN);
  const out = auth.toString();
  const before = COMMENTED.split("  mapUsers: |\n")[0];
  assert.ok(out.startsWith(before), out);
  assert.ok(out.includes("    - rolearn: arn:aws:iam::111122223333:role/admin   # break-glass\n"));
  assert.ok(out.includes("    - userarn: arn:aws:iam::111122223333:user/bob\n      username: bob\n      groups:\n        - viewers\n"));
  assert.deepEqual(AwsAuth.parse(out).roles.map((r) => r.rolearn), [
    "arn:aws:iam::111122223333:role/admin",
    "arn:aws:iam::111122223333:role/old",
    NODE.rolearn,
  ]);
});

test("a CRLF manifest (a Windows checkout) is edited in CRLF and round-trips", () => {
  const crlf = COMMENTED.replaceAll("\n", "\r\n");
  const auth = AwsAuth.parse(crlf);
  assert.equal(auth.toString(), crlf);
  auth.upsertRole(NODE);
  const out = auth.toString();
  const lf = AwsAuth.parse(COMMENTED);
  lf.upsertRole(NODE);
  assert.equal(out, lf.toString().replaceAll("\n", "\r\n"));
  auth.removeRole({ rolearn: NODE.rolearn });
  assert.equal(auth.toString(), crlf);
});

test("an update that takes the last admin grant away needs allowLockout", () => {
  const auth = AwsAuth.parse(COMMENTED);
  const demote = { rolearn: "arn:aws:iam::111122223333:role/admin", username: "admin", groups: ["viewers"] };
  assert.throws(() => auth.upsertRole(demote), (e) => e instanceof AwsAuthError && e.code === "lockout");
  assert.equal(auth.toString(), COMMENTED);
  assert.equal(auth.upsertRole(demote, { allowLockout: true }).action, "updated");
});

test("a role ARN that is still an AWS CDK token is accepted with a note", () => {
  const auth = AwsAuth.parse(COMMENTED);
  const r = auth.upsertRole({ rolearn: "${Token[TOKEN.21]}", username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:nodes"] });
  assert.equal(r.action, "added");
  assert.match(r.note ?? "", /AWS CDK token/);
  assert.ok(auth.toString().includes("- rolearn: ${Token[TOKEN.21]}\n"));
});

test("upsertUser and removeUser", () => {
  const auth = AwsAuth.parse(COMMENTED);
  assert.equal(auth.upsertUser(ADMIN).action, "added");
  assert.equal(auth.upsertUser({ ...ADMIN, username: "ada2" }).action, "updated");
  assert.equal(auth.users.at(-1).username, "ada2");
  const r = auth.removeUser({ userarn: ADMIN.userarn });
  assert.deepEqual([r.action, r.count, r.subjects], ["removed", 1, [ADMIN.userarn]]);
  assert.equal(auth.toString(), COMMENTED);
});

test("removeRole: narrowed by username, nothing-matched, force", () => {
  const auth = AwsAuth.parse(COMMENTED);
  const old = "arn:aws:iam::111122223333:role/old";
  assert.throws(() => auth.removeRole({ rolearn: old, username: "someone-else" }), { name: "AwsAuthError", code: "nothing-matched" });
  assert.deepEqual(auth.removeRole({ rolearn: "arn:aws:iam::111122223333:role/none" }, { force: true }), {
    action: "unchanged",
    count: 0,
    subjects: [],
    changes: [],
  });
  const r = auth.removeRole({ rolearn: old, username: "old", groups: ["viewers"] });
  assert.equal(r.action, "removed");
  assert.equal(r.count, 1);
  assert.ok(!auth.toString().includes("role/old"));
  assert.ok(auth.toString().includes("# the admins\n"));
});

test("removing the last system:masters grant is a lockout unless allowed", () => {
  const auth = AwsAuth.parse(COMMENTED);
  const admin = { rolearn: "arn:aws:iam::111122223333:role/admin" };
  const err = assert.throws(() => auth.removeRole(admin), (e) => {
    assert.ok(e instanceof AwsAuthError);
    assert.ok(e instanceof Error);
    assert.equal(e.code, "lockout");
    assert.ok(Array.isArray(e.diagnostics));
    return true;
  });
  void err;
  assert.equal(auth.toString(), COMMENTED, "a failed edit changes nothing");
  assert.equal(auth.removeRole(admin, { allowLockout: true }).action, "removed");
});

test("removeByUsername removes roles and users", () => {
  const auth = AwsAuth.parse(COMMENTED);
  auth.upsertUser({ userarn: "arn:aws:iam::111122223333:user/old", username: "old", groups: ["viewers"] });
  const r = auth.removeByUsername("old");
  assert.equal(r.action, "removed");
  assert.equal(r.count, 2);
  assert.deepEqual(r.subjects, ["arn:aws:iam::111122223333:role/old", "arn:aws:iam::111122223333:user/old"]);
  assert.throws(() => auth.removeByUsername("old"), { code: "nothing-matched" });
  assert.equal(auth.removeByUsername("old", { force: true }).action, "unchanged");
  assert.throws(() => auth.removeByUsername(""), { code: "invalid-argument" });
});

test("addAccount / removeAccount", () => {
  const auth = AwsAuth.parse(CDK_YAML);
  assert.equal(auth.addAccount("111122223333").action, "added");
  assert.equal(auth.addAccount("111122223333").action, "unchanged");
  assert.deepEqual(auth.accounts, ["111122223333"]);
  assert.throws(() => auth.addAccount("12"), { code: "invalid-argument" });
  assert.equal(auth.removeAccount("111122223333").action, "removed");
  assert.deepEqual(auth.accounts, []);
  assert.throws(() => auth.removeAccount("111122223333"), { code: "nothing-matched" });
});

test("CDK JSON-style input keeps its JSON style", () => {
  const auth = AwsAuth.parse(CDK_JSON);
  assert.equal(auth.roles.length, 2);
  auth.upsertRole(NODE);
  auth.upsertUser(ADMIN);
  const out = auth.toString();
  const manifest = JSON.parse(out);
  const roles = JSON.parse(manifest.data.mapRoles);
  const users = JSON.parse(manifest.data.mapUsers);
  assert.equal(roles.length, 3);
  assert.deepEqual(roles[2], NODE);
  assert.deepEqual(users[1], ADMIN);
  const original = JSON.parse(JSON.parse(CDK_JSON).data.mapRoles);
  assert.deepEqual(roles.slice(0, 2), original);
  assert.ok(manifest.data.mapRoles.startsWith(JSON.parse(CDK_JSON).data.mapRoles.slice(0, -1)));
});

test("toManifest: a plain ConfigMap with the edited data", () => {
  const auth = AwsAuth.parse(CDK_JSON);
  auth.upsertRole(NODE);
  const m = auth.toManifest();
  assert.deepEqual(Object.keys(m), ["apiVersion", "kind", "metadata", "data"]);
  assert.deepEqual(m.metadata, { name: "aws-auth", namespace: "kube-system" });
  assert.deepEqual(Object.keys(m.data), ["mapRoles", "mapUsers"]);
  assert.equal(m.data.mapRoles, JSON.parse(auth.toString()).data.mapRoles);
  const bare = AwsAuth.parse("mapAccounts: |\n  - \"111122223333\"\n").toManifest();
  assert.deepEqual(bare.metadata, { name: "aws-auth", namespace: "kube-system" });
  assert.deepEqual(bare.data, { mapAccounts: "- \"111122223333\"\n" });
});

test("validate returns diagnostics with stable codes", () => {
  assert.deepEqual(AwsAuth.parse(COMMENTED).validate(), []);
  const broken = COMMENTED.replace("      groups: [viewers]\n", "      groups: [viewers\n");
  const auth = AwsAuth.parse(broken);
  const diags = auth.validate();
  assert.ok(diags.length > 0);
  assert.equal(diags[0].severity, "error");
  assert.equal(diags[0].key, "mapRoles");
  assert.equal(typeof diags[0].code, "string");
  assert.equal(typeof diags[0].line, "number");
  assert.throws(() => auth.upsertRole(NODE), { code: "key-not-editable" });
  assert.equal(auth.upsertUser(ADMIN).action, "added", "other keys stay editable");
});

test("bad input throws AwsAuthError with a code", () => {
  const cases = [
    ["key: [unclosed\n", "manifest-syntax"],
    ["apiVersion: v1\nkind: Secret\nmetadata:\n  name: aws-auth\n", "not-found"],
    ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n", "not-found"],
    ["x".repeat(10 * 1024 * 1024), "too-large"],
  ];
  for (const [text, code] of cases) {
    assert.throws(() => AwsAuth.parse(text), (e) => e instanceof AwsAuthError && e.code === code && e.message.length > 0, code);
  }
  for (const bad of [undefined, null, 42, {}]) {
    assert.throws(() => AwsAuth.parse(bad), { name: "AwsAuthError", code: "invalid-argument" });
  }
});

test("bad arguments throw invalid-argument, never a raw error", () => {
  const auth = AwsAuth.parse(COMMENTED);
  assert.throws(() => auth.upsertRole({ username: "x" }), { code: "invalid-argument" });
  assert.throws(() => auth.upsertRole({ rolearn: 42 }), { code: "invalid-argument" });
  assert.throws(() => auth.upsertRole(null), { code: "invalid-argument" });
  assert.throws(() => auth.upsertRole({ rolearn: "not-an-arn", username: "x" }), { code: "invalid-argument" });
  assert.throws(() => auth.upsertRole({ rolearn: NODE.rolearn, groups: "system:nodes" }), { code: "invalid-argument" });
  assert.throws(() => auth.upsertUser({ rolearn: NODE.rolearn }), { code: "invalid-argument" });
  assert.equal(auth.toString(), COMMENTED);
});
