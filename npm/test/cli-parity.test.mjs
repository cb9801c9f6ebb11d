// Parity as a property: generated manifests and random edit sequences run through the CLI
// binary (`aws-auth ... -f -`, $AWS_AUTH_CLI, set by scripts/test.sh) and through the packed
// package. For every step both succeed with identical bytes and the same report lines, or
// both fail with the same message (the CLI's `error: <stdin>: ...` line is the npm error's
// message), or the CLI refuses a usage error (exit 2) that npm throws as `invalid-argument`.
// A call that throws leaves the object unchanged. Each step continues from the CLI's output.
//
// AWS_AUTH_PARITY_SEED replays a run (the seed is printed); AWS_AUTH_PARITY_SEQUENCES sets
// how many sequences (default 1,000).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { cpus } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { AwsAuth, AwsAuthError } from "aws-auth";

const CLI = process.env.AWS_AUTH_CLI;
const SEQUENCES = Number(process.env.AWS_AUTH_PARITY_SEQUENCES ?? 1000);
const SEED = Number(process.env.AWS_AUTH_PARITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
// A username the npm call did not give, for the CLI's `--update-username=false` equivalent.
const PLACEHOLDER = "parity-placeholder";

/** mulberry32: small, seedable, good enough to pick test cases. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    float: next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    /** Weighted pick from `[[weight, value], ...]`. */
    weighted: (pairs) => {
      let x = next() * pairs.reduce((s, [w]) => s + w, 0);
      for (const [w, v] of pairs) if ((x -= w) < 0) return v;
      return pairs.at(-1)[1];
    },
    subset: (xs, max) => Array.from({ length: r.int(max + 1) }, () => r.pick(xs)),
  };
  return r;
}

// ---- values ---------------------------------------------------------------------------------

const ACCOUNTS = ["111122223333", "444455556666"];
const ROLE_NAMES = ["nodes", "admin", "Admin", "ci", "deploy", "NodeInstanceRole-74RF4UBDUKL6"];
const USER_NAMES = ["ada", "Ada", "bob", "ops"];
const PATHS = ["", "", "", "team/", "a/b/"];
const USERNAMES = [
  "admin", "ops-user", "system:node:{{EC2PrivateDNSName}}", "ada", "{{SessionName}}",
  "yes", "0123", "it's", "a: b", "x #y", "-dash", 'say "hi"', "~", "null", " spaced ", "ünï",
];
const GROUPS = [
  "system:masters", "system:masters", "system:bootstrappers", "system:nodes", "viewers",
  "eks-console", "yes", "0123", "a b", "x #y", "-g", "{{SessionNameRaw}}",
];

function roleArn(r) {
  const partition = r.weighted([[12, "aws"], [1, "aws-cn"]]);
  let name = r.pick(ROLE_NAMES);
  if (r.chance(0.1)) name = name.toUpperCase();
  return `arn:${partition}:iam::${r.pick(ACCOUNTS)}:role/${r.pick(PATHS)}${name}`;
}

function userArn(r) {
  return `arn:aws:iam::${r.pick(ACCOUNTS)}:user/${r.pick(USER_NAMES)}`;
}

