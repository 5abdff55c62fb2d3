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

	// Read one byte past the limit so a file that grew since the stat is
	// caught rather than silently cut. The buffer has room for the file
	// and a little more: bytes.Buffer.ReadFrom, sized to the file, grew
	// to twice its size and copied it to learn that the file had ended.
	data, err := readAll(io.LimitReader(f, overLimit(opt.MaxBytes)), fi.Size()+512)
	if err != nil {
		return nil, fileErr(err)
	}
	if int64(len(data)) > opt.MaxBytes {
		return nil, tooLarge(opt.MaxBytes, "")
	}
	if len(data) == 0 {
		return nil, errors.New("file is empty")
	}
	return &fetched.Doc{
		Source:    path,
		Data:      data,
		FetchedAt: time.Now(),
	}, nil
}

// readAll reads r to its end into a buffer of size bytes, growing it only
// if r holds more.
func readAll(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, max(size, 512))
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // room for more
		}
	}
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
