package awsfake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Server is one endpoint for every fake service, as AWS_ENDPOINT_URL is one
// endpoint for every service of an SDK: each request goes to the fake of the
// service its signature is scoped to (athena, glue, s3, ec2). The real SDK
// clients reach it through Config, or through the standard endpoint
// settings of a process (Env).
type Server struct {
	*httptest.Server
	Athena *Athena
	Glue   *Glue
	S3     *S3
	EC2    *EC2
}

// New starts a server with empty fakes; it stops when the test ends.
func New(t testing.TB) *Server {
	s := &Server{Athena: NewAthenaFake(), Glue: NewGlueFake(), S3: NewS3Fake(), EC2: newEC2(nil)}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch service := signedService(r); service {
	case "athena":
		s.Athena.ServeHTTP(w, r)
	case "glue":
		s.Glue.ServeHTTP(w, r)
	case "s3":
		s.S3.ServeHTTP(w, r)
	case "ec2":
		s.EC2.ServeHTTP(w, r)
	case "":
		writeJSONError(w, &apiError{http.StatusForbidden, "MissingAuthenticationTokenException", "the request is not signed"})
	default:
		writeJSONError(w, &apiError{http.StatusBadRequest, "UnknownService", "no fake for service " + service})
	}
}

// signedService is the service of a request's SigV4 credential scope, "" when
// it is not signed.
func signedService(r *http.Request) string {
	parts, ok := authorization(r.Header.Get("Authorization"))
	if !ok {
		return ""
	}
	scope := strings.Split(parts["Credential"], "/")
	if len(scope) != 5 {
		return ""
	}
	return scope[3]
}

// Region is the region Config and Env name.
const Region = "eu-west-1"

// Config is an AWS configuration for the real SDK clients that reaches the
// fakes: the key pair they accept, the server as every service's endpoint,
// and a retryer that retries as the SDK's standard one does (throttling,
// 5xx, connections dropped; three attempts) without waiting between tries.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  Credentials(),
		BaseEndpoint: aws.String(s.URL),
		HTTPClient:   s.Client(),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
				o.RateLimiter = ratelimit.None // a test's faults would empty the retry token bucket
			})
		},
	}
}

// Env is the environment that points a process's standard AWS configuration
// at the server: the endpoint, the key pair and the region, with no shared
// files read.
func (s *Server) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + s.URL,
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=" + Region,
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}
