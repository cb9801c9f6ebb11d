// Command authcheck reports what aws-iam-authenticator's ConfigMap reader
// (sigs.k8s.io/aws-iam-authenticator/pkg/mapper/configmap.ParseMap, the
// function the EKS ConfigMap watcher calls on every change of aws-auth)
// makes of the `data` map of an aws-auth ConfigMap.
//
// Usage:
//
//	authcheck [--debug] [--caller ARN]... < data.json      one JSON object in, one out
//	authcheck --batch [--debug] [--caller ARN]... < lines   NDJSON in, NDJSON out
//	authcheck --batch --labelled < cases.ndjson              lines {"label": s, "data": {...}}
//
// Input: a JSON object whose values are strings (the ConfigMap `data`).
// Output: see README.md / FINDINGS.md in this directory.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/sirupsen/logrus"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"sigs.k8s.io/aws-iam-authenticator/pkg/arn"
	"sigs.k8s.io/aws-iam-authenticator/pkg/config"
	"sigs.k8s.io/aws-iam-authenticator/pkg/mapper/configmap"
)

// The keys ParseMap reads. Anything else in `data` is ignored by it.
var readKeys = []string{"mapRoles", "mapUsers", "mapAccounts"}

type ssoOut struct {
	PermissionSetName string `json:"permissionSetName"`
	AccountID         string `json:"accountID"`
	Partition         string `json:"partition"`
}

type entryOut struct {
	Index    int      `json:"index"`             // position in the decoded list
	RoleARN  *string  `json:"rolearn,omitempty"` // mapRoles only
	UserARN  *string  `json:"userarn,omitempty"` // mapUsers only
	SSO      *ssoOut  `json:"sso"`               // mapRoles only (always null for users)
	Username string   `json:"username"`
	Groups   []string `json:"groups"`
	UserID   string   `json:"userid"`
	Key      string   `json:"key"`  // Key(): the key of the authenticator's in-memory map
	Live     bool     `json:"live"` // false when a later kept entry has the same key (it overwrites this one)
}

type droppedOut struct {
	Index int    `json:"index"`
	Error string `json:"error"`
}

type mappingsOut struct {
	Present     bool         `json:"present"`
	Skipped     bool         `json:"skipped"`     // blank, "", '', `` : ignored without error
	Error       *string      `json:"error"`       // ParseMap's error for this key alone
	YAMLError   *string      `json:"yamlError"`   // utilyaml.ToJSON failed: nothing of this key is kept
	DecodeError *string      `json:"decodeError"` // json.Unmarshal failed: fields/entries that did not fit are zero, the rest kept
	Kept        []entryOut   `json:"kept"`
	Dropped     []droppedOut `json:"dropped"`
	JSON        *string      `json:"json,omitempty"` // --debug: the JSON text json.Unmarshal saw
	Internal    *string      `json:"internalError,omitempty"`
}

type accountsOut struct {
	Present bool     `json:"present"`
	Skipped bool     `json:"skipped"`
	Error   *string  `json:"error"`
	Kept    []string `json:"kept"` // what ParseMap returns (kept even when error is set)
}

type callerOut struct {
	ARN          string   `json:"arn"`
	CanonicalARN *string  `json:"canonicalArn"`
	Error        *string  `json:"error,omitempty"`
	Roles        []string `json:"roles"`          // keys of live role entries that match
	Users        []string `json:"users"`          // keys of live user entries that match
	Account      bool     `json:"accountAllowed"` // account of the ARN is in mapAccounts
}

type result struct {
	MapRoles    mappingsOut `json:"mapRoles"`
	MapUsers    mappingsOut `json:"mapUsers"`
	MapAccounts accountsOut `json:"mapAccounts"`
	Ignored     []string    `json:"ignoredKeys"` // data keys ParseMap does not read
	Callers     []callerOut `json:"callers,omitempty"`
	Label       *string     `json:"label,omitempty"` // --labelled: echoed from the input line
	InputError  *string     `json:"inputError,omitempty"`
}

func strp(s string) *string { return &s }

func errp(err error) *string {
	if err == nil {
		return nil
	}
	return strp(err.Error())
}

// skippable mirrors the one-line blank test ParseMap applies before parsing
// (unexported there); used only to report `skipped`, never to decide `kept`.
func skippable(s string) bool {
	t := strings.TrimSpace(s)
	return t == "" || t == "``" || t == `""` || t == "''"
}

