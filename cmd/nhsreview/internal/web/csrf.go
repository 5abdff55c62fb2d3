package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
)

// Forms are protected by a signed double submit: a random session value
// in a cookie (HttpOnly, SameSite=Strict) and, in a hidden field, an HMAC
// of it under a key that lives only in this process. Another site can
// make a browser send the cookie (or, from a sibling subdomain, set one),
// but cannot read the page to learn the field nor compute it without the
// key. A restart changes the key: an open form then asks to be reloaded.
const (
	csrfCookie = "nhsreview_session"
	csrfField  = "csrf_token"
)

var (
	errCSRFMissing = errors.New("this form has expired or was not sent from this site: reload the page and try again")
	errCSRFBad     = errors.New("this form's security token does not match: reload the page and try again")
)

type csrfKeys struct {
	key []byte
}

func newCSRFKeys() (*csrfKeys, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return &csrfKeys{key: k}, nil
}

func (c *csrfKeys) sign(session string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// token returns the form token for this browser, setting the session
// cookie first when there is none (pages that show a form call it
// before writing the body).
func (c *csrfKeys) token(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(csrfCookie); err == nil && validSession(ck.Value) {
		return c.sign(ck.Value)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	session := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: session, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	return c.sign(session)
}

func validSession(v string) bool {
	b, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil && len(b) == 32
}

// check verifies a submitted form token against the cookie.
func (c *csrfKeys) check(r *http.Request, submitted string) error {
	ck, err := r.Cookie(csrfCookie)
	if err != nil || !validSession(ck.Value) || submitted == "" {
		return errCSRFMissing
	}
	if !hmac.Equal([]byte(submitted), []byte(c.sign(ck.Value))) {
		return errCSRFBad
	}
	return nil
}
