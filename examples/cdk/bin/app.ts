#!/usr/bin/env node
// cdk.json: "app": "node dist/bin/app.js". Context: clusterName, kubectlRoleArn, manifest (a file).
import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { AwsAuthStack } from "../lib/aws-auth-stack";

const app = new App();
const ctx = (key: string, fallback: string): string => String(app.node.tryGetContext(key) ?? fallback);
new AwsAuthStack(app, "AwsAuth", {
  clusterName: ctx("clusterName", "prod"),
  kubectlRoleArn: ctx("kubectlRoleArn", "arn:aws:iam::921483785411:role/eks-kubectl"),
  existingManifest: readFileSync(ctx("manifest", `${__dirname}/../../../../testing/fixtures/manifests/10-json-manifest-json-array-strings.json`), "utf8"),
  nodeRoleArn: ctx("nodeRoleArn", "arn:aws:iam::921483785411:role/extra-node-group"),
  adminUserArn: ctx("adminUserArn", "arn:aws:iam::921483785411:user/ada"),
  adminUsername: ctx("adminUsername", "ada"),
});
app.synth();