/** An ARN an edit names: mostly one the manifest has (as written, or case-changed), some new or bad. */
function targetArn(r, known, fresh) {
  return r.weighted([
    [5, () => (known.length ? r.pick(known) : fresh())],
    [1, () => (known.length ? r.pick(known).toUpperCase().replace("ARN:AWS", "arn:aws") : fresh())],
    [1, () => (known.length ? r.pick(known).replace(/:(role|user)\//, ":$1/team/") : fresh())],
    [3, fresh],
    [1, () => r.pick(["not-an-arn", "arn:aws:iam::12345:role/x", "arn:aws:sts::111122223333:assumed-role/x/s", "arn:aws:iam::111122223333:role/bad name", " arn:aws:iam::111122223333:role/nodes ", "arn:aws:iam::111122223333:user/x", "arn:aws:iam::111122223333:role/x"])],
  ])();
}

// ---- manifests ------------------------------------------------------------------------------

const YAML11 = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL)$/;

/** A YAML scalar for a block list: plain where that is safe, else quoted; sometimes quoted anyway. */
function scalar(r, v) {
  // Now and then unquoted anyway: read as a boolean or number, or a key that does not parse.
  if (r.chance(0.02) && v.trim() === v && v !== "") return v;
  const plainSafe = /^[A-Za-z_/][A-Za-z0-9:/._{}@=+-]*$/.test(v) && !YAML11.test(v);
  if (plainSafe && !r.chance(0.15)) return v;
  if (!v.includes("'") && r.chance(0.4)) return `'${v}'`;
  return JSON.stringify(v);
}

/** One generated entry as plain data (the values an edit would write). */
function entry(r, kind) {
  const e = {};
  if (kind === "role" && r.chance(0.04)) {
    e.sso = { permissionSetName: "Admin", accountID: r.pick(ACCOUNTS) };
  } else {
    e[kind === "role" ? "rolearn" : "userarn"] = kind === "role" ? roleArn(r) : userArn(r);
  }
  if (r.chance(0.92)) e.username = r.pick(USERNAMES);
  if (r.chance(0.85)) e.groups = [...new Set(r.subset(GROUPS, 3))];
  return e;
}

function blockList(r, entries, indent) {
  const pad = " ".repeat(indent);
  const inner = r.pick([2, 4]);
  // `- rolearn` at the key's indent + 2, or + 4 as some hand-written maps have it.
  const lead = r.chance(0.2) ? pad + "  " : pad;
  let out = "";
  for (const e of entries) {
    if (r.chance(0.2)) out += `${lead}# ${r.pick(["admins", "nodes: managed by eksctl", "TODO remove"])}\n`;
    const fields = Object.entries(e);
    if (r.chance(0.3)) fields.reverse(); // groups first, as eksctl writes
    fields.forEach(([k, v], i) => {
      const at = i === 0 ? `${lead}- ` : `${lead}  `;
      const key = r.chance(0.03) && k === "rolearn" ? "roleARN" : k;
      if (k === "sso") {
        out += `${at}sso:\n${lead}    permissionSetName: ${v.permissionSetName}\n${lead}    accountID: "${v.accountID}"\n`;
      } else if (k === "groups") {
        if (v.length && r.chance(0.3)) {
          out += `${at}groups: [${v.map((g) => JSON.stringify(g)).join(", ")}]\n`;
        } else if (!v.length) {
          out += `${at}groups: []\n`;
        } else {
          out += `${at}groups:\n`;
          const gpad = r.chance(0.3) ? `${lead}  ` : `${lead}  ${" ".repeat(inner)}`;
          for (const g of v) out += `${gpad}- ${scalar(r, g)}\n`;
        }
      } else {
        const comment = r.chance(0.05) ? "   # note" : "";
        // Rarely an anchor (without an alias the key stays editable).
        const anchor = k === "username" && r.chance(0.03) ? "&u " : "";
        out += `${at}${key}: ${anchor}${scalar(r, v)}${comment}\n`;
      }
    });
  }
  return out;
}

function accountsValue(r, accounts, style) {
  if (style === "flow") return JSON.stringify(accounts);
  return accounts.map((a) => `- ${r.chance(0.7) ? `"${a}"` : a}\n`);
}

/** A manifest: block YAML, JSON lists inside YAML, or an AWS CDK JSON manifest; maybe CRLF. */
function manifest(r) {
  const roles = Array.from({ length: r.int(5) }, () => entry(r, "role"));
  const users = Array.from({ length: r.int(3) }, () => entry(r, "user"));
  // Keep an administrator most of the time, so lockout refusals are a decision, not a given.
  if (r.chance(0.7)) roles.splice(r.int(roles.length + 1), 0, { rolearn: roleArn(r), username: "admin", groups: ["system:masters"] });
  const accounts = r.subset(ACCOUNTS, 2);
  const style = r.weighted([[5, "block"], [2, "flow"], [2, "cdk"]]);
  if (style === "cdk") {
    const data = {};
    if (roles.length || r.chance(0.5)) data.mapRoles = JSON.stringify(roles);
    if (users.length || r.chance(0.5)) data.mapUsers = JSON.stringify(users);
    if (accounts.length || r.chance(0.5)) data.mapAccounts = JSON.stringify(accounts);
    const doc = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "aws-auth", namespace: "kube-system" }, data };
    return r.chance(0.5) ? JSON.stringify(doc) : JSON.stringify(doc, null, 2) + "\n";
  }
  let text = r.chance(0.2) ? "# aws-auth for the dev cluster\n" : "";
  text += "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n";
  const keys = [];
  if (roles.length || r.chance(0.3)) keys.push("mapRoles");
  if (users.length || r.chance(0.3)) keys.push("mapUsers");
  if (accounts.length || r.chance(0.2)) keys.push("mapAccounts");
  if (r.chance(0.3)) keys.reverse();
  for (const key of keys) {
    const list = key === "mapRoles" ? roles : users;
    if (style === "flow") {
      const json = key === "mapAccounts" ? JSON.stringify(accounts) : JSON.stringify(list);
      text += r.chance(0.5) ? `  ${key}: '${json.replaceAll("'", "''")}'\n` : `  ${key}: |\n    ${json}\n`;
    } else if (key === "mapAccounts") {
      text += accounts.length ? `  mapAccounts: |\n${accountsValue(r, accounts, "block").map((l) => "    " + l).join("")}` : `  mapAccounts: ""\n`;
    } else if (!list.length) {
      text += r.pick([`  ${key}: ""\n`, `  ${key}: |\n`, `  ${key}: "[]"\n`]);
    } else {
      text += `  ${key}: ${r.weighted([[6, "|"], [1, "|-"], [1, "|+"]])}\n${blockList(r, list, 4)}`;
    }
  }
  if (r.chance(0.1)) text += "  other: keep me\n";
  if (r.chance(0.05)) text += "  mapRoles2: |\n    - not: read\n";
  if (r.chance(0.15)) text = text.replaceAll("\n", "\r\n");
  // Now and then a manifest no edit may touch: mixed line breaks, or not YAML at all.
  if (r.chance(0.02)) text = text.replace("\n", "\r\n");
  if (r.chance(0.01)) text = text.replace("kind: ConfigMap", "kind: [ConfigMap");
  return text;
}

