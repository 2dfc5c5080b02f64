package actions

import (
	"strings"
)

// over strips a trailing "over DURATION" that follows a multiplier
// ("/summon zombie x10 over 30s") into c.Over. Without an xN before it
// the words are command text (/say game over 10s stays as it is).
func (p *parser) over(n int, line string, off int, text string, c *Command) (string, bool) {
	f := strings.Fields(text)
	if len(f) < 4 || !strings.EqualFold(f[len(f)-2], "over") {
		return text, true
	}
	if m := f[len(f)-3]; len(m) < 2 || m[0] != 'x' || m[1] < '0' || m[1] > '9' {
		return text, true
	}
	word := f[len(f)-1]
	at := strings.LastIndex(text, word)
	d, ok := p.duration(n, line, off+at, "over", word, true)
	if !ok {
		return text, false
	}
	c.Over = d
	body := strings.TrimRight(text[:at], " \t")
	return strings.TrimRight(body[:len(body)-len(f[len(f)-2])], " \t"), true
}

// wait parses "$wait DURATION"; fields are the words after the "$".
func (p *parser) wait(n int, line string, off int, fields []string, c Command) (Command, bool) {
	c.Kind = Wait
	c.Text = "$" + strings.Join(fields, " ")
	if c.Repeat > 1 {
		p.diag(n, c.Col, Error, "$wait cannot be repeated with xN; write one longer wait instead")
		return c, false
	}
	if len(fields) != 2 {
		p.diag(n, c.Col, Error, "$wait takes one duration, for example $wait 2s or $wait 1m30s")
		return c, false
	}
	at := off + strings.Index(line[off:], fields[1])
	d, ok := p.duration(n, line, at, "$wait", fields[1], true)
	if !ok {
		return c, false
	}
	c.Wait = d
	return c, true
}
