// Parity: the shared corpus through the native core (crates/aws-auth-wasm/examples/parity.rs,
// run by scripts/test.sh into $AWS_AUTH_PARITY_JSON) and through this package must give
// identical errors, diagnostics, mappings, changes and byte-identical output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { AwsAuth, AwsAuthError } from "aws-auth";

const reference = process.env.AWS_AUTH_PARITY_JSON;
const corpus = process.env.AWS_AUTH_PARITY_DIR;

test("parity with the native core over the corpus", () => {
  // Never skipped: without the reference this test would pass while checking nothing.
  assert.ok(reference && corpus, "AWS_AUTH_PARITY_JSON and AWS_AUTH_PARITY_DIR are not set: run npm/scripts/test.sh, which writes the native reference");
  const expected = JSON.parse(readFileSync(reference, "utf8"));
  const names = Object.keys(expected);
  assert.ok(names.length > 0);
  for (const name of names) {
    const text = readFileSync(`${corpus}/${name}`, "utf8");
    assert.deepEqual(run(text), expected[name], name);
  }
});

function run(text) {
  let auth;
  try {
    auth = AwsAuth.parse(text);
  } catch (e) {
    assert.ok(e instanceof AwsAuthError);
    return { error: e.code };
  }
  const diagnostics = auth.validate();
  const mappings = { mapRoles: auth.roles, mapUsers: auth.users, mapAccounts: auth.accounts };
  let upsert;
  try {
    const r = auth.upsertRole({
      rolearn: "arn:aws:iam::111122223333:role/parity-nodes",
      username: "system:node:{{EC2PrivateDNSName}}",
      groups: ["system:bootstrappers", "system:nodes"],
    });
    upsert = { changes: r.changes };
  } catch (e) {
    assert.ok(e instanceof AwsAuthError);
    upsert = { error: e.code };
  }
  return { diagnostics, mappings, upsert, output: auth.toString() };
}
