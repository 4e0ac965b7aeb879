package partitions

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Object is what an object key (or a local path in a downloaded tree) says
// about a log file.
type Object struct {
	Root      string // the bucket prefix before "AWSLogs/": "" or ending in "/"
	Layout    Layout
	Account   string
	Region    string
	FlowLogID string
	Time      time.Time // the file's time from its name, UTC, on a 5-minute boundary
	Hash      string
	Format    FileFormat
}

// NamePattern matches an object's file name at the end of a path (RE2 syntax,
// which DuckDB's regexp functions share). Its groups: 1 account, 2 region,
// 3 flow-log ID, 4 time (YYYYMMDDTHHmmZ), 5 hash, 6 extension (.log is a
// .log.gz a user unpacked).
const NamePattern = `(\d{12}|unknown)_vpcflowlogs_([a-z0-9-]+)_(fl-[0-9a-zA-Z]+)_(\d{8}T\d{4}Z)_([0-9a-zA-Z]+)(\.log\.gz|\.log\.parquet|\.gz\.parquet|\.parquet|\.log)$`

// Key is the object key AWS writes for o.
func (o Object) Key() string {
	return o.Layout.Folder(o.Root, o.Account, o.Region, o.Time) + o.Name()
}

// FolderCachePrefix starts the hash of a file that holds a whole folder's
// records (flowq's Parquet cache writes one per folder and flow log) rather
// than one 5-minute delivery. Its name's time is the folder's start.
const FolderCachePrefix = "flowqfolder"

// IsFolderCache reports whether the object holds a whole folder's records.
func (o Object) IsFolderCache() bool { return strings.HasPrefix(o.Hash, FolderCachePrefix) }

// Name is the object's file name:
// {account}_vpcflowlogs_{region}_{flow-log-id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz
func (o Object) Name() string {
	return fmt.Sprintf("%s_vpcflowlogs_%s_%s_%s_%s%s",
		o.Account, o.Region, o.FlowLogID, o.Time.UTC().Format(nameTime), o.Hash, o.Format.Ext())
}

const nameTime = "20060102T1504Z"

var (
	nameRE = regexp.MustCompile("^" + NamePattern) // the specification splitName implements; tested
)

// ParseName parses a file name alone (for files outside their S3 folders).
// The returned Object has no layout or root.
func ParseName(name string) (Object, error) {
	o, ts, ok := splitName(name)
	if !ok {
		return Object{}, fmt.Errorf("file name %q: want {account}_vpcflowlogs_{region}_{flow-log-id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz or .log.parquet", name)
	}
	t, err := time.Parse(nameTime, ts)
	if err != nil {
		return Object{}, fmt.Errorf("file name %q: time %s: %w", name, ts, err)
	}
	o.Time = t
	return o, nil
}

// splitName matches a whole name against NamePattern without a regular
// expression (discovery parses every name of a tree, and the expression cost
// most of that); a test holds the two to the same answers. It returns the
// object without its time, and the time's text.
func splitName(name string) (o Object, ts string, ok bool) {
	parts := strings.Split(name, "_")
	if len(parts) != 6 || parts[1] != "vpcflowlogs" {
		return Object{}, "", false
	}
	account, region, id, ts, last := parts[0], parts[2], parts[3], parts[4], parts[5]
	dot := strings.IndexByte(last, '.')
	if dot < 0 {
		return Object{}, "", false
	}
	hash, ext := last[:dot], last[dot:]
	ff := Text
	switch ext {
	case ".log.gz", ".log":
	case ".log.parquet", ".gz.parquet", ".parquet":
		ff = Parquet
	default:
		return Object{}, "", false
	}
	lower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	alnum := func(c byte) bool { return lower(c) || digit(c) || c >= 'A' && c <= 'Z' }
	regionChar := func(c byte) bool { return lower(c) || digit(c) || c == '-' }
	ok = (account == "unknown" || len(account) == 12 && all(account, digit)) &&
		region != "" && all(region, regionChar) &&
		len(id) > 3 && id[:3] == "fl-" && all(id[3:], alnum) &&
		len(ts) == 14 && all(ts[:8], digit) && ts[8] == 'T' && all(ts[9:13], digit) && ts[13] == 'Z' &&
		hash != "" && all(hash, alnum)
	return Object{Account: account, Region: region, FlowLogID: id, Hash: hash, Format: ff}, ts, ok
}

func all(s string, is func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !is(s[i]) {
			return false
		}
	}
	return true
}

