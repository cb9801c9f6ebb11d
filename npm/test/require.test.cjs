// The CommonJS entry of the packed package.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { readFileSync } = require("node:fs");
const path = require("node:path");
const { AwsAuth, AwsAuthError } = require("aws-auth");

test("require: parse, upsert, toString", () => {
  const text = readFileSync(path.join(__dirname, "fixtures", "cdk-username-is-arn-mapaccounts-quoted.yaml"), "utf8");
  const auth = AwsAuth.parse(text);
  assert.equal(auth.toString(), text);
  const r = auth.upsertRole({ rolearn: "arn:aws:iam::777788889999:role/ci", username: "ci", groups: ["ci"] });
  assert.equal(r.action, "added");
  assert.ok(auth.toString().startsWith(text.split("  mapUsers:")[0]));
  assert.equal(auth.roles.length, 3);
});

test("require and import give the same classes", async () => {
  const esm = await import("aws-auth");
  assert.equal(esm.AwsAuth, AwsAuth);
  assert.equal(esm.AwsAuthError, AwsAuthError);
});

test("require: errors are AwsAuthError", () => {
  assert.throws(() => AwsAuth.parse("{"), (e) => e instanceof AwsAuthError && e.code === "manifest-syntax");
});
