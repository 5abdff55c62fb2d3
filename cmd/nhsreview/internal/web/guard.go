package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nhsreview/nhsreview/pipeline/fetch"
)

// errBlockedAddress is wrapped by every refusal of the SSRF guard.
var errBlockedAddress = errors.New("address not allowed")

// blockedError says which host and address were refused, in words a
// user who pasted a link understands.
type blockedError struct {
	host string
	addr netip.Addr
	why  string
}

func (e *blockedError) Error() string {
	if !e.addr.IsValid() {
		return fmt.Sprintf("refused to fetch from %s: %s", e.host, e.why)
	}
	if e.host != "" && e.host != e.addr.String() {
		return fmt.Sprintf("refused to fetch from %s: it resolves to %s, %s", e.host, e.addr, e.why)
	}
	return fmt.Sprintf("refused to fetch from %s: %s", e.addr, e.why)
}

func (e *blockedError) Unwrap() error { return errBlockedAddress }

// blockedPrefixes are ranges that are not the public internet, beyond
// what netip.Addr's own predicates (loopback, private, link-local,
// multicast, unspecified) cover. A URL a stranger pastes must never make
// the server talk to its own network, its cloud metadata service
// (169.254.169.254, inside link-local) or a carrier's NAT.
var blockedPrefixes = []struct {
	p   netip.Prefix
	why string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "a reserved address (this network)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared address space (carrier-grade NAT) address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved (IETF protocol) address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("255.255.255.255/32"), "the broadcast address"},
	{netip.MustParsePrefix("100::/64"), "a discard-only address"},
	{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
	{netip.MustParsePrefix("fec0::/10"), "a site-local address"},
}

// Prefixes that embed an IPv4 address, which is what a router would
// reach: 64:ff9b::10.0.0.1 is 10.0.0.1 behind NAT64, 2002:0a00:0001:: is
// 10.0.0.1 behind 6to4.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
	// ::a.b.c.d, the deprecated IPv4-compatible form, which some stacks
	// still route to a.b.c.d (::127.0.0.1 is this machine).
	v4Compatible = netip.MustParsePrefix("::/96")
)

// checkAddr returns why an address may not be fetched from, or "" when it
// is a public unicast address.
func checkAddr(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "not a valid address"
	case a.Is4() && a.As4() == [4]byte{169, 254, 169, 254}:
		return "the cloud metadata address"
	case a.IsUnspecified():
		return "an unspecified address"
	case a.IsLoopback():
		return "a loopback address (this machine)"
	case a.IsPrivate():
		return "a private network address"
	case a.IsLinkLocalUnicast():
		return "a link-local address"
	case a.IsMulticast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	for _, b := range blockedPrefixes {
		if b.p.Contains(a) {
			return b.why
		}
	}
	if v4Compatible.Contains(a) {
		return "an IPv4-compatible IPv6 address (deprecated; it may reach the IPv4 address inside it)"
	}
	if nat64Prefix.Contains(a) {
		b := a.As16()
		if why := checkAddr(netip.AddrFrom4([4]byte(b[12:16]))); why != "" {
			return why + " behind NAT64"
		}
	}
	if sixToFour.Contains(a) {
		b := a.As16()
		if why := checkAddr(netip.AddrFrom4([4]byte(b[2:6]))); why != "" {
			return why + " behind 6to4"
		}
	}
	return ""
}

// resolver is the part of net.Resolver the guard uses; tests give names
// the answers they need without a DNS server.
type resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// guard makes outgoing connections for URL fetches. Each host name is
// resolved once, every address it resolves to is checked, and the
// connection is made to a checked address (so a second, different DNS
// answer cannot slip in between check and connect: DNS rebinding); the
// socket's Control hook checks the address actually dialled once more.
// Redirects are covered because every hop dials through here, and the
// transport checks each hop's URL too.
type guard struct {
	allowPrivate bool
	resolver     resolver
	// permit lets tests reach their own loopback server while every
	// other blocked address stays blocked.
	permit []netip.Prefix
	dialer net.Dialer
	// connect makes the checked connection (the dialer's DialContext);
	// tests replace it so that even a broken guard cannot send a packet
	// beyond this machine.
	connect func(ctx context.Context, network, address string) (net.Conn, error)
}

func newGuard(allowPrivate bool) *guard {
	g := &guard{allowPrivate: allowPrivate, resolver: net.DefaultResolver}
	g.dialer = net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second, Control: g.control}
	g.connect = g.dialer.DialContext
	return g
}