// ---- operations -----------------------------------------------------------------------------

function known(auth, field) {
  const list = field === "rolearn" ? auth.roles : auth.users;
  return list.map((e) => e[field]).filter((a) => typeof a === "string");
}

function username(r, auth) {
  const existing = [...auth.roles, ...auth.users].map((e) => e.username).filter((u) => typeof u === "string");
  return r.weighted([
    [8, () => r.pick(USERNAMES)],
    [3, () => (existing.length ? r.pick(existing) : "admin")],
    [2, () => undefined],
    [1, () => ""],
    [1, () => " "],
  ])();
}

/** A random operation: the npm call (name, args) and the matching CLI command line. */
function operation(r, auth) {
  const kind = r.weighted([[5, "upsertRole"], [3, "upsertUser"], [3, "removeRole"], [2, "removeUser"], [1, "removeByUsername"], [1, "addAccount"], [1, "removeAccount"]]);
  const flag = (p) => (r.chance(p) ? true : r.chance(0.2) ? false : undefined);
  if (kind === "upsertRole" || kind === "upsertUser") {
    const field = kind === "upsertRole" ? "rolearn" : "userarn";
    const arn = targetArn(r, known(auth, field), () => (field === "rolearn" ? roleArn(r) : userArn(r)));
    const input = { [field]: arn, username: username(r, auth) };
    if (input.username === undefined && r.chance(0.5)) delete input.username;
    if (r.chance(0.9)) input.groups = r.subset([...GROUPS, ""], 3);
    const options = { append: flag(0.3), updateUsername: r.chance(0.2) ? false : flag(0.1), allowLockout: flag(0.2) };
    return { kind, args: [input, options] };
  }
  if (kind === "removeRole" || kind === "removeUser") {
    const field = kind === "removeRole" ? "rolearn" : "userarn";
    const arn = targetArn(r, known(auth, field), () => (field === "rolearn" ? roleArn(r) : userArn(r)));
    const selector = { [field]: arn };
    if (r.chance(0.3)) selector.username = username(r, auth) ?? "admin";
    if (r.chance(0.2)) selector.groups = r.subset([...GROUPS, ""], 2);
    return { kind, args: [selector, { force: flag(0.3), allowLockout: flag(0.2) }] };
  }
  if (kind === "removeByUsername") {
    return { kind, args: [username(r, auth) ?? "", { force: flag(0.3), allowLockout: flag(0.2) }] };
  }
  const account = r.weighted([[6, () => r.pick(ACCOUNTS)], [1, () => (auth.accounts.length ? r.pick(auth.accounts) : "999988887777")], [1, () => r.pick(["12345", "abcdefghijkl", " 111122223333"])]])();
  if (kind === "addAccount") return { kind, args: [account] };
  return { kind, args: [account, { force: flag(0.3), allowLockout: flag(0.2) }] };
}

