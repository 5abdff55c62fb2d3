package extract

import "syscall"

// setAddressSpaceLimit caps the process's virtual memory. Go reserves
// address space lazily, so a limit of a few GiB leaves normal work alone
// and turns a runaway allocation into an error in this process only.
func setAddressSpaceLimit(n int64) {
	lim := &syscall.Rlimit{Cur: uint64(n), Max: uint64(n)}
	_ = syscall.Setrlimit(syscall.RLIMIT_AS, lim)
}
