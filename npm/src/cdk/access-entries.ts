/**
 * `PlannedAccessEntries`: an access-entries plan ({@link AwsAuth.planAccessEntries}) as
 * `AWS::EKS::AccessEntry` resources, one per mapping to migrate, each with its access policies.
 *
 * ```ts
 * import { AwsAuth } from "aws-auth";
 * import { PlannedAccessEntries } from "aws-auth/cdk";
 * const plan = AwsAuth.parse(manifestText).planAccessEntries({ rolePaths: listRolesJson });
 * const entries = new PlannedAccessEntries(this, "AccessEntries", { clusterName: cluster.clusterName, plan });
 * for (const item of entries.notCreated) console.warn(`${item.source.key}[${item.source.index}]: ${item.outcome}`);
 * ```
 */
import * as eks from "aws-cdk-lib/aws-eks";
import { Construct } from "constructs";
import type { AccessEntriesPlan, AccessEntry, PlanItem } from "../index.js";

export interface PlannedAccessEntriesProps {
  /** The plan, as `planAccessEntries` returns it. */
  readonly plan: AccessEntriesPlan;
  /** The EKS cluster's name: a string, or a token such as `cluster.clusterName`. */
  readonly clusterName: string;
  /** Tags for every access entry. */
  readonly tags?: Record<string, string>;
}

/** The resource properties of one planned entry (CloudFormation's `AWS::EKS::AccessEntry`). */
export function accessEntryProps(entry: AccessEntry, clusterName: string, tags?: Record<string, string>): eks.CfnAccessEntryProps {
  const props: { -readonly [K in keyof eks.CfnAccessEntryProps]: eks.CfnAccessEntryProps[K] } = {
    clusterName,
    principalArn: entry.principalArn,
    type: entry.type,
  };
  if (entry.username !== undefined) props.username = entry.username;
  if (entry.kubernetesGroups?.length) props.kubernetesGroups = [...entry.kubernetesGroups];
  if (entry.accessPolicies?.length) {
    props.accessPolicies = entry.accessPolicies.map((p) => ({
      policyArn: p.policyArn,
      accessScope: {
        type: p.accessScope.type,
        ...(p.accessScope.namespaces?.length ? { namespaces: [...p.accessScope.namespaces] } : {}),
      },
    }));
  }
  if (tags && Object.keys(tags).length > 0) {
    props.tags = Object.entries(tags).map(([key, value]) => ({ key, value }));
  }
  return props;
}

/**
 * The plan's `migrate` entries as `eks.CfnAccessEntry` resources. Only `migrate` items become
 * resources: a `covered` or `conflicts` mapping already has an access entry (EKS allows one per
 * principal, so creating it again fails; a conflicting one must be updated where it is
 * managed), and `notMigratable` and `dead` mappings have none. Those items are in
 * {@link PlannedAccessEntries.notCreated}, and whether the cluster can switch to `API` mode is
 * the plan's `verdict`.
 *
 * Each resource's construct id is its principal ARN, so that its logical ID stays the same when
 * mappings are added or reordered: a new logical ID would make CloudFormation create the entry
 * before deleting the old one, which EKS refuses for the same principal.
 */
export class PlannedAccessEntries extends Construct {
  /** The access entries created, in plan order. */
  readonly entries: eks.CfnAccessEntry[] = [];
  /** The plan items that are not turned into resources, in plan order, each with its outcome and reason. */
  readonly notCreated: PlanItem[] = [];

  constructor(scope: Construct, id: string, props: PlannedAccessEntriesProps) {
    super(scope, id);
    const items = props.plan?.items;
    if (!Array.isArray(items)) throw new Error("aws-auth: PlannedAccessEntries needs the plan that planAccessEntries returns");
    for (const item of items) {
      if (item.outcome !== "migrate") {
        this.notCreated.push(item);
        continue;
      }
      const entry = new eks.CfnAccessEntry(this, item.entry.principalArn, accessEntryProps(item.entry, props.clusterName, props.tags));
      this.entries.push(entry);
    }
  }
}