const blank = (u) => u === undefined || u === null || u.trim() === "";

/**
 * The CLI command line of an npm call. `keepUsername`: the npm call gave no username, so the
 * CLI gets a placeholder with `--update-username=false` (the CLI itself needs --username).
 */
function cliArgs(r, op, keepUsername = false) {
  const [a, o = {}] = op.args;
  const args = [];
  const groups = (gs) => {
    if (gs.length === 0) return ["--groups="];
    return r.chance(0.5) ? gs.map((g) => `--groups=${g}`) : [`--groups=${gs.join(",")}`];
  };
  const common = () => {
    if (o.force) args.push("--force");
    if (o.allowLockout) args.push("--allow-lockout");
  };
  switch (op.kind) {
    case "upsertRole":
    case "upsertUser": {
      const role = op.kind === "upsertRole";
      args.push("upsert", role ? "--maproles" : "--mapusers", `--${role ? "rolearn" : "userarn"}=${role ? a.rolearn : a.userarn}`);
      if (keepUsername) args.push(`--username=${PLACEHOLDER}`, "--update-username=false");
      else if (a.username !== undefined) args.push(`--username=${a.username}`);
      if (a.groups && a.groups.length) args.push(...groups(a.groups));
      if (o.append) args.push("--append");
      if (!keepUsername && o.updateUsername === false) args.push("--update-username=false");
      else if (!keepUsername && o.updateUsername === true && r.chance(0.5)) args.push("--update-username");
      common();
      break;
    }
    case "removeRole":
    case "removeUser": {
      const role = op.kind === "removeRole";
      args.push("remove", role ? "--maproles" : "--mapusers", `--${role ? "rolearn" : "userarn"}=${role ? a.rolearn : a.userarn}`);
      if (a.username !== undefined) args.push(`--username=${a.username}`);
      if (a.groups !== undefined) args.push(...groups(a.groups));
      common();
      break;
    }
    case "removeByUsername":
      args.push("remove-by-username", `--username=${a}`);
      common();
      break;
    case "addAccount":
      args.push("upsert", "--mapaccounts", `--account=${a}`);
      break;
    case "removeAccount":
      args.push("remove", "--mapaccounts", `--account=${a}`);
      common();
      break;
  }
  return [...args, "-f", "-"];
}

// ---- running --------------------------------------------------------------------------------

function runCli(args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    child.stdin.on("error", () => {}); // a usage error exits before reading stdin
    child.stdin.end(input);
  });
}

/** The CLI's one-line error for a failure of the core on stdin. */
const cliError = (message) => `error: <stdin>: ${message.split(/\s+/).filter(Boolean).join(" ")}\n`;

/** The CLI's stderr for a successful edit, from the npm result (as `report` in the CLI prints it). */
function cliReport(result) {
  let s = "";
  for (const c of result.changes) {
    if (c.note !== undefined) s += `note: ${c.note}\n`;
    s += { added: `added ${c.subject} to aws-auth`, updated: `updated ${c.subject} in aws-auth`, unchanged: `no updates needed to ${c.subject}`, removed: `removed ${c.subject} from aws-auth` }[c.action] + "\n";
  }
  return s;
}

