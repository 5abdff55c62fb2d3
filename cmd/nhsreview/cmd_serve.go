package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhsreview/nhsreview/cmd/nhsreview/internal/web"
	"github.com/nhsreview/nhsreview/corpus"
	"github.com/nhsreview/nhsreview/pipeline/jobs"
	"github.com/nhsreview/nhsreview/rules"
)

// serveOptions are the flags of 'serve'.
type serveOptions struct {
	read         readOptions
	db           corpusFlags
	addr         string
	rulesDir     string
	spoolDir     string
	allowPrivate bool
	maxUpload    sizeValue
	uploadBudget sizeValue
	queue        bool
}

func newServeCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := serveOptions{maxUpload: web.DefaultMaxUpload}
	c := &cobra.Command{
		Use:   "serve [--addr HOST:PORT] [--db PATH] [--queue]",
		Short: "Serve the web interface: score an upload or a link, read scorecards, browse and compare the corpus",
		Long: `Serves nhsreview's pages: upload a document or paste a link and get its
scorecard; read the document with the evidence highlighted; list, filter and
compare the corpus; and what each criterion means. The same results are
JSON under /api/ (POST /api/score, GET /api/documents, GET /api/documents/ID).

Every scored document is stored in the corpus (--db). Links are fetched only
from public addresses (not loopback, private, link-local or metadata
addresses, checked after DNS and on every redirect); --allow-private lifts
that for testing against a local server. Open the address printed at the
start in a browser; Ctrl-C stops the server.

With --queue the server scores nothing itself: each upload (and each link,
once fetched) is kept in the corpus's database with an upload job, which
'nhsreview worker' runs, on any machine. Its page, /queue/ID, shows its
place in the queue and then the scorecard, on every server of the corpus
(GET /api/queue/ID in JSON); POST /api/score waits for the job as it
would for scoring, or answers 202 at once with "Prefer: respond-async".
Several servers, with or without --queue, may share one corpus.

Exit codes: 0 stopped by a signal; 2 the address or database could not be
used, or bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return exitWith(runServe(c.Context(), opts, stdout, stderr))
		},
	}
	c.Flags().StringVar(&opts.addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT; the default is this machine only)")
	opts.db.register(c.Flags(), "")
	c.Flags().Var(&opts.maxUpload, "max-upload", "size limit of an uploaded or linked document (bytes, or with KiB, MiB, GiB)")
	c.Flags().Var(&opts.uploadBudget, "upload-budget", "bytes of uploads held at once, arriving, waiting and being scored; past it requests get 503 before their bodies are read (default: 2 x --jobs x --max-upload)")
	c.Flags().StringVar(&opts.spoolDir, "spool-dir", "", "directory uploads are written to as they arrive and while they wait to be scored (default: the corpus database's directory)")
	c.Flags().BoolVar(&opts.allowPrivate, "allow-private", false, "let links reach loopback, private and link-local addresses (for testing only)")
	c.Flags().BoolVar(&opts.queue, "queue", false, "queue each upload or link for 'nhsreview worker' to score, its bytes kept in the corpus's database, instead of scoring it here")
	registerRules(c, &opts.rulesDir)
	opts.read.register(c)
	// The reading limits are shared with the other commands; --max-upload
	// is this command's size limit, and --jobs bounds scoring jobs.
	if f := c.Flags().Lookup("max-bytes"); f != nil {
		f.Hidden = true
	}
	if f := c.Flags().Lookup("jobs"); f != nil {
		f.Usage = "documents scored at the same time (more wait their turn); with --queue, documents fetched or queued at the same time"
	}
	return c
}

// runServe serves the web interface until SIGINT or SIGTERM (or ctx)
// stops it.
func runServe(ctx context.Context, opts serveOptions, stdout, stderr io.Writer) int {
	if opts.maxUpload <= 0 {
		return fail(stderr, fmt.Errorf("--max-upload %s: must be positive", opts.maxUpload.String()))
	}
	if opts.read.jobs < 1 {
		return fail(stderr, fmt.Errorf("--jobs %d: must be at least 1", opts.read.jobs))
	}
	rs, err := loadRules(opts.rulesDir)
	if err != nil {
		return fail(stderr, err)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := opts.db.open(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fail(stderr, fmt.Errorf("--addr %s: %w", opts.addr, err))
	}
	// The queue's client runs no job: it queues uploads (--queue) and
	// reads the jobs' pages.
	q, err := jobs.New(st, jobs.Config{})
	if err != nil {
		ln.Close()
		return fail(stderr, err)
	}
	srv, err := newWebServer(opts, st, q, rs, ln.Addr(), stderr)
	if err != nil {
		ln.Close()
		return fail(stderr, err)
	}
	queued := ""
	if opts.queue {
		queued = "; uploads queued for 'nhsreview worker'"
	}
	fmt.Fprintf(stdout, "nhsreview: serving http://%s/ (corpus %s%s)\n", ln.Addr(), st.Path(), queued)
	if err := serveUntilDone(ctx, web.NewHTTPServer(opts.addr, srv), srv, ln, opts.addr, stderr); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// newWebServer is the web interface of the flags, on the address the
// server listens on: one on a loopback address answers to this machine's
// names only, and one reachable from elsewhere is warned about.
func newWebServer(opts serveOptions, st *corpus.Store, q *jobs.Queue, rs *rules.Set, addr net.Addr, stderr io.Writer) (*web.Server, error) {
	hosts := loopbackHosts(addr)
	if hosts == nil {
		fmt.Fprintf(stderr, "nhsreview: serve: warning: %s is reachable from other machines, and anyone who can reach it can upload documents\n", addr)
	}
	return web.New(web.Config{
		Store:        st,
		Reviewer:     newReviewer(opts.read, rs),
		Rules:        rs,
		Fetch:        opts.read.fetchLimits(),
		MaxUpload:    int64(opts.maxUpload),
		UploadBudget: int64(opts.uploadBudget),
		SpoolDir:     opts.spoolDir,
		Jobs:         opts.read.jobs,
		AllowPrivate: opts.allowPrivate,
		AllowedHosts: hosts,
		Log:          log.New(stderr, "nhsreview: serve: ", log.LstdFlags),
		Queue:        q,
		QueueUploads: opts.queue,
	})
}

// serveUntilDone serves on ln until ctx ends or the server fails; then
// requests in flight get a little time to finish, and the scoring jobs
// stop.
func serveUntilDone(ctx context.Context, hs *http.Server, srv *web.Server, ln net.Listener, addr string, stderr io.Writer) error {
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		srv.Close()
		return fmt.Errorf("serving on %s: %w", addr, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "nhsreview: serve: stopping: %v\n", err)
	}
	return srv.Close()
}

// loopbackHosts are the host names a server on a loopback address answers
// to; nil (any name) when it listens elsewhere.
func loopbackHosts(a net.Addr) []string {
	ta, ok := a.(*net.TCPAddr)
	if !ok || !ta.IP.IsLoopback() {
		return nil
	}
	return []string{"localhost", "127.0.0.1", "::1", ta.IP.String()}
}
