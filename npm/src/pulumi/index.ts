/**
 * `aws-auth/pulumi`: `AwsAuthEntries`, a `pulumi.dynamic.Resource` that owns entries of the
 * live aws-auth ConfigMap (contract §5): create/update apply the entries as its manager,
 * delete releases them, and the diff names the entries that change. It reaches the cluster
 * through a kubeconfig, as a `kubernetes.Provider` takes it (YAML or JSON text, or an object):
 * bearer token, client certificate, or an exec plugin such as `aws eks get-token`.
 */
import * as pulumi from "@pulumi/pulumi";
import { execFileSync } from "node:child_process";
import type { Desired } from "../index.js";
import { applyLive, reason, releaseLive, type KubeTarget } from "../kube.js";

export interface Entry {
  rolearn?: string;
  userarn?: string;
  username: string;
  groups?: string[];
}

/** The inputs, resolved. */
export interface AwsAuthEntriesState {
  kubeconfig: string | Record<string, unknown>;
  /** The manager name; default `pulumi:<project>/<stack>/<resource name>`. */
  manager: string;
  roles: Entry[];
  users: Entry[];
  accounts: string[];
  /** The kubeconfig context; the current one unless given. */
  context?: string;
  takeOver?: boolean;
  allowLockout?: boolean;
}

export interface AwsAuthEntriesArgs {
  kubeconfig: pulumi.Input<string | Record<string, unknown>>;
  roles?: pulumi.Input<pulumi.Input<Entry>[]>;
  users?: pulumi.Input<pulumi.Input<Entry>[]>;
  accounts?: pulumi.Input<pulumi.Input<string>[]>;
  manager?: pulumi.Input<string>;
  context?: pulumi.Input<string>;
  takeOver?: pulumi.Input<boolean>;
  allowLockout?: pulumi.Input<boolean>;
}

type Kubeconfig = {
  "current-context"?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; "certificate-authority-data"?: string } }[];
  users?: {
    name: string;
    user: {
      token?: string;
      "client-certificate-data"?: string;
      "client-key-data"?: string;
      exec?: { command: string; args?: string[]; env?: { name: string; value: string }[] | null };
    };
  }[];
};

function parseKubeconfig(input: string | Record<string, unknown>): Kubeconfig {
  if (typeof input !== "string") return input as Kubeconfig;
  try {
    return JSON.parse(input) as Kubeconfig;
  } catch {
    // YAML: js-yaml comes with @pulumi/pulumi.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require("js-yaml") as { load(text: string): unknown };
    return yaml.load(input) as Kubeconfig;
  }
}