function snapshot(auth) {
  return { text: auth.toString(), roles: auth.roles, users: auth.users, accounts: auth.accounts };
}

/** Runs one step; returns the disagreement (a string) or null, and the text to continue from. */
async function step(r, auth, text, op, stats) {
  const before = snapshot(auth);
  let result;
  let error;
  try {
    result = auth[op.kind](...op.args);
  } catch (e) {
    if (!(e instanceof AwsAuthError)) return { problem: `npm threw a non-AwsAuthError: ${e && e.stack}` };
    error = e;
    const after = snapshot(auth);
    if (!isDeepStrictEqual(after, before)) return { problem: `npm threw ${e.code} but changed the object` };
  }
  const [a, o = {}] = op.args;
  const upsert = op.kind === "upsertRole" || op.kind === "upsertUser";
  const usernameless = upsert && blank(a.username);
  const usage = usernameless || (op.kind === "removeByUsername" && blank(a));
  if (usage) {
    // The CLI refuses these before reading the manifest (exit 2); npm decides by the manifest.
    const plain = await runCli(cliArgs(r, op), text);
    if (plain.code !== 2 || !plain.stderr.startsWith("error: ") || plain.stdout !== "") {
      return { problem: `CLI: expected a usage error (exit 2), got exit ${plain.code}: ${plain.stderr}` };
    }
    if (!usernameless) {
      stats.usage++;
      return error?.code === "invalid-argument" ? { next: text } : { problem: `CLI usage error, npm ${error ? error.code : "succeeded"}` };
    }
  }
  const cli = await runCli(cliArgs(r, op, usernameless), text);
  if (usernameless && error?.code === "invalid-argument" && /needs a username/.test(error.message)) {
    // npm refused because the entry is new: the CLI with a username adds it (or refuses
    // the manifest as a whole, which it checks only once there is something to write).
    stats.newWithoutUsername++;
    if (cli.code === 0 && /^added /m.test(cli.stderr)) return { next: text };
    if (cli.code === 1 && / mixes line breaks /.test(cli.stderr)) return { next: text };
    return { problem: `npm: ${error.message}; but the CLI with --username=${PLACEHOLDER} --update-username=false: exit ${cli.code}: ${cli.stderr}` };
  }
  if (error) {
    stats.errors[error.code] = (stats.errors[error.code] ?? 0) + 1;
    if (cli.code === 1 && cli.stderr === cliError(error.message) && cli.stdout === "") return { next: text };
    return { problem: `npm threw ${error.code}: ${error.message}\nCLI exit ${cli.code}: ${cli.stderr}` };
  }
  stats[result.action] = (stats[result.action] ?? 0) + 1;
  if (cli.code !== 0) return { problem: `npm: ${result.action}; CLI exit ${cli.code}: ${cli.stderr}` };
  const npmText = auth.toString();
  if (cli.stdout !== npmText) return { problem: `different bytes\n--- CLI ---\n${JSON.stringify(cli.stdout)}\n--- npm ---\n${JSON.stringify(npmText)}` };
  const forcedNothing = result.changes.length === 0 && o.force;
  const want = cliReport(result);
  if (forcedNothing ? !/^nothing matched .*; nothing removed \(--force\)\n$/.test(cli.stderr) : cli.stderr !== want) {
    return { problem: `different reports\n--- CLI ---\n${cli.stderr}--- npm ---\n${want}` };
  }
  if (usernameless && cli.stdout.includes(PLACEHOLDER)) return { problem: "the placeholder username was written" };
  return { next: cli.stdout };
}