// ParseKey parses an S3 object key, or a slash-separated path that contains the
// AWSLogs/ folder (a downloaded tree), in any of the layouts. Hive keys may
// have their '=' URL-encoded as %3D. The folders must agree with the file name.
func ParseKey(key string) (Object, error) {
	if strings.Contains(key, "%") {
		if dec, err := url.PathUnescape(key); err == nil {
			key = dec
		}
	}
	i := strings.LastIndex(key, LogsFolder)
	if i < 0 || (i > 0 && key[i-1] != '/') {
		return Object{}, fmt.Errorf("key %q: no %s folder", key, LogsFolder)
	}
	root, rest := key[:i], key[i+len(LogsFolder):]
	slash := strings.LastIndexByte(rest, '/')
	name, dirs := rest[slash+1:], rest[:slash+1] // dirs: the folders below AWSLogs/, each ending in /
	o, err := ParseName(name)
	if err != nil {
		return Object{}, fmt.Errorf("key %q: %w", key, err)
	}
	o.Root = root

	// The first folder says whether the key is Hive-compatible (key=value
	// folders); the number of folders says which of those layouts it is.
	first, _, _ := strings.Cut(dirs, "/")
	keyed := keyedLike(first)
	var d *definition
	for i := range definitions {
		if like(&definitions[i], first, keyed) && definitions[i].folders == strings.Count(dirs, "/") {
			d = &definitions[i]
		}
	}
	if d == nil {
		var ls []Layout
		for i := range definitions {
			if like(&definitions[i], first, keyed) {
				ls = append(ls, definitions[i].layout)
			}
		}
		return Object{}, fmt.Errorf("key %q: want %s", key, describe(ls))
	}
	o.Layout = d.layout
	var account, region string
	for _, s := range d.segments {
		end := 0
		for range s.folders() {
			end += strings.IndexByte(dirs[end:], '/') + 1
		}
		folder := dirs[:end-1]
		dirs = dirs[end:]
		value := folder
		if s.key != "" {
			if !hasKey(folder, s.key) {
				return Object{}, fmt.Errorf("key %q: folder %q: want %s=…", key, folder, s.key)
			}
			value = folder[len(s.key)+1:]
		}
		switch {
		case s.column == nil: // the one fixed folder AWS writes is the service's
			if value != s.fixed {
				return Object{}, fmt.Errorf("key %q: service folder %q: want %s", key, value, s.fixed)
			}
		case s.column.Kind == Account:
			account = value
		case s.column.Kind == Region:
			region = value
		}
	}
	if account != o.Account || region != o.Region {
		return Object{}, fmt.Errorf("key %q: folders say account %s region %s but the file name says %s %s", key, account, region, o.Account, o.Region)
	}
	// The time folders: whatever Folder writes for the file's time.
	want := o.Layout.Folder(root, o.Account, o.Region, o.Time)
	if got := key[:len(key)-len(name)]; got != want {
		return Object{}, fmt.Errorf("key %q: the folder %s does not match the file time %s (want %s)", key, got, o.Time.Format(time.RFC3339), want)
	}
	return o, nil
}

// keyedLike reports whether a key's first folder below AWSLogs/ has the key of
// a layout's first folder: whether the key is Hive-compatible.
func keyedLike(first string) bool {
	for i := range definitions {
		if k := definitions[i].segments[0].key; k != "" && hasKey(first, k) {
			return true
		}
	}
	return false
}

// like reports whether a key whose first folder below AWSLogs/ is first can be
// of the layout: if the key is Hive-compatible (keyed), the layout's first
// folder has the same key; otherwise it has none.
func like(d *definition, first string, keyed bool) bool {
	k := d.segments[0].key
	if keyed {
		return k != "" && hasKey(first, k)
	}
	return k == ""
}

// hasKey reports whether a folder is key=….
func hasKey(folder, key string) bool {
	return len(folder) > len(key) && folder[len(key)] == '=' && folder[:len(key)] == key
}

// describe writes the keys of the layouts for an error:
// AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{MM}/{dd}[/{HH}]/{file}.
func describe(ls []Layout) string {
	var forms []string
	for _, l := range ls {
		forms = append(forms, string(l.appendFolder(nil, "", func(b []byte, c *Column) []byte {
			return append(b, c.placeholder()...)
		})))
	}
	slices.SortFunc(forms, func(a, b string) int { return len(a) - len(b) })
	if len(forms) == 2 && strings.HasPrefix(forms[1], forms[0]) { // one more folder: optional
		return strings.TrimSuffix(forms[0], "/") + "[/" + strings.TrimSuffix(forms[1][len(forms[0]):], "/") + "]/{file}"
	}
	return strings.Join(forms, "{file} or ") + "{file}"
}

// placeholder stands for the column's value in describe: {account}, {region},
// {yyyy}/{MM}/{dd}.
func (c *Column) placeholder() string {
	switch c.Kind {
	case Account:
		return "{account}"
	case Region:
		return "{region}"
	}
	var b strings.Builder
	for _, p := range c.parts {
		if p.Literal != "" {
			b.WriteString(p.Literal)
		} else {
			b.WriteString("{" + p.Field.Pattern + "}")
		}
	}
	return b.String()
}

// folders is how many folders of a key the segment spans: a value such as
// yyyy/MM/dd spans three.
func (s segment) folders() int {
	if s.column == nil {
		return 1
	}
	return 1 + strings.Count(s.column.Pattern, "/")
}

// ParsePath parses a local file path: if it contains an AWSLogs/ folder it must
// fit a layout (ParseKey); otherwise only its base name is parsed (a flat folder).
func ParsePath(p string) (Object, error) {
	p = strings.ReplaceAll(p, "\\", "/")
	if strings.Contains(p, "/"+LogsFolder) || strings.HasPrefix(p, LogsFolder) {
		return ParseKey(p)
	}
	return ParseName(path.Base(p))
}
