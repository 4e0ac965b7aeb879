package athenadb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/flowq/flowq/internal/parallel"
	"github.com/flowq/flowq/partitions"
)

// S3 downloads flow-log files through the SDK's S3 client, so that it behaves
// as every AWS tool does: the configuration's credentials, HTTP client and
// retryer, and the SDK's endpoint rules (AWS_ENDPOINT_URL_S3, path-style
// addressing for an endpoint that is an IP address).
type S3 struct {
	client *s3.Client
}

// NewS3 builds the client from an AWS configuration, as
// config.LoadDefaultConfig returns it.
func NewS3(cfg aws.Config) *S3 {
	// A listing cut short is sent again like the Athena and Glue calls (an
	// object cut short is fetched again by fetch); the attempts are the
	// configuration's.
	return &S3{client: s3.NewFromConfig(cfg, func(o *s3.Options) { o.Retryer = dropRetryer{o.Retryer} })}
}

// DownloadJournal is the file in a download's destination that records each
// file downloaded whole: its source, size and ETag, one JSON object a line,
// appended to. A file is skipped by a later download when its object still
// has the size and ETag recorded. ETags are compared, never an MD5 computed
// locally: an object encrypted with SSE-KMS or uploaded in parts has an ETag
// that is not the MD5 of its content.
const DownloadJournal = ".flowq-download.jsonl"

// DefaultParallel is how many files a download fetches at once by default.
const DefaultParallel = 8

// DownloadOptions say which flow-log files to download and where to.
type DownloadOptions struct {
	Location string            // s3://bucket/ or s3://bucket/prefix/: the folder that holds AWSLogs/
	Window   partitions.Window // files that can hold records of the window, by their time
	// Accounts and Regions name the folders to read; none means every one
	// found by listing (AWSLogs/, then each account's service folder).
	Accounts, Regions []string
	FlowLogID         string // only this flow log's files; "" for every flow log's
	Dest              string // local folder: the keys below Location are written below it
	Parallel          int    // folders listed and files fetched at once; 0 means DefaultParallel
}

// DownloadPlan is what a download would do: what it listed, what it would
// fetch, and what is already in the destination.
type DownloadPlan struct {
	Options DownloadOptions
	Bucket  string
	Prefix  string   // the key prefix of Location: "" or ending in "/"
	Listed  []string // the key prefixes listed (each with the delimiter "/"), sorted
	Files   []DownloadFile
	Present []DownloadFile // in Dest already, with the size and ETag listed
	// Ignored are the keys in the listed folders that are not flow-log files
	// of their folder, and folders where only hour folders belong.
	Ignored []IgnoredKey
	// Warnings say what the listing found missing: no account folder under
	// AWSLogs/ (a location that is not where flow logs deliver), or an
	// account of Options.Accounts without region folders.
	Warnings []string
}

// DownloadFile is an object to download.
type DownloadFile struct {
	Key    string
	Path   string // below the destination, slash-separated: the key below the location's prefix
	Size   int64
	ETag   string // as listed, quoted as S3 gives it
	Object partitions.Object
}

// IgnoredKey is a key in a listed folder that a download leaves alone, and why.
type IgnoredKey struct {
	Key    string
	Reason string
}

// FetchBytes is the size of the files to fetch.
func (p *DownloadPlan) FetchBytes() int64 { return totalSize(p.Files) }

// PresentBytes is the size of the files already present.
func (p *DownloadPlan) PresentBytes() int64 { return totalSize(p.Present) }

// URL is the s3:// address of a key of the plan's bucket.
func (p *DownloadPlan) URL(key string) string { return "s3://" + p.Bucket + "/" + key }

func totalSize(files []DownloadFile) int64 {
	var n int64
	for _, f := range files {
		n += f.Size
	}
	return n
}

