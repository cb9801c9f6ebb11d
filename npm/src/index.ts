/**
 * `aws-auth`: lossless, validated edits of the Amazon EKS `kube-system/aws-auth` ConfigMap.
 *
 * The editing is done by the Rust core (`aws-auth-core`) compiled to WebAssembly; this module
 * is the typed JavaScript face of it. Everything in and out is plain data.
 *
 * ```ts
 * import { AwsAuth } from "aws-auth";
 * const auth = AwsAuth.parse(manifestText);
 * auth.upsertRole({ rolearn: "arn:aws:iam::111122223333:role/nodes",
 *                   username: "system:node:{{EC2PrivateDNSName}}",
 *                   groups: ["system:bootstrappers", "system:nodes"] });
 * process.stdout.write(auth.toString()); // only the new entry differs from the input
 * ```
 *
 * @packageDocumentation
 */

import * as wasm from "./wasm/aws_auth_wasm.js";
import type {
  Applied,
  ApplyOptions,
  Change,
  Desired,
  Diagnostic,
  Edit,
  EditOptions,
  Explanation,
  AccessEntriesPlan,
  Ownership,
  PlanTextInput,
  Upsert,
  WasmError,
} from "./wasm/aws_auth_wasm.js";

// Generated from the Rust types that cross the WebAssembly boundary
// (crates/aws-auth-wasm/src/types.rs, by tsify): `Edit` is the core's edit, as JSON.
export type {
  AccessEntriesPlan,
  AccessEntry,
  AccessEntryRequest,
  AccessEntryType,
  AccessPolicy,
  AccessScope,
  AccessScopeType,
  AssociateAccessPolicyInput,
  CreateAccessEntryInput,
  ExistingMatch,
  Loss,
  NotMigratableReason,
  PlanItem,
  PlanOutcome,
  PlanSource,
  Verdict,
  Action,
  Caller,
  Explanation,
  Grant,
  NearMiss,
  NearMissReason,
  PrincipalKind,
  Applied,
  ApplyOptions,
  Change,
  Desired,
  DesiredEntry,
  Ownership,
  DataKey,
  Diagnostic,
  Edit,
  EditOptions,
  Remove,
  Severity,
  Upsert,
} from "./wasm/aws_auth_wasm.js";

/** An IAM Identity Center permission set in `mapRoles` (`sso:` instead of `rolearn:`). */
export interface SsoSpec {
  permissionSetName: string;
  accountID: string;
  /** `aws` when absent. */
  partition?: string;
}

/** One `mapRoles` entry, as written in the ConfigMap. */
export interface RoleMapping {
  /** The IAM role ARN; absent for an `sso` entry. */
  rolearn?: string;
  /** An IAM Identity Center permission set; absent for a `rolearn` entry. */
  sso?: SsoSpec;
  /** The Kubernetes username, possibly with templates such as `{{EC2PrivateDNSName}}`. */
  username?: string;
  /** The Kubernetes groups; absent when the entry has no `groups` key. */
  groups?: string[];
  userid?: string;
  /** The manager that owns the entry ({@link AwsAuth.apply}); absent when none does. */
  manager?: string;
  /** Fields the authenticator ignores are kept, as JSON values. */
  [extra: string]: unknown;
}

/** One `mapUsers` entry, as written in the ConfigMap. */
export interface UserMapping {
  /** The IAM user ARN. */
  userarn?: string;
  username?: string;
  /** The Kubernetes groups; absent when the entry has no `groups` key. */
  groups?: string[];
  userid?: string;
  /** The manager that owns the entry ({@link AwsAuth.apply}); absent when none does. */
  manager?: string;
  /** Fields the authenticator ignores are kept, as JSON values. */
  [extra: string]: unknown;
}

/** What {@link AwsAuth.apply} and {@link AwsAuth.release} did. */
export interface ApplyResult extends Applied {
  /** Whether the manifest changed (data or ownership record): false means nothing to write. */
  changed: boolean;
}

