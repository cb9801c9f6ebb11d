// tokencheck: runs aws-iam-authenticator's own token verifier (pkg/token's Verifier.Verify) on
// EKS bearer tokens, with the STS call it makes answered in-process by a stand-in for STS that
// checks the SigV4 signature as STS does (recomputed with the AWS SDK's v4 signer, the known
// secret key, and the x-k8s-aws-id header the verifier sends: its own cluster ID) and the
// presigned URL's X-Amz-Expires.
//
//	tokencheck -cluster ID -secret KEY [-region us-east-1] < tokens    one token per line
//
// prints one JSON line per token: {"ok":true,"arn":...,"canonicalArn":...,"accessKeyId":...}
// or {"ok":false,"error":"..."}.
//
//	tokencheck -cluster ID -secret KEY -serve 127.0.0.1:0 [-groups g1,g2]
//
// serves the same verifier as a kube-apiserver token webhook
// (--authentication-token-webhook-config-file): a TokenReview POSTed to /authenticate is
// answered authenticated, as the token's canonical ARN with the given groups, or not. It prints
// its URL on the first line of stdout, then one JSON line per review (as above), and exits when
// stdin closes (the test holds the pipe).
// Only the verifier is aws-iam-authenticator's: the username is the ARN itself, not a mapping
// read from aws-auth.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"sigs.k8s.io/aws-iam-authenticator/pkg/token"
)

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

type fakeSTS struct{ secret string }

func reply(req *http.Request, status int, body string) *http.Response {
	return &http.Response{
		StatusCode: status,
		Status:     fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Body:       io.NopCloser(strings.NewReader(body)),
		Header:     http.Header{"Content-Type": []string{"application/json"}},
		Request:    req,
		ProtoMajor: 1,
		ProtoMinor: 1,
	}
}

func (f fakeSTS) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(req.URL.Host, "sts.") {
		return nil, fmt.Errorf("unexpected host %s", req.URL.Host)
	}
	q := req.URL.Query()
	cred := strings.Split(q.Get("X-Amz-Credential"), "/")
	if len(cred) != 5 {
		return reply(req, 403, `{"Error":{"Code":"IncompleteSignature"}}`), nil
	}
	signedAt, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		return reply(req, 403, `{"Error":{"Code":"IncompleteSignature"}}`), nil
	}
	expires, _ := strconv.Atoi(q.Get("X-Amz-Expires"))
	if time.Now().After(signedAt.Add(time.Duration(expires) * time.Second)) {
		return reply(req, 403, `{"Error":{"Code":"ExpiredToken","Message":"Request has expired"}}`), nil
	}
	// The request as the client must have signed it, signed again with the known secret.
	unsigned := url.Values{}
	for k, v := range q {
		switch k {
		case "X-Amz-Signature", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Security-Token":
		default:
			unsigned[k] = v
		}
	}
	u := *req.URL
	u.RawQuery = unsigned.Encode()
	again, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	for _, h := range strings.Split(q.Get("X-Amz-SignedHeaders"), ";") {
		if h != "host" {
			again.Header.Set(h, req.Header.Get(h))
		}
	}
	creds := aws.Credentials{AccessKeyID: cred[0], SecretAccessKey: f.secret, SessionToken: q.Get("X-Amz-Security-Token")}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, again, emptySHA256, cred[3], cred[2], signedAt)
	if err != nil {
		return nil, err
	}
	su, _ := url.Parse(signed)
	if su.Query().Get("X-Amz-Signature") != q.Get("X-Amz-Signature") {
		return reply(req, 403, `{"Error":{"Code":"SignatureDoesNotMatch","Message":"The request signature we calculated does not match the signature you provided."}}`), nil
	}
	account := "111122223333"
	body := fmt.Sprintf(`{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":%q,"Arn":"arn:aws:sts::%s:assumed-role/deployer/aws-auth","UserId":"AROAEXAMPLE:aws-auth"},"ResponseMetadata":{"RequestId":"x"}}}`, account, account)
	return reply(req, 200, body), nil
}

func main() {
	cluster := flag.String("cluster", "", "the cluster ID the verifier expects")
	secret := flag.String("secret", "", "the secret access key the tokens were signed with")
	region := flag.String("region", "us-east-1", "the verifier's region")
	serveAddr := flag.String("serve", "", "serve a TokenReview webhook on this address instead of reading stdin")
	groups := flag.String("groups", "", "comma-separated groups of an authenticated user (with -serve)")
	flag.Parse()
	http.DefaultTransport = fakeSTS{secret: *secret}
	verifier := token.NewVerifier(*cluster, "aws", *region)
	if *serveAddr != "" {
		serve(verifier, *serveAddr, *groups)
		return
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		id, err := verifier.Verify(line)
		if err != nil {
			_ = out.Encode(map[string]any{"ok": false, "error": err.Error()})
			continue
		}
		_ = out.Encode(map[string]any{"ok": true, "arn": id.ARN, "canonicalArn": id.CanonicalARN, "accessKeyId": id.AccessKeyID, "stsEndpoint": id.STSEndpoint})
	}
}

// tokenReview is the part of authentication.k8s.io TokenReview (v1 and v1beta1 alike) the
// webhook reads and writes.
type tokenReview struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Spec       struct {
		Token string `json:"token"`
	} `json:"spec"`
	Status struct {
		Authenticated bool   `json:"authenticated"`
		Error         string `json:"error,omitempty"`
		User          *struct {
			Username string   `json:"username"`
			UID      string   `json:"uid"`
			Groups   []string `json:"groups,omitempty"`
		} `json:"user,omitempty"`
	} `json:"status"`
}

func serve(verifier token.Verifier, addr, groups string) {
	var groupList []string
	for _, g := range strings.Split(groups, ",") {
		if g != "" {
			groupList = append(groupList, g)
		}
	}
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var printed sync.Mutex
	out := json.NewEncoder(os.Stdout)
	http.HandleFunc("/authenticate", func(w http.ResponseWriter, r *http.Request) {
		var review tokenReview
		if err := json.NewDecoder(r.Body).Decode(&review); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		tok := review.Spec.Token
		review.Spec.Token = ""
		id, err := verifier.Verify(tok)
		printed.Lock()
		if err != nil {
			_ = out.Encode(map[string]any{"ok": false, "error": err.Error()})
		} else {
			_ = out.Encode(map[string]any{"ok": true, "arn": id.ARN, "canonicalArn": id.CanonicalARN, "accessKeyId": id.AccessKeyID, "stsEndpoint": id.STSEndpoint})
		}
		printed.Unlock()
		if err != nil {
			review.Status.Error = err.Error()
		} else {
			review.Status.Authenticated = true
			review.Status.User = &struct {
				Username string   `json:"username"`
				UID      string   `json:"uid"`
				Groups   []string `json:"groups,omitempty"`
			}{Username: id.CanonicalARN, UID: "aws-iam-authenticator:" + id.AccountID + ":" + id.UserID, Groups: groupList}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(review)
	})
	fmt.Printf("http://%s/authenticate\n", listener.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	// The webhook's own requests must not go through the STS stand-in.
	server := &http.Server{Handler: http.DefaultServeMux}
	if err := server.Serve(listener); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
