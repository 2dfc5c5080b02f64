package tiktok

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ErrUserNotFound means TikTok says the account in tiktok.user does not
// exist. Retrying cannot help, so Run returns it.
var ErrUserNotFound = errors.New("TikTok has no account with that name")

// statusOffline is TikTok's room status for "not live" in every route that
// reports one; the peers treat any other status as live.
const statusOffline = 4

// maxPageBytes bounds a profile page; real ones are well under 2 MiB.
const maxPageBytes = 16 << 20

// room is what a lookup learned about the streamer's LIVE.
type room struct {
	ID   string // decimal room id; when offline it may be the last LIVE's
	Live bool
}

// lookupError lists why each lookup route failed.
type lookupError struct{ errs []error }

func (e *lookupError) Error() string {
	parts := make([]string, len(e.errs))
	for i, err := range e.errs {
		parts[i] = err.Error()
	}
	return strings.Join(parts, "; ")
}

func (e *lookupError) Unwrap() []error { return e.errs }

// lookupRoom finds the room id and live status the way the peers do: the
// LIVE page's SIGI_STATE first, then the api-live JSON, then the sign
// server's room_id route. Each route can be blocked on its own, so every
// failure is kept for the message.
func (c *Client) lookupRoom(ctx context.Context) (room, error) {
	routes := []struct {
		name string
		fn   func(context.Context) (room, error)
	}{
		{"TikTok's LIVE page", c.roomFromPage},
		{"TikTok's api-live", c.roomFromAPILive},
		{"the sign server's room lookup", c.roomFromSignServer},
	}
	var errs []error
	for _, r := range routes {
		rm, err := r.fn(ctx)
		if err == nil {
			return rm, nil
		}
		if ctx.Err() != nil {
			return room{}, ctx.Err()
		}
		if errors.Is(err, ErrUserNotFound) {
			return room{}, fmt.Errorf("%w: @%s (check the spelling of tiktok.user)", ErrUserNotFound, c.user)
		}
		errs = append(errs, fmt.Errorf("%s: %w", r.name, err))
	}
	return room{}, fmt.Errorf("could not find out whether @%s is live (TikTok may be blocking this network or showing a captcha): %w", c.user, &lookupError{errs})
}

func (c *Client) roomFromPage(ctx context.Context) (room, error) {
	body, err := c.webGet(ctx, c.webURL("/@"+c.user+"/live", nil), "text/html,application/json,application/protobuf")
	if err != nil {
		return room{}, err
	}
	return parseSIGIState(body)
}

func (c *Client) roomFromAPILive(ctx context.Context) (room, error) {
	q := c.webParams()
	q.Set("uniqueId", c.user)
	q.Set("sourceType", "54")
	body, err := c.webGet(ctx, c.webURL("/api-live/user/room/", q), "application/json")
	if err != nil {
		return room{}, err
	}
	return parseAPILive(body)
}

func (c *Client) roomFromSignServer(ctx context.Context) (room, error) {
	u := c.signBase.JoinPath("webcast", "anchors", c.user, "room_id")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return room{}, err
	}
	c.signHeaders(req, "application/json")
	status, _, body, err := c.do(req, maxPageBytes)
	if err != nil {
		return room{}, err
	}
	switch status {
	case http.StatusOK:
	case http.StatusUnauthorized, http.StatusPaymentRequired, http.StatusForbidden:
		return room{}, fmt.Errorf("no permission for this lookup (HTTP %d)", status)
	default:
		return room{}, fmt.Errorf("HTTP %d", status)
	}
	return parseEulerRoom(body)
}

