import { Stack, type StackProps } from "aws-cdk-lib";
import * as eks from "aws-cdk-lib/aws-eks";
import type { Construct } from "constructs";
import { AwsAuthEntries } from "aws-auth/cdk";

export interface AwsAuthStackProps extends StackProps {
  /** The existing cluster. */
  readonly clusterName: string;
  /** A role mapped to system:masters in the cluster that the handler may assume for its token. */
  readonly kubectlRoleArn: string;
  /** The cluster's endpoint and CA; without them the handler calls DescribeCluster at deploy time. */
  readonly clusterEndpoint?: string;
  readonly clusterCertificateAuthorityData?: string;
  /** The node role to add. */
  readonly nodeRoleArn: string;
  /** The IAM user to make an administrator. */
  readonly adminUserArn: string;
  readonly adminUsername: string;
}

/**
 * Adds a node role and an admin user to an imported cluster's aws-auth ConfigMap at deploy
 * time. The stack owns exactly these two entries (manager `cdk:<stack>/Team`): entries others
 * added (eksctl, node groups, other stacks) are never touched, and deleting the stack removes
 * exactly these two.
 */
export class AwsAuthStack extends Stack {
  readonly entries: AwsAuthEntries;

  constructor(scope: Construct, id: string, props: AwsAuthStackProps) {
    super(scope, id, props);

    const cluster = eks.Cluster.fromClusterAttributes(this, "Cluster", {
      clusterName: props.clusterName,
      kubectlRoleArn: props.kubectlRoleArn,
      ...(props.clusterEndpoint ? { clusterEndpoint: props.clusterEndpoint } : {}),
      ...(props.clusterCertificateAuthorityData
        ? { clusterCertificateAuthorityData: props.clusterCertificateAuthorityData }
        : {}),
    });

    this.entries = new AwsAuthEntries(this, "Team", {
      cluster,
      roles: [
        {
          rolearn: props.nodeRoleArn,
          username: "system:node:{{EC2PrivateDNSName}}",
          groups: ["system:bootstrappers", "system:nodes"],
        },
      ],
      users: [{ userarn: props.adminUserArn, username: props.adminUsername, groups: ["system:masters"] }],
    });
  }
}
