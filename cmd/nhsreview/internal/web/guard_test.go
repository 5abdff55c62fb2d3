package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/fetch"
	"github.com/nhsreview/nhsreview/pipeline/fetched"
)

func TestCheckAddr(t *testing.T) {
	blocked := []string{
		"127.0.0.1", "127.8.9.10", "::1", // loopback
		"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.1", // RFC 1918
		"169.254.0.1", "169.254.169.254", "fe80::1", // link-local, metadata
		"fc00::1", "fd12:3456::1", // unique local
		"100.64.0.1", "100.127.255.255", // CGNAT
		"0.0.0.0", "::", "0.1.2.3", // unspecified, this network
		"224.0.0.1", "239.1.2.3", "ff02::1", "ff05::2", // multicast
		"255.255.255.255", "240.0.0.1", "198.18.0.1", "192.0.2.1", "2001:db8::1",
		"::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", // IPv4-mapped
		"64:ff9b::a00:1", "64:ff9b::7f00:1", // NAT64 of 10.0.0.1, 127.0.0.1
		"2002:a00:1::1", "2002:7f00:1::", // 6to4 of 10.0.0.1, 127.0.0.1
		"fec0::1",
		"::127.0.0.1", "::10.0.0.1", "::8.8.8.8", // IPv4-compatible (deprecated)
	}
	for _, s := range blocked {
		if why := checkAddr(netip.MustParseAddr(s)); why == "" {
			t.Errorf("%s is allowed, want blocked", s)
		}
	}
	allowed := []string{"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1",
		"2001:4860:4860::8888", "2a00:1450:4009:81f::200e", "64:ff9b::808:808", "2002:808:808::1"}
	for _, s := range allowed {
		if why := checkAddr(netip.MustParseAddr(s)); why != "" {
			t.Errorf("%s is blocked (%s), want allowed", s, why)
		}
	}
	if why := checkAddr(netip.MustParseAddr("169.254.169.254")); !strings.Contains(why, "metadata") {
		t.Errorf("169.254.169.254: %q, want the metadata address named", why)
	}
}

// fakeResolver answers from a table, counting lookups; a name with
// several answers gives them in turn (DNS rebinding).
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][][]netip.Addr
	calls   map[string]int
}

func (f *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	as, ok := f.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	i := min(f.calls[host], len(as)-1)
	f.calls[host]++
	return as[i], nil
}

func addrs(ss ...string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

// countingServer is a loopback test server that counts its requests, so
// a test can show that a refused fetch never reached it.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if h != nil {
			h(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/markdown")
		w.Write(sampleDoc)
	}))
	t.Cleanup(ts.Close)
	return ts, &n
}

// loopbackOnly keeps a test's guard from connecting anywhere but this
// machine, whatever the guard decides: a test of a broken guard fails
// instead of reaching a real private network.
func loopbackOnly(t testing.TB, g *guard) *guard {
	dial := g.connect
	g.connect = func(ctx context.Context, network, address string) (net.Conn, error) {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !ap.Addr().Unmap().IsLoopback() {
			t.Errorf("the guard let a connection to %s through", address)
			return nil, errors.New("test: only loopback connections")
		}
		return dial(ctx, network, address)
	}
	return g
}

func fetchWith(g *guard, u string) (*fetched.Doc, error) {
	return fetch.Get(context.Background(), u, fetch.Options{Client: g.client(), Timeout: 5 * time.Second})
}

