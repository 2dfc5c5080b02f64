package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Size is a number of bytes written as "500MB", "1GiB", "64 KiB" or a
// plain number of bytes. KB, MB, GB and TB are powers of 1000; KiB, MiB,
// GiB and TiB powers of 1024.
type Size int64

func (s Size) String() string {
	for _, u := range []struct {
		name string
		n    int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if s >= Size(u.n) && int64(s)%u.n == 0 {
			return strconv.FormatInt(int64(s)/u.n, 10) + u.name
		}
	}
	return strconv.FormatInt(int64(s), 10) + "B"
}

// UnmarshalYAML parses a size and reports bad ones with their position.
func (s *Size) UnmarshalYAML(n ast.Node) error {
	v, err := ParseSize(strings.Trim(strings.TrimSpace(n.String()), `"'`))
	if err != nil {
		return newPositioned(n, err.Error())
	}
	*s = v
	return nil
}

var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseSize reads a size such as "1GiB", "500MB" or "1048576".
func ParseSize(s string) (Size, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult, ok := sizeUnits[unit]
	f, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || f < 0 {
		return 0, fmt.Errorf("%q is not a size: write it like 500MB, 1GiB or 2GB", s)
	}
	v := f * mult
	if math.IsInf(v, 0) || v >= math.MaxInt64/2 {
		return 0, fmt.Errorf("%q is too large a size", s)
	}
	return Size(v), nil
}
