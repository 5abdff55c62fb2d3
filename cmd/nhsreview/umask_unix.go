//go:build unix

package main

import "syscall"

// umask is the process's file creation mask, read once at start-up:
// syscall.Umask sets it while it reads it, which is safe only before any
// other goroutine creates a file.
var umask = func() int {
	m := syscall.Umask(0o022)
	syscall.Umask(m)
	return m
}()
