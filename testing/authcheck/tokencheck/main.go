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
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
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
	flag.Parse()
	http.DefaultTransport = fakeSTS{secret: *secret}
	verifier := token.NewVerifier(*cluster, "aws", *region)
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
