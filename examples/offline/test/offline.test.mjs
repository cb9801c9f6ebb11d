import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../add-node-role.mjs", import.meta.url));
const run = (input, ...args) => spawnSync(process.execPath, [script, ...args], { input, encoding: "utf8" });

const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    # break-glass admin, keep
    - rolearn: arn:aws:iam::111122223333:role/admin
      username: admin
      groups:
        - system:masters
`;
const NODE = "arn:aws:iam::111122223333:role/nodes";

test("adds the node role and keeps the rest byte-for-byte", () => {
  const r = run(MANIFEST, NODE);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    MANIFEST +
      `    - rolearn: ${NODE}\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n`,
  );
  assert.equal(r.stderr, `added ${NODE}\n`);
});

test("running it twice changes nothing the second time", () => {
  const once = run(MANIFEST, NODE).stdout;
  const twice = run(once, NODE);
  assert.equal(twice.status, 0);
  assert.equal(twice.stdout, once);
  assert.equal(twice.stderr, `unchanged ${NODE}\n`);
});

test("bad input: exit 1 with the error code on stderr, nothing on stdout", () => {
  const r = run("kind: Secret\nmetadata:\n  name: aws-auth\n", NODE);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^error\[not-found\]/);
});

test("no argument: usage", () => {
  assert.equal(run(MANIFEST).status, 2);
});