/** The API server and credentials of a kubeconfig's context. */
export function targetFromKubeconfig(input: string | Record<string, unknown>, context?: string): KubeTarget {
  const kc = parseKubeconfig(input);
  const name = context ?? kc["current-context"];
  const ctx = kc.contexts?.find((c) => c.name === name)?.context ?? (kc.contexts?.length === 1 ? kc.contexts[0]!.context : undefined);
  const cluster = kc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster ?? kc.clusters?.[0]?.cluster;
  const user = kc.users?.find((u) => u.name === ctx?.user)?.user ?? kc.users?.[0]?.user;
  if (!cluster?.server) throw new Error(`aws-auth: the kubeconfig has no cluster for context ${name ?? "(none)"}`);
  const target: KubeTarget = { server: cluster.server };
  if (cluster["certificate-authority-data"]) target.ca = cluster["certificate-authority-data"];
  if (user?.token) target.token = user.token;
  if (user?.["client-certificate-data"]) target.cert = user["client-certificate-data"];
  if (user?.["client-key-data"]) target.key = user["client-key-data"];
  const exec = user?.exec;
  if (exec) {
    target.token = () => {
      const env = { ...process.env };
      for (const e of exec.env ?? []) env[e.name] = e.value;
      const out = execFileSync(exec.command, exec.args ?? [], { env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
      const token = (JSON.parse(out) as { status?: { token?: string } }).status?.token;
      if (!token) throw new Error(`aws-auth: ${exec.command} gave no token`);
      return token;
    };
  }
  return target;
}

const desiredOf = (s: AwsAuthEntriesState): Desired => ({ roles: s.roles ?? [], users: s.users ?? [], accounts: s.accounts ?? [] }) as Desired;
const options = (s: AwsAuthEntriesState) => ({ takeOver: !!s.takeOver, allowLockout: !!s.allowLockout });

const identity = (e: Entry) => (e.rolearn ?? e.userarn ?? "").toLowerCase().replace(/:role\/.*\//, ":role/");
const same = (a: Entry, b: Entry) =>
  a.username === b.username && JSON.stringify([...(a.groups ?? [])].sort()) === JSON.stringify([...(b.groups ?? [])].sort());

/** How an entry changes. */
export type EntryChange = "add" | "update" | "delete";

/**
 * Which entries change between two states: `roles[i]`/`users[i]`/`accounts[i]` (index in the
 * new state) for added and updated entries, `old roles[i]` (index in the old state) for
 * removed ones.
 */
export function entryDiff(olds: Partial<AwsAuthEntriesState>, news: Partial<AwsAuthEntriesState>): Record<string, EntryChange> {
  const diff: Record<string, EntryChange> = {};
  for (const key of ["roles", "users"] as const) {
    const before = olds[key] ?? [];
    const after = news[key] ?? [];
    after.forEach((e, i) => {
      const old = before.find((o) => identity(o) === identity(e));
      if (!old) diff[`${key}[${i}]`] = "add";
      else if (!same(old, e)) diff[`${key}[${i}]`] = "update";
    });
    before.forEach((o, i) => {
      if (!after.some((e) => identity(e) === identity(o))) diff[`old ${key}[${i}]`] = "delete";
    });
  }
  const beforeAccounts = olds.accounts ?? [];
  const afterAccounts = news.accounts ?? [];
  afterAccounts.forEach((a, i) => {
    if (!beforeAccounts.includes(a)) diff[`accounts[${i}]`] = "add";
  });
  beforeAccounts.forEach((a, i) => {
    if (!afterAccounts.includes(a)) diff[`old accounts[${i}]`] = "delete";
  });
  return diff;
}

async function run<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw new Error(reason(err));
  }
}

/** The dynamic provider (exported for tests, which drive it against a real API server). */
export const provider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: AwsAuthEntriesState, news: AwsAuthEntriesState) {
    return { inputs: news };
  },
  async create(inputs: AwsAuthEntriesState) {
    const done = await run(() => applyLive(targetFromKubeconfig(inputs.kubeconfig, inputs.context), inputs.manager, desiredOf(inputs), options(inputs)));
    return { id: inputs.manager, outs: { ...inputs, changes: done.changes.map((c) => `${c.action} ${c.subject}`) } };
  },
  async diff(_id: string, olds: AwsAuthEntriesState, news: AwsAuthEntriesState) {
    // Dynamic providers return no detailed diff: the entries that change are the input paths
    // Pulumi shows (roles[i], users[i], accounts[i]); the others are reported stable.
    const entries = entryDiff(olds, news);
    const changed = new Set(Object.keys(entries).map((k) => k.replace(/^old /, "").replace(/\[.*/, "")));
    const flags = ["takeOver", "allowLockout", "context", "manager"] as const;
    for (const f of flags) if (olds[f] !== news[f]) changed.add(f);
    if (JSON.stringify(olds.kubeconfig) !== JSON.stringify(news.kubeconfig)) changed.add("kubeconfig");
    const all = ["roles", "users", "accounts", "kubeconfig", ...flags];
    return {
      changes: changed.size > 0,
      // A new manager is a new owner: release the old one's entries, then apply as the new one.
      replaces: changed.has("manager") ? ["manager"] : [],
      stables: all.filter((p) => !changed.has(p)),
      deleteBeforeReplace: true,
    };
  },
  async update(_id: string, _olds: AwsAuthEntriesState, news: AwsAuthEntriesState) {
    const done = await run(() => applyLive(targetFromKubeconfig(news.kubeconfig, news.context), news.manager, desiredOf(news), options(news)));
    return { outs: { ...news, changes: done.changes.map((c) => `${c.action} ${c.subject}`) } };
  },
  async delete(_id: string, props: AwsAuthEntriesState) {
    await run(() => releaseLive(targetFromKubeconfig(props.kubeconfig, props.context), props.manager, options(props)));
  },
};

/** Entries of the aws-auth ConfigMap owned by this resource; see the module docs. */
export class AwsAuthEntries extends pulumi.dynamic.Resource {
  declare readonly manager: pulumi.Output<string>;
  /** What the last create/update did, one `action subject` per entry. */
  declare readonly changes: pulumi.Output<string[]>;

  constructor(name: string, args: AwsAuthEntriesArgs, opts?: pulumi.CustomResourceOptions) {
    const manager = args.manager ?? `pulumi:${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
    super(
      provider,
      name,
      {
        kubeconfig: pulumi.secret(args.kubeconfig),
        manager,
        roles: args.roles ?? [],
        users: args.users ?? [],
        accounts: args.accounts ?? [],
        context: args.context,
        takeOver: args.takeOver ?? false,
        allowLockout: args.allowLockout ?? false,
        changes: undefined,
      },
      opts,
      "AwsAuthEntries",
    );
  }
}
