package tiktok

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// RoomStatus is what TikTok says about the followed account right now.
type RoomStatus struct {
	RoomID string // the current LIVE's room, or the last one's ("" if none)
	Live   bool
}

// LookupLive asks TikTok once whether the account is live, the way Run
// does before connecting (LIVE page, api-live, then the sign server). It
// returns ErrUserNotFound (wrapped) when the account does not exist.
func (c *Client) LookupLive(ctx context.Context) (RoomStatus, error) {
	rm, err := c.lookupRoom(ctx)
	if err != nil {
		return RoomStatus{}, err
	}
	return RoomStatus{RoomID: rm.ID, Live: rm.Live}, nil
}

// GiftInfo is one gift TikTok offers: what a rule can name by id.
type GiftInfo struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Diamonds int64  `json:"diamonds"`
	// Combo gifts can be sent as a streak (TikTok's gift type 1).
	Combo bool `json:"combo"`
}

// maxGiftListBytes bounds the gift list answer; real ones are a few MiB
// with every image URL.
const maxGiftListBytes = 32 << 20

// webcastBase is the host of TikTok's webcast web API.
const webcastBase = "https://webcast.tiktok.com"

// Gifts fetches the list of gifts TikTok offers in the account's LIVE room
// (webcast/gift/list/, as the Node and Python peers call it). The room id
// is sent when TikTok reports one; the list is mostly the same for every
// room of a region, so an offline account still gets it.
func (c *Client) Gifts(ctx context.Context) ([]GiftInfo, error) {
	q := c.webParams()
	if st, err := c.LookupLive(ctx); err == nil && st.RoomID != "" {
		q.Set("room_id", st.RoomID)
	} else if errors.Is(err, ErrUserNotFound) {
		return nil, err
	} else if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	body, err := c.webGet(ctx, c.giftListURL(q), "application/json", maxGiftListBytes)
	if err != nil {
		return nil, fmt.Errorf("could not get TikTok's gift list: %w", err)
	}
	return parseGiftList(body)
}

// giftListURL is webcast.tiktok.com's gift list, or the same path on
// WebBase when that is not TikTok (the simulator).
func (c *Client) giftListURL(q url.Values) string {
	if strings.TrimSuffix(c.cfg.WebBase, "/") == DefaultWebBase {
		u, _ := url.Parse(webcastBase + "/webcast/gift/list/")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return c.webURL("/webcast/gift/list/", q)
}

// parseGiftList reads {"data":{"gifts":[{"id","name","diamond_count","type"}]}}.
func parseGiftList(body []byte) ([]GiftInfo, error) {
	var r struct {
		StatusCode flexInt `json:"status_code"`
		Data       *struct {
			Gifts []struct {
				ID       flexID  `json:"id"`
				Name     string  `json:"name"`
				Diamonds flexInt `json:"diamond_count"`
				Type     flexInt `json:"type"`
			} `json:"gifts"`
		} `json:"data"`
		Extra *struct {
			Message string `json:"message"`
		} `json:"extra"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("TikTok's gift list is not valid JSON (TikTok may be showing a captcha): %w", err)
	}
	if r.StatusCode != 0 {
		msg := ""
		if r.Extra != nil {
			msg = " (" + serverText(r.Extra.Message) + ")"
		}
		return nil, fmt.Errorf("TikTok refused the gift list: status %d%s", int64(r.StatusCode), msg)
	}
	if r.Data == nil || len(r.Data.Gifts) == 0 {
		return nil, errors.New("TikTok's gift list came back empty (TikTok may want a signed request from this network)")
	}
	out := make([]GiftInfo, 0, len(r.Data.Gifts))
	for _, g := range r.Data.Gifts {
		if g.ID.check() != nil || !g.ID.present() {
			continue
		}
		id, err := strconv.ParseInt(string(g.ID), 10, 64)
		if err != nil {
			continue
		}
		out = append(out, GiftInfo{ID: id, Name: serverText(g.Name), Diamonds: int64(g.Diamonds), Combo: g.Type == 1})
	}
	return out, nil
}
