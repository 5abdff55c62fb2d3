//go:build !unix

package main

// umask: systems without one create files readable by others.
var umask = 0o022
