package tiktok

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/tikcraft/tikcraft"
	"github.com/tikcraft/tikcraft/webcast"
	"github.com/tikcraft/tikcraft/webcast/pb"
)

// APIKeyEnv is the environment variable the sign server's API key is read
// from (by the config loader; this package only takes Config.APIKey).
const APIKeyEnv = "TIKCRAFT_SIGN_API_KEY"

// maxRetryAfter caps how long a 429 can make us wait, so a broken header
// cannot park the connection for a day.
const maxRetryAfter = 15 * time.Minute

// SignError is a failed request to the sign server, worded for the
// streamer. Status is the HTTP status, or 0 when the server could not be
// reached or answered 200 with something unusable.
type SignError struct {
	Status     int
	RetryAfter time.Duration // from a 429 answer; 0 when not given
	Message    string        // the sign server's own explanation, if any
	text       string
	err        error
}

func (e *SignError) Error() string { return e.text }
func (e *SignError) Unwrap() error { return e.err }

// Permanent reports whether retrying cannot help until the streamer changes
// something: a refused or missing API key, or a paid feature.
func (e *SignError) Permanent() bool {
	switch e.Status {
	case http.StatusUnauthorized, http.StatusPaymentRequired, http.StatusForbidden:
		return true
	}
	return false
}

// signed is what the sign server gave for one connection attempt.
type signed struct {
	result *pb.ProtoMessageFetchResult
	// events is the initial batch (recent messages), to deliver once the
	// WebSocket is open; decodeErr reports its unreadable messages.
	events    []tikcraft.Event
	decodeErr error
	cookie    cookie // from X-Set-TT-Cookie, for the WebSocket
	roomID    string
}

// sign asks the sign server for a signed WebSocket URL of the room. cursor
// is where the previous connection stopped ("" on the first).
func (c *Client) sign(ctx context.Context, roomID, cursor string) (signed, error) {
	u := c.signBase.JoinPath("webcast", "rooms", roomID, "connect")
	q := u.Query()
	q.Set("client", "tikcraft")
	q.Set("cursor", cursor)
	q.Set("user_agent", browserUserAgent)
	q.Set("client_enter", "true")
	q.Set("platform", "web")
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return signed{}, c.signErr(0, "", fmt.Sprintf("cannot build the request for %s", c.signHost), err)
	}
	c.signHeaders(req, "application/protobuf,application/json")
	status, hdr, body, err := c.do(req, webcast.DefaultMaxBytes)
	if err != nil {
		if ctx.Err() != nil {
			return signed{}, ctx.Err()
		}
		return signed{}, c.signErr(0, "", describeNet(err, c.signBase.Host).Error(), nil)
	}
	if status != http.StatusOK {
		return signed{}, c.signStatusErr(status, hdr, body)
	}
	if len(body) == 0 {
		return signed{}, c.signErr(0, "", fmt.Sprintf("the sign server %s sent an empty answer; TikTok may be blocking it right now", c.signHost), nil)
	}
	rawCookie := hdr.Get("X-Set-TT-Cookie")
	if rawCookie == "" {
		msg := fmt.Sprintf("the sign server %s sent no TikTok cookies (X-Set-TT-Cookie); TikTok may be blocking it right now", c.signHost)
		if hm := hdr.Get("Handshake-Msg"); hm != "" {
			msg += " (" + serverText(hm) + ")"
		}
		return signed{}, c.signErr(0, "", msg, nil)
	}
	ck, ok := parseSetTTCookie(rawCookie)
	if !ok {
		return signed{}, c.signErr(0, "", fmt.Sprintf("the sign server %s sent TikTok cookies that cannot be used", c.signHost), nil)
	}
	frame, err := proto.Marshal(&pb.WebcastPushFrame{PayloadEncoding: "pb", PayloadType: webcast.PayloadMsg, Payload: body})
	if err != nil {
		return signed{}, c.signErr(0, "", "cannot wrap the sign server's answer", err)
	}
	c.capture(frame)
	f, evs, decErr := c.dec.DecodeFrame(frame)
	res := f.Result
	switch {
	case res == nil:
		return signed{}, c.signErr(0, "", fmt.Sprintf("the sign server %s answered with something that is not a TikTok connection; check tiktok.sign_server", c.signHost), decErr)
	case res.GetPushServer() == "":
		return signed{}, c.signErr(0, "", fmt.Sprintf("the sign server %s sent no WebSocket address; TikTok may be blocking it right now", c.signHost), nil)
	case res.GetCursor() == "":
		return signed{}, c.signErr(0, "", fmt.Sprintf("the sign server %s sent no cursor; TikTok may be blocking it right now", c.signHost), nil)
	}
	s := signed{result: res, events: evs, decodeErr: decErr, cookie: ck, roomID: roomID}
	if id := flexID(hdr.Get("X-Room-Id")); id.present() && id.check() == nil {
		s.roomID = string(id)
	}
	return s, nil
}