// ParseS3URL splits s3://bucket/prefix/ into the bucket and the key prefix
// ("" or ending in "/": the prefix is a folder), checking the bucket's name
// and that no folder of the prefix is empty.
func ParseS3URL(loc string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(loc, "s3://")
	bucket, prefix, _ = strings.Cut(rest, "/")
	if !ok || bucket == "" {
		return "", "", fmt.Errorf("location %q: want s3://bucket/ or s3://bucket/prefix/", loc)
	}
	if !validBucket(bucket) {
		return "", "", fmt.Errorf("location %q: %q is not an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)", loc, bucket)
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/" // the prefix is a folder: s3://bucket/prefix means s3://bucket/prefix/
	}
	if strings.HasPrefix(prefix, "/") || strings.Contains(prefix, "//") {
		return "", "", fmt.Errorf("location %q: the prefix has an empty folder name", loc)
	}
	return bucket, prefix, nil
}

// ParseS3Location is ParseS3URL for the folder that holds AWSLogs/, as a
// flow log's destination names it: a folder inside AWSLogs/ is refused (AWS
// reserves the name: no flow log's prefix holds it).
func ParseS3Location(loc string) (bucket, prefix string, err error) {
	if bucket, prefix, err = ParseS3URL(loc); err != nil {
		return "", "", err
	}
	if i := strings.Index("/"+prefix, "/"+partitions.LogsFolder); i >= 0 {
		return "", "", fmt.Errorf("location %q: give the folder that holds %s (s3://%s/%s), not a folder inside it", loc, partitions.LogsFolder, bucket, prefix[:i])
	}
	return bucket, prefix, nil
}

// validBucket checks the shape S3 gives bucket names.
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (c != '.' && c != '-' || i == 0 || i == len(b)-1) {
			return false
		}
	}
	return true
}

// CheckFlowLogID refuses what cannot be a flow log's ID (fl- and letters and
// digits), the shape of the ID in file names.
func CheckFlowLogID(id string) error {
	rest, ok := strings.CutPrefix(id, "fl-")
	if !ok || rest == "" || strings.IndexFunc(rest, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) >= 0 {
		return fmt.Errorf("flow log ID %q: want fl- and letters and digits", id)
	}
	return nil
}

// check refuses options a download cannot start from, naming the option.
func (o *DownloadOptions) check() (bucket, prefix string, err error) {
	if bucket, prefix, err = ParseS3Location(o.Location); err != nil {
		return "", "", err
	}
	if !o.Window.From.Before(o.Window.To) {
		return "", "", errors.New("no time window: a download reads the folders of a window")
	}
	if err := partitions.CheckScope(o.Accounts, o.Regions); err != nil {
		return "", "", err
	}
	if o.FlowLogID != "" {
		if err := CheckFlowLogID(o.FlowLogID); err != nil {
			return "", "", err
		}
	}
	if o.Dest == "" {
		return "", "", errors.New("no destination folder")
	}
	if o.Parallel < 0 {
		return "", "", fmt.Errorf("parallel %d: want 0 (the default) or more", o.Parallel)
	}
	return bucket, prefix, nil
}

// PlanDownload lists what a download of the window would fetch. It lists
// only folders, each with the delimiter "/", never the bucket: AWSLogs/ for
// the accounts and each account's service folder for the regions (unless
// given), then the day folders the window needs in each account and region,
// in both kinds of prefixes (default and Hive-compatible). A day folder holds
// the files of a daily layout and the hour folders of an hourly one, so one
// listing says which it is, and a prefix where several flow logs deliver
// differently is read whole; of the hour folders, only those in the window are
// listed. A file is fetched when its time (from its name) can hold records of
// the window, and it belongs to the flow log asked for.
func (c *S3) PlanDownload(ctx context.Context, opts DownloadOptions) (*DownloadPlan, error) {
	bucket, prefix, err := opts.check()
	if err != nil {
		return nil, fmt.Errorf("plan download: %w", err)
	}
	// A folder named twice is listed once, and its files fetched once.
	opts.Accounts, opts.Regions = sortedSet(opts.Accounts), sortedSet(opts.Regions)
	p := &planner{c: c, plan: &DownloadPlan{Options: opts, Bucket: bucket, Prefix: prefix}}
	scopes, err := p.accounts(ctx)
	if err != nil {
		return nil, err
	}
	if scopes, err = p.regions(ctx, scopes); err != nil {
		return nil, err
	}
	if err := p.folders(ctx, scopes); err != nil {
		return nil, err
	}
	if err := p.present(); err != nil {
		return nil, err
	}
	slices.Sort(p.plan.Listed)
	return p.plan, nil
}

