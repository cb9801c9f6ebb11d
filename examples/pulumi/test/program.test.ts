import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AwsAuth } from "aws-auth";

const existingText = readFileSync(path.join(__dirname, "..", "..", "..", "..", "testing", "fixtures", "manifests", "13-cdk-cluster-username-is-arn-mapaccounts-quoted.yaml"), "utf8");
const created: { type: string; name: string; inputs: Record<string, unknown> }[] = [];

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        created.push({ type: args.type, name: args.name, inputs: args.inputs });
        // `ConfigMap.get` of the live aws-auth: answer with the fixture's data.
        if (args.type === "kubernetes:core/v1:ConfigMap" && args.id) {
          return { id: args.id, state: { metadata: { name: "aws-auth", namespace: "kube-system" }, data: AwsAuth.parse(existingText).data() } };
        }
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    "aws-auth-example",
    "test",
    false,
  );
});

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

const NODE = "arn:aws:iam::610739101347:role/extra-node-group";

test("the program patches aws-auth keeping every existing entry", async () => {
  const program = await import("../index.js");
  const data = (await valueOf(program.data)) as Record<string, string>;
  const patch = created.find((r) => r.type === "kubernetes:core/v1:ConfigMapPatch");
  assert.ok(patch, `resources: ${created.map((r) => r.type).join(", ")}`);
  const metadata = patch.inputs.metadata as { name: string; namespace: string; annotations: Record<string, string> };
  assert.equal(metadata.name, "aws-auth");
  assert.equal(metadata.namespace, "kube-system");
  assert.equal(metadata.annotations["pulumi.com/patchForce"], "true");

  const before = AwsAuth.parse(existingText);
  const after = AwsAuth.parse(JSON.stringify(data));
  assert.deepEqual(after.roles.slice(0, before.roles.length), before.roles);
  assert.deepEqual(after.users.slice(0, before.users.length), before.users);
  assert.deepEqual(after.accounts, before.accounts);
  assert.equal(after.roles.at(-1)?.rolearn, NODE);
  assert.equal(after.users.at(-1)?.userarn, "arn:aws:iam::610739101347:user/ada");
  // Existing text is kept byte-for-byte: the new data strings extend the old ones.
  const old = before.data();
  assert.ok(data.mapRoles!.startsWith(old.mapRoles!));
  assert.equal(data.mapAccounts, old.mapAccounts);
});

test("awsAuthPatch from a manifest text", async () => {
  const { awsAuthPatch } = await import("../awsAuthPatch.js");
  const patch = awsAuthPatch("from-text", { existing: existingText, roles: [{ rolearn: NODE, username: "n", groups: ["g"] }] });
  const data = (await valueOf(patch.data)) as Record<string, string>;
  assert.equal(AwsAuth.parse(JSON.stringify(data)).roles.length, 3);
});
