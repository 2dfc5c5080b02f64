package tiktok

import (
	"fmt"
	"net/url"
	"strings"
)

// maxUserLen is generous: TikTok itself allows 24 characters, but older
// accounts and future rule changes should not lock a streamer out.
const maxUserLen = 64

// NormalizeUser turns what a streamer may paste into tiktok.user into the
// bare account name: "@name", "name", "https://www.tiktok.com/@name/live"
// and "tiktok.com/@name?lang=en" all give "name". The result contains only
// letters, digits, "_" and ".", so it is safe in URLs, paths and log lines.
func NormalizeUser(s string) (string, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return "", fmt.Errorf("tiktok.user is empty: set it to your TikTok name, for example \"@your_name\"")
	}
	name := in
	if looksLikeURL(in) {
		var err error
		if name, err = userFromURL(in); err != nil {
			return "", err
		}
	} else {
		name = strings.TrimSuffix(strings.TrimSuffix(name, "/"), "/live")
		name = strings.TrimPrefix(name, "@")
	}
	if name == "" {
		return "", fmt.Errorf("tiktok.user %q has no name after the @: write it like \"@your_name\"", in)
	}
	if len(name) > maxUserLen {
		return "", fmt.Errorf("tiktok.user %q is too long for a TikTok name (at most %d characters)", in, maxUserLen)
	}
	for _, r := range name {
		if !isNameRune(r) {
			return "", fmt.Errorf("tiktok.user %q is not a TikTok name: names contain only letters, digits, \"_\" and \".\" (found %q)", in, r)
		}
	}
	return name, nil
}

func isNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.'
}

func looksLikeURL(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "://") || strings.Contains(l, "tiktok.com/") || strings.HasSuffix(l, "tiktok.com")
}

// userFromURL finds the "@name" path segment of a tiktok.com link.
func userFromURL(s string) (string, error) {
	raw := s
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	host := ""
	if err == nil {
		host = strings.ToLower(u.Hostname())
	}
	if err != nil || (host != "tiktok.com" && !strings.HasSuffix(host, ".tiktok.com")) {
		return "", fmt.Errorf("tiktok.user %q is not a tiktok.com link: write your name like \"@your_name\"", s)
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		if name, ok := strings.CutPrefix(seg, "@"); ok {
			return name, nil
		}
	}
	return "", fmt.Errorf("tiktok.user %q is a link without an @name in it (short links do not work): write your name like \"@your_name\"", s)
}
