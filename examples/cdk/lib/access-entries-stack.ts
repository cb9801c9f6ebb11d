import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { AwsAuth, type AccessEntriesPlan } from "aws-auth";
import { PlannedAccessEntries } from "aws-auth/cdk";

export interface AccessEntriesStackProps extends StackProps {
  /** The cluster to give the access entries. */
  readonly clusterName: string;
  /** Today's aws-auth ConfigMap (`kubectl get -n kube-system configmap aws-auth -o yaml`). */
  readonly manifest: string;
  /** `aws iam list-roles` output, to restore the paths of role ARNs (aws-auth cannot hold them). */
  readonly rolePaths?: string;
  /** `aws eks describe-access-entry` output for the entries the cluster has already. */
  readonly existing?: string;
}

/**
 * Leaving aws-auth: the EKS access entries that give everyone the access aws-auth gives them
 * today, planned from the ConfigMap. Mappings that cannot be migrated are not created; the
 * stack keeps them in `notMigrated` (bin/app.ts prints them) and the plan's verdict says
 * whether the cluster can switch to API mode.
 */
export class AccessEntriesStack extends Stack {
  readonly plan: AccessEntriesPlan;
  readonly entries: PlannedAccessEntries;

  constructor(scope: Construct, id: string, props: AccessEntriesStackProps) {
    super(scope, id, props);
    const auth = AwsAuth.parse(props.manifest);
    this.plan = auth.planAccessEntries({
      ...(props.rolePaths !== undefined ? { rolePaths: props.rolePaths } : {}),
      ...(props.existing !== undefined ? { existing: props.existing } : {}),
    });
    auth.free();
    this.entries = new PlannedAccessEntries(this, "AccessEntries", { clusterName: props.clusterName, plan: this.plan });
  }
}
