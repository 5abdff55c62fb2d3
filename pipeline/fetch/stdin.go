package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/nhsreview/nhsreview/internal/bytesize"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

// StdinName is the name of a document read from standard input, in
// output and error lines.
const StdinName = "stdin"

// ErrTerminal is wrapped by the error for standard input that is a
// terminal: nobody types a PDF, and waiting for one would look like a
// hang.
var ErrTerminal = errors.New("standard input is a terminal")

// Stdin reads a document from in (standard input), once: under the size
// limit, stopped by ctx (Ctrl-C, --deadline) however slowly the bytes
// come. --timeout does not bound it: the program writing into the pipe
// decides how long a document takes (a slow download piped in), and
// Ctrl-C stops it. The document is named StdinName; its format is sniffed
// from its bytes like any file's.
func Stdin(ctx context.Context, in *os.File, opt Options) (*fetched.Doc, error) {
	opt = opt.withDefaults()
	if in == nil {
		return nil, &msgError{msg: "no standard input", err: fs.ErrInvalid}
	}
	fi, err := in.Stat()
	if err != nil {
		return nil, fileErr(err)
	}
	// A terminal, not /dev/null or another device redirected in (which
	// reads as empty, or fills the size limit).
	if fi.Mode()&fs.ModeCharDevice != 0 && term.IsTerminal(int(in.Fd())) {
		return nil, &msgError{msg: "is a terminal: pipe a document in (nhsreview score - < plan.pdf) or name a file", err: ErrTerminal}
	}
	if fi.Mode().IsRegular() && fi.Size() > opt.MaxBytes {
		return nil, tooLarge(opt.MaxBytes, "file is "+bytesize.Human(fi.Size()))
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		// A read blocked on a pipe cannot be interrupted portably: on
		// cancellation it is left to end with the process.
		data, err := io.ReadAll(io.LimitReader(in, overLimit(opt.MaxBytes)))
		done <- result{data, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		return nil, fmt.Errorf("canceled: %w", context.Cause(ctx))
	}
	switch {
	case r.err != nil:
		return nil, fileErr(r.err)
	case int64(len(r.data)) > opt.MaxBytes:
		return nil, tooLarge(opt.MaxBytes, "")
	case len(r.data) == 0:
		return nil, errors.New("is empty: nothing was piped in")
	}
	return &fetched.Doc{Source: StdinName, Data: r.data, FetchedAt: time.Now()}, nil
}