// planner builds a plan; its methods may run on several goroutines.
type planner struct {
	c    *S3
	mu   sync.Mutex
	plan *DownloadPlan
}

// folderScope is a folder of the bucket to read: an account, or an account's
// region, in one kind of prefixes.
type folderScope struct {
	kind            prefixKind
	account, region string
}

// accounts lists AWSLogs/ for the accounts in each kind of prefixes, or takes
// the accounts given (in both kinds: their regions' listing says which has
// them).
func (p *planner) accounts(ctx context.Context) ([]folderScope, error) {
	var out []folderScope
	if len(p.plan.Options.Accounts) > 0 {
		for _, k := range prefixKinds() {
			for _, a := range p.plan.Options.Accounts {
				out = append(out, folderScope{kind: k, account: a})
			}
		}
		return out, nil
	}
	l, err := p.list(ctx, p.plan.Prefix+partitions.LogsFolder)
	if err != nil {
		return nil, err
	}
	for _, folder := range l.folders {
		for _, k := range prefixKinds() {
			if a, ok := k.account(p.plan.Prefix, folder); ok {
				out = append(out, folderScope{kind: k, account: a})
			}
		}
	}
	if len(out) == 0 {
		p.plan.Warnings = append(p.plan.Warnings, fmt.Sprintf("no account folders under %s: is the location the folder the flow logs deliver to?",
			p.plan.URL(p.plan.Prefix+partitions.LogsFolder)))
	}
	return out, nil
}

