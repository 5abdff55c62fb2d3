package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
)

// interrupted is set when SIGINT or SIGTERM arrives (main): a report
// being written then is incomplete, and no -o file is left.
var interrupted atomic.Bool

// output is where results go: stdout, or the -o path. A regular file (or
// a path that does not exist yet) is written atomically: a temporary file
// beside it, renamed into place on success and removed on failure, so
// that a failed run never leaves a half-written report. What is not ours
// to replace is written in place: a character device (/dev/null, a
// terminal) or a FIFO is opened and written, never renamed over, and a
// symbolic link is followed to the file it names.
type output struct {
	w    io.Writer
	f    *os.File
	path string // the file written (a link's target)
	temp bool   // f is a temporary file to rename to path
	mode fs.FileMode
}

// newFileMode is what a new report is created with: readable by others
// as any file the user creates (0666 less the umask), not 0600.
func newFileMode() fs.FileMode { return 0o666 &^ fs.FileMode(umask) }

// writeOutput writes a report to path (standard output for "" or "-")
// with write, keeping the file only when write succeeded.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	out, err := openOutput(path, stdout)
	if err != nil {
		return err
	}
	werr := write(out.w)
	if err := out.close(werr == nil); err != nil {
		return err
	}
	return werr
}

func openOutput(path string, stdout io.Writer) (*output, error) {
	if path == "" || path == "-" {
		return &output{w: stdout}, nil
	}
	target := path
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		t, err := resolveLink(path)
		if err != nil {
			return nil, fmt.Errorf("writing %s: %w", path, err)
		}
		target = t
	}
	mode := newFileMode()
	if fi, err := os.Stat(target); err == nil {
		switch {
		case fi.IsDir():
			return nil, fmt.Errorf("writing %s: is a directory", path)
		case !fi.Mode().IsRegular():
			// A device or a FIFO: write into it, as a shell's > would.
			f, err := os.OpenFile(target, os.O_WRONLY, 0)
			if err != nil {
				return nil, fmt.Errorf("writing %s: %w", path, err)
			}
			return &output{w: f, f: f, path: target}, nil
		default:
			mode = fi.Mode().Perm() // an existing report keeps its mode
		}
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &output{w: f, f: f, path: target, temp: true, mode: mode}, nil
}

// resolveLink follows a chain of symbolic links to the path they end at,
// which need not exist yet (a link to a report not yet written).
func resolveLink(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", fmt.Errorf("too many levels of symbolic links")
}

// close finishes the output: keep is false when nothing valid was written
// (or the run was interrupted), and then no file is left behind.
func (o *output) close(keep bool) error {
	if o.f == nil {
		return nil
	}
	keep = keep && !interrupted.Load()
	name := o.f.Name()
	if !o.temp {
		if err := o.f.Close(); err != nil {
			return fmt.Errorf("writing %s: %w", o.path, err)
		}
		return nil
	}
	err := o.f.Chmod(o.mode)
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if !keep || err != nil {
		os.Remove(name)
		if err != nil {
			return fmt.Errorf("writing %s: %w", o.path, err)
		}
		return nil
	}
	if err := os.Rename(name, o.path); err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", o.path, err)
	}
	return nil
}
