"""Checks `aws-auth access-entries plan` outputs with the real tools (run by check.sh).

For each manifest given:
- json: every request input validates against the EKS service model botocore ships
  (ParamValidator, plus the enums ParamValidator does not check);
- cloudformation: the template passes cfn-lint, and its properties equal the json requests;
- terraform: HashiCorp's HCL parser (hclcheck) reads it, finds only the resources and
  attributes of CONTRACT.md §6, and its evaluated values equal the json requests;
- shell: each line runs through the aws CLI against a local endpoint that records the
  requests; the recorded operations, URIs and bodies, read back through the service model,
  equal the json requests.

Usage: python check.py AWS_AUTH_BIN HCLCHECK_BIN WORKDIR [+]MANIFEST[:ROLES_JSON] ...
(`+`: also replay the shell script through the aws CLI)
"""

import http.server
import json
import os
import re
import subprocess
import sys
import threading
import urllib.parse

import botocore.session
from botocore.validate import ParamValidator

CLUSTER = "prod-cluster"
MODEL = botocore.session.get_session().get_service_model("eks")
failures = []
ENTRY_TYPES = {"STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "EC2"}


def fail(where, message):
    failures.append(f"{where}: {message}")
    print(f"FAIL {where}: {message}", file=sys.stderr)


def plan(binary, manifest, roles, fmt, cluster=CLUSTER):
    args = [binary, "access-entries", "plan", "-f", manifest, "-o", fmt]
    if cluster:
        args += ["--cluster-name", cluster]
    if roles:
        args += ["--role-paths", roles]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {r.stderr}")
    return r.stdout


def enums(shape, value, path):
    """ParamValidator checks types and required members, not enum values."""
    problems = []
    if shape.type_name == "structure" and isinstance(value, dict):
        for k, v in value.items():
            if k in shape.members:
                problems += enums(shape.members[k], v, f"{path}.{k}")
    elif shape.type_name == "list" and isinstance(value, list):
        for i, v in enumerate(value):
            problems += enums(shape.member, v, f"{path}[{i}]")
    elif getattr(shape, "enum", None) and value not in shape.enum:
        problems.append(f"{path}={value!r} is not one of {shape.enum}")
    return problems


def check_json(where, requests):
    for i, r in enumerate(requests):
        op = MODEL.operation_model(r["operation"])
        report = ParamValidator().validate(r["input"], op.input_shape)
        if report.has_errors():
            fail(f"{where} json[{i}]", report.generate_report())
        for p in enums(op.input_shape, r["input"], r["operation"]):
            fail(f"{where} json[{i}]", p)
        # The model types `type` as a plain string; these are the values EKS documents.
        if r["operation"] == "CreateAccessEntry" and r["input"].get("type") not in ENTRY_TYPES:
            fail(f"{where} json[{i}]", f"type {r['input'].get('type')!r} is not an access entry type")


def canonical(requests):
    return sorted(json.dumps(r, sort_keys=True) for r in requests)


templates = []


def lint_templates(cfn_lint):
    """One cfn-lint run for every template: it takes seconds to start."""
    if not templates:
        return
    r = subprocess.run([cfn_lint, "--"] + templates, capture_output=True, text=True)
    if r.returncode != 0:
        fail("cloudformation", "cfn-lint: " + (r.stdout + r.stderr).strip())


def check_cloudformation(where, workdir, template_text, requests):
    path = os.path.join(workdir, f"template-{len(templates)}.json")
    with open(path, "w") as f:
        f.write(template_text)
    templates.append(path)
    template = json.loads(template_text)
    got = []
    for res in template.get("Resources", {}).values():
        if res["Type"] == "AWS::CloudFormation::WaitConditionHandle" and not requests:
            continue
        if res["Type"] != "AWS::EKS::AccessEntry":
            fail(f"{where} cloudformation", f"resource type {res['Type']}")
            continue
        p = res["Properties"]
        entry = {"clusterName": p["ClusterName"], "principalArn": p["PrincipalArn"], "type": p["Type"]}
        if "Username" in p:
            entry["username"] = p["Username"]
        if "KubernetesGroups" in p:
            entry["kubernetesGroups"] = p["KubernetesGroups"]
        got.append({"operation": "CreateAccessEntry", "input": entry})
        for ap in p.get("AccessPolicies", []):
            scope = {"type": ap["AccessScope"]["Type"]}
            if ap["AccessScope"].get("Namespaces"):
                scope["namespaces"] = ap["AccessScope"]["Namespaces"]
            got.append({"operation": "AssociateAccessPolicy", "input": {
                "clusterName": p["ClusterName"], "principalArn": p["PrincipalArn"],
                "policyArn": ap["PolicyArn"], "accessScope": scope}})
    if canonical(got) != canonical(requests):
        fail(f"{where} cloudformation", f"properties differ from the json requests:\n{got}\n{requests}")


def check_terraform(where, workdir, hcl_text, requests, hclcheck, cluster):
    path = os.path.join(workdir, "main.tf")
    with open(path, "w") as f:
        f.write(hcl_text)
    r = subprocess.run([hclcheck, path, cluster], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{where} terraform", r.stderr.strip())
        return
    got = []
    for res in json.loads(r.stdout) or []:
        v = res["values"]
        if res["type"] == "aws_eks_access_entry":
            entry = {"clusterName": v["cluster_name"], "principalArn": v["principal_arn"], "type": v["type"]}
            if "user_name" in v:
                entry["username"] = v["user_name"]
            if "kubernetes_groups" in v:
                entry["kubernetesGroups"] = v["kubernetes_groups"]
            got.append({"operation": "CreateAccessEntry", "input": entry})
        else:
            got.append({"operation": "AssociateAccessPolicy", "input": {
                "clusterName": v["cluster_name"], "principalArn": v["principal_arn"],
                "policyArn": v["policy_arn"], "accessScope": v["access_scope"]}})
    if canonical(got) != canonical(requests):
        fail(f"{where} terraform", f"values differ from the json requests:\n{got}\n{requests}")


class Recorder(http.server.BaseHTTPRequestHandler):
    recorded = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        Recorder.recorded.append((self.command, self.path, body))
        answer = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_PUT = do_POST

    def log_message(self, *args):
        pass


def as_input(method, path, body):
    """A recorded HTTP request read back into (operation, input) through the service model."""
    for name in MODEL.operation_names:
        op = MODEL.operation_model(name)
        if op.http["method"] != method:
            continue
        template = op.http["requestUri"].split("?")[0]
        parts = re.split(r"\{(\w+)\+?\}", template)
        # re.split alternates literal text and placeholder names.
        pattern = "^" + "".join(
            re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts)
        ) + "$"
        m = re.match(pattern, urllib.parse.urlsplit(path).path)
        if not m:
            continue
        params = json.loads(body or b"{}")
        for member, shape in op.input_shape.members.items():
            ser = shape.serialization
            if ser.get("location") == "uri":
                params[member] = urllib.parse.unquote(m.group(ser.get("name", member)))
            # The CLI fills idempotency tokens itself: they are not part of the plan.
            if shape.metadata.get("idempotencyToken"):
                params.pop(member, None)
        return {"operation": name, "input": params}
    return {"operation": None, "path": path}


def check_shell(where, workdir, script, requests, venv_bin):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.recorded = []
    port = server.server_address[1]
    lines = script.splitlines()
    # The lines as printed, with only the endpoint added after `aws`.
    rewritten = [re.sub(r"^aws eks ", f"aws --endpoint-url http://127.0.0.1:{port} eks ", l) for l in lines]
    path = os.path.join(workdir, "plan.sh")
    with open(path, "w") as f:
        f.write("\n".join(rewritten) + "\n")
    env = dict(os.environ)
    env.update({
        "PATH": venv_bin + os.pathsep + env.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "dummy",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true",
    })
    r = subprocess.run(["sh", path], capture_output=True, text=True, env=env)
    server.shutdown()
    if r.returncode != 0:
        fail(f"{where} shell", f"the script failed: {r.stderr.strip()}")
        return
    got = []
    for method, p, body in Recorder.recorded:
        got.append(as_input(method, p, body))
    # Same calls, in the same order.
    if got != requests:
        fail(f"{where} shell", "recorded requests differ from the json requests:\n"
             + json.dumps(got, indent=1) + "\n" + json.dumps(requests, indent=1))


def main():
    binary, hclcheck, workdir = sys.argv[1:4]
    venv_bin = os.path.dirname(sys.executable)
    cfn_lint = os.path.join(venv_bin, "cfn-lint")
    counts = {"manifests": 0, "requests": 0, "shell": 0}
    for arg in sys.argv[4:]:
        # `+` marks the manifests whose shell script is replayed through the aws CLI (a second
        # or so per line): the project's fixtures, which hold every shape and every escape.
        replay = arg.startswith("+")
        manifest, _, roles = arg.lstrip("+").partition(":")
        where = os.path.basename(manifest)
        requests = json.loads(plan(binary, manifest, roles, "json"))
        check_json(where, requests)
        check_cloudformation(where, workdir, plan(binary, manifest, roles, "cloudformation"), requests)
        # Without a cluster name: a template parameter and a Terraform variable.
        param = [dict(r, input=dict(r["input"], clusterName={"Ref": "ClusterName"})) for r in requests]
        check_cloudformation(where + " (parameter)", workdir, plan(binary, manifest, roles, "cloudformation", None), param)
        check_terraform(where, workdir, plan(binary, manifest, roles, "terraform"), requests, hclcheck, CLUSTER)
        check_terraform(where + " (variable)", workdir, plan(binary, manifest, roles, "terraform", None), requests, hclcheck, CLUSTER)
        if requests and replay:
            check_shell(where, workdir, plan(binary, manifest, roles, "shell"), requests, venv_bin)
            counts["shell"] += 1
        counts["manifests"] += 1
        counts["requests"] += len(requests)
    lint_templates(cfn_lint)
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        sys.exit(1)
    print(f"access-entries outputs: {counts['manifests']} manifests, {counts['requests']} API requests "
          f"valid for botocore {botocore.__version__}, cfn-lint clean, HCL parsed and equal, "
          f"{counts['shell']} shell scripts replayed through the aws CLI and equal")


if __name__ == "__main__":
    main()
