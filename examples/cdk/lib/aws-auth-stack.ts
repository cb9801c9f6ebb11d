import { Stack, type StackProps } from "aws-cdk-lib";
import * as eks from "aws-cdk-lib/aws-eks";
import type { Construct } from "constructs";
import { AwsAuth, type ConfigMapManifest } from "aws-auth";

export interface AwsAuthStackProps extends StackProps {
  /** The existing cluster. */
  readonly clusterName: string;
  /** A role in the cluster's aws-auth (or access entries) that kubectl may assume. */
  readonly kubectlRoleArn: string;
  /** The cluster's current aws-auth manifest (`kubectl get cm aws-auth -n kube-system -o json`). */
  readonly existingManifest: string;
  /** The node role to add. */
  readonly nodeRoleArn: string;
  /** The IAM user to make an administrator. */
  readonly adminUserArn: string;
  readonly adminUsername: string;
}

/**
 * Applies the cluster's existing aws-auth ConfigMap plus a node role and an admin user, on an
 * imported cluster. The edit is done with the `aws-auth` package: every existing entry stays as
 * it was, and an edit that would break the ConfigMap fails the synth instead of the cluster.
 */
export class AwsAuthStack extends Stack {
  /** The ConfigMap applied. */
  readonly configMap: ConfigMapManifest;

  constructor(scope: Construct, id: string, props: AwsAuthStackProps) {
    super(scope, id, props);

    const cluster = eks.Cluster.fromClusterAttributes(this, "Cluster", {
      clusterName: props.clusterName,
      kubectlRoleArn: props.kubectlRoleArn,
    });

    const auth = AwsAuth.parse(props.existingManifest);
    auth.upsertRole({
      rolearn: props.nodeRoleArn,
      username: "system:node:{{EC2PrivateDNSName}}",
      groups: ["system:bootstrappers", "system:nodes"],
    });
    auth.upsertUser({ userarn: props.adminUserArn, username: props.adminUsername, groups: ["system:masters"] });
    const errors = auth.validate().filter((d) => d.severity === "error");
    if (errors.length > 0) throw new Error(`aws-auth: ${errors.map((d) => d.message).join("; ")}`);

    this.configMap = auth.toManifest();
    new eks.KubernetesManifest(this, "AwsAuth", {
      cluster,
      manifest: [{ ...this.configMap }],
      // The ConfigMap exists already: apply over it instead of failing on create.
      overwrite: true,
      // Never let CDK prune (delete) aws-auth, nor label it for pruning.
      prune: false,
    });
  }
}