func check(data map[string]string, debug bool, callers []string) result {
	var res result
	for k := range data {
		known := false
		for _, r := range readKeys {
			if k == r {
				known = true
			}
		}
		if !known {
			res.Ignored = append(res.Ignored, k)
		}
	}
	sort.Strings(res.Ignored)
	if res.Ignored == nil {
		res.Ignored = []string{}
	}

	res.MapRoles = checkRoles(data, debug)
	res.MapUsers = checkUsers(data, debug)
	res.MapAccounts = checkAccounts(data)

	for _, c := range callers {
		res.Callers = append(res.Callers, matchCaller(c, data))
	}
	return res
}

// parseOne calls the real ParseMap with only one key, so errors are attributed to that key.
func parseOne(data map[string]string, key string) ([]config.UserMapping, []config.RoleMapping, []string, error) {
	v, ok := data[key]
	if !ok {
		return configmap.ParseMap(map[string]string{})
	}
	return configmap.ParseMap(map[string]string{key: v})
}

// stages repeats ParseMap's two decoding stages for one key to attribute errors and indexes.
func stages(text string, out interface{}) (jsonText []byte, yamlErr, decErr error) {
	jsonText, yamlErr = utilyaml.ToJSON([]byte(text))
	if yamlErr != nil {
		return nil, yamlErr, nil
	}
	decErr = json.Unmarshal(jsonText, out)
	return jsonText, nil, decErr
}

func checkRoles(data map[string]string, debug bool) mappingsOut {
	out := mappingsOut{Kept: []entryOut{}, Dropped: []droppedOut{}}
	text, present := data["mapRoles"]
	out.Present = present
	_, kept, _, err := parseOne(data, "mapRoles")
	out.Error = errp(err)
	if !present {
		return out
	}
	if skippable(text) {
		out.Skipped = true
		return out
	}
	raw := make([]config.RoleMapping, 0)
	js, yerr, derr := stages(text, &raw)
	out.YAMLError, out.DecodeError = errp(yerr), errp(derr)
	if debug && js != nil {
		out.JSON = strp(string(js))
	}
	var mine []config.RoleMapping
	var idx []int
	for i := range raw {
		if verr := raw[i].Validate(); verr != nil {
			out.Dropped = append(out.Dropped, droppedOut{Index: i, Error: verr.Error()})
		} else {
			mine = append(mine, raw[i])
			idx = append(idx, i)
		}
	}
	if len(mine) != len(kept) || (len(kept) > 0 && !reflect.DeepEqual(mine, kept)) {
		out.Internal = strp("authcheck's stage replay disagrees with ParseMap; kept is ParseMap's, indexes unknown")
		idx = nil
	}
	last := map[string]int{}
	for i := range kept {
		last[kept[i].Key()] = i
	}
	for i, m := range kept {
		e := entryOut{Index: -1, Username: m.Username, Groups: m.Groups, UserID: m.UserId, Key: m.Key()}
		if idx != nil {
			e.Index = idx[i]
		}
		e.RoleARN = strp(m.RoleARN)
		if m.SSO != nil {
			e.SSO = &ssoOut{m.SSO.PermissionSetName, m.SSO.AccountID, m.SSO.Partition}
		}
		e.Live = last[e.Key] == i
		out.Kept = append(out.Kept, e)
	}
	return out
}

func checkUsers(data map[string]string, debug bool) mappingsOut {
	out := mappingsOut{Kept: []entryOut{}, Dropped: []droppedOut{}}
	text, present := data["mapUsers"]
	out.Present = present
	kept, _, _, err := parseOne(data, "mapUsers")
	out.Error = errp(err)
	if !present {
		return out
	}
	if skippable(text) {
		out.Skipped = true
		return out
	}
	raw := make([]config.UserMapping, 0)
	js, yerr, derr := stages(text, &raw)
	out.YAMLError, out.DecodeError = errp(yerr), errp(derr)
	if debug && js != nil {
		out.JSON = strp(string(js))
	}
	var mine []config.UserMapping
	var idx []int
	for i := range raw {
		if verr := raw[i].Validate(); verr != nil {
			out.Dropped = append(out.Dropped, droppedOut{Index: i, Error: verr.Error()})
		} else {
			mine = append(mine, raw[i])
			idx = append(idx, i)
		}
	}
	if len(mine) != len(kept) || (len(kept) > 0 && !reflect.DeepEqual(mine, kept)) {
		out.Internal = strp("authcheck's stage replay disagrees with ParseMap; kept is ParseMap's, indexes unknown")
		idx = nil
	}
	last := map[string]int{}
	for i := range kept {
		last[kept[i].Key()] = i
	}
	for i, m := range kept {
		e := entryOut{Index: -1, Username: m.Username, Groups: m.Groups, UserID: m.UserId, Key: m.Key()}
		if idx != nil {
			e.Index = idx[i]
		}
		e.UserARN = strp(m.UserARN)
		e.Live = last[e.Key] == i
		out.Kept = append(out.Kept, e)
	}
	return out
}

