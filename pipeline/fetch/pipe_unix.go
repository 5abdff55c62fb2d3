//go:build unix

package fetch

import (
	"os"
	"syscall"
)

// openPipe opens a named pipe for reading without waiting for a writer:
// open(2) on a FIFO blocks until one comes, which may be never.
func openPipe(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
