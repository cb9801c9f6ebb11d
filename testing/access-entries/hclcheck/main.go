// hclcheck parses a Terraform file with HashiCorp's HCL parser, checks that it uses only the
// resources and attributes of CONTRACT.md §6, evaluates every attribute (with var.cluster_name
// and references between the resources resolved), and prints the values as JSON so the caller
// can compare them with the EKS API requests of the same plan.
//
// Usage: hclcheck FILE CLUSTER_NAME
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

var allowed = map[string]map[string]bool{
	"aws_eks_access_entry": {
		"cluster_name": true, "principal_arn": true, "type": true, "user_name": true,
		"kubernetes_groups": true, "tags": true,
	},
	"aws_eks_access_policy_association": {
		"cluster_name": true, "principal_arn": true, "policy_arn": true,
	},
}

var scopeAttrs = map[string]bool{"type": true, "namespaces": true}

type resource struct {
	Type   string                     `json:"type"`
	Name   string                     `json:"name"`
	Values map[string]json.RawMessage `json:"values"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "hclcheck: "+format+"\n", args...)
	os.Exit(1)
}

func value(expr hcl.Expression, ctx *hcl.EvalContext) json.RawMessage {
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		fail("%s", diags.Error())
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		fail("%v", err)
	}
	return b
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: hclcheck FILE CLUSTER_NAME")
	}
	file, diags := hclparse.NewParser().ParseHCLFile(os.Args[1])
	if diags.HasErrors() {
		fail("%s", diags.Error())
	}
	body := file.Body.(*hclsyntax.Body)
	if len(body.Attributes) > 0 {
		fail("top-level attributes are not Terraform")
	}
	entries := map[string]cty.Value{}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{"cluster_name": cty.StringVal(os.Args[2])}),
	}}
	// First pass: the entries, whose principal_arn the associations reference.
	var out []resource
	for _, pass := range []string{"aws_eks_access_entry", "aws_eks_access_policy_association"} {
		for _, b := range body.Blocks {
			switch {
			case b.Type == "variable" && len(b.Labels) == 1 && b.Labels[0] == "cluster_name":
				continue
			case b.Type != "resource" || len(b.Labels) != 2:
				fail("%s: unexpected block %s %v", b.DefRange(), b.Type, b.Labels)
			}
			kind, name := b.Labels[0], b.Labels[1]
			attrs, ok := allowed[kind]
			if !ok {
				fail("%s: resource type %s is not one of §6", b.DefRange(), kind)
			}
			if kind != pass {
				continue
			}
			r := resource{Type: kind, Name: name, Values: map[string]json.RawMessage{}}
			for an, a := range b.Body.Attributes {
				if !attrs[an] {
					fail("%s: %s has no attribute %s in §6", a.SrcRange, kind, an)
				}
				r.Values[an] = value(a.Expr, ctx)
			}
			for _, nb := range b.Body.Blocks {
				if kind != "aws_eks_access_policy_association" || nb.Type != "access_scope" {
					fail("%s: unexpected block %s in %s", nb.DefRange(), nb.Type, kind)
				}
				scope := map[string]json.RawMessage{}
				for an, a := range nb.Body.Attributes {
					if !scopeAttrs[an] {
						fail("%s: access_scope has no attribute %s", a.SrcRange, an)
					}
					scope[an] = value(a.Expr, ctx)
				}
				b, _ := json.Marshal(scope)
				r.Values["access_scope"] = b
			}
			if kind == "aws_eks_access_entry" {
				var arn string
				if err := json.Unmarshal(r.Values["principal_arn"], &arn); err != nil {
					fail("%s: principal_arn is not a string", b.DefRange())
				}
				entries[name] = cty.ObjectVal(map[string]cty.Value{"principal_arn": cty.StringVal(arn)})
				ctx.Variables["aws_eks_access_entry"] = cty.ObjectVal(entries)
			}
			out = append(out, r)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fail("%v", err)
	}
}
