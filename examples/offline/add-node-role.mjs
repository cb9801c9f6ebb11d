#!/usr/bin/env node
// Reads an aws-auth manifest (YAML or JSON) on stdin, adds a node role, writes the manifest to
// stdout with everything else byte-for-byte as it was. What it did goes to stderr.
//
//   kubectl get configmap aws-auth -n kube-system -o yaml \
//     | node add-node-role.mjs arn:aws:iam::111122223333:role/nodes > aws-auth.yaml
import { AwsAuth, AwsAuthError } from "aws-auth";

const [rolearn] = process.argv.slice(2);
if (!rolearn) {
  process.stderr.write("usage: add-node-role.mjs ROLE_ARN < manifest > manifest\n");
  process.exit(2);
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = Buffer.concat(chunks).toString("utf8");

try {
  const auth = AwsAuth.parse(input);
  const result = auth.upsertRole(
    { rolearn, username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:bootstrappers", "system:nodes"] },
    { append: true },
  );
  process.stderr.write(`${result.action} ${result.subjects.join(", ")}${result.note ? ` (${result.note})` : ""}\n`);
  process.stdout.write(auth.toString());
} catch (err) {
  if (err instanceof AwsAuthError) {
    process.stderr.write(`error[${err.code}]: ${err.message}\n`);
    for (const d of err.diagnostics) process.stderr.write(`  ${d.severity}[${d.code}] ${d.message}\n`);
    process.exit(1);
  }
  throw err;
}
