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

	"github.com/nhsreview/nhsreview/internal/bytesize"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

func getFile(ctx context.Context, path string, opt Options) (*fetched.Doc, error) {
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
	// A pipe (<(curl ...), a FIFO, /dev/stdin from a pipe) is read like a
	// download: under the size limit and --timeout, and stopped by
	// Ctrl-C, never waited on for ever. Devices and sockets hold no
	// document (/dev/zero would fill the size limit, a terminal wait).
	regular := fi.Mode().IsRegular()
	switch {
	case fi.Mode()&fs.ModeNamedPipe != 0:
		return readPipe(ctx, path, opt)
	case fi.Mode()&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return nil, &msgError{msg: "is a device, not a document: refused", err: fs.ErrInvalid}
	case fi.Mode()&fs.ModeSocket != 0:
		return nil, &msgError{msg: "is a socket, not a document: refused", err: fs.ErrInvalid}
	case !regular:
		return nil, &msgError{msg: "is not a regular file: refused", err: fs.ErrInvalid}
	}
	if regular {
		if fi.Size() == 0 {
			return nil, errors.New("file is empty")
		}
		if fi.Size() > opt.MaxBytes {
			return nil, tooLarge(opt.MaxBytes, "file is "+bytesize.Human(fi.Size()))
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
	return &fetched.Doc{
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

// readPipe reads a named pipe without blocking on it: it waits for a
// writer and for data up to the timeout (a writer may start late), stops
// when ctx is cancelled, and keeps to the size limit.
func readPipe(ctx context.Context, path string, opt Options) (*fetched.Doc, error) {
	f, err := openPipe(path)
	if err != nil {
		return nil, fileErr(err)
	}
	defer f.Close()
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	// Ctrl-C: a read waiting on the pipe returns at once.
	stop := context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Now()) })
	defer stop()
	f.SetReadDeadline(deadline)
	var buf bytes.Buffer
	chunk := make([]byte, 64<<10)
	limit := overLimit(opt.MaxBytes)
	for {
		n, err := f.Read(chunk)
		buf.Write(chunk[:n])
		if int64(buf.Len()) >= limit {
			return nil, tooLarge(opt.MaxBytes, "")
		}
		switch {
		case err == nil:
			continue
		case errors.Is(err, io.EOF) && buf.Len() > 0:
			return &fetched.Doc{Source: path, Data: buf.Bytes(), FetchedAt: time.Now()}, nil
		case errors.Is(err, io.EOF):
			// No writer yet (a pipe opened without blocking reads as
			// ended until one opens it): wait a little and look again.
			if cerr := ctx.Err(); cerr != nil {
				return nil, fmt.Errorf("canceled: %w", cerr)
			}
			if time.Now().After(deadline) {
				return nil, &msgError{msg: fmt.Sprintf("nothing arrived from the pipe within %s (--timeout)", timeout), err: os.ErrDeadlineExceeded}
			}
			time.Sleep(20 * time.Millisecond)
		case errors.Is(err, os.ErrDeadlineExceeded):
			if cerr := ctx.Err(); cerr != nil {
				return nil, fmt.Errorf("canceled: %w", cerr)
			}
			return nil, &msgError{msg: fmt.Sprintf("nothing arrived from the pipe within %s (--timeout)", timeout), err: err}
		default:
			return nil, fileErr(err)
		}
	}
}
