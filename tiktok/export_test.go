package tiktok

import "github.com/tikcraft/tikcraft/lograte"

// SetLogOptions gives c's lines that could repeat per frame options (a
// clock), for the tests of package tiktok_test.
func SetLogOptions(c *Client, opts ...lograte.Option) { c.logOpts = opts }
