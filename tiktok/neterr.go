package tiktok

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"

	"github.com/tikcraft/tikcraft/connerr"
)

// netError is a request or connection that failed below HTTP, worded by
// its cause for the streamer. It unwraps to the original error.
type netError struct {
	kind string // "dns", "timeout", "refused", "closed", "tls", "other"
	text string
	err  error
}

func (e *netError) Error() string { return e.text }
func (e *netError) Unwrap() error { return e.err }

// describeNet turns a transport error of a request to host into one short
// sentence that says the cause first. host is what the streamer would
// recognise: www.tiktok.com, api.eulerstream.com.
func describeNet(err error, host string) error {
	if err == nil {
		return nil
	}
	if ne, ok := errors.AsType[*netError](err); ok {
		return ne
	}
	err = stripURL(err)
	msg := strings.ToLower(err.Error())
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var badCert x509.CertificateInvalidError
	var hostname x509.HostnameError
	var verify *tls.CertificateVerificationError
	var ne net.Error
	kind, text := "other", ""
	switch {
	case errors.As(err, &dns):
		kind, text = "dns", fmt.Sprintf("cannot resolve %s — are you online?", host)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		kind, text = "timeout", fmt.Sprintf("%s did not answer in time — is the connection slow or blocked?", host)
	case connerr.Refused(err) || strings.Contains(msg, "connection refused"):
		kind, text = "refused", fmt.Sprintf("%s refused the connection", host)
	case errors.As(err, &unknownCA) || errors.As(err, &badCert) || errors.As(err, &hostname) || errors.As(err, &verify):
		kind, text = "tls", fmt.Sprintf("%s's certificate was not accepted — a proxy, firewall or antivirus may be intercepting the connection", host)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || connerr.Closed(err) ||
		strings.Contains(msg, "connection reset"):
		kind, text = "closed", fmt.Sprintf("%s closed the connection", host)
	default:
		text = fmt.Sprintf("cannot reach %s: %s", host, serverText(err.Error()))
	}
	return &netError{kind: kind, text: text, err: err}
}

// hostOf is the host of a URL for messages, without the port of the
// default scheme.
func hostOf(u *url.URL) string {
	if u == nil {
		return "the server"
	}
	return u.Host
}
