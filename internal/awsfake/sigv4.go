package awsfake

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The one key pair the fakes accept. Tests sign with it through Credentials.
const (
	AccessKeyID     = "AKIDFAKE"
	SecretAccessKey = "secret"
)

// Credentials gives the SDK the key pair the fakes accept.
func Credentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, "")
}

// maxSkew is how far a request's X-Amz-Date may be from the fake's clock, as
// AWS allows.
const maxSkew = 15 * time.Minute

// authError is why a request's signature is refused: an AWS error code, an
// HTTP status and a message.
type authError struct {
	status        int
	code, message string
}

func (e *authError) Error() string { return e.code + ": " + e.message }

// signed is what a verified signature says about its request.
type signed struct {
	Region string // the region of the credential scope
}

// verifySigV4 checks a request's AWS Signature Version 4 as AWS does: it
// recomputes the signature from the request as it arrived (method, path,
// query, the headers the client listed as signed, and the SHA-256 of body)
// with the secret of the key the request names, and compares it with the
// signature the request carries. The service of the credential scope must be
// service; the date must be within maxSkew of now.
func verifySigV4(r *http.Request, body []byte, service string, now time.Time) (*signed, error) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return nil, &authError{http.StatusUnauthorized, "MissingAuthenticationToken",
			"The request must contain either a valid (registered) AWS access key ID or X.509 certificate."}
	}
	incomplete := func(why string) error {
		return &authError{http.StatusBadRequest, "IncompleteSignature", "The request signature does not conform to AWS standards: " + why}
	}
	parts, ok := authorization(auth)
	if !ok {
		return nil, incomplete("the algorithm is not AWS4-HMAC-SHA256")
	}
	credential, signedHeaders, signature := parts["Credential"], parts["SignedHeaders"], parts["Signature"]
	if credential == "" || signedHeaders == "" || signature == "" {
		return nil, incomplete("Credential, SignedHeaders and Signature are required")
	}
	scope := strings.Split(credential, "/") // key/date/region/service/aws4_request
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return nil, incomplete("the credential " + credential + " is not key/date/region/service/aws4_request")
	}
	if scope[3] != service {
		return nil, incomplete(fmt.Sprintf("the credential is scoped to service %s, not %s", scope[3], service))
	}
	if scope[0] != AccessKeyID {
		return nil, &authError{http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials"}
	}
	date, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil || date.Format("20060102") != scope[1] {
		return nil, incomplete("X-Amz-Date is missing or disagrees with the credential's date")
	}
	if d := now.Sub(date); d > maxSkew || d < -maxSkew {
		return nil, &authError{http.StatusBadRequest, "RequestExpired",
			fmt.Sprintf("Request has expired: signed at %s, %s from the server's time", date.Format(time.RFC3339), d.Round(time.Second))}
	}

	// Rebuild the request from what was received and sign it again. Only the
	// headers the client listed take part, as in AWS's canonical request.
	names := strings.Split(signedHeaders, ";")
	again := &http.Request{Method: r.Method, Host: r.Host, Header: http.Header{},
		URL: &url.URL{Scheme: "https", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}}
	for _, name := range names {
		switch name {
		case "host":
		case "content-length":
			again.ContentLength = int64(len(body))
		default:
			values, ok := r.Header[http.CanonicalHeaderKey(name)]
			if !ok {
				return nil, incomplete("the signed header " + name + " is not in the request")
			}
			again.Header[http.CanonicalHeaderKey(name)] = values
		}
	}
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	signer := v4.NewSigner()
	if service == "s3" {
		// S3 signs the payload hash it sends in X-Amz-Content-Sha256 (which
		// may say UNSIGNED-PAYLOAD), and its paths are not escaped twice.
		if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
			if h != "UNSIGNED-PAYLOAD" && h != payload && len(body) > 0 {
				return nil, &authError{http.StatusBadRequest, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."}
			}
			payload = h
		}
		signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	}
	creds := aws.Credentials{AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey}
	if err := signer.SignHTTP(context.Background(), creds, again, payload, scope[3], scope[2], date); err != nil {
		return nil, fmt.Errorf("sign the request again: %w", err)
	}
	want, _ := authorization(again.Header.Get("Authorization"))
	if want["SignedHeaders"] != signedHeaders {
		// The client listed a header set the SDK's signer would not sign (one
		// it never signs, such as User-Agent, or without Host).
		return nil, incomplete(fmt.Sprintf("signed headers %s, where AWS's signer signs %s", signedHeaders, want["SignedHeaders"]))
	}
	if subtle.ConstantTimeCompare([]byte(want["Signature"]), []byte(signature)) != 1 {
		return nil, &authError{http.StatusForbidden, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."}
	}
	return &signed{Region: scope[2]}, nil
}

// authorization splits an AWS4-HMAC-SHA256 Authorization header into its
// Credential, SignedHeaders and Signature.
func authorization(header string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(header, "AWS4-HMAC-SHA256 ")
	if !ok {
		return nil, false
	}
	parts := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		parts[k] = v
	}
	return parts, true
}
