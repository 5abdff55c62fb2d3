package extract

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// A PDF reaches its worker as a shared mapping: the parent writes the
// bytes it read into an anonymous memory file once, and passes the file
// over the worker's standard input, a Unix socket; the worker maps it
// read-only. Piping the bytes instead copied them twice more (into the
// pipe and out of it, into a fresh buffer the worker's collector then
// carried), for a document the parent had just read.

// sharedFlag marks a frame whose bytes are in the memory file passed with
// its header, not after it.
const sharedFlag = 1 << 63

// inputChannel makes the pair of connected sockets a worker's standard
// input is: the parent's end and the worker's.
func inputChannel() (parent, child *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socket pair: %w", err)
	}
	// The parent's end stays non-blocking, in Go's poller, so that
	// closing it stops a send; the worker reads its end blocking.
	if err := unix.SetNonblock(fds[1], false); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return nil, nil, fmt.Errorf("socket pair: %w", err)
	}
	return os.NewFile(uintptr(fds[0]), "pdf-input"), os.NewFile(uintptr(fds[1]), "pdf-input"), nil
}

// sendInput hands data to the worker: in a memory file when the system
// has them, else as bytes after the header.
func sendInput(conn *os.File, data []byte) error {
	mfd, err := unix.MemfdCreate("nhsreview-pdf", unix.MFD_CLOEXEC)
	if err != nil {
		return writeFrame(conn, data)
	}
	mem := os.NewFile(uintptr(mfd), "nhsreview-pdf")
	defer mem.Close() // the worker holds its own copy of the descriptor
	if _, err := mem.Write(data); err != nil {
		return writeFrame(conn, data)
	}
	var hdr [8]byte
	binary.BigEndian.PutUint64(hdr[:], uint64(len(data))|sharedFlag)
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	werr := raw.Write(func(fd uintptr) bool {
		var n int
		n, serr = unix.SendmsgN(int(fd), hdr[:], unix.UnixRights(mfd), nil, 0)
		if serr == unix.EAGAIN {
			return false // wait until the socket can take it
		}
		if serr == nil && n < len(hdr) {
			serr = io.ErrShortWrite
		}
		return true
	})
	if werr != nil {
		return werr
	}
	return serr
}

// receiveInput reads the next PDF on the worker's standard input; release
// gives back what it holds, once nothing refers to the bytes any more.
// It returns io.EOF at a clean end between PDFs.
func receiveInput(in *os.File) (data []byte, release func(), err error) {
	release = func() {}
	var hdr [8]byte
	oob := make([]byte, unix.CmsgSpace(4))
	got, fd := 0, -1
	for got < len(hdr) {
		n, oobn, _, _, err := unix.Recvmsg(int(in.Fd()), hdr[got:], oob, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, release, fmt.Errorf("reading input: %w", err)
		}
		if oobn > 0 {
			if fd, err = passedFile(oob[:oobn]); err != nil {
				return nil, release, err
			}
		}
		if n == 0 {
			if got == 0 && fd < 0 {
				return nil, release, io.EOF
			}
			return nil, release, fmt.Errorf("input cut short: %w", io.ErrUnexpectedEOF)
		}
		got += n
	}
	size := binary.BigEndian.Uint64(hdr[:])
	if size&sharedFlag == 0 {
		if fd >= 0 {
			unix.Close(fd)
		}
		if size > maxInput {
			return nil, release, fmt.Errorf("input of %d bytes announced", size)
		}
		data = make([]byte, size)
		if _, err := io.ReadFull(in, data); err != nil {
			return nil, release, fmt.Errorf("input cut short: %w", err)
		}
		return data, release, nil
	}
	size &^= sharedFlag
	if fd < 0 {
		return nil, release, fmt.Errorf("a shared input came without its file")
	}
	defer unix.Close(fd) // the mapping outlives the descriptor
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || uint64(st.Size) != size {
		return nil, release, fmt.Errorf("the shared input is not the %d bytes announced", size)
	}
	if size == 0 {
		return []byte{}, release, nil
	}
	data, err = unix.Mmap(fd, 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, release, fmt.Errorf("mapping the input: %w", err)
	}
	return data, func() { unix.Munmap(data) }, nil
}

// passedFile is the one descriptor a control message carries.
func passedFile(oob []byte) (int, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil || len(msgs) != 1 {
		return -1, fmt.Errorf("reading input: a malformed control message")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return -1, fmt.Errorf("reading input: a malformed control message")
	}
	return fds[0], nil
}
