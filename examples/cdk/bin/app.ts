#!/usr/bin/env node
// cdk.json: "app": "node dist/bin/app.js". Context: clusterName, kubectlRoleArn, nodeRoleArn,
// adminUserArn, adminUsername (defaults are placeholders for a synth).
import { App } from "aws-cdk-lib";
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
app.synth();