/** A role to insert or update (its identity is `rolearn`). */
export interface RoleInput {
  /** The role ARN; a path (`role/path/name`) is stored without it, as the authenticator needs. */
  rolearn: string;
  /**
   * The Kubernetes username. Omitted, empty or blank keeps an existing entry's username (as
   * `updateUsername: false`); for an ARN not mapped yet the call then throws
   * `invalid-argument`, as the CLI refuses an upsert without `--username`.
   */
  username?: string;
  /** The Kubernetes groups; omitted or empty means no `groups` key. Empty strings are dropped. */
  groups?: string[];
}

/** A user to insert or update (its identity is `userarn`). */
export interface UserInput {
  userarn: string;
  /** As {@link RoleInput.username}: required for a new entry. */
  username?: string;
  groups?: string[];
}

/** Which role entries to remove: all with this ARN, narrowed by `username` and `groups`. */
export interface RoleSelector {
  rolearn: string;
  /** Only entries with exactly this username. */
  username?: string;
  /** Only entries whose groups equal these, as a set. */
  groups?: string[];
}

/** Which user entries to remove. */
export interface UserSelector {
  userarn: string;
  username?: string;
  groups?: string[];
}

/** Options of {@link AwsAuth.upsertRole} and {@link AwsAuth.upsertUser}. */
export interface UpsertOptions {
  /** Add the groups to an existing entry's groups instead of replacing them (default false). */
  append?: boolean;
  /** Replace an existing entry's username (default true). */
  updateUsername?: boolean;
  /**
   * Allow an update that takes the last `system:masters` grant away (otherwise it throws
   * `lockout`).
   */
  allowLockout?: boolean;
}

/** Options of the remove calls. */
export interface RemoveOptions {
  /** A remove that matches nothing returns `unchanged` instead of throwing `nothing-matched`. */
  force?: boolean;
  /** Allow removing the last `system:masters` grant (otherwise it throws `lockout`). */
  allowLockout?: boolean;
}

/**
 * What a mutating call did.
 *
 * - `added`: a new entry (`count` 1);
 * - `updated`: existing entries with that identity changed (`count` of them);
 * - `unchanged`: nothing to do (`count` 0), e.g. the entry was already so, or a forced remove
 *   matched nothing;
 * - `removed`: `count` entries removed (one `changes` item each).
 */
export interface EditResult {
  action: "added" | "updated" | "unchanged" | "removed";
  /** How many entries were added, updated or removed (0 when unchanged). */
  count: number;
  /** The ARNs (or account IDs) concerned, in document order, without repeats. */
  subjects: string[];
  /** The first note of the changes, if any (e.g. a path removed from a role ARN). */
  note?: string;
  /** The core's report, one item per entry touched. */
  changes: Change[];
}

/**
 * An access entry that exists already, in the simple form (what `describe-access-entry` prints
 * inside `accessEntry`, with the entry's access policies).
 */
export interface ExistingAccessEntry {
  principalArn: string;
  /** `STANDARD` when absent. */
  type?: string;
  username?: string;
  kubernetesGroups?: string[];
  accessPolicies?: { policyArn: string; accessScope: { type: "cluster" | "namespace"; namespaces?: string[] } }[];
}

/**
 * One value of the access entries that exist: `aws eks describe-access-entry` output, `aws eks
 * list-associated-access-policies` output, or the simple form.
 */
export type ExistingAccessEntryJson =
  | { accessEntry: ExistingAccessEntry }
  | { principalArn: string; associatedAccessPolicies: NonNullable<ExistingAccessEntry["accessPolicies"]>; clusterName?: string }
  | ExistingAccessEntry;

/** `aws iam list-roles` output (only `Arn` is read), or role ARNs. */
export type RoleListJson = { Roles: { Arn: string }[] } | (string | { Arn: string })[];

/** Options of {@link AwsAuth.planAccessEntries}: the inputs of `aws-auth access-entries plan`. */
export interface PlanAccessEntriesOptions {
  /**
   * The EKS cluster's name (`--cluster-name`): with it, the plan carries `requests`, the EKS API
   * calls that the CLI's `-o json` prints.
   */
  clusterName?: string;
  /**
   * The cluster's AWS account (`--cluster-account`): node mappings of roles of another account
   * are reported as not migratable. Not checked when absent.
   */
  clusterAccount?: string;
  /**
   * The access entries that exist (`--existing`): the JSON text the CLI reads (values
   * concatenated, or an array), or the parsed value. Mappings they cover are `covered`; those
   * whose entry lacks something are `conflicts`.
   */
  existing?: string | ExistingAccessEntryJson | ExistingAccessEntryJson[];
  /**
   * Real role ARNs (`--role-paths`): `aws iam list-roles` output as text or parsed. Restores the
   * paths aws-auth cannot hold and resolves `sso` entries.
   */
  rolePaths?: string | RoleListJson;
}

