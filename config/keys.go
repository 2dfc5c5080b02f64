package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/tikcraft/tikcraft/suggest"
)

// keyTree is the set of keys tikcraft.yaml may contain, built from the
// yaml tags of Config so that a key added there is known here too.
type keyTree struct {
	children map[string]*keyTree // nil for a value (scalar) key
	list     bool                // the value is a list of children mappings
}

func keysOf(t reflect.Type) *keyTree {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	list := false
	if t.Kind() == reflect.Slice {
		list = true
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return &keyTree{}
	}
	k := &keyTree{children: map[string]*keyTree{}, list: list}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		k.children[name] = keysOf(f.Type)
	}
	return k
}

// unknownKeys reports every key of the file that tikcraft does not know,
// in file order, not just the first (the YAML library stops at one).
func unknownKeys(f *ast.File, name string) []Diagnostic {
	root := keysOf(reflect.TypeFor[Config]())
	var diags []Diagnostic
	var walk func(n ast.Node, k *keyTree, path string)
	walk = func(n ast.Node, k *keyTree, path string) {
		n = unwrap(n)
		switch n := n.(type) {
		case *ast.MappingNode:
			if k.children == nil {
				return // a type error, which decoding reports
			}
			for _, mv := range n.Values {
				walkPair(mv, k, path, name, &diags, walk)
			}
		case *ast.MappingValueNode:
			if k.children != nil {
				walkPair(n, k, path, name, &diags, walk)
			}
		case *ast.SequenceNode:
			if !k.list {
				return
			}
			elem := &keyTree{children: k.children}
			for i, v := range n.Values {
				walk(v, elem, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			walk(doc.Body, root, "")
		}
	}
	return diags
}

func walkPair(mv *ast.MappingValueNode, k *keyTree, path, file string, diags *[]Diagnostic, walk func(ast.Node, *keyTree, string)) {
	if mv == nil || mv.Key == nil || mv.Key.IsMergeKey() {
		return
	}
	key := keyText(mv.Key)
	child, ok := k.children[key]
	if !ok {
		d := Diagnostic{File: file, Line: 1, Col: 1, Severity: "error"}
		if t := mv.Key.GetToken(); t != nil && t.Position != nil {
			d.Line, d.Col = t.Position.Line, t.Position.Column
		}
		d.Message = fmt.Sprintf("unknown key %q", key)
		if path != "" {
			d.Message += " in " + strings.TrimPrefix(path, ".")
		}
		if s := closest(key, k.children); s != "" {
			d.Message += fmt.Sprintf(" (did you mean %q?)", s)
		}
		d.Message += " (see docs/CONFIG.md for the keys)"
		*diags = append(*diags, d)
		return
	}
	walk(mv.Value, child, path+"."+key)
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

func keyText(k ast.MapKeyNode) string {
	if t := k.GetToken(); t != nil {
		return t.Value
	}
	return strings.TrimSpace(k.String())
}

// closest suggests a known key at most two edits away from key.
func closest(key string, known map[string]*keyTree) string {
	best, bestD := "", 3
	for k := range known {
		if d := suggest.Distance(strings.ToLower(key), k); d < bestD || d == bestD && k < best {
			best, bestD = k, d
		}
	}
	return best
}

// tiktok2mcKeys are top-level keys of Tiktok2Mc's config.yaml that
// tikcraft.yaml never has: 0.x's CamelCase ones and 0.4 to 1.0's
// snake_case ones.
var tiktok2mcKeys = []string{
	"config_version", "auto_update_config", "control_method", "Java", "RCON", "TikTok", "Gifts",
	"Console", "GUI", "Update", "MinecraftServerAPI", "WinCounter", "Overlaytxt", "Timer",
	"DeathCounter", "LikeGoal", "CommentCommands",
	"show_sudo_warning", "server_host", "shutdown", "java", "console", "minecraft_server_api",
	"overlay_text", "like_goal", "random_triggers", "comment_commands", "death_counter",
	"win_counter", "timer", "gui", "spotify", "channel_points", "theme", "update",
}

// sharedKeys are top-level keys both files have, with the sub-keys only
// tikcraft.yaml uses: one of those makes the file ours.
var sharedKeys = map[string][]string{
	"rcon":   {"address", "timeout", "max_commands_per_second"},
	"tiktok": {"sign_server", "retry_offline", "web_base"},
}

// IsTiktok2Mc reports whether a parsed YAML file is Tiktok2Mc's
// config.yaml: at least two of its top-level keys, and none of ours but
// rcon and tiktok without tikcraft's own sub-keys.
func isTiktok2Mc(f *ast.File) bool {
	ours := keysOf(reflect.TypeFor[Config]()).children
	theirs := 0
	for _, doc := range f.Docs {
		if doc == nil {
			continue
		}
		for _, mv := range pairs(doc.Body) {
			if mv == nil || mv.Key == nil {
				continue
			}
			k := keyText(mv.Key)
			if only, shared := sharedKeys[k]; shared {
				for _, sub := range pairs(mv.Value) {
					if sub != nil && sub.Key != nil && slices.Contains(only, keyText(sub.Key)) {
						return false
					}
				}
				continue
			}
			if _, ok := ours[k]; ok {
				return false
			}
			if slices.Contains(tiktok2mcKeys, k) {
				theirs++
			}
		}
	}
	return theirs >= 2
}

// pairs lists the key-value pairs of a mapping node (a one-pair mapping may
// come as the pair itself).
func pairs(n ast.Node) []*ast.MappingValueNode {
	switch n := unwrap(n).(type) {
	case *ast.MappingNode:
		return n.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{n}
	}
	return nil
}