// regions lists each account's service folder for its regions, or takes the
// regions given.
func (p *planner) regions(ctx context.Context, accounts []folderScope) ([]folderScope, error) {
	var out []folderScope
	if len(p.plan.Options.Regions) > 0 {
		for _, s := range accounts {
			for _, r := range p.plan.Options.Regions {
				out = append(out, folderScope{kind: s.kind, account: s.account, region: r})
			}
		}
		return out, nil
	}
	found := make([][]folderScope, len(accounts))
	err := parallel.Run(ctx, len(accounts), p.parallel(), func(ctx context.Context, i int) error {
		s := accounts[i]
		l, err := p.list(ctx, s.kind.regionsFolder(p.plan.Prefix, s.account))
		if err != nil {
			return err
		}
		for _, folder := range l.folders {
			if r, ok := s.kind.region(p.plan.Prefix, s.account, folder); ok {
				found[i] = append(found[i], folderScope{kind: s.kind, account: s.account, region: r})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	has := map[string]bool{}
	for i, s := range accounts {
		out = append(out, found[i]...)
		has[s.account] = has[s.account] || len(found[i]) > 0
	}
	for _, a := range p.plan.Options.Accounts { // given, so listed in every kind of prefixes
		if !has[a] {
			p.plan.Warnings = append(p.plan.Warnings, fmt.Sprintf("account %s: no region folders under %s", a, p.plan.URL(p.plan.Prefix+partitions.LogsFolder)))
		}
	}
	return out, nil
}

// folders lists the window's day folders of each region, then the hour
// folders they hold inside the window, and keeps the files.
func (p *planner) folders(ctx context.Context, regions []folderScope) error {
	w := p.plan.Options.Window
	type day struct {
		folderScope
		start time.Time
	}
	var days []day
	for _, s := range regions {
		for _, t := range s.kind.daily.Folders(w) {
			days = append(days, day{s, t})
		}
	}
	hoursIn := map[prefixKind]map[time.Time]bool{}
	for _, k := range prefixKinds() {
		hoursIn[k] = map[time.Time]bool{}
		for _, t := range k.hourly.Folders(w) {
			hoursIn[k][t] = true
		}
	}
	hours := make([][]string, len(days))
	err := parallel.Run(ctx, len(days), p.parallel(), func(ctx context.Context, i int) error {
		d := days[i]
		folder := d.kind.daily.Folder(p.plan.Prefix, d.account, d.region, d.start)
		l, err := p.list(ctx, folder)
		if err != nil {
			return err
		}
		p.keep(l)
		// The day's hour folders, by their prefix.
		hourOf := map[string]time.Time{}
		for h := d.start; h.Before(d.start.AddDate(0, 0, 1)); h = h.Add(time.Hour) {
			hourOf[d.kind.hourly.Folder(p.plan.Prefix, d.account, d.region, h)] = h
		}
		for _, sub := range l.folders {
			h, ok := hourOf[sub]
			switch {
			case !ok:
				p.ignore(sub, "not an hour folder of "+folder)
			case hoursIn[d.kind][h]:
				hours[i] = append(hours[i], sub)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	hourFolders := slices.Concat(hours...)
	err = parallel.Run(ctx, len(hourFolders), p.parallel(), func(ctx context.Context, i int) error {
		l, err := p.list(ctx, hourFolders[i])
		if err != nil {
			return err
		}
		p.keep(l)
		for _, sub := range l.folders {
			p.ignore(sub, "a folder inside an hour folder")
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(p.plan.Files, func(a, b DownloadFile) int { return strings.Compare(a.Key, b.Key) })
	slices.SortFunc(p.plan.Ignored, func(a, b IgnoredKey) int { return strings.Compare(a.Key, b.Key) })
	return nil
}

// keep adds the files of a folder's listing that the window and the flow log
// select.
func (p *planner) keep(l folderListing) {
	opts := p.plan.Options
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, obj := range l.objects {
		key := aws.ToString(obj.Key)
		if strings.HasSuffix(key, "/") {
			continue // a folder marker (the console's "create folder"): no data
		}
		rel := strings.TrimPrefix(key, p.plan.Prefix)
		o, err := partitions.ParseKey(key)
		switch {
		case err != nil:
		case o.Root != p.plan.Prefix:
			err = fmt.Errorf("key %q: below a second %s folder", key, partitions.LogsFolder)
		case !filepath.IsLocal(filepath.FromSlash(rel)): // a layout's key always is: a guard for the destination
			err = fmt.Errorf("key %q: not a path inside the destination", key)
		}
		if err != nil {
			reason := strings.TrimPrefix(err.Error(), fmt.Sprintf("key %q: ", key)) // the key is said once
			p.plan.Ignored = append(p.plan.Ignored, IgnoredKey{Key: key, Reason: reason})
			continue
		}
		if opts.FlowLogID != "" && o.FlowLogID != opts.FlowLogID || !opts.Window.Selects(o) {
			continue
		}
		p.plan.Files = append(p.plan.Files, DownloadFile{Key: key, Path: rel,
			Size: aws.ToInt64(obj.Size), ETag: aws.ToString(obj.ETag), Object: o})
	}
}

func (p *planner) ignore(key, reason string) {
	p.mu.Lock()
	p.plan.Ignored = append(p.plan.Ignored, IgnoredKey{Key: key, Reason: reason})
	p.mu.Unlock()
}

func (p *planner) parallel() int { return cmp.Or(p.plan.Options.Parallel, DefaultParallel) }

// present moves the files that the destination holds already, whole and with
// the ETag listed, from Files to Present.
func (p *planner) present() error {
	journal, err := readJournal(p.plan.Options.Dest)
	if err != nil {
		return err
	}
	var fetch []DownloadFile
	for _, f := range p.plan.Files {
		e, ok := journal[f.Path]
		if ok && e.Source == p.plan.URL(f.Key) && e.Size == f.Size && e.ETag == f.ETag {
			st, err := os.Stat(localPath(p.plan.Options.Dest, f.Path))
			if err == nil && st.Mode().IsRegular() && st.Size() == f.Size {
				p.plan.Present = append(p.plan.Present, f)
				continue
			}
		}
		fetch = append(fetch, f)
	}
	p.plan.Files = fetch
	return nil
}

// folderListing is one folder's listing: its objects and its sub-folders.
type folderListing struct {
	objects []s3types.Object
	folders []string
}

// list lists a folder with the delimiter "/", page by page.
func (p *planner) list(ctx context.Context, prefix string) (folderListing, error) {
	p.mu.Lock()
	p.plan.Listed = append(p.plan.Listed, prefix)
	p.mu.Unlock()
	pages := s3.NewListObjectsV2Paginator(p.c.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(p.plan.Bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/")})
	var l folderListing
	seen := map[string]bool{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return folderListing{}, fmt.Errorf("list %s: %w", p.plan.URL(prefix), serviceError(err))
		}
		l.objects = append(l.objects, page.Contents...)
		for _, cp := range page.CommonPrefixes {
			// A folder may come again on the next page (S3 can cut a page
			// inside it); it is one folder.
			if f := aws.ToString(cp.Prefix); !seen[f] {
				seen[f] = true
				l.folders = append(l.folders, f)
			}
		}
	}
	return l, nil
}

// prefixKind is one kind of prefixes, default or Hive-compatible: its daily and
// hourly layouts share every folder down to the day, and the hour folders sit
// in the day folder.
type prefixKind struct {
	daily, hourly partitions.Layout
}

// kinds are the kinds of prefixes, from the package partitions' layouts.
func prefixKinds() []prefixKind {
	var out []prefixKind
	for _, l := range partitions.Layouts() {
		if !l.PerHour {
			out = append(out, prefixKind{daily: l, hourly: partitions.Layout{Hive: l.Hive, PerHour: true}})
		}
	}
	return out
}

// Marks stand for the account and the region in a folder template.
const (
	accountMark = "{account}"
	regionMark  = "{region}"
)

// template is the kind's day folder with marks for the account and region:
// AWSLogs/{account}/vpcflowlogs/{region}/0001/01/01/, or
// AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/aws-region={region}/….
func (k prefixKind) template() string {
	return k.daily.Folder("", accountMark, regionMark, time.Time{})
}

// account reads the account of an account folder that the listing of
// AWSLogs/ below root returned, if it is one of this kind.
func (k prefixKind) account(root, folder string) (string, bool) {
	t := k.template()
	rest, ok := strings.CutPrefix(folder, root+t[:strings.Index(t, accountMark)])
	a, end := strings.CutSuffix(rest, "/")
	return a, ok && end && partitions.CheckAccount(a) == nil
}

// regionsFolder is the folder that holds an account's region folders: its
// service folder.
func (k prefixKind) regionsFolder(root, account string) string {
	t := k.template()
	t = t[:strings.LastIndexByte(t[:strings.Index(t, regionMark)], '/')+1]
	return root + strings.Replace(t, accountMark, account, 1)
}

// region reads the region of a region folder that the listing of the
// account's service folder returned.
func (k prefixKind) region(root, account, folder string) (string, bool) {
	t := k.template()
	i := strings.Index(t, regionMark)
	key := t[strings.LastIndexByte(t[:i], '/')+1 : i] // "aws-region=" or ""
	rest, ok := strings.CutPrefix(folder, k.regionsFolder(root, account)+key)
	r, end := strings.CutSuffix(rest, "/")
	return r, ok && end && partitions.CheckRegion(r) == nil
}

func sortedSet(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}