// signHeaders sets what every sign server request carries. The API key
// goes only into this header, never into a URL, so that no error text or
// log line that shows a URL can leak it.
func (c *Client) signHeaders(req *http.Request, accept string) {
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", clientUserAgent)
	if c.cfg.APIKey != "" {
		req.Header.Set("X-Api-Key", c.cfg.APIKey)
	}
}

// signErr builds a SignError. Its text and Message may quote the server,
// which may echo the API key: both are masked here, so that no caller can
// print the key, however it gets at the error.
func (c *Client) signErr(status int, msg, text string, err error) *SignError {
	if err != nil {
		text += ": " + stripURL(err).Error()
	}
	return &SignError{Status: status, Message: c.secrets.String(msg), text: c.secrets.String(text), err: err}
}

// signStatusErr turns a non-200 sign answer into what the streamer can do.
func (c *Client) signStatusErr(status int, hdr http.Header, body []byte) *SignError {
	msg := c.secrets.String(serverMessage(body))
	said := ""
	if msg != "" {
		said = fmt.Sprintf(" (it says: %q)", msg)
	}
	var text string
	switch status {
	case http.StatusTooManyRequests:
		e := c.signErr(status, msg, "", nil)
		e.RetryAfter = retryAfter(hdr, time.Now())
		wait := "a while"
		if e.RetryAfter > 0 {
			wait = friendlyDuration(e.RetryAfter)
		}
		text = fmt.Sprintf("the sign server %s is limiting new connections: too many were started%s; tikcraft waits %s and tries again", c.signHost, said, wait)
		if c.cfg.APIKey == "" {
			text += ". An API key from eulerstream.com in " + APIKeyEnv + " raises the limit"
		}
		e.text = c.secrets.String(text)
		return e
	case http.StatusUnauthorized, http.StatusForbidden:
		if c.cfg.APIKey == "" {
			text = fmt.Sprintf("the sign server %s refused the connection (HTTP %d)%s: it needs an API key. Get one at https://www.eulerstream.com and put it in the environment variable %s", c.signHost, status, said, APIKeyEnv)
		} else {
			text = fmt.Sprintf("the sign server %s refused the API key in %s (HTTP %d)%s: check that it is copied completely and still valid", c.signHost, APIKeyEnv, status, said)
		}
	case http.StatusPaymentRequired:
		text = fmt.Sprintf("the sign server %s says this needs a paid plan (HTTP 402)%s: check your plan there, or use another tiktok.sign_server", c.signHost, said)
	default:
		text = fmt.Sprintf("the sign server %s answered HTTP %d%s; if this keeps happening, check tiktok.sign_server and the sign server's status page", c.signHost, status, said)
	}
	e := c.signErr(status, msg, text, nil)
	return e
}

// serverMessage finds the explanation in a sign server error body: the
// "message" of a JSON body, else the body itself if it is short text.
func serverMessage(body []byte) string {
	var j struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &j) == nil {
		return serverText(j.Message)
	}
	s := strings.TrimSpace(string(body))
	if s == "" || strings.HasPrefix(s, "<") {
		return ""
	}
	return serverText(s)
}

// retryAfter reads how long a 429 asks us to wait: Retry-After in seconds
// or as an HTTP date, else X-RateLimit-Reset as epoch seconds. 0 means no
// usable hint.
func retryAfter(h http.Header, now time.Time) time.Duration {
	var d time.Duration
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			d = time.Duration(min(max(n, 0), int64(maxRetryAfter/time.Second))) * time.Second
		} else if t, err := http.ParseTime(v); err == nil {
			d = t.Sub(now)
		}
	} else if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 && n < 1<<40 {
			d = time.Unix(n, 0).Sub(now)
		}
	}
	return min(max(d, 0), maxRetryAfter)
}

// stripURL drops the request URL that *url.Error prints and keeps its
// cause, so errors stay short and show no query parameters.
func stripURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
