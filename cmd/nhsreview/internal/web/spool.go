package web

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// spoolPrefix names the files uploads are written to while they wait for
// their job: hidden, and recognisable as this server's.
const spoolPrefix = ".nhsreview-upload-"

// staleSpool is how old a spool file must be before a starting server
// removes it: older than any job could run (a server killed mid-upload
// leaves its files behind), yet never one a second server on the same
// corpus is still using.
const staleSpool = 24 * time.Hour

// errSpool marks a failure of the server's disk, not of the client's
// upload (which is answered 400 or 413).
var errSpool = errors.New("spooling an upload")

// diskWriter marks write errors as the disk's.
type diskWriter struct{ f *os.File }

func (w diskWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = fmt.Errorf("%w: %w", errSpool, err)
	}
	return n, err
}

// upload is an uploaded file, written to disk as it arrives (never held
// whole in memory while it waits) with its SHA-256 computed on the way.
type upload struct {
	path string
	name string // the file name it was sent under (cleaned)
	size int64
	sum  [sha256.Size]byte
	once sync.Once
}

// spoolUpload copies r, up to limit bytes, into a new file in dir. It
// returns nil and no error for an empty part (a form sent with no file
// chosen), and errPartTooLarge, with nothing left on disk, past limit.
func spoolUpload(dir, name string, r io.Reader, limit int64) (*upload, error) {
	f, err := os.CreateTemp(dir, spoolPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errSpool, err)
	}
	u := &upload{path: f.Name(), name: name}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(diskWriter{f}, h), io.LimitReader(r, limit+1))
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("%w: %w", errSpool, cerr)
	}
	switch {
	case err != nil:
	case n > limit:
		err = errPartTooLarge
	case n == 0:
		u.remove()
		return nil, nil
	}
	if err != nil {
		u.remove()
		return nil, err
	}
	u.size = n
	h.Sum(u.sum[:0])
	return u, nil
}

// data reads the file back, when its job starts: only running jobs hold
// a document in memory.
func (u *upload) data() ([]byte, error) {
	b, err := os.ReadFile(u.path)
	if err != nil {
		return nil, fmt.Errorf("reading the spooled upload: %w", err)
	}
	if int64(len(b)) != u.size {
		return nil, fmt.Errorf("reading the spooled upload: %d bytes, %d were received", len(b), u.size)
	}
	return b, nil
}

// source is how the corpus names an upload: by its content (an upload
// has no path or URL; the same bytes uploaded again are the same
// document) and the name it was uploaded under, whose extension is a
// hint for telling Markdown from plain text.
func (u *upload) source() string {
	return "/upload/" + shortSum(u.sum) + "/" + u.name
}

// remove deletes the file; safe to call more than once, and on nil.
func (u *upload) remove() {
	if u == nil {
		return
	}
	u.once.Do(func() { _ = os.Remove(u.path) })
}

// spoolDir is where uploads wait: beside the corpus, on the disk that
// will store them, or the system's temporary directory when the corpus
// has no directory of its own.
func spoolDir(configured, corpusPath string) string {
	switch {
	case configured != "":
		return configured
	case corpusPath != "" && !strings.HasPrefix(corpusPath, ":memory:") && !strings.HasPrefix(corpusPath, "file:"):
		return filepath.Dir(corpusPath)
	}
	return os.TempDir()
}

// removeStaleSpool deletes spool files left by a server that was killed
// while it held them.
func removeStaleSpool(dir string, now time.Time) error {
	matches, err := filepath.Glob(filepath.Join(dir, spoolPrefix+"*"))
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range matches {
		fi, err := os.Lstat(m)
		if err != nil || !fi.Mode().IsRegular() || now.Sub(fi.ModTime()) < staleSpool {
			continue
		}
		if err := os.Remove(m); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
