//go:build linux

package localdb

import (
	"io/fs"
	"syscall"
)

// changeStamp is the file's status-change time (which no one can set back)
// and inode number.
func changeStamp(info fs.FileInfo) (ctime int64, inode uint64) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return st.Ctim.Sec*1e9 + st.Ctim.Nsec, st.Ino
}