// webGet fetches a TikTok web page or JSON with the browser-like headers
// the peers send. Non-200 answers are errors.
func (c *Client) webGet(ctx context.Context, u, accept string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	h := req.Header
	h.Set("User-Agent", browserUserAgent)
	h.Set("Accept", accept)
	h.Set("Accept-Language", "en-US,en;q=0.9")
	h.Set("Referer", "https://www.tiktok.com/")
	h.Set("Origin", "https://www.tiktok.com")
	h.Set("Sec-Fetch-Site", "same-site")
	h.Set("Sec-Fetch-Mode", "cors")
	h.Set("Sec-Fetch-Dest", "empty")
	h.Set("Cookie", "tt-target-idc=useast1a")
	status, _, body, err := c.do(req, maxPageBytes)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", status)
	}
	return body, nil
}

// webParams are the query parameters the peers send to TikTok's web API,
// with the same fingerprint as the WebSocket.
func (c *Client) webParams() url.Values {
	q := url.Values{}
	for _, kv := range [][2]string{
		{"aid", "1988"}, {"app_name", "tiktok_web"}, {"device_platform", "web_pc"}, {"channel", "tiktok_web"},
		{"app_language", "en"}, {"browser_language", "en-GB"}, {"browser_name", "Mozilla"},
		{"browser_platform", "Win32"}, {"browser_version", strings.TrimPrefix(browserUserAgent, "Mozilla/")},
		{"browser_online", "true"}, {"cookie_enabled", "true"}, {"screen_width", "1920"}, {"screen_height", "1080"},
		{"tz_name", "Europe/London"}, {"os", "windows"}, {"region", "GB"}, {"priority_region", "GB"},
		{"webcast_language", "en"}, {"focus_state", "true"}, {"is_page_visible", "true"}, {"is_fullscreen", "false"},
		{"history_len", "10"}, {"from_page", "user"}, {"data_collection_enabled", "true"}, {"user_is_login", "false"},
		{"device_id", c.deviceID},
	} {
		q.Set(kv[0], kv[1])
	}
	return q
}