/** A JSON input as the text the core's parser reads; `what` names it in the error. */
function jsonText(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value !== "object") {
    throw new AwsAuthError("invalid-argument", `${what} must be JSON text, an object or an array, got ${describe(value)}`);
  }
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new AwsAuthError("invalid-argument", `${what}: not JSON data: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A plain Kubernetes ConfigMap object, for `eks.KubernetesManifest` or Pulumi. */
export interface ConfigMapManifest {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: { name: string; namespace: string };
  /** `mapRoles`, `mapUsers`, `mapAccounts` as the strings the ConfigMap holds. */
  data: Record<string, string>;
}

/**
 * A failed parse or edit. Nothing was changed.
 *
 * `code` is stable: `manifest-syntax`, `not-found`, `manifest-shape`, `too-large`,
 * `key-not-editable`, `invalid-argument`, `nothing-matched`, `lockout`, `would-break`,
 * `opaque-entry`, `owned` (another manager owns a wanted entry, or nobody does and it differs:
 * pass `takeOver`), `newer-record` (the ownership record has a newer format),
 * `record-not-writable` (no metadata to keep it in), or `internal` (a bug: please report it).
 */
export class AwsAuthError extends Error {
  /** Stable, machine-readable code. */
  readonly code: string;
  /** The findings behind the error (for `would-break`), otherwise empty. */
  readonly diagnostics: Diagnostic[];

  constructor(code: string, message: string, diagnostics: Diagnostic[] = []) {
    super(message);
    this.name = "AwsAuthError";
    this.code = code;
    this.diagnostics = diagnostics;
  }
}

function isWasmError(value: unknown): value is WasmError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as WasmError).code === "string" &&
    typeof (value as WasmError).message === "string"
  );
}

/** Runs a call into the wasm module; every failure comes out as an {@link AwsAuthError}. */
function call<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof AwsAuthError) throw err;
    if (typeof err === "string") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(err);
      } catch {
        parsed = undefined;
      }
      if (isWasmError(parsed)) throw new AwsAuthError(parsed.code, parsed.message, parsed.diagnostics ?? []);
    }
    if (isWasmError(err)) throw new AwsAuthError(err.code, err.message, err.diagnostics ?? []);
    const message = err instanceof Error ? err.message : String(err);
    throw new AwsAuthError("internal", `aws-auth internal error: ${message}`);
  }
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== "string") {
    throw new AwsAuthError("invalid-argument", `${what} must be a string, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AwsAuthError("invalid-argument", `${what} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function optionalString(value: unknown, what: string): string | undefined {
  return value === undefined || value === null ? undefined : requireString(value, what);
}

function optionalGroups(value: unknown, what: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((g) => typeof g === "string")) {
    throw new AwsAuthError("invalid-argument", `${what} must be an array of strings`);
  }
  return value as string[];
}

function flag(options: unknown, name: string, fallback: boolean): boolean {
  if (options === undefined || options === null) return fallback;
  const value = requireObject(options, "the options")[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") throw new AwsAuthError("invalid-argument", `option ${name} must be a boolean`);
  return value;
}

/** The ARN, username and groups of a mapping argument, checked. */
function mapping(value: unknown, arnField: "rolearn" | "userarn", what: string) {
  const m = requireObject(value, what);
  return {
    arn: requireString(m[arnField], `${what}'s ${arnField}`),
    username: optionalString(m.username, `${what}'s username`),
    groups: optionalGroups(m.groups, `${what}'s groups`),
  };
}

function removeOptions(options: unknown): EditOptions {
  return { force: flag(options, "force", false), allowLockout: flag(options, "allowLockout", false) };
}

function applyOptions(options: unknown): ApplyOptions {
  return { takeOver: flag(options, "takeOver", false), allowLockout: flag(options, "allowLockout", false) };
}

