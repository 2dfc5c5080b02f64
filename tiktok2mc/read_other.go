//go:build !unix

package tiktok2mc

const openNonblock = 0
