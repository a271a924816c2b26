// Package pushaddr says where the service may send a Web Push message. A
// push subscription's endpoint is a URL a member's client gave: sent to
// blindly, it would let anyone make the server post to its own network
// (SSRF). So the server posts only to https endpoints on public addresses:
// no loopback, private, link-local, shared (CGNAT), multicast, reserved
// or cloud-metadata ranges, checked on the addresses the name resolves
// to, both when a subscription is made and again on every connection
// (a name may resolve elsewhere later), and no redirect is followed.
// Hosts an operator names (Policy.Allow, for tests and private
// deployments) are exempt, and may use plain http.
package pushaddr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

// MaxEndpoint bounds an endpoint's length; real ones are under 600 bytes.
const MaxEndpoint = 1024

// Policy is where push may go.
type Policy struct {
	// Allow are HOST:PORT pairs exempt from the address rules, where http
	// is allowed too (--push-allow-host).
	Allow []string
	// Resolver looks names up; nil: net.DefaultResolver.
	Resolver *net.Resolver
}

// ErrRefused is what every refusal matches (errors.Is); its message says
// why in words a member's client can show.
var ErrRefused = errors.New("push endpoint refused")

func refused(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// ParseAllow reads a comma-separated list of HOST:PORT.
func ParseAllow(s string) ([]string, error) {
	var out []string
	for _, h := range strings.Split(s, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		host, port, err := net.SplitHostPort(h)
		if err != nil || host == "" || port == "" {
			return nil, fmt.Errorf("%q is not HOST:PORT", h)
		}
		out = append(out, strings.ToLower(net.JoinHostPort(host, port)))
	}
	return out, nil
}

// allowed reports whether hostport (as in a URL, with its port) is exempt.
func (p Policy) allowed(hostport string) bool {
	return slices.Contains(p.Allow, strings.ToLower(hostport))
}

// hostPort is u's host with its port, the scheme's default if none.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// Check says whether the service may post to endpoint, resolving its
// name; a refusal matches ErrRefused.
func (p Policy) Check(ctx context.Context, endpoint string) error {
	if len(endpoint) > MaxEndpoint {
		return refused("the endpoint is longer than %d characters", MaxEndpoint)
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return refused("the endpoint is not a web address")
	}
	if u.User != nil {
		return refused("the endpoint must not carry a user name or password")
	}
	if u.Fragment != "" {
		return refused("the endpoint must not have a #fragment")
	}
	if p.allowed(hostPort(u)) {
		if u.Scheme != "https" && u.Scheme != "http" {
			return refused("the endpoint must be an https address")
		}
		return nil
	}
	if u.Scheme != "https" {
		return refused("the endpoint must be an https address")
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return checkAddr(ip)
	}
	r := p.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ips, err := r.LookupNetIP(lctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return refused("the endpoint's host name could not be found")
	}
	for _, ip := range ips {
		if err := checkAddr(ip); err != nil {
			return err
		}
	}
	return nil
}

// blocked are ranges that are not the public internet beyond what netip's
// own predicates cover.
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (CGNAT)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64, which can reach private IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"), // documentation
	netip.MustParsePrefix("2002::/16"),     // 6to4, which embeds any IPv4
	netip.MustParsePrefix("100::/64"),      // discard
}

// checkAddr refuses an address that is not a public unicast one. Cloud
// metadata services (169.254.169.254, fd00:ec2::254) fall in link-local
// and private ranges.
func checkAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid(), ip.IsUnspecified(), ip.IsLoopback(), ip.IsPrivate(), ip.IsLinkLocalUnicast(),
		ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast(), ip.IsMulticast():
		return refused("the endpoint is not on a public address")
	}
	for _, b := range blocked {
		if b.Contains(ip) {
			return refused("the endpoint is not on a public address")
		}
	}
	return nil
}

// Client returns the HTTP client push messages go through: every
// connection's address is checked as it is made (after the name is
// resolved, so a name that now points inside is refused), no redirect is
// followed, no proxy from the environment is used.
func (p Policy) Client(timeout time.Duration) *http.Client {
	guarded := &net.Dialer{Timeout: 10 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return refused("the endpoint's address could not be read")
		}
		return checkAddr(ap.Addr())
	}}
	open := &net.Dialer{Timeout: 10 * time.Second}
	t := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if p.allowed(addr) {
				return open.DialContext(ctx, network, addr)
			}
			return guarded.DialContext(ctx, network, addr)
		},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
	}
	return &http.Client{
		Transport: t,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// SchemeOK reports whether endpoint's scheme may be used: https, or http
// to an allowed host. The sender asks it before every message, as Check
// did at subscription, in case the allowed hosts changed since.
func (p Policy) SchemeOK(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	return u.Scheme == "https" || (u.Scheme == "http" && p.allowed(hostPort(u)))
}