// Loopback, private, link-local and metadata addresses are refused by
// default, whether written as an address or a name that resolves to one;
// none of these fetches sends a packet (the loopback server counts).
func TestGuardRefuses(t *testing.T) {
	ts, hits := countingServer(t, nil)
	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	g := loopbackOnly(t, newGuard(false))
	g.resolver = &fakeResolver{answers: map[string][][]netip.Addr{
		"rebound.test":  {addrs("127.0.0.1")},
		"internal.test": {addrs("10.1.2.3")},
		"mixed.test":    {addrs("93.184.216.34", "192.168.0.10")},
		"metadata.test": {addrs("169.254.169.254")},
		"v6.test":       {addrs("fd00::5")},
	}}
	for _, u := range []string{
		ts.URL + "/plan.md",
		"http://rebound.test:" + port + "/plan.md",
		"http://[::1]:" + port + "/",
		"http://[::ffff:127.0.0.1]:" + port + "/",
		"http://0.0.0.0:" + port + "/",
		"http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/",
		"http://169.254.169.254/latest/meta-data/", "http://metadata.test/",
		"http://100.64.0.1/", "http://[fe80::1]/", "http://[fc00::1]/", "http://v6.test/",
		"http://internal.test/plan.pdf",
		"http://mixed.test/plan.pdf",
		"http://2130706433:" + port + "/",    // 127.0.0.1 as one number
		"http://[::127.0.0.1]:" + port + "/", // IPv4-compatible IPv6
		"http://127.1:" + port + "/", "http://0x7f000001:" + port + "/", "http://0177.0.0.1:" + port + "/",
		"http://0x7f.1:" + port + "/",
	} {
		_, err := fetchWith(g, u)
		if !errors.Is(err, errBlockedAddress) {
			if strings.Contains(u, "2130706433") && err != nil {
				continue // Go refuses to parse the name as a host; refused either way
			}
			t.Errorf("%s: err = %v, want a refusal", u, err)
		}
	}
	// A real name that resolves to loopback, through the system's
	// resolver (/etc/hosts).
	if _, err := fetchWith(loopbackOnly(t, newGuard(false)), "http://localhost:"+port+"/plan.md"); !errors.Is(err, errBlockedAddress) {
		t.Errorf("localhost: err = %v, want a refusal", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}
}

// A public page that redirects to a private address is refused at the
// redirect: the first hop is fetched, the second never is.
func TestGuardRefusesRedirects(t *testing.T) {
	inner, innerHits := countingServer(t, nil)
	innerPort := inner.URL[strings.LastIndex(inner.URL, ":")+1:]
	targets := map[string]string{
		"/to-private":  "http://10.0.0.7/board.pdf",
		"/to-metadata": "http://169.254.169.254/latest/meta-data/iam/",
		"/to-loopback": "http://127.0.0.2:" + innerPort + "/plan.md",
		"/to-name":     "http://rebound.test:" + innerPort + "/plan.md",
		"/to-v6":       "http://[::1]:" + innerPort + "/plan.md",
	}
	outer, outerHits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, targets[r.URL.Path], http.StatusFound)
	})
	g := loopbackOnly(t, newGuard(false))
	// The outer server stands for a public site: only its exact address
	// is let through.
	g.permit = []netip.Prefix{netip.MustParsePrefix(outer.Listener.Addr().(*net.TCPAddr).IP.String() + "/32")}
	g.resolver = &fakeResolver{answers: map[string][][]netip.Addr{"rebound.test": {addrs("127.0.0.3")}}}
	for path := range targets {
		_, err := fetchWith(g, outer.URL+path)
		if !errors.Is(err, errBlockedAddress) {
			t.Errorf("%s: err = %v, want a refusal", path, err)
		}
	}
	if outerHits.Load() != int32(len(targets)) || innerHits.Load() != 0 {
		t.Errorf("outer served %d (want %d), inner %d (want 0)", outerHits.Load(), len(targets), innerHits.Load())
	}
}

