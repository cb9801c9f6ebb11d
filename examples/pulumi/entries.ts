// The deploy-time program: `AwsAuthEntries` (aws-auth/pulumi) owns a node role and an admin
// user in the live aws-auth ConfigMap of the cluster the kubeconfig names (config
// `kubeconfig`, the same text a kubernetes.Provider takes). Entries that others wrote are
// never touched; `pulumi destroy` removes exactly these two.
import * as pulumi from "@pulumi/pulumi";
import { AwsAuthEntries } from "aws-auth/pulumi";

const config = new pulumi.Config();

export const entries = new AwsAuthEntries("team", {
  kubeconfig: config.getSecret("kubeconfig") ?? "{}",
  roles: [
    {
      rolearn: config.get("nodeRoleArn") ?? "arn:aws:iam::777788889999:role/extra-node-group",
      username: "system:node:{{EC2PrivateDNSName}}",
      groups: ["system:bootstrappers", "system:nodes"],
    },
  ],
  users: [{ userarn: config.get("adminUserArn") ?? "arn:aws:iam::777788889999:user/ada", username: "ada", groups: ["system:masters"] }],
});
export const manager = entries.manager;