function withManagers<T extends { manager?: string }>(entries: T[], managers: (string | null | undefined)[]): T[] {
  return entries.map((e, i) => {
    const manager = managers[i];
    return typeof manager === "string" ? { ...e, manager } : e;
  });
}

function summarise(changes: Change[]): EditResult {
  const subjects = [...new Set(changes.map((c) => c.subject))];
  const note = changes.find((c) => c.note !== undefined)?.note;
  const touched = changes.filter((c) => c.action !== "unchanged");
  let action: EditResult["action"] = "unchanged";
  if (touched.some((c) => c.action === "removed")) action = "removed";
  else if (touched.some((c) => c.action === "added")) action = "added";
  else if (touched.length > 0) action = "updated";
  const result: EditResult = { action, count: touched.length, subjects, changes };
  if (note !== undefined) result.note = note;
  return result;
}

/**
 * An aws-auth ConfigMap manifest, edited in place.
 *
 * Every edit is checked: an edit that would lock out the cluster administrators, break an
 * entry for aws-iam-authenticator, or touch a key that does not parse throws an
 * {@link AwsAuthError} and changes nothing. Printing ({@link AwsAuth.toString}) gives back the
 * input byte-for-byte except for the entries edited: comments, order, indentation and the JSON
 * style written by AWS CDK survive.
 */
export class AwsAuth {
  readonly #inner: wasm.AwsAuth;

  private constructor(inner: wasm.AwsAuth) {
    this.#inner = inner;
  }

  /**
   * Reads a manifest: a YAML or JSON ConfigMap (also inside a multi-document stream or a
   * `kubectl get -o yaml` dump), or a bare `data` map.
   *
   * @throws {AwsAuthError} `manifest-syntax` (not YAML), `not-found` (no aws-auth ConfigMap),
   *   `manifest-shape`, `too-large` (over 3 MiB).
   */
  static parse(text: string): AwsAuth {
    requireString(text, "the manifest");
    return new AwsAuth(call(() => wasm.AwsAuth.parse(text)));
  }

  /**
   * Reads a ConfigMap's `data` as the API server returns it, with its ownership record (the
   * value of the annotation `aws-auth/managers`, if any): for code that talks to the API server
   * itself. Write back {@link AwsAuth.data} and {@link AwsAuth.ownershipRecord}.
   */
  static fromData(data: Record<string, string>, ownershipRecord?: string): AwsAuth {
    const object = requireObject(data, "the data");
    const entries = Object.entries(object).map(([k, v]) => [k, requireString(v, `data key ${k}`)] as [string, string]);
    const record = optionalString(ownershipRecord, "the ownership record");
    return new AwsAuth(call(() => wasm.AwsAuth.fromData(entries, record)));
  }

  /**
   * Makes `manager` own exactly the `desired` entries (contract §5): adds what is missing,
   * updates what it owns, removes what it added and no longer wants, adopts an existing entry
   * with the wanted values; an entry someone changed since (drift) is set back and listed in
   * `drifted`. Who owns what is kept in the annotation `aws-auth/managers`.
   * @throws {AwsAuthError} `owned` (another manager's entry, or an unmanaged one that differs,
   *   without `takeOver`; the message names the owner), `lockout`, `invalid-argument`.
   */
  apply(manager: string, desired: Desired, options: ApplyOptions = {}): ApplyResult {
    requireString(manager, "the manager");
    requireObject(desired, "the desired entries");
    return this.#owned(() => this.#inner.applyAs(manager, desired, applyOptions(options)));
  }

  /**
   * Removes what `manager` added and nobody changed since, leaves what it adopted or someone
   * changed (`kept`), and forgets the manager.
   * @throws {AwsAuthError} `lockout` (unless `allowLockout`).
   */
  release(manager: string, options: ApplyOptions = {}): ApplyResult {
    requireString(manager, "the manager");
    return this.#owned(() => this.#inner.release(manager, applyOptions(options)));
  }