// The address is checked again at connect time: a name whose second
// answer is private (DNS rebinding between the check and the dial) is
// refused by the dialer, and the socket's Control hook refuses a blocked
// address whatever resolved it.
func TestGuardChecksAtConnect(t *testing.T) {
	ts, hits := countingServer(t, nil)
	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	g := loopbackOnly(t, newGuard(false))
	g.permit = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	fr := &fakeResolver{answers: map[string][][]netip.Addr{"flip.test": {addrs("127.0.0.1"), addrs("10.9.9.9")}}}
	g.resolver = fr
	// The transport's check sees 127.0.0.1 (permitted); the dial's own
	// lookup gets 10.9.9.9 and must refuse it.
	_, err := fetchWith(g, "http://flip.test:"+port+"/plan.md")
	if !errors.Is(err, errBlockedAddress) {
		t.Errorf("rebinding: err = %v, want a refusal", err)
	}
	if hits.Load() != 0 {
		t.Error("the rebound name reached the server")
	}
	for _, a := range []string{"127.0.0.2:80", "10.0.0.1:443", "[::1]:80", "[fe80::1%eth0]:80", "169.254.169.254:80", "not an address"} {
		if err := g.control("tcp", a, nil); !errors.Is(err, errBlockedAddress) {
			t.Errorf("control(%s) = %v, want a refusal", a, err)
		}
	}
	for _, a := range []string{"127.0.0.1:80", "8.8.8.8:443", "[2001:4860:4860::8888]:443"} {
		if err := g.control("tcp", a, nil); err != nil {
			t.Errorf("control(%s) = %v, want nil", a, err)
		}
	}
}

// --allow-private lets a local test server be fetched.
func TestGuardAllowPrivate(t *testing.T) {
	ts, hits := countingServer(t, nil)
	res, err := fetchWith(loopbackOnly(t, newGuard(true)), ts.URL+"/plan.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Data) != len(sampleDoc) || hits.Load() != 1 {
		t.Errorf("got %d bytes in %d requests", len(res.Data), hits.Load())
	}
}

func TestBlockedErrorMessage(t *testing.T) {
	g := loopbackOnly(t, newGuard(false))
	g.resolver = &fakeResolver{answers: map[string][][]netip.Addr{"intranet.test": {addrs("192.168.4.4")}}}
	_, err := g.resolve(context.Background(), "intranet.test")
	want := "refused to fetch from intranet.test: it resolves to 192.168.4.4, a private network address"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	if msg := fmt.Sprint(fetchError(fmt.Errorf("request failed: %w", err), 1).Status); msg != "400" {
		t.Errorf("status %s, want 400", msg)
	}
}

// TestBrowserIPv4: hosts browsers read as IPv4 addresses are read the same
// way, and checked without a DNS lookup.
func TestBrowserIPv4(t *testing.T) {
	for _, tc := range []struct {
		host, want string
		numeric    bool
	}{
		{"127.1", "127.0.0.1", true},
		{"2130706433", "127.0.0.1", true},
		{"0x7f000001", "127.0.0.1", true},
		{"0177.0.0.1", "127.0.0.1", true},
		{"0x7f.1", "127.0.0.1", true},
		{"10.0x10.1", "10.16.0.1", true},
		{"8.8.8.8.", "8.8.8.8", true},
		{"256.0.0.1", "", true},
		{"1.2.3.4.5", "", true},
		{"1.2.3.08", "", true}, // 08 is not octal
		{"example.com", "", false},
		{"nhs.uk", "", false},
		{"host-1", "", false},
	} {
		a, numeric, err := browserIPv4(tc.host)
		if numeric != tc.numeric || (tc.want != "" && (err != nil || a.String() != tc.want)) || (tc.want == "" && numeric && err == nil) {
			t.Errorf("%s: %v numeric=%v err=%v, want %q numeric=%v", tc.host, a, numeric, err, tc.want, tc.numeric)
		}
	}
	g := newGuard(false)
	g.resolver = lookupForbidden{t}
	for _, h := range []string{"127.1", "2130706433", "0x7f000001", "0177.0.0.1", "999999999999"} {
		if _, err := g.resolve(context.Background(), h); !errors.Is(err, errBlockedAddress) {
			t.Errorf("%s: err = %v, want a refusal", h, err)
		}
	}
}

// lookupForbidden fails the test if the guard asks DNS at all.
type lookupForbidden struct{ t *testing.T }

func (l lookupForbidden) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	l.t.Errorf("looked up %q", host)
	return nil, errors.New("no lookups")
}
