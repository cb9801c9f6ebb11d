import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsAuthStack, type AwsAuthStackProps } from "../lib/aws-auth-stack";

const props: AwsAuthStackProps = {
  env: { account: "777788889999", region: "eu-west-1" },
  clusterName: "prod",
  kubectlRoleArn: "arn:aws:iam::777788889999:role/eks-kubectl",
  nodeRoleArn: "arn:aws:iam::777788889999:role/extra-node-group",
  adminUserArn: "arn:aws:iam::777788889999:user/ada",
  adminUsername: "ada",
};

function synth(p: AwsAuthStackProps, id = "AwsAuth") {
  const outdir = mkdtempSync(path.join(os.tmpdir(), "aws-auth-cdk-"));
  const app = new App({ outdir });
  const stack = new AwsAuthStack(app, id, p);
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template as Record<string, unknown>);
  return { outdir, stack, template };
}

test("the construct: a custom resource with the manager, the desired entries, the kubectl role", () => {
  const { template, stack } = synth(props);
  assert.equal(stack.entries.manager, "cdk:AwsAuth/Team");
  const resources = template.findResources("Custom::AwsAuthEntries");
  const ids = Object.keys(resources);
  assert.equal(ids.length, 1);
  const p = resources[ids[0]!]!.Properties;
  assert.equal(p.Manager, "cdk:AwsAuth/Team");
  assert.equal(p.ClusterName, "prod");
  assert.equal(p.RoleArn, props.kubectlRoleArn);
  assert.equal(p.Endpoint, undefined, "imported without an endpoint: DescribeCluster at deploy time");
  assert.deepEqual(JSON.parse(p.Desired as string), {
    roles: [{ rolearn: props.nodeRoleArn, username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:bootstrappers", "system:nodes"] }],
    users: [{ userarn: props.adminUserArn, username: "ada", groups: ["system:masters"] }],
    accounts: [],
  });
  template.hasResourceProperties("AWS::Lambda::Function", { Handler: "cdk/handler.onEvent", Runtime: Match.stringLikeRegexp("^nodejs[0-9]+\\.x$") });
  const policies = JSON.stringify(template.findResources("AWS::IAM::Policy"));
  assert.match(policies, /sts:AssumeRole/);
  assert.match(policies, /eks:DescribeCluster/);
});

test("with the endpoint and CA given, no DescribeCluster", () => {
  const { template } = synth({ ...props, clusterEndpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com", clusterCertificateAuthorityData: "LS0tLS1C" }, "WithEndpoint");
  const p = Object.values(template.findResources("Custom::AwsAuthEntries"))[0]!.Properties;
  assert.equal(p.Endpoint, "https://ABC.gr7.eu-west-1.eks.amazonaws.com");
  assert.doesNotMatch(JSON.stringify(template.findResources("AWS::IAM::Policy")), /eks:DescribeCluster/);
});

test("the Lambda asset: the handler and the wasm, self-contained, at most 1 MiB zipped", () => {
  const { outdir, template } = synth(props);
  const fn = Object.values(template.findResources("AWS::Lambda::Function")).find((r) => r.Properties.Handler === "cdk/handler.onEvent")!;
  const key = String(fn.Properties.Code.S3Key);
  const asset = path.join(outdir, `asset.${key.replace(/\.zip$/, "")}`);
  assert.ok(existsSync(path.join(asset, "cdk", "handler.js")), asset);
  assert.ok(existsSync(path.join(asset, "wasm", "aws_auth_wasm_bg.wasm")));
  assert.ok(!existsSync(path.join(asset, "cdk", "index.js")), "the construct (aws-cdk-lib) is not in the asset");
  // The handler loads from the asset alone (no node_modules), as in Lambda.
  const out = execFileSync(process.execPath, ["-e", `const h = require(${JSON.stringify(path.join(asset, "cdk", "handler.js"))}); const { AwsAuth } = require(${JSON.stringify(path.join(asset, "index.js"))}); console.log(typeof h.onEvent, AwsAuth.fromData({}).apply("m", { accounts: ["111122223333"] }).changed)`], { encoding: "utf8", cwd: os.tmpdir() });
  assert.equal(out.trim(), "function true");
  const zip = path.join(outdir, "asset.zip");
  execFileSync("python3", ["-c", "import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[2],'w',zipfile.ZIP_DEFLATED,compresslevel=9)\nfor d,_,fs in os.walk(sys.argv[1]):\n  [z.write(os.path.join(d,f),os.path.relpath(os.path.join(d,f),sys.argv[1])) for f in fs]\nz.close()", asset, zip]);
  const size = readFileSync(zip).length;
  console.log(`Lambda asset: ${size} bytes zipped`);
  assert.ok(size <= 1024 * 1024, `${size} bytes`);
});