func checkAccounts(data map[string]string) accountsOut {
	out := accountsOut{Kept: []string{}}
	text, present := data["mapAccounts"]
	out.Present = present
	_, _, accts, err := parseOne(data, "mapAccounts")
	out.Error = errp(err)
	out.Skipped = present && skippable(text)
	if accts != nil {
		out.Kept = accts
	}
	return out
}

// matchCaller mimics ConfigMapMapper.Map for a caller ARN: the ARN is
// canonicalised by arn.Canonicalize (as pkg/token does), lowercased, then
// every live entry's Matches() is tried. The real lookup walks a Go map, so
// when several live entries match, which one is used is random.
func matchCaller(callerARN string, data map[string]string) callerOut {
	out := callerOut{ARN: callerARN, Roles: []string{}, Users: []string{}}
	_, canon, err := arn.Canonicalize(callerARN)
	if err != nil {
		out.Error = errp(err)
		return out
	}
	out.CanonicalARN = strp(canon)
	subject := strings.ToLower(canon)
	users, roles, accts, _ := configmap.ParseMap(data)
	rm := map[string]config.RoleMapping{}
	for _, r := range roles {
		rm[r.Key()] = r
	}
	um := map[string]config.UserMapping{}
	for _, u := range users {
		um[u.Key()] = u
	}
	for k, r := range rm {
		if r.Matches(subject) {
			out.Roles = append(out.Roles, k)
		}
	}
	for k, u := range um {
		if u.Matches(subject) {
			out.Users = append(out.Users, k)
		}
	}
	sort.Strings(out.Roles)
	sort.Strings(out.Users)
	parts := strings.SplitN(canon, ":", 6)
	if len(parts) == 6 {
		for _, a := range accts {
			if a == parts[4] {
				out.Account = true
			}
		}
	}
	return out
}

func decodeInput(line []byte) (map[string]string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil {
		return nil, fmt.Errorf("input is not a JSON object: %v", err)
	}
	if raw == nil {
		return nil, fmt.Errorf("input is not a JSON object")
	}
	data := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, fmt.Errorf("value of data key %q is not a string", k)
		}
		data[k] = s
	}
	return data, nil
}

func run(line []byte, debug bool, callers []string) result {
	data, err := decodeInput(line)
	if err != nil {
		res := check(map[string]string{}, false, nil)
		res.InputError = errp(err)
		return res
	}
	return check(data, debug, callers)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func main() {
	batch := flag.Bool("batch", false, "read newline-delimited JSON data maps, write one result line each")
	debug := flag.Bool("debug", false, "include the intermediate JSON text per key")
	labelled := flag.Bool("labelled", false, `with --batch: input lines are {"label": "...", "data": {...}}; the label is echoed`)
	var callers multiFlag
	flag.Var(&callers, "caller", "caller identity ARN to match against the live mappings (repeatable)")
	flag.Parse()
	config.SSORoleMatchEnabled = true // the authenticator's SSORoleMatch feature gate (EKS supports sso entries)
	logrus.SetOutput(io.Discard)      // ParseMap logs warnings; keep stdout/stderr clean

	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)

	if !*batch {
		in, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "authcheck:", err)
			os.Exit(2)
		}
		res := run(in, *debug, callers)
		_ = enc.Encode(res)
		if res.InputError != nil {
			w.Flush()
			os.Exit(2)
		}
		return
	}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if *labelled {
			var lc struct {
				Label string          `json:"label"`
				Data  json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal(line, &lc); err != nil {
				res := run([]byte("{}"), false, nil)
				res.InputError = strp("labelled line: " + err.Error())
				_ = enc.Encode(res)
			} else {
				res := run(lc.Data, *debug, callers)
				res.Label = &lc.Label
				_ = enc.Encode(res)
			}
		} else {
			_ = enc.Encode(run(line, *debug, callers))
		}
		w.Flush()
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "authcheck:", err)
		os.Exit(2)
	}
}
