// The program: `pulumi up` with config `existingManifest` (a file) or, without it, the live
// ConfigMap read from the cluster.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { awsAuthPatch } from "./awsAuthPatch";

const config = new pulumi.Config();
const file = config.get("existingManifest");
const existing = file
  ? readFileSync(file, "utf8")
  : k8s.core.v1.ConfigMap.get("aws-auth-live", "kube-system/aws-auth").data;

export const patch = awsAuthPatch("aws-auth", {
  existing,
  roles: [
    {
      rolearn: config.get("nodeRoleArn") ?? "arn:aws:iam::777788889999:role/extra-node-group",
      username: "system:node:{{EC2PrivateDNSName}}",
      groups: ["system:bootstrappers", "system:nodes"],
    },
  ],
  users: [{ userarn: config.get("adminUserArn") ?? "arn:aws:iam::777788889999:user/ada", username: "ada", groups: ["system:masters"] }],
});
export const data = patch.data;
