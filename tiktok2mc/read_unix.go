//go:build unix

package tiktok2mc

import "syscall"

const openNonblock = syscall.O_NONBLOCK
