package main

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	scriptSetups = append(scriptSetups, siteServer)
}

// siteServer serves a script's site/ folder, when it has one, at $SITE:
// a local stand-in for an NHS publications page, with ETags (a hash of
// each file, so that a file the script changes within the same second is
// still seen as changed) and Last-Modified. Scripts change the site with
// cp and rm between commands.
func siteServer(env *testscript.Env) error {
	dir := filepath.Join(env.WorkDir, "site")
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))); err == nil {
			sum := sha256.Sum256(data)
			w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		}
		files.ServeHTTP(w, r)
	}))
	env.Defer(srv.Close)
	env.Setenv("SITE", srv.URL)
	return nil
}