async function sequence(index, stats) {
  const r = rng(SEED + index * 7919);
  const text0 = manifest(r);
  const ops = [];
  const fail = (problem) => ({ index, problem, manifest: text0, ops: ops.map((o) => `${o.kind}(${o.args.map((a) => JSON.stringify(a)).join(", ")})`) });
  let auth;
  try {
    auth = AwsAuth.parse(text0);
  } catch (e) {
    stats.parseErrors++;
    const cli = await runCli(["validate", "-f", "-"], text0);
    if (!(e instanceof AwsAuthError) || cli.code !== 1 || cli.stderr !== cliError(e.message)) {
      return fail(`parse: npm ${e.code}: ${e.message}; CLI exit ${cli.code}: ${cli.stderr}`);
    }
    return null;
  }
  try {
    let text = text0;
    const steps = 1 + r.int(5);
    for (let i = 0; i < steps; i++) {
      const op = operation(r, auth);
      ops.push(op);
      stats.steps++;
      const { problem, next } = await step(r, auth, text, op, stats);
      if (problem) return fail(problem);
      text = next;
    }
    // The mappings read back the same way by both.
    const get = await runCli(["get", "-o", "json", "-f", "-"], text);
    const npm = { mapRoles: auth.roles, mapUsers: auth.users, mapAccounts: auth.accounts };
    if (get.code !== 0 || !isDeepStrictEqual(JSON.parse(get.stdout), npm)) {
      return fail(`get -o json differs: CLI ${get.stdout} npm ${JSON.stringify(npm)}`);
    }
    return null;
  } finally {
    auth.free();
  }
}

test("the CLI and the npm package agree on every generated edit sequence", { timeout: 600_000 }, async (t) => {
  // Never skipped: without the CLI this property would pass while comparing nothing.
  assert.ok(CLI, "AWS_AUTH_CLI is not set: it must name the aws-auth CLI binary (npm/scripts/test.sh builds it with `cargo build -p aws-auth-cli` and sets it)");
  try {
    accessSync(CLI, constants.X_OK);
  } catch (e) {
    assert.fail(`AWS_AUTH_CLI=${CLI} is not an executable file (${e.code}): build it with \`cargo build -p aws-auth-cli\`, or run npm/scripts/test.sh`);
  }
  assert.ok(SEQUENCES >= 1, "AWS_AUTH_PARITY_SEQUENCES must be at least 1");
  const started = Date.now();
  const stats = { steps: 0, parseErrors: 0, usage: 0, newWithoutUsername: 0, errors: {} };
  const failures = [];
  let next = 0;
  // Each sequence is sequential (a step continues from the last output); sequences overlap,
  // so the CLI processes keep the cores busy while this thread runs the wasm.
  const workers = Array.from({ length: Math.max(2, cpus().length * 2) }, async () => {
    while (next < SEQUENCES) {
      const f = await sequence(next++, stats);
      if (f) failures.push(f);
    }
  });
  await Promise.all(workers);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const summary = `seed ${SEED}: ${SEQUENCES} sequences, ${stats.steps} steps, ${failures.length} disagreement(s) in ${seconds} s; outcomes ${JSON.stringify({ ...stats, steps: undefined })}`;
  t.diagnostic(summary);
  console.log(`cli-parity: ${summary}`);
  // A floor, so that the property cannot pass by comparing only refusals: about half the
  // steps write (1,564 of 3,027 in a 1,000-sequence run), each kind of write among them.
  const written = (stats.added ?? 0) + (stats.updated ?? 0) + (stats.removed ?? 0);
  if (!failures.length && SEQUENCES >= 100) {
    assert.ok(written >= stats.steps * 0.3, `only ${written} of ${stats.steps} steps wrote anything`);
    for (const action of ["added", "updated", "removed", "unchanged"]) assert.ok(stats[action] > 0, `no step was ${action}`);
  }
  if (failures.length) {
    failures.sort((x, y) => x.index - y.index);
    const shown = failures.slice(0, 5).map((f) => `sequence ${f.index}: ${f.problem}\nmanifest: ${JSON.stringify(f.manifest)}\nops:\n  ${f.ops.join("\n  ")}`);
    assert.fail(`${failures.length} disagreement(s) (replay with AWS_AUTH_PARITY_SEED=${SEED}):\n\n${shown.join("\n\n")}`);
  }
});
