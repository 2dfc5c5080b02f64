package actions

import "strings"

// IgnoreNames on a line's comment turns off the check of Minecraft names
// for that line (a resource pack's sound, a modded server's command).
const IgnoreNames = "ignore-names"

// checkNames reports the names in the "/" command c that Minecraft does
// not know (Options.Minecraft). off is the byte offset of the "/" in
// line. The first command checked also gets the notice about
// minecraft.version, if there is one.
func (p *parser) checkNames(line string, off int, c Command, comment string) {
	names := p.opts.Minecraft
	if c.Kind != Minecraft || names == nil || strings.Contains(strings.ToLower(comment), IgnoreNames) {
		return
	}
	if msg := names.Notice(); msg != "" && !p.noted {
		p.noted = true
		p.diag(c.Line, c.Col, Info, "%s", msg)
	}
	// c.Text is the command from its first character after the "/" on,
	// without what came after it (xN, a comment).
	start := off + 1
	for start < len(line) && (line[start] == ' ' || line[start] == '\t') {
		start++
	}
	for _, pr := range names.Check(c.Text) {
		sev := Error
		if pr.Warning {
			sev = Warning
		}
		p.diag(c.Line, col(line, start+pr.Offset), sev, "%s", pr.Message)
	}
}
