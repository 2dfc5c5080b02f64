package deaths

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/tikcraft/tikcraft/clip"
)

// Hook is one webhook a server plugin posted.
type Hook struct {
	Event    string // "player_death"; "" when the plugin sent only a message
	Message  string
	Player   string
	LoadType string
}

// MaxMessage bounds the message text kept from a webhook.
const MaxMessage = 1000

// ParseWebhook reads what the MinecraftServerAPI plugin posts: a JSON
// object such as {"load_type":"INGAME_GAMEPLAY","event":"player_death",
// "message":"..."} (other fields are ignored), or with its onlyMessage
// option just the message, as a JSON string or as plain text.
func ParseWebhook(body []byte) (Hook, error) {
	body = bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(body) == 0 {
		return Hook{}, errors.New("the webhook body is empty: send the plugin's JSON or a message text")
	}
	if !utf8.Valid(body) {
		return Hook{}, errors.New("the webhook body is not UTF-8 text")
	}
	switch body[0] {
	case '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return Hook{}, fmt.Errorf("the webhook body is not valid JSON: %w", plain(err))
		}
		var h Hook
		for _, f := range []struct {
			key string
			dst *string
		}{{"event", &h.Event}, {"message", &h.Message}, {"player", &h.Player}, {"load_type", &h.LoadType}} {
			raw, ok := m[f.key]
			if !ok || string(raw) == "null" {
				continue
			}
			if err := json.Unmarshal(raw, f.dst); err != nil {
				return Hook{}, fmt.Errorf("webhook field %q must be text, not %s", f.key, kind(raw))
			}
		}
		if h.Message == "" {
			// Other plugins put the death message under "cause".
			var cause string
			if raw, ok := m["cause"]; ok && json.Unmarshal(raw, &cause) == nil {
				h.Message = cause
			}
		}
		h.Event = strings.TrimSpace(h.Event)
		h.Message = clip.String(h.Message, MaxMessage)
		h.Player = clip.String(h.Player, MaxMessage)
		if h.Event == "" && strings.TrimSpace(h.Message) == "" {
			return Hook{}, errors.New(`the webhook JSON has neither "event" nor "message"`)
		}
		return h, nil
	case '"':
		var s string
		if err := json.Unmarshal(body, &s); err != nil {
			return Hook{}, fmt.Errorf("the webhook body is not a valid JSON string: %w", plain(err))
		}
		return Hook{Message: clip.String(s, MaxMessage)}, nil
	case '[':
		return Hook{}, errors.New("the webhook body is a JSON list; send one event object or a message text")
	}
	return Hook{Message: clip.String(string(body), MaxMessage)}, nil
}

func plain(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s at byte %d", se.Error(), se.Offset)
	}
	return err
}

func kind(raw json.RawMessage) string {
	switch {
	case len(raw) == 0:
		return "nothing"
	case raw[0] == '{':
		return "an object"
	case raw[0] == '[':
		return "a list"
	case raw[0] == 't' || raw[0] == 'f':
		return "true/false"
	}
	return "a number"
}

// Mapping says what webhooks mean (minecraft.webhook in the config).
type Mapping struct {
	Events   map[string]string // event name → Death, Respawn or Ignore
	Messages []MessageRule     // for message-only webhooks, first match wins
}

// MessageRule: a message containing Contains (ignoring case) means Means.
type MessageRule struct {
	Contains string
	Means    string
}

// Means says what h means: Death, Respawn, Ignore, or "" when the mapping
// does not know it (also ignored, but worth a log line).
func (m Mapping) Means(h Hook) string {
	if h.Event != "" {
		return m.event(h.Event)
	}
	msg := strings.TrimSpace(h.Message)
	if v := m.event(msg); v != "" {
		return v // a plugin configured to send just the event name
	}
	low := strings.ToLower(msg)
	for _, r := range m.Messages {
		if c := strings.ToLower(strings.TrimSpace(r.Contains)); c != "" && strings.Contains(low, c) {
			return r.Means
		}
	}
	return ""
}

func (m Mapping) event(name string) string {
	if v, ok := m.Events[name]; ok {
		return v
	}
	for k, v := range m.Events {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Receiver handles what a Minecraft plugin posts to the dashboard's
// /webhook: deaths and respawns reach Tracker when UseDeaths is set
// (minecraft.deaths: webhook); every message is mapped by Mapping.
type Receiver struct {
	Tracker   *Tracker
	Mapping   Mapping
	UseDeaths bool
	Log       *slog.Logger
}

// Webhook handles one post and says what it meant (Death, Respawn, Ignore
// or ""). An error means the body is not a webhook message.
func (r *Receiver) Webhook(_ context.Context, body []byte) (string, error) {
	h, err := ParseWebhook(body)
	if err != nil {
		return "", err
	}
	means := r.Mapping.Means(h)
	switch {
	case means == "":
		r.Log.Debug("webhook event not mapped to anything; ignored (see minecraft.webhook in docs/WEB.md)", "event", h.Event, "message", h.Message)
	case means == Ignore:
	case !r.UseDeaths:
		r.Log.Debug("webhook death or respawn ignored: minecraft.deaths is not webhook", "means", means)
	case means == Death:
		r.Log.Info("Minecraft: the player died", "player", h.Player, "message", h.Message)
		r.Tracker.Died(h.Player, 1)
	case means == Respawn:
		r.Log.Info("Minecraft: the player respawned", "player", h.Player)
		r.Tracker.Respawned(h.Player)
	}
	return means, nil
}
