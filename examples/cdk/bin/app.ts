#!/usr/bin/env node
// cdk.json: "app": "node dist/bin/app.js". Context: clusterName, kubectlRoleArn, nodeRoleArn,
// adminUserArn, adminUsername (defaults are placeholders for a synth); for the AccessEntries
// stack, manifest (default ../aws-auth.yaml) and rolePaths (an `aws iam list-roles` JSON file).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { App } from "aws-cdk-lib";
import { AccessEntriesStack } from "../lib/access-entries-stack";
import { AwsAuthStack } from "../lib/aws-auth-stack";

const app = new App();
const ctx = (key: string, fallback: string): string => String(app.node.tryGetContext(key) ?? fallback);
new AwsAuthStack(app, "AwsAuth", {
  env: { account: ctx("account", "777788889999"), region: ctx("region", "eu-west-1") },
  clusterName: ctx("clusterName", "prod"),
  kubectlRoleArn: ctx("kubectlRoleArn", "arn:aws:iam::777788889999:role/eks-kubectl"),
  nodeRoleArn: ctx("nodeRoleArn", "arn:aws:iam::777788889999:role/extra-node-group"),
  adminUserArn: ctx("adminUserArn", "arn:aws:iam::777788889999:user/ada"),
  adminUsername: ctx("adminUsername", "ada"),
});
const rolePaths = app.node.tryGetContext("rolePaths") as string | undefined;
const access = new AccessEntriesStack(app, "AccessEntries", {
  env: { account: ctx("account", "777788889999"), region: ctx("region", "eu-west-1") },
  clusterName: ctx("clusterName", "prod"),
  manifest: readFileSync(ctx("manifest", path.join(__dirname, "..", "..", "..", "aws-auth.yaml")), "utf8"),
  ...(rolePaths ? { rolePaths: readFileSync(rolePaths, "utf8") } : {}),
});
// What the access entries do not carry over, for the person deploying to act on.
for (const item of access.entries.notCreated) {
  const why =
    item.outcome === "notMigratable"
      ? `${item.reason}: ${item.message}`
      : item.outcome === "dead"
        ? `dead (${item.kind}): ${item.message}`
        : `an access entry exists already (${item.outcome})`;
  console.error(`not migrated: ${item.source.key}[${item.source.index}] ${item.source.arn ?? ""}: ${why}`);
}
app.synth();