  #owned(f: () => Applied): ApplyResult {
    const before = this.toString();
    const applied = call(f);
    return { ...applied, changed: this.toString() !== before };
  }

  /**
   * What aws-iam-authenticator makes of a caller (a role, user or STS assumed-role ARN): the
   * entry that maps it (`grant`: key, index, line, the username and groups with templates such
   * as `{{SessionName}}` filled as far as the ARN tells), and every near miss with its reason
   * and the `aws-auth` command that fixes it. The CLI's `explain -o json` prints the same.
   */
  explain(callerArn: string): Explanation {
    requireString(callerArn, "the caller ARN");
    return call(() => this.#inner.explain(callerArn));
  }

  /**
   * Leaving aws-auth: the EKS access entries that reproduce what aws-iam-authenticator grants
   * today (contract §6). Every mapping becomes an item: `migrate` (the access entry to create:
   * type, principal with its real path, username, groups, access policies with their scope),
   * `covered` or `conflicts` (an access entry exists for the principal), `notMigratable` (with
   * the `reason`) or `dead` (the authenticator never uses it). `verdict` says whether the cluster
   * can switch to `API` mode without anyone losing access. The same plan as `aws-auth
   * access-entries plan`; turn it into resources with `aws-auth/cdk`'s `PlannedAccessEntries` or
   * `aws-auth/pulumi/access-entries`.
   * @throws {AwsAuthError} `invalid-argument` (an option of the wrong type, or `existing` /
   *   `rolePaths` that are not JSON of a shape the CLI reads; the message names the option).
   */
  planAccessEntries(options: PlanAccessEntriesOptions = {}): AccessEntriesPlan {
    const o = options === undefined || options === null ? {} : requireObject(options, "the options");
    const input: PlanTextInput = {};
    const clusterName = optionalString(o.clusterName, "clusterName");
    if (clusterName !== undefined && clusterName.trim() !== "") input.clusterName = clusterName;
    const clusterAccount = optionalString(o.clusterAccount, "clusterAccount");
    if (clusterAccount !== undefined) input.clusterAccount = clusterAccount;
    const existing = jsonText(o.existing, "existing");
    if (existing !== undefined) input.existing = existing;
    const rolePaths = jsonText(o.rolePaths, "rolePaths");
    if (rolePaths !== undefined) input.rolePaths = rolePaths;
    return call(() => this.#inner.planAccessEntries(input));
  }

  /** Every manager that owns entries, sorted. */
  managers(): string[] {
    return this.ownership().managers;
  }

  /** Who manages each entry, in the order of {@link AwsAuth.roles}, `users` and `accounts`. */
  ownership(): Ownership {
    return call(() => this.#inner.ownership());
  }

  /** The ownership record (the annotation's value), `undefined` when nobody owns anything. */
  ownershipRecord(): string | undefined {
    return call(() => this.#inner.ownershipRecord());
  }

  /**
   * Inserts a `mapRoles` entry, or updates every entry with this `rolearn`. Without `groups`,
   * the entry has none (an update removes its groups; `append` keeps them).
   * @returns `added`, `updated` or `unchanged`.
   * @throws {AwsAuthError} `invalid-argument` (not a role ARN, or no username for a new entry),
   *   `lockout` (an update that takes the last `system:masters` grant away, unless
   *   `allowLockout`), `key-not-editable`.
   */
  upsertRole(role: RoleInput, options: UpsertOptions = {}): EditResult {
    return this.#upsert("upsertRole", mapping(role, "rolearn", "the role"), options);
  }

  /**
   * Inserts a `mapUsers` entry, or updates every entry with this `userarn`. Without `groups`,
   * the entry has none (an update removes its groups; `append` keeps them).
   * @returns `added`, `updated` or `unchanged`.
   * @throws {AwsAuthError} `invalid-argument` (not a user ARN, or no username for a new entry),
   *   `lockout` (an update that takes the last `system:masters` grant away, unless
   *   `allowLockout`), `key-not-editable`.
   */
  upsertUser(user: UserInput, options: UpsertOptions = {}): EditResult {
    return this.#upsert("upsertUser", mapping(user, "userarn", "the user"), options);
  }

  /**
   * Removes the `mapRoles` entries with this `rolearn` (narrowed by `username`/`groups`).
   * @throws {AwsAuthError} `nothing-matched` (unless `force`), `lockout` (unless `allowLockout`).
   */
  removeRole(role: RoleSelector, options: RemoveOptions = {}): EditResult {
    const m = mapping(role, "rolearn", "the role");
    return this.#apply({ op: "removeRole", ...m }, removeOptions(options));
  }

  /**
   * Removes the `mapUsers` entries with this `userarn` (narrowed by `username`/`groups`).
   * @throws {AwsAuthError} `nothing-matched` (unless `force`), `lockout` (unless `allowLockout`).
   */
  removeUser(user: UserSelector, options: RemoveOptions = {}): EditResult {
    const m = mapping(user, "userarn", "the user");
    return this.#apply({ op: "removeUser", ...m }, removeOptions(options));
  }

  /**
   * Removes every role and user entry whose username is exactly `username`.
   * @throws {AwsAuthError} `nothing-matched` (unless `force`), `lockout`, `invalid-argument`.
   */
  removeByUsername(username: string, options: RemoveOptions = {}): EditResult {
    requireString(username, "the username");
    return this.#apply({ op: "removeByUsername", username }, removeOptions(options));
  }

  /** Adds a 12-digit account ID to `mapAccounts`. @returns `added` or `unchanged`. */
  addAccount(account: string): EditResult {
    requireString(account, "the account ID");
    return this.#apply({ op: "addAccount", account }, {});
  }

  /** Removes an account ID from `mapAccounts`. */
  removeAccount(account: string, options: RemoveOptions = {}): EditResult {
    requireString(account, "the account ID");
    return this.#apply({ op: "removeAccount", account }, removeOptions(options));
  }

  #upsert(op: "upsertRole" | "upsertUser", m: ReturnType<typeof mapping>, options: unknown): EditResult {
    const upsert: Upsert = {
      arn: m.arn,
      groups: m.groups ?? [],
      append: flag(options, "append", false),
      updateUsername: flag(options, "updateUsername", true),
    };
    if (m.username !== undefined) upsert.username = m.username;
    return this.#apply({ op, ...upsert }, { allowLockout: flag(options, "allowLockout", false) });
  }

  /** The one call into the core's edits: one edit here, as the CLI's flags make one. */
  #apply(edit: Edit, options: EditOptions): EditResult {
    return summarise(call(() => this.#inner.apply([edit], options)));
  }

  #mappings(): { mapRoles: RoleMapping[]; mapUsers: UserMapping[]; mapAccounts: string[] } {
    return call(() => this.#inner.mappings());
  }

  /** The `mapRoles` entries, in order (a fresh copy on each read), with their `manager`. */
  get roles(): RoleMapping[] {
    return withManagers(this.#mappings().mapRoles, this.ownership().roles);
  }

  /** The `mapUsers` entries, in order (a fresh copy on each read), with their `manager`. */
  get users(): UserMapping[] {
    return withManagers(this.#mappings().mapUsers, this.ownership().users);
  }

  /** The `mapAccounts` items, in order. */
  get accounts(): string[] {
    return this.#mappings().mapAccounts;
  }

  /** Everything aws-iam-authenticator would reject or misread, errors and warnings. */
  validate(): Diagnostic[] {
    return call(() => this.#inner.validate());
  }

  /**
   * The ConfigMap's data, every key in order: `mapRoles`, `mapUsers` and `mapAccounts` as they
   * are now, any other key as it was written.
   */
  data(): Record<string, string> {
    return Object.fromEntries(call(() => this.#inner.data()));
  }

  /** The manifest text: the input with only the edited entries changed. */
  toString(): string {
    return call(() => this.#inner.toString());
  }

  /**
   * The ConfigMap as a plain object, for `eks.KubernetesManifest` (AWS CDK) or a Pulumi
   * `ConfigMap`/`ConfigMapPatch`. `metadata` keeps the manifest's name and namespace
   * (`kube-system` when the manifest gives none); `data` holds the edited strings. Comments
   * inside the data strings are kept; those outside them cannot be.
   */
  toManifest(): ConfigMapManifest {
    const name = call(() => this.#inner.name);
    const namespace = call(() => this.#inner.namespace) ?? "kube-system";
    return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data: this.data() };
  }

  /** Frees the WebAssembly memory now instead of at garbage collection. */
  free(): void {
    this.#inner.free();
  }
}

export default AwsAuth;
