//go:build !unix

package fetch

import "os"

// openPipe opens a named pipe for reading.
func openPipe(path string) (*os.File, error) { return os.Open(path) }
