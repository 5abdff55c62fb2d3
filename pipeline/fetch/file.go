package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

func getFile(ctx context.Context, path string, opt Options) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("canceled: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fileErr(err)
	}
	if fi.IsDir() {
		return nil, &msgError{msg: "is a directory", err: fs.ErrInvalid}
	}
	// Pipes and devices (e.g. <(curl ...)) report no useful size: for them
	// only the LimitReader below guards the limit.
	regular := fi.Mode().IsRegular()
	if regular {
		if fi.Size() == 0 {
			return nil, errors.New("file is empty")
		}
		if fi.Size() > opt.MaxBytes {
			return nil, tooLarge(opt.MaxBytes, "file is "+FormatSize(fi.Size()))
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fileErr(err)
	}
	defer f.Close()

	var buf bytes.Buffer
	if regular {
		buf.Grow(int(fi.Size()) + 1)
	}
	// Read one byte past the limit so a file that grew since the stat is
	// caught rather than silently cut.
	if _, err := buf.ReadFrom(io.LimitReader(f, overLimit(opt.MaxBytes))); err != nil {
		return nil, fileErr(err)
	}
	if int64(buf.Len()) > opt.MaxBytes {
		return nil, tooLarge(opt.MaxBytes, "")
	}
	if buf.Len() == 0 {
		return nil, errors.New("file is empty")
	}
	return &Result{
		Source:    path,
		Data:      buf.Bytes(),
		FetchedAt: time.Now(),
	}, nil
}

// fileErr names the problem plainly without the path (*PathError repeats
// it, and the caller already prints the source).
func fileErr(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &msgError{msg: "no such file", err: err}
	case errors.Is(err, fs.ErrPermission):
		return &msgError{msg: "permission denied", err: err}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// Keep the syscall error ("input/output error") but drop the path.
		return fmt.Errorf("cannot read file: %w", &msgError{msg: pe.Err.Error(), err: err})
	}
	return fmt.Errorf("cannot read file: %w", err)
}
