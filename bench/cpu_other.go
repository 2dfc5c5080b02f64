//go:build !unix && !windows

package bench

import "time"

// ProcessCPU is 0 where the system does not say: the bench then prints no
// CPU figures.
func ProcessCPU() time.Duration { return 0 }
