package tiktok2mc

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/tikcraft/tikcraft/userfile"
	"github.com/tikcraft/tikcraft/yamldepth"
)

// The caps of the files migrate reads. Tiktok2Mc's files are a few
// kilobytes; a bigger one is not a Tiktok2Mc file. They keep the memory
// small too: the YAML parser takes about 1 MB of memory per KB of a file
// full of keys (64 KB: 60 MB), the actions files about 40 bytes per byte
// (1 MB of rules or blank lines: under 100 MB).
var (
	yamlFile = userfile.Kind{Name: "Tiktok2Mc YAML file", Max: 64 << 10, TooBig: notTiktok2Mc}
	textFile = userfile.Kind{Name: "Tiktok2Mc actions file", Max: 1 << 20, TooBig: notTiktok2Mc}
)

const notTiktok2Mc = "it is not a Tiktok2Mc file; give the folder with Tiktok2Mc's own config.yaml and actions.mca"

// readFile reads a file of the Tiktok2Mc folder: an ordinary file (a link
// is followed to what it points at) of at most its kind's cap, never
// waiting on a pipe. A folder, a FIFO, a device or a huge file is an error
// that says what it is; so is a YAML file nested deeper than any config,
// and a file that is not text.
// A file saved as UTF-16 comes back as UTF-8, and wasUTF16 says so.
func readFile(path string) (b []byte, wasUTF16 bool, err error) {
	k := textFile
	if strings.HasSuffix(path, ".yaml") {
		k = yamlFile
	}
	if b, err = userfile.Read(path, k); err != nil {
		return nil, false, err
	}
	return decodeFile(path, b)
}

// decodeFile is readFile's part after reading: the file's bytes b as
// UTF-8 text, or an error naming path.
func decodeFile(path string, b []byte) (text []byte, wasUTF16 bool, err error) {
	b, wasUTF16 = userfile.AsUTF8(b)
	// Notepad's UTF-8 with a byte order mark: the YAML parser took the
	// mark for part of the first key, which then named nothing (a
	// config.yaml starting with tiktok: lost its user).
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	// A program, a picture or a zip file in place of a Tiktok2Mc file: the
	// YAML parser's error would not say so, and the actions file's lines
	// came out as comments.
	if line, col, ok := userfile.NUL(b); ok {
		return nil, false, fmt.Errorf("%s:%d:%d: %s; otherwise %s", path, line, col, userfile.NotText, notTiktok2Mc)
	}
	// The YAML parser's memory grows with the square of the nesting:
	// refused before it is parsed, and after decoding (in UTF-16 bytes
	// the check sees no nesting at all).
	var deep *yamldepth.TooDeep
	if strings.HasSuffix(path, ".yaml") && errors.As(yamldepth.Check(b), &deep) {
		return nil, false, fmt.Errorf("%s:%d:%d: %w", path, deep.Line, deep.Col, deep)
	}
	return b, wasUTF16, nil
}
