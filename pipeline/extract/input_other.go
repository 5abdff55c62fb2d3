//go:build !linux

package extract

import (
	"bufio"
	"os"
)

// Without memory files, a PDF reaches its worker as bytes through a pipe.

func inputChannel() (parent, child *os.File, err error) {
	child, parent, err = os.Pipe()
	return parent, child, err
}

func sendInput(conn *os.File, data []byte) error { return writeFrame(conn, data) }

// inputReader buffers the file a worker reads its input from.
var inputReader struct {
	in *os.File
	r  *bufio.Reader
}

func receiveInput(in *os.File) (data []byte, release func(), err error) {
	if inputReader.in != in {
		inputReader.in, inputReader.r = in, bufio.NewReader(in)
	}
	data, err = readFrame(inputReader.r)
	return data, func() {}, err
}
