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

	"github.com/tikcraft/tikcraft/clip"
)

// ErrUserNotFound means every lookup route said that the account in
// tiktok.user does not exist. TikTok says so at times of accounts that
// exist and are live, so Run does not return it: it keeps checking every
// RetryOffline and reports it in the log and in State.Err (errors.Is
// matches it).
var ErrUserNotFound = errors.New("TikTok has no account with that name")

// notFoundError is ErrUserNotFound for one account, worded for the
// streamer.
type notFoundError struct{ user string }

func (e *notFoundError) Error() string {
	return fmt.Sprintf("TikTok has no account @%s: check tiktok.user (your @handle, not your display name)", e.user)
}

func (e *notFoundError) Is(target error) bool { return target == ErrUserNotFound }

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

// routeError is one lookup route's failure.
type routeError struct {
	route string
	err   error
}

func (e *routeError) Error() string { return e.route + ": " + e.err.Error() }
func (e *routeError) Unwrap() error { return e.err }

// lookupError lists why each lookup route failed. It does not unwrap:
// some routes saying "no such account" must not read as ErrUserNotFound.
type lookupError struct{ errs []*routeError }

// Error says the cause first: one network problem shared by every route
// (no internet) once, else each route's reason.
func (e *lookupError) Error() string {
	if ne, ok := e.sameNetError(); ok {
		return ne.Error()
	}
	parts := make([]string, len(e.errs))
	for i, err := range e.errs {
		parts[i] = err.Error()
	}
	return strings.Join(parts, "; ")
}

func (e *lookupError) sameNetError() (*netError, bool) {
	var first *netError
	for _, re := range e.errs {
		ne, ok := errors.AsType[*netError](re.err)
		if !ok || first != nil && ne.kind != first.kind {
			return nil, false
		}
		if first == nil {
			first = ne
		}
	}
	return first, first != nil
}

// lookupRoom finds the room id and live status. It asks TikTok's LIVE page
// (SIGI_STATE) and api-live; when both answer but disagree about being
// live, TikTok's room info status decides, as the Node peer confirms a
// room before connecting. When neither answers, the sign server's room_id
// route is the last resort. A route that says the account does not exist
// is one failed route; only when all three say so is the answer
// ErrUserNotFound.
func (c *Client) lookupRoom(ctx context.Context) (room, error) {
	page, pageErr := c.roomFromPage(ctx)
	if ctx.Err() != nil {
		return room{}, ctx.Err()
	}
	api, apiErr := c.roomFromAPILive(ctx)
	if ctx.Err() != nil {
		return room{}, ctx.Err()
	}
	switch {
	case pageErr == nil && apiErr == nil:
		if page.Live == api.Live {
			return page, nil
		}
		return c.confirmLive(ctx, page, api)
	case pageErr == nil:
		return page, nil
	case apiErr == nil:
		return api, nil
	}
	euler, eulerErr := c.roomFromSignServer(ctx)
	if eulerErr == nil {
		return euler, nil
	}
	if ctx.Err() != nil {
		return room{}, ctx.Err()
	}
	errs := []*routeError{
		{"TikTok's LIVE page", pageErr},
		{"api-live", apiErr},
		{"the sign server's room lookup", eulerErr},
	}
	for _, e := range errs {
		if !errors.Is(e.err, ErrUserNotFound) {
			return room{}, &lookupError{errs}
		}
	}
	return room{}, &notFoundError{user: c.user}
}

// confirmLive settles a disagreement between the page and api-live with
// the room info status of the room the "live" answer names. If room info
// cannot be read, the "live" answer wins: a sign request that finds the
// room offline costs less than a missed LIVE.
func (c *Client) confirmLive(ctx context.Context, page, api room) (room, error) {
	live := page
	if !live.Live {
		live = api
	}
	ok, err := c.roomInfoLive(ctx, live.ID)
	if err != nil {
		if ctx.Err() != nil {
			return room{}, ctx.Err()
		}
		c.log.Debug("TikTok's LIVE page and api-live disagree and room info did not answer; trying the room", "room", live.ID, "error", err.Error())
		return live, nil
	}
	c.log.Debug("TikTok's LIVE page and api-live disagree; room info decides", "room", live.ID, "live", ok)
	return room{ID: live.ID, Live: ok}, nil
}

