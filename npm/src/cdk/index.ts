/**
 * `aws-auth/cdk`: the `AwsAuthEntries` construct. It edits the live aws-auth ConfigMap at
 * deploy time, through a CloudFormation custom resource whose Lambda (code and wasm shipped in
 * this package) applies the construct's entries as the manager `cdk:<stack>/<construct path>`
 * on Create/Update and releases them on Delete (contract §5): entries that others wrote stay.
 *
 * ```ts
 * import { AwsAuthEntries } from "aws-auth/cdk";
 * new AwsAuthEntries(this, "Team", {
 *   cluster,
 *   roles: [{ rolearn: ciRole.roleArn, username: "ci", groups: ["deployers"] }],
 * });
 * ```
 *
 * Also `PlannedAccessEntries`: the EKS access entries of an access-entries plan, to leave
 * aws-auth (see `access-entries.ts`).
 */
import * as path from "node:path";
import { CustomResource, Duration, Stack } from "aws-cdk-lib";
import type * as ec2 from "aws-cdk-lib/aws-ec2";
import type * as eks from "aws-cdk-lib/aws-eks";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as cr from "aws-cdk-lib/custom-resources";
import { Construct } from "constructs";

export { PlannedAccessEntries, accessEntryProps, type PlannedAccessEntriesProps } from "./access-entries.js";

/** A `mapRoles` entry the construct owns. */
export interface RoleEntry {
  readonly rolearn: string;
  readonly username: string;
  readonly groups?: string[];
}

/** A `mapUsers` entry the construct owns. */
export interface UserEntry {
  readonly userarn: string;
  readonly username: string;
  readonly groups?: string[];
}

export interface AwsAuthEntriesProps {
  /** The cluster, created (`eks.Cluster`) or imported (`eks.Cluster.fromClusterAttributes`). */
  readonly cluster: eks.ICluster;
  readonly roles?: RoleEntry[];
  readonly users?: UserEntry[];
  /** Account IDs for `mapAccounts`. */
  readonly accounts?: string[];
  /**
   * The role the Lambda assumes to make its EKS token: it must be mapped to `system:masters`
   * (or to a group that may get and update the ConfigMap). Default: the cluster's kubectl role
   * (`cluster.kubectlRole`, the cluster creator for an `eks.Cluster`); when the cluster has
   * none, the Lambda's own role is used and must be mapped (see the README).
   */
  readonly role?: iam.IRole;
  /** The VPC to run in when the endpoint is private; default: the cluster's kubectl VPC settings. */
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** Take entries another manager owns, or that nobody manages and differ. Default false. */
  readonly takeOver?: boolean;
  /** Allow taking away the last `system:masters` grant. Default false. */
  readonly allowLockout?: boolean;
}

function tryGet<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** Entries of the aws-auth ConfigMap owned by this construct; see the module docs. */
export class AwsAuthEntries extends Construct {
  /** The manager name in the ConfigMap's ownership record. */
  readonly manager: string;
  /** The Lambda that edits the ConfigMap. */
  readonly handler: lambda.Function;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: AwsAuthEntriesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const relative = this.node.path.split("/").slice(stack.node.path.split("/").length).join("/");
    this.manager = `cdk:${stack.stackName}/${relative}`;

    const cluster = props.cluster;
    const role = props.role ?? cluster.kubectlRole;
    const endpoint = tryGet(() => cluster.clusterEndpoint);
    const ca = tryGet(() => cluster.clusterCertificateAuthorityData);
    const privateSubnets = tryGet(() => cluster.kubectlPrivateSubnets);
    const vpc = props.vpc ?? (privateSubnets ? tryGet(() => cluster.vpc) : undefined);
    const securityGroups =
      props.securityGroups ?? (props.vpc ? undefined : tryGet(() => cluster.kubectlSecurityGroup) ? [cluster.kubectlSecurityGroup!] : undefined);

    this.handler = new lambda.Function(this, "Handler", {
      // The newest Node.js runtime this aws-cdk-lib knows in the region (as its own provider framework).
      runtime: lambda.determineLatestNodeRuntime(this),
      handler: "cdk/handler.onEvent",
      // dist/ of this package: the handler, the wasm, nothing from aws-cdk-lib.
      code: lambda.Code.fromAsset(path.join(__dirname, ".."), {
        exclude: ["*.d.ts", "*.d.mts", "*.mjs", "cdk/index.js", "cdk/access-entries.js", "pulumi", "pulumi/*"],
      }),
      memorySize: 256,
      timeout: Duration.minutes(2),
      description: `aws-auth entries of ${this.manager}`,
      ...(vpc ? { vpc } : {}),
      ...(props.vpcSubnets ? { vpcSubnets: props.vpcSubnets } : privateSubnets && vpc ? { vpcSubnets: { subnets: privateSubnets } } : {}),
      ...(securityGroups && vpc ? { securityGroups } : {}),
    });
    if (role) {
      this.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ["sts:AssumeRole"], resources: [role.roleArn] }));
    }
    if (!endpoint || !ca) {
      this.handler.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ["eks:DescribeCluster"],
          resources: [stack.formatArn({ service: "eks", resource: "cluster", resourceName: cluster.clusterName })],
        }),
      );
    }

    const provider = new cr.Provider(this, "Provider", { onEventHandler: this.handler });
    this.resource = new CustomResource(this, "Resource", {
      serviceToken: provider.serviceToken,
      resourceType: "Custom::AwsAuthEntries",
      properties: {
        Manager: this.manager,
        ClusterName: cluster.clusterName,
        Region: stack.region,
        ...(endpoint ? { Endpoint: endpoint } : {}),
        ...(ca ? { CertificateAuthorityData: ca } : {}),
        ...(role ? { RoleArn: role.roleArn } : {}),
        Desired: stack.toJsonString({ roles: props.roles ?? [], users: props.users ?? [], accounts: props.accounts ?? [] }),
        TakeOver: String(props.takeOver ?? false),
        AllowLockout: String(props.allowLockout ?? false),
      },
    });
  }
}