// allowed returns an error for an address the guard refuses.
func (g *guard) allowed(host string, a netip.Addr) error {
	if g.allowPrivate {
		return nil
	}
	a = a.Unmap()
	for _, p := range g.permit {
		if p.Contains(a) {
			return nil
		}
	}
	if why := checkAddr(a); why != "" {
		return &blockedError{host: host, addr: a, why: why}
	}
	return nil
}

// control runs after the socket is created and before it connects: the
// last word on the address, whatever resolved it.
func (g *guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refused to connect to %q: %w", address, errBlockedAddress)
	}
	return g.allowed("", ap.Addr())
}

// resolve returns the addresses of host, all of which must be allowed: a
// name with one public and one private address is refused, since which
// one a connection uses is not ours to choose.
func (g *guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if err := g.allowed(host, a); err != nil {
			return nil, err
		}
		return []netip.Addr{a}, nil
	}
	// "127.1", "2130706433", "0x7f000001", "0177.0.0.1": browsers read
	// these as addresses, and so must the guard, without asking DNS.
	if a, numeric, err := browserIPv4(host); numeric {
		if err != nil {
			return nil, &blockedError{host: host, why: "a numeric host that is not a valid address"}
		}
		if err := g.allowed(host, a); err != nil {
			return nil, err
		}
		return []netip.Addr{a}, nil
	}
	addrs, err := g.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("looking up %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("looking up %s: no addresses", host)
	}
	for _, a := range addrs {
		if err := g.allowed(host, a); err != nil {
			return nil, err
		}
	}
	return addrs, nil
}

// DialContext resolves and checks host, then dials the checked addresses
// in turn.
func (g *guard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("dialing %q: %w", address, err)
	}
	addrs, err := g.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	var first error
	for _, a := range addrs {
		c, err := g.connect(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// checkedTransport checks every request's host before the transport sees
// it, so that a redirect to a refused address fails with the guard's own
// message even before any dialling (and even for a kept-alive
// connection, which would not dial again).
type checkedTransport struct {
	g    *guard
	next http.RoundTripper
}

func (t *checkedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return nil, fmt.Errorf("%w: unsupported URL scheme %q (only http and https)", fetch.ErrBadURL, s)
	}
	if _, err := t.g.resolve(req.Context(), req.URL.Hostname()); err != nil {
		return nil, err
	}
	return t.next.RoundTrip(req)
}

// client is the HTTP client for URL fetches: no proxy from the
// environment (a proxy would connect on our behalf, past the guard), the
// guard's dialer, and bounded handshakes.
func (g *guard) client() *http.Client {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           g.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          16,
		IdleConnTimeout:       60 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: &checkedTransport{g: g, next: tr}}
}

// browserIPv4 parses a host the way the WHATWG URL standard (and so every
// browser) does when its last label is a number: one to four parts, each
// decimal, 0x hexadecimal or 0-led octal, the last filling the bytes left
// ("127.1" is 127.0.0.1, "2130706433" is 127.0.0.1). numeric reports
// whether the host is of that form at all; err that it is, but is no
// valid address (a part too large), which browsers refuse too.
func browserIPv4(host string) (a netip.Addr, numeric bool, err error) {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	parts := strings.Split(host, ".")
	if last := parts[len(parts)-1]; last == "" || !numberPart(last) {
		return netip.Addr{}, false, nil
	}
	if len(parts) > 4 {
		return netip.Addr{}, true, fmt.Errorf("too many parts")
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		if !numberPart(p) {
			return netip.Addr{}, true, fmt.Errorf("part %q is not a number", p)
		}
		n, err := parseNumberPart(p)
		if err != nil {
			return netip.Addr{}, true, err
		}
		nums[i] = n
	}
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, true, fmt.Errorf("a part over 255")
		}
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, true, fmt.Errorf("the last part is too large")
	}
	v := last
	for i, n := range nums[:len(nums)-1] {
		v |= n << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true, nil
}

// numberPart: decimal digits, or 0x and hex digits (WHATWG "ends in a
// number").
func numberPart(p string) bool {
	if strings.HasPrefix(p, "0x") {
		return strings.Trim(p[2:], "0123456789abcdef") == ""
	}
	return p != "" && strings.Trim(p, "0123456789") == ""
}

func parseNumberPart(p string) (uint64, error) {
	base := 10
	switch {
	case strings.HasPrefix(p, "0x"):
		base, p = 16, p[2:]
		if p == "" {
			return 0, nil
		}
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	}
	return strconv.ParseUint(p, base, 64)
}