// roomInfoLive asks webcast's room/info for the room's status.
func (c *Client) roomInfoLive(ctx context.Context, roomID string) (bool, error) {
	q := c.webParams()
	q.Set("room_id", roomID)
	u := c.webcastBase.JoinPath("webcast", "room", "info")
	u.Path += "/"
	u.RawQuery = q.Encode()
	body, err := c.webGet(ctx, u.String(), "application/json", maxPageBytes)
	if err != nil {
		return false, err
	}
	return parseRoomInfo(body)
}

func (c *Client) roomFromPage(ctx context.Context) (room, error) {
	body, err := c.webGet(ctx, c.webURL("/@"+c.user+"/live", nil), "text/html,application/json,application/protobuf", maxPageBytes)
	if err != nil {
		return room{}, err
	}
	return parseSIGIState(body)
}

func (c *Client) roomFromAPILive(ctx context.Context) (room, error) {
	q := c.webParams()
	q.Set("uniqueId", c.user)
	q.Set("sourceType", "54")
	body, err := c.webGet(ctx, c.webURL("/api-live/user/room/", q), "application/json", maxPageBytes)
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
		return room{}, fmt.Errorf("no permission for this lookup (HTTP %d%s)", status, said(c.secrets.String(serverMessage(body))))
	default:
		return room{}, fmt.Errorf("HTTP %d", status)
	}
	return parseEulerRoom(body)
}

// webGet fetches a TikTok web page or JSON with the browser-like headers
// the peers send, at most limit bytes. Non-200 answers are errors.
func (c *Client) webGet(ctx context.Context, u, accept string, limit int64) ([]byte, error) {
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
	status, _, body, err := c.do(req, limit)
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
	errNoSIGIState = errors.New("no room data in the page (a captcha or a block)")
	errNoLiveRoom  = fmt.Errorf("no LIVE room in the page: %w", ErrUserNotFound)
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
		return room{}, fmt.Errorf("unreadable room data in the page (a captcha?): %w", err)
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
		return room{}, fmt.Errorf("user_not_found: %w", ErrUserNotFound)
	}
	if r.StatusCode != 0 {
		return room{}, fmt.Errorf("TikTok error %d (%s)", r.StatusCode, serverText(r.Message))
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
		if m := strings.ToLower(r.Message); r.Code == 404 || strings.Contains(m, "not found") || strings.Contains(m, "not_found") {
			return room{}, fmt.Errorf("%s: %w", serverText(r.Message), ErrUserNotFound)
		}
		return room{}, fmt.Errorf("no room found (%s)", serverText(r.Message))
	}
	if r.IsLive == nil {
		return room{}, errNoStatus
	}
	if err := r.RoomID.check(); err != nil {
		return room{}, err
	}
	return room{ID: string(r.RoomID), Live: *r.IsLive && r.RoomID.present()}, nil
}

// parseRoomInfo reads webcast's /webcast/room/info/ answer: data.status,
// 4 offline and anything else live, as the Node peer reads it.
func parseRoomInfo(body []byte) (bool, error) {
	var r struct {
		StatusCode flexInt `json:"status_code"`
		Data       *struct {
			Status *flexInt `json:"status"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return false, fmt.Errorf("the answer is not valid JSON: %w", err)
	}
	if r.StatusCode != 0 {
		return false, fmt.Errorf("TikTok error %d", r.StatusCode)
	}
	if r.Data == nil || r.Data.Status == nil {
		return false, errNoStatus
	}
	return *r.Data.Status != statusOffline, nil
}

// said quotes a server's explanation for an error, if it gave one.
func said(msg string) string {
	if msg == "" {
		return ""
	}
	return fmt.Sprintf(": %q", msg)
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
		return fmt.Errorf("room id %q is too long", serverText(string(f)))
	}
	for _, r := range f {
		if r < '0' || r > '9' {
			return fmt.Errorf("room id %q is not a number", serverText(string(f)))
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
		return fmt.Errorf("status %q is not a whole number", serverText(string(b)))
	}
	*f = flexInt(n)
	return nil
}

// serverText shortens text a server chose before it goes into an error, and
// drops control characters so it cannot break a log line.
func serverText(s string) string {
	return clip.String(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s), 200)
}
