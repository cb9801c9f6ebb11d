import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsAuth, AwsAuthError } from "aws-auth";
import { AwsAuthStack, type AwsAuthStackProps } from "../lib/aws-auth-stack";

const existing = readFileSync(path.join(__dirname, "..", "..", "..", "..", "testing", "fixtures", "manifests", "10-json-manifest-json-array-strings.json"), "utf8");
const props: AwsAuthStackProps = {
  clusterName: "prod",
  kubectlRoleArn: "arn:aws:iam::921483785411:role/eks-kubectl",
  existingManifest: existing,
  nodeRoleArn: "arn:aws:iam::921483785411:role/extra-node-group",
  adminUserArn: "arn:aws:iam::921483785411:user/ada",
  adminUsername: "ada",
};

function synthManifest(p: AwsAuthStackProps): Record<string, unknown>[] {
  const stack = new AwsAuthStack(new App(), "AwsAuth", p);
  const template = Template.fromStack(stack);
  const resources = template.findResources("Custom::AWSCDK-EKS-KubernetesResource");
  const ids = Object.keys(resources);
  assert.equal(ids.length, 1);
  const resource = resources[ids[0]!]!;
  assert.equal(resource.Properties.Overwrite, true);
  assert.equal(resource.Properties.ClusterName, "prod");
  assert.equal(resource.Properties.RoleArn, p.kubectlRoleArn);
  return JSON.parse(resource.Properties.Manifest as string) as Record<string, unknown>[];
}

test("the synthesized ConfigMap keeps every existing entry and adds the node role and the admin", () => {
  const [configMap] = synthManifest(props);
  const cm = configMap as { kind: string; metadata: { name: string; namespace: string }; data: Record<string, string> };
  assert.equal(cm.kind, "ConfigMap");
  assert.deepEqual(cm.metadata, { name: "aws-auth", namespace: "kube-system" });

  const before = AwsAuth.parse(existing);
  const after = AwsAuth.parse(JSON.stringify(cm));
  assert.deepEqual(after.roles.slice(0, before.roles.length), before.roles);
  assert.deepEqual(after.users.slice(0, before.users.length), before.users);
  assert.deepEqual(after.roles.at(-1), {
    rolearn: props.nodeRoleArn,
    username: "system:node:{{EC2PrivateDNSName}}",
    groups: ["system:bootstrappers", "system:nodes"],
  });
  assert.deepEqual(after.users.at(-1), { userarn: props.adminUserArn, username: "ada", groups: ["system:masters"] });
  assert.deepEqual(after.validate().filter((d) => d.severity === "error"), []);

  // The CDK JSON style of the data strings is kept: the old text is a prefix of the new.
  const old = JSON.parse(existing) as { data: Record<string, string> };
  assert.ok(cm.data.mapRoles!.startsWith(old.data.mapRoles!.slice(0, -1)));
  assert.ok(cm.data.mapUsers!.startsWith(old.data.mapUsers!.slice(0, -1)));
});

test("synth is idempotent when the entries are already there", () => {
  const auth = AwsAuth.parse(existing);
  auth.upsertRole({ rolearn: props.nodeRoleArn, username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:bootstrappers", "system:nodes"] });
  auth.upsertUser({ userarn: props.adminUserArn, username: "ada", groups: ["system:masters"] });
  const [again] = synthManifest({ ...props, existingManifest: auth.toString() });
  assert.deepEqual((again as { data: unknown }).data, auth.toManifest().data);
});

test("a bad existing manifest fails the synth with an AwsAuthError", () => {
  assert.throws(() => new AwsAuthStack(new App(), "Bad", { ...props, existingManifest: "kind: Secret\n" }), (e: unknown) => e instanceof AwsAuthError && e.code === "not-found");
});
