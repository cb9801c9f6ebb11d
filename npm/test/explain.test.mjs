// auth.explain through the packed package: the same answer as the CLI's `explain -o json`
// (the core's), checked on the cases users ask about most. Runs from scripts/test.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsAuth, AwsAuthError } from "aws-auth";

const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef
      username: admin
      groups: [system:masters]
    - rolearn: arn:aws:iam::111122223333:role/dev
      username: "dev:{{SessionName}}"
      groups: [view]
`;
const CALLERS = [
  "arn:aws:sts::111122223333:assumed-role/dev/ada@example.com",
  "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/bob",
  "arn:aws:iam::444455556666:role/dev",
  "not an arn",
];

test("a session of a mapped role gets the username filled from its session name", () => {
  const e = AwsAuth.parse(MANIFEST).explain(CALLERS[0]);
  assert.equal(e.granted, true);
  assert.equal(e.canonical.canonical, "arn:aws:iam::111122223333:role/dev");
  assert.equal(e.grant.key, "mapRoles");
  assert.equal(e.grant.index, 1);
  assert.equal(e.grant.username, "dev:ada-example.com");
  assert.deepEqual(e.grant.groups, ["view"]);
});

test("an SSO role pasted with its path is a near miss with a fix", () => {
  const e = AwsAuth.parse(MANIFEST).explain(CALLERS[1]);
  assert.equal(e.granted, false);
  const miss = e.nearMisses.find((m) => m.reason === "arn-path");
  assert.ok(miss, JSON.stringify(e));
  assert.equal(miss.index, 0);
  assert.match(miss.fix, /aws-auth/);
});

test("the same answers as the CLI's explain -o json", () => {
  // Never skipped: scripts/test.sh sets it; by hand, `cargo build -p aws-auth-cli` first.
  assert.ok(process.env.AWS_AUTH_CLI, "AWS_AUTH_CLI must name the aws-auth binary");
  const dir = mkdtempSync(join(tmpdir(), "aws-auth-explain-"));
  const file = join(dir, "aws-auth.yaml");
  writeFileSync(file, MANIFEST);
  const args = ["explain", "-f", file, "-o", "json", ...CALLERS.flatMap((c) => ["--caller", c])];
  let out;
  try {
    out = execFileSync(process.env.AWS_AUTH_CLI, args, { encoding: "utf8" });
  } catch (err) {
    out = err.stdout; // exit 1: a caller is not mapped
  }
  const cli = JSON.parse(out);
  const auth = AwsAuth.parse(MANIFEST);
  const strip = (v) => JSON.parse(JSON.stringify(v, (k, x) => (k === "fileLine" ? undefined : x)));
  assert.deepEqual(CALLERS.map((c) => auth.explain(c)), strip(cli));
});

test("a bad argument throws invalid-argument", () => {
  assert.throws(() => AwsAuth.parse(MANIFEST).explain(5), (e) => e instanceof AwsAuthError && e.code === "invalid-argument");
});
