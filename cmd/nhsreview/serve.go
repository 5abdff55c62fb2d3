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
)

func newServeCmd(stdout, stderr io.Writer) *cobra.Command {
	var ro readOptions
	cf := &corpusFlags{}
	var addr, rulesDir, spoolDir string
	var allowPrivate bool
	maxUpload := sizeValue(web.DefaultMaxUpload)
	var uploadBudget sizeValue
	c := &cobra.Command{
		Use:   "serve [--addr HOST:PORT] [--db PATH]",
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

Exit codes: 0 stopped by a signal; 2 the address or database could not be
used, or bad usage.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if maxUpload <= 0 {
				return fmt.Errorf("--max-upload %s: must be positive", maxUpload.String())
			}
			if ro.jobs < 1 {
				return fmt.Errorf("--jobs %d: must be at least 1", ro.jobs)
			}
			rs, err := loadRules(rulesDir)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			st, err := cf.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("--addr %s: %w", addr, err)
			}
			hosts := loopbackHosts(ln.Addr())
			if hosts == nil {
				fmt.Fprintf(stderr, "nhsreview: serve: warning: %s is reachable from other machines, and anyone who can reach it can upload documents\n", ln.Addr())
			}
			srv, err := web.New(web.Config{
				Store:        st,
				Reviewer:     newReviewer(ro, rs),
				Rules:        rs,
				Fetch:        fetchOptions(ro),
				MaxUpload:    int64(maxUpload),
				UploadBudget: int64(uploadBudget),
				SpoolDir:     spoolDir,
				Jobs:         ro.jobs,
				AllowPrivate: allowPrivate,
				AllowedHosts: hosts,
				Log:          log.New(stderr, "nhsreview: serve: ", log.LstdFlags),
			})
			if err != nil {
				ln.Close()
				return err
			}
			hs := web.NewHTTPServer(addr, srv)
			fmt.Fprintf(stdout, "nhsreview: serving http://%s/ (corpus %s)\n", ln.Addr(), st.Path())
			errc := make(chan error, 1)
			go func() { errc <- hs.Serve(ln) }()
			select {
			case err := <-errc:
				srv.Close()
				return fmt.Errorf("serving on %s: %w", addr, err)
			case <-ctx.Done():
			}
			// Let requests in flight finish briefly, then stop the jobs.
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fmt.Fprintf(stderr, "nhsreview: serve: stopping: %v\n", err)
			}
			return srv.Close()
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT; the default is this machine only)")
	c.Flags().StringVar(&cf.db, "db", "", "the corpus database file (default: the user's data directory)")
	c.Flags().Var(&maxUpload, "max-upload", "size limit of an uploaded or linked document (bytes, or with KiB, MiB, GiB)")
	c.Flags().Var(&uploadBudget, "upload-budget", "bytes of uploads held at once, arriving, waiting and being scored; past it requests get 503 before their bodies are read (default: 2 x --jobs x --max-upload)")
	c.Flags().StringVar(&spoolDir, "spool-dir", "", "directory uploads are written to as they arrive and while they wait to be scored (default: the corpus database's directory)")
	c.Flags().BoolVar(&allowPrivate, "allow-private", false, "let links reach loopback, private and link-local addresses (for testing only)")
	registerRules(c, &rulesDir)
	ro.register(c)
	// The reading limits are shared with the other commands; --max-upload
	// is this command's size limit, and --jobs bounds scoring jobs.
	if f := c.Flags().Lookup("max-bytes"); f != nil {
		f.Hidden = true
	}
	if f := c.Flags().Lookup("jobs"); f != nil {
		f.Usage = "documents scored at the same time (more wait their turn)"
	}
	return c
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
