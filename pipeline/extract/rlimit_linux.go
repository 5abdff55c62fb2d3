package extract

import "syscall"

// setAddressSpaceLimit caps the memory the process can use. RLIMIT_DATA
// (Linux 4.7 and later) counts the writable memory actually mapped, which
// is what a runaway allocation grows; RLIMIT_AS alone cannot be the limit,
// because the Go runtime reserves about 1.5 GiB of address space at start
// (PROT_NONE, never used), so a limit below 2 GiB would kill every child
// before it read a byte. The address space gets that much room on top, as
// a backstop on kernels that do not enforce RLIMIT_DATA for mmap.
func setAddressSpaceLimit(n int64) {
	data := &syscall.Rlimit{Cur: uint64(n), Max: uint64(n)}
	_ = syscall.Setrlimit(syscall.RLIMIT_DATA, data)
	as := uint64(n) + 4<<30
	_ = syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: as, Max: as})
}

// canLimitChild: a Tesseract process gets its memory limit by starting as
// this binary, which sets the limit and then execs Tesseract.
const canLimitChild = true

func execProgram(path string, args, env []string) error {
	return syscall.Exec(path, args, env)
}