func (c *Client) webURL(path string, q url.Values) string {
	u := c.webBase.JoinPath(path)
	if strings.HasSuffix(path, "/") && !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if q != nil {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Errors of the lookup parsers, worded for the streamer.
var (
	errNoSIGIState = errors.New("the page has no SIGI_STATE data (TikTok may be showing a captcha or blocking this network)")
	errNoLiveRoom  = errors.New("the page has no LIVE room for this account (it may not exist or not be allowed to go LIVE)")
	errNoStatus    = errors.New("the answer has no live status")
)

// sigiOpen is how the peers find the state JSON in the LIVE page.
const sigiOpen = `<script id="SIGI_STATE" type="application/json">`

// parseSIGIState reads the room id and live status from a LIVE page's
// SIGI_STATE JSON: LiveRoom.liveRoomUserInfo.user.roomId, and the status in
// liveRoom.status (what Node reads) or else user.status (what Python reads).
func parseSIGIState(page []byte) (room, error) {
	_, rest, ok := bytes.Cut(page, []byte(sigiOpen))
	if !ok {
		return room{}, errNoSIGIState
	}
	js, _, ok := bytes.Cut(rest, []byte("</script>"))
	if !ok {
		return room{}, errNoSIGIState
	}
	var st struct {
		LiveRoom *struct {
			LiveRoomUserInfo *struct {
				User *struct {
					RoomID flexID   `json:"roomId"`
					Status *flexInt `json:"status"`
				} `json:"user"`
				LiveRoom *struct {
					Status *flexInt `json:"status"`
				} `json:"liveRoom"`
			} `json:"liveRoomUserInfo"`
		} `json:"LiveRoom"`
	}
	if err := json.Unmarshal(js, &st); err != nil {
		return room{}, fmt.Errorf("the page's SIGI_STATE is not valid JSON (TikTok may be showing a captcha): %w", err)
	}
	if st.LiveRoom == nil || st.LiveRoom.LiveRoomUserInfo == nil || st.LiveRoom.LiveRoomUserInfo.User == nil {
		return room{}, errNoLiveRoom
	}
	info := st.LiveRoom.LiveRoomUserInfo
	status := info.User.Status
	if info.LiveRoom != nil && info.LiveRoom.Status != nil {
		status = info.LiveRoom.Status
	}
	return roomFrom(info.User.RoomID, status)
}

// parseAPILive reads /api-live/user/room/: data.user.roomId and
// data.liveRoom.status (else data.user.status).
func parseAPILive(body []byte) (room, error) {
	var r struct {
		StatusCode flexInt `json:"statusCode"`
		Message    string  `json:"message"`
		Data       *struct {
			User *struct {
				RoomID flexID   `json:"roomId"`
				Status *flexInt `json:"status"`
			} `json:"user"`
			LiveRoom *struct {
				Status *flexInt `json:"status"`
			} `json:"liveRoom"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return room{}, fmt.Errorf("the answer is not valid JSON: %w", err)
	}
	if r.Message == "user_not_found" {
		return room{}, ErrUserNotFound
	}
	if r.StatusCode != 0 {
		return room{}, fmt.Errorf("TikTok error %d (%s)", r.StatusCode, clip(r.Message))
	}
	if r.Data == nil || r.Data.User == nil {
		return room{}, errNoLiveRoom
	}
	status := r.Data.User.Status
	if r.Data.LiveRoom != nil && r.Data.LiveRoom.Status != nil {
		status = r.Data.LiveRoom.Status
	}
	return roomFrom(r.Data.User.RoomID, status)
}

// parseEulerRoom reads the sign server's /webcast/anchors/{user}/room_id
// answer: {code, ok, message, room_id, is_live}.
func parseEulerRoom(body []byte) (room, error) {
	var r struct {
		Code    flexInt `json:"code"`
		OK      bool    `json:"ok"`
		Message string  `json:"message"`
		RoomID  flexID  `json:"room_id"`
		IsLive  *bool   `json:"is_live"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return room{}, fmt.Errorf("the answer is not valid JSON: %w", err)
	}
	switch r.Code {
	case 401, 402, 403:
		return room{}, fmt.Errorf("no permission for this lookup (code %d)", r.Code)
	}
	if !r.OK {
		return room{}, fmt.Errorf("the sign server could not look the room up (%s)", clip(r.Message))
	}
	if r.IsLive == nil {
		return room{}, errNoStatus
	}
	if err := r.RoomID.check(); err != nil {
		return room{}, err
	}
	return room{ID: string(r.RoomID), Live: *r.IsLive && r.RoomID.present()}, nil
}

func roomFrom(id flexID, status *flexInt) (room, error) {
	if status == nil {
		return room{}, errNoStatus
	}
	if err := id.check(); err != nil {
		return room{}, err
	}
	// Without a room id there is nothing to connect to, whatever the
	// status says, so that counts as not live.
	return room{ID: string(id), Live: *status != statusOffline && id.present()}, nil
}

// flexID is an id TikTok sends as a JSON string or number.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("room id is neither text nor a number")
	}
	*f = flexID(n.String())
	return nil
}

// present reports a real room id: TikTok writes "0" or "" for none.
func (f flexID) present() bool { return f != "" && f != "0" }

// check refuses ids that are not plain decimal numbers: the id goes into a
// URL path and a protobuf int64 field.
func (f flexID) check() error {
	if len(f) > 19 {
		return fmt.Errorf("room id %q is too long", clip(string(f)))
	}
	for _, r := range f {
		if r < '0' || r > '9' {
			return fmt.Errorf("room id %q is not a number", clip(string(f)))
		}
	}
	return nil
}

// flexInt is a status or code TikTok sends as a JSON number or string.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("status %q is not a whole number", clip(string(b)))
	}
	*f = flexInt(n)
	return nil
}

// clip shortens text a server chose before it goes into an error, and
// drops control characters so it cannot break a log line.
func clip(s string) string {
	const max = 200
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= max {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}
