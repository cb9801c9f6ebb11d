/**
 * `aws-auth/pulumi/access-entries`: an access-entries plan ({@link AwsAuth.planAccessEntries})
 * as `aws.eks.AccessEntry` and `aws.eks.AccessPolicyAssociation` resources. A module of its own
 * so that `aws-auth/pulumi` does not need `@pulumi/aws`.
 *
 * ```ts
 * import { AwsAuth } from "aws-auth";
 * import { PlannedAccessEntries } from "aws-auth/pulumi/access-entries";
 * const plan = AwsAuth.parse(manifestText).planAccessEntries({ rolePaths: listRolesJson });
 * const entries = new PlannedAccessEntries("access", { clusterName: cluster.name, plan });
 * for (const item of entries.notCreated) pulumi.log.warn(`${item.source.key}[${item.source.index}]: ${item.outcome}`);
 * ```
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AccessEntriesPlan, AccessPolicy, PlanItem } from "../index.js";

export interface PlannedAccessEntriesArgs {
  /** The plan, as `planAccessEntries` returns it. */
  plan: AccessEntriesPlan;
  /** The EKS cluster's name, e.g. `cluster.name`. */
  clusterName: pulumi.Input<string>;
  /** Tags for every access entry. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A resource name for a principal: its ARN without `arn:` and with `::` made `:` (a Pulumi URN
 * uses `::` as its separator). It depends on the principal alone, so that the resource keeps its
 * name when mappings are added or reordered: a renamed access entry would be replaced, and EKS
 * refuses to create the new one while the old one for the same principal exists.
 */
export function principalName(principalArn: string): string {
  return principalArn.replace(/^arn:/, "").replace(/::/g, ":");
}

/** The `accessScope` input of an association. */
function scope(p: AccessPolicy): aws.types.input.eks.AccessPolicyAssociationAccessScope {
  return {
    type: p.accessScope.type,
    ...(p.accessScope.namespaces?.length ? { namespaces: [...p.accessScope.namespaces] } : {}),
  };
}

/**
 * The plan's `migrate` entries: an `aws.eks.AccessEntry` each, and an
 * `aws.eks.AccessPolicyAssociation` per access policy. Only `migrate` items become resources: a
 * `covered` or `conflicts` mapping already has an access entry (EKS allows one per principal; a
 * conflicting one must be updated where it is managed), and `notMigratable` and `dead`
 * mappings have none. Those items are in {@link PlannedAccessEntries.notCreated}; whether the
 * cluster can switch to `API` mode is the plan's `verdict`.
 */
export class PlannedAccessEntries extends pulumi.ComponentResource {
  /** The access entries, in plan order. */
  readonly entries: aws.eks.AccessEntry[] = [];
  /** The access policy associations, in plan order. */
  readonly policyAssociations: aws.eks.AccessPolicyAssociation[] = [];
  /** The plan items that are not turned into resources, in plan order, each with its outcome and reason. */
  readonly notCreated: PlanItem[] = [];

  constructor(name: string, args: PlannedAccessEntriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-auth:eks:PlannedAccessEntries", name, {}, opts);
    const items = args.plan?.items;
    if (!Array.isArray(items)) throw new Error("aws-auth: PlannedAccessEntries needs the plan that planAccessEntries returns");
    for (const item of items) {
      if (item.outcome !== "migrate") {
        this.notCreated.push(item);
        continue;
      }
      const e = item.entry;
      const entryName = `${name}-${principalName(e.principalArn)}`;
      const entry = new aws.eks.AccessEntry(
        entryName,
        {
          clusterName: args.clusterName,
          principalArn: e.principalArn,
          type: e.type,
          ...(e.username !== undefined ? { userName: e.username } : {}),
          ...(e.kubernetesGroups?.length ? { kubernetesGroups: [...e.kubernetesGroups] } : {}),
          ...(args.tags !== undefined ? { tags: args.tags } : {}),
        },
        { parent: this },
      );
      this.entries.push(entry);
      (e.accessPolicies ?? []).forEach((p, j) => {
        const policy = p.policyArn.slice(p.policyArn.lastIndexOf("/") + 1);
        this.policyAssociations.push(
          new aws.eks.AccessPolicyAssociation(
            `${entryName}-${policy}${j > 0 ? `-${j}` : ""}`,
            {
              clusterName: args.clusterName,
              // The entry's output, so that the association waits for the entry.
              principalArn: entry.principalArn,
              policyArn: p.policyArn,
              accessScope: scope(p),
            },
            { parent: this },
          ),
        );
      });
    }
    this.registerOutputs({});
  }
}
