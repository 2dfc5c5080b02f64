package datapack

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Data pack formats that change what tikcraft writes.
const (
	formatMacros   = 18 // 1.20.2: function macros, which carry the viewer values
	formatSingular = 48 // 1.21: data/NS/function/ instead of functions/
	formatMinMax   = 88 // 1.21.9: min_format and max_format
	// maxFormat is the highest format the version-less pack declares it
	// supports; later versions still load a pack whose range they exceed.
	maxFormat = 999
)

// formats maps each Java Edition release from 1.20.2 on to its data pack
// format: the first patch version that has it (later patches of the same
// minor version keep it until the next entry).
var formats = []struct {
	minor, patch, format int
}{
	{20, 2, 18}, {20, 3, 26}, {20, 5, 41},
	{21, 0, 48}, {21, 2, 57}, {21, 4, 61}, {21, 5, 71}, {21, 6, 80}, {21, 7, 81},
	{21, 9, 88}, {21, 11, 94},
}

// ErrTooOld is returned (wrapped) by Format for a release before 1.20.2,
// which has no function macros.
var ErrTooOld = errors.New("too old for datapack mode")

// Format returns the data pack format of a Minecraft Java version such as
// "1.21.4". Versions before 1.20.2 have no function macros and are an
// error. A version newer than the table (1.22, or the year-numbered 26.1
// and later) gives 0: the pack then declares every format from 1.20.2 on,
// as without a version.
func Format(version string) (int, error) {
	v := strings.TrimSpace(version)
	parts := strings.Split(v, ".")
	bad := fmt.Errorf("minecraft.version %q is not a Minecraft Java version such as 1.21.4 or 26.1", version)
	if len(parts) < 2 || len(parts) > 3 {
		return 0, bad
	}
	nums := make([]int, 3)
	for i, s := range parts {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 1000 {
			return 0, bad
		}
		nums[i] = n
	}
	switch {
	case nums[0] >= 26: // year-numbered releases, after 1.21
		return 0, nil
	case nums[0] != 1:
		return 0, bad
	}
	minor, patch := nums[1], nums[2]
	if last := formats[len(formats)-1]; minor > last.minor {
		return 0, nil
	}
	if minor < 20 || minor == 20 && patch < 2 {
		return 0, fmt.Errorf("minecraft.version %s is %w: it needs function macros, which came with Minecraft 1.20.2; leave out minecraft.datapack_dir to send every command over RCON", version, ErrTooOld)
	}
	f := formats[0].format
	for _, e := range formats {
		if minor > e.minor || minor == e.minor && patch >= e.patch {
			f = e.format
		}
	}
	return f, nil
}
